#!/usr/bin/env bash
# Lab: ike-scan main mode and aggressive mode probes answered by each peer with a handshake
# (not a notify), using the first proposal of the peer's profile (aes128-sha1-modp2048 here:
# ike-scan transform 7/128 = AES-128, hash 2 = SHA1, auth 1 = PSK, group 14).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
source harness/lib/common.sh
lab_test_init probe

TRANS=--trans=7/128,2,1,14
ID="--idtype=1 --id=0xc0000201" # ID_IPV4_ADDR 192.0.2.1, the tester's profile id

for peer in ${LAB_PROBE_PEERS:-strongswan libreswan ikecheck}; do
	[[ -x peers/$peer/peer ]] || continue
	# The peer's own profile, allowing both phase 1 modes (a profile may leave one out).
	profile_set "peers/profiles/$peer.conf" phase1.modes main,aggressive >"$TEST_TMP/$peer.conf"
	check "probe: lab up $peer" lab up "$peer" --profile "$TEST_TMP/$peer.conf"
	expect "tester::ike-scan $TRANS 192.0.2.2::Main Mode Handshake returned::YES"
	expect "tester::ike-scan -A $ID --dhgroup=14 $TRANS 192.0.2.2::Aggressive Mode Handshake returned::YES"
	# A proposal the profile does not allow is refused: the probe is judged, not echoed.
	expect "tester::ike-scan --trans=5,1,1,2 192.0.2.2::Main Mode Handshake returned::NO"
	check "probe: lab down $peer" lab down
done

exit $TESTS_FAILED
