# The suite's self-test (issue 5 item 5, DESIGN.md "A negative test that can never fail is a
# defect"): the whole suite against ikecheck serve on loopback,
#   - conformant: every case PASSes or is SKIPped (no FAIL, WARN or ERROR);
#   - with each quirk of `serve --list-quirks` (docs/quirks.md): exactly the cases that name the
#     quirk on their `breaks` line FAIL or WARN, and every other case still passes;
#   - die-on-refusal (a DUT that dies after refusing anything): the liveness probe names the
#     case(s) in flight when it died (blames one only when it was alone: docs/verdicts.md 7), and the cases after it are reported as not run (ERROR), not as the DUT's failures;
#   - every case that expects a refusal names a quirk besides die-on-refusal (issue 10 item 6:
#     `ikecheck list cases --unkillable` prints none but the cases listed in UNKILLABLE below
#     (none today), which no serve quirk can make fail; docs/quirks.md).
# DUT-initiator cases run too: the runner makes serve initiate with SIGUSR1 (--dut-initiate).
#
#   127.0.0.2:*  ikecheck run  <---- UDP ---->  127.0.0.1:D  ikecheck serve [--quirk Q]
#
# The profile's lifetime policies are lenient, so the `policy p1=strict` / `p2=strict` lines are
# judged by a second, small run of the lifetime cases (*-LIFE-*) against serve with both policies
# strict, with no quirk and with each quirk a lifetime case names: a case that names a quirk must
# fail under it with one policy or the other.
#
# Four suite runs at a time on their own ports; no root needed. SELFTEST_OUT=DIR keeps the runs.
# The generated families (FZ-*) run under the quirks that suite/fz_rules.def names for them (their
# `breaks`); the other quirk runs leave them out, as they cannot make them fail (bounded time).
. tests/lib.sh
# The release build: 30 suite runs under the sanitizers would take minutes (tests/sh/run.sh runs
# the runner and serve under ASan and UBSan).
IK=${SELFTEST_IK:-build/ikecheck}

# Refusal cases no quirk of serve can make fail, each for the reason docs/quirks.md gives. The
# list may only shrink: a case that becomes breakable, or a new unbreakable one, fails the
# self-test. (Answers that name no exchange of ours because the mutation moved the cookies, the
# message ID or the exchange type are tied to the broken datagram by its octets: run_wire.h.)
# RSAENC-NEG-001: a nonce encrypted to a key the DUT does not hold cannot key an exchange the
# tester shares, whatever the DUT does, so only a DUT that dies can fail it (docs/quirks.md).
UNKILLABLE="RSAENC-NEG-001"

T=${SELFTEST_OUT:-$TEST_TMP}
mkdir -p "$T"
# 4 ports a run (about 110 runs: one per quirk, and the lifetime policies), 540 ports a PID slot,
# so that two self-tests at once (a helper and the lead, say) share no port unless their PIDs agree
# modulo 9 (all stay below 16000).
BASE=$((11000 + ($$ % 9) * 540))
CASES=${SELFTEST_CASES:-suite/cases}
LIFE='*-LIFE-*'

# profile N [strict]: the loopback DUT profile on ports BASE + 4*N .. +3 (DUT IKE, DUT NAT-T,
# tester IKE, tester NAT-T), so parallel runs never share a port; with "strict", both lifetime
# policies strict.
profile() {
	local p=$((BASE + 4 * $1)) policy=()
	[[ ${2:-} == strict ]] && policy=('s/^lifetime_policy\( *\)=.*/lifetime_policy\1= strict/')
	loopback_profile peers/profiles/loopback-dut.conf "$T/p$1.conf" $p $((p + 2)) "${policy[@]}"
	echo "$T/p$1.conf"
}

# Whether a generated case names quirk $1 (then its run includes the families).
fz_breaks() {
	[[ $($IK list cases --breaks "$1" --cases 'FZ-*' "$CASES" | tail -1 | awk '{print $1}') != 0 ]]
}

# Whether a lifetime case names quirk $1 (then it has a strict run too).
life_breaks() {
	[[ $1 != die-on-refusal &&
		$($IK list cases --breaks "$1" --cases "$LIFE" "$CASES" | tail -1 | awk '{print $1}') != 0 ]]
}

# The cases a run of quirk $1 holds: every case, or all but the families; for the strict run
# ($2 = strict) the lifetime cases.
selection() {
	if [[ ${2:-} == strict ]]; then
		echo "$LIFE"
	elif [[ -n $1 ]] && ! fz_breaks "$1"; then
		echo '!FZ-*'
	fi
}

