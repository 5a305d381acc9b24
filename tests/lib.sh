# Helpers for shell tests (sourced). Each check prints one TAP-style line that tests/run.sh
# counts: "ok - NAME" or "not ok - NAME" followed by the evidence.
#
#   check NAME CMD...             passes when CMD exits 0
#   check_fails NAME STATUS CMD...  passes when CMD exits with STATUS (a number)
#   check_grep NAME PATTERN FILE  passes when the extended regex PATTERN matches FILE
#
# ikecheck serve as the DUT on loopback (the tests that talk to a peer):
#   loopback_profile IN OUT DUT TESTER [SED...]  IN (a peers/profiles/loopback-*.conf) with the
#                                 DUT's IKE and NAT-T ports moved to DUT and DUT+1, the tester's
#                                 to TESTER and TESTER+1; each SED a further sed expression
#   serve_start LOG ARGS...       `$IK serve ARGS` in the background, its output in LOG, its pid in
#                                 SERVE_PID; waits (10 s at most) until it listens. Killed at exit.
#   serve_stop [PID]              stop serve (default: $SERVE_PID) and reap it
#   serve_wait PID                its exit status, 10 s at most (then killed: 124)
#   SERVE_PREFIX=(CMD...)         a command prefix for serve (ip netns exec NS)
#   track PID                     kill PID at exit too (another background process of the test)
#   AT_EXIT=CMD                   run CMD at exit as well, before the temporary folder goes
#
# Fixed UDP ports (a DUT or tester port in a profile) stay below 32768, where Linux's ephemeral
# range (ip_local_port_range) starts, so no socket bound to port 0 ever takes one; each script has
# its own slice, offset by $$: selftest 11000-15859, quirk 16000-17999, connect 18000-20999,
# connect_mutate 21000-22999, run 23000-24599, bench/suite.sh 25000-26999, claims 27000-27999,
# connect_rsasig 28000-28799, xauth 6000-6999 (XAUTH_PORTS=38000: 38000-38999), frag 7000-7999,
# load 8000-8999 (tests/sh/load.sh 8000-8799, bench/load.sh 8800-8999), probe 29000-29599,
# bench/probe.sh 29600-29999, hostile 30000-30999 (tests/sh/hostile.sh and
# tests/hostile_all.sh: 30000 + 8 * a slot), cert 31000-31999 (CERT_PORTS=37000: 37000-37999),
# esp_cases 32000-32999 (or 35000-35999 with ESP_PORTS=35000), connect_rsaenc 33000-33999;
# make demo uses 10500; case NATT-021 binds 9312 (or the next free port up to 9375).

IK=${IK:-build/san/ikecheck}
TEST_TMP=$(mktemp -d)
TESTS_FAILED=0
TEST_PIDS=()
SERVE_PREFIX=()
AT_EXIT=

# One EXIT trap for every test: whatever it left running is stopped before its files go.
test_exit() {
	local p
	for p in "${TEST_PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	eval "$AT_EXIT"
	rm -rf "$TEST_TMP"
}
trap test_exit EXIT

track() { TEST_PIDS+=("$@"); }

loopback_profile() {
	local in=$1 out=$2 d=$3 t=$4
	shift 4
	sed -e "s/= 10500\$/= $d/" -e "s/= 14500\$/= $((d + 1))/" \
	    -e "s/= 20500\$/= $t/" -e "s/= 24500\$/= $((t + 1))/" "${@/#/-e}" "$in" >"$out"
}

# cert_profile IN OUT D T METHOD SFX PKI: loopback_profile IN -> OUT (ports D, T) turned to
# auth.method METHOD over the PKI harness/pki.sh made in PKI: each side's certificate and key
# (dutSFX.pem / testerSFX.pem), the intermediate as chain, the root as CA, and no id or psk, so
# the identities come from the certificates.
cert_profile() {
	local in=$1 out=$2 d=$3 t=$4 method=$5 sfx=$6 pki=$7
	loopback_profile "$in" "$out" "$d" "$t" '/^id /d' '/^psk /d' \
		"s|^method .*|method = $method\nca = $pki/root-ca.pem|" \
		"s|^\[dut\]|[dut]\ncert = $pki/dut$sfx.pem\nkey = $pki/dut$sfx.key\nchain = $pki/inter-ca.pem|" \
		"s|^\[tester\]|[tester]\ncert = $pki/tester$sfx.pem\nkey = $pki/tester$sfx.key\nchain = $pki/inter-ca.pem|"
}

