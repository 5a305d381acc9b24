#!/usr/bin/env bash
# Lab: strongSwan initiator against strongSwan responder, with the DUT in each role.
# Main mode + quick mode established, the SAs listed on both sides, and a ping between the
# inner addresses through the tunnel (kernel ESP where the kernel has it, else userspace ESP
# over kernel-libipsec's TUN device, UDP-encapsulated on 4500).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
lab_test_init sw

for role in responder initiator; do
	check "strongswan: lab up, DUT $role, tester strongswan" \
		lab up strongswan --role "$role" --tester strongswan
	check "strongswan: the initiator brings up main mode + quick mode (DUT $role)" lab initiate
	check_grep "strongswan: main mode used (DUT $role)" 'Main Mode IKE_SA' "$(last_out)"
	check_grep "strongswan: quick mode CHILD_SA established (DUT $role)" \
		'CHILD_SA .* established' "$(last_out)"
	for side in dut tester; do
		expect "$side::peer list-sas::ESTABLISHED, IKEv1::YES"
		expect "$side::peer list-sas::INSTALLED, TUNNEL::YES"
	done
	# The generated swanctl.conf loaded without a complaint from swanctl.
	expect "dut::cat $LAB_DIR/dut/load.log::(warning|failed|error|unknown|invalid|ignored)::NO"
	expect "dut::cat $LAB_DIR/dut/load.log::loaded connection 'lab'::YES"
	expect 'tester::ping -c 2 -W 2 -I 10.1.0.1 10.2.0.1::2 received::YES'
	expect 'dut::ping -c 1 -W 2 -I 10.2.0.1 10.1.0.1::1 received::YES'
	# The pings really went through the SA: its outbound byte counter moved.
	expect 'dut::peer list-sas::out [0-9a-f]{8}, +0 bytes::NO'
	check "strongswan: lab down (DUT $role)" lab down
done

# Our own ESP against charon's (issue 12): `connect --ping` through the tunnel, then the same
# through a NAT in front of the tester (harness/lab nat: source ports 500/4500 rewritten), and
# the traffic cases of the suite. charon's kernel-libipsec forwards the inner packets to
# 10.2.0.1 on the DUT's lo.
IK=$PWD/build/ikecheck
check "strongswan: lab up for our ESP" lab up strongswan
check "strongswan: connect --ping 3 through the tunnel" \
	lab exec tester "$IK" connect --profile peers/profiles/strongswan.conf --ping 3
check_grep "strongswan: the SA carries traffic" '^traffic: [1-3] of 3 pings came back through ESP' \
	"$(last_out)"
check_grep "strongswan: a round trip printed" '^ping 10\.2\.0\.1 through the tunnel: seq [0-2], [0-9.]+ ms$' \
	"$(last_out)"
# A run that judged every case exits 0 or 1 (1: a FAIL); which verdicts are right is checked
# case by case below (the lifetime cases FAIL against strongSwan 5.9.8, a finding about it).
judged() {
	local rc=0
	"$@" || rc=$?
	[[ $rc -le 1 ]]
}
# fails_only RESULTS GLOB_RE: every FAIL in RESULTS is a case whose id matches the regex.
fails_only() {
	[[ -z $(jq -r "select(.type==\"case\" and .verdict==\"FAIL\" and (.id|test(\"$2\")|not)) | .id" "$1") ]]
}
check "strongswan: a NAT in front of the tester" lab nat on
check "strongswan: connect --ping through the NAT" \
	lab exec tester "$IK" connect --profile peers/profiles/strongswan.conf --ping 3
check_grep "strongswan: behind the NAT the SA is UDP-encapsulated" 'UDP-ENCAPSULATED-TUNNEL' "$(last_out)"
check_grep "strongswan: and carries traffic through the float" \
	'^traffic: [1-3] of 3 pings came back through ESP' "$(last_out)"
check "strongswan: the NAT-T and ESP cases through the NAT" judged lab exec tester "$IK" run \
	--profile peers/profiles/strongswan.conf --cases 'NATT-*,ESP-*' --out "$LAB_DIR/natt-run" --quiet
