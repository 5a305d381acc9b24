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

exit $TESTS_FAILED