# suite NAME N [QUIRK [strict]]: serve (with QUIRK) and the suite against it; results in $T/NAME.
suite() {
	local name=$1 n=$2 q=${3:-} prof pid rc=0 sel
	# restart-on-retransmit answers every copy of MM1, AM1 or QM1 with a new exchange: a copy that
	# goes out only because this busy machine (four suites on two cores) was slow to answer drives
	# it where no case asked, and a case that names nothing stalls (run_rtt.c). A longer window
	# puts the first copy at 300 ms; the cases that name the quirk force their copies anyway.
	local silence=1200
	[[ $q == restart-on-retransmit ]] && silence=3000
	sel=$(selection "$q" "${4:-}")
	prof=$(profile "$n" "${4:-}")
	serve_start "$T/$name.serve" --profile "$prof" --pidfile "$T/$name.pid" ${q:+--quirk "$q"}
	pid=$SERVE_PID
	$IK run --profile "$prof" --cases-dir "$CASES" --out "$T/$name" --quiet --silence $silence \
		${sel:+--cases "$sel"} --parallel 12 --dut-initiate "kill -USR1 $pid" >"$T/$name.out" 2>&1 ||
		rc=$?
	serve_stop "$pid"
	echo "$rc" >"$T/$name.rc"
}

verdicts() { # NAME VERDICT-REGEX -> sorted ids
	jq -r --arg v "$2" 'select(.type=="case" and (.verdict|test($v))) | .id' "$T/$1/results.jsonl" | sort
}

# errors NAME: the cases that ERROR in run NAME, but for an ESP probe case the quirk left without
# any traffic at all (esp-wrong-keys: no ping came back, before or after the probes), or kept
# from its probes altogether (natt-stale-port: NATT-031's first main mode never floats): that is
# "inconclusive", honestly, not a harness fault (suite/verdict.c probe_inconclusive). The
# conformant run, where every case must PASS, shows such a case does reach its probes.
errors() {
	jq -r 'select(.type=="case" and .verdict=="ERROR" and
		(.reason|startswith("inconclusive: the SA carried no traffic at all")|not) and
		(.reason|startswith("inconclusive: the case never reached its probes")|not)) | .id' \
		"$T/$1/results.jsonl" | sort
}

# broken NAME BASELINE: the cases that FAIL or WARN in run NAME and PASS in run BASELINE.
broken() {
	comm -12 <(verdicts "$1" '^(FAIL|WARN)$') <(verdicts "$2" '^PASS$')
}

quirks=$($IK serve --list-quirks 2>/dev/null | awk 'NF && $1 !~ /:$/ {print $1}')
# The certificate quirks act only under RSA signatures, which the loopback profile (PSK) never
# uses: a run under one is the conformant run again. tests/sh/cert.sh runs them against an
# rsa-sig serve, with every certificate case (dss-der-sig: against a dss-sig serve). Likewise
# the pke- quirks act only under RSA encryption: tests/sh/connect_rsaenc.sh runs the rsaenc
# cases against an rsa-enc and an rsa-enc-rev serve with each of them.
# The keepalive quirks act only on an SA whose NAT-D put serve behind a NAT and that floated,
# which here only the keepalive cases bring about, and they SKIP (the loopback profile states no
# natt.keepalive): tests/sh/esp_cases.sh runs them against a serve with natt.keepalive = 2.
# The IV quirks (RFC 2409 App. B) garble every phase 1 (p1-iv-*) or every quick mode
# (qm-iv-restart) serve takes part in, the liveness probes' too: a run of 12 cases at a time reads
# such a DUT as one that stopped answering (ERROR: which case stopped it is not known). They run
# below, each with the cases that name it, one at a time.
WHOLE='p1-iv-swapped|p1-iv-restart|qm-iv-restart'
# The sender quirks of serve as initiator (RFC 2408 5.4, 5.6, 5.7, 5.8) break every exchange serve
# starts, so every case with role dut=initiator: they too run one case per run, with the cases
# that name them, each of which must FAIL for the sender fault the tester records.
INITIATING='ke-short|qm-doi-zero|xform-same-number|id-data-long'
quirks=$(grep -vE "^(cert-.*|sig-no-verify|sig-hash-20|dss-der-sig|cr-.*|pke-.*|keepalive-never|keepalive-ike-port|keepalive-long|$WHOLE|$INITIATING)\$" <<<"$quirks")
check "serve lists its quirks" test -n "$quirks"

