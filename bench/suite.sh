#!/usr/bin/env bash
# make bench: the whole suite's wall-clock time against `ikecheck serve` on loopback (issue 14
# item 5: under 10 s on this machine's 2 cores), next to the time the same cases took added up,
# i.e. run one after another, and the slowest cases by name. Prints numbers; asserts nothing
# (targets belong in benchmarks, not in timed tests). --parallel 64 is the most the runner
# allows and what serve on loopback takes easily (the run waits, it hardly computes); 8 is the
# default, for a real DUT. BENCH_SUITE_PARALLEL="64 8" chooses the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
IK=build/ikecheck
out=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$out"' EXIT
P=$((25000 + $$ % 500 * 4))
sed -E "/^\[dut\]/,/^\[/{s/^port( *)=.*/port\1= $P/;s/^nat_t_port( *)=.*/nat_t_port\1= $((P + 1))/}
	/^\[tester\]/,/^\[/{s/^port( *)=.*/port\1= $((P + 2))/;s/^nat_t_port( *)=.*/nat_t_port\1= $((P + 3))/}" \
	peers/profiles/loopback-dut.conf >"$out/p.conf"
$IK serve --profile "$out/p.conf" --pidfile "$out/pid" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [[ -s $out/pid ]] && break; sleep 0.05; done
runs=(${BENCH_SUITE_PARALLEL:-64 8})
for par in "${runs[@]}"; do
	t0=$(date +%s.%N)
	$IK run --profile "$out/p.conf" --out "$out/r$par" --quiet --parallel "$par" --silence 1000 \
		--dut-initiate "kill -USR1 $pid" >/dev/null 2>&1 || true
	t1=$(date +%s.%N)
	n=$(jq -r 'select(.type=="case") | .id' "$out/r$par/results.jsonl" | wc -l)
	seq_s=$(jq -r 'select(.type=="case") | .duration_s' "$out/r$par/results.jsonl" | awk '{s += $1} END {printf "%.1f", s}')
	printf 'suite vs ikecheck serve: %d cases, --parallel %d, --silence 1000: %.1f s wall clock (%.1f s one after another)\n' \
		"$n" "$par" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" "$seq_s"
done
# Where the time goes: the slowest cases of the first run, each with its time (a case's time
# does not include the liveness probe after it).
echo "slowest cases (--parallel ${runs[0]}):"
jq -r 'select(.type=="case") | "\(.duration_s) \(.id) \(.verdict)"' "$out/r${runs[0]}/results.jsonl" |
	sort -rn | head -5 | awk '{printf "  %6.2f s  %s (%s)\n", $1, $2, $3}'
