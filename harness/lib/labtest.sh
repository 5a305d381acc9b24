# shellcheck shell=bash
# Helpers for the lab tests in harness/tests/*.sh (sourced after cd to the repository root).
# They print "ok - NAME" / "not ok - NAME" lines like tests/lib.sh, which they build on.
#
#   lab_test_init NAME        a LAB_NAME of our own and a trap that tears the lab down on any exit
#   lab CMD...                harness/lab CMD... (output into the last check's evidence file)
#   expect 'host::command::pattern::YES|NO'
#       strongSwan's testing style: on host (tester or dut) run command -- "peer ACTION" is that
#       side's peer script action (list-sas, status, logs, keys), anything else a shell command
#       in that namespace -- and require the extended regex pattern to be present (YES) or
#       absent (NO) in its output.
#   lab_gone NAME             no namespace, process or file of lab NAME is left (for check)

# shellcheck source=../../tests/lib.sh
source tests/lib.sh
LAB=harness/lab

lab_test_init() {
	export LAB_NAME=${LAB_TEST_PREFIX:-labtest}-$1
	export LAB_DIR=/tmp/ikecheck-lab/$LAB_NAME
	# A lab left over from an interrupted run of this same test is ours to remove.
	$LAB down >/dev/null 2>&1 || true
	trap 'lab_teardown' EXIT
}

lab_teardown() {
	$LAB down >/dev/null 2>&1 || true
	rm -rf "$TEST_TMP"
}

lab() { $LAB "$@"; }

expect() {
	local spec=$1 host cmd pat want out rc=0
	host=${spec%%::*}
	spec=${spec#*::}
	cmd=${spec%%::*}
	spec=${spec#*::}
	pat=${spec%::*}
	want=${spec##*::}
	if [[ $cmd == peer\ * ]]; then
		out=$($LAB peer "$host" ${cmd#peer } 2>&1) || rc=$?
	else
		out=$($LAB exec "$host" bash -c "$cmd" 2>&1) || rc=$?
	fi
	local found=NO
	grep -Eq -- "$pat" <<<"$out" && found=YES
	if [[ $found == "$want" ]]; then
		echo "ok - $host::$cmd::$pat::$want"
	else
		echo "not ok - $host::$cmd::$pat::$want (exit $rc)"
		sed 's/^/#   /' <<<"$out" | tail -20
		# shellcheck disable=SC2034 # read by the test script (tests/lib.sh)
		TESTS_FAILED=1
	fi
}

# Every trace of lab NAME gone: namespaces, state dir, processes in them, peers' PIDs.
lab_gone() {
	local name=$1
	if ip netns list | grep -q -- "^$name-"; then
		echo "namespaces left: $(ip netns list | grep -- "^$name-")"
		return 1
	fi
	if [[ -e /tmp/ikecheck-lab/$name ]]; then
		echo "state dir left: /tmp/ikecheck-lab/$name"
		return 1
	fi
	# Our peers carry the lab's state dir in their command line (pluto's paths) or their
	# environment (charon's STRONGSWAN_CONF). "[/]" keeps grep from matching its own cmdline.
	local hits
	hits=$(grep -las -- "ikecheck-lab/${name}[/]" /proc/[0-9]*/cmdline /proc/[0-9]*/environ |
		grep -v "^/proc/$$/") || true
	if [[ -n $hits ]]; then
		echo "processes left: $hits"
		return 1
	fi
	return 0
}
