# The suite's self-test (issue 5 item 5, DESIGN.md "A negative test that can never fail is a
# defect"): the whole suite against ikecheck serve on loopback,
#   - conformant: every case PASSes or is SKIPped (no FAIL, WARN or ERROR);
#   - with each quirk of `serve --list-quirks` (docs/quirks.md): exactly the cases that name the
#     quirk on their `breaks` line FAIL or WARN, and every other case still passes;
#   - die-on-refusal (a DUT that dies after refusing anything): the liveness probe blames a case
#     for it, and the cases after it are reported as not run (ERROR), not as the DUT's failures.
# DUT-initiator cases run too: the runner makes serve initiate with SIGUSR1 (--dut-initiate).
#
#   127.0.0.2:*  ikecheck run  <---- UDP ---->  127.0.0.1:D  ikecheck serve [--quirk Q]
#
# Four suite runs at a time on their own ports; no root needed. SELFTEST_OUT=DIR keeps the runs.
# The quirk runs leave out the generated families (FZ-*): they name no quirk.
. tests/lib.sh
# The release build: 14 suite runs under the sanitizers would take minutes (tests/sh/run.sh runs
# the runner and serve under ASan and UBSan).
IK=${SELFTEST_IK:-build/ikecheck}

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT
T=${SELFTEST_OUT:-$TEST_TMP}
mkdir -p "$T"
BASE=$((11000 + ($$ % 80) * 60))
CASES=${SELFTEST_CASES:-suite/cases}

# profile N: the loopback DUT profile on ports BASE + 4*N .. +3 (DUT IKE, DUT NAT-T, tester IKE,
# tester NAT-T), so parallel runs never share a port.
profile() {
	local p=$((BASE + 4 * $1))
	sed -E "/^\[dut\]/,/^\[/{s/^port( *)=.*/port\1= $p/;s/^nat_t_port( *)=.*/nat_t_port\1= $((p + 1))/}
		/^\[tester\]/,/^\[/{s/^port( *)=.*/port\1= $((p + 2))/;s/^nat_t_port( *)=.*/nat_t_port\1= $((p + 3))/}" \
		peers/profiles/loopback-dut.conf >"$T/p$1.conf"
	echo "$T/p$1.conf"
}

# suite NAME N [QUIRK]: serve (with QUIRK) and the suite against it; results in $T/NAME.
suite() {
	local name=$1 n=$2 q=${3:-} prof pid rc=0 sel=()
	[[ -n $q ]] && sel=(--cases '!FZ-*')
	prof=$(profile "$n")
	$IK serve --profile "$prof" --pidfile "$T/$name.pid" ${q:+--quirk "$q"} >"$T/$name.serve" 2>&1 &
	pid=$!
	for _ in $(seq 100); do [[ -s $T/$name.pid ]] && break; sleep 0.05; done
	$IK run --profile "$prof" --cases-dir "$CASES" --out "$T/$name" --quiet --silence 1200 \
		"${sel[@]}" --parallel 12 --dut-initiate "kill -USR1 $pid" >"$T/$name.out" 2>&1 || rc=$?
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "$rc" >"$T/$name.rc"
}

verdicts() { # NAME VERDICT-REGEX -> sorted ids
	jq -r --arg v "$2" 'select(.type=="case" and (.verdict|test($v))) | .id' "$T/$1/results.jsonl" | sort
}

quirks=$($IK serve --list-quirks 2>/dev/null | awk 'NF && $1 !~ /:$/ {print $1}')
check "serve lists its quirks" test -n "$quirks"

suite conformant 0
check "conformant serve: the run completed (exit 0)" test "$(cat "$T/conformant.rc")" = 0
# Against the conformant responder the only non-PASS allowed are ADVISORY WARNs that the
# profile's own choices explain (it offers MODP-1024 and aggressive mode with a PSK).
bad=$(jq -r 'select(.type=="case" and .verdict!="PASS" and .verdict!="SKIP" and
	(.verdict!="WARN" or .level!="ADVISORY")) | .id' "$T/conformant/results.jsonl")
check "conformant serve: no case FAILs or ERRORs, WARN only for advisories${bad:+ (got: $(echo $bad))}" \
	test -z "$bad"
total=$(jq -r 'select(.type=="case") | .id' "$T/conformant/results.jsonl" | wc -l)
listed=$($IK list cases "$CASES" | tail -1 | awk '{print $1}')
check "conformant serve: every case of the suite decided ($total of $listed)" test "$total" = "$listed"
verdicts conformant '^PASS$' >"$T/conformant.pass"

# Four quirk runs at a time.
set -- $quirks
n=1
while [[ $# -gt 0 ]]; do
	for _ in 1 2 3 4; do
		[[ $# -gt 0 ]] || break
		suite "q-$1" $n "$1" &
		PIDS+=($!)
		n=$((n + 1))
		shift
	done
	wait
	PIDS=()
done

for q in $quirks; do
	if [[ $q == die-on-refusal ]]; then
		killer=$(jq -r 'select(.type=="case" and .verdict=="FAIL") | .reason' "$T/q-$q/results.jsonl" |
			grep -c "stopped answering after this case")
		check "quirk $q: the liveness probe blames the case that killed the DUT" test "$killer" -ge 1
		notrun=$(verdicts "q-$q" '^ERROR$' | wc -l)
		check "quirk $q: later cases are not run against the dead DUT (ERROR: $notrun)" test "$notrun" -ge 1
		continue
	fi
	# Failing under the quirk, passing against the conformant responder: what the quirk broke.
	got=$(comm -12 <(verdicts "q-$q" '^(FAIL|WARN)$') "$T/conformant.pass")
	want=$($IK list cases --breaks "$q" --cases '!FZ-*' "$CASES" | awk 'NF > 2 {print $1}' | sort)
	errs=$(verdicts "q-$q" '^ERROR$')
	missed=$(comm -13 <(echo "$got") <(echo "$want") | tr '\n' ' ')
	extra=$(comm -23 <(echo "$got") <(echo "$want") | tr '\n' ' ')
	check "quirk $q: exactly the $(echo "$want" | grep -c .) cases that name it fail${missed:+; passed but should fail: $missed}${extra:+; failed but do not name it: $extra}" \
		test -z "$missed$extra"
	check "quirk $q: no case ERRORs${errs:+ (got: $(echo $errs))}" test -z "$errs"
done
exit $TESTS_FAILED
