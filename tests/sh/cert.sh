# The certificate cases (suite/cases/cert, issue 11 item 6) against `ikecheck serve` with RSA
# signatures (RFC 2409 5.1): a PKI of harness/pki.sh for the loopback addresses, the loopback
# profile turned to auth.method = rsa-sig with the CRL; the conformant serve PASSes every case
# (CERT-PSK-001 is SKIPped: it needs a PSK DUT, and PASSes against the PSK loopback profile),
# and serve with each quirk a case names makes that case FAIL (WARN for SHOULD): every negative
# case is proved able to fail. Each quirk run has every certificate case, and exactly those that
# name the quirk may fail (as tests/sh/selftest.sh does for the other areas, which leaves these to
# this script). Also tester.bad_cert's refusals.
#
#   127.0.0.2:T (tester, ikecheck run [tester.bad_cert]) <-- UDP --> 127.0.0.1:D (serve [--quirk])
#
# Ports: 31000-31999 (tests/lib.sh; CERT_PORTS=37000 moves them to 37000-37999), offset by $$ so
# parallel runs do not collide; no root needed.
. tests/lib.sh

T=${CERT_OUT:-$TEST_TMP}
mkdir -p "$T"
P=$T/pki
BASE=$((${CERT_PORTS:-31000} + ($$ % 6) * 150)) # 18 profiles of 8 ports a run

check "harness/pki.sh makes a PKI for the loopback addresses" \
	env PKI_DUT_ADDR=127.0.0.1 PKI_TESTER_ADDR=127.0.0.2 harness/pki.sh "$P"

# sig_profile OUT N: loopback-dut.conf with rsa-sig, both sides' certificates, the CA and the
# CRL, the DUT holding the tester's certificate (dut.peer_cert, CERT-POS-007), identities from
# the certificates (their addresses), ports at BASE + 8*N.
sig_profile() {
	loopback_profile peers/profiles/loopback-dut.conf "$1" $((BASE + 8 * $2)) $((BASE + 8 * $2 + 4)) \
		'/^id /d' '/^psk /d' \
		"s|^method .*|method = rsa-sig\nca = $P/root-ca.pem\ncrl = $P/inter-ca.crl|" \
		"s|^\[dut\]|[dut]\ncert = $P/dut.pem\nkey = $P/dut.key\nchain = $P/inter-ca.pem\npeer_cert = $P/tester.pem|" \
		"s|^\[tester\]|[tester]\ncert = $P/tester.pem\nkey = $P/tester.key\nchain = $P/inter-ca.pem|"
}

# run NAME N PROFILE CASES [QUIRK]: serve PROFILE (with QUIRK) and the cases CASES against it.
run() {
	local name=$1 n=$2 prof=$3 cases=$4 q=${5:-}
	serve_start "$T/$name.serve" --profile "$prof" ${q:+--quirk "$q"}
	$IK run --profile "$prof" --cases "$cases" --out "$T/$name" --quiet --silence 1500 \
		--dut-initiate "kill -USR1 $SERVE_PID" >"$T/$name.out" 2>&1 || true
	serve_stop
}

# verdict NAME ID: what case ID got in run NAME.
verdict() {
	jq -r --arg id "$2" 'select(.type=="case" and .id==$id) | .verdict' "$T/$1/results.jsonl"
}

ids() { $IK list cases "$@" suite/cases/cert | awk 'NF > 2 {print $1}'; }

# --- the conformant rsa-sig serve passes every case; the PSK case is skipped ------------------
sig_profile "$T/sig.conf" 0
check "the rsa-sig loopback profile loads" $IK profile get "$T/sig.conf" auth.method
run conformant 1 "$T/sig.conf" 'CERT-*'
for id in $(ids); do
	want=PASS
	[[ $id == CERT-PSK-001 || $id == CERT-DSS-* ]] && want=SKIP
	check "conformant rsa-sig serve: $id $want" test "$(verdict conformant "$id")" = $want
done
check_grep "CERT-NEG-002: the DUT said why (expired)" '"id":"CERT-NEG-002".*INVALID-CERTIFICATE' \
	"$T/conformant/results.jsonl"
check_grep "CERT-SIG-001: SIG truncated on the wire" '"id":"CERT-SIG-001".*SIG.data truncate:128 \(applied' \
	"$T/conformant/results.jsonl"

# --- the PSK loopback profile: CERT-PSK-001 passes, the signature cases are skipped ----------
loopback_profile peers/profiles/loopback-dut.conf "$T/psk.conf" $((BASE + 16)) $((BASE + 20))
run psk 2 "$T/psk.conf" 'CERT-*'
check "PSK serve: CERT-PSK-001 PASS" test "$(verdict psk CERT-PSK-001)" = PASS
check "PSK serve: CERT-NEG-001 SKIP (needs rsa_sig)" test "$(verdict psk CERT-NEG-001)" = SKIP
check_grep "the SKIP says what the profile lacks" '"id":"CERT-NEG-001".*lacks rsa_sig' \
	"$T/psk/results.jsonl"

