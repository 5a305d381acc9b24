# ikecheck decode on the command line: good input prints the tree; malformed input gets one line
# with the reason and the notify on stderr and exit 1; unreadable input exits 2.
. tests/lib.sh

# A main mode message from ike-scan (vectors/pcap/mm-aes-sha2.pcap), 180 octets.
GOOD=350e17d1cc217f6900000000000000000110020000000000000000b40d00007000000001000000010000006401010003
GOOD+=0300001c0101000080010007800e010080020004800300018004000e030000280201000080010007800e00808002
GOOD+=00028003000180040002800b0001000c0004000070800000001803010000800100058002000180030001800400020d
GOOD+=0000144a131c81070358455c5728f20e95452f00000014afcad71368a1f1c96b8696fc77570100

# one_line_reason NAME PATTERN: stderr of the last check is exactly one line matching PATTERN
one_line_reason() {
	local n
	n=$(wc -l <"$TEST_TMP/err")
	if [[ $n -eq 1 ]] && grep -Eq -- "$2" "$TEST_TMP/err"; then
		echo "ok - $1"
	else
		echo "not ok - $1: $n lines on stderr, wanted one matching /$2/"
		sed 's/^/#   /' "$TEST_TMP/err"
		TESTS_FAILED=1
	fi
}
# run_err WANT_STATUS NAME ARGS...: like check_fails, keeping stderr apart
run_err() {
	local want=$1 name=$2 rc=0
	shift 2
	"$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || rc=$?
	if [[ $rc -eq $want ]]; then echo "ok - $name"; else
		echo "not ok - $name (exit $rc, wanted $want)"; sed 's/^/#   /' "$TEST_TMP/err"; TESTS_FAILED=1; fi
}

check "good hex decodes" $IK decode --hex "$GOOD"
check_grep "header named" 'exch=ID-PROT \(2\)' "$(last_out)"
check_grep "attribute named" 'ENCRYPTION_ALGORITHM \(1\) = AES-CBC \(7\) \[TV\]' "$(last_out)"
check_grep "TLV attribute" 'LIFE_DURATION \(12\) = 28800 \[TLV length=4\]' "$(last_out)"
check_grep "vendor id named" 'vendor=DPD \(RFC 3706\)' "$(last_out)"
check_grep "reserved fields printed" 'reserved2=0' "$(last_out)"
check "round trip" $IK decode --roundtrip --hex "$GOOD"
check_grep "round trip reported" 'roundtrip: ok \(180 octets\)' "$(last_out)"
check "hex on stdin" bash -c "echo '$GOOD' | $IK decode -"
check "hex with spaces and 0x" $IK decode --hex "0x${GOOD:0:8} ${GOOD:8}"

run_err 1 "truncated message exits 1" $IK decode --hex "${GOOD:0:200}"
one_line_reason "truncated: one line, reason, notify" 'HDR.length = 180 but the message has 100 octets -> UNEQUAL-PAYLOAD-LENGTHS \(30\)'
run_err 1 "truncated header exits 1" $IK decode --hex "${GOOD:0:40}"
one_line_reason "truncated header: one line" 'truncated header.*PAYLOAD-MALFORMED \(16\)'
# A mode-config REPLY whose ATTR payload counts 2 zero octets after its last attribute, as
# Libreswan's ikepad=yes sends it (docs/xauth.md): refused (mode-cfg 3.2) and said to be padding.
PADDED='01020304050607081112131415161718 0e100600000000010000002e 000000120200000100010004 0a09000a0000'
run_err 1 "ATTR padded inside its length exits 1" $IK decode --hex "$PADDED"
one_line_reason "padded ATTR: named as padding" \
	'ATTR\[0\]\.A\[1\]: attribute header needs 4 octets, 2 left \(zeros: padding inside the payload length\)'
