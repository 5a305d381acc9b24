# harness/pki.sh (issue 11 item 2): the test PKI verifies where it should and each bad
# certificate fails for exactly its named reason, checked by `openssl verify` and `openssl x509`.
. tests/lib.sh

p=$TEST_TMP/pki
check "harness/pki.sh makes the PKI" harness/pki.sh "$p"
check_fails "a non-empty directory is refused" 2 harness/pki.sh "$p"
check_grep "the refusal says why" 'not empty' "$(last_out)"

# verify CERT [CRL]: openssl's verdict on CERT against root-ca.pem via inter-ca.pem.
verify() {
	local crl=()
	[[ -n ${2:-} ]] && crl=(-crl_check -CRLfile "$p/$2")
	openssl verify -CAfile "$p/root-ca.pem" -untrusted "$p/inter-ca.pem" "${crl[@]}" "$p/$1" 2>&1
}
ext() { openssl x509 -in "$p/$1" -noout -ext "$2" 2>&1; }

for c in dut tester badku noid; do
	check "$c.pem chains to the root" bash -c "[[ \$(openssl verify -CAfile '$p/root-ca.pem' -untrusted '$p/inter-ca.pem' '$p/$c.pem') == *': OK' ]]"
done
for c in dut-dss tester-dss; do
	check "$c.pem (DSA, dss-sig) chains to the root" bash -c "[[ \$(openssl verify -CAfile '$p/root-ca.pem' -untrusted '$p/inter-ca.pem' '$p/$c.pem') == *': OK' ]]"
	check "$c.key is DSA of 1024 bits with a 160-bit q (SHA-1, r||s of 40 octets)" bash -c \
		"openssl pkey -in '$p/$c.key' -noout -text | grep -q 'Private-Key: (1024 bit)' && [[ \$(openssl pkey -in '$p/$c.key' -noout -text | sed -n '/^Q:/,/^G:/p' | grep -o '[0-9a-f][0-9a-f]' | sed '1{/^00$/d}' | wc -l) -eq 20 ]]"
done
check "tester.pem passes the CRL check" bash -c "openssl verify -crl_check -CRLfile '$p/inter-ca.crl' -CAfile '$p/root-ca.pem' -untrusted '$p/inter-ca.pem' '$p/tester.pem' | grep -q ': OK'"
v=$TEST_TMP/v
verify expired.pem >"$v"
check_grep "expired.pem fails as expired" 'certificate has expired' "$v"
verify notyet.pem >"$v"
check_grep "notyet.pem fails as not yet valid" 'certificate is not yet valid' "$v"
verify wrongca.pem >"$v"
check_grep "wrongca.pem has no trusted issuer" 'unable to get local issuer certificate' "$v"
verify revoked.pem inter-ca.crl >"$v"
check_grep "revoked.pem fails the CRL check as revoked" 'certificate revoked' "$v"
ext badku.pem keyUsage >"$v"
check_grep "badku.pem has keyEncipherment" 'Key Encipherment' "$v"
check "badku.pem lacks digitalSignature" bash -c "! grep -q 'Digital Signature' '$v'"
ext tester.pem subjectAltName >"$v"
check_grep "tester.pem names its IPV4_ADDR, FQDN and USER_FQDN identities" \
	'IP Address:192\.0\.2\.1, DNS:tester\.ikecheck\.test, email:tester@ikecheck\.test' "$v"
ext dut.pem keyUsage >"$v"
check_grep "dut.pem may sign" 'Digital Signature' "$v"
openssl x509 -in "$p/dut.pem" -noout -subject -nameopt RFC2253 >"$v"
check_grep "dut.pem's DN (DER_ASN1_DN identity)" 'O=ikecheck test PKI,CN=dut\.ikecheck\.test' "$v"
ext noid.pem subjectAltName >"$v"
check "noid.pem holds none of the tester's identities" bash -c "! grep -Eq '192\.0\.2\.1|tester' '$v'"
check "inter-ca.pem may issue but not below itself" bash -c "openssl x509 -in '$p/inter-ca.pem' -noout -ext basicConstraints | grep -q 'CA:TRUE, pathlen:0'"
openssl crl -in "$p/inter-ca.crl" -noout -text >"$v"
check_grep "the CRL names its issuer's key (RFC 5280 5.2.1; strongSwan finds CRLs by it)" \
	'Authority Key Identifier' "$v"
check "dut-chain.pem holds two certificates" test "$(grep -c 'BEGIN CERTIFICATE' "$p/dut-chain.pem")" -eq 2
check "the keys are private to their owner" bash -c "[[ \$(stat -c %a '$p/dut.key') == 600 ]]"
exit $TESTS_FAILED