# --- DSS signatures (RFC 2409 5.1, method 2): the DSA certificates, auth.method = dss-sig ------
# The conformant serve PASSes CERT-DSS-* (every other certificate case SKIPs: rsa_sig or psk);
# with quirk dss-der-sig (SIG_R as DER, not r||s) exactly those FAIL, naming the rule.
sig_profile "$T/dss.conf" 17
sed -i -e 's|^method = rsa-sig$|method = dss-sig|' -e '/^peer_cert = /d' \
	-e "s|^cert = $P/dut.pem|cert = $P/dut-dss.pem|" -e "s|^key = $P/dut.key|key = $P/dut-dss.key|" \
	-e "s|^cert = $P/tester.pem|cert = $P/tester-dss.pem|" \
	-e "s|^key = $P/tester.key|key = $P/tester-dss.key|" "$T/dss.conf"
check "the dss-sig loopback profile loads" $IK profile get "$T/dss.conf" auth.method
run dss 17 "$T/dss.conf" 'CERT-*'
for id in $(ids); do
	want=SKIP
	[[ $id == CERT-DSS-* ]] && want=PASS
	check "conformant dss-sig serve: $id $want" test "$(verdict dss "$id")" = $want
done
check_grep "CERT-POS-001 SKIPs, saying the DUT lacks rsa_sig" '"id":"CERT-POS-001".*lacks rsa_sig' \
	"$T/dss/results.jsonl"
run dss-der 17 "$T/dss.conf" 'CERT-*' dss-der-sig
want=$(ids --breaks dss-der-sig | sort | tr '\n' ' ')
got=$(jq -r 'select(.type=="case" and (.verdict=="FAIL" or .verdict=="WARN" or .verdict=="ERROR")) | .id' \
	"$T/dss-der/results.jsonl" | sort | tr '\n' ' ')
check "quirk dss-der-sig: exactly the cases naming it fail: $(echo $want)" test "$got" = "$want"
check_grep "CERT-DSS-001 says the SIG was no r||s (RFC 2409 5.1)" \
	'"id":"CERT-DSS-001".*"verdict":"FAIL".*not r\|\|s of 40: RFC 2409 5.1' "$T/dss-der/results.jsonl"
check "the rsa-sig serve SKIPs CERT-DSS-001 (needs dss_sig)" \
	test "$(verdict conformant CERT-DSS-001)" = SKIP

# --- without dut.peer_cert the DUT holds no certificate of ours: CERT-POS-007 is SKIPped --------
sig_profile "$T/nopeer.conf" 2
sed -i '/^peer_cert = /d' "$T/nopeer.conf"
run nopeer 2 "$T/nopeer.conf" 'CERT-POS-00[78]'
check "no dut.peer_cert: CERT-POS-007 SKIP" test "$(verdict nopeer CERT-POS-007)" = SKIP
check_grep "the SKIP names dut.peer_cert" '"id":"CERT-POS-007".*lacks peer_cert \(no dut.peer_cert' \
	"$T/nopeer/results.jsonl"

# --- each quirk makes exactly the cases naming it fail (WARN for SHOULD) ----------------------
n=3
for q in cert-any-ca cert-no-validity cert-no-crl cert-no-ku cert-no-id-check sig-no-verify \
	cert-encoding-fatal cr-strict cr-type-fatal cr-ca-fatal cr-bad-ca sig-hash-20 cert-not-sent \
	cr-not-sent cert-required ignore-hash accept-any-proposal; do
	prof=$T/q$n.conf
	if [[ $q == accept-any-proposal ]]; then # CERT-PSK-001: the PSK profile
		loopback_profile peers/profiles/loopback-dut.conf "$prof" $((BASE + 8 * n)) $((BASE + 8 * n + 4))
	else
		sig_profile "$prof" $n
	fi
	want=$(ids --breaks "$q" | sort | tr '\n' ' ')
	check "quirk $q is named by a certificate case" test -n "$want"
	run "q-$q" $n "$prof" 'CERT-*' "$q"
	got=$(jq -r 'select(.type=="case" and (.verdict=="FAIL" or .verdict=="WARN")) | .id' \
		"$T/q-$q/results.jsonl" | sort | tr '\n' ' ')
	errs=$(jq -r 'select(.type=="case" and .verdict=="ERROR") | .id' "$T/q-$q/results.jsonl")
	check "quirk $q: exactly the cases naming it fail: $(echo $want)" \
		test "$got" = "$want"
	check "quirk $q: no case ERRORs${errs:+ (got: $(echo $errs))}" test -z "$errs"
	n=$((n + 1))
