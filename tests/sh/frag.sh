# IKEv1 fragmentation (engine/exchanges/frag.h, suite/cases/frag): the FRAG cases against
# `ikecheck serve`, conformant and with each fragmentation quirk, proving every case can fail; the
# profile keys; `ikecheck decode --pcap` showing and putting fragments together.
#
#   127.0.0.2:T (tester, run, tester.fragmentation = yes) <-- UDP --> 127.0.0.1:D (serve,
#                                                        dut.fragmentation = yes, 300 octets)
#
# Ports: 7000-7999 (tests/lib.sh), offset by $$ so parallel runs do not collide; no root needed.
. tests/lib.sh

T=$TEST_TMP
BASE=$((7000 + ($$ % 40) * 24))

# run NAME N [QUIRK]: serve (with QUIRK) on ports BASE + 8N and the FRAG cases against it.
run() {
	local name=$1 n=$2 q=${3:-} prof
	prof=$T/$name.conf
	loopback_profile peers/profiles/loopback-dut.conf "$prof" $((BASE + 8 * n)) $((BASE + 8 * n + 4))
	serve_start "$T/$name.serve" --profile "$prof" ${q:+--quirk "$q"}
	$IK run --profile "$prof" --cases 'FRAG-*' --out "$T/$name" --quiet --silence 1200 \
		--dut-initiate "kill -USR1 $SERVE_PID" >"$T/$name.out" 2>&1 || true
	serve_stop
}

# verdict NAME ID: what case ID got in run NAME.
verdict() {
	jq -r --arg id "$2" 'select(.type=="case" and .id==$id) | .verdict' "$T/$1/results.jsonl"
}

# --- the cases: conformant serve passes them all ---------------------------------------------
run conformant 0
for id in FRAG-001 FRAG-002 FRAG-003 FRAG-004 FRAG-005; do
	check "conformant serve: $id passes" test "$(verdict conformant $id)" = PASS
done
check_grep "FRAG-001: our MM3 went out in fragments, reordered" \
	'"msg":"MM3"[^}]*"note":"mutated: MM3 frag\[1\] reorder:9; in [0-9]+ fragments"' \
	"$T/conformant/results.jsonl"
check_grep "FRAG-004: the DUT's MM4 came in fragments and was put together" \
	'"msg":"MM4"[^}]*"note":"reassembled from [0-9]+ fragments"' "$T/conformant/results.jsonl"

# --- each quirk makes the cases naming it fail (WARN: SHOULD and ADVISORY), and only those ----
run loose 1 frag-loose
for id in FRAG-001 FRAG-002 FRAG-003; do
	check "frag-loose: $id no longer passes (it names the quirk)" \
		bash -c "[[ \$(jq -r 'select(.type==\"case\" and .id==\"$id\") | .verdict' \
			'$T/loose/results.jsonl') =~ ^(FAIL|WARN)\$ ]]"
done
for id in FRAG-004 FRAG-005; do
	check "frag-loose: $id still passes" test "$(verdict loose $id)" = PASS
done
check_grep "frag-loose: FRAG-002 says the DUT completed a set missing a fragment" \
	'"id":"FRAG-002".*completed every step' "$T/loose/results.jsonl"

run nolast 2 frag-no-last
for id in FRAG-001 FRAG-004 FRAG-005; do
	check "frag-no-last: $id no longer passes (it names the quirk)" \
		bash -c "[[ \$(jq -r 'select(.type==\"case\" and .id==\"$id\") | .verdict' \
			'$T/nolast/results.jsonl') =~ ^(FAIL|WARN)\$ ]]"
done
for id in FRAG-002 FRAG-003; do
	check "frag-no-last: $id still passes" test "$(verdict nolast $id)" = PASS
done
check "every FRAG case names the quirks that broke it" bash -c \
	"$IK list cases --breaks frag-loose | grep -c '^FRAG-00[123] ' | grep -qx 3 &&
	 $IK list cases --breaks frag-no-last | grep -c '^FRAG-00[145] ' | grep -qx 3"

# --- decode --pcap shows the fragments and the message they carry ---------------------------
pcap=$T/conformant/pcap/FRAG-004.pcap
check "decode --pcap of FRAG-004 exits 0" $IK decode --pcap "$pcap" --port $BASE \
	--keys "$T/conformant/keys"
cp "$(last_out)" "$T/decode"
check_grep "decode shows a FRAG payload" 'FRAG\[0\]: .* frag_id=1 frag_num=1 flags=0' "$T/decode"
check_grep "decode shows the LAST flag" 'FRAG\[0\]: .* frag_num=2 flags=1' "$T/decode"
check_grep "decode puts a set together" 'fragment set 1 complete: [0-9]+ octets from 2 fragments' \
	"$T/decode"
check_grep "the reassembled QM2 is decrypted with the key file" \
	'exch=QUICK \(32\) flags=0x01' "$T/decode"

# --- profile keys ------------------------------------------------------------------------------
loopback_profile peers/profiles/loopback-tester.conf "$T/bad1.conf" 7990 7994 \
	'0,/^\[tester\]/s//[tester]\nfragmentation = maybe/'
check_fails "tester.fragmentation = maybe: exit 2" 2 $IK profile get "$T/bad1.conf" tester.fragmentation
check_grep "the bad value is named" "tester.fragmentation: unknown value 'maybe'" "$(last_out)"
loopback_profile peers/profiles/loopback-tester.conf "$T/bad2.conf" 7990 7994 \
	'0,/^\[tester\]/s//[tester]\nfragment_size = 60/'
check_fails "tester.fragment_size = 60: exit 2" 2 $IK profile get "$T/bad2.conf" tester.fragment_size
check_grep "the range is said" "not a size in octets \(68-65535\)" "$(last_out)"
check "dut.fragmentation of the loopback profile reads back" bash -c \
	"[[ \$($IK profile get peers/profiles/loopback-dut.conf dut.fragmentation) == yes ]]"
check "tester.fragment_size defaults to 1280 (strongSwan's)" bash -c \
	"[[ \$($IK profile get peers/profiles/loopback-tester.conf tester.fragment_size) == 1280 ]]"

exit $TESTS_FAILED
