#!/usr/bin/env bash
# A lossy path must never read as the DUT's fault (docs/verdicts.md section 7, issue 14 item 3):
# the suite against one peer in the lab without loss, then with random UDP loss (iptables
# statistic match, harness/lab loss) in two ways, and the verdicts compared case by case.
#
#   netns ikloss-tester                    netns ikloss-dut
#   ikecheck run  --- veth, P% loss ---   PEER (DUT, responder)
#
#   silent:  drop P% of UDP arriving in either namespace (tester:INPUT dut:INPUT)
#   local:   drop P% of UDP leaving and arriving at the tester (tester:INPUT tester:OUTPUT):
#            a dropped send fails locally (sendto: EPERM), which must not read as a dead DUT
#
#   harness/loss.sh [PEER] [--runs N] [--percent P] [--cases GLOBS] [--out DIR]
#
# Defaults: PEER ikecheck (serve), 3 runs per way, 10%, every case. Prints one line per run
# (verdicts that differ from the lossless run, wall time and its ratio to the lossless run) and
# exits 1 when any verdict differs. Needs root. `make loss` runs it (README).
set -uo pipefail
cd "$(dirname "$0")/.."
peer=ikecheck runs=3 pct=10 cases='' out=out/loss
[[ ${1:-} != -* && -n ${1:-} ]] && { peer=$1; shift; }
while [[ $# -gt 0 ]]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--percent) pct=$2; shift 2 ;;
	--cases) cases=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: harness/loss.sh [PEER] [--runs N] [--percent P] [--cases GLOBS] [--out DIR]" >&2
		exit 2 ;;
	esac
done
[[ $out == /* ]] || out=$PWD/$out
[[ $(id -u) -eq 0 ]] || { echo "loss: needs root (network namespaces)" >&2; exit 2; }
export LAB_NAME=${LAB_NAME:-ikloss}
IK=$PWD/build/ikecheck
prof=$PWD/peers/profiles/$peer.conf
rm -rf "$out"
mkdir -p "$out"
cleanup() { harness/lab down >/dev/null 2>&1 || true; }
trap cleanup EXIT

# run NAME: the suite into $out/NAME; prints the wall time in seconds.
run() {
	local t0 t1 sel=()
	[[ -n $cases ]] && sel=(--cases "$cases")
	t0=$(date +%s.%N)
	harness/lab exec tester "$IK" run --profile "$prof" --out "$out/$1" --quiet \
		--parallel "$par" "${sel[@]}" >"$out/$1.log" 2>&1
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}'
}

verdicts() { jq -r 'select(.type=="case") | "\(.id) \(.verdict)"' "$out/$1/results.jsonl" | sort; }

case $peer in libreswan) par=${LOSS_PARALLEL:-1} ;; strongswan) par=${LOSS_PARALLEL:-4} ;; *) par=${LOSS_PARALLEL:-8} ;; esac
harness/lab up "$peer" --profile "$prof" >"$out/lab.log" 2>&1 || { tail "$out/lab.log"; exit 2; }
base=$(run lossless)
n=$(verdicts lossless | wc -l)
[[ $n -gt 0 ]] || { echo "loss: the lossless run decided no case ($out/lossless.log)"; tail -5 "$out/lossless.log"; exit 2; }
echo "loss: $peer, $n cases, lossless run $base s"
rc=0
for way in silent local; do
	if [[ $way == silent ]]; then spec=(tester:INPUT dut:INPUT); else spec=(tester:INPUT tester:OUTPUT); fi
	for k in $(seq "$runs"); do
		harness/lab loss "$pct" "${spec[@]}" >/dev/null
		t=$(run "$way-$k")
		harness/lab loss off >/dev/null
		m=$(verdicts "$way-$k" 2>/dev/null | wc -l)
		if [[ $m -ne $n ]]; then # a run that died decided nothing: never "0 differ"
			echo "loss: $way $pct% run $k: decided $m of $n cases ($out/$way-$k.log)"
			tail -5 "$out/$way-$k.log" | sed 's/^/  /'
			rc=1
			continue
		fi
		diff <(verdicts lossless) <(verdicts "$way-$k") >"$out/$way-$k.diff"
		d=$(grep -c '^>' "$out/$way-$k.diff")
		ratio=$(awk -v a="$t" -v b="$base" 'BEGIN {printf "%.2f", a / b}')
		echo "loss: $way $pct% run $k: $d of $n verdicts differ, $t s (x$ratio)$(grep -m1 '^path:' \
			"$out/$way-$k.log" | sed 's/^path: */; /')"
		[[ $d -eq 0 ]] || {
			sed 's/^/  /' "$out/$way-$k.diff" | head -20
			# why each one changed: its reason in the lossy run (the evidence is in results.jsonl)
			for id in $(awk '/^>/ {print $2}' "$out/$way-$k.diff" | head -5); do
				jq -r --arg id "$id" 'select(.type=="case" and .id==$id) | "  \(.id): \(.reason)"' \
					"$out/$way-$k/results.jsonl"
			done
			rc=1
		}
	done
done
exit $rc
