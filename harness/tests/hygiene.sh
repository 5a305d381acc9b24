#!/usr/bin/env bash
# Lab: up/down leaves nothing behind, twice in a row; up over a running lab refuses; two labs
# run side by side; a peer that fails to start is reported with its log and the lab is torn
# down; an invalid profile is refused before anything is made.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
lab_test_init hy

# The peers' PIDs and the capture's (tcpdump) of lab NAME.
pids_of_lab() {
	cat /tmp/ikecheck-lab/"$1"/*/state 2>/dev/null | sed -n 's/^pid=//p'
	sed -n 's/^capture_pid=//p' /tmp/ikecheck-lab/"$1"/lab.state
}
none_alive() {
	local p
	for p in "$@"; do
		[[ ! -d /proc/$p ]] || [[ $(awk '{print $3}' /proc/$p/stat) == Z ]] || {
			echo "pid $p still running"
			return 1
		}
	done
}

for peer in strongswan libreswan; do
	for round in 1 2; do
		check "hygiene: up $peer #$round" lab up "$peer" --tester strongswan
		check "hygiene: capture start $peer #$round" lab capture start "$TEST_TMP/c.pcap"
		pids=$(pids_of_lab "$LAB_NAME")
		check "hygiene: two peers and a capture recorded $peer #$round" test "$(wc -w <<<"$pids")" -eq 3
		check "hygiene: down $peer #$round" lab down
		check "hygiene: peers' processes gone $peer #$round" none_alive $pids
		check "hygiene: no namespace, state dir or process left $peer #$round" lab_gone "$LAB_NAME"
	done
done

check "hygiene: up" lab up strongswan
check_fails "hygiene: up over a running lab refuses" 1 lab up strongswan
check_grep "hygiene: ... and says why" 'already up' "$(last_out)"
check "hygiene: the first lab still answers" \
	lab exec tester ike-scan --trans=7/128,2,1,14 192.0.2.2
# A second lab beside the first, same addresses, its own namespaces.
check "hygiene: a second lab side by side" env LAB_NAME="$LAB_NAME-2" LAB_DIR= $LAB up strongswan
check "hygiene: the second lab answers" \
	env LAB_NAME="$LAB_NAME-2" LAB_DIR= $LAB exec tester ike-scan --trans=7/128,2,1,14 192.0.2.2
check "hygiene: down the second lab" env LAB_NAME="$LAB_NAME-2" LAB_DIR= $LAB down
check "hygiene: the second lab is gone" lab_gone "$LAB_NAME-2"
check "hygiene: the first lab is untouched" lab status
check_grep "hygiene: ... its DUT still running" 'state: running' "$(last_out)"
check "hygiene: down" lab down
check "hygiene: down when not up is harmless" lab down
check_grep "hygiene: ... and says so" 'is not up' "$(last_out)"

# A peer that fails to start: a charon that dies at once (a stand-in binary that prints an
# error like a real startup failure). lab up must fail, show the log, and leave nothing.
fake=$TEST_TMP/charon
printf '#!/bin/sh\necho "charon: simulated startup failure: cannot open socket" >&2\nexit 1\n' >"$fake"
chmod +x "$fake"
check_fails "hygiene: a peer that fails to start fails lab up" 1 env CHARON="$fake" $LAB up strongswan
check_grep "hygiene: ... with the last lines of its log" 'simulated startup failure' "$(last_out)"
check_grep "hygiene: ... and the lab is torn down" 'tearing the lab down' "$(last_out)"
check "hygiene: ... leaving nothing" lab_gone "$LAB_NAME"

# A deliberately broken config: a proposal charon does not know. The profile check or swanctl
# refuses it; either way lab up fails and leaves nothing.
source harness/lib/common.sh
profile_set peers/profiles/strongswan.conf phase1.proposals aes128-sha1-modp2048x >"$TEST_TMP/broken.conf"
check_fails "hygiene: a broken profile fails lab up" 1 $LAB up strongswan --profile "$TEST_TMP/broken.conf"
check_grep "hygiene: ... saying what is wrong" 'modp2048x|proposal' "$(last_out)"
check "hygiene: ... leaving nothing" lab_gone "$LAB_NAME"

# Addresses come from the profile; the environment may only agree with it.
profile_set peers/profiles/strongswan.conf dut.address 198.51.100.2 |
	profile_set /dev/stdin dut.id 198.51.100.2 | profile_set /dev/stdin tester.address 198.51.100.1 |
	profile_set /dev/stdin tester.id 198.51.100.1 >"$TEST_TMP/addr.conf"
check "hygiene: a lab on the profile's addresses" lab up strongswan --profile "$TEST_TMP/addr.conf"
check "hygiene: ... the DUT answers there" lab exec tester ike-scan --trans=7/128,2,1,14 198.51.100.2
check_grep "hygiene: ... with a handshake" 'Main Mode Handshake returned' "$(last_out)"
check "hygiene: ... down" lab down
check_fails "hygiene: an environment address the profile contradicts is refused" 1 \
	env LAB_DUT_ADDR=192.0.2.9 $LAB up strongswan
check_grep "hygiene: ... saying which" 'LAB_DUT_ADDR=192.0.2.9 but the profile' "$(last_out)"
check "hygiene: ... leaving nothing" lab_gone "$LAB_NAME"

exit $TESTS_FAILED
