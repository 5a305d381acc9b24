#!/usr/bin/env bash
# Lab: the peers run with certificates (issue 11 item 2, `harness/lab up PEER --auth rsa-sig`).
# The peers' own tools must show the DUT's certificate with its private key, the CA and the CRL
# loaded and the connection set to public key authentication; then a strongSwan initiator in the
# tester namespace completes IKEv1 main mode + quick mode with the DUT by RSA signatures (RFC
# 2409 5.1), charon against charon and charon against pluto, so the lab's certificate setup is
# proven end to end before ikecheck's engine speaks rsa-sig. The profile the lab writes for the
# tester is the one ikecheck will use: it must load. Bad --auth input is refused up front.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
lab_test_init cert

# ---- refusals: before anything is made, and nothing may be left behind ----
check_fails "certs: --auth with an unknown method is refused" 1 lab up strongswan --auth x509
check_grep "certs: ... naming the methods" "--auth: psk or rsa-sig, got 'x509'" "$(last_out)"
check_fails "certs: --auth psk with an rsa-sig profile is refused" 1 \
	lab up strongswan --auth psk --profile peers/profiles/strongswan-rsasig.conf
check_grep "certs: ... naming the profile's method" 'says auth.method = rsa-sig' "$(last_out)"
# No openssl: a PATH of links to everything else (the lab itself needs ip, awk, ...).
noossl=$TEST_TMP/no-openssl
mkdir -p "$noossl"
for f in /usr/bin/* /usr/sbin/*; do
	[[ ${f##*/} == openssl ]] || ln -sf "$f" "$noossl/"
done
check_fails "certs: --auth rsa-sig without openssl is refused" 1 \
	env PATH="$noossl" harness/lab up strongswan --auth rsa-sig
check_grep "certs: ... saying what is missing" 'needs openssl to make the test PKI' "$(last_out)"
check "certs: the refused labs left nothing behind" lab_gone "$LAB_NAME"

# ---- PSK stays the default ----
check "certs: lab up strongswan without --auth" lab up strongswan
check "certs: status" lab status
check_grep "certs: ... the default is psk with peers/profiles/strongswan.conf" \
	'profile: .*peers/profiles/strongswan\.conf \(auth psk\)' "$(last_out)"
expect "dut::peer certs::has private key::NO"
check "certs: lab down (psk)" lab down

# new_cases DIR: "ID=VERDICT " of the CR-discard and SHA-256 signature cases in DIR's results.
new_cases() {
	jq -r 'select(.type=="case" and (.id|test("^CERT-(CR-00[4-8]|POS-00[5-8])$"))) |
		"\(.id)=\(.verdict)"' "$1/results.jsonl" 2>/dev/null | sort | tr '\n' ' '
}

SWC="STRONGSWAN_CONF=$LAB_DIR/dut/strongswan.conf swanctl"