# Issue 10 item 6: a refusal case that only die-on-refusal breaks proves nothing about its check.
unkillable=$($IK list cases --unkillable "$CASES" | awk 'NF > 2 {print $1}' | sort)
new=$(comm -23 <(echo "$unkillable" | grep .) <(printf '%s\n' $UNKILLABLE | sort) | tr '\n' ' ')
# (of the known ones, those SELFTEST_CASES selects)
known=$(printf '%s\n' $UNKILLABLE | sort | comm -12 - <($IK list cases "$CASES" | awk 'NF > 2 {print $1}' | sort))
gone=$(comm -13 <(echo "$unkillable" | grep .) <(echo "$known" | grep .) | tr '\n' ' ')
check "every refusal case names a quirk besides die-on-refusal, but the $(echo $UNKILLABLE | wc -w) known ones${new:+ (unkillable: $new)}${gone:+ (breakable now, drop from UNKILLABLE: $gone)}" \
	test -z "$new$gone"

# Every run, four at a time: the long ones (the whole suite: the conformant run and the quirks
# the families name) first, the next one as soon as one ends.
long=("conformant 0") short=("s-conformant 1 '' strict")
n=2
for q in $quirks; do
	if fz_breaks "$q"; then long+=("q-$q $n $q"); else short+=("q-$q $n $q"); fi
	n=$((n + 1))
	if life_breaks "$q"; then
		short+=("s-$q $n $q strict")
		n=$((n + 1))
	fi
done
for r in "${long[@]}" "${short[@]}"; do
	while [[ $(jobs -rp | wc -l) -ge 4 ]]; do wait -n; done
	eval suite $r &
	track $!
done
wait
TEST_PIDS=()

check "conformant serve: the run completed (exit 0)" test "$(cat "$T/conformant.rc")" = 0
# Against the conformant responder the only non-PASS allowed are ADVISORY WARNs that the
# profile's own choices explain (it offers MODP-1024 and aggressive mode with a PSK).
for c in conformant s-conformant; do
	# SELFTEST_CASES may hold no case the strict profile runs: that run found nothing to do.
	if [[ -n ${SELFTEST_CASES:-} && $c == s-conformant && ! -f $T/$c/results.jsonl ]]; then
		echo "# $c: no case of $CASES for the strict profile"
		continue
	fi
	bad=$(jq -r 'select(.type=="case" and .verdict!="PASS" and .verdict!="SKIP" and
		(.verdict!="WARN" or .level!="ADVISORY")) | .id' "$T/$c/results.jsonl")
	check "$c serve: no case FAILs or ERRORs, WARN only for advisories${bad:+ (got: $(echo $bad))}" \
		test -z "$bad"
done
total=$(jq -r 'select(.type=="case") | .id' "$T/conformant/results.jsonl" | wc -l)
listed=$($IK list cases "$CASES" | tail -1 | awk '{print $1}')
check "conformant serve: every case of the suite decided ($total of $listed)" test "$total" = "$listed"
# The advisories the profile's own choices make WARN already: a quirk they name cannot change
# that here (it would against a profile without the weak configuration).
verdicts conformant '^WARN$' >"$T/conformant.warn"
# ESP-POS-013 cuts its fragments on a raw socket: where this host refuses one (no CAP_NET_RAW) it
# SKIPs, saying so, and no quirk can make it fail.
jq -r 'select(.type=="case" and .verdict=="SKIP" and (.reason|test("raw socket"))) | .id' \
	"$T/conformant/results.jsonl" | sort >"$T/conformant.noraw"

