#!/usr/bin/env bash
# Lab: ikecheck's engine against the real reference peers (issue 4, Tests), both roles.
#
#   ikecheck (tester, initiator)  --MM/QM-->  strongSwan | Libreswan (DUT, responder)
#   ikecheck (tester, responder)  <--MM/QM--  strongSwan | Libreswan (DUT, initiator)
#
# Main mode + quick mode with PFS from peers/profiles/PEER.conf. Each run ends with the IPsec SA
# on both sides (swanctl --list-sas: INSTALLED; pluto: STATE_QUICK_*2; ikecheck: "IPsec SA
# established"). strongSwan's userspace ESP fakes a NAT (LAB-NOTES), so those runs also prove
# our NAT-T (RFC 3947): the SA must be TUNNEL-in-UDP on port 4500. Then an independent check of
# our wire format and our key file: tshark, given only the key file ikecheck wrote, decrypts
# every encrypted message of the capture with no malformed packet, and so does decode --keys.
set -uo pipefail
cd "$(dirname "$0")/../.."
source harness/lib/labtest.sh
source harness/lib/common.sh
lab_test_init ik

# tshark must open every encrypted ISAKMP message of CAP with the ikev1 records of KEYS: the
# decrypted MM5/MM6 show their Identification and Hash payloads, QM1-QM3 their Hash; none is
# malformed.
tshark_decrypts() {
	local cap=$1 keys=$2 uat=() line out
	while read -r line; do
		uat+=(-o "uat:ikev1_decryption_table:$line")
	done < <(grep -vE '^#|"IPv' "$keys")
	[[ ${#uat[@]} -gt 0 ]] || { echo "no ikev1 records in $keys"; return 1; }
	out=$(tshark -r "$cap" "${uat[@]}" -V -Y isakmp 2>&1) || { echo "$out" | tail; return 1; }
	if grep -qi malformed <<<"$out"; then
		grep -i -B5 malformed <<<"$out" | head -20
		return 1
	fi
	local ids hashes
	ids=$(grep -cE "^ +Payload: Identification" <<<"$out")
	hashes=$(grep -cE "^ +Payload: Hash" <<<"$out")
	echo "decrypted: $ids Identification payloads, $hashes Hash payloads"
	# Both only exist inside encrypted messages: MM5, MM6 (ID + HASH) and QM1-QM3 (HASH).
	[[ $ids -ge 2 && $hashes -ge 5 ]]
}

for peer in strongswan libreswan; do
	if [[ $peer == strongswan ]]; then
		dut_p1='ESTABLISHED, IKEv1' dut_p2='INSTALLED, TUNNEL-in-UDP'
	else
		dut_p1='\(IKE SA established\)' dut_p2='\(IPsec SA established\)'
	fi
	# 1. ikecheck initiates towards the peer.
	check "ikecheck: lab up, DUT $peer responder, tester ikecheck" \
		lab up "$peer" --role responder --tester ikecheck
	check "ikecheck: capture start ($peer)" lab capture start "$TEST_TMP/$peer-r.pcap"
	check "ikecheck -> $peer: main mode + quick mode established" lab initiate
	check_grep "ikecheck -> $peer: the ladder reaches QM3 in QM_IDLE" 'QM3.*QM_IDLE' "$(last_out)"
	expect "dut::peer list-sas::$dut_p1::YES"
	expect "dut::peer list-sas::$dut_p2::YES"
	expect "tester::peer list-sas::IPsec SA::YES"
	check "ikecheck: capture stop ($peer)" lab capture stop
	cp "$LAB_DIR/tester/keys" "$TEST_TMP/$peer-r.keys"
	check "ikecheck -> $peer: tshark decrypts the capture with our key file" \
		tshark_decrypts "$TEST_TMP/$peer-r.pcap" "$TEST_TMP/$peer-r.keys"
	check "ikecheck -> $peer: decode --keys opens every encrypted message" \
		bash -c "build/ikecheck decode --pcap '$TEST_TMP/$peer-r.pcap' --keys '$TEST_TMP/$peer-r.keys' >'$TEST_TMP/d.out' && grep -q 'decrypted with' '$TEST_TMP/d.out' && ! grep -q 'not decrypted' '$TEST_TMP/d.out'"
	check "ikecheck: lab down ($peer responder)" lab down

	# 2. The peer initiates towards ikecheck serve.
	check "ikecheck: lab up, DUT $peer initiator, tester ikecheck serve" \
		lab up "$peer" --role initiator --tester ikecheck
	check "$peer -> ikecheck: main mode + quick mode established" lab initiate
	expect "dut::peer list-sas::$dut_p1::YES"
	expect "dut::peer list-sas::$dut_p2::YES"
	expect "tester::peer list-sas::ISAKMP SA established::YES"
	expect "tester::peer list-sas::IPsec SA established::YES"
	check "ikecheck: lab down ($peer initiator)" lab down
done

exit $TESTS_FAILED
