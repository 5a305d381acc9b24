#!/usr/bin/env bash
# make hostile: the whole suite against `ikecheck serve --fuzz SEED` for many seeds (issue 14
# item 4), with the assertions of tests/sh/hostile.sh (tests/lib.sh hostile_run): the ASan
# tester exits 0 or 1 within the bound, every case selected gets a verdict, no sanitizer report,
# the reports render. One line per seed, then a summary; exit 1 when any seed broke the tester.
# Not part of make check: 10 seeds x the whole suite is about 6,000 case runs.
#
#   HOSTILE_SEEDS=N (default 10)  HOSTILE_FIRST=S (default 1)  HOSTILE_CASES_GLOB (default '*')
#   HOSTILE_TIMEOUT=S per seed (default 900)  HOSTILE_OUT=DIR (default out/hostile, emptied
#   first): each seed's run, serve.log (the serve_fuzz: lines to replay a finding) and stderr
#
# Seed s runs with --fuzz-rate 0.01, 0.02, 0.03, 0.05, 0.1 or 0.5 in turn: a few broken replies deep into the
# exchanges (most cases run), up to a DUT the liveness probe finds dead (the run stops early).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

seeds=${HOSTILE_SEEDS:-10}
first=${HOSTILE_FIRST:-1}
glob=${HOSTILE_CASES_GLOB:-*}
out=${HOSTILE_OUT:-out/hostile}
rm -rf "$out"
rates=(0.01 0.02 0.03 0.05 0.1 0.5)
runs=0 judged=0 bad=0 broke=()
start=$SECONDS
printf '%-6s %-5s %6s %-38s %s\n' seed rate cases verdicts result
for ((i = 0; i < seeds; i++)); do
	seed=$((first + i))
	rate=${rates[$((seed % ${#rates[@]}))]}
	dir=$out/seed-$seed
	t0=$SECONDS
	HOSTILE_RATE=$rate HOSTILE_TIMEOUT=${HOSTILE_TIMEOUT:-900} \
		hostile_run "$dir" "$seed" $((30000 + (i % 100) * 8)) "$glob" \
		--silence 300 --dead-wait 1 --parallel 8
	tally=$(jq -r 'select(.type=="case") | .verdict' "$dir/r/results.jsonl" 2>/dev/null |
		sort | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')
	runs=$((runs + HOSTILE_CASES))
	# "not run" after the liveness probe found the DUT dead is a verdict, but no case run
	judged=$((judged + $(jq -r 'select(.type=="case") | .reason' "$dir/r/results.jsonl" 2>/dev/null |
		grep -cv '^not run:')))
	if [[ -n $HOSTILE_WHY ]]; then
		bad=$((bad + 1))
		broke+=("$seed")
		printf '%-6s %-5s %6s %-38s BROKE: %s (%s)\n' "$seed" "$rate" "$HOSTILE_CASES" "$tally" \
			"$HOSTILE_WHY" "$dir"
	else
		printf '%-6s %-5s %6s %-38s held, %d s, %d mutations\n' "$seed" "$rate" "$HOSTILE_CASES" \
			"$tally" $((SECONDS - t0)) "$(grep -c '^serve_fuzz: #' "$dir/serve.log")"
	fi
done
echo "hostile: $seeds seeds, $runs case runs ($judged judged, the rest not run: DUT dead) in $((SECONDS - start)) s; the tester broke on $bad seed(s)${broke[*]:+: ${broke[*]}}"
[[ $bad -eq 0 ]]
