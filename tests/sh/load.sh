# ikecheck load against ikecheck serve on loopback (issue 14 item 1): a small load comes up and
# is deleted (or kept), the JSON counts it; setups a DUT refuses (a wrong pre-shared key) are
# counted by their reason, the notify or the silence (serve --quirk no-notify); --rate paces the
# starts; the live line is drawn on a terminal only; bad options get a clear error.
#
#   127.0.0.2:T (tester, load) <---- UDP ----> 127.0.0.1:D (DUT, serve)
#
# Ports: this script's slice is 8000-8999 (tests/lib.sh), offset by $$.
. tests/lib.sh

T=$TEST_TMP
BASE=$((8000 + ($$ % 19) * 40))

# profile TEMPLATE OUT N [SED...]: the loopback profile with its ports moved to BASE + 10*N.
profile() {
	local in=$1 out=$2 n=$3
	shift 3
	loopback_profile "$in" "$out" $((BASE + 10 * n)) $((BASE + 10 * n + 5)) "$@"
}

DUT=peers/profiles/loopback-dut.conf
TESTER=peers/profiles/loopback-tester.conf

# jqv FILE FILTER: one value of the JSON summary.
jqv() { jq -r "$2" "$1"; }

# --- 20 setups, 4 at a time, deleted once up ------------------------------------------------
profile $DUT "$T/dut1.conf" 1
profile $TESTER "$T/tester1.conf" 1
check "serve starts" serve_start "$T/serve1.log" --profile "$T/dut1.conf"
check "load --count 20 --parallel 4 exits 0" $IK load --profile "$T/tester1.conf" --count 20 \
	--parallel 4 --json "$T/l1.json"
cp "$(last_out)" "$T/l1.out"
check "JSON: 20 ok, 0 failed, 20 started" test "$(jqv "$T/l1.json" '"\(.ok) \(.failed) \(.started)"')" = "20 0 20"
check "JSON: 20 deleted, none kept" test "$(jqv "$T/l1.json" '"\(.deleted) \(.kept)"')" = "20 0"
check "JSON: p50 <= p90 <= p99 <= max, max > 0" \
	jq -e '.latency_ms | .p50 <= .p90 and .p90 <= .p99 and .p99 <= .max and .max > 0' "$T/l1.json"
check "JSON: setups_per_s and cpu_s are positive" jq -e '.setups_per_s > 0 and .cpu_s > 0' "$T/l1.json"
check_grep "summary: up 20, failed 0" '^  up 20, failed 0 in [0-9.]+ s: [0-9.]+ setups/s' "$T/l1.out"
check_grep "summary: latency percentiles" '^  latency: p50 [0-9.]+ ms, p90 [0-9.]+ ms, p99 [0-9.]+ ms' "$T/l1.out"
check "no progress line without a terminal" bash -c "! grep -q \$'\\r' '$T/l1.out'"
sleep 0.3
check "serve saw 20 IPsec SAs" test "$(grep -c 'IPsec SA established' "$T/serve1.log")" -eq 20
check "serve got 20 ISAKMP SA deletes" test "$(grep -c 'peer deleted ISAKMP SA' "$T/serve1.log")" -eq 20

# --- --keep: the SAs stay up on the DUT ----------------------------------------------------
check "load --keep --count 5 exits 0" $IK load --profile "$T/tester1.conf" --count 5 --keep \
	--json "$T/l2.json" -q
check "JSON: 5 kept, none deleted" test "$(jqv "$T/l2.json" '"\(.ok) \(.kept) \(.deleted)"')" = "5 5 0"
sleep 0.3
check "serve got no more deletes" test "$(grep -c 'peer deleted ISAKMP SA' "$T/serve1.log")" -eq 20

# --- --rate paces the starts: 10 at 20/s take at least 0.45 s -------------------------------
check "load --rate 20 --count 10 exits 0" $IK load --profile "$T/tester1.conf" --count 10 \
	--rate 20 --parallel 10 --json "$T/l3.json" -q
check "JSON: rate 20, 10 ok, elapsed >= 0.45 s" \
	jq -e '.rate == 20 and .ok == 10 and .elapsed_s >= 0.45' "$T/l3.json"

# --- the live progress line on a terminal ---------------------------------------------------
if command -v script >/dev/null; then
	script -qec "$IK load --profile $T/tester1.conf --count 6 --parallel 2" "$T/tty.out" >/dev/null 2>&1
	check_grep "progress line on a terminal: up, in flight, setups/s, percentiles" \
		$'\rload: [0-9]+/6 up, 0 failed, [0-9]+ in flight, [0-9]+ setups/s, p50 [0-9.]+ p90' "$T/tty.out"
