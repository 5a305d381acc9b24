#!/usr/bin/env bash
# Run one libFuzzer target on its seed corpus for RUNS executions (stopping earlier at SECONDS if
# given, 0 = no time cap; RUNS -1: until the cap); print how many executions ran, how fast, and whether the goal was
# reached; exit non-zero on a finding.
#
#   fuzz/run.sh build/fuzz/fuzz_decode RUNS [SECONDS]
#
# Seeds: fuzz/corpus/<target without fuzz_>/ (committed). New inputs go to
# build/fuzz/corpus/<name>/ so the repository stays clean; crashes to build/fuzz/artifacts/.
set -euo pipefail
bin=${1:?usage: fuzz/run.sh BINARY RUNS [SECONDS]}
runs=${2:?usage: fuzz/run.sh BINARY RUNS [SECONDS]}
secs=${3:-0}
name=$(basename "$bin")
name=${name#fuzz_}
cd "$(dirname "$0")/.."
seeds=fuzz/corpus/$name
work=build/fuzz/corpus/$name
arts=build/fuzz/artifacts/$name/
log=build/fuzz/$name.log
mkdir -p "$work" "$arts" "$seeds"
cap=
[[ $secs != 0 ]] && cap=" or ${secs}s"
echo "fuzz: $bin for $runs executions$cap (seeds $seeds, log $log)"
start=$SECONDS
rc=0
"$bin" -runs="$runs" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$arts" "$work" "$seeds" >"$log" 2>&1 || rc=$?
grep -vE '^#[0-9]+.*(pulse|NEW|REDUCE)' "$log" | tail -40
if [[ $rc -ne 0 ]]; then
	echo "fuzz: $name found a problem (exit $rc); inputs in $arts" >&2
	exit 1
fi
done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
took=$((SECONDS - start))
rate=$((${done_runs:-0} / (took > 0 ? took : 1)))
goal="goal of $runs reached"
((runs < 0)) && goal="no goal set"
((runs >= 0 && ${done_runs:-0} < runs)) && goal="goal of $runs NOT reached (time cap ${secs}s)"
echo "fuzz: $name ok: ${done_runs:-0} executions in ${took}s (${rate}/s), no finding; $goal"
