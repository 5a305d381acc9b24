#!/usr/bin/env bash
# Lab: ikecheck itself as a peer (peers/ikecheck) against strongSwan, both ways (and connect
# against Libreswan): `ikecheck serve`
# as the DUT with strongSwan initiating, and strongSwan as the DUT with `ikecheck connect`
# initiating. Main mode + quick mode established on both sides, and the keys each peer wrote
# (ikecheck's key file, charon's key log) agree line for line. ikecheck cannot be the DUT initiator:
# start says so and the lab is torn down.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
lab_test_init ikc

keys=$TEST_TMP/run.keys
for dut in ikecheck strongswan; do
	if [[ $dut == ikecheck ]]; then tester=strongswan; else tester=ikecheck; fi
	check "ikecheck: lab up, DUT $dut, tester $tester" lab up "$dut" --tester "$tester"
	check "ikecheck: $tester initiates main mode + quick mode against $dut" lab initiate
	if [[ $dut == ikecheck ]]; then
		expect 'dut::peer list-sas::ISAKMP SA established, main mode::YES'
		expect 'dut::peer list-sas::IPsec SA established: ESP in 0x[0-9a-f]{8} out 0x[0-9a-f]{8}::YES'
		expect 'tester::peer list-sas::INSTALLED, TUNNEL::YES'
	else
		check_grep "ikecheck: connect's result line" '^established: ISAKMP SA [0-9a-f]{16}/[0-9a-f]{16}' "$(last_out)"
		expect 'dut::peer list-sas::ESTABLISHED, IKEv1::YES'
		expect 'dut::peer list-sas::INSTALLED, TUNNEL::YES'
	fi
	for t in keys keys-esp; do
		$LAB peer dut "$t" | sort >"$keys.dut"
		$LAB peer tester "$t" | sort >"$keys.tester"
		check "ikecheck: the DUT's $t are there ($dut DUT)" test -s "$keys.dut"
		check "ikecheck: the tester derived the same $t as the DUT ($dut DUT)" \
			cmp "$keys.dut" "$keys.tester"
	done
	check "ikecheck: lab down ($dut DUT)" lab down
done

# ikecheck connect against Libreswan (pluto answers without NAT-T here: no fake NAT on its side).
check "ikecheck: lab up, DUT libreswan, tester ikecheck" lab up libreswan --tester ikecheck
check "ikecheck: connect brings up main mode + quick mode with pluto" lab initiate
check_grep "ikecheck: ... its result line" '^established: ISAKMP SA' "$(last_out)"
expect 'dut::peer list-sas::STATE_QUICK_R2 \(IPsec SA established\)::YES'
check "ikecheck: lab down (DUT libreswan)" lab down

check_fails "ikecheck: as the DUT initiator it is refused" 1 lab up ikecheck --role initiator
check_grep "ikecheck: ... saying why" 'cannot be the dut initiator' "$(last_out)"
check "ikecheck: ... leaving nothing" lab_gone "$LAB_NAME"

exit $TESTS_FAILED
