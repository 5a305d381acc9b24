#!/usr/bin/env bash
# Lab: XAUTH (draft-beaulieu-ike-xauth-02) and mode-config (draft-dukes-ike-mode-cfg-02) with
# strongSwan, both ways, from peers/profiles/strongswan-xauth.conf (docs/xauth.md):
#
#   1. charon the gateway (xauth-generic, a swanctl pool), `ikecheck connect` the client: it
#      logs in as joe and prints the address charon handed out; a wrong password is refused
#      with XAUTH_STATUS FAIL and charon destroys the IKE_SA by itself (connect --keep sends no
#      Delete that could do it first). The XA and MC (mode-config) cases run against it.
#   2. `ikecheck serve` the gateway, charon the client (`lab initiate`): charon logs in,
#      installs the virtual IP from serve's pool, and quick mode comes up.
#   3. `ikecheck run` the gateway, charon the client (peers/profiles/strongswan-xauth-client.conf,
#      `lab up strongswan --role initiator`, `run --dut-initiate "harness/lab dut-initiate"`): the
#      XA-CLI cases. charon passes all but XA-CLI-004 and XA-CLI-010, true FAILs: asked for
#      RADIUS-CHAP it sends its password as generic (draft-beaulieu-ike-xauth-02 6.2), and its
#      XAUTH REPLY carries identifier 0, not ours (6; the evidence is asserted below). A clear
#      REQUEST for its password before MM6 (XA-CLI-013) it queues, then refuses after phase 1
#      (no HASH) with a protected PAYLOAD-MALFORMED; its unanswered mode-config REQUEST it resends
#      unchanged, 2 s then 2.8 s later (XA-CLI-014). Given its address with INTERNAL_ADDRESS_EXPIRY
#      12 s it never asks again ("handling INTERNAL_ADDRESS_EXPIRY attribute failed"): XA-CLI-015,
#      a true FAIL (draft-dukes-ike-mode-cfg-02 3.4), run on its own.
#   4. pluto (Libreswan 4.10) the gateway (peers/profiles/libreswan-xauth.conf): `connect` logs in
#      and gets the pool's address, a wrong password is refused, and the XA cases: all PASS but
#      XA-NEG-002, a true FAIL (pluto hands out an address before XAUTH, xauth 6), and XA-EDGE-019,
#      a true WARN (its unanswered XAUTH REQUEST comes again under a new message ID, not resent:
#      mode-cfg 3.5, RFC 2408 5.1; charon resends the same message, part 1). The host's
#      /etc/resolv.conf is checked unchanged (pluto's _updown rewrites it for mode-config DNS).
#   5. push mode (`modecfg.push = yes`): charon the gateway SETs the address after XAUTH
#      (connect, XA-POS-002 PASS) and charon the client ACKs our SET (XA-CLI-012 PASS). pluto the
#      gateway (modecfgpull=no) SETs it too, but under the message ID of the XAUTH status
#      transaction just finished: XA-POS-002 and MC-EDGE-012 are true FAILs (mode-cfg 3.1.1).
#   6. `ikecheck run` the gateway, pluto the client (peers/profiles/libreswan-xauth-client.conf,
#      `lab up libreswan --role initiator`; the XAUTH password in ipsec.secrets): the XA-CLI
#      cases, one at a time. pluto passes all 13 (012, push, SKIPs): it deletes the SA on
#      SET(FAIL) without an ACK (003), ignores a RADIUS-CHAP REQUEST (004, silence), echoes
#      our identifier (010), ignores a clear REQUEST for its password before MM6 (013) and
#      resends its unanswered mode-config REQUEST unchanged after 0.5 s and 0.5 s (014). It FAILs
#      XA-CLI-015, run on its own: given the address for 12 s it asks for none again before then.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
lab_test_init xauth

IK=$PWD/build/ikecheck
PROF=peers/profiles/strongswan-xauth.conf

# --- 1. charon the gateway ------------------------------------------------------------------
check "xauth: lab up, charon the XAUTH gateway" lab up strongswan --profile "$PROF"
expect "dut::cat $LAB_DIR/dut/load.log::(warning|failed|error|unknown|invalid|ignored)::NO"
check "xauth: connect logs in against charon" lab exec tester "$IK" connect --profile "$PROF"
cp "$(last_out)" "$TEST_TMP/conn1.out"
check_grep "xauth: charon said XAUTH OK" '^xauth: XAUTH OK as user joe$' "$TEST_TMP/conn1.out"
check_grep "xauth: connect prints the address charon handed out" \
	'^mode-config: address 10\.9\.0\.10 netmask 255\.255\.255\.0 DNS 10\.9\.0\.53$' \
	"$TEST_TMP/conn1.out"
check_grep "xauth: quick mode after XAUTH and mode-config" '^established: .*IPsec SA' \
	"$TEST_TMP/conn1.out"
expect "dut::peer logs::XAuth authentication of 'joe' successful::YES"
expect "dut::peer logs::assigning virtual IP 10\.9\.0\.10::YES"
sed 's/^password    = foobar/password    = wrong/' "$PROF" >"$TEST_TMP/wrong.conf"
check_fails "xauth: a wrong password is refused by charon (exit 1)" 1 \
	lab exec tester "$IK" connect --profile "$TEST_TMP/wrong.conf" --keep
check_grep "xauth: charon said XAUTH FAIL" '^xauth: XAUTH FAIL as user joe$' "$(last_out)"
expect "dut::peer logs::XAuth authentication of 'joe' failed::YES"
expect "dut::peer logs::destroying IKE_SA after failed XAuth authentication::YES"
# The suite's XAUTH cases against charon the gateway: every one the profile claims PASSes (the
# XA-CLI ones need the DUT as client: SKIP). A conformant gateway; a FAIL here is a false one.
# One case at a time: the pool holds one address (pool = 10.9.0.10), and cases in parallel would
# find it leased ("pool 'lab-pool' is full") and stall before quick mode, a harness artefact.
check "xauth: the XA cases against charon the gateway" lab exec tester "$IK" run --profile "$PROF" \
	--cases 'XA-*' --parallel 1 --out "$LAB_DIR/xa-run" --quiet
