#!/usr/bin/env bash
# make hostile, second half: every entry of the hostile DUT's generated families
# (suite/fuzz_walk.c; issue 14 item 4), engine against engine under ASan and UBSan
# (tests/test_hostile_families.c; make check runs every 37th). HOSTILE_SHARDS processes (default
# 2, one per core) take every n-th entry each; each prints its tally, and the findings name the
# entry number and spec (IK_HOSTILE_FROM=K IK_HOSTILE_STEP=1 reruns one). Exit 1 when the tester
# lost a verdict or stopped working after any entry.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
bin=build/san/tests/test_hostile_families
out=${HOSTILE_OUT:-out/hostile}
shards=${HOSTILE_SHARDS:-2}
mkdir -p "$out"
start=$SECONDS
pids=()
for ((i = 0; i < shards; i++)); do
	IK_HOSTILE_TRACE=1 IK_HOSTILE_STEP=1 IK_HOSTILE_SHARD=$i/$shards "$bin" >"$out/families-$i.log" \
		2>"$out/families-$i.trace" &
	pids+=($!)
done
rc=0
for ((i = 0; i < shards; i++)); do
	wait "${pids[$i]}" || rc=1
	grep -h 'hostile families:' "$out/families-$i.log" | sed "s/^ */shard $i: /"
	if grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$out/families-$i.trace"; then
		echo "shard $i: a sanitizer report after $(grep '^entry #' "$out/families-$i.trace" | tail -1):"
		grep -m1 -E 'Sanitizer|runtime error' "$out/families-$i.trace"
		rc=1
	fi
	grep -h '^  #[0-9]' "$out/families-$i.trace"
done
echo "hostile families: $((SECONDS - start)) s, $([[ $rc -eq 0 ]] && echo 'the tester held' || echo 'the tester BROKE') (logs in $out/families-*.log)"
exit $rc
