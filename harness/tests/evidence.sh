#!/usr/bin/env bash
# Lab: evidence. `lab capture` records the exchange on the DUT link (tcpdump --immediate-mode),
# `lab keys` turns charon's key log into Wireshark ikev1_decryption_table and esp_sa tables
# that really decrypt the captured IKE messages and the ESP packets (tshark shows the encrypted
# payloads and the ping inside), and LAB_KEEP_LOGS keeps
# the peers' logs after `lab down`.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
lab_test_init ev

pcap=$TEST_TMP/run.pcap keys=$TEST_TMP/run.keys keep=$TEST_TMP/logs
check "evidence: lab up" lab up strongswan --tester strongswan
check "evidence: capture start" lab capture start "$pcap"
check "evidence: a second capture is refused" bash -c "! $LAB capture start $TEST_TMP/other.pcap"
check "evidence: initiate" lab initiate
check "evidence: a ping through the tunnel" lab exec tester ping -c 1 -W 2 -I 10.1.0.1 10.2.0.1
check "evidence: capture stop" lab capture stop
check_grep "evidence: ... reports the packets" 'packets? captured' "$(last_out)"
check "evidence: keys" lab keys "$keys"
check_grep "evidence: one key line: initiator cookie, Ka" '^[0-9a-f]{16},[0-9a-f]{32,64}$' "$keys"
check "evidence: the pcap holds main mode and quick mode" \
	bash -c "tshark -r $pcap 2>/dev/null | grep -c 'Quick Mode' | grep -qx 3"
check "evidence: ... and the ping as ESP in UDP" bash -c "tshark -r $pcap 2>/dev/null | grep -c ' ESP ' | grep -qx 2"
# MM5/MM6 are encrypted: with the key file tshark decodes their ID and HASH payloads.
check "evidence: tshark decrypts the messages with the key file" \
	bash -c "tshark -r $pcap -o \"uat:ikev1_decryption_table:\$(head -1 $keys)\" -V 2>/dev/null | grep -q 'ID_IPV4_ADDR'"
check "evidence: ... and not without it" \
	bash -c "! tshark -r $pcap -V 2>/dev/null | grep -q 'ID_IPV4_ADDR'"
check_grep "evidence: two ESP SAs in the esp_sa table" '^"IPv4","192.0.2.1","192.0.2.2","0x[0-9a-f]{8}",' "$keys.esp"
esp_decrypts() {
	local o=() l
	while read -r l; do o+=(-o "uat:esp_sa:$l"); done <"$keys.esp"
	tshark -r "$pcap" -o esp.enable_encryption_decode:TRUE "${o[@]}" 2>/dev/null |
		grep -q 'Echo (ping) reply'
}
check "evidence: tshark decrypts the ESP packets (the ping inside) with the esp_sa table" esp_decrypts
check "evidence: down keeps the logs" env LAB_KEEP_LOGS="$keep" $LAB down
check_grep "evidence: the DUT's charon log was kept" 'IKE_SA lab\[1\] established' "$keep/dut/charon.log"
check_grep "evidence: the tester's charon log was kept" 'CHILD_SA lab\{1\} established' "$keep/tester/charon.log"
check "evidence: nothing left" lab_gone "$LAB_NAME"

exit $TESTS_FAILED
