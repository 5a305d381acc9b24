# ikecheck run (issue 5 item 3) under ASan/UBSan against ikecheck serve on loopback, with the
# fixture cases of tests/fixtures/run-cases: verdicts of every kind, the exit status, the
# records and reports, per-case pcaps that tshark reads, the key file, shards, a run killed
# halfway, a DUT that is not there, and the usage errors.
#
#   127.0.0.2:*  ikecheck run  <---- UDP ---->  127.0.0.1:D  ikecheck serve
. tests/lib.sh

T=$TEST_TMP
CASES=tests/fixtures/run-cases
P=$((23000 + ($$ % 200) * 8))
loopback_profile peers/profiles/loopback-dut.conf "$T/p.conf" $P $((P + 2))

serve_start "$T/serve.log" --profile "$T/p.conf" --pidfile "$T/serve.pid"
SERVE=$SERVE_PID

run() { $IK run --profile "$T/p.conf" --cases-dir "$CASES" --silence 1000 "$@"; }
verdict() { jq -r --arg id "$2" 'select(.type=="case" and .id==$id) | .verdict' "$1/results.jsonl"; }

check_fails "a run with a FAIL exits 1" 1 run --out "$T/r1" --dut-initiate "kill -USR1 $SERVE"
check "PASS: main and quick mode established" test "$(verdict "$T/r1" RUN-001)" = PASS
check "PASS: a wrong PSK refused at MM5" test "$(verdict "$T/r1" RUN-002)" = PASS
check "PASS: a dropped MM3 ignored, completed on the retransmission" test "$(verdict "$T/r1" RUN-003)" = PASS
check "FAIL: a wrong expectation against a conformant DUT" test "$(verdict "$T/r1" RUN-004)" = FAIL
check "PASS: the DUT initiated on SIGUSR1 (--dut-initiate)" test "$(verdict "$T/r1" RUN-005)" = PASS
check "SKIP: a feature the profile lacks" test "$(verdict "$T/r1" RUN-006)" = SKIP
jq -r 'select(.type=="case" and .id=="RUN-004") | .reason' "$T/r1/results.jsonl" >"$T/reason"
check_grep "the FAIL reason says what was expected, what happened, and the RFC" \
	'^Expected rejected at MM1, but the DUT completed every step.*\(RFC2409 5\)' "$T/reason"
jq -r 'select(.type=="case" and .id=="RUN-002") | .where, .hint' "$T/r1/results.jsonl" >"$T/where"
check_grep "where it stopped, in RFC names and IOS states, with a hint" '^MM5 \(MM_KEY_EXCH\)' "$T/where"
check "results.jsonl: a run record, 7 cases, an end record" \
	test "$(jq -r .type "$T/r1/results.jsonl" | tr '\n' ' ')" = "run case case case case case case case end "
for f in report.html report.txt junit.xml report.json keys; do
	check "the run wrote $f" test -s "$T/r1/$f"
done
check "the key file is private (0600)" test "$(stat -c %a "$T/r1/keys")" = 600
check "junit.xml is valid against reports/junit.xsd" xmllint --noout --schema reports/junit.xsd "$T/r1/junit.xml"
check "the PSK appears in no report" bash -c "! grep -l 'loopback-demo-secret' $T/r1/report.* $T/r1/junit.xml $T/r1/results.jsonl"

# The case's own capture: tshark reads it as ISAKMP, and with the run's key file decrypts MM5.
uat=()
while read -r line; do uat+=(-o "uat:ikev1_decryption_table:$line"); done < <(grep -vE '^#|"IPv' "$T/r1/keys")
tshark -r "$T/r1/pcap/RUN-001.pcap" -d "udp.port==$P,isakmp" "${uat[@]}" -V -Y isakmp >"$T/tshark" 2>&1
check_grep "tshark: the case pcap holds main mode" 'Exchange type: Identity Protection \(Main Mode\) \(2\)' "$T/tshark"
check_grep "tshark: the run's key file decrypts it (MM5's Identification payload)" \
	'Payload: Identification' "$T/tshark"
$IK decode --keys "$T/r1/keys" --pcap "$T/r1/pcap/RUN-001.pcap" --port "$P" >"$T/decode" 2>&1
check_grep "decode --keys decrypts the case pcap too (MM5 shows its ID payload)" 'ID' "$T/decode"
rm "$T/r1/report.html"
$IK report "$T/r1" >/dev/null 2>&1
check "ikecheck report re-renders the run from results.jsonl" test -s "$T/r1/report.html"
check_fails "ikecheck report exits 1 for the FAIL" 1 $IK report "$T/r1" --format text

# Shards: two stable, disjoint halves that make the whole.
run --out "$T/s1" --shard 1/2 --quiet >/dev/null 2>&1
run --out "$T/s2" --shard 2/2 --quiet >/dev/null 2>&1
ids() { jq -r 'select(.type=="case") | .id' "$@" | sort; }
check "shards 1/2 and 2/2 are disjoint and make the whole" \
	test "$(ids "$T/s1/results.jsonl" "$T/s2/results.jsonl" | tr '\n' ' ')" = "$(ids "$T/r1/results.jsonl" | tr '\n' ' ')"
