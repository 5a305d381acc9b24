# ikecheck connect against ikecheck serve with RSA encrypted nonces (RFC 2409 5.2, method 4) and
# the revised mode (5.3, method 5; issue 11 item 3): the loopback profile pair turned to
# auth.method rsa-enc / rsa-enc-rev over a PKI of harness/pki.sh made for the loopback
# addresses, each side holding the other's certificate. Main mode comes up with the IDs and
# nonces in MM3 / MM4 and HASH_I / HASH_R alone in MM5 / MM6; a tester that encrypts to another
# key (tester.bad_cert) is refused at MM3; the lab renderers refuse the method.
#
#   127.0.0.2:T (tester, connect) <---- UDP ----> 127.0.0.1:D (DUT, serve)
. tests/lib.sh

T=$TEST_TMP
P=$T/pki
BASE=$((33000 + ($$ % 20) * 40))

check "harness/pki.sh makes a PKI for the loopback addresses" \
	env PKI_DUT_ADDR=127.0.0.1 PKI_TESTER_ADDR=127.0.0.2 harness/pki.sh "$P"

# enc_profile IN OUT N METHOD: the loopback profile IN with METHOD, each side's certificate and
# key, ports at BASE + 10*N.
enc_profile() {
	cert_profile "$1" "$2" $((BASE + 10 * $3)) $((BASE + 10 * $3 + 5)) "$4" "" "$P"
}

n=0
for m in rsa-enc rsa-enc-rev; do
	n=$((n + 1))
	enc_profile peers/profiles/loopback-dut.conf "$T/dut$n.conf" $n $m
	enc_profile peers/profiles/loopback-tester.conf "$T/tester$n.conf" $n $m
	check "serve starts with an $m profile" serve_start "$T/serve$n.log" \
		--profile "$T/dut$n.conf" --once
	check "connect brings main + quick mode up with $m (exit 0)" $IK connect \
		--profile "$T/tester$n.conf"
	cp "$(last_out)" "$T/conn$n.out"
	check_grep "$m: MM5 carries HASH_I alone" 'MM5 .*HDR\*, HASH' "$T/conn$n.out"
	check_grep "$m: MM6 carries HASH_R alone" 'MM6 .*HDR\*, HASH$' "$T/conn$n.out"
	check_grep "$m: established" '^established: ISAKMP SA' "$T/conn$n.out"
	serve_wait "$SERVE_PID"
	check "serve --once exits 0 after $m (no sanitizer finding)" test $? -eq 0
done
# --- aggressive mode (RFC 2409 5.2 / 5.3: AM1 / AM2 carry the encrypted nonces and IDs) ----
for n in 1 2; do
	check "serve starts again (aggressive, profile $n)" serve_start "$T/serve-a$n.log" \
		--profile "$T/dut$n.conf" --once
	check "connect --aggressive comes up with profile $n (exit 0)" $IK connect \
		--profile "$T/tester$n.conf" --aggressive
	cp "$(last_out)" "$T/conn-a$n.out"
	check_grep "aggressive $n: AM3 carries HASH_I" 'AM3 .*HASH' "$T/conn-a$n.out"
	serve_wait "$SERVE_PID"
	check "serve --once exits 0 after aggressive mode $n" test $? -eq 0
done
check_grep "rsa-enc-rev: AM1 carries NONCE, KE, ID after the SA" 'AM1 .*HDR, SA, (VID, )*NONCE, KE, ID' \
	"$T/conn-a2.out"

check_grep "rsa-enc: MM3 carries KE, ID, NONCE" 'MM3 .*HDR, KE, ID, NONCE' "$T/conn1.out"
check_grep "rsa-enc-rev: MM3 carries NONCE first, then KE, ID" 'MM3 .*HDR, NONCE, KE, ID$' \
	"$T/conn2.out"

