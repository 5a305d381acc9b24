# The ESP cases of issue 12 item 4 against ikecheck serve on loopback, each shown to catch what
# it looks for (DESIGN.md "A negative test that can never fail is a defect"):
#   - against the conformant serve every case here PASSes;
#   - against serve with a quirk (docs/quirks.md) exactly the cases here that name it on their
#     `breaks` line FAIL or WARN, the others still PASS.
# Only these cases (ESP_CASES='ESP-*' for the whole area), one run per quirk, two at a time (the
# self-test runs them all too). SKIP counts as PASS (ESP-POS-003 needs a DUT without PFS), and so
# does the ERROR of a probe case under a quirk that leaves the SA without any traffic at all
# (esp-wrong-keys: "inconclusive", as tests/sh/selftest.sh reads it).
#
#   127.0.0.2:T  ikecheck run  <---- IKE + ESP in UDP ---->  127.0.0.1:D  ikecheck serve [--quirk Q]
#
# Ports 32000-32999 (tests/lib.sh; ESP_PORTS=35000 moves them to 35000-35999): 4 a run, at most
# 48 runs, offset by $$. No root needed.
# ESP_ALL_QUIRKS=1 runs the cases under every quirk but die-on-refusal (which fails whatever the
# DUT refuses, tests/sh/selftest.sh), so a quirk they do not name is shown not to fail them.
. tests/lib.sh
IK=${ESP_IK:-build/ikecheck}

CASES=${ESP_CASES:-ESP-NEG-005,ESP-NEG-006,ESP-NEG-007,ESP-NEG-008,ESP-LIFE-001,ESP-LIFE-002}
T=$TEST_TMP
BASE=$((${ESP_PORTS:-32000} + ($$ % 5) * 192))

# run NAME N [QUIRK]: serve (with QUIRK) on ports BASE + 4*N, the cases against it.
run() {
	local name=$1 p=$((BASE + 4 * $2)) q=${3:-}
	loopback_profile peers/profiles/loopback-dut.conf "$T/$name.conf" $p $((p + 2))
	serve_start "$T/$name.serve" --profile "$T/$name.conf" ${q:+--quirk "$q"} || return 1
	local pid=$SERVE_PID
	$IK run --profile "$T/$name.conf" --cases "$CASES" --out "$T/$name" --quiet \
		--silence 1200 --parallel 4 >"$T/$name.out" 2>&1
	serve_stop "$pid"
}

# verdicts NAME REGEX: the ids whose verdict matches, sorted.
verdicts() {
	jq -r --arg v "$2" 'select(.type=="case" and (.verdict|test($v))) | .id' \
		"$T/$1/results.jsonl" | sort
}

# fine NAME: the ids that PASS or SKIP, or ERROR for want of any traffic at all (above).
fine() {
	jq -r 'select(.type=="case" and (.verdict=="PASS" or .verdict=="SKIP" or
		(.verdict=="ERROR" and (.reason|startswith("inconclusive: the SA carried no traffic at all"))))) | .id' \
		"$T/$1/results.jsonl" | sort
}

# The quirks the cases name (every one but die-on-refusal with ESP_ALL_QUIRKS).
quirks=$(for q in $($IK serve --list-quirks 2>/dev/null | awk 'NF && $1 !~ /:$/ {print $1}'); do
	[[ -n ${ESP_ALL_QUIRKS:-} && $q != die-on-refusal ]] ||
		[[ $($IK list cases --breaks "$q" --cases "$CASES" | tail -1 | awk '{print $1}') != 0 ]] &&
		echo "$q"
done)
check "the cases name quirks ($(echo $quirks))" test -n "$quirks"

runs=("conformant 0") n=1
for q in $quirks; do
	runs+=("q-$q $n $q")
	n=$((n + 1))
done
for r in "${runs[@]}"; do
	while [[ $(jobs -rp | wc -l) -ge 2 ]]; do wait -n; done
	eval run $r &
	track $!
done
wait
TEST_PIDS=()

all=$($IK list cases --cases "$CASES" | awk 'NF > 2 {print $1}' | sort)
bad=$(comm -23 <(echo "$all") <(verdicts conformant '^(PASS|SKIP)$') | tr '\n' ' ')
check "conformant serve: every case PASSes (or SKIPs)${bad:+ (not: $bad$(jq -r 'select(.type=="case" and .verdict!="PASS" and .verdict!="SKIP") | "\(.id) \(.verdict): \(.reason)"' "$T/conformant/results.jsonl" | head -3))}" \
	test -z "$bad"
for q in $quirks; do
	want=$($IK list cases --breaks "$q" --cases "$CASES" | awk 'NF > 2 {print $1}' | sort)
	got=$(verdicts "q-$q" '^(FAIL|WARN)$')
	pass=$(fine "q-$q")
	missed=$(comm -23 <(echo "$want") <(echo "$got") | tr '\n' ' ')
	extra=$(comm -23 <(echo "$all") <(cat <(echo "$want") <(echo "$pass") | sort) | tr '\n' ' ')
	check "quirk $q: the $(echo "$want" | grep -c .) cases naming it fail, the others pass${missed:+; passed: $missed}${extra:+; not PASS without naming it: $extra}" \
		test -z "$missed$extra"
done
exit $TESTS_FAILED