check "a shard is not empty when it has cases" test "$(ids "$T/s1/results.jsonl" | wc -l)" -ge 1

# A run killed halfway keeps what it decided and still writes its reports. Both cases start at
# once (the runner starts the longer one first): the quick RUN-001 is decided while RUN-007 runs.
$IK run --profile "$T/p.conf" --cases-dir "$CASES" --silence 1000 --out "$T/k" --parallel 2 \
	--cases 'RUN-001,RUN-007' >"$T/k.out" 2>&1 &
K=$!
for _ in $(seq 100); do
	[[ $(jq -r 'select(.type=="case") | .id' "$T/k/results.jsonl" 2>/dev/null | wc -l) -ge 1 ]] && break
	sleep 0.05
done
kill -INT $K
wait $K
check "interrupted: the decided verdicts are kept" test "$(ids "$T/k/results.jsonl" | wc -l)" -ge 1
check "interrupted: no end record" bash -c "! jq -r .type $T/k/results.jsonl | grep -q end"
check "interrupted: the reports are written" test -s "$T/k/report.html"
check_grep "interrupted: it says so" 'interrupted; [0-9]+ verdicts? kept' "$T/k.out"

# Nobody answering: the first case goes silent and so do its liveness probes. A DUT that took part
# in no exchange of the run was never shown to work: no case stopped it, so none is blamed (a FAIL
# here would be a false claim); every case is reported as not run, saying why.
serve_stop "$SERVE"
check_fails "a DUT that is not there: exit 1" 1 run --out "$T/dead" --parallel 1 --cases 'RUN-00[1-4]' \
	--dead-wait 2
check "none is blamed: all four are ERROR, not run" \
	test "$(jq -r 'select(.type=="case" and .verdict=="ERROR") | .id' "$T/dead/results.jsonl" | wc -l)" = 4
check "... saying the DUT took part in no exchange" \
	test "$(jq -r 'select(.type=="case") | .reason' "$T/dead/results.jsonl" | grep -c 'took part in no exchange')" = 4
check "the end record says why the run stopped early" \
	bash -c "jq -r 'select(.type==\"end\") | .stopped' $T/dead/results.jsonl | grep -q 'took part in no exchange of this run, 2 s after case RUN-00.: is it up, does the profile match it'"
check_grep "the text report says it stopped early" 'status +STOPPED EARLY: the DUT took part in no exchange' "$T/dead/report.txt"
check_grep "the HTML report says it too" 'id="stopped">This run stopped early' "$T/dead/report.html"

# A DUT that comes back (a daemon restarted by its supervisor): the run waits --dead-wait for it,
# runs every case once it answers (here it starts late: the first case, never blamed, runs again).
run --out "$T/rev" --parallel 1 --cases 'RUN-00[1-4]' --dead-wait 60 >"$T/rev.out" 2>&1 &
REV=$!
for _ in $(seq 600); do
	grep -qs 'took part in no exchange so far' "$T/rev.out" && break
	sleep 0.1
done
serve_start "$T/serve2.log" --profile "$T/p.conf" --pidfile "$T/serve2.pid"
wait $REV
check_grep "revival: the run saw the DUT answer again" 'the DUT answers again after [0-9.]+ s' "$T/rev.out"
check "revival: the cases after it were judged, not reported as not run" \
	test "$(jq -r 'select(.type=="case" and .verdict=="ERROR") | .id' "$T/rev/results.jsonl" | wc -l)" = 0
check "revival: the run is complete, not stopped early" \
	bash -c "jq -e 'select(.type==\"end\") | has(\"stopped\") | not' $T/rev/results.jsonl"

# A DUT that answers but refuses every fresh exchange from the start (a profile whose proposals it
# does not take): not blamed on a case either, and the note says the probes were refused, not
# unanswered (docs/running-the-suite.md "Liveness").
serve_stop
sed 's/^proposals   = aes128-sha1-modp2048.*/proposals   = aes256-sha512-modp4096/' "$T/p.conf" >"$T/other.conf"
serve_start "$T/other.serve" --profile "$T/other.conf"
run --out "$T/refuse" --parallel 1 --cases 'RUN-001,RUN-002' --dead-wait 2 >"$T/refuse.out" 2>&1
check "refusing from the start: no verdict but ERROR" \
	test "$(jq -r 'select(.type=="case") | .verdict' "$T/refuse/results.jsonl" | sort -u)" = ERROR
check_grep "refusing from the start: the note says the probes were refused" \
	'took part in no exchange so far \(3 fresh clean exchanges failed, 3 refused\): is it up, does the profile match it' \
	"$T/refuse.out"

