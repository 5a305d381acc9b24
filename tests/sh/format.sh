# The format check (tests/format.sh, make format, make check): the tree is formatted, and a file
# that is not is named.
. tests/lib.sh

check "the tree is formatted as .clang-format says" tests/format.sh
t=$TEST_TMP/tree
mkdir -p "$t/engine/codec"
printf 'int f(void)\n{\n\treturn 1;\n}\n' >"$t/engine/codec/good.c"
printf 'int  g( void ) { return 2; }\n' >"$t/engine/codec/bad.c"
check_fails "an unformatted file fails the check" 1 tests/format.sh "$t"
check_grep "the check names the file" '^  engine/codec/bad\.c$' "$(last_out)"
check "the formatted file is not named" bash -c "! grep -q good.c '$(last_out)'"
check "make format's rewrite passes the check" bash -c "tests/format.sh --fix '$t' && tests/format.sh '$t'"
exit $TESTS_FAILED
