# ikecheck connect against ikecheck serve with RSA signatures (RFC 2409 5.1, issue 11 item 1):
# the loopback profile pair turned to auth.method rsa-sig over a PKI of harness/pki.sh made for
# the loopback addresses; main mode and aggressive mode come up with CERT and SIG on the ladder,
# and `ikecheck run` PASSes the fixture cases that do not depend on a pre-shared key.
#
#   127.0.0.2:T (tester, connect) <---- UDP ----> 127.0.0.1:D (DUT, serve)
. tests/lib.sh

T=$TEST_TMP
P=$T/pki
BASE=$((28000 + ($$ % 20) * 40))

check "harness/pki.sh makes a PKI for the loopback addresses" \
	env PKI_DUT_ADDR=127.0.0.1 PKI_TESTER_ADDR=127.0.0.2 harness/pki.sh "$P"

# sig_profile IN OUT N: the loopback profile IN with rsa-sig, each side's certificate, key and
# chain, identities from the certificates (their addresses), ports at BASE + 10*N.
sig_profile() {
	cert_profile "$1" "$2" $((BASE + 10 * $3)) $((BASE + 10 * $3 + 5)) rsa-sig "" "$P"
}

for n in 1 2 3; do
	sig_profile peers/profiles/loopback-dut.conf "$T/dut$n.conf" $n
	sig_profile peers/profiles/loopback-tester.conf "$T/tester$n.conf" $n
done

# --- main mode + quick mode ----------------------------------------------------------------
check "serve starts with an rsa-sig profile" serve_start "$T/serve1.log" \
	--profile "$T/dut1.conf" --once
check "connect brings main + quick mode up with signatures (exit 0)" $IK connect \
	--profile "$T/tester1.conf"
cp "$(last_out)" "$T/conn1.out"
check_grep "MM3 carries a CR" 'MM3 .*CR' "$T/conn1.out"
check_grep "MM5 carries CERT and SIG" 'MM5 .*HDR\*, ID, CERT, CERT, SIG' "$T/conn1.out"
check_grep "MM6 carries CERT and SIG" 'MM6 .*HDR\*, ID, CERT, CERT, SIG' "$T/conn1.out"
check_grep "established" '^established: ISAKMP SA' "$T/conn1.out"
serve_wait "$SERVE_PID"
check "serve --once exits 0 (no sanitizer finding, certificates freed)" test $? -eq 0

# --- aggressive mode ------------------------------------------------------------------------
check "serve starts again" serve_start "$T/serve2.log" --profile "$T/dut2.conf" --once
check "connect --aggressive comes up with signatures (exit 0)" $IK connect \
	--profile "$T/tester2.conf" --aggressive
cp "$(last_out)" "$T/conn2.out"
check_grep "AM2 carries CERT and SIG" 'AM2 .*CERT, CERT, SIG' "$T/conn2.out"
check_grep "AM3 carries SIG" 'AM3 .*SIG' "$T/conn2.out"
serve_wait "$SERVE_PID"
check "serve --once exits 0 after aggressive mode" test $? -eq 0

# --- ikecheck run: the fixture cases that hold under signatures -----------------------------
check "serve starts for a run" serve_start "$T/serve3.log" --profile "$T/dut3.conf"
check "ikecheck run of RUN-001 and RUN-003 under rsa-sig exits 0" $IK run \
	--profile "$T/dut3.conf" --cases-dir tests/fixtures/run-cases --cases RUN-001,RUN-003 \
	--silence 1000 --no-alive-check --out "$T/r3"
for id in RUN-001 RUN-003; do
	check "$id PASSes with signatures" test "$(jq -r --arg id $id \
		'select(.type=="case" and .id==$id) | .verdict' "$T/r3/results.jsonl")" = PASS
done
serve_stop

exit $TESTS_FAILED