# Blame when cases run in parallel (issue 14 item 4): serve "crashes" on the first refusal
# (--quirk die-on-refusal), i.e. on RUN-002's wrong key, while a slow case is in flight; a
# supervisor restarts it each time. Which case stopped the DUT is not known from one death, so
# both run again alone: only RUN-002 stops it again and is blamed; the slow case PASSes.
serve_stop # the one with other proposals
mkdir -p "$T/par/basic"
sed -n '/^case RUN-002/,/^ *expect/p' "$CASES/basic/"*.case >"$T/par/basic/k.case"
printf '\ncase RUN-SLOW\n  title    Main mode, a quiet while, then quick mode\n  ref      RFC2409 5.5\n  level    MUST\n  binds    receiver: "the receiving entity (initiator or responder) MUST do the following" (fixture)\n  role     dut=responder\n  run      main, wait 2500ms, quick\n  expect   established\n' >>"$T/par/basic/k.case"
serve_start "$T/par.serve" --profile "$T/p.conf" --quirk die-on-refusal
$IK run --profile "$T/p.conf" --cases-dir "$T/par" --silence 1000 --out "$T/par/out" --parallel 8 \
	--dead-wait 60 >"$T/par.out" 2>&1 &
PAR=$!
deaths=0
while kill -0 $PAR 2>/dev/null; do # the supervisor: a fresh serve after each death noticed
	n=$(grep -c 'stopped answering' "$T/par.out")
	if ((n > deaths)); then
		deaths=$n
		serve_stop
		serve_start "$T/par.serve$n" --profile "$T/p.conf" --quirk die-on-refusal
	fi
	sleep 0.2
done
wait $PAR
serve_stop
check_grep "parallel: the first death names both cases in flight, blaming neither" \
	'stopped answering while cases (RUN-002, RUN-SLOW|RUN-SLOW, RUN-002) were in flight' "$T/par.out"
check "parallel: RUN-002, run again alone, stopped the DUT again: it is blamed" \
	bash -c "jq -r 'select(.type==\"case\" and .id==\"RUN-002\") | .verdict + \" \" + .reason' $T/par/out/results.jsonl | grep -q '^FAIL The DUT stopped answering after this case (run again alone'"
check "parallel: the slow case, run again alone, PASSes" test "$(verdict "$T/par/out" RUN-SLOW)" = PASS

# The ids in flight at a death that never ends: the note names every one; each result's reason
# names whole ids only and says how many more it left out (no id cut in half).
mkdir -p "$T/many/basic"
cp "$T/par/basic/k.case" "$T/many/basic/k.case"
for i in 01 02 03 04 05 06 07 08 09 10; do
	sed -e "s/^case RUN-SLOW/case RUN-SLOW-WITH-A-LONG-NAME-$i/" -e 's/wait 2500ms/wait 1500ms/' \
		<(sed -n '/^case RUN-SLOW/,$p' "$T/par/basic/k.case") >>"$T/many/basic/k.case"
done
serve_start "$T/many.serve" --profile "$T/p.conf" --quirk die-on-refusal
$IK run --profile "$T/p.conf" --cases-dir "$T/many" --silence 1000 --out "$T/many/out" \
	--parallel 16 --dead-wait 3 >"$T/many.out" 2>&1
serve_stop
ids=$(jq -r 'select(.type=="case") | .id' "$T/many/out/results.jsonl" | sort)
note=$(grep -m1 'stopped answering while cases' "$T/many.out")
check "many in flight: the note names every case in flight" \
	bash -c "n=0; for id in $(echo $ids); do grep -q \"\$id[,) ]\" <<<'$note ' && n=\$((n+1)); done; test \$n -ge 10"
jq -r 'select(.type=="case") | .reason' "$T/many/out/results.jsonl" |
	grep -o 'after one of the cases [^)]*' | sed 's/after one of the cases //' >"$T/many.lists"
check "many in flight: the reasons name the cases in flight" test -s "$T/many.lists"
check "many in flight: each reason's list has whole ids and says how many more" \
	bash -c "while read -r l; do l=\${l% and [0-9]* more}
		for id in \${l//,/ }; do grep -qx \"\$id\" <<<'$ids' || exit 1; done; done <$T/many.lists"
check_grep "many in flight: a list too long says so" ' and [0-9]+ more' "$T/many.lists"

# Usage and input errors: exit 2 with a reason.
check_fails "no --profile: exit 2" 2 $IK run
check_fails "bad --level: exit 2" 2 run --level OFTEN
check_fails "bad --shard: exit 2" 2 run --shard 3/2
check_fails "unknown option: exit 2" 2 run --frobnicate
check_fails "a broken profile: exit 2" 2 $IK run --profile tests/sh/run.sh --cases-dir "$CASES"
mkdir -p "$T/badcases/x"
printf 'case X-1\n  title t\n  level SOMETIMES\n' >"$T/badcases/x/a.case"
check_fails "a broken case file: exit 2" 2 run --cases-dir "$T/badcases" --out "$T/bad"
$IK run --profile "$T/p.conf" --cases-dir "$T/badcases" --out "$T/bad" 2>"$T/bad.err"
check_grep "... naming file and line" 'a\.case:3' "$T/bad.err"
check_fails "no case matches: exit 2" 2 run --cases 'NOPE-*' --out "$T/none"
exit $TESTS_FAILED
