# ikecheck probe against ikecheck serve on loopback (issue 14 item 2): the transform serve
# chooses from ike-scan's default set and from --trans, a --trans serve refuses (a notify), a
# closed port (silence, exit 1), aggressive mode identity and HASH_R (and psk-crack cracking our
# --pskcrack line: the independent check of what aggressive mode gave us), the backoff of
# serve's MM2 retransmissions, --json read by jq, bad input (exit 2), and ike-scan run against
# the same serve reporting the same transform, vendor IDs and notify.
#
#   127.0.0.1:any (probe, ike-scan) ---- UDP ----> 127.0.0.1:D (serve, DUT of loopback-dut.conf)
. tests/lib.sh

T=$TEST_TMP
BASE=$((29000 + ($$ % 20) * 30))
D=$BASE          # serve's IKE port (NAT-T D+1)
CLOSED=$((BASE + 3)) # nobody listens here
loopback_profile peers/profiles/loopback-dut.conf "$T/dut.conf" $D $((BASE + 10))
check "serve starts" serve_start "$T/serve.log" --profile "$T/dut.conf"
H=127.0.0.1:$D

# --- main mode, ike-scan's default set --------------------------------------------------------
check "default set: a handshake (exit 0)" $IK probe $H
cp "$(last_out)" "$T/mm.out"
check_grep "the chosen transform: the first of ike-scan's 8 that serve has (3des-sha1-modp1024)" \
	"^$H +handshake +main mode, transform 1 of 8: 3DES-CBC SHA PRE-SHARED-KEY MODP-1024, 28800 s" \
	"$T/mm.out"
check_grep "serve's vendor ID by name" '^ +VID afcad71368a1f1c96b8696fc77570100 \(DPD \(RFC 3706\)\)$' \
	"$T/mm.out"
check_grep "the summary line" '^probe: 1 host\(s\) in [0-9.]+ s: 1 handshake, 0 notify, 0 other, 0 silent$' \
	"$T/mm.out"
check "--trans by number: AES-256 SHA2-256 group 14 (exit 0)" $IK probe --trans 7/256,4,1,14 $H
check_grep "AES with its key length" 'transform 1 of 1: AES-CBC/256 SHA2-256 PRE-SHARED-KEY MODP-2048, 28800 s' \
	"$(last_out)"
check "--trans by name: the second of two is chosen" $IK probe --trans aes128,md5,psk,modp1536 \
	--trans aes128,sha256,psk,ecp256 $H
check_grep "names: transform 2 of 2" 'transform 2 of 2: AES-CBC/128 SHA2-256 PRE-SHARED-KEY ECP-256' \
	"$(last_out)"
check "--lifetime none: the answer has no lifetime either" $IK probe --lifetime none $H
check_grep "no lifetime" 'MODP-1024, no lifetime' "$(last_out)"

# --- refused, silent, many ------------------------------------------------------------------------
check "a --trans serve refuses: answered with a notify (exit 0)" $IK probe --trans 5,1,1,2 $H
check_grep "NO-PROPOSAL-CHOSEN" "^$H +notify +NO-PROPOSAL-CHOSEN \(14\)" "$(last_out)"
check_fails "a closed port: no answer (exit 1)" 1 $IK probe --retry 2 --timeout 100 127.0.0.1:$CLOSED
check_grep "silent after every attempt" "^127.0.0.1:$CLOSED +silent +no answer to 2 attempt\(s\)$" \
	"$(last_out)"
check_fails "one answer and one silence: exit 1, both reported" 1 $IK probe --retry 1 --timeout 100 \
	127.0.0.1:$CLOSED $H
check_grep "the answering host is still reported" "^$H +handshake" "$(last_out)"
check "eight hosts at once (one socket, a cookie each)" $IK probe --interval 0 $H $H $H $H $H $H $H $H
check_grep "eight handshakes" '8 host\(s\) in [0-9.]+ s: 8 handshake' "$(last_out)"