# ---- strongSwan DUT, each role, against a strongSwan tester ----
for role in responder initiator; do
	check "certs: lab up strongswan --auth rsa-sig (DUT $role, tester strongswan)" \
		lab up strongswan --auth rsa-sig --role "$role" --tester strongswan
	check_grep "certs: up names the PKI and the profile (DUT $role)" \
		"rsa-sig with the test PKI in $LAB_DIR/pki; the profile is $LAB_DIR/profile.conf" "$(last_out)"
	check "certs: lab profile prints the lab's copy (DUT $role)" \
		bash -c "[[ \$($LAB profile) == '$LAB_DIR/profile.conf' ]]"
	# What ikecheck will be given: it loads (every certificate checked against the CA and CRL).
	check "certs: the tester's profile loads with ikecheck (DUT $role)" \
		build/ikecheck profile check "$LAB_DIR/profile.conf"
	check_grep "certs: its MANIFEST lists the PKI (DUT $role)" 'tester\.pem' "$LAB_DIR/pki/MANIFEST"
	# charon holds the DUT's certificate with its key, both CAs and the CRL.
	expect "dut::$SWC --list-certs::subject: +\"CN=dut\.ikecheck\.test, O=ikecheck test PKI\"::YES"
	expect "dut::$SWC --list-certs::RSA 2048 bits, has private key::YES"
	expect "dut::$SWC --list-certs::subject: +\"O=ikecheck test PKI, CN=ikecheck root CA\"::YES"
	expect "dut::$SWC --list-certs::subject: +\"CN=ikecheck intermediate CA, O=ikecheck test PKI\"::YES"
	expect "dut::$SWC --list-certs::1 revoked certificate::YES"
	# The tester's certificate too, as the conn's remote certs (dut.peer_cert: a SIG_I without
	# CERT is checked with it, CERT-POS-007).
	expect "dut::$SWC --list-certs::subject: +\"CN=tester\.ikecheck\.test, O=ikecheck test PKI\"::YES"
	expect "dut::$SWC --list-conns::certs: +CN=tester\.ikecheck\.test::YES"
	expect "dut::$SWC --list-conns::local public key authentication::YES"
	expect "dut::$SWC --list-conns::remote public key authentication::YES"
	expect "dut::$SWC --list-conns::id: dut\.ikecheck\.test::YES"
	expect "dut::$SWC --list-conns::id: tester\.ikecheck\.test::YES"
	expect "dut::$SWC --list-conns::cacerts: O=ikecheck test PKI, CN=ikecheck root CA::YES"
	expect "dut::cat $LAB_DIR/dut/load.log::loaded RSA key from '.*/private/dut\.key'::YES"
	expect "dut::cat $LAB_DIR/dut/load.log::(warning|failed|error|unknown|invalid|ignored)::NO"

	check "certs: main mode + quick mode by RSA signatures (DUT $role)" lab initiate
	check_grep "certs: main mode used (DUT $role)" 'Main Mode IKE_SA' "$(last_out)"
	check_grep "certs: a certificate went both ways (DUT $role)" 'received end entity cert' "$(last_out)"
	check_grep "certs: quick mode CHILD_SA established (DUT $role)" 'CHILD_SA .* established' "$(last_out)"
	for side in dut tester; do
		if [[ $side == dut ]]; then peer=tester; else peer=dut; fi
		expect "$side::peer list-sas::ESTABLISHED, IKEv1::YES"
		expect "$side::peer list-sas::remote +'$peer\.ikecheck\.test'::YES"
		expect "$side::peer list-sas::INSTALLED, TUNNEL::YES"
		# Each side checked the other's signature with the certificate, and the CRL.
		expect "$side::peer logs::authentication of '$peer\.ikecheck\.test' with RSA_EMSA_PKCS1_NULL successful::YES"
		expect "$side::peer logs::certificate status is good::YES"
	done
	expect 'tester::ping -c 2 -W 2 -I 10.1.0.1 10.2.0.1::2 received::YES'
	check "certs: lab down (strongswan, DUT $role)" lab down
done

# ---- Libreswan DUT against a strongSwan tester ----
for role in responder initiator; do
	if [[ $role == responder ]]; then r=R; else r=I; fi
	check "certs: lab up libreswan --auth rsa-sig (DUT $role, tester strongswan)" \
		lab up libreswan --auth rsa-sig --role "$role" --tester strongswan
	check "certs: the tester's profile loads with ikecheck (libreswan, DUT $role)" \
		build/ikecheck profile check "$LAB_DIR/profile.conf"
	# The NSS database: the DUT's certificate with its key (u,u,u), the trusted root (CT), the
	# intermediate from the PKCS#12, the CRL; pluto's own view (what `ipsec listall` shows).
	expect "dut::certutil -L -d sql:$LAB_DIR/dut/nss::^dut +u,u,u::YES"
	expect "dut::certutil -L -d sql:$LAB_DIR/dut/nss::^ikecheck-ca +CT,,::YES"
	expect "dut::certutil -L -d sql:$LAB_DIR/dut/nss::ikecheck intermediate CA::YES"
	expect "dut::crlutil -L -d sql:$LAB_DIR/dut/nss::ikecheck intermediate CA::YES"
	# (pluto may name it with its NSS token, "NSS Certificate DB:dut")
	expect 'dut::peer certs::End certificate "(NSS Certificate DB:)?dut"::YES'
	expect 'dut::peer certs::2048 bit RSA: has private key::YES'
	expect 'dut::peer certs::Root CA certificate "ikecheck-ca"::YES'
	expect "dut::peer logs::\"lab\": loaded private key matching left certificate 'dut'::YES"
	expect 'dut::peer logs::"lab": added IKEv1 connection::YES'
	expect 'dut::peer logs::(warning|ERROR|unknown|obsolete)::NO'
	check "certs: main mode + quick mode by RSA signatures (libreswan, DUT $role)" lab initiate
	expect "dut::peer list-sas::STATE_MAIN_${r}[34] \(IKE SA established\)::YES"
	expect "dut::peer list-sas::STATE_QUICK_${r}2 \(IPsec SA established\)::YES"
	expect "dut::peer logs::authenticated peer '2048-bit RSA with SHA1' signature using peer certificate '@tester\.ikecheck\.test'::YES"
	expect 'dut::peer logs::IKE SA established \{auth=RSA_SIG::YES'
	expect "tester::peer logs::authentication of 'dut\.ikecheck\.test' with RSA_EMSA_PKCS1_NULL successful::YES"
	expect "tester::peer list-sas::INSTALLED, TUNNEL::YES"
	check "certs: lab down (libreswan, DUT $role)" lab down
