# ikecheck connect against ikecheck serve with DSS signatures (RFC 2409 5.1, authentication
# method 2): the loopback profile pair turned to auth.method dss-sig over the DSA certificates of
# harness/pki.sh (dut-dss.pem, tester-dss.pem, issued by the RSA intermediate); main mode and
# aggressive mode come up with CERT and SIG, and serve with quirk dss-der-sig (its SIG the DER
# SEQUENCE { r, s }) is refused naming the rule "DSS signatures MUST be encoded as r followed by s".
#
#   127.0.0.2:T (tester, connect) <---- UDP ----> 127.0.0.1:D (DUT, serve)
. tests/lib.sh

T=$TEST_TMP
P=$T/pki
BASE=$((34000 + ($$ % 20) * 40))

check "harness/pki.sh makes a PKI for the loopback addresses" \
	env PKI_DUT_ADDR=127.0.0.1 PKI_TESTER_ADDR=127.0.0.2 harness/pki.sh "$P"

# dss_profile IN OUT N: the loopback profile IN with dss-sig, each side's DSA certificate, key and
# chain, identities from the certificates (their addresses), ports at BASE + 10*N.
dss_profile() {
	cert_profile "$1" "$2" $((BASE + 10 * $3)) $((BASE + 10 * $3 + 5)) dss-sig -dss "$P"
}

for n in 1 2 3; do
	dss_profile peers/profiles/loopback-dut.conf "$T/dut$n.conf" $n
	dss_profile peers/profiles/loopback-tester.conf "$T/tester$n.conf" $n
done
check "the dss-sig profile loads" $IK profile get "$T/dut1.conf" auth.method
check_grep "... as dss-sig" '^dss-sig$' "$(last_out)"

# An RSA certificate under dss-sig is refused at load, naming the key and the method.
sed "s|/dut-dss\.|/dut.|g" "$T/dut1.conf" >"$T/rsa.conf"
check_fails "dss-sig with an RSA certificate: exit 2" 2 $IK profile get "$T/rsa.conf" auth.method
check_grep "... naming the key type" 'dut.cert: holds a RSA key; auth.method = dss-sig needs DSA' \
	"$(last_out)"

# strongSwan, Libreswan and IOS have no DSS in IKEv1: render refuses, naming the method.
for t in swanctl libreswan-conf ios; do
	check_fails "profile render --target $t refuses dss-sig (exit 2)" 2 \
		$IK profile render "$T/dut1.conf" --target $t --side dut
	check_grep "... saying so" 'auth.method = dss-sig: .* has no DSS signature authentication in IKEv1' \
		"$(last_out)"
done

# --- main mode + quick mode ----------------------------------------------------------------
check "serve starts with a dss-sig profile" serve_start "$T/serve1.log" \
	--profile "$T/dut1.conf" --once
check "connect brings main + quick mode up with DSS signatures (exit 0)" $IK connect \
	--profile "$T/tester1.conf"
cp "$(last_out)" "$T/conn1.out"
check_grep "MM5 carries CERT and SIG" 'MM5 .*HDR\*, ID, CERT, CERT, SIG' "$T/conn1.out"
check_grep "MM6 carries CERT and SIG" 'MM6 .*HDR\*, ID, CERT, CERT, SIG' "$T/conn1.out"
check_grep "established" '^established: ISAKMP SA' "$T/conn1.out"
serve_wait "$SERVE_PID"
check "serve --once exits 0 (no sanitizer finding, certificates freed)" test $? -eq 0

# --- aggressive mode ------------------------------------------------------------------------
check "serve starts again" serve_start "$T/serve2.log" --profile "$T/dut2.conf" --once
check "connect --aggressive comes up with DSS signatures (exit 0)" $IK connect \
	--profile "$T/tester2.conf" --aggressive
cp "$(last_out)" "$T/conn2.out"
check_grep "AM2 carries CERT and SIG" 'AM2 .*CERT, CERT, SIG' "$T/conn2.out"
serve_wait "$SERVE_PID"
check "serve --once exits 0 after aggressive mode" test $? -eq 0

# --- quirk dss-der-sig: the DER SIG_R is refused, naming RFC 2409 5.1 -------------------------
check "serve starts with quirk dss-der-sig" serve_start "$T/serve3.log" \
	--profile "$T/dut3.conf" --quirk dss-der-sig
check_fails "connect refuses the DER SIG_R (exit 1)" 1 $IK connect --profile "$T/tester3.conf"
check_grep "... saying what the SIG was and the rule" \
	'DSS SIG of 4[4-8] octets \(DER\?\), not r\|\|s of 40: RFC 2409 5.1 "DSS signatures MUST be encoded as r followed by s"' \
	"$(last_out)"
serve_stop

exit $TESTS_FAILED