# --- aggressive mode ------------------------------------------------------------------------------
check "aggressive mode with the tester's identity (exit 0)" $IK probe -A --id 127.0.0.2 $H
cp "$(last_out)" "$T/am.out"
check_grep "aggressive: the transform" 'aggressive mode, transform 1 of 4: 3DES-CBC SHA PRE-SHARED-KEY MODP-1024' \
	"$T/am.out"
check_grep "aggressive: the responder's identity" '^ +ID ID_FQDN dut.loopback.test$' "$T/am.out"
check_grep "aggressive: HASH_R present" 'KE 128 octets, nonce 32 octets, HASH_R 20 octets' "$T/am.out"
check "aggressive mode, an identity serve does not know" $IK probe -A --id probe@example.test $H
check_grep "INVALID-ID-INFORMATION" 'notify +INVALID-ID-INFORMATION \(18\)' "$(last_out)"
check "aggressive mode in group 14 (--dhgroup)" $IK probe -A --id 127.0.0.2 --dhgroup 14 \
	--trans aes128,sha1,psk,modp2048 $H
check_grep "group 14 chosen" 'aggressive mode, transform 1 of 1: AES-CBC/128 SHA PRE-SHARED-KEY MODP-2048' "$(last_out)"
check_grep "a 256-octet KE back" 'KE 256 octets' "$(last_out)"
check_fails "aggressive: --trans in another group than --dhgroup is refused" 2 $IK probe -A \
	--id 127.0.0.2 --dhgroup 14 --trans 5,2,1,2 $H
$IK probe -A --id 127.0.0.2 --pskcrack -q $H >"$T/psk.txt" 2>&1
printf 'secret\nloopback-demo-secret\nletmein\n' >"$T/dict"
check "psk-crack finds serve's key from our --pskcrack line" psk-crack -d "$T/dict" "$T/psk.txt"
check_grep "psk-crack: the key" 'key "loopback-demo-secret" matches' "$(last_out)"

# --- backoff: serve retransmits MM2 after 0.5 s, then doubling (engine defaults) ------------------
# The listen window must outlast the 2 s between the third and fourth copies (1.5 s, 3.5 s), or
# a busy machine that sends the fourth a little late ends the listening first: 3 s of silence.
check "--showbackoff=3: listens, never answers" $IK probe --showbackoff=3 $H
cp "$(last_out)" "$T/bo.out"
check_grep "backoff: at least 4 copies of MM2" "^$H: [4-9] packets$" "$T/bo.out"
check_grep "backoff: the first retransmission after about 0.5 s" '^ +2 +0\.[4-6][0-9]+ +0\.[4-6][0-9]+$' \
	"$T/bo.out"
check_grep "backoff: then about 1 s" '^ +3 +1\.[4-6][0-9]+ +(0\.9|1\.0)[0-9]+$' "$T/bo.out"
check_grep "backoff: the pattern line" '^  pattern: 0\.0, 0\.5, 1\.0, 2\.0' "$T/bo.out"
check "--showbackoff=1 on a refusal" $IK probe --showbackoff=1 --trans 5,1,1,2 $H
check_grep "a notify is not retransmitted" "^$H: no retransmissions seen \(1 packet\)$" "$(last_out)"

# --- JSON -----------------------------------------------------------------------------------------
$IK probe --json --retry 1 --timeout 100 $H 127.0.0.1:$CLOSED >"$T/p.json" 2>&1
check "--json: one object per host" test "$(jq -c . "$T/p.json" | wc -l)" -eq 2
check "--json: the handshake's transform" test \
	"$(jq -r 'select(.result=="handshake") | [.transform.enc_id, .transform.hash_id, .transform.auth_id, .transform.group_id, .transform.life_s] | join(",")' "$T/p.json")" = "5,2,1,2,28800"
check "--json: the vendor ID and its name" test \
	"$(jq -r 'select(.result=="handshake") | .vids[0].hex + " " + .vids[0].name' "$T/p.json")" = \
	"afcad71368a1f1c96b8696fc77570100 DPD (RFC 3706)"
check "--json: the silent host" test "$(jq -r 'select(.result=="silent") | .attempts' "$T/p.json")" = 1
$IK probe --json --trans 5,1,1,2 $H >"$T/n.json"
check "--json: a notify by name and number" test "$(jq -r '.notify + " " + (.notify_id|tostring)' "$T/n.json")" = \
	"NO-PROPOSAL-CHOSEN 14"