done


# ikecheck's own RSA signatures (RFC 2409 5.1) against the lab peers: connect with the lab's
# profile, main and aggressive mode against charon with pings through the tunnel, main mode
# against pluto (no data path there); serve as the tester side while charon initiates. The
# capture of the connect (tcpdump on the DUT link) is read back by `ikecheck decode --keys`.
IK=$PWD/build/ikecheck
check "certs: lab up strongswan --auth rsa-sig (for ikecheck)" lab up strongswan --auth rsa-sig
check "certs: capture start" lab capture start "$TEST_TMP/rsa.pcap"
check "certs: ikecheck connect, main mode by signatures, pings through the tunnel" \
	lab exec tester "$IK" connect --profile "$LAB_DIR/profile.conf" --ping 2 --keys "$TEST_TMP/rsa.keys"
check_grep "certs: ... MM5 carries ID, CERT and SIG" 'MM5 --->.*HDR\*, ID, CERT, (CERT, )?SIG' "$(last_out)"
check_grep "certs: ... and the SA carries traffic" '^traffic: [1-2] of 2 pings came back' "$(last_out)"
check "certs: capture stop" lab capture stop
check "certs: decode --keys opens MM5 and MM6 of the capture (the signatures inside)" \
	"$IK" decode --pcap "$TEST_TMP/rsa.pcap" --keys "$TEST_TMP/rsa.keys"
check_grep "certs: ... a SIG payload decrypted" '^  SIG\[0\]: ' "$(last_out)"
check "certs: ikecheck connect, aggressive mode by signatures" \
	lab exec tester "$IK" connect --profile "$LAB_DIR/profile.conf" --aggressive --ping 2
check_grep "certs: ... AM2 carries CERT and SIG_R" 'AM2 ----.*CERT.*SIG' "$(last_out)"
check_grep "certs: ... and the SA carries traffic" '^traffic: [1-2] of 2 pings came back' "$(last_out)"
# The certificate cases (suite/cases/cert): charon passes them all (the bad certificates lie
# next to tester.pem in the lab's PKI); CERT-PSK-001 needs a PSK DUT and CERT-DSS-* DSS
# signatures, which charon lacks in IKEv1: SKIPped, as checked.
lab exec tester "$IK" run --profile "$LAB_DIR/profile.conf" --cases 'CERT-*' --parallel 1 \
	--quiet --out "$TEST_TMP/cert-cases" --dut-initiate "$PWD/harness/lab dut-initiate" \
	>"$TEST_TMP/cert-cases.out" 2>&1
bad=$(jq -r 'select(.type=="case" and .verdict!="PASS" and
	(.verdict!="SKIP" or (.id|test("^CERT-(PSK-001|DSS-00[12])$")|not))) | .id' \
	"$TEST_TMP/cert-cases/results.jsonl" 2>/dev/null)
check "certs: strongSwan passes every certificate case${bad:+ (not: $(echo $bad))}" \
	test -s "$TEST_TMP/cert-cases/results.jsonl" -a -z "$bad"
# RFC 2408 5.10 steps 1 and 2: a CR asking for type 6 (as responder and as initiator) or naming
# no DER authority is discarded; the DUT's own CRs are well built (5.10, CERT-CR-007, -008);
# RFC 2409 5.1: SIG_R over the HMAC-SHA-256 HASH_R; asked by a CR in AM1, the DUT's CERT in AM2.
# RFC 2409 5.1 "[ CERT, ]": SIG_I with no CERT, checked with the certificate the DUT holds
# (dut.peer_cert: swanctl remote certs), in main and aggressive mode (CERT-POS-007, -008).
check "certs: strongSwan PASSes CERT-CR-004 .. -008, CERT-POS-005 .. -008" \
	test "$(new_cases "$TEST_TMP/cert-cases")" = "CERT-CR-004=PASS CERT-CR-005=PASS CERT-CR-006=PASS CERT-CR-007=PASS CERT-CR-008=PASS CERT-POS-005=PASS CERT-POS-006=PASS CERT-POS-007=PASS CERT-POS-008=PASS "
check "certs: lab down (strongswan for ikecheck)" lab down
check "certs: lab up strongswan --auth rsa-sig --role initiator (for ikecheck serve)" \
	lab up strongswan --auth rsa-sig --role initiator
