#!/usr/bin/env bash
# Lab: ikecheck's own RSA signature exchanges (RFC 2409 5.1) against the reference peers with
# certificates (issue 11, "Done when"), each combination proven by both sides and by the capture:
#
#   peer        mode        DUT responder (ikecheck connect)   DUT initiator (ikecheck serve)
#   strongSwan  main        yes                                yes
#   strongSwan  aggressive  yes                                yes
#   Libreswan   main        yes                                yes
#   Libreswan   aggressive  yes                                yes
#
# Each run: ikecheck's exit status and result line, the ladder's CERT and SIG payloads; the
# peer's own status (swanctl --list-sas / pluto's state list) and its log saying it checked our
# signature with our certificate; then the capture (tcpdump on the DUT link) read back twice
# with ikecheck's key file: `ikecheck decode --keys` opens MM5/MM6 (ID, CERT, SIG inside) and
# the quick mode, and tshark, given only the ikev1_decryption_table records, shows the
# decrypted ISAKMP payloads (and none without the keys, so the check can fail).
# Both rsa-sig profiles send AM3 encrypted (phase1.am3 = encrypted): after a clear AM3 pluto and
# Wireshark base the quick mode IV on another reading of RFC 2409 App. B (docs/interop.md).
# pluto pads its AM1 to four octets after the last payload; serve takes that (engine/codec).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
source harness/lib/common.sh
lab_test_init ccert
IK=$PWD/build/ikecheck

# The DUT initiating aggressive mode: its profile narrowed to it (the committed ones allow both
# modes, and an initiator starts main mode then).
for peer in strongswan libreswan; do
	profile_set "peers/profiles/$peer-rsasig.conf" phase1.modes aggressive >"$TEST_TMP/$peer-amonly.conf"
done