$IK probe --json -A --id 127.0.0.2 $H >"$T/a.json"
check "--json: aggressive identity and HASH_R" test \
	"$(jq -r '[.id_type, .id, (.hash_r_len|tostring)] | join(" ")' "$T/a.json")" = "ID_FQDN dut.loopback.test 20"
check "--json without jq too: the result field" grep -q '"result":"handshake"' "$T/a.json"

# --- bad input: exit 2, said clearly --------------------------------------------------------------
check_fails "an unresolvable host: exit 2" 2 $IK probe no-such-host.invalid
check_grep "the host is named" "'no-such-host.invalid': cannot resolve" "$(last_out)"
check_fails "a --trans with three fields: exit 2" 2 $IK probe --trans 5,2,1 $H
check_grep "the form is said" "expected enc\[/bits\],hash,auth,group" "$(last_out)"
check_fails "an unknown algorithm name: exit 2" 2 $IK probe --trans rot13,sha1,psk,modp1024 $H
check_grep "the name is said" "encryption 'rot13' is neither a number nor a known name" "$(last_out)"
check_fails "port 0: exit 2" 2 $IK probe 127.0.0.1:0
check_fails "--id without --aggressive: exit 2" 2 $IK probe --id x $H
check_fails "no host: exit 2" 2 $IK probe
check_fails "aggressive mode in a group the engine has no KE for: exit 2" 2 $IK probe -A --id x \
	--dhgroup 3 $H
check_grep "the group is named" "no key exchange value for group EC2N-155 \(3\)" "$(last_out)"

# --- ike-scan against the same serve: the same answers --------------------------------------------
ours_nums() { jq -r '.transform | [.enc_id, .hash_id, .auth_id, .group_id] | join(" ")'; }
for trans in "" 7/256,4,1,14 7/128,2,1,14; do
	ik=(--json)
	is=(--sport=0 --dport=$D)
	[[ -n $trans ]] && ik+=(--trans "$trans") && is+=(--trans=$trans)
	$IK probe "${ik[@]}" $H >"$T/ik.json" 2>&1
	ike-scan "${is[@]}" 127.0.0.1 >"$T/is.out" 2>&1
	same "ike-scan agrees on the transform (${trans:-default set})" "$(ours_nums <"$T/ik.json")" \
		"$(ikescan_trans "$T/is.out")"
	same "ike-scan agrees on the vendor IDs (${trans:-default set})" \
		"$(jq -r '.vids[].hex' "$T/ik.json" | sort | tr '\n' ' ')" \
		"$(grep -oE 'VID=[0-9a-f]+' "$T/is.out" | cut -d= -f2 | sort | tr '\n' ' ')"
done
$IK probe --json --trans 5,1,1,2 $H >"$T/ik.json" 2>&1
ike-scan --sport=0 --dport=$D --trans=5,1,1,2 127.0.0.1 >"$T/is.out" 2>&1
same "ike-scan agrees on the notify" "$(jq -r .notify_id "$T/ik.json")" \
	"$(sed -nE 's/.*Notify message ([0-9]+) .*/\1/p' "$T/is.out")"
$IK probe --json -A --id 127.0.0.2 $H >"$T/ik.json" 2>&1
ike-scan --sport=0 --dport=$D -A --idtype=1 --id=0x7f000002 127.0.0.1 >"$T/is.out" 2>&1
same "ike-scan agrees on the aggressive mode identity" "$(jq -r '.id_type + " " + .id' "$T/ik.json")" \
	"$(sed -nE 's/.*ID\(Type=([A-Z_0-9]+), Value=([^)]*)\).*/\1 \2/p' "$T/is.out")"
same "ike-scan agrees on the HASH_R length" "$(jq -r .hash_r_len "$T/ik.json")" \
	"$(sed -nE 's/.*Hash\(([0-9]+) bytes\).*/\1/p' "$T/is.out")"

serve_stop
exit $TESTS_FAILED
