#!/usr/bin/env bash
# Lab: IKEv1 fragmentation (issue 11 item 5; engine/exchanges/frag.h) against strongSwan with
# certificates (`harness/lab up strongswan --auth rsa-sig`, whose swanctl conn the profile renders
# with `fragmentation = yes`). ikecheck connect forces fragmentation in 576-octet datagrams
# (tester.fragmentation = force): its MM5 (two certificates and a SIG, about 2 KB) goes out in
# FRAG payloads, which charon must put together, and charon's own MM6 (over its 1280-octet
# fragment size) comes back in fragments that ikecheck puts together; main mode, quick mode and
# pings through the tunnel complete. The capture shows the FRAG payloads: `ikecheck decode --pcap`
# lists each fragment, reassembles the sets and decrypts the messages with the key file; tshark
# reassembles and decrypts them too. Then the same with fragmentation off: no FRAG on the wire.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
lab_test_init frag

IK=$PWD/build/ikecheck
check "frag: lab up strongswan --auth rsa-sig" lab up strongswan --auth rsa-sig
expect "dut::cat $LAB_DIR/dut/swanctl/swanctl.conf::fragmentation = yes::YES"
# The tester's side of the lab's profile, fragmentation forced (the certificate paths are
# relative to the profile, so the copy stays beside it).
sed '0,/^\[tester\]/s//[tester]\nfragmentation = force\nfragment_size = 576/' \
	"$LAB_DIR/profile.conf" >"$LAB_DIR/profile-frag.conf"
check "frag: the forced profile loads" "$IK" profile check "$LAB_DIR/profile-frag.conf"

check "frag: capture start" lab capture start "$TEST_TMP/frag.pcap"
check "frag: ikecheck connect, fragmentation forced, main mode by signatures, pings" \
	lab exec tester "$IK" connect --profile "$LAB_DIR/profile-frag.conf" --ping 2 \
	--keys "$TEST_TMP/frag.keys"
cp "$(last_out)" "$TEST_TMP/connect"
check_grep "frag: ... MM5 (CERT, SIG) went out in fragments" \
	'MM5 --->.*HDR\*, ID, CERT, (CERT, )?SIG.*; in [2-9] fragments' "$TEST_TMP/connect"
check_grep "frag: ... charon's MM6 came in fragments, put together" \
	'MM6 ----.*HDR\*, ID, CERT.*; reassembled from [2-9] fragments' "$TEST_TMP/connect"
check_grep "frag: ... and the SA carries traffic" '^traffic: [1-2] of 2 pings came back' \
	"$TEST_TMP/connect"
check "frag: capture stop" lab capture stop
# charon's view: our vendor ID, our fragments put together, its own message split.
expect "dut::peer logs::received FRAGMENTATION vendor ID::YES"
expect "dut::peer logs::reassembled fragmented IKE message::YES"
expect "dut::peer logs::splitting IKE message .* into [2-9] fragments::YES"

check "frag: decode --pcap --keys reads the capture" \
	"$IK" decode --pcap "$TEST_TMP/frag.pcap" --keys "$TEST_TMP/frag.keys"
cp "$(last_out)" "$TEST_TMP/decode"
check_grep "frag: ... a FRAG payload, fragment 1 of set 1" \
	'FRAG\[0\]: .* frag_id=1 frag_num=1 flags=0' "$TEST_TMP/decode"
check_grep "frag: ... the LAST one" 'FRAG\[0\]: .* flags=1 ' "$TEST_TMP/decode"
check_grep "frag: ... our MM5 put together" \
	'fragment set 1 complete: [0-9]+ octets from [3-9] fragments' "$TEST_TMP/decode"
check_grep "frag: ... charon's MM6 put together" \
	'fragment set 1 complete: [0-9]+ octets from 2 fragments' "$TEST_TMP/decode"
check_grep "frag: ... the reassembled messages decrypted: a SIG inside" '^  SIG\[0\]: ' \
	"$TEST_TMP/decode"
check "frag: decode leaves no set incomplete" bash -c "! grep -q 'incomplete set' '$TEST_TMP/decode'"

key=$(grep -v -e '^#' -e '"' "$TEST_TMP/frag.keys" | head -1)
check "frag: tshark lists the fragments (isakmp.frag)" bash -c \
	"tshark -r '$TEST_TMP/frag.pcap' -Y isakmp.frag.seq -T fields -e isakmp.frag.seq \
	 -e isakmp.frag.last 2>/dev/null | grep -qP '^[0-9]+\t1$'"
check "frag: tshark reassembles and decrypts them (a CERT inside)" bash -c \
	"tshark -r '$TEST_TMP/frag.pcap' -o 'uat:ikev1_decryption_table:$key' -V 2>/dev/null |
	 grep -A40 'Reassembled ISAKMP length' | grep -q 'Payload: Certificate (6)'"

# Fragmentation off on our side: no vendor ID from us, so neither side fragments.
check "frag: capture start (off)" lab capture start "$TEST_TMP/whole.pcap"
check "frag: ikecheck connect without fragmentation" \
	lab exec tester "$IK" connect --profile "$LAB_DIR/profile.conf"
check "frag: capture stop (off)" lab capture stop
check "frag: ... no FRAG payload on the wire" bash -c \
	"! '$IK' decode --pcap '$TEST_TMP/whole.pcap' | grep -q 'FRAG\['"
check "frag: lab down" lab down

# Libreswan (PSK): pluto announces fragmentation, takes our fragmented MM3 and QM1 (200-octet
# datagrams once its vendor ID came in MM2) and completes.
check "frag: lab up libreswan" lab up libreswan
sed '0,/^\[tester\]/s//[tester]\nfragmentation = yes\nfragment_size = 200/' \
	peers/profiles/libreswan.conf >"$TEST_TMP/libreswan-frag.conf"
check "frag: ikecheck connect to pluto, fragments after its vendor ID" \
	lab exec tester "$IK" connect --profile "$TEST_TMP/libreswan-frag.conf"
check_grep "frag: ... MM3 went out in fragments" 'MM3 --->.*; in [2-9] fragments' "$(last_out)"
check_grep "frag: ... established" '^established: ISAKMP SA' "$(last_out)"
check "frag: lab down (libreswan)" lab down
check "frag: nothing of the lab is left" lab_gone "$LAB_NAME"
exit $TESTS_FAILED