fi
serve_stop

# --- a wrong pre-shared key: counted by the DUT's notify -------------------------------------
profile $DUT "$T/dut2.conf" 2
profile $TESTER "$T/bad2.conf" 2 's/loopback-demo-secret/not-the-secret/'
check "serve (for the wrong key) starts" serve_start "$T/serve2.log" --profile "$T/dut2.conf"
check_fails "load with a wrong PSK exits 1" 1 $IK load --profile "$T/bad2.conf" --count 6 \
	--parallel 3 --timeout 3 --json "$T/l4.json"
cp "$(last_out)" "$T/l4.out"
check "JSON: 0 ok, 6 failed" test "$(jqv "$T/l4.json" '"\(.ok) \(.failed)"')" = "0 6"
check "JSON: the 6 counted under the notify and the message" \
	jq -e '.failures == {"PAYLOAD-MALFORMED notify after MM5": 6}' "$T/l4.json"
check_grep "summary names the reason" '^  failed: 6 PAYLOAD-MALFORMED notify after MM5$' "$T/l4.out"
serve_stop

# --- the same under serve --quirk no-notify: counted as silence after MM5 --------------------
profile $DUT "$T/dut3.conf" 3
profile $TESTER "$T/bad3.conf" 3 's/loopback-demo-secret/not-the-secret/'
check "serve --quirk no-notify starts" serve_start "$T/serve3.log" --profile "$T/dut3.conf" \
	--quirk no-notify
check_fails "load against a silent refusal exits 1" 1 $IK load --profile "$T/bad3.conf" \
	--count 4 --parallel 4 --timeout 2 --json "$T/l5.json" -q
check "JSON: the 4 counted as silence after MM5" \
	jq -e '.ok == 0 and .failures == {"no MM6 (silence after MM5)": 4}' "$T/l5.json"
serve_stop

# --- a mixed run: good setups and a quirk that kills the DUT after its first refusal ---------
profile $TESTER "$T/good4.conf" 4
profile $DUT "$T/dut4.conf" 4
profile $TESTER "$T/bad4.conf" 4 's/loopback-demo-secret/not-the-secret/'
check "serve --quirk die-on-refusal starts" serve_start "$T/serve4.log" --profile "$T/dut4.conf" \
	--quirk die-on-refusal
check "load before the refusal: 3 ok" $IK load --profile "$T/good4.conf" --count 3 -q
check_fails "one refused setup" 1 $IK load --profile "$T/bad4.conf" --count 1 --timeout 2 -q
check_fails "after it the DUT is dead: every setup fails" 1 $IK load --profile "$T/good4.conf" \
	--count 3 --timeout 1 --json "$T/l6.json" -q
check "JSON: counted as silence after MM1" \
	jq -e '.ok == 0 and .failures == {"no MM2 (silence after MM1)": 3}' "$T/l6.json"
serve_stop

# --- nobody listening ---------------------------------------------------------------------
profile $TESTER "$T/none.conf" 5
check_fails "load towards nobody exits 1" 1 $IK load --profile "$T/none.conf" --count 2 \
	--timeout 1 --json "$T/l7.json" -q
check "JSON: 2 failed, silence after MM1" \
	jq -e '.failed == 2 and .failures == {"no MM2 (silence after MM1)": 2}' "$T/l7.json"

# --- bad options: exit 2 and a sentence -----------------------------------------------------
bad() {
	local name=$1 pat=$2
	shift 2
	check_fails "$name: exit 2" 2 $IK load "$@"
	check_grep "$name: says why" "$pat" "$(last_out)"
}
bad "no --profile" "--profile FILE is required" --count 3
bad "--count 0" "count.*0" --profile "$T/tester1.conf" --count 0
bad "--count not a number" "count.*abc" --profile "$T/tester1.conf" --count abc
bad "--parallel 5000" "parallel.*5000" --profile "$T/tester1.conf" --parallel 5000
bad "--rate -1" "rate" --profile "$T/tester1.conf" --rate -1
bad "--keep with --delete" "--keep and --delete exclude each other" --profile "$T/tester1.conf" --keep --delete
bad "--hold without --keep" "--hold needs --keep" --profile "$T/tester1.conf" --hold
bad "a missing profile" "nope.conf" --profile "$T/nope.conf"
bad "an unknown option" "unknown|unrecognized" --profile "$T/tester1.conf" --bogus
check "--json into a folder that does not exist: exit 2" bash -c \
	"$IK load --profile $T/none.conf --count 1 --timeout 1 -q --json $T/no/such/dir.json; test \$? -eq 2"
check_grep "... and says so" "--json .*No such file" "$(last_out)"

exit $TESTS_FAILED