# tshark_sees CAP KEYS MODE: tshark with the ikev1 records of KEYS decrypts the encrypted
# ISAKMP messages of CAP: no malformed packet; in main mode the Identification payloads of MM5
# and MM6, in both modes two Signature payloads (MM5 and MM6, or AM2 and the encrypted AM3) and
# the Hash payloads of QM1..QM3.
# Without the key records the same capture shows none of them.
tshark_sees() {
	local cap=$1 keys=$2 mode=$3 uat=() line out bare
	while read -r line; do
		uat+=(-o "uat:ikev1_decryption_table:$line")
	done < <(grep -vE '^#|"IPv' "$keys")
	[[ ${#uat[@]} -gt 0 ]] || { echo "no ikev1 records in $keys"; return 1; }
	out=$(tshark -r "$cap" "${uat[@]}" -V -Y isakmp 2>&1) || { echo "$out" | tail; return 1; }
	bare=$(tshark -r "$cap" -V -Y isakmp 2>&1)
	if grep -qi malformed <<<"$out"; then
		grep -i -B5 malformed <<<"$out" | head -20
		return 1
	fi
	local ids sigs hashes bare_hashes
	ids=$(grep -cE '^ +Payload: Identification' <<<"$out")
	sigs=$(grep -cE '^ +Payload: Signature' <<<"$out")
	hashes=$(grep -cE '^ +Payload: Hash' <<<"$out")
	bare_hashes=$(grep -cE '^ +Payload: Hash' <<<"$bare")
	echo "with the keys: $ids Identification, $sigs Signature, $hashes Hash; without: $bare_hashes Hash"
	# SIG_I (MM5, AM3) and SIG_R (MM6; AM2 in the clear): two in every mode.
	[[ $hashes -ge 3 && $bare_hashes -eq 0 && $sigs -ge 2 ]] || return 1
	[[ $mode == aggressive ]] || [[ $ids -ge 2 ]]
}

# decode_opens CAP KEYS MODE: ikecheck decode --keys reads every message of CAP, opens every
# encrypted one, and shows what only the keys reveal: SIG in MM5 and MM6 (main mode) or in the
# encrypted AM3, and the quick mode's SA payloads.
decode_opens() {
	local cap=$1 keys=$2 mode=$3 out
	out=$("$IK" decode --pcap "$cap" --keys "$keys" 2>&1) || { echo "$out" | tail; return 1; }
	if grep -q 'not decrypted' <<<"$out"; then
		grep -B2 'not decrypted' <<<"$out" | head
		return 1
	fi
	# The messages after "(decrypted ...)": MM5/MM6 carry ID and SIG, QM1/QM2 HASH, SA, NONCE.
	local opened sig_in qm_in
	opened=$(grep -c 'decrypted with the key file' <<<"$out")
	sig_in=$(awk '/decrypted with the key file/ {d=1; next} /^#/ {d=0} d && /^  SIG\[0\]: /' <<<"$out" | wc -l)
	qm_in=$(awk '/decrypted with the key file/ {d=1; next} /^#/ {d=0} d && /^  SA\[0\]: /' <<<"$out" | wc -l)
	echo "decrypted: $opened messages, $sig_in with SIG, $qm_in with SA (QM1, QM2)"
	[[ $qm_in -ge 2 ]] || return 1
	# the encrypted AM3 carries SIG_I; MM5 and MM6 a SIG each
	if [[ $mode == aggressive ]]; then [[ $sig_in -ge 1 ]]; else [[ $sig_in -ge 2 && $opened -ge 5 ]]; fi
}

# proves NAME CAP KEYS MODE: both readings of the capture.
proves() {
	check "$1: decode --keys opens the capture ($4 mode)" decode_opens "$2" "$3" "$4"
	check "$1: tshark with the exported keys shows the decrypted payloads" tshark_sees "$2" "$3" "$4"
}

# ---- the DUT answers: ikecheck connect from the tester namespace ----
# responder_run PEER MODE PROFILE: lab up, capture, connect --keep (the SAs stay for the peer's
# status), the checks of ikecheck's side.
responder_run() {
	local peer=$1 mode=$2 prof=$3 tag="$1 $2 (DUT responder)" flag=
	[[ $mode == main ]] || flag=--aggressive
	check "$tag: lab up" lab up "$peer" --auth rsa-sig --profile "$prof"
	check "$tag: capture start" lab capture start "$TEST_TMP/$peer-$mode-r.pcap"
	check "$tag: ikecheck connect exits 0" lab exec tester "$IK" connect \
		--profile "$LAB_DIR/profile.conf" $flag --keep --keys "$TEST_TMP/$peer-$mode-r.keys"
	cp "$(last_out)" "$TEST_TMP/connect.out"
	check_grep "$tag: established, ISAKMP and IPsec SA" \
		'^established: ISAKMP SA .*, IPsec SA ESP in 0x' "$TEST_TMP/connect.out"
	if [[ $mode == main ]]; then
		check_grep "$tag: MM5 carries ID, CERT and SIG" 'MM5 --->.*HDR\*, ID, CERT, (CERT, )?SIG' "$TEST_TMP/connect.out"
		check_grep "$tag: MM6 carries the peer's CERT and SIG" 'MM6 ----.*HDR\*, ID, CERT, (CERT, )?SIG' "$TEST_TMP/connect.out"
	else
		check_grep "$tag: AM2 carries the peer's CERT and SIG_R" '<--- AM2 ----.*CERT.*SIG' "$TEST_TMP/connect.out"
		check_grep "$tag: AM3 goes encrypted with CERT and SIG_I" '---- AM3 --->.*HDR\*, CERT, (CERT, )?SIG' "$TEST_TMP/connect.out"
	fi
	check_grep "$tag: quick mode QM3 sent" '---- QM3 --->' "$TEST_TMP/connect.out"
	check "$tag: capture stop" lab capture stop
}

responder_run strongswan main peers/profiles/strongswan-rsasig.conf
expect 'dut::peer list-sas::^lab: #[0-9]+, ESTABLISHED, IKEv1::YES'
expect "dut::peer list-sas::remote +'tester\.ikecheck\.test'::YES"
expect 'dut::peer list-sas::INSTALLED, TUNNEL::YES'
expect "dut::peer logs::authentication of 'tester\.ikecheck\.test' with RSA_EMSA_PKCS1_NULL successful::YES"
proves "strongswan main (DUT responder)" "$TEST_TMP/strongswan-main-r.pcap" "$TEST_TMP/strongswan-main-r.keys" main
check "strongswan main (DUT responder): lab down" lab down

responder_run strongswan aggressive peers/profiles/strongswan-rsasig.conf
# charon took it on its aggressive mode connection (lab-am: aggressive = yes).
expect 'dut::peer list-sas::^lab-am: #[0-9]+, ESTABLISHED, IKEv1::YES'
expect 'dut::peer list-sas::INSTALLED, TUNNEL::YES'
expect "dut::peer logs::authentication of 'tester\.ikecheck\.test' with RSA_EMSA_PKCS1_NULL successful::YES"
proves "strongswan aggressive (DUT responder)" "$TEST_TMP/strongswan-aggressive-r.pcap" "$TEST_TMP/strongswan-aggressive-r.keys" aggressive
check "strongswan aggressive (DUT responder): lab down" lab down

responder_run libreswan main peers/profiles/libreswan-rsasig.conf
expect 'dut::peer list-sas::STATE_MAIN_R3 \(IKE SA established\)::YES'
expect 'dut::peer list-sas::STATE_QUICK_R2 \(IPsec SA established\)::YES'
expect "dut::peer logs::authenticated peer '2048-bit RSA with SHA1' signature using peer certificate '@tester\.ikecheck\.test'::YES"
expect 'dut::peer logs::IKE SA established \{auth=RSA_SIG::YES'
proves "libreswan main (DUT responder)" "$TEST_TMP/libreswan-main-r.pcap" "$TEST_TMP/libreswan-main-r.keys" main
check "libreswan main (DUT responder): lab down" lab down

responder_run libreswan aggressive peers/profiles/libreswan-rsasig.conf
expect 'dut::peer logs::"lab-am" #[0-9]+: responding to Aggressive Mode::YES'
expect 'dut::peer list-sas::STATE_AGGR_R2 \(IKE SA established\)::YES'
expect 'dut::peer list-sas::STATE_QUICK_R2 \(IPsec SA established\)::YES'
expect "dut::peer logs::authenticated peer '2048-bit RSA with SHA1' signature using peer certificate '@tester\.ikecheck\.test'::YES"
proves "libreswan aggressive (DUT responder)" "$TEST_TMP/libreswan-aggressive-r.pcap" "$TEST_TMP/libreswan-aggressive-r.keys" aggressive
check "libreswan aggressive (DUT responder): lab down" lab down

# ---- the DUT initiates: ikecheck serve (the lab's ikecheck peer) answers in the tester ----
# initiator_run PEER MODE PROFILE: lab up with serve as the tester, capture, the DUT brings the
# tunnel up (lab initiate), serve's own account of it.
initiator_run() {
	local peer=$1 mode=$2 prof=$3 tag="$1 $2 (DUT initiator)"
	check "$tag: lab up, tester ikecheck serve" \
		lab up "$peer" --auth rsa-sig --role initiator --tester ikecheck --profile "$prof"
	check "$tag: capture start" lab capture start "$TEST_TMP/$peer-$mode-i.pcap"
	check "$tag: the DUT initiates" lab initiate
	expect "tester::peer list-sas::ISAKMP SA established, $mode mode::YES"
	expect 'tester::peer list-sas::IPsec SA established: ESP in 0x::YES'
	check "$tag: capture stop" lab capture stop
	cp "$LAB_DIR/tester/keys" "$TEST_TMP/$peer-$mode-i.keys"
	proves "$tag" "$TEST_TMP/$peer-$mode-i.pcap" "$TEST_TMP/$peer-$mode-i.keys" "$mode"
}

initiator_run strongswan main peers/profiles/strongswan-rsasig.conf
expect 'dut::peer list-sas::ESTABLISHED, IKEv1::YES'
expect "dut::peer list-sas::remote +'tester\.ikecheck\.test'::YES"
expect 'dut::peer list-sas::INSTALLED, TUNNEL::YES'
expect "dut::peer logs::initiating Main Mode IKE_SA::YES"
expect "dut::peer logs::authentication of 'tester\.ikecheck\.test' with RSA_EMSA_PKCS1_NULL successful::YES"
check "strongswan main (DUT initiator): lab down" lab down

initiator_run strongswan aggressive "$TEST_TMP/strongswan-amonly.conf"
expect 'dut::peer list-sas::ESTABLISHED, IKEv1::YES'
expect 'dut::peer list-sas::INSTALLED, TUNNEL::YES'
expect "dut::peer logs::initiating Aggressive Mode IKE_SA::YES"
expect "dut::peer logs::authentication of 'tester\.ikecheck\.test' with RSA_EMSA_PKCS1_NULL successful::YES"
check "strongswan aggressive (DUT initiator): lab down" lab down

initiator_run libreswan main peers/profiles/libreswan-rsasig.conf
expect 'dut::peer list-sas::STATE_MAIN_I4 \(IKE SA established\)::YES'
expect 'dut::peer list-sas::STATE_QUICK_I2 \(IPsec SA established\)::YES'
expect "dut::peer logs::authenticated peer '2048-bit RSA with SHA1' signature using peer certificate '@tester\.ikecheck\.test'::YES"
check "libreswan main (DUT initiator): lab down" lab down

initiator_run libreswan aggressive "$TEST_TMP/libreswan-amonly.conf"
expect 'dut::peer list-sas::STATE_AGGR_I2 \(IKE SA established\)::YES'
expect 'dut::peer list-sas::STATE_QUICK_I2 \(IPsec SA established\)::YES'
expect "dut::peer logs::authenticated peer '2048-bit RSA with SHA1' signature using peer certificate '@tester\.ikecheck\.test'::YES"
check "libreswan aggressive (DUT initiator): lab down" lab down

check "cert_connect: nothing of the lab is left (namespaces, state, processes)" lab_gone "$LAB_NAME"
exit $TESTS_FAILED
