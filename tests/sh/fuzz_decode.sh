# The decoder's fuzz target builds (clang, libFuzzer) and runs ~10 s on its seeds without a
# finding (the long runs are `make fuzz`).
. tests/lib.sh

if ! command -v clang >/dev/null; then
	echo "not ok - clang is missing (harness/deps.sh installs it)"
	exit 1
fi
check "fuzz target builds" make --no-print-directory build/fuzz/fuzz_decode
check "seeds present" test -n "$(ls fuzz/corpus/decode)"
check "fuzz_decode runs 10 s clean" fuzz/run.sh build/fuzz/fuzz_decode 10
check_grep "fuzzer executed inputs" 'stat::number_of_executed_units: [0-9]{3,}' "$(last_out)"
exit $TESTS_FAILED