run_err 1 "wrong length exits 1" $IK decode --hex "${GOOD:0:48}000000b5${GOOD:56}"
one_line_reason "wrong length: one line" 'HDR.length = 181.*UNEQUAL-PAYLOAD-LENGTHS'
run_err 1 "bad next payload exits 1" $IK decode --hex "${GOOD:0:32}63${GOOD:34}"
one_line_reason "bad next payload: one line" 'HDR.np = 99.*INVALID-PAYLOAD-TYPE \(1\)'
run_err 1 "overlong attribute exits 1" $IK decode --hex "${GOOD:0:220}0010${GOOD:224}"
one_line_reason "overlong attribute: one line" 'T\[1\].A\[6\]: attribute length 16.*PAYLOAD-MALFORMED'
run_err 1 "zero-length payload exits 1" $IK decode --hex "${GOOD:0:324}0000${GOOD:328}"
one_line_reason "zero-length payload: one line" 'VID\[1\].length = 0'

reserved=${GOOD:0:58}01${GOOD:60}
check "reserved non-zero still decodes" $IK decode --hex "$reserved"
check_grep "reserved non-zero is a finding" 'finding: SA\[0\].reserved = 0x01: RFC2408 3.2 says MUST be zero' "$(last_out)"

printf '# two messages\n%s\n\n%s  # trailing comment\n' "$GOOD" "$GOOD" >"$TEST_TMP/two.hex"
check "raw file with two messages" $IK decode --raw "$TEST_TMP/two.hex"
check_grep "second message printed" '^# line 4' "$(last_out)"
printf '%s\n%s\n' "$GOOD" "${GOOD:0:100}" >"$TEST_TMP/mixed.hex"
run_err 1 "raw file with a bad message exits 1" $IK decode --raw "$TEST_TMP/mixed.hex"
one_line_reason "raw: the bad line is named" '^decode: line 2: '

check "pcap with NAT-T marker" $IK decode --pcap vectors/pcap/mm-natt.pcap
check_grep "marker noted" ':4500 non-ESP marker' "$(last_out)"
check "pcap over IPv6" $IK decode --pcap vectors/pcap/mm-ipv6.pcap
check_grep "IPv6 addresses" '\[::1\]:[0-9]+ -> \[::1\]:500' "$(last_out)"
for f in mm-any-sll mm-any-sll2 mm-rawip am-psk-fqdn; do
	check "pcap $f" $IK decode --pcap vectors/pcap/$f.pcap
	check_grep "pcap $f frame line" '^#1 20[0-9-]+ [0-9:.]+ 127.0.0.1:500 -> 127.0.0.1:500' "$(last_out)"
done
check_grep "ID decoded as FQDN" 'id_type=ID_FQDN \(2\) proto=17 port=500 data="vpn.example.com"' "$(last_out)"
run_err 1 "malformed capture exits 1" $IK decode --pcap vectors/pcap/malformed/next-payload.pcap
one_line_reason "malformed capture: frame named" 'next-payload.pcap frame 1: HDR.np = 99'

editcap -s 200 vectors/pcap/mm-default.pcap "$TEST_TMP/snap.pcap" 2>/dev/null
run_err 1 "message cut by the snap length exits 1" $IK decode --pcap "$TEST_TMP/snap.pcap"
one_line_reason "snap length named" "cut short by the capture's snap length.*HDR.length = 336 but the message has 158"
tcpdump -r vectors/pcap/mm-default.pcap -w "$TEST_TMP/none.pcap" 'udp port 53' 2>/dev/null
run_err 0 "capture without ISAKMP exits 0" $IK decode --pcap "$TEST_TMP/none.pcap"
one_line_reason "capture without ISAKMP says so" "no ISAKMP messages"

run_err 2 "missing file exits 2" $IK decode --pcap /nonexistent/x.pcap
one_line_reason "missing file: one line" '^decode: '
run_err 2 "missing raw file exits 2" $IK decode --raw /nonexistent/x.hex
run_err 2 "not a pcap exits 2" $IK decode --pcap tests/sh/decode.sh
run_err 2 "odd hex exits 2" $IK decode --hex abc
run_err 2 "no input exits 2" $IK decode
run_err 2 "unknown option exits 2" $IK decode --frobnicate
check "help" $IK decode --help
exit $TESTS_FAILED