check "xauth: every XA case against charon PASSes or SKIPs (XA-CLI, XA-POS-002: push, XA-EDGE-020: no re-authentication)" bash -c "[[ -z \$(jq -r 'select(.type==\"case\" and .verdict != \"PASS\" and (.verdict != \"SKIP\" or ((.id|startswith(\"XA-CLI-\")) or .id == \"XA-POS-002\" or .id == \"XA-EDGE-020\"|not))) | .id' '$LAB_DIR/xa-run/results.jsonl') ]]"
check "xauth: the XA-EDGE cases ran against charon (19 PASS)" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id|startswith(\"XA-EDGE-\")) and .verdict==\"PASS\") | .id' '$LAB_DIR/xa-run/results.jsonl' | wc -l) -eq 19 ]]"
# XA-EDGE-019 (mode-cfg 3.5): its XAUTH REQUEST left unanswered twice, charon resends it
# unchanged (the same message ID and octets), 2 s and 2.8 s later (the lab's timers).
check_grep "xauth: ... XA-EDGE-019: charon resent its XAUTH REQUEST unchanged" 'resent 2 times unchanged' \
	<(jq -c 'select(.type=="case" and .id=="XA-EDGE-019")' "$LAB_DIR/xa-run/results.jsonl")
# XA-EDGE-017/018 (xauth-02 6.2): charon's REQUEST is XAUTH_USER_NAME and XAUTH_USER_PASSWORD,
# no XAUTH_TYPE (generic), no challenge, no NEXT_PIN.
check "xauth: charon's REQUEST kept 6.2 (XA-EDGE-017, 018 PASS)" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id==\"XA-EDGE-017\" or .id==\"XA-EDGE-018\") and .verdict==\"PASS\") | .id' '$LAB_DIR/xa-run/results.jsonl' | wc -l) -eq 2 ]]"
# The mode-config cases against charon the gateway (docs/xauth.md "MC-EDGE"): all PASS but
# MC-EDGE-015, a SHOULD charon breaks: it answers a message of type 100 with an empty CFG-REPLY
# (identifier 0) where 3.3 says unknown types "SHOULD be silently discarded" (WARN, not FAIL).
check "xauth: the MC cases against charon the gateway" lab exec tester "$IK" run --profile "$PROF" \
	--cases 'MC-*' --parallel 1 --out "$LAB_DIR/mc-run" --quiet
check "xauth: every MC-EDGE case against charon but 015 PASSes (23)" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id|startswith(\"MC-EDGE-\")) and .id != \"MC-EDGE-015\" and .verdict==\"PASS\") | .id' '$LAB_DIR/mc-run/results.jsonl' | wc -l) -eq 23 ]]"
jq -r 'select(.type=="case" and (.id|startswith("MC-EDGE-")) and .verdict!="PASS") | "# \(.id) \(.verdict): \(.reason)"' \
	"$LAB_DIR/mc-run/results.jsonl"
check "xauth: MC-EDGE-015 WARNs: charon answers an unknown message type" bash -c "jq -r 'select(.type==\"case\" and .id==\"MC-EDGE-015\") | \"\(.verdict) \(.evidence)\"' '$LAB_DIR/mc-run/results.jsonl' | grep -q '^WARN .*answered by CFG-REPLY'"
check "xauth: lab down (charon gateway)" lab down

# --- 2. ikecheck serve the gateway, charon the client ---------------------------------------
check "xauth: lab up, serve the gateway, charon the client" \
	lab up ikecheck --tester strongswan --profile "$PROF"
check "xauth: charon initiates and logs in" lab initiate
check_grep "xauth: charon's XAUTH succeeded" "XAuth authentication of 'joe' \(myself\) successful" \
	"$(last_out)"
check_grep "xauth: charon installed the address serve handed out" \
	'installing new virtual IP 10\.9\.0\.10' "$(last_out)"
expect "tester::peer list-sas::\[10\.9\.0\.10\]::YES"
expect "tester::peer list-sas::INSTALLED, TUNNEL::YES"
expect "dut::peer logs::XAUTH OK as user joe::YES"
expect "dut::peer logs::mode-config: address 10\.9\.0\.10::YES"
expect "dut::peer logs::IPsec SA established::YES"
check "xauth: lab down (serve gateway)" lab down

# --- 3. ikecheck run the gateway, charon the client: the XA-CLI cases -----------------------
# peers/profiles/strongswan-xauth-client.conf claims features.xauth_client and modecfg (and
# dut.roles = initiator: liveness is asked of charon by `lab dut-initiate`, and the cases where
# ikecheck initiates SKIP). charon initiates each case towards ikecheck's tester port.
CPROF=peers/profiles/strongswan-xauth-client.conf
check "xauth: lab up, charon the XAUTH client (initiator)" \
	lab up strongswan --role initiator --profile "$CPROF"
expect "dut::cat $LAB_DIR/dut/load.log::(warning|failed|error|unknown|invalid|ignored)::NO"
expect "dut::cat $LAB_DIR/dut/swanctl/swanctl.conf::xauth_id = joe::YES"
expect "dut::cat $LAB_DIR/dut/swanctl/swanctl.conf::vips = 0\.0\.0\.0::YES"
CLI=$TEST_TMP/xa-cli
# Exit 1: XA-CLI-004 and XA-CLI-010 FAIL (below).
check_fails "xauth: the XA-CLI cases with charon the client (exit 1: two FAIL)" 1 \
	lab exec tester "$IK" run --profile "$CPROF" --cases 'XA-CLI-*,!XA-CLI-015' \
	--dut-initiate "$PWD/harness/lab dut-initiate" --out "$CLI" --quiet
verdict() { jq -r --arg id "$1" 'select(.type=="case" and .id==$id) | .verdict' "$CLI/results.jsonl"; }
for id in XA-CLI-001 XA-CLI-002 XA-CLI-003 XA-CLI-005 XA-CLI-006 XA-CLI-007 XA-CLI-008 XA-CLI-009 \
	XA-CLI-011 XA-CLI-013 XA-CLI-014; do
	check "xauth: charon the client PASSes $id (got $(verdict "$id"))" test "$(verdict "$id")" = PASS
done
check "xauth: the 13 XA-CLI cases ran, none SKIP or ERROR" test "$(jq -r \
	'select(.type=="case" and (.id|startswith("XA-CLI-")) and .verdict!="SKIP" and .verdict!="ERROR") | .id' \
	"$CLI/results.jsonl" | wc -l)" -eq 13
# 007..011, the mode-config client (cfg_client_check.c): what each row saw of charon.
cli_note() { jq -c --arg id "$1" 'select(.type=="case" and .id==$id)' "$CLI/results.jsonl"; }
cli_note XA-CLI-007 | jq -r .reason | sed 's/^/# XA-CLI-007: /'
check_grep "xauth: ... XA-CLI-007: charon's REQUEST asks for INTERNAL_IP4_ADDRESS" \
	'REQUEST before quick mode asks: INTERNAL_IP4_ADDRESS' <(cli_note XA-CLI-007)
check_grep "xauth: ... XA-CLI-008: before quick mode" 'after phase 1 and before any quick mode' \
	<(cli_note XA-CLI-008)
# 013: our clear REQUEST for user and password after MM4 (draft-beaulieu-ike-xauth-02 10):
# charon queues it until phase 1 is done, then refuses it for its missing HASH and says so in a
# protected PAYLOAD-MALFORMED; no password in the clear, and XAUTH then runs encrypted.
check_grep "xauth: ... XA-CLI-013: no password for our clear REQUEST" 'got no password' \
	<(cli_note XA-CLI-013)
expect "dut::peer logs::queueing TRANSACTION request as tasks still active::YES"
expect "dut::peer logs::expected HASH payload as first payload::YES"
# 014: its mode-config REQUEST unanswered twice (tester.cfg_unanswered = 2), charon resends it
# unchanged (the same message ID and octets), the lab's strongswan.conf timers: 2 s, then 2.8 s.
cli_note XA-CLI-014 | jq -r .reason | sed 's/^/# XA-CLI-014: /'
check_grep "xauth: ... XA-CLI-014: charon resent its REQUEST unchanged" \
	'resent 2 times unchanged' <(cli_note XA-CLI-014)
# XA-CLI-010 is a true FAIL of charon 5.9.8: ikecheck, the gateway, REQUESTs user and password
# under identifier N; charon REPLYs under identifier 0 (its ACK of our SET does echo N), against
# draft-beaulieu-ike-xauth-02 6: "All ISAKMP-Config messages in an extended authentication
# transaction MUST contain the same ISAKMP-Config transaction identifier" (binds both peers).
check "xauth: charon the client FAILs XA-CLI-010 (its XAUTH REPLY under identifier 0)" \
	test "$(verdict XA-CLI-010)" = FAIL
check_grep "xauth: ... the reason names identifier 0 against ours" \
	'its CFG-REPLY carries identifier 0, our CFG-REQUEST [1-9]' <(cli_note XA-CLI-010)
check "xauth: ... decode XA-CLI-010's pcap with the run's keys" \
	"$IK" decode --keys "$CLI/keys" --pcap "$CLI/pcap/XA-CLI-010.pcap"
cp "$(last_out)" "$TEST_TMP/cli010.txt"
# charon's (192.0.2.2's) CFG-REPLY carries another identifier than our CFG-REQUEST before it.
reply_id_differs() {
	awk '/^#[0-9]/ { dut = index($0, "192.0.2.2:") && index($0, "192.0.2.2:") < index($0, "->"); next }
		!dut && /type=CFG-REQUEST/ { split($0, a, "identifier="); ours = a[2] + 0 }
		dut && /type=CFG-REPLY/ { split($0, a, "identifier="); if (ours && a[2] + 0 != ours) f = 1 }
		END { exit !f }' "$TEST_TMP/cli010.txt"
}
check "xauth: ... charon's CFG-REPLY carries another identifier than our CFG-REQUEST" reply_id_differs
# 001/002: charon logged in and took the address ikecheck handed out, then quick mode.
expect "dut::peer logs::XAuth authentication of 'joe' \(myself\) successful::YES"
expect "dut::peer logs::installing new virtual IP 10\.9\.0\.10::YES"
# 003: told XAUTH_STATUS FAIL, charon ACKs and destroys its phase 1 SA at once, without a Delete
# (draft-beaulieu-ike-xauth-02 6: "the phase 1 SA MUST be immediately deleted"; silence passes).
expect "dut::peer logs::XAuth authentication of 'joe' \(myself\) failed::YES"
# The SA that logged the failed XAUTH goes to DESTROYING within the next lines of charon's log
# (the ACK is the last thing it sends on it).
destroyed_after_fail() {
	$LAB peer dut logs | awk '
		/\(myself\) failed/ { match($0, /<lab\|[0-9]+>/); t = substr($0, RSTART, RLENGTH); n = NR }
		t && NR <= n + 20 && index($0, t " IKE_SA") && /CONNECTING => DESTROYING/ { f = 1 }
		END { exit !f }'
}
check "xauth: ... and charon destroys that SA right after the ACK of the FAIL" destroyed_after_fail
# XA-CLI-015 (run on its own: a true FAIL of PEER): our REPLY gives the address with
# INTERNAL_ADDRESS_EXPIRY 12 s (tester.cfg_expiry); draft-dukes-ike-mode-cfg-02 3.4: "The host MUST
# renew the IP address before this expiry time". No address REQUEST comes from it before then,
# on the SA or in a new phase 1: the decoded pcap has our REPLY with the expiry and no CFG-REQUEST
# from 192.0.2.2 after it.
# pluto may meet the harness artefact of part 6 (its ISAKMP SA deleted by a second `whack
# --terminate` mid-case: ERROR): such a run is made again, twice at most.
expiry_fail() { # NAME PROFILE
	local out=$TEST_TMP/xa-cli-015-$1 v try
	for try in 1 2 3; do
		rm -rf "$out"
		lab exec tester "$IK" run --profile "$2" --cases XA-CLI-015 --parallel 1 \
			--dut-initiate "$PWD/harness/lab dut-initiate" --out "$out" --quiet
		jq -e 'select(.type=="case" and .verdict=="ERROR") | .reason |
			test("deleted this exchange.s ISAKMP SA")' "$out/results.jsonl" >/dev/null || break
		echo "# XA-CLI-015 against $1: a harness ERROR (its ISAKMP SA deleted mid-case): once more"
	done
	v=$(jq -r 'select(.type=="case" and .id=="XA-CLI-015") | .verdict' "$out/results.jsonl")
	jq -r 'select(.type=="case" and .id=="XA-CLI-015") | "# XA-CLI-015 \(.verdict): \(.reason)"' \
		"$out/results.jsonl"
	[ "$v" = FAIL ] && grep -q 'given an address for 12 s (INTERNAL_ADDRESS_EXPIRY), it asked for none again' \
		"$out/results.jsonl" &&
		"$IK" decode --keys "$out/keys" --pcap "$out/pcap/XA-CLI-015.pcap" >"$TEST_TMP/cli015-$1.txt" 2>&1
}
not_renewed() { # NAME: the decoded pcap has our REPLY's expiry and no REQUEST of the DUT after it
	awk '/^#[0-9]/ { dut = index($0, "192.0.2.2:") && index($0, "192.0.2.2:") < index($0, "->"); next }
		!dut && /INTERNAL_ADDRESS_EXPIRY \(5\) = 12/ { given = 1 }
		dut && given && /type=CFG-REQUEST/ { renewed = 1 }
		END { exit !(given && !renewed) }' "$TEST_TMP/cli015-$1.txt"
}
check "xauth: charon the client FAILs XA-CLI-015 (no renewal before INTERNAL_ADDRESS_EXPIRY)" \
	expiry_fail charon "$CPROF"
check "xauth: ... its pcap: our REPLY's expiry, no address REQUEST of charon's after it" \
	not_renewed charon
# charon takes the address and says it cannot handle the expiry; its IKE_SA rekeys hours later.
expect "dut::peer logs::handling INTERNAL_ADDRESS_EXPIRY attribute failed::YES"
# XA-CLI-004 is a true FAIL of charon 5.9.8. ikecheck, the gateway, REQUESTs XAUTH_TYPE
# RADIUS-CHAP with an XAUTH_CHALLENGE (tester.xauth_type = radius-chap); charon's xauth-generic
# REPLYs XAUTH_USER_NAME joe and XAUTH_USER_PASSWORD in the clear with no XAUTH_TYPE, i.e. its
# password as generic, against draft-beaulieu-ike-xauth-02 6.2: "The XAUTH-TYPE in a REPLY MUST
# be identical to the XAUTH-TYPE in the REQUEST" (it lacks RADIUS-CHAP, so 6.1 wants a REPLY of
# XAUTH_STATUS FAIL). The rule binds the client; the case is MUST. The decoded pcap shows it.
check "xauth: charon the client FAILs XA-CLI-004 (its password as generic to RADIUS-CHAP)" \
	test "$(verdict XA-CLI-004)" = FAIL
jq -r 'select(.id=="XA-CLI-004") | .evidence' "$CLI/results.jsonl" >"$TEST_TMP/cli004.ev"
check_grep "xauth: ... the evidence says it answered the type with its password" \
	'answered our XAUTH_TYPE with its password as generic' "$TEST_TMP/cli004.ev"
check "xauth: ... decode the case's pcap with the run's keys" \
	"$IK" decode --keys "$CLI/keys" --pcap "$CLI/pcap/XA-CLI-004.pcap"
cp "$(last_out)" "$TEST_TMP/cli004.txt"
check_grep "xauth: ... our REQUEST asked for RADIUS-CHAP" 'XAUTH_TYPE \(16520\) = RADIUS-CHAP' \
	"$TEST_TMP/cli004.txt"
# The attributes of every CFG-REPLY in the decoded pcap.
reply_attrs() { awk '/type=CFG-REPLY/ {r = 1; next} /^#[0-9]|type=CFG-/ {r = 0} r' "$TEST_TMP/cli004.txt"; }
generic_reply() { reply_attrs | grep -q XAUTH_USER_PASSWORD && ! reply_attrs | grep -q XAUTH_TYPE; }
check "xauth: ... charon's REPLY: its password, and no XAUTH_TYPE" generic_reply
check "xauth: lab down (charon client)" lab down

# --- 4. pluto the gateway (Libreswan 4.10), `ikecheck connect` and the XA cases ------------
# peers/profiles/libreswan-xauth.conf: leftxauthserver, xauthby=file (the lab writes the user's
# crypt(3) hash to ipsec.d/passwd), rightaddresspool 10.9.0.10, modecfgpull (docs/xauth.md).
# Libreswan's _updown rewrites /etc/resolv.conf for mode-config DNS: the peer script gives the
# namespace its own copy (/etc/netns/NS/resolv.conf) while pluto runs; the host's must not change.
LPROF=peers/profiles/libreswan-xauth.conf
HOST_RESOLV=$(cat /etc/resolv.conf)
check "xauth: lab up libreswan, pluto the XAUTH gateway" lab up libreswan --profile "$LPROF"
check "xauth: pluto's namespace has its own resolv.conf" test -f "/etc/netns/$LAB_NAME-dut/resolv.conf"
expect "dut::cat $LAB_DIR/dut/ipsec.d/passwd::^joe:\\\$5\\\$::YES"
check "xauth: connect logs in against pluto" lab exec tester "$IK" connect --profile "$LPROF"
cp "$(last_out)" "$TEST_TMP/conn-ls.out"
check_grep "xauth: pluto said XAUTH OK" '^xauth: XAUTH OK as user joe$' "$TEST_TMP/conn-ls.out"
check_grep "xauth: connect prints the address pluto handed out" \
	'^mode-config: address 10\.9\.0\.10 netmask 255\.255\.255\.0 DNS 10\.9\.0\.53$' \
	"$TEST_TMP/conn-ls.out"
check_grep "xauth: quick mode after XAUTH and mode-config (pluto)" '^established: .*IPsec SA' \
	"$TEST_TMP/conn-ls.out"
expect "dut::peer logs::XAUTH: User joe: Authentication Successful::YES"
sed 's/^password    = foobar/password    = wrong/' "$LPROF" >"$TEST_TMP/ls-wrong.conf"
check_fails "xauth: a wrong password is refused by pluto (exit 1)" 1 \
	lab exec tester "$IK" connect --profile "$TEST_TMP/ls-wrong.conf" --keep
check_grep "xauth: pluto said XAUTH FAIL" '^xauth: XAUTH FAIL as user joe$' "$(last_out)"
expect "dut::peer logs::XAUTH: User joe: Authentication Failed: Incorrect Username or Password::YES"
LSR=$TEST_TMP/xa-ls
# Exit 1: XA-NEG-002 FAILs (below). One case at a time, as for every Libreswan run.
check_fails "xauth: the XA cases against pluto the gateway (exit 1: one FAIL)" 1 \
	lab exec tester "$IK" run --profile "$LPROF" --cases 'XA-*' --parallel 1 --out "$LSR" --quiet
ls_bad=$(jq -r 'select(.type=="case" and .id!="XA-NEG-002" and .id!="XA-EDGE-019" and .verdict!="PASS" and
	(.verdict!="SKIP" or ((.id|startswith("XA-CLI-")) or .id=="XA-POS-002" or .id=="XA-EDGE-020"|not))) | .id' "$LSR/results.jsonl")
check "xauth: pluto PASSes every XA case but XA-NEG-002 and XA-EDGE-019 (XA-CLI, XA-POS-002 push, XA-EDGE-020: SKIP)${ls_bad:+ (not: $(echo $ls_bad))}" \
	test -s "$LSR/results.jsonl" -a -z "$ls_bad"
check "xauth: the XA-EDGE cases ran against pluto (18 PASS, 017/018 included)" test "$(jq -r \
	'select(.type=="case" and (.id|startswith("XA-EDGE-")) and .verdict=="PASS") | .id' \
	"$LSR/results.jsonl" | wc -l)" -eq 18
# XA-EDGE-019 WARNs, a true finding against pluto 4.10 (a SHOULD): its XAUTH REQUEST left
# unanswered (tester.cfg_unanswered = 2), pluto does not resend it but sends a new REQUEST under a
# new message ID each time ("STATE_XAUTH_R0: retransmission", then "XAUTH: Sending
# Username/Password request (XAUTH_R0->XAUTH_R0)"): mode-cfg 3.5 "Retransmission SHOULD follow the
# same retransmission rules used with standard ISAKMP messages", RFC 2408 5.1 "the ISAKMP
# message is resent". (charon resends the same message: PASS, above.)
check "xauth: pluto the gateway WARNs XA-EDGE-019 (its XAUTH REQUEST again under a new message ID)" \
	test "$(jq -r 'select(.id=="XA-EDGE-019") | .verdict' "$LSR/results.jsonl")" = WARN
check_grep "xauth: ... the reason names the new message ID" 'it sent it again under ID [0-9a-f]{8}: a new transaction' \
	<(jq -c 'select(.type=="case" and .id=="XA-EDGE-019")' "$LSR/results.jsonl")
check "xauth: ... decode XA-EDGE-019's pcap" "$IK" decode --pcap "$LSR/pcap/XA-EDGE-019.pcap"
cp "$(last_out)" "$TEST_TMP/edge019.txt"
# pluto's (192.0.2.2's) transaction messages before our first answer: three, each under its own
# message ID (our REPLY goes for the third).
new_mids() {
	awk '/^#[0-9]/ { dut = index($0, "192.0.2.2:500 ->") > 0; next }
		/exch=TRANSACTION/ { if (!dut) exit; match($0, /msgid=0x[0-9a-f]+/); m[substr($0, RSTART, RLENGTH)]++; n++ }
		END { k = 0; for (i in m) k++; exit !(n >= 3 && k == n) }' "$TEST_TMP/edge019.txt"
}
check "xauth: ... pluto's three XAUTH REQUESTs came under three message IDs" new_mids
expect "dut::peer logs::XAUTH: Sending Username/Password request \(XAUTH_R0->XAUTH_R0\)::YES"
# XA-NEG-002 is a true FAIL of pluto 4.10. ikecheck sends a mode-config REQUEST right after MM6,
# before pluto's XAUTH REQUEST (which pluto sends some 80 ms later); pluto REPLYs with
# INTERNAL_IP4_ADDRESS 10.9.0.10 ("modecfg_inR0", "sent ModeCfg reply" with no XAUTH before
# on that state), against draft-beaulieu-ike-xauth-02 6: "This authentication MUST be used after
# a phase 1 exchange has completed and before any other exchange with the exception of Info mode
# exchanges". The rule binds the gateway (the edge device); the case is MUST.
check "xauth: pluto the gateway FAILs XA-NEG-002 (an address before XAUTH)" \
	test "$(jq -r 'select(.id=="XA-NEG-002") | .verdict' "$LSR/results.jsonl")" = FAIL
check "xauth: ... decode the case's pcap with the run's keys" \
	"$IK" decode --keys "$LSR/keys" --pcap "$LSR/pcap/XA-NEG-002.pcap"
cp "$(last_out)" "$TEST_TMP/neg002.txt"
# pluto's first transaction message is a CFG-REPLY that carries an address: no XAUTH REQUEST
# came from it before.
addr_before_xauth() {
	awk '/^#[0-9]/ { dut = index($0, "192.0.2.2:500 ->") > 0; next }
		dut && /type=CFG-REQUEST/ { asked = 1 }
		dut && /type=CFG-REPLY/ && !asked { reply = 1; next }
		/type=CFG-/ { reply = 0 }
		reply && /INTERNAL_IP4_ADDRESS \(1\) = 10\.9\.0\.10 \[TLV length=4\]/ { f = 1 }
		END { exit !f }' "$TEST_TMP/neg002.txt"
}
check "xauth: ... pluto's REPLY with an address came before any XAUTH REQUEST of its own" \
	addr_before_xauth
check "xauth: lab down (pluto gateway)" lab down
check "xauth: pluto's namespace resolv.conf is gone" test ! -e "/etc/netns/$LAB_NAME-dut"
check "xauth: the host's /etc/resolv.conf is unchanged" test "$(cat /etc/resolv.conf)" = "$HOST_RESOLV"

# --- 5. push mode (modecfg.push = yes, draft-dukes-ike-mode-cfg-02 2 set/acknowledge) -------
# swanctl `pull = no` on both ends: charon, the gateway, SETs the address after XAUTH unasked
# (connect and XA-POS-002 wait for it); charon, the client, waits for our SET and ACKs it
# (XA-CLI-012 reads the ACK: zero-length attributes). pluto 4.10 with modecfgpull=no: below.
push_of() { sed 's/^\[modecfg\]$/[modecfg]\npush        = yes/' "$1" >"$2"; }
# the ladder of a connect: two CFG-SET came to us (XAUTH_STATUS, then the address), and no
# transaction of ours asked for anything (the gateway's XAUTH REQUEST is its own TX1)
pushed() { test "$(grep -c -e '<--- TX1 .*ATTR(CFG-SET)' "$1") $(grep -c -e '---- TX1 .*ATTR(CFG-REQUEST)' "$1")" = "2 0"; }
push_of "$PROF" "$TEST_TMP/push.conf"
check "xauth: push: lab up, charon a push gateway" lab up strongswan --profile "$TEST_TMP/push.conf"
expect "dut::cat $LAB_DIR/dut/swanctl/swanctl.conf::pull = no::YES"
check "xauth: push: connect takes the address charon pushes" \
	lab exec tester "$IK" connect --profile "$TEST_TMP/push.conf"
cp "$(last_out)" "$TEST_TMP/push-conn.out"
check_grep "xauth: push: connect prints charon's address" '^mode-config: address 10\.9\.0\.10' \
	"$TEST_TMP/push-conn.out"
check "xauth: push: it came in charon's SET; we asked for nothing" pushed "$TEST_TMP/push-conn.out"
PR=$TEST_TMP/push-run
check "xauth: push: the XA-POS cases against charon (exit 0)" lab exec tester "$IK" run \
	--profile "$TEST_TMP/push.conf" --cases 'XA-POS-*' --parallel 1 --out "$PR" --quiet
verdicts_of() { jq -r 'select(.type=="case") | "\(.id) \(.verdict)"' "$1/results.jsonl" | sort | tr '\n' ' '; }
check "xauth: push: XA-POS-002 PASSes against charon (XA-POS-001, pull, SKIPs)" \
	test "$(verdicts_of "$PR")" = "XA-POS-001 SKIP XA-POS-002 PASS "
check "xauth: lab down (charon push gateway)" lab down
push_of "$CPROF" "$TEST_TMP/push-client.conf"
check "xauth: push: lab up, charon a push client" \
	lab up strongswan --role initiator --profile "$TEST_TMP/push-client.conf"
PC=$TEST_TMP/push-cli
check "xauth: push: XA-CLI-001 and XA-CLI-012 with charon the client (exit 0)" \
	lab exec tester "$IK" run --profile "$TEST_TMP/push-client.conf" --cases 'XA-CLI-001,XA-CLI-012' \
	--dut-initiate "$PWD/harness/lab dut-initiate" --out "$PC" --quiet
check "xauth: push: charon PASSes both" test "$(jq -r 'select(.type=="case" and .verdict=="PASS") | .id' \
	"$PC/results.jsonl" | sort | tr '\n' ' ')" = "XA-CLI-001 XA-CLI-012 "
jq -r 'select(.id=="XA-CLI-012") | .reason' "$PC/results.jsonl" | sed 's/^/# XA-CLI-012: /'
expect "dut::peer logs::installing new virtual IP 10\.9\.0\.10::YES"
check "xauth: lab down (charon push client)" lab down
# pluto (Libreswan 4.10) as a push gateway: the profile renders modecfgpull=no and pluto does SET
# the address after XAUTH ("Sending MODE CONFIG set"), but under the message ID of the XAUTH
# status transaction that our ACK just finished, against draft-dukes-ike-mode-cfg-02 3.1.1: "the
# message ID ... is unique to this transaction exchange and MUST NOT be the same as the message
# ID of another transaction exchange" (binds both peers). ikecheck drops a new message under a
# finished transaction's ID, so it never takes the address: MC-EDGE-012 and XA-POS-002 are true
# FAILs (pluto's source: after the ACK of the status a push-mode modecfg server keeps the XAUTH
# message ID, and the SET picks a new one only when none is kept; docs/xauth.md).
LPR=$TEST_TMP/push-ls
push_of "$LPROF" "$TEST_TMP/push-ls.conf"
check "xauth: push: lab up, pluto a push gateway" lab up libreswan --profile "$TEST_TMP/push-ls.conf"
expect "dut::cat $LAB_DIR/dut/ipsec.conf::^\s+modecfgpull=no\$::YES"
check_fails "xauth: push: XA-POS-002 and MC-EDGE-012 against pluto (exit 1: both FAIL)" 1 \
	lab exec tester "$IK" run --profile "$TEST_TMP/push-ls.conf" --cases 'XA-POS-002,MC-EDGE-012' \
	--parallel 1 --out "$LPR" --quiet
check "xauth: push: pluto FAILs both" test "$(verdicts_of "$LPR")" = "MC-EDGE-012 FAIL XA-POS-002 FAIL "
check_grep "xauth: push: ... the evidence names MCFG-3.1.1-02" \
	'MCFG-3.1.1-02 broken: it sent a new transaction message under message ID [0-9a-f]+, that of a transaction already done' \
	<(jq -r 'select(.id=="XA-POS-002") | .evidence' "$LPR/results.jsonl")
check "xauth: push: ... decode XA-POS-002's pcap" \
	"$IK" decode --keys "$LPR/keys" --pcap "$LPR/pcap/XA-POS-002.pcap"
cp "$(last_out)" "$TEST_TMP/push-ls.txt"
# pluto's CFG-SET with an address comes under the message ID of its CFG-SET(XAUTH_STATUS) and of
# our CFG-ACK to it.
set_reuses_id() {
	awk '/^#[0-9]/ { dut = index($0, "192.0.2.2:500 ->") > 0; next }
		/exch=TRANSACTION/ { split($0, a, "msgid="); split(a[2], b, " "); mid = b[1] }
		/type=CFG-ACK/ && !dut { acked[mid] = 1 }
		/INTERNAL_IP4_ADDRESS \(1\) = 10\.9\.0\.10/ && dut && (mid in acked) { f = 1 }
		END { exit !f }' "$TEST_TMP/push-ls.txt"
}
check "xauth: push: ... pluto's SET of 10.9.0.10 reuses the message ID we ACKed" set_reuses_id
expect "dut::peer logs::Sending MODE CONFIG set::YES"
expect "dut::peer logs::STATE_MODE_CFG_R1: retransmission::YES"
check "xauth: lab down (pluto push gateway)" lab down

# --- 6. ikecheck run the gateway, pluto (Libreswan 4.10) the client: the XA-CLI cases ---------
# peers/profiles/libreswan-xauth-client.conf claims features.xauth_client and modecfg (pull) and
# dut.roles = initiator, as charon's in part 3. The rendered conn has leftxauthclient,
# leftusername=joe, leftmodecfgclient, modecfgpull=yes and no leftsubnet (its side of the tunnel
# is the address ikecheck hands out; the profile's dut.subnet is that address, 10.9.0.10/32, which
# pluto proposes as IDci). pluto takes the XAUTH password from ipsec.secrets (`@joe : XAUTH
# "foobar"`, ipsec.secrets(5)): no whack --xauthpass prompt. pluto initiates each case.
LCPROF=peers/profiles/libreswan-xauth-client.conf
check "xauth: lab up, pluto the XAUTH client (initiator)" \
	lab up libreswan --role initiator --profile "$LCPROF"
for l in leftxauthclient=yes leftusername=joe leftmodecfgclient=yes modecfgpull=yes; do
	expect "dut::cat $LAB_DIR/dut/ipsec.conf::^\s+$l\$::YES"
done
expect "dut::cat $LAB_DIR/dut/ipsec.conf::leftsubnet::NO"
expect "dut::cat $LAB_DIR/dut/ipsec.secrets::^@joe : XAUTH \"foobar\"\$::YES"
LCLI=$TEST_TMP/xa-ls-cli
# Exit 0: every case PASSes (below). One case at a time, as for every Libreswan run: each
# `lab dut-initiate` begins with `whack --terminate` of the conn, which would delete the SA of a
# case still running beside it (the runner's ERROR "the DUT deleted this exchange's ISAKMP SA").
# Once, in a clean-clone `make check`, XA-CLI-007 met pluto deleting its ISAKMP SA before it
# completed even so (ERROR, the runner's harness verdict, not pluto's): a run whose only fault is
# that is made again, twice at most, and the verdicts below are the last run's. (2026-12-07: on
# main too, one run in two ends with the last case so (pluto's log: a second `whack --terminate`
# some 60 ms after the case's own `lab dut-initiate`); with 13 cases the retry was not enough.)
lcli_run() {
	lab exec tester "$IK" run --profile "$LCPROF" --cases 'XA-CLI-*,!XA-CLI-015' --parallel 1 \
		--dut-initiate "$PWD/harness/lab dut-initiate" --out "$LCLI" --quiet
}
lcli_artefact() {
	jq -e -s 'any(.[]; .type=="case" and .verdict=="ERROR") and all(.[] | select(.type=="case" and
		.verdict=="ERROR"); .reason | test("deleted this exchange.s ISAKMP SA"))' \
		"$LCLI/results.jsonl" >/dev/null
}
lcli_twice() {
	local try
	for try in 1 2; do
		lcli_run && return 0
		lcli_artefact || return 1
		echo "# pluto the client: a harness ERROR (its ISAKMP SA deleted mid-case): once more"
		rm -rf "$LCLI"
	done
	lcli_run
}
check "xauth: the XA-CLI cases with pluto the client (exit 0)" lcli_twice
jq -r 'select(.type=="case" and .verdict!="PASS") | "# \(.id) \(.verdict): \(.reason) | \(.evidence)"' \
	"$LCLI/results.jsonl"