# The lifetime cases (ESP-LIFE-*) are left out: strongSwan 5.9.8 with kernel-libipsec takes a
# quick mode lifetime of 3 s or 2 KB (QM2 echoes it, charon logs "received 3s lifetime") and
# still answers on the SA after it: they FAIL, a finding about the peer (docs/interop.md).
# ESP-SND-010 is left out too: charon's UDP-ESP carries a UDP checksum where RFC 3948 2.1 says
# it SHOULD be zero: a WARN, a finding (docs/interop.md), checked below.
check "strongswan: through the NAT every ESP case the profile claims but the lifetime ones and ESP-SND-010 PASSes" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id|startswith(\"ESP-\")) and (.id|startswith(\"ESP-LIFE-\")|not) and .id != \"ESP-SND-010\" and .verdict != \"SKIP\") | .verdict' '$LAB_DIR/natt-run/results.jsonl' | sort -u) == PASS ]]"
# NATT-024: charon answers an R-U-THERE that reaches its port 500 after the float from port 500,
# where RFC 3947 4 says the responder MUST answer on UDP(4500,Y): a finding (docs/interop.md).
check "strongswan: through the NAT the only FAILs are the lifetime cases and NATT-024" \
	fails_only "$LAB_DIR/natt-run/results.jsonl" "^(ESP-LIFE-|NATT-024\$)"
check "strongswan: through the NAT NATT-024 FAILs: the ACK to an R-U-THERE on port 500 comes from port 500" \
	bash -c "jq -r 'select(.type==\"case\" and .id==\"NATT-024\") | .verdict' '$LAB_DIR/natt-run/results.jsonl' | grep -qx FAIL"
check "strongswan: through the NAT ESP-SND-010 WARNs: the UDP checksum of its UDP-ESP is not zero" \
	bash -c "jq -r 'select(.type==\"case\" and .id==\"ESP-SND-010\") | .verdict' '$LAB_DIR/natt-run/results.jsonl' | grep -qx WARN"
# After the float charon's R-U-THERE-ACK and its own R-U-THEREs come to the NAT's mapping on 4500
# (RFC 3947 4; NATT-014 listens up to 122 s, phase1.dpd = 30), and an
# MM5 without the non-ESP marker is ESP to it, not IKE (RFC 3948 2.2).
check "strongswan: through the NAT, NATT-012, NATT-014 (informationals at the floated port) and NATT-013 (no marker, no MM6) PASS" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id==\"NATT-012\" or .id==\"NATT-013\" or .id==\"NATT-014\")) | .verdict' '$LAB_DIR/natt-run/results.jsonl' | sort | uniq -c | awk '{print \$1, \$2}') == '3 PASS' ]]"
# With the tester's NAT-D also putting charon behind a NAT (tester.simulate_nat = dut), charon
# sends NAT-keepalives (natt.keepalive = 20, charon.keep_alive): one octet 0xFF from 4500 to the
# floated port, 20 s after its last packet (RFC 3948 2.3, 4; NATT-015..017 listen up to 50 s).
check "strongswan: through the NAT, NATT-015..017 (its NAT-keepalives: ports, one octet 0xFF, when idle) PASS" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id|test(\"^NATT-01[567]\$\"))) | .verdict' '$LAB_DIR/natt-run/results.jsonl' | sort | uniq -c | awk '{print \$1, \$2}') == '3 PASS' ]]"
# After the float the NAT's mapping changes (NATT-027, `remap`: our NAT-T port moves and an
# R-U-THERE comes from the new one): charon logs "remote endpoint changed", re-creates the IPsec
# SA there and sends its own R-U-THEREs there (RFC 3947 7). It asks R-U-THERE 30 s after QM3
# though the tester sends it a NAT-keepalive every second and nothing else (NATT-KA-002, RFC
# 3948 4: keepalives are no sign of life).
check "strongswan: through the NAT, NATT-027 (the NAT's new mapping followed) and NATT-KA-002 (keepalives taken for no life) PASS" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id==\"NATT-027\" or .id==\"NATT-KA-002\")) | .verdict' '$LAB_DIR/natt-run/results.jsonl' | sort | uniq -c | awk '{print \$1, \$2}') == '2 PASS' ]]"
check "strongswan: NAT off" lab nat off
check "strongswan: the traffic cases" judged lab exec tester "$IK" run --profile peers/profiles/strongswan.conf \
	--cases 'ESP-*' --out "$LAB_DIR/esp-run" --quiet
check "strongswan: the only ESP FAILs are the lifetime cases" fails_only "$LAB_DIR/esp-run/results.jsonl" "^ESP-LIFE-"
check "strongswan: ESP-POS-001 and ESP-POS-002 PASS" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id==\"ESP-POS-001\" or .id==\"ESP-POS-002\")) | .verdict' '$LAB_DIR/esp-run/results.jsonl' | sort -u) == PASS ]]"
check "strongswan: the ESP receiver cases PASS (replay, bad ICV, unknown SPI, dummy, zero padding, Pad Length overrun, outside the selectors (source and destination), reorder, Delete, Delete with a bad HASH)" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id|test(\"^ESP-NEG-00[1-8]\$|^ESP-POS-004\$|^ESP-DEL-00[12]\$\"))) | .verdict' '$LAB_DIR/esp-run/results.jsonl' | sort | uniq -c | awk '{print \$1, \$2}') == '11 PASS' ]]"
# The window, padding, GCM and sender cases (suite/cases/esp/window.case, sender.case). charon's
# kernel-libipsec keeps a window over 64: ESP-POS-007 PASSes, and ESP-POS-008 (a MAY) records
# that it takes packets 100 behind; either answer would PASS it.
check "strongswan: the window, padding, GCM and sender cases PASS (ESP-POS-007..010, ESP-NEG-009/010, ESP-SND-001/002)" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id|test(\"^ESP-POS-0(0[7-9]|10)\$|^ESP-NEG-0(09|10)\$|^ESP-SND-00[12]\$\"))) | .verdict' '$LAB_DIR/esp-run/results.jsonl' | sort | uniq -c | awk '{print \$1, \$2}') == '8 PASS' ]]"
# tshark, not ikecheck, reads the replay case's capture: a sequence number the tester sent more
# than once: the ping and its three copies.
check "strongswan: tshark sees the replayed ESP sequence number in the capture" bash -c "tshark -r '$LAB_DIR/esp-run/pcap/ESP-NEG-001.pcap' -Y 'esp && ip.src==192.0.2.1' -T fields -e esp.spi -e esp.sequence | sort | uniq -c | awk '\$1 >= 4 {found=1} END {exit !found}'"
check "strongswan: lab down (our ESP)" lab down

exit $TESTS_FAILED
