#!/usr/bin/env bash
# make interop: the suite against every reference peer in the lab, and the interop matrix.
#
#   netns ikecheck-tester                     netns ikecheck-dut
#   ikecheck run (tester)  --- veth ---  PEER (the DUT, from peers/profiles/PEER.conf)
#
#   harness/interop.sh [PEER...]      default: strongswan libreswan ikecheck strongswan-rsasig
#                                     libreswan-rsasig
#   PEER-rsasig                       the peer with certificates (harness/lab up PEER --auth rsa-sig,
#                                     the profile the lab makes from peers/profiles/PEER-rsasig.conf):
#                                     the certificate cases only (INTEROP_RSASIG_CASES, default
#                                     CERT-*), baseline peers/PEER/expected-rsasig
#   INTEROP_PARALLEL=N   cases in flight (default 4; Libreswan 1); the reviewed baselines were
#                        made with 1 (one case at a time)
#   INTEROP_UPDATE=1     replace peers/PEER/expected with this run's baseline (then review the
#                        diff: a changed verdict is a change in the peer's or in our behaviour)
#   INTEROP_CASES=GLOBS  only these cases (ikecheck run --cases); with INTEROP_UPDATE=1 their lines
#                        replace theirs in the baseline, the other cases keep theirs
#
# Each peer runs as responder; for the cases where the DUT initiates, the runner has the lab make
# it start a fresh exchange towards the tester (harness/lab dut-initiate: swanctl --initiate,
# whack --initiate). Per peer: out/interop/PEER/ (results.jsonl,
# report.html, junit.xml, pcap/, keys) and, when peers/PEER/expected exists, the comparison
# with that baseline. Then out/interop/matrix.md and matrix.html: peer x area -> verdict counts.
# Needs root (network namespaces). Exit 0 when every peer ran (whatever its verdicts) and no
# baseline shows a new failure; 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
IK=$PWD/build/ikecheck
OUT=${INTEROP_OUT:-out/interop}
[[ $OUT == /* ]] || OUT=$PWD/$OUT # the run happens in the tester namespace: one absolute path
peers=("$@")
[[ ${#peers[@]} -gt 0 ]] || peers=(strongswan libreswan ikecheck strongswan-rsasig libreswan-rsasig)
[[ $(id -u) -eq 0 ]] || { echo "interop: needs root (network namespaces)" >&2; exit 2; }
export LAB_NAME=${INTEROP_LAB_NAME:-ikinterop}
rc=0

cleanup() { harness/lab down >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Cases in flight per peer. pluto tears down every ISAKMP SA of a connection when that
# connection's IPsec SA is deleted (the Deletes each case sends when it ends), which would cut
# the other cases short: Libreswan gets one case at a time.
parallel_for() {
	case $1 in
	# The certificate cases are few (18, half a minute) and were reviewed one at a time.
	libreswan* | *-rsasig) echo "${INTEROP_PARALLEL:-1}" ;;
	*) echo "${INTEROP_PARALLEL:-4}" ;;
	esac
}

baseline_of() {
	jq -c 'if .type == "run" then {type, dut, version}
		elif .type == "case" then {type, id, title, area, level, verdict, ref,
			reason: (.reason | gsub("[0-9a-f]{16}"; "<cookie>") | gsub("0x[0-9a-f]{8}"; "<spi>"))}
		else empty end' "$1"
}

# update_baseline NEW BASE: BASE becomes NEW, or, for a partial run (INTEROP_CASES), BASE with
# the lines of the cases NEW holds replaced (in place) or added (at the end).
update_baseline() {
	if [[ -z ${INTEROP_CASES:-} || ! -f $2 ]]; then
		cp "$1" "$2"
		return
	fi
	jq -c -n --slurpfile old "$2" --slurpfile new "$1" '
		($new | map(select(.type == "case") | {key: .id, value: .}) | from_entries) as $by
		| ($old | map(if .type == "case" and $by[.id] then $by[.id] else . end)[]),
		  ($new[] | select(.type == "case") | select(.id as $i | [$old[].id] | index($i) | not))
	' >"$2.tmp" && mv "$2.tmp" "$2"
}

# run_peer RUN: RUN is a peer (its PSK profile, every case) or PEER-rsasig (the lab with
# certificates, the certificate cases). Results in $OUT/RUN, baseline peers/PEER/expected or
# peers/PEER/expected-rsasig.
run_peer() {
	local run=$1 peer=${1%-rsasig} dir=$OUT/$1 prof=peers/profiles/$1.conf base up=() cases=${INTEROP_CASES:-}
	base=peers/$peer/expected${1#"$peer"}
	up=(--profile "$prof")
	if [[ $run != "$peer" ]]; then
		# The lab makes the PKI and its copy of the profile ($LAB_DIR/profile.conf, the paths
		# made absolute): that copy is what ikecheck runs with. Only the certificate cases differ
		# from the PSK run, so only they run (the baseline holds exactly those).
		up=(--auth rsa-sig)
		cases=${cases:-${INTEROP_RSASIG_CASES:-CERT-*}}
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "== $run: lab up (DUT responder)"
	if ! harness/lab up "$peer" "${up[@]}" >"$dir/lab.log" 2>&1; then
		tail -20 "$dir/lab.log"
		return 1
	fi
	[[ $run == "$peer" ]] || prof=$(harness/lab profile)
	[[ $prof == /* ]] || prof=$PWD/$prof
	echo "== $run: ikecheck run"
	harness/lab exec tester "$IK" run --profile "$prof" --out "$dir" \
		--parallel "$(parallel_for "$run")" --quiet --dut-initiate "$PWD/harness/lab dut-initiate" \
		${cases:+--cases "$cases"}
	local run_rc=$?
	harness/lab peer dut logs >"$dir/dut.log" 2>&1 || true
	harness/lab down >/dev/null 2>&1 || true
	[[ $run_rc -le 1 ]] || { echo "interop: the run against $run could not be done"; return 1; }
	[[ -s $dir/results.jsonl ]] || { echo "interop: no results from the run against $run"; return 1; }
	# The baseline form: verdicts and reasons only, no timestamps, paths, cookies or SPIs, so a
	# refresh (INTEROP_UPDATE=1) diffs only what changed in the peer's or our behaviour.
	baseline_of "$dir/results.jsonl" >"$dir/expected"
	if [[ ${INTEROP_UPDATE:-0} == 1 ]]; then
		update_baseline "$dir/expected" "$base"
		echo "interop: $base updated (review: git diff $base)"
	fi
	# A partial run (INTEROP_CASES) is not compared: the baseline's other cases did not run.
	[[ -n ${INTEROP_CASES:-} ]] && return 0
	if [[ -f $base ]]; then
		"$IK" report "$dir" --baseline "$base" --format text >"$dir/baseline.txt" 2>&1 ||
			{ echo "interop: $run differs from $base:"; cat "$dir/baseline.txt"; return 1; }
	fi
	return 0
}

# One row per peer, one column per area: "PASS/FAIL/WARN/SKIP/ERROR" counts.
matrix() {
	local areas peer md=$OUT/matrix.md html=$OUT/matrix.html
	areas=$(cat "$OUT"/*/results.jsonl 2>/dev/null | jq -r 'select(.type=="case") | .area' | sort -u)
	{
		echo "# ikecheck interop matrix"
		echo
		echo "Cells: PASS / FAIL / WARN / SKIP / ERROR case counts. The DUT answers, and initiates where a case asks it to."
		echo
		printf '| peer |'; for a in $areas; do printf ' %s |' "$a"; done; echo
		printf '|---|'; for _ in $areas; do printf -- '---|'; done; echo
		for peer in "${peers[@]}"; do
			[[ -f $OUT/$peer/results.jsonl ]] || continue
			printf '| %s |' "$peer"
			for a in $areas; do
				printf ' %s |' "$(jq -r --arg a "$a" 'select(.type=="case" and .area==$a) | .verdict' \
					"$OUT/$peer/results.jsonl" | awk '{c[$1]++} END {printf "%d / %d / %d / %d / %d",
					c["PASS"], c["FAIL"], c["WARN"], c["SKIP"], c["ERROR"]}')"
			done
			echo
		done
	} >"$md"
	{
		echo '<!doctype html><meta charset="utf-8"><title>ikecheck interop matrix</title>'
		echo '<style>body{font:14px sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px}'
		echo 'table{border-collapse:collapse}</style><h1>ikecheck interop matrix</h1>'
		echo '<p>Cells: PASS / FAIL / WARN / SKIP / ERROR. Each peer links to its report.</p><table>'
		awk -F'|' 'NR > 5 || /^\| peer/ {
			if ($0 ~ /^\|---/) next
			printf "<tr>"
			for (i = 2; i < NF; i++) {
				v = $i; gsub(/^ +| +$/, "", v)
				if (i == 2 && v != "peer") v = "<a href=\"" v "/report.html\">" v "</a>"
				printf (v == "peer" || NR <= 5 ? "<th>%s</th>" : "<td>%s</td>"), v
			}
			print "</tr>"
		}' "$md"
		echo '</table>'
	} >"$html"
	cat "$md"
	echo "interop: $md, $html"
}

mkdir -p "$OUT"
for p in "${peers[@]}"; do
	run_peer "$p" || rc=1
done
matrix
exit $rc
