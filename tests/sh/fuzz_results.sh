# The result loader's fuzz target builds (clang, libFuzzer) and runs ~10 s on its seeds without a
# finding: every input is loaded or refused with a reason, and what loads writes back, reloads
# and renders in every format (fuzz/fuzz_results.c; longer runs with `make fuzz`).
. tests/lib.sh

if ! command -v clang >/dev/null; then
	echo "not ok - clang is missing (harness/deps.sh installs it)"
	exit 1
fi
check "fuzz target builds" make --no-print-directory build/fuzz/fuzz_results
check "seeds present" test -n "$(ls fuzz/corpus/results)"
check "fuzz_results runs 10 s clean" fuzz/run.sh build/fuzz/fuzz_results 10
check_grep "fuzzer executed inputs" 'stat::number_of_executed_units: [0-9]{3,}' "$(last_out)"
exit $TESTS_FAILED