lverdict() { jq -r --arg id "$1" 'select(.type=="case" and .id==$id) | .verdict' "$LCLI/results.jsonl"; }
for id in XA-CLI-001 XA-CLI-002 XA-CLI-003 XA-CLI-004 XA-CLI-005 XA-CLI-006 XA-CLI-007 XA-CLI-008 \
	XA-CLI-009 XA-CLI-010 XA-CLI-011 XA-CLI-013 XA-CLI-014; do
	check "xauth: pluto the client PASSes $id (got $(lverdict "$id"))" test "$(lverdict "$id")" = PASS
done
# XA-CLI-012 is push mode (needs modecfg_push): the profile pulls.
check "xauth: ... XA-CLI-012 SKIPs (pull)" test "$(lverdict XA-CLI-012)" = SKIP
# 001/002: pluto REPLYed joe from its secrets, took SET(OK), asked for and took 10.9.0.10, and
# brought quick mode up with it as IDci.
expect "dut::peer logs::XAUTH: Answering XAUTH challenge with user='joe'::YES"
expect "dut::peer logs::XAUTH: Successfully Authenticated::YES"
expect "dut::peer logs::Received IPv4 address: 10\.9\.0\.10/32::YES"
expect "dut::peer logs::IPsec SA established tunnel mode.*username=joe::YES"
lcli_decode() { # CASE: the case's pcap decoded with the run's keys, into $TEST_TMP/CASE.txt
	"$IK" decode --keys "$LCLI/keys" --pcap "$LCLI/pcap/$1.pcap" >"$TEST_TMP/$1.txt" 2>&1
}
# pluto's (192.0.2.2's) messages of a decoded pcap, one line each: "TYPE ATTRS" for a
# transaction, "DELETE" for a Delete payload.
from_pluto() {
	awk '/^#[0-9]/ { dut = index($0, "192.0.2.2:500 ->") > 0; next }
		dut && /type=CFG-/ { sub(/.*type=/, ""); print $1 }
		dut && /^  D\[/ { print "DELETE" }' "$TEST_TMP/$1.txt"
}
# 003: told XAUTH_STATUS FAIL, pluto sends no ACK but a Delete of the ISAKMP SA at once ("Received
# Cisco XAUTH status: FAIL", "XAUTH: aborting entire IKE Exchange"). draft-beaulieu-ike-xauth-02
# 6: "If the extended authentication fails, then the phase 1 SA MUST be immediately deleted";
# the ACK carries no keyword (6.1: it "is used solely as an acknowledgement"), so a Delete in its
# place is conformant. (The runner took a Delete before the ACK for a harness ERROR until it
# learnt the SA was told FAIL when the SET went out: suite/run_case.c, fail_set.)
check "xauth: ... decode XA-CLI-003's pcap" lcli_decode XA-CLI-003
# A case's pcap holds every attempt and, after a case that did not end cleanly, the liveness
# probe's fresh exchange (a generic XAUTH login: pluto's password), besides pluto's own new main
# mode after each Delete: only the ISAKMP SAs (icookies) that carried our SET(FAIL) are judged.
# In each, pluto's messages after the SET are a Delete and no CFG-ACK.
deleted_not_acked() {
	awk '/^#[0-9]/ { dut = index($0, "192.0.2.2:500 ->") > 0; next }
		/^HDR:/ { split($0, a, "icookie="); ic = substr(a[2], 1, 16); next }
		!dut && /XAUTH_STATUS \(16527\) = FAIL/ { set[ic] = 1; sets++ }
		dut && (ic in set) && /type=CFG-ACK/ { acked = 1 }
		dut && (ic in set) && /^  D\[/ { deleted[ic] = 1 }
		END { for (i in set) if (!(i in deleted)) exit 1; exit !(sets && !acked) }' \
		"$TEST_TMP/XA-CLI-003.txt"
}
check "xauth: ... pluto answers our SET(FAIL) with a Delete, no ACK" deleted_not_acked
check_grep "xauth: ... our SET said FAIL" 'XAUTH_STATUS \(16527\) = FAIL' "$TEST_TMP/XA-CLI-003.txt"
expect "dut::peer logs::XAUTH: aborting entire IKE Exchange::YES"
# 004: asked for RADIUS-CHAP (XAUTH_TYPE 1) with a challenge, pluto sends nothing back ("XAUTH:
# Unsupported type: 1") and the SA goes no further: no password as generic, which 6.2 forbids
# ("The XAUTH-TYPE in a REPLY MUST be identical to the XAUTH-TYPE in the REQUEST"). 5's REPLY of
# XAUTH_STATUS FAIL for a type it lacks ("it would send back") is no keyword, so silence PASSes.
check "xauth: ... decode XA-CLI-004's pcap" lcli_decode XA-CLI-004
check_grep "xauth: ... our REQUEST asked for RADIUS-CHAP" 'XAUTH_TYPE \(16520\) = RADIUS-CHAP' \
	"$TEST_TMP/XA-CLI-004.txt"
# Judged by what 6.2 forbids, a password sent for the type it lacks, in the ISAKMP SAs (icookies)
# that carried our RADIUS-CHAP REQUEST: the case's pcap also holds the liveness probe's generic
# login (after a case that did not end cleanly), which pluto rightly answers with its password.
no_password() {
	awk '/^#[0-9]/ { dut = index($0, "192.0.2.2:500 ->") > 0; next }
		/^HDR:/ { split($0, a, "icookie="); ic = substr(a[2], 1, 16); next }
		!dut && /XAUTH_TYPE \(16520\) = RADIUS-CHAP/ { chap[ic] = 1; asked++ }
		dut && (ic in chap) && /XAUTH_USER_PASSWORD \(16522\) = "/ { sent = 1 }
		END { exit !(asked && !sent) }' "$TEST_TMP/XA-CLI-004.txt"
}
check "xauth: ... pluto sent no XAUTH_USER_PASSWORD to it" no_password
expect "dut::peer logs::XAUTH: Unsupported type: 1::YES"
# 010: pluto's XAUTH REPLY carries our REQUEST's identifier (charon's does not, part 3).
check "xauth: ... decode XA-CLI-010's pcap" lcli_decode XA-CLI-010
reply_id_same() {
	awk '/^#[0-9]/ { dut = index($0, "192.0.2.2:500 ->") > 0; next }
		!dut && /type=CFG-REQUEST/ { split($0, a, "identifier="); ours = a[2] + 0 }
		dut && /type=CFG-REPLY/ { split($0, a, "identifier="); n++; if (a[2] + 0 != ours) bad = 1 }
		END { exit !(n && !bad) }' "$TEST_TMP/XA-CLI-010.txt"
}
check "xauth: ... pluto's CFG-REPLY echoes our CFG-REQUEST's identifier" reply_id_same
# 013: pluto sends nothing back to our clear REQUEST before MM6; its password goes only in the
# encrypted REPLY after phase 1 (HDR flags E).
check "xauth: ... decode XA-CLI-013's pcap" lcli_decode XA-CLI-013
no_clear_pw() { ! awk '/^#[0-9]/ { dut = index($0, "192.0.2.2:500 ->") > 0; next }
	/^HDR:/ { clear = /flags=0x00/ }
	dut && clear && /XAUTH_USER_PASSWORD/' "$TEST_TMP/XA-CLI-013.txt" | grep -q .; }
check "xauth: ... pluto sent no XAUTH_USER_PASSWORD in the clear" no_clear_pw
check_grep "xauth: ... it did send it encrypted after phase 1" \
	'XAUTH_USER_PASSWORD \(16522\) = "foobar"' "$TEST_TMP/XA-CLI-013.txt"
# 014: its unanswered mode-config REQUEST resent unchanged ("STATE_MODE_CFG_I1: retransmission").
check_grep "xauth: ... XA-CLI-014: pluto resent its REQUEST unchanged" 'resent 2 times unchanged' \
	<(jq -c 'select(.type=="case" and .id=="XA-CLI-014")' "$LCLI/results.jsonl")
expect "dut::peer logs::STATE_MODE_CFG_I1: retransmission::YES"
# XA-CLI-015 (expiry_fail, part 3): pluto logs "Received IPv4 address" and asks for none again
# before the 12 s run out (its next REQUEST comes in the phase 1 it starts after our Deletes).
check "xauth: pluto the client FAILs XA-CLI-015 (no renewal before INTERNAL_ADDRESS_EXPIRY)" \
	expiry_fail pluto "$LCPROF"
check "xauth: ... its pcap: our REPLY's expiry, no address REQUEST of pluto's after it" \
	not_renewed pluto
check "xauth: lab down (pluto client)" lab down

exit $TESTS_FAILED