lab exec tester "$IK" serve --profile "$LAB_DIR/profile.conf" --side tester --once \
	>"$TEST_TMP/serve-rsa.log" 2>&1 &
serve_pid=$!
for _ in $(seq 50); do grep -q "listening on" "$TEST_TMP/serve-rsa.log" && break; sleep 0.1; done
check "certs: charon initiates towards ikecheck serve" lab dut-initiate
for _ in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
check_grep "certs: ... serve (the responder) authenticates charon by its signature" \
	'IPsec SA established' "$TEST_TMP/serve-rsa.log"
kill "$serve_pid" 2>/dev/null
wait "$serve_pid" 2>/dev/null
check "certs: lab down (strongswan initiating)" lab down
check "certs: lab up libreswan --auth rsa-sig (for ikecheck)" lab up libreswan --auth rsa-sig
check "certs: ikecheck connect against pluto, main mode by signatures" \
	lab exec tester "$IK" connect --profile "$LAB_DIR/profile.conf"
check_grep "certs: ... MM6 carries pluto's CERT and SIG (its chain from our profile)" \
	'MM6 ----.*HDR\*, ID, CERT, SIG' "$(last_out)"
check_grep "certs: ... established" '^established: ISAKMP SA' "$(last_out)"
# The certificate cases against pluto: all pass but one FAIL and three WARNs. CERT-CR-009 FAILs,
# a finding: pluto drops the whole MM3 whose CR names the RESERVED type 200 ("cert type of
# ISAKMP Certificate RequestPayload has an unknown value: 200", "malformed payload in packet"),
# where RFC 2408 5.10 step 1 discards the payload alone. The WARNs: CERT-NEG-005, -012 and -017
# (Libreswan 4.10 takes a key whose keyUsage does not allow signing, in main mode, aggressive
# mode and as initiator); the aggressive ones included (the profile sends AM3 encrypted,
# phase1.am3; harness/tests/cert_connect.sh has every mode and role). CERT-CR-002 PASSes since
# the conn holds the tester's certificate (rightcert=, dut.peer_cert): pluto as responder then
# asks for it with a CR in MM4; without rightcert (or rightca) it sends none and WARNs.
lab exec tester "$IK" run --profile "$LAB_DIR/profile.conf" --cases 'CERT-*' --parallel 1 \
	--quiet --out "$TEST_TMP/cert-ls" --dut-initiate "$PWD/harness/lab dut-initiate" \
	>"$TEST_TMP/cert-ls.out" 2>&1
bad=$(jq -r 'select(.type=="case" and ((.verdict=="FAIL" and .id!="CERT-CR-009") or .verdict=="ERROR" or
	(.verdict=="WARN" and (.id|test("^CERT-(NEG-005|NEG-012|NEG-017)$")|not)))) | .id' "$TEST_TMP/cert-ls/results.jsonl" 2>/dev/null)
check "certs: Libreswan fails no certificate case but CERT-CR-009${bad:+ (got: $(echo $bad))}" \
	test -s "$TEST_TMP/cert-ls/results.jsonl" -a -z "$bad"
check "certs: ... CERT-CR-009 FAILs: pluto went silent after MM3 (the CR of type 200)" bash -c \
	"jq -r 'select(.type==\"case\" and .id==\"CERT-CR-009\") | \"\\(.verdict) \\(.reason)\"' '$TEST_TMP/cert-ls/results.jsonl' | grep -q '^FAIL .*silent after MM3'"
check "certs: ... and WARNs CERT-NEG-005, -012, -017 (keyUsage)" test "$(jq -r \
	'select(.type=="case" and (.id|test("^CERT-(NEG-005|NEG-012|NEG-017)$"))) | .verdict' \
	"$TEST_TMP/cert-ls/results.jsonl" | sort -u)" = WARN
check "certs: Libreswan PASSes CERT-CR-004 .. -008, CERT-POS-005 .. -008" \
	test "$(new_cases "$TEST_TMP/cert-ls")" = "CERT-CR-004=PASS CERT-CR-005=PASS CERT-CR-006=PASS CERT-CR-007=PASS CERT-CR-008=PASS CERT-POS-005=PASS CERT-POS-006=PASS CERT-POS-007=PASS CERT-POS-008=PASS "
check_grep "certs: ... pluto checked the CERT-less SIG_I with the certificate it holds (rightcert)" \
	'authenticated peer .* signature using preloaded certificate' "$LAB_DIR/dut/pluto.log"
check "certs: lab down (libreswan for ikecheck)" lab down
check "certs: nothing of the lab is left (namespaces, state, processes)" lab_gone "$LAB_NAME"
exit $TESTS_FAILED
