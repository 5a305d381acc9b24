#!/usr/bin/env bash
# Lab: XAUTH (draft-beaulieu-ike-xauth-02) and mode-config (draft-dukes-ike-mode-cfg-02) with
# strongSwan, both ways, from peers/profiles/strongswan-xauth.conf (docs/xauth.md):
#
#   1. charon the gateway (xauth-generic, a swanctl pool), `ikecheck connect` the client: it
#      logs in as joe and prints the address charon handed out; a wrong password is refused
#      with XAUTH_STATUS FAIL and charon destroys the IKE_SA by itself (connect --keep sends no
#      Delete that could do it first).
#   2. `ikecheck serve` the gateway, charon the client (`lab initiate`): charon logs in,
#      installs the virtual IP from serve's pool, and quick mode comes up.
#   3. `ikecheck run` the gateway, charon the client (peers/profiles/strongswan-xauth-client.conf,
#      `lab up strongswan --role initiator`, `run --dut-initiate "harness/lab dut-initiate"`): the
#      XA-CLI cases. charon passes all but XA-CLI-004, a true FAIL: asked for RADIUS-CHAP it sends
#      its password as generic (draft-beaulieu-ike-xauth-02 6.2; the evidence is asserted below).
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
check "xauth: the XA cases against charon the gateway" lab exec tester "$IK" run --profile "$PROF" \
	--cases 'XA-*' --out "$LAB_DIR/xa-run" --quiet
check "xauth: every XA case against charon PASSes or SKIPs (XA-CLI)" bash -c "[[ -z \$(jq -r 'select(.type==\"case\" and .verdict != \"PASS\" and (.verdict != \"SKIP\" or (.id|startswith(\"XA-CLI-\")|not))) | .id' '$LAB_DIR/xa-run/results.jsonl') ]]"
check "xauth: the XA-EDGE cases ran against charon (16 PASS)" bash -c "[[ \$(jq -r 'select(.type==\"case\" and (.id|startswith(\"XA-EDGE-\")) and .verdict==\"PASS\") | .id' '$LAB_DIR/xa-run/results.jsonl' | wc -l) -eq 16 ]]"
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
# Exit 1: XA-CLI-004 FAILs (below).
check_fails "xauth: the XA-CLI cases with charon the client (exit 1: one FAIL)" 1 \
	lab exec tester "$IK" run --profile "$CPROF" --cases 'XA-CLI-*' \
	--dut-initiate "$PWD/harness/lab dut-initiate" --out "$CLI" --quiet
verdict() { jq -r --arg id "$1" 'select(.type=="case" and .id==$id) | .verdict' "$CLI/results.jsonl"; }
for id in XA-CLI-001 XA-CLI-002 XA-CLI-003 XA-CLI-005 XA-CLI-006; do
	check "xauth: charon the client PASSes $id (got $(verdict "$id"))" test "$(verdict "$id")" = PASS
done
check "xauth: the six XA-CLI cases ran, none SKIP or ERROR" test "$(jq -r \
	'select(.type=="case" and (.id|startswith("XA-CLI-")) and .verdict!="SKIP" and .verdict!="ERROR") | .id' \
	"$CLI/results.jsonl" | wc -l)" -eq 6
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

exit $TESTS_FAILED
