# ikecheck decode --keys (issue 4 item 7): the real strongSwan and Libreswan captures of the lab
# (vectors/pcap/LAB-CAPTURES.md) open with their key files: every encrypted message decrypts
# and decodes (RFC 2409 App. B IV chains), independently of our own engine's output.
. tests/lib.sh

for keys in vectors/pcap/*.keys; do
	pcap=${keys%.keys}.pcap
	name=$(basename "$pcap")
	check "decode --keys $name" $IK decode --pcap "$pcap" --keys "$keys"
	out=$TEST_TMP/$name.out
	cp "$(last_out)" "$out"
	check "$name: something was decrypted" grep -q '(decrypted with the key file)' "$out"
	check "$name: nothing left encrypted" bash -c "! grep -q 'not decrypted' '$out'"
done
check_fails "missing key file is a usage error" 2 $IK decode --pcap vectors/pcap/strongswan-mm-qm.pcap --keys /nonexistent
printf 'zz,11\n' >"$TEST_TMP/bad.keys"
check_fails "malformed key file is a usage error" 2 $IK decode --pcap vectors/pcap/strongswan-mm-qm.pcap --keys "$TEST_TMP/bad.keys"
check_grep "malformed key file names its line" 'bad.keys:1:' "$(last_out)"
# With a wrong key the messages stay encrypted and decode says why, without failing the input.
sed 's/,\(..\)/,ff/' vectors/pcap/strongswan-mm-qm.keys >"$TEST_TMP/wrong.keys"
$IK decode --pcap vectors/pcap/strongswan-mm-qm.pcap --keys "$TEST_TMP/wrong.keys" >"$TEST_TMP/wrong.out" 2>&1
check_grep "wrong key: not decrypted, with a reason" 'not decrypted: decrypted body does not decode' "$TEST_TMP/wrong.out"
exit $TESTS_FAILED
