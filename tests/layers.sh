#!/usr/bin/env bash
# make layers: the include rule between the layers (docs/architecture.md). The engine is the
# protocol alone, so it must build without the suite or the reports; the reports render result
# records alone, so they must build without the engine. The Makefile gives each layer only its
# own include paths, which makes a wrong include fail to compile; this check says the same thing
# before any compiler runs, naming the file, the line and the rule it breaks.
#
#   tests/layers.sh [ROOT]     exit 0 when every include keeps to the rule, 1 otherwise
set -uo pipefail

root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2

# The rule: a layer and the layers whose headers it may include (its own always first). A
# layer is a folder; a name covers the folders below it (engine = every engine/ folder). Inside
# the engine the base folders see only what lies below them: the codec nothing, crypto and the
# network the codec; the mutation language and the exchanges use the whole engine.
# tests/, bench/ and fuzz/ are outside the rule: they test the layers, so they see them all.
declare -A may=(
	[engine/codec]="engine/codec"
	[engine/crypto]="engine/crypto engine/codec"
	[engine/net]="engine/net engine/codec"
	[engine/esp]="engine/esp engine/crypto engine/codec"
	[engine/mutation]="engine"
	[engine/exchanges]="engine"
	[engine]="engine"
	[reports]="reports"
	[suite]="suite engine reports"
)
layers=(engine/codec engine/crypto engine/net engine/esp engine/mutation engine/exchanges engine reports suite)
known=("${layers[@]}" tests bench fuzz)

# The layer folder of a header path from the root, in $to ("" when none of ours): the longest
# layer name it lies under.
layer_of() {
	local l
	to=
	for l in "${known[@]}"; do
		[[ $1 == "$l/"* && ${#l} -gt ${#to} ]] && to=$l
	done
}

# Whether layer $1 may include a header of layer $2.
allowed() {
	local m
	for m in ${may[$1]}; do
		[[ $2 == "$m" || $2 == "$m/"* ]] && return 0
	done
	return 1
}

# Where `#include NAME` written in FILE resolves to, in $hdr as a path from the root: a name
# with a folder (../engine/x.h) from FILE's folder, a bare name from FILE's own folder first
# (what the compiler does for "x.h"), then from each layer; "" for a system header.
resolve() {
	local file=$1 name=$2 dir=${1%/*} l
	hdr=
	if [[ $name == */* ]]; then
		hdr=$(realpath -m --relative-to=. "$dir/$name")
		return
	fi
	[[ -e $dir/$name ]] && { hdr=$dir/$name; return; }
	for l in "${known[@]}"; do
		[[ -e $l/$name ]] && { hdr=$l/$name; return; }
	done
}

inc_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^">]+)[">]'
bad=0
for layer in "${layers[@]}"; do
	for f in "$layer"/*.c "$layer"/*.h "$layer"/*.def; do
		[[ -f $f ]] || continue
		while IFS=: read -r line text; do
			[[ $text =~ $inc_re ]] || continue
			name=${BASH_REMATCH[1]}
			resolve "$f" "$name"
			[[ -n $hdr ]] || continue
			layer_of "$hdr"
			[[ -n $to ]] || continue
			if ! allowed "$layer" "$to"; then
				allowed=$(printf '%s/, ' ${may[$layer]})
				echo "$f:$line: includes $hdr, but $layer/ may include only" \
					"${allowed%, } headers (docs/architecture.md)" >&2
				bad=$((bad + 1))
			fi
		done < <(grep -nE "$inc_re" "$f")
	done
done

if [[ $bad -ne 0 ]]; then
	echo "layers: $bad include(s) break the layer rule" >&2
	exit 1
fi
echo "layers: engine/ includes only engine/ (its codec nothing above it, crypto and net only the" \
	"codec), reports/ only reports/, suite/ those and its own"
