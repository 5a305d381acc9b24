# ikecheck vectors: every KAT family passes, at least 3,400 cases run (issue 2, done-when), the
# NIST CAVS IKEv1 count matches the files, and a corrupted or missing vector file is caught.
. tests/lib.sh

check "ikecheck vectors passes" $IK vectors
out="$TEST_TMP/vectors.out"
cp "$(last_out)" "$out"
cat "$out"
total=$(sed -n 's/^vectors: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out")
read -r npass nfail <<<"${total:-0 1}"
check "total >= 3400 cases passed (got $npass)" test "$npass" -ge 3400
check "no case failed" test "$nfail" -eq 0

# The CAVS files hold 1700 COUNT records each; the runner must have run every one.
for f in psk dsa; do
	want=$(grep -c '^COUNT = ' vectors/nist-cavs-ikev1/ikev1_$f.fax)
	check_grep "ikev1-$f ran all $want CAVS cases" "^ikev1-$f: $want passed, 0 failed$" "$out"
done
cavs=$(($(sed -n 's/^ikev1-psk: \([0-9]*\) passed.*/\1/p' "$out") + \
	$(sed -n 's/^ikev1-dsa: \([0-9]*\) passed.*/\1/p' "$out")))
echo "# NIST CAVS IKEv1 SKEYID cases passed: $cavs"
check "3400 NIST CAVS IKEv1 cases" test "$cavs" -eq 3400

for fam in hmac aes-cbc 3des-cbc des-cbc aes-gcm aes-ctr rfc3602 rfc5903 modp pke; do
	check_grep "family $fam ran and passed" "^$fam: [1-9][0-9]* passed, 0 failed$" "$out"
done

# A corrupted copy: flip one hex digit of SKEYID_d in COUNT = 5 of the PSK file.
cp -r vectors "$TEST_TMP/v"
f="$TEST_TMP/v/nist-cavs-ikev1/ikev1_psk.fax"
line=$(awk '/^COUNT = 5\r?$/ {c = 1} c && /^SKEYID_d = / {print NR; exit}' "$f")
[[ -n $line ]] || { echo "not ok - no line to corrupt in $f"; exit 1; }
sed -i "${line}s/= \(.\)/= X\1/; ${line}s/X0/1/; ${line}s/X[1-9a-f]/0/" "$f"
check "the corrupted line differs from the original" \
	bash -c "! cmp -s '$f' vectors/nist-cavs-ikev1/ikev1_psk.fax"
check_fails "corrupted SKEYID_d fails with exit 1" 1 $IK vectors --dir "$TEST_TMP/v" ikev1-psk
check_grep "the failing case is named" \
	"FAIL ikev1-psk: nist-cavs-ikev1/ikev1_psk.fax:[0-9]+ COUNT = 5 .*SKEYID_d differs" \
	"$(last_out)"
check_grep "the other cases still pass" "^ikev1-psk: 1699 passed, 1 failed$" "$(last_out)"

# A corrupted public key encryption case: one digit of Ne_i in COUNT = 2 (RFC 2409 5.3).
f="$TEST_TMP/v/pke/rfc2409-pke.txt"
line=$(awk '/^COUNT = 2$/ {c = 1} c && /^Ne_i = / {print NR; exit}' "$f")
[[ -n $line ]] || { echo "not ok - no line to corrupt in $f"; exit 1; }
sed -i "${line}s/= \(.\)/= X\1/; ${line}s/X0/1/; ${line}s/X[1-9a-f]/0/" "$f"
check_fails "corrupted Ne_i fails with exit 1" 1 $IK vectors --dir "$TEST_TMP/v" pke
check_grep "the failing pke case is named" "COUNT = 2 .*Ne_i / Ne_r .* differs" "$(last_out)"
check_grep "the other pke cases still pass" "^pke: 6 passed, 1 failed$" "$(last_out)"

# A corrupted cipher case (one ciphertext digit of AES-CBC MMT 256 COUNT = 3).
cp vectors/aes-cbc/CBCMMT256.rsp "$TEST_TMP/v/aes-cbc/CBCMMT256.rsp"
f="$TEST_TMP/v/aes-cbc/CBCMMT256.rsp"
line=$(awk '/^COUNT = 3\r?$/ {c = 1} c && /^CIPHERTEXT = / {print NR; exit}' "$f")
[[ -n $line ]] || { echo "not ok - no line to corrupt in $f"; exit 1; }
sed -i "${line}s/= \(.\)/= X\1/; ${line}s/X0/1/; ${line}s/X[1-9a-f]/0/" "$f"
check_fails "corrupted AES-CBC ciphertext fails with exit 1" 1 $IK vectors --dir "$TEST_TMP/v" aes-cbc
check_grep "the failing AES case is named" \
	"FAIL aes-cbc: aes-cbc/CBCMMT256.rsp:[0-9]+ COUNT = 3 \[ENCRYPT\]: aes256: encryption differs" \
	"$(last_out)"

# A missing file: exit 2 and the file is named.
rm "$TEST_TMP/v/rfc5903/ecp.txt"
check_fails "missing vector file exits 2" 2 $IK vectors --dir "$TEST_TMP/v" rfc5903
check_grep "the missing file is named" "cannot read vector file .*rfc5903/ecp.txt" "$(last_out)"
check_fails "unknown family is a usage error" 2 $IK vectors no-such-family
check_grep "unknown family is named" "unknown family 'no-such-family'" "$(last_out)"
# vectors/PROVENANCE.md names every vector file with its sha256; they must still match.
while IFS="|" read -r _ file _ sum _; do
	file=$(echo $file); sum=$(echo $sum | tr -d '`')
	[[ -f vectors/$file ]] || continue
	check "PROVENANCE sha256 of $file" test "$(sha256sum "vectors/$file" | cut -c1-64)" = "$sum"
done < <(grep -E "^\| [a-z0-9-]+/" vectors/PROVENANCE.md)
listed=$(grep -cE "^\| [a-z0-9-]+/" vectors/PROVENANCE.md)
# Captures (vectors/pcap) and golden transcripts (vectors/golden) carry their own READMEs.
files=$(find vectors -type f ! -name PROVENANCE.md ! -path 'vectors/pcap/*' ! -path 'vectors/golden/*' | wc -l)
check "every vector file is in PROVENANCE.md ($listed listed, $files files)" test "$listed" -eq "$files"
exit $TESTS_FAILED
