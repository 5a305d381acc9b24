# ikecheck list: cases, coverage, fields, mutations on the fixture tree tests/fixtures/cases
# (docs/writing-cases.md). Errors in case files name FILE:LINE and exit 2.
. tests/lib.sh

FX=tests/fixtures/cases

# --- list cases ------------------------------------------------------------------------------
check "list cases" $IK list cases $FX
check_grep "a case line: id, level, area, title" \
	"^MM-LIFE-003 +MUST +phase1-main +A responder lowers or refuses a phase 1 lifetime" "$(last_out)"
check_grep "the family expands (67 MM1 fields x operators)" "^MM1-FUZZ-067 +MUST +robustness " \
	"$(last_out)"
check_grep "the count closes the list" "^70 cases$" "$(last_out)"
check "list cases --level SHOULD" $IK list cases --level SHOULD $FX
check_grep "level filter keeps MUST and SHOULD" "^70 cases$" "$(last_out)"
check "list cases --level must (case-insensitive)" $IK list cases --level must $FX
check_grep "level MUST drops the SHOULD case" "^69 cases$" "$(last_out)"
check "list cases --cases GLOB" $IK list cases --cases 'MM-*' $FX
check_grep "glob keeps the three MM- cases" "^3 cases$" "$(last_out)"
check "list cases --breaks QUIRK" $IK list cases --breaks any-p1-lifetime $FX
check_grep "only the case that names the quirk" "^MM-LIFE-003 " "$(last_out)"
check_grep "and nothing else" "^1 case$" "$(last_out)"
# --unkillable: refusal cases (rejected, ignored, survives; any policy line) that no quirk but
# die-on-refusal breaks. MM-LIFE-003 refuses under p1=strict and names any-p1-lifetime; the
# family expects alive; MM-PSK-004 (rejected) and MM-RETX-001 (ignored) name no quirk.
check "list cases --unkillable" $IK list cases --unkillable $FX
check_grep "a rejected case without breaks is listed" "^MM-PSK-004 +MUST +phase1-main " "$(last_out)"
check_grep "an ignored case without breaks is listed" "^MM-RETX-001 +SHOULD " "$(last_out)"
check_grep "only those two (the quirk case and the alive family are not)" "^2 cases$" "$(last_out)"
mkdir -p "$TEST_TMP/unkill/robustness"
printf 'case K-1\n  title t\n  ref RFC2408 5\n  level SHOULD\n  binds robustness: a gateway must stay up\n  role dut=responder\n  run main\n  mutate MM1 SA.doi set:2\n  expect survives\n  breaks die-on-refusal\ncase K-2\n  title t\n  ref RFC2408 5\n  level SHOULD\n  binds robustness: a gateway must stay up\n  role dut=responder\n  run main\n  mutate MM1 SA.doi set:2\n  expect survives\n  breaks die-on-refusal weak-ke\ncase K-3\n  title t\n  ref RFC2408 5\n  level SHOULD\n  binds robustness: a gateway must stay up\n  role dut=responder\n  run main\n  expect established\n' \
	>"$TEST_TMP/unkill/robustness/k.case"
check "list cases --unkillable (die-on-refusal does not count)" $IK list cases --unkillable "$TEST_TMP/unkill"
check_grep "a survives case broken only by die-on-refusal is listed" "^K-1 " "$(last_out)"
check_grep "one broken by another quirk too is not, nor an established one" "^1 case$" "$(last_out)"
check_fails "unknown level is a usage error" 2 $IK list cases --level OFTEN $FX
check_fails "missing directory exits 2" 2 $IK list cases "$TEST_TMP/none"
check_grep "missing directory is named" "none:0: " "$(last_out)"

mkdir -p "$TEST_TMP/bad/quick"
printf 'case Q-1\n  title t\n  ref RFC2409 5.5\n  level MUST\n  binds both: "the peer MUST refuse"\n  role dut=responder\n  run main, quick\n  expect rejected by notify NO-SUCH\n' \
	>"$TEST_TMP/bad/quick/q.case"
check_fails "a bad case file exits 2" 2 $IK list cases "$TEST_TMP/bad"
check_grep "and names FILE:LINE" "^$TEST_TMP/bad/quick/q.case:8: expect: unknown notify 'NO-SUCH'" \
	"$(last_out)"

# --- list coverage ---------------------------------------------------------------------------
check "list coverage" $IK list coverage $FX
check_grep "a covered requirement names its cases" "^DOI-4.5.4-02 +MUST +yes +MM-LIFE-003$" \
	"$(last_out)"
check_grep "an uncovered requirement shows -" "^ISAKMP-3.1-02 +SHOULD +yes +-$" "$(last_out)"
# The totals, counted here with awk from the requirement tables (column 6 is obs).
obs_count() {
	awk -F'|' -v want="$1" '$2 ~ /^ [A-Z][A-Z-]*-[0-9A-Za-z.]+-[0-9]+ $/ && NF == 9 {
		gsub(/ /, "", $7); if ($7 == want) n++ } END { print n + 0 }' docs/REQUIREMENTS.md
}
yes=$(obs_count yes)
partly=$(obs_count partly)
check_grep "totals of observable requirements ($yes in the catalogue)" \
	"^observable requirements: $yes, 4 with a case, $((yes - 4)) without$" "$(last_out)"
check_grep "partly observable totals ($partly)" \
	"^partly observable requirements: $partly, 0 with a case, $partly without$" "$(last_out)"
mkdir -p "$TEST_TMP/unk/info"
printf 'case U-1\n  title t\n  ref RFC2409 5\n  req ISAKMP-99-01\n  level MUST\n  binds both: "the peer MUST refuse"\n  role dut=responder\n  run main\n  expect established\n' \
	>"$TEST_TMP/unk/info/u.case"
check_fails "an unknown requirement id is an error" 1 $IK list coverage "$TEST_TMP/unk"
check_grep "naming the case and the id" "u.case:1: case U-1 cites unknown requirement ISAKMP-99-01" \
	"$(last_out)"
check_fails "missing catalogue exits 2" 2 $IK list coverage --requirements "$TEST_TMP/no.md" $FX

# --- list fields / mutations -----------------------------------------------------------------
check "list fields MM1" $IK list fields MM1
check_grep "MM1 paths come from the descriptors" "^SA\.P\[0\]\.T\[0\]\.LIFE_DURATION$" "$(last_out)"
check "list fields QM1" $IK list fields QM1
check_grep "QM1 has the ESP SPI" "^SA\.P\[0\]\.spi$" "$(last_out)"
check_fails "list fields MM7 is a usage error" 2 $IK list fields MM7
check "list mutations" $IK list mutations
check_grep "the catalogue is printed" "[Mm]utation" "$(last_out)"
check_fails "list without a subject is a usage error" 2 $IK list
check_fails "list nonsense is a usage error" 2 $IK list nonsense


# --- the examples in docs/writing-cases.md parse ---------------------------------------------
mkdir -p "$TEST_TMP/doc/examples"
awk -v dir="$TEST_TMP/doc/examples" '
	/^```/ { if (inb) { inb = 0; close(f) } else { inb = 1; n++; f = dir "/ex" n ".case"; first = 1 }; next }
	inb && first { keep = ($1 == "case" || $1 == "family" || $1 == "#"); first = 0 }
	inb && keep { print > f }
' docs/writing-cases.md
check "the examples of docs/writing-cases.md parse" $IK list cases "$TEST_TMP/doc"
check_grep "all of them (5 cases + a family of 67)" "^72 cases$" "$(last_out)"
exit $TESTS_FAILED
