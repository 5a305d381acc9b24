# The ESP and DPD cases of issue 12 against ikecheck serve on loopback, each shown to catch what
# it looks for (DESIGN.md "A negative test that can never fail is a defect"):
#   - against the conformant serve every case here PASSes;
#   - against serve with a quirk (docs/quirks.md) exactly the cases here that name it on their
#     `breaks` line FAIL or WARN, the others still PASS.
# Three groups, each against a serve of its own profile: CASES against peers/profiles/loopback-
# dut.conf (tunnel mode between subnets), TCASES against the same in transport mode, host to host
# (the transport cases need phase2.mode = transport, so the tunnel profile SKIPs them; NATT-026:
# serve initiates on SIGUSR1 in transport mode), DCASES
# against the same with phase1.dpd = 2 (serve probes an idle peer: the DUT-initiated DPD cases
# need dpd_delay), KCASES against the same with natt.keepalive = 2 (serve, behind the NAT the
# tester simulates in front of it, sends NAT-keepalives: the keepalive cases need the profile to
# state the interval, `needs keepalive`), NCASES against the same with features.anti_replay = no
# (ESP-SND-006 looks for REPLAY-STATUS 0 in serve's QM2, `needs no_anti_replay`). Only
# these cases (ESP_CASES='ESP-*' for the whole area), one run per group and quirk, two at a time
# (the self-test runs them all too). SKIP counts as PASS (ESP-POS-003 needs a DUT without PFS;
# ESP-POS-013 SKIPs where no raw socket may be opened: its fragments need CAP_NET_RAW),
# and so does the ERROR of a probe case under a quirk that leaves the SA without any traffic at
# all (esp-wrong-keys: "inconclusive", as tests/sh/selftest.sh reads it).
#
#   127.0.0.2:T  ikecheck run  <---- IKE + ESP in UDP ---->  127.0.0.1:D  ikecheck serve [--quirk Q]
#
# Ports 32000-32999 (tests/lib.sh; ESP_PORTS=35000 moves them to 35000-35999): 4 a run, at most
# 48 runs, offset by $$. No root needed.
# ESP_ALL_QUIRKS=1 runs the cases under every quirk but die-on-refusal (which fails whatever the
# DUT refuses, tests/sh/selftest.sh), so a quirk they do not name is shown not to fail them.
. tests/lib.sh
IK=${ESP_IK:-build/ikecheck}

CASES=${ESP_CASES:-ESP-NEG-005,ESP-NEG-006,ESP-NEG-007,ESP-NEG-008,ESP-NEG-009,ESP-NEG-010,ESP-NEG-011,ESP-POS-007,ESP-POS-008,ESP-POS-009,ESP-POS-010,ESP-POS-011,ESP-POS-012,ESP-POS-013,ESP-POS-014,ESP-SND-001,ESP-SND-002,ESP-SND-003,ESP-SND-007,ESP-SND-010,ESP-POS-015,ESP-LIFE-001,ESP-LIFE-002}
TCASES=${ESP_TCASES:-ESP-POS-005,ESP-POS-006,NATT-026}
DCASES=${ESP_DCASES:-DPD-011,DPD-012,DPD-016,NATT-014,NATT-027,NATT-KA-002}
KCASES=${ESP_KCASES:-NATT-015,NATT-016,NATT-017,NATT-018}
NCASES=${ESP_NCASES:-ESP-SND-006}
SETS="tun tra dpd ka nar"
T=$TEST_TMP
BASE=$((${ESP_PORTS:-32000} + ($$ % 5) * 192))

# The cases of group G: tun, tra or dpd.
cases_of() {
	case $1 in
	tun) echo "$CASES" ;;
	tra) echo "$TCASES" ;;
	dpd) echo "$DCASES" ;;
	ka) echo "$KCASES" ;;
	nar) echo "$NCASES" ;;
	esac
}

# run G NAME N [QUIRK]: serve (with QUIRK) on ports BASE + 4*N, group G's cases against it.
run() {
	local g=$1 name=$2 p=$((BASE + 4 * $3)) q=${4:-}
	local seds=()
	[[ $g == tra ]] && seds=('s/^mode .*/mode = transport/' '/^subnet /d')
	[[ $g == dpd ]] && seds=('s/^\[phase1\]$/[phase1]\ndpd         = 2/')
	[[ $g == nar ]] && seds=('s/^anti_replay .*/anti_replay = no/')
	[[ $g == ka ]] && seds=('s/^\[features\]$/[natt]\nkeepalive   = 2\n\n[features]/')
	loopback_profile peers/profiles/loopback-dut.conf "$T/$name.conf" $p $((p + 2)) "${seds[@]}"
	serve_start "$T/$name.serve" --profile "$T/$name.conf" ${q:+--quirk "$q"} || return 1
	local pid=$SERVE_PID
	$IK run --profile "$T/$name.conf" --cases "$(cases_of $g)" --out "$T/$name" --quiet \
		--silence 1200 --parallel 4 --dut-initiate "kill -USR1 $pid" >"$T/$name.out" 2>&1
	serve_stop "$pid"
}

