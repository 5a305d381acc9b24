# The result loader's fuzz target builds (clang, libFuzzer) and runs ~10 s on its seeds without a
# finding: every input is loaded or refused with a reason, and what loads writes back, reloads
# and renders in every format (fuzz/fuzz_results.c; longer runs with `make fuzz`).
. tests/lib.sh
fuzz_smoke fuzz_results results
exit $TESTS_FAILED
