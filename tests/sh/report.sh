# ikecheck report (issue 6): every format from tests/fixtures/results.jsonl; JUnit valid against
# reports/junit.xsd; report.json has its documented shape (docs/report-json.md, checked with jq);
# two shards merged equal the whole; --baseline exit codes; a stopped run still renders.
. tests/lib.sh

FIX=tests/fixtures/results.jsonl
D=$TEST_TMP/run
mkdir -p "$D"
cp "$FIX" "$D/results.jsonl"

check_fails "report exits 1: the fixture has FAIL and ERROR cases" 1 $IK report "$D"
cp "$(last_out)" "$TEST_TMP/report.out"
for f in report.txt junit.xml report.json report.html; do
	check "report wrote $f" test -s "$D/$f"
done
check "report.txt equals the golden file" cmp "$D/report.txt" tests/golden/reports/report.txt
check "junit.xml equals the golden file" cmp "$D/junit.xml" tests/golden/reports/junit.xml
check "report.json equals the golden file" cmp "$D/report.json" tests/golden/reports/report.json
check "the text summary went to stdout too" \
	grep -q '^9 cases: PASS 4, FAIL 2, WARN 1, SKIP 1, ERROR 1$' "$TEST_TMP/report.out"

check "junit.xml is valid against reports/junit.xsd" \
	xmllint --noout --schema reports/junit.xsd "$D/junit.xml"
# The schema is not a rubber stamp: a testcase without classname is refused.
sed 's/<testcase classname="MM"/<testcase/' "$D/junit.xml" >"$TEST_TMP/bad.xml"
check_fails "the schema refuses a testcase without classname" 3 \
	xmllint --noout --schema reports/junit.xsd "$TEST_TMP/bad.xml"
# JUnit counts: one suite per area; FAIL -> failure, ERROR -> error, SKIP -> skipped.
check "junit: 4 testsuites, 9 testcases, 2 failures, 1 error, 1 skipped" bash -c "
	x=$D/junit.xml
	[[ \$(xmllint --xpath 'count(//testsuite)' \$x) == 4 &&
	   \$(xmllint --xpath 'count(//testcase)' \$x) == 9 &&
	   \$(xmllint --xpath 'count(//failure)' \$x) == 2 &&
	   \$(xmllint --xpath 'count(//error)' \$x) == 1 &&
	   \$(xmllint --xpath 'count(//skipped)' \$x) == 1 &&
	   \$(xmllint --xpath 'string(/testsuites/@failures)' \$x) == 2 ]]"
check "junit: the failure message is the reason" bash -c "
	xmllint --xpath 'string(//testcase[starts-with(@name,\"MM-LIFE-003 \")]/failure/@message)' \
		$D/junit.xml | grep -qx 'the DUT accepted a lifetime of 86401 s without lowering it or saying so'"
check "junit: WARN is a passed case with a WARN note in system-out" bash -c "
	xmllint --xpath 'string(//testcase[starts-with(@name,\"MM-VID-004 \")]/system-out)' \
		$D/junit.xml | head -1 | grep -q '^WARN: the DUT sent an unknown vendor ID'"

# report.json: the documented shape.
J=$D/report.json
check "json: format, version, run, counts, by_area, by_level, cases" jq -e '
	.format == "ikecheck-report" and .format_version == 1 and
	(.run | type) == "object" and (.run.complete | type) == "boolean" and
	(.counts | keys | sort) == ["ERROR","FAIL","PASS","SKIP","WARN","total"] and
	(.by_area | type) == "array" and (.by_level | type) == "array" and
	(.cases | type) == "array"' "$J"
check "json: counts equal the cases" jq -e '
	. as $r | .counts.total == (.cases | length) and
	all(["PASS","FAIL","WARN","SKIP","ERROR"][]; . as $v |
	    $r.counts[$v] == ([$r.cases[] | select(.verdict == $v)] | length))' "$J"
check "json: by_area and by_level add up to the total" jq -e '
	([.by_area[].counts.total] | add) == .counts.total and
	([.by_level[].counts.total] | add) == .counts.total and
	[.by_level[].name] == ["MUST","SHOULD","MAY","ADVISORY"]' "$J"
check "json: every case has the documented members and types" jq -e '
	all(.cases[];
	    (.id|type) == "string" and (.title|type) == "string" and (.area|type) == "string" and
	    (.level|type) == "string" and (.verdict|IN("PASS","FAIL","WARN","SKIP","ERROR")) and
	    (.reason|type) == "string" and (.where|type) == "string" and
	    (.hint|type) == "string" and (.mutation|type) == "string" and
	    (.evidence|type) == "string" and (.pcap|type) == "string" and
	    (.duration_s|type) == "number" and (.ladder|type) == "array" and
	    all(.ladder[]; (.t_s|type) == "number" and (.sent|type) == "boolean" and
		(.msg|type) == "string" and (.state|type) == "string" and
		(.retransmit|type) == "boolean"))' "$J"
check "json: UTF-8 text is real text, other bytes \\u00XX" jq -e '
	.cases[] | select(.id == "MM-VID-004") | .reason | test("café") and test("\u00ff$")' "$J"

# A report.json reads back as a results file: re-rendering it gives the same report.json.
mkdir -p "$TEST_TMP/fromjson"
check_fails "report renders from a report.json" 1 $IK report "$J" --out "$TEST_TMP/fromjson" -q
check "report.json -> report.json is the identity" cmp "$J" "$TEST_TMP/fromjson/report.json"

