# The HTML report as a person sees it (issue 6): report.html of tests/fixtures/results.jsonl is
# opened from file:// in headless Chromium; from the DOM after its script ran, the counts shown
# equal the fixture's, the filters work, nothing from a DUT became markup, and opening a case
# (report.html#expand=ID) draws its ladder with every rung of the record.
. tests/lib.sh

# Debian's chromium (harness/deps.sh). Without it this test is skipped, loudly.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $CHROMIUM ]]; then
	echo "# SKIP report_html: chromium is not installed (make deps installs it); the HTML" \
		"report was NOT checked in a browser"
	exit 0
fi

FIX=tests/fixtures/results.jsonl
D=$TEST_TMP/run
mkdir -p "$D"
cp "$FIX" "$D/results.jsonl"
check_fails "report renders" 1 $IK report "$D" --format html -q

# As root Chromium needs --no-sandbox; the network flags keep it from calling home (there is no
# network here, and the page must not need one).
dom() { # dom FRAGMENT OUT
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
		--user-data-dir="$TEST_TMP/chromium" --virtual-time-budget=3000 \
		--dump-dom "file://$D/report.html$1" 2>"$TEST_TMP/chromium.err" >"$2"
}
# The text of the element with id $1 in DOM file $2 (elements we render hold plain text).
text_of() { grep -o "id=\"$1\"[^>]*>[^<]*" "$2" | head -1 | sed 's/^[^>]*>//'; }
# The number of cases with verdict $1 (and area $2) in the fixture, from the records.
want() { jq -s --arg v "$1" --arg a "${2:-}" \
	'[.[] | select(.type == "case" and .verdict == $v and ($a == "" or .area == $a))] | length' \
	"$FIX"; }

P=$TEST_TMP/plain.html
check "chromium dumps the rendered DOM" dom "" "$P"
check_grep "the page's script ran to its end" 'data-ready="yes"' "$P"
check "the total shown is the number of case records" \
	test "$(text_of count-total "$P")" = "$(jq -s '[.[] | select(.type == "case")] | length' "$FIX")"
for v in PASS FAIL WARN SKIP ERROR; do
	check "the $v count shown equals the fixture's ($(want $v))" \
		test "$(text_of "count-$v" "$P")" = "$(want $v)"
done
for a in MM QM; do
	for v in PASS FAIL; do
		check "area $a: $v count shown equals the fixture's" \
			test "$(text_of "count-area-$a-$v" "$P")" = "$(want $v $a)"
	done
done
check "level MUST: FAIL count shown is 2" test "$(text_of count-level-MUST-FAIL "$P")" = 2
check "one table row per case" test "$(grep -o 'class="case"' "$P" | wc -l)" = 9
check_grep "all cases shown without a filter" 'id="shown"[^>]*>9 of 9 cases shown' "$P"
check "no ladder is drawn before a case is opened" bash -c "! grep -q 'id=\"ladder-' $P"
check "a DUT's <script> is text, not an element" bash -c "
	! grep -q '<script>alert' $P && grep -q '&lt;script&gt;alert(\"x\")&lt;/script&gt;' $P"
check "the stored and computed counts agree (no mismatch banner)" \
	grep -q 'id="mismatch" hidden' "$P"

E=$TEST_TMP/expand.html
check "chromium renders report.html#expand=QM-BAD-ID-005" dom "#expand=QM-BAD-ID-005" "$E"
check_grep "the opened case has its ladder" 'id="ladder-QM-BAD-ID-005"' "$E"
n=$(jq -s '.[] | select(.id == "QM-BAD-ID-005") | .ladder | length' "$FIX")
check "the ladder has one rung per record rung ($n)" \
	test "$(grep -o 'class="msg rung [a-z]*"' "$E" | wc -l)" = "$n"
check "tester->DUT and DUT->tester arrows as in the record" bash -c "
	[[ \$(grep -o 'class=\"msg rung sent\"' $E | wc -l) == \
	   \$(jq -s '[.[] | select(.id == \"QM-BAD-ID-005\") | .ladder[] | select(.sent)] | length' $FIX) ]]"
for s in '>MM1<' '>QM1<' '>MM_KEY_EXCH<' '>QM_IDLE<' 'notify INVALID-ID-INFORMATION (18)' \
	'mutated: QM1 IDci.DATA set:0a000001' 'href="cases/QM-BAD-ID-005.pcap"' \
	'INFO N: protocol ISAKMP'; do
	check "the opened case shows $s" grep -qF "$s" "$E"
done

R=$TEST_TMP/retrans.html
check "chromium renders #expand=QM-PFS-002" dom "#expand=QM-PFS-002" "$R"
check "retransmissions are marked" test "$(grep -o 'class="tag re"' "$R" | wc -l)" = 2
check "and drawn dashed" test "$(grep -o 'class="arrow re"' "$R" | wc -l)" = 2

V=$TEST_TMP/vid.html
check "chromium renders #expand=MM-VID-004" dom "#expand=MM-VID-004" "$V"
check "a pcap path leaving the run directory is not linked" bash -c "
	! grep -q 'href=\"../../etc/passwd\"' $V && grep -q 'not linked' $V"
check "a payload list with markup stays text" bash -c "
	! grep -q '<img src=\"x\"' $V && grep -qF 'VID &lt;img src=x&gt;' $V"

F=$TEST_TMP/filter.html
check "chromium renders #verdict=FAIL&level=MUST" dom "#verdict=FAIL&level=MUST" "$F"
check_grep "the filter shows the 2 MUST failures" 'id="shown"[^>]*>2 of 9 cases shown' "$F"
check "the other 7 rows are hidden" \
	test "$(grep -o 'class="case"[^>]*hidden' "$F" | wc -l)" = 7
Q=$TEST_TMP/q.html
check "chromium renders #q=lifetime" dom "#q=lifetime" "$Q"
check_grep "free text finds the lifetime case" 'id="shown"[^>]*>1 of 9 cases shown' "$Q"

exit $TESTS_FAILED
