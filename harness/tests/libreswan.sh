#!/usr/bin/env bash
# Lab: Libreswan 4.10 against strongSwan, both ways. Main mode + quick mode established and the
# SAs listed on both sides; where the kernel has no ESP, pluto runs with the XFRM shim, says so
# in its status, and the shim's log shows the SA requests it answered. Then the initiator
# deletes: the other side drops its SAs (INFORMATIONAL Delete).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
source harness/lib/common.sh
lab_test_init lsw

esp=kernel
kernel_has_esp || esp=shim

for role in responder initiator; do
	check "libreswan: lab up, DUT libreswan $role, tester strongswan" \
		lab up libreswan --role "$role" --tester strongswan
	check "libreswan: the initiator completes main mode + quick mode (DUT $role)" lab initiate
	if [[ $role == responder ]]; then r=R; else r=I; fi
	expect "dut::peer list-sas::STATE_MAIN_${r}[34] \(IKE SA established\)::YES"
	expect "dut::peer list-sas::STATE_QUICK_${r}2 \(IPsec SA established\)::YES"
	expect "tester::peer list-sas::ESTABLISHED, IKEv1::YES"
	expect "tester::peer list-sas::INSTALLED, TUNNEL::YES"
	if [[ $esp == shim ]]; then
		expect "dut::peer status::ESP: +shim \(no kernel ESP; no data path\)::YES"
		check_grep "libreswan: the shim answered pluto's NEWSA/UPDSA (DUT $role)" \
			'xfrmshim: (NEWSA|UPDSA) seq [0-9]+ -> answered' "$LAB_DIR/dut/xfrmshim.log"
	else
		expect "dut::peer status::ESP: +kernel::YES"
	fi
	# The generated ipsec.conf loaded without a complaint from addconn or pluto.
	expect "dut::peer logs::(warning|ERROR|unknown|obsolete)::NO"
	expect 'dut::peer logs::added IKEv1 connection::YES'
	# The initiator deletes; the responder must drop its SAs on the Delete notifications.
	if [[ $role == responder ]]; then init=tester resp=dut pat='#[0-9]+: "lab'; else init=dut resp=tester pat='ESTABLISHED'; fi
	check "libreswan: the $init deletes its SAs (DUT $role)" lab peer "$init" terminate
	# The Delete is sent after terminate returns: give it up to 5 s to arrive.
	wait_for 5 bash -c "! $LAB peer $resp list-sas 2>/dev/null | grep -Eq '$pat'" || true
	expect "$resp::peer list-sas::$pat::NO"
	check "libreswan: lab down (DUT $role)" lab down
done

exit $TESTS_FAILED