# Serve says "listening on" once bound, --pidfile or not, so every caller waits the same way.
serve_start() {
	local log=$1 i
	shift
	"${SERVE_PREFIX[@]}" $IK serve "$@" >"$log" 2>&1 &
	SERVE_PID=$!
	track "$SERVE_PID"
	for i in $(seq 100); do
		grep -qs "listening on" "$log" && return 0 # -s: the log appears once serve runs
		sleep 0.1
	done
	echo "# serve did not start:"
	sed 's/^/#   /' "$log"
	return 1
}

serve_stop() {
	local pid=${1:-$SERVE_PID}
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# serve_wait PID: its exit status (10 s at most, then killed and 124), e.g. serve --once.
serve_wait() {
	local i
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
		sleep 0.1
	done
	kill "$1"; wait "$1"
	return 124
}

check() {
	local name=$1
	shift
	if "$@" >"$TEST_TMP/out" 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name (exit $?): $*"
		sed 's/^/#   /' "$TEST_TMP/out" | tail -20
		TESTS_FAILED=1
	fi
}

check_fails() {
	local name=$1 want=$2 rc=0
	shift 2
	"$@" >"$TEST_TMP/out" 2>&1 || rc=$?
	if [[ $rc -eq $want ]]; then
		echo "ok - $name"
	else
		echo "not ok - $name (exit $rc, wanted $want): $*"
		sed 's/^/#   /' "$TEST_TMP/out" | tail -20
		TESTS_FAILED=1
	fi
}

check_grep() {
	local name=$1 pat=$2 file=$3
	if grep -Eq -- "$pat" "$file"; then
		echo "ok - $name"
	else
		echo "not ok - $name: /$pat/ not in $file"
		sed 's/^/#   /' "$file" | tail -20
		TESTS_FAILED=1
	fi
}

# The output of the last check, for check_grep.
last_out() { echo "$TEST_TMP/out"; }

# ikescan_trans FILE: the transform of ike-scan's first "SA=(...)" in FILE as RFC 2409 App. A
# numbers "enc hash auth group" (ike-scan prints the attributes in the order the peer sent them).
ikescan_trans() {
	local sa e h a g
	sa=$(grep -oE 'SA=\([^)]*\)' "$1" | head -1)
	[[ -n $sa ]] || return 0
	e=$(sed -nE 's/.*[(= ]Enc=([A-Za-z0-9]+).*/\1/p' <<<"$sa")
	h=$(sed -nE 's/.* Hash=([A-Za-z0-9-]+).*/\1/p' <<<"$sa")
	a=$(sed -nE 's/.* Auth=([A-Za-z0-9]+).*/\1/p' <<<"$sa")
	g=$(sed -nE 's/.* Group=([0-9]+).*/\1/p' <<<"$sa")
	case $e in DES) e=1 ;; 3DES) e=5 ;; AES) e=7 ;; esac
	case $h in MD5) h=1 ;; SHA1) h=2 ;; SHA2-256) h=4 ;; SHA2-384) h=5 ;; SHA2-512) h=6 ;; esac
	case $a in PSK) a=1 ;; DSS) a=2 ;; RSA_Sig) a=3 ;; esac
	echo "$e $h $a $g"
}

# same NAME OURS THEIRS: ok when two tools said the same non-empty thing (probe vs ike-scan).
same() {
	if [[ -n $2 && $2 == "$3" ]]; then
		echo "ok - $1 ($2)"
	else
		echo "not ok - $1: probe '$2', ike-scan '$3'"
		TESTS_FAILED=1
	fi
}