for q in $quirks; do
	if [[ $q == die-on-refusal ]]; then
		# SELFTEST_CASES may select only cases this profile SKIPs (XA-*, MC-*): nothing to kill.
		if [[ -z $(verdicts conformant '^(PASS|WARN|FAIL)$') ]]; then
			echo "# quirk $q: no case of $CASES runs against the loopback profile"
			continue
		fi
		# At --parallel 12 the first death usually has company: the cases in flight are named
		# (ERROR, the DUT never comes back here) rather than one of them blamed on a guess.
		killer=$(jq -r 'select(.type=="case" and (.verdict=="FAIL" or .verdict=="ERROR")) | .reason' \
			"$T/q-$q/results.jsonl" | grep -cE "stopped answering after this case|this case among them")
		check "quirk $q: the liveness probe names the case(s) in flight when the DUT died" test "$killer" -ge 1
		guess=$(jq -r 'select(.type=="case" and .verdict=="FAIL") | .reason' "$T/q-$q/results.jsonl" |
			grep -c "stopped answering after this case")
		among=$(jq -r 'select(.type=="case") | .reason' "$T/q-$q/results.jsonl" | grep -c "this case among them")
		check "quirk $q: a case is blamed (FAIL) only when it was alone in flight ($guess blamed, $among named)" \
			bash -c "(( ($among > 0 && $guess == 0) || ($among == 0 && $guess <= 1) ))"
		notrun=$(verdicts "q-$q" '^ERROR$' | wc -l)
		# SELFTEST_CASES may select one case that runs here (CERT-PSK-001 beside the rsa-sig
		# ones): no case is left to not run after it killed the DUT.
		if (($(verdicts conformant '^(PASS|WARN|FAIL)$' | wc -l) > 1)); then
			check "quirk $q: later cases are not run against the dead DUT (ERROR: $notrun)" test "$notrun" -ge 1
		fi
		continue
	fi
	sel=$(selection "$q")
	# Failing under the quirk, passing against the conformant responder: what the quirk broke
	# (with either lifetime policy).
	got=$( (broken "q-$q" conformant; [[ -d $T/s-$q ]] && broken "s-$q" s-conformant) | sort -u)
	# XA-* and MC-* need an XAUTH gateway (features.xauth) or client (features.xauth_client), which the
	# loopback profile is not: they SKIP here and tests/sh/xauth.sh runs them against serve with
	# and without their quirks.
	# The certificate cases need auth.method = rsa-sig (all but CERT-PSK-001, which runs here):
	# tests/sh/cert.sh runs them against an rsa-sig serve (CERT-DSS-*: a dss-sig serve) with
	# and without their quirks; the rsaenc cases need rsa-enc / rsa-enc-rev:
	# tests/sh/connect_rsaenc.sh runs them.
	# The transport-mode cases (ESP-POS-005, ESP-POS-006) need phase2.mode = transport: they SKIP
	# here and tests/sh/esp_cases.sh runs them against a transport serve with and without theirs
	# (NATT-026 too: serve initiates quick mode in transport mode).
	# It runs the DUT-initiated DPD cases too (DPD-011, DPD-012, DPD-016, NATT-014, NATT-027, NATT-KA-002:
	# needs dpd_delay), against a serve with phase1.dpd.
	# And the NAT-keepalive cases (NATT-015..018: needs keepalive, natt.keepalive stated), against a
	# serve with natt.keepalive = 2. ESP-SND-006 needs features.anti_replay = no: there too.
	want=$($IK list cases --breaks "$q" ${sel:+--cases "$sel"} "$CASES" | awk 'NF > 2 {print $1}' |
		grep -vE '^(XA-|MC-|CERT-(POS|NEG|SIG|CR|ENC|DSS)-|RSAENC-|ESP-POS-00[56]|ESP-SND-006|DPD-01[126]|NATT-01[4-8]|NATT-02[67]|NATT-KA-002)' | sort | comm -23 - "$T/conformant.warn" | comm -23 - "$T/conformant.noraw")
	errs=$(cat <(errors "q-$q") <([[ -d $T/s-$q ]] && errors "s-$q"))
	missed=$(comm -13 <(echo "$got") <(echo "$want") | tr '\n' ' ')
	extra=$(comm -23 <(echo "$got") <(echo "$want") | tr '\n' ' ')
	check "quirk $q: exactly the $(echo "$want" | grep -c .) cases that name it fail${missed:+; passed but should fail: $missed}${extra:+; failed but do not name it: $extra}" \
		test -z "$missed$extra"
	check "quirk $q: no case ERRORs${errs:+ (got: $(echo $errs))}" test -z "$errs"
done
# The IV quirks, one case per run (the first leaves the DUT looking dead to the next), and the
# INITIATING ones: each case
# that names one FAILs for a message one side could not read (the quirk at work, not a silent DUT).
for q in ${WHOLE//|/ } ${INITIATING//|/ }; do
	for c in $($IK list cases --breaks "$q" "$CASES" | awk 'NF > 2 {print $1}'); do
		prof=$(profile 30)
		serve_start "$T/w-$q-$c.serve" --profile "$prof" --pidfile "$T/w.pid" --quirk "$q"
		$IK run --profile "$prof" --cases-dir "$CASES" --out "$T/w-$q-$c" --quiet --silence 1200 \
			--cases "$c" --parallel 1 --dead-wait 1 --dut-initiate "kill -USR1 $SERVE_PID" \
			>"$T/w-$q-$c.out" 2>&1
		serve_stop "$SERVE_PID"
		# (the DUT's message we could not read, or its refusal of ours it could not read; for
		# the INITIATING quirks the sender fault recorded)
		why='which our engine refused|refused MM5 with notify' what='the message one side could not read'
		[[ $q =~ ^($INITIATING)$ ]] && why='The DUT broke RFC' what='the MUST it broke as sender'
		read=$(jq -r 'select(.type=="case" and .verdict=="FAIL") | .reason + .evidence' \
			"$T/w-$q-$c/results.jsonl" | grep -cE "$why")
		check "quirk $q: $c FAILs, for $what" test "$read" -ge 1
	done
done
exit $TESTS_FAILED