done
check "cert-not-sent: CERT-POS-001 passes, SIG_R checked with the profile's dut.cert (RFC 2409 5.1)" \
	test "$(verdict q-cert-not-sent CERT-POS-001)" = PASS
check_grep "cr-not-sent: CERT-CR-002 WARNs (SHOULD), saying no CR came" \
	'"id":"CERT-CR-002".*"verdict":"WARN".*the peer sent no CR in phase 1' "$T/q-cr-not-sent/results.jsonl"
check_grep "cr-not-sent: CERT-CR-003 (the DUT as initiator) WARNs, saying no CR came" \
	'"id":"CERT-CR-003".*"verdict":"WARN".*the peer sent no CR in phase 1' "$T/q-cr-not-sent/results.jsonl"
check_grep "CERT-NEG-014: the initiating DUT refused our MM6 (wrongca)" \
	'"id":"CERT-NEG-014".*refused MM6 with notify INVALID-CERTIFICATE' "$T/conformant/results.jsonl"
check_grep "CERT-NEG-009: expired in AM3, the DUT refused quick mode" \
	'"id":"CERT-NEG-009".*"verdict":"PASS".*refused QM1 with notify INVALID-CERTIFICATE' \
	"$T/conformant/results.jsonl"
check_grep "cert-no-validity: CERT-NEG-002 says the DUT completed" \
	'"id":"CERT-NEG-002".*"verdict":"FAIL"' "$T/q-cert-no-validity/results.jsonl"

# --- identities of type dn (auth.id_type): the bad certificates leave the tester's ID its own DN --
sig_profile "$T/dn.conf" 15
sed -i 's|^method = rsa-sig$|method = rsa-sig\nid_type = dn|' "$T/dn.conf"
run dn 15 "$T/dn.conf" 'CERT-*'
check "id_type = dn: every rsa-sig certificate case passes" test -z "$(jq -r \
	'select(.type=="case" and .verdict!="PASS" and .id!="CERT-PSK-001" and (.id | startswith("CERT-DSS-") | not)) | .id' \
	"$T/dn/results.jsonl")"
sig_profile "$T/dn2.conf" 16
sed -i 's|^method = rsa-sig$|method = rsa-sig\nid_type = dn|' "$T/dn2.conf"
run dn-noid 16 "$T/dn2.conf" CERT-NEG-004 cert-no-id-check
check "id_type = dn, cert-no-id-check: CERT-NEG-004 fails (the ID stayed the tester's DN)" \
	test "$(verdict dn-noid CERT-NEG-004)" = FAIL

# --- tester.bad_cert: bad names and missing files are refused with the key named ---------------
sig_profile "$T/bad1.conf" 0
sed -i "0,/^\[tester\]/s//[tester]\nbad_cert = ..\/etc\/passwd/" "$T/bad1.conf"
check_fails "tester.bad_cert = ../etc/passwd: exit 2" 2 $IK profile get "$T/bad1.conf" tester.bad_cert
check_grep "a path is no certificate name" "tester.bad_cert: '../etc/passwd' is not a certificate name" \
	"$(last_out)"
sig_profile "$T/bad2.conf" 0
sed -i "0,/^\[tester\]/s//[tester]\nbad_cert = nosuch/" "$T/bad2.conf"
check_fails "tester.bad_cert = nosuch: exit 2" 2 $IK profile get "$T/bad2.conf" tester.bad_cert
check_grep "the missing file is named" "tester.bad_cert: no nosuch.pem in tester.bad_certs .*: No such file or directory: '.*'" "$(last_out)"
loopback_profile peers/profiles/loopback-dut.conf "$T/bad3.conf" $BASE $((BASE + 4)) \
	'0,/^\[tester\]/s//[tester]\nbad_cert = expired/'
check_fails "tester.bad_cert with a PSK profile: exit 2" 2 $IK profile get "$T/bad3.conf" tester.bad_cert
check_grep "only with rsa-sig" "tester.bad_cert: only with auth.method = rsa-sig" "$(last_out)"
# A PKI without the bad certificates (tester.bad_certs elsewhere): the cases that need one ERROR
# naming the file; nothing is sent, so no serve is needed.
mkdir -p "$T/nobad"
sig_profile "$T/nobad.conf" 0
sed -i "0,/^\[tester\]/s||[tester]\nbad_certs = $T/nobad|" "$T/nobad.conf"
$IK run --profile "$T/nobad.conf" --cases CERT-NEG-002 --out "$T/nobad" --quiet >/dev/null 2>&1
check "a missing bad certificate: the case ERRORs" test "$(verdict nobad CERT-NEG-002)" = ERROR
check_grep "... naming the file and tester.bad_certs" \
	"tester.bad_cert: no expired.pem in tester.bad_certs" "$T/nobad/results.jsonl"

exit $TESTS_FAILED
