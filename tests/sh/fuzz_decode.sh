# The decoder's fuzz target builds (clang, libFuzzer) and runs ~10 s on its seeds without a
# finding (the long runs are `make fuzz`).
. tests/lib.sh
fuzz_smoke fuzz_decode decode
exit $TESTS_FAILED
