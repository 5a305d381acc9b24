# ikecheck serve --quirk / --list-quirks (docs/quirks.md): the table, usage errors for unknown
# names, the start-up line, and one quirk end to end: a strict DUT refuses a longer phase 1
# lifetime, the same DUT with --quirk any-p1-lifetime takes it.
#
#   127.0.0.2:T (tester, connect, 86400 s) <---- UDP ----> 127.0.0.1:D (serve, strict 28800 s)
#
# Ports come from $$ so parallel runs do not collide; no root needed.
. tests/lib.sh

T=$TEST_TMP
BASE=$((16000 + ($$ % 100) * 20))

# profile TEMPLATE OUT N SEDEXPR...: the loopback profile on ports BASE + 10*N, edited.
profile() {
	local in=$1 out=$2 n=$3
	shift 3
	loopback_profile "$in" "$out" $((BASE + 10 * n)) $((BASE + 10 * n + 5)) "$@"
}

DUT=peers/profiles/loopback-dut.conf
TESTER=peers/profiles/loopback-tester.conf

# --- the table ------------------------------------------------------------------------------
check "--list-quirks exits 0" $IK serve --list-quirks
cp "$(last_out)" "$T/list"
nq=$(grep -c '^QUIRK(' engine/mutation/quirk.def)
check "--list-quirks: one line per quirk ($nq, engine/mutation/quirk.def)" test "$(wc -l <"$T/list")" -eq "$nq"
for q in any-p1-lifetime any-p2-lifetime any-pfs-group ignore-hash answer-malformed weak-ke \
	die-on-refusal restart-on-retransmit any-id any-proxy-id accept-any-proposal no-notify \
	replay-qm ignore-critical accept-bad-header ignore-cookies lenient-parser \
	skip-unknown-payloads skip-sa-checks any-nonce-length accept-any-reply ignore-delete \
	answer-unparsed esp-window-32 esp-early-window esp-pad-strict esp-seq-stuck esp-bad-align \
	esp-seq-zero esp-spi-zero esp-outer-check esp-implicit-iv esp-esn-icv esp-seq-no-replay \
	no-replay-status; do
	check_grep "--list-quirks names $q" "^$q +[a-z].*\[RFC" "$T/list"
done
check "--help mentions --quirk and --list-quirks" bash -c \
	"$IK serve --help | grep -q -- '--quirk NAMES' && $IK serve --help | grep -q -- '--list-quirks'"

# --- usage errors -----------------------------------------------------------------------------
profile $DUT "$T/dut.conf" 1
check_fails "unknown quirk: exit 2" 2 $IK serve --profile "$T/dut.conf" --quirk no-such-quirk
check_grep "unknown quirk is named" "unknown quirk 'no-such-quirk'" "$(last_out)"
check_grep "unknown quirk: the valid ones are listed" "^replay-qm " "$(last_out)"
check_fails "one bad name in a list: exit 2" 2 $IK serve --profile "$T/dut.conf" \
	--quirk any-id,bogus
check_grep "the bad one of the list is named" "unknown quirk 'bogus'" "$(last_out)"
check_fails "--quirk without a value: exit 2" 2 $IK serve --profile "$T/dut.conf" --quirk
check_fails "empty name in a list: exit 2" 2 $IK serve --profile "$T/dut.conf" --quirk any-id,

# --- end to end: any-p1-lifetime -------------------------------------------------------------
profile $DUT "$T/strict.conf" 2 "0,/^lifetime_policy = lenient/s//lifetime_policy = strict/"
profile $TESTER "$T/long.conf" 2 "0,/^lifetime    = 28800/s//lifetime    = 86400/"
check_grep "test profile: the DUT is strict" "^lifetime_policy = strict" "$T/strict.conf"
check_grep "test profile: the tester offers 86400 s" "^lifetime    = 86400" "$T/long.conf"

check "conformant serve starts" serve_start "$T/conformant.log" --profile "$T/strict.conf"
check_fails "conformant serve refuses the 86400 s lifetime (connect exit 1)" 1 \
	$IK connect --profile "$T/long.conf"
check_grep "connect saw NO-PROPOSAL-CHOSEN" "NO-PROPOSAL-CHOSEN" "$(last_out)"
serve_stop
if grep -q "QUIRKS ACTIVE" "$T/conformant.log"; then
	echo "not ok - conformant serve claims quirks"; TESTS_FAILED=1
else
	echo "ok - conformant serve logs no quirks"
fi

check "quirky serve starts" serve_start "$T/quirky.log" --profile "$T/strict.conf" \
	--quirk any-p1-lifetime --quirk no-notify,any-id
check_grep "serve logs the active quirks, in table order" \
	"^serve: QUIRKS ACTIVE \(non-conformant on purpose\): any-p1-lifetime,any-id,no-notify$" \
	"$T/quirky.log"
check "serve --quirk any-p1-lifetime takes the 86400 s lifetime (connect exit 0)" \
	$IK connect --profile "$T/long.conf"
check_grep "the ISAKMP SA has 86400 s" "86400 s" "$T/quirky.log"
serve_stop

exit $TESTS_FAILED