# --format: only the one asked for.
mkdir -p "$TEST_TMP/only"
cp "$FIX" "$TEST_TMP/only/results.jsonl"
check_fails "--format junit" 1 $IK report "$TEST_TMP/only" --format junit -q
check "--format junit wrote only junit.xml" bash -c "
	[[ -f $TEST_TMP/only/junit.xml && ! -e $TEST_TMP/only/report.txt &&
	   ! -e $TEST_TMP/only/report.html ]]"
check_fails "an unknown format is a usage error" 2 $IK report "$TEST_TMP/only" --format pdf
check_fails "a missing directory is exit 2" 2 $IK report "$TEST_TMP/none"

# Shards: alternate case records into two files, each with the run line; merged = whole.
S1=$TEST_TMP/s1 S2=$TEST_TMP/s2 M=$TEST_TMP/merged
mkdir -p "$S1" "$S2" "$M"
grep '"type":"run"' "$FIX" | tee "$S1/results.jsonl" >"$S2/results.jsonl"
grep '"type":"case"' "$FIX" | awk -v a="$S1/results.jsonl" -v b="$S2/results.jsonl" \
	'{ print >> (NR % 2 ? a : b) }'
grep '"type":"end"' "$FIX" | tee -a "$S1/results.jsonl" >>"$S2/results.jsonl"
check "the shards hold 5 and 4 cases" bash -c "
	[[ \$(grep -c '\"type\":\"case\"' $S1/results.jsonl) == 5 &&
	   \$(grep -c '\"type\":\"case\"' $S2/results.jsonl) == 4 ]]"
check_fails "report --merge of two shards" 1 $IK report "$S1" --merge "$S2" --out "$M" -q
check "merged counts, by_area, by_level equal the whole's" bash -c "
	diff <(jq -S '[.counts, .by_area, .by_level]' $J) \
	     <(jq -S '[.counts, .by_area, .by_level]' $M/report.json)"
check "merged cases equal the whole's (by id)" bash -c "
	diff <(jq -S '.cases | sort_by(.id)' $J) <(jq -S '.cases' $M/report.json)"
check "merged run is marked merged" jq -e '.run.shard == "merged"' "$M/report.json"
check "the merge wrote the joined results.jsonl" test "$(grep -c '"type":"case"' "$M/results.jsonl")" = 9
mkdir -p "$TEST_TMP/again"
check_fails "the merged directory re-renders on its own" 1 $IK report "$M" --out "$TEST_TMP/again" -q
check "and gives the same report.json" cmp "$M/report.json" "$TEST_TMP/again/report.json"
check_fails "--merge without --out is a usage error" 2 $IK report "$S1" --merge "$S2" -q
check_fails "--merge into a shard's directory is refused" 2 $IK report "$S1" --merge "$S2" --out "$S2" -q
check_grep "and says why" "is the directory of" "$(last_out)"
check_fails "merging a shard with itself is refused" 2 $IK report "$S1" --merge "$S1" \
	--out "$M" -q

# Baseline: the same results -> 0; a newly failing case -> 1; a fixed one alone -> 0.
B=$TEST_TMP/base
mkdir -p "$B"
check_fails "baseline equal to the run: exit 0" 0 $IK report "$D" --baseline "$FIX" -q
check_grep "baseline: nothing new" '^baseline: 0 new failures, 0 fixed' "$(last_out)"
sed 's/"id":"MM-BASE-001","title":"\([^"]*\)","area":"MM","level":"MUST","verdict":"PASS"/"id":"MM-BASE-001","title":"\1","area":"MM","level":"MUST","verdict":"FAIL"/' \
	"$FIX" >"$B/results.jsonl"
check "the new-failure copy differs" bash -c "! cmp -s $FIX $B/results.jsonl"
check_fails "a new failure against the baseline: exit 1" 1 $IK report "$B" --baseline "$FIX" -q
check_grep "the new failure is named" '^  FAIL  MM-BASE-001 \(was PASS\)' "$(last_out)"
check_fails "the other way round, a fixed case only: exit 0" 0 \
	$IK report "$D" --baseline "$B/results.jsonl" -q
check_grep "the fixed case is named" '^fixed:' "$(last_out)"
check_fails "a report.json works as baseline" 0 $IK report "$D" --baseline "$J" -q
check_fails "an unreadable baseline is exit 2" 2 $IK report "$D" --baseline "$TEST_TMP/nope" -q

# A run stopped halfway: no end record, last line torn; it still renders every format.
T=$TEST_TMP/torn
mkdir -p "$T"
head -n 5 "$FIX" >"$T/results.jsonl"
sed -n 6p "$FIX" | head -c 200 >>"$T/results.jsonl"
check_fails "a truncated results.jsonl still renders (exit 1: it has a FAIL)" 1 $IK report "$T"
check_grep "the text says the run was stopped" 'INTERRUPTED' "$T/report.txt"
check_grep "the torn line is mentioned" 'cut short' "$(last_out)"
check "the stopped run has 4 cases" jq -e '.counts.total == 4 and .run.complete == false and
	.run.torn == true' "$T/report.json"
check "the stopped run's junit.xml is valid" \
	xmllint --noout --schema reports/junit.xsd "$T/junit.xml"
check_grep "the HTML says the run was stopped" 'id="interrupted"' "$T/report.html"

# A corrupted middle line is an error naming the line, not a silent skip.
sed '3s/"verdict":"FAIL"/"verdict":"MAYBE"/' "$FIX" >"$T/results.jsonl"
check_fails "a bad record is exit 2" 2 $IK report "$T" -q
check_grep "the error names file, line and problem" 'results.jsonl:3: unknown verdict "MAYBE"' \
	"$(last_out)"

exit $TESTS_FAILED