# verdicts NAME REGEX: the ids whose verdict matches, sorted.
verdicts() {
	jq -r --arg v "$2" 'select(.type=="case" and (.verdict|test($v))) | .id' \
		"$T/$1/results.jsonl" | sort
}

# fine NAME: the ids that PASS or SKIP, or ERROR for want of any traffic at all, or of any
# NAT-keepalive to judge (keepalive-never leaves NATT-015/016 nothing: "inconclusive", above).
fine() {
	jq -r 'select(.type=="case" and (.verdict=="PASS" or .verdict=="SKIP" or
		(.verdict=="ERROR" and (.reason|startswith("inconclusive: the SA carried no traffic at all"))) or
		(.verdict=="ERROR" and (.reason|startswith("inconclusive: no NAT-keepalive"))))) | .id' \
		"$T/$1/results.jsonl" | sort
}

# noraw NAME: the ids SKIPped for want of a raw socket (ESP-POS-013 cuts its fragments on one;
# without CAP_NET_RAW it SKIPs, saying so, and no quirk can make it fail).
noraw() {
	jq -r 'select(.type=="case" and .verdict=="SKIP" and (.reason|test("raw socket"))) | .id' \
		"$T/$1/results.jsonl" | sort
}

# The quirks group G's cases name (every one but die-on-refusal with ESP_ALL_QUIRKS).
quirks_of() {
	local q
	for q in $($IK serve --list-quirks 2>/dev/null | awk 'NF && $1 !~ /:$/ {print $1}'); do
		[[ -n ${ESP_ALL_QUIRKS:-} && $q != die-on-refusal ]] ||
			[[ $($IK list cases --breaks "$q" --cases "$(cases_of $1)" | tail -1 | awk '{print $1}') != 0 ]] &&
			echo "$q"
	done
}
declare -A quirks
for g in $SETS; do
	quirks[$g]=$(quirks_of $g)
	check "the $g cases name quirks ($(echo ${quirks[$g]}))" test -n "${quirks[$g]}"
done

runs=() n=0
for g in $SETS; do
	runs+=("$g $g-conformant $n") n=$((n + 1))
	for q in ${quirks[$g]}; do
		runs+=("$g $g-q-$q $n $q")
		n=$((n + 1))
	done
done
for r in "${runs[@]}"; do
	while [[ $(jobs -rp | wc -l) -ge 2 ]]; do wait -n; done
	eval run $r &
	track $!
done
wait
TEST_PIDS=()

for g in $SETS; do
	cases=$(cases_of $g)
	all=$($IK list cases --cases "$cases" | awk 'NF > 2 {print $1}' | sort)
	bad=$(comm -23 <(echo "$all") <(verdicts $g-conformant '^(PASS|SKIP)$') | tr '\n' ' ')
	check "$g: conformant serve: every case PASSes (or SKIPs)${bad:+ (not: $bad$(jq -r 'select(.type=="case" and .verdict!="PASS" and .verdict!="SKIP") | "\(.id) \(.verdict): \(.reason)"' "$T/$g-conformant/results.jsonl" | head -3))}" \
		test -z "$bad"
	for q in ${quirks[$g]}; do
		want=$($IK list cases --breaks "$q" --cases "$cases" | awk 'NF > 2 {print $1}' | sort |
			comm -23 - <(noraw $g-conformant))
		got=$(verdicts "$g-q-$q" '^(FAIL|WARN)$')
		pass=$(fine "$g-q-$q")
		missed=$(comm -23 <(echo "$want") <(echo "$got") | tr '\n' ' ')
		extra=$(comm -23 <(echo "$all") <(cat <(echo "$want") <(echo "$pass") | sort) | tr '\n' ' ')
		check "$g: quirk $q: the $(echo "$want" | grep -c .) cases naming it fail, the others pass${missed:+; passed: $missed}${extra:+; not PASS without naming it: $extra}" \
			test -z "$missed$extra"
	done
done
# The transport and DPD cases ran against their own serve: none SKIPs there.
for g in tra dpd ka; do
	skipped=$(verdicts $g-conformant '^SKIP$' | tr '\n' ' ')
	check "$g: no case SKIPs against its own serve${skipped:+ (SKIP: $skipped)}" test -z "$skipped"
done
# The transport cases really ran in transport mode, the second behind the simulated NAT with
# NAT-OA both ways (RFC 3947 5.2).
check_grep "ESP-POS-006 negotiated UDP-Encapsulated-Transport" "UDP-ENCAPSULATED-TRANSPORT" "$T/tra-conformant.serve"
check "ESP-POS-006: QM1 and QM2 carry NAT-OA" test "$(jq -r 'select(.type=="case" and .id=="ESP-POS-006") | .ladder[] | select(.msg=="QM1" or .msg=="QM2") | .payloads' "$T/tra-conformant/results.jsonl" | grep -c 'NAT-OA, NAT-OA')" = 2
exit $TESTS_FAILED
