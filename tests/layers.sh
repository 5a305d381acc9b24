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

# The rule: a layer and the layers whose headers it may include (its own always first).
# tests/, bench/ and fuzz/ are outside the rule: they test the layers, so they see them all.
declare -A may=(
	[engine]="engine"
	[reports]="reports"
	[suite]="suite engine reports"
)
layers=(engine reports suite)
known=(engine suite reports tests bench fuzz)

# The layer folder of a header path from the root, in $to ("" when none of ours).
layer_of() {
	local l
	to=
	for l in "${known[@]}"; do
		[[ $1 == "$l/"* ]] && { to=$l; return; }
	done
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
			if [[ " ${may[$layer]} " != *" $to "* ]]; then
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
echo "layers: engine/ includes only engine/, reports/ only reports/, suite/ those and its own"