# --- a tester that encrypts to another key --------------------------------------------------
enc_profile peers/profiles/loopback-dut.conf "$T/dut3.conf" 3 rsa-enc
enc_profile peers/profiles/loopback-tester.conf "$T/tester3.conf" 3 rsa-enc
sed -i "s|^\[tester\]|[tester]\nbad_cert = wrongca|" "$T/tester3.conf"
check "serve starts for the wrong key" serve_start "$T/serve3.log" --profile "$T/dut3.conf"
check_fails "connect encrypting to another key fails (exit 1)" 1 $IK connect \
	--profile "$T/tester3.conf" --timeout 3
check_grep "refused at MM3 by PAYLOAD-MALFORMED" "MM3.*PAYLOAD-MALFORMED|PAYLOAD-MALFORMED.*MM3" "$(last_out)"
serve_stop

# --- the rsaenc cases against serve, conformant and with each pke quirk -----------------------
# rsa-enc cases against an rsa-enc serve (the rsa-enc-rev ones SKIP), then the same for the
# revised mode; serve initiates RSAENC-INI-001 on SIGUSR1 (--dut-initiate). Conformant: each
# case PASSes. Under a quirk only the cases that name it (`ikecheck list cases --breaks Q`) run,
# and each must FAIL (MUST) or WARN (SHOULD, ADVISORY): pke-padding-oracle answers bad padding
# apart (RSAENC-NEG-002, -003 and the TIME cases), pke-slow-padding answers it alike but 150 ms
# later (RSAENC-TIME-*: the answer times), pke-hash1-late takes a HASH(1) behind the nonce and
# sends one there as initiator, pke-ignore-hash1 decrypts whatever HASH(1) names.
verdict() { jq -r --arg id "$2" 'select(.type=="case" and .id==$id) | .verdict' "$1/results.jsonl"; }
declare -A judged
n=3
for m in rsa-enc rsa-enc-rev; do
	for q in none pke-padding-oracle pke-slow-padding pke-hash1-late pke-ignore-hash1; do
		n=$((n + 1))
		enc_profile peers/profiles/loopback-dut.conf "$T/dut$n.conf" $n $m
		cases='RSAENC-*'
		[[ $q != none ]] && cases=$($IK list cases --cases 'RSAENC-*' --breaks $q |
			awk 'NF > 2 {printf "%s%s", s, $1; s = ","}')
		check "serve ($m, quirk $q) starts for a run" serve_start "$T/serve$n.log" \
			--profile "$T/dut$n.conf" $([[ $q != none ]] && echo --quirk $q)
		$IK run --profile "$T/dut$n.conf" --cases "$cases" --silence 1000 --out "$T/r$n" \
			--dut-initiate "kill -USR1 $SERVE_PID" >"$T/run$n.out" 2>&1
		serve_stop
		if [[ $q == none ]]; then
			ran=$(jq -r 'select(.type=="case" and .verdict!="SKIP") | .id' "$T/r$n/results.jsonl" | sort | tr '\n' ' ')
			bad=$(jq -r 'select(.type=="case" and .verdict!="SKIP" and .verdict!="PASS") | "\(.id) \(.verdict)"' \
				"$T/r$n/results.jsonl" | tr '\n' ' ')
			check "$m: every case of the method PASSes against serve (ran: $ran)${bad:+; not: $bad}" \
				test -z "$bad" -a -n "$ran"
			skip=RSAENC-POS-002
			[[ $m == rsa-enc-rev ]] && skip=RSAENC-POS-001
			check "$m: $skip SKIPs (the profile claims the other method)" \
				test "$(verdict "$T/r$n" $skip)" = SKIP
			continue
		fi
		for c in ${cases//,/ }; do
			v=$(verdict "$T/r$n" "$c")
			[[ $v == SKIP ]] && continue
			judged[$q]=$((${judged[$q]:-0} + 1))
			check "$m, quirk $q: $c does not PASS ($v)" test "$v" = FAIL -o "$v" = WARN
		done
	done
done
for q in pke-padding-oracle pke-slow-padding pke-hash1-late pke-ignore-hash1; do
	check "quirk $q: cases that name it ran (${judged[$q]:-0})" test "${judged[$q]:-0}" -gt 0
done
check_grep "pke-slow-padding: the reason gives the answer-time difference" \
	'answered [0-9]+ ms later than variant 2' "$T/r6/results.jsonl"
check_grep "pke-slow-padding: the evidence keeps each variant's median" \
	'answer times: 1 \(MM3 NONCE.data flip:128\): median [0-9]+ ms' "$T/r6/results.jsonl"
check_grep "pke-padding-oracle: the reason says the variants were answered differently" \
	'answered differently' "$T/r5/results.jsonl"
check_grep "conformant: the TIME case says the answer times were alike" \
	'answer times alike within the bound' "$T/r4/results.jsonl"

# --- serve initiating the revised mode with HASH(1) ([dut] send_hash1): first, then the nonce ---
n=$((n + 1))
enc_profile peers/profiles/loopback-dut.conf "$T/dut$n.conf" $n rsa-enc-rev
sed -i "s|^\[dut\]|[dut]\nsend_hash1 = yes|" "$T/dut$n.conf"
check "serve starts with dut.send_hash1 = yes" serve_start "$T/serve$n.log" --profile "$T/dut$n.conf"
$IK run --profile "$T/dut$n.conf" --cases RSAENC-INI-001 --silence 1000 --out "$T/r$n" \
	--dut-initiate "kill -USR1 $SERVE_PID" >"$T/run$n.out" 2>&1
serve_stop
check "RSAENC-INI-001 PASSes: serve's MM3 starts with HASH(1), the nonce right after it" \
	test "$(verdict "$T/r$n" RSAENC-INI-001)" = PASS
check_grep "its MM3 as received: HDR, HASH, NONCE, KE, ID" '"msg":"MM3"[^}]*"payloads":"HDR, HASH, NONCE, KE, ID"' \
	"$T/r$n/results.jsonl"
sed "s|^\[tester\]|[tester]\nsend_hash1 = yes|; s|^method = .*|method = psk\npsk = h1-test-secret|" "$T/dut1.conf" >"$T/h1psk.conf"
check_fails "profile check refuses send_hash1 without RSA encryption" 2 $IK profile check "$T/h1psk.conf"
check_grep "the error names tester.send_hash1" 'tester.send_hash1: only with auth.method = rsa-enc' "$(last_out)"

# --- profile check: rsa-enc needs both certificates (RFC 2409 5.2) -----------------------------
sed '/^cert = .*tester.pem/d' "$T/dut1.conf" >"$T/nocert.conf"
check_fails "profile check refuses rsa-enc without tester.cert" 2 $IK profile check "$T/nocert.conf"
check_grep "the error names the [tester] line, tester.cert and the reason" \
	'nocert.conf:[1-9][0-9]*: tester.cert: auth.method = rsa-enc needs the certificates of both sides' \
	"$(last_out)"

# --- renderers: the lab peers have no encrypted nonces ----------------------------------------
for target in swanctl libreswan-conf libreswan-secrets; do
	check_fails "profile render --target $target refuses rsa-enc" 2 $IK profile render \
		"$T/dut1.conf" --target $target --side dut
	check_grep "$target: the reason names the method" 'no RSA encrypted nonce authentication' \
		"$(last_out)"
done
check "profile render --target ios renders rsa-encr" $IK profile render "$T/dut1.conf" \
	--target ios --side dut
check_grep "IOS policy with authentication rsa-encr" 'authentication rsa-encr' "$(last_out)"
check_fails "profile render --target ios refuses rsa-enc-rev" 2 $IK profile render \
	"$T/dut2.conf" --target ios --side dut

exit $TESTS_FAILED