# fuzz_smoke TARGET CORPUS: a fuzz target (fuzz/TARGET.c) builds with clang and libFuzzer and runs
# 10 s on its seeds without a finding (the long runs are `make fuzz`).
fuzz_smoke() {
	local target=$1 corpus=$2
	if ! command -v clang >/dev/null; then
		echo "not ok - clang is missing (harness/deps.sh installs it)"
		exit 1
	fi
	check "fuzz target builds" make --no-print-directory "build/fuzz/$target"
	check "seeds present" test -n "$(ls "fuzz/corpus/$corpus")"
	check "$target runs 10 s clean" fuzz/run.sh "build/fuzz/$target" -1 10
	check_grep "fuzzer executed inputs" 'stat::number_of_executed_units: [0-9]{3,}' "$(last_out)"
}

# hostile_run DIR SEED PORT GLOB RUNARGS...: `$IK serve --fuzz SEED` (HOSTILE_RATE, default 1) on
# DUT port PORT, then `$IK run --cases GLOB RUNARGS` against it under `timeout HOSTILE_TIMEOUT` (default 120 s),
# output in DIR (DIR/r the run, DIR/serve.log, DIR/run.err). Sets HOSTILE_WHY to "" when the tester
# held: exit 0 or 1 (never 2, a signal or the timeout), one verdict per case selected in
# results.jsonl and an end record, no sanitizer report, report.html written; else to what broke.
# HOSTILE_CASES: how many cases the run selected. (issue 14 item 4: a DUT cannot break the tester)
hostile_run() {
	local dir=$1 seed=$2 port=$3 glob=$4 rc=0 got verdicts
	shift 4
	mkdir -p "$dir"
	loopback_profile peers/profiles/loopback-dut.conf "$dir/p.conf" "$port" $((port + 2))
	HOSTILE_WHY="serve did not start"
	serve_start "$dir/serve.log" --profile "$dir/p.conf" --fuzz "$seed" \
		--fuzz-rate "${HOSTILE_RATE:-1}" >/dev/null || return 0
	local serve=$SERVE_PID
	timeout -s KILL "${HOSTILE_TIMEOUT:-120}" $IK run --profile "$dir/p.conf" --out "$dir/r" \
		--cases "$glob" --quiet "$@" >"$dir/run.out" 2>"$dir/run.err" || rc=$?
	serve_stop "$serve"
	HOSTILE_CASES=$($IK list cases --cases "$glob" 2>/dev/null | grep -cE '^[A-Z][A-Z0-9-]*-[0-9]+ ')
	got=$(jq -r 'select(.type=="case") | .id' "$dir/r/results.jsonl" 2>/dev/null | sort -u | wc -l)
	verdicts=$(jq -r 'select(.type=="case") | .verdict // empty' "$dir/r/results.jsonl" 2>/dev/null |
		grep -cE '^(PASS|FAIL|WARN|SKIP|ERROR)$')
	if [[ $rc -ne 0 && $rc -ne 1 ]]; then
		HOSTILE_WHY="ikecheck run exited $rc (2: error, 137: killed by the timeout, >128: a signal)"
	elif grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$dir/run.err"; then
		HOSTILE_WHY="a sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error' "$dir/run.err")"
	elif grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$dir/serve.log"; then
		HOSTILE_WHY="serve --fuzz itself: $(grep -m1 -E 'Sanitizer|runtime error' "$dir/serve.log")"
	elif [[ $got -ne $HOSTILE_CASES || $verdicts -ne $HOSTILE_CASES ]]; then
		HOSTILE_WHY="$got cases with $verdicts verdicts in results.jsonl, $HOSTILE_CASES selected"
	elif ! jq -e 'select(.type=="end")' "$dir/r/results.jsonl" >/dev/null 2>&1; then
		HOSTILE_WHY="no end record in results.jsonl"
	elif [[ ! -s $dir/r/report.html ]]; then
		HOSTILE_WHY="no report.html"
	else
		HOSTILE_WHY=
	fi
}
