# Helpers for shell tests (sourced). Each check prints one TAP-style line that tests/run.sh
# counts: "ok - NAME" or "not ok - NAME" followed by the evidence.
#
#   check NAME CMD...             passes when CMD exits 0
#   check_fails NAME STATUS CMD...  passes when CMD exits with STATUS (a number)
#   check_grep NAME PATTERN FILE  passes when the extended regex PATTERN matches FILE
#
# Fixed UDP ports (a DUT or tester port in a profile) stay below 32768, where Linux's ephemeral
# range (ip_local_port_range) starts, so no socket bound to port 0 ever takes one; each script has
# its own slice, offset by $$: selftest 11000-15859, quirk 16000-17999, connect 18000-20999,
# connect_mutate 21000-22999, run 23000-24599, bench/suite.sh 25000-26999, claims 27000-27999;
# make demo uses 10500.

IK=${IK:-build/san/ikecheck}
TEST_TMP=$(mktemp -d)
trap 'rm -rf "$TEST_TMP"' EXIT
TESTS_FAILED=0

check() {
	local name=$1
	shift
	if "$@" >"$TEST_TMP/out" 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name (exit $?): $*"
		sed 's/^/#   /' "$TEST_TMP/out" | tail -20
		TESTS_FAILED=1
	fi
}

check_fails() {
	local name=$1 want=$2 rc=0
	shift 2
	"$@" >"$TEST_TMP/out" 2>&1 || rc=$?
	if [[ $rc -eq $want ]]; then
		echo "ok - $name"
	else
		echo "not ok - $name (exit $rc, wanted $want): $*"
		sed 's/^/#   /' "$TEST_TMP/out" | tail -20
		TESTS_FAILED=1
	fi
}

check_grep() {
	local name=$1 pat=$2 file=$3
	if grep -Eq -- "$pat" "$file"; then
		echo "ok - $name"
	else
		echo "not ok - $name: /$pat/ not in $file"
		sed 's/^/#   /' "$file" | tail -20
		TESTS_FAILED=1
	fi
}

# The output of the last check, for check_grep.
last_out() { echo "$TEST_TMP/out"; }
