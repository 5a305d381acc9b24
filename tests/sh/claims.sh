# Only what the profile claims (docs/verdicts.md section 4), end to end: the whole suite against
# `ikecheck serve` configured narrowly (one phase 1 suite, one phase 2 suite, PFS modp2048, any
# peer identity, phase 2 lifetime policy obey). A case must never FAIL a DUT for refusing what
# its profile does not claim:
#   - no FAIL and no ERROR; WARN only for ADVISORY cases (they warn about what the profile
#     configures on purpose: aggressive mode with a PSK);
#   - the cases that offer suites the profile does not list are SKIPped with a reason naming
#     the suite and the profile key; the identity and lifetime cases follow the declared policy.
#
#   127.0.0.2:*  ikecheck run  <---- UDP ---->  127.0.0.1:P  ikecheck serve (narrow profile)
#
# Ports 27000-27999 (tests/lib.sh's port plan). Run it under flock /tmp/ikecheck-selftest.lock:
# it shares the machine with the self-test. CLAIMS_OUT=DIR keeps the run.
. tests/lib.sh
IK=${CLAIMS_IK:-build/ikecheck} # the release build: a whole suite run under ASan takes long

T=${CLAIMS_OUT:-$TEST_TMP}
mkdir -p "$T"
P=$((27000 + ($$ % 240) * 4)) # DUT IKE, DUT NAT-T, tester IKE, tester NAT-T

cat >"$T/narrow.conf" <<EOF
# A gateway configured narrowly, as real ones are (tests/sh/claims.sh).
[dut]
name        = narrow-serve
address     = 127.0.0.1
port        = $P
nat_t_port  = $((P + 1))
vendor      = ikecheck
id          = @dut.narrow.test
subnet      = 10.2.0.0/24
[tester]
address     = 127.0.0.2
port        = $((P + 2))
nat_t_port  = $((P + 3))
subnet      = 10.1.0.0/24
[auth]
method      = psk
psk         = "narrow-secret"
peer_ids    = any
[phase1]
modes       = main, aggressive
proposals   = aes128-sha1-modp2048
lifetime    = 8h
[phase2]
proposals   = aes128-sha1
pfs         = modp2048
lifetime    = 1h
lifetime_policy = obey
[features]
nat_t       = yes
dpd         = yes
EOF

check "the narrow profile is valid" $IK profile check "$T/narrow.conf"
serve_start "$T/serve.out" --profile "$T/narrow.conf" --pidfile "$T/serve.pid"
rc=0
$IK run --profile "$T/narrow.conf" --out "$T/run" --quiet --silence 1200 --parallel 12 \
	--dut-initiate "kill -USR1 $SERVE_PID" >"$T/run.out" 2>&1 || rc=$?
check "the run completed (exit $rc, 0 wanted)" test "$rc" = 0

R=$T/run/results.jsonl
verdict() { jq -r --arg id "$1" 'select(.type=="case" and .id==$id) | .verdict' "$R"; }
reason() { jq -r --arg id "$1" 'select(.type=="case" and .id==$id) | .reason' "$R"; }

bad=$(jq -r 'select(.type=="case" and (.verdict=="FAIL" or .verdict=="ERROR" or
	(.verdict=="WARN" and .level!="ADVISORY"))) | "\(.id) \(.verdict)"' "$R")
check "no FAIL, no ERROR, WARN only for advisories${bad:+ (got: $(echo $bad))}" test -z "$bad"
total=$(jq -r 'select(.type=="case") | .id' "$R" | wc -l)
listed=$($IK list cases | tail -1 | awk '{print $1}')
check "every case of the suite decided ($total of $listed)" test "$total" = "$listed"
noreason=$(jq -r 'select(.type=="case" and .verdict=="SKIP" and (.reason|length) < 20) | .id' "$R")
check "every SKIP says why${noreason:+ (not: $(echo $noreason))}" test -z "$noreason"

# Offers of suites the profile does not list: SKIP, naming the suite and the key.
while read -r id pat; do
	v=$(verdict "$id")
	check "$id: SKIP ($v): $pat" test "$v" = SKIP
	reason "$id" >"$T/why"
	check_grep "$id: the reason names it" "$pat" "$T/why"
done <<'EOF'
MM-POS-004 does not list aes256-sha256-modp2048 in phase1\.proposals
AM-POS-003 does not list aes256-sha256-modp2048 in phase1\.proposals
MM-NEG-010 does not list aes256-sha256-modp2048 in phase1\.proposals
QM-POS-003 does not list aes256gcm16 in phase2\.proposals
QM-NEG-003 does not list aes256gcm16 in phase2\.proposals
MM-ID-003 no expect line for auth\.peer_ids = any
EOF

# What the narrow DUT does claim is still judged, by its declared policies.
for id in MM-POS-003 MM-NEG-001 MM-POS-005 MM-POS-006 QM-POS-005 AM-KE-004 QM-PFS-001 \
	MM-ID-002 AM-ID-001 MM-ID-004 QM-LIFE-001 QM-LIFE-002 QM-LIFE-003 QM-LIFE-004 MM-LIFE-001; do
	v=$(verdict "$id")
	check "$id: PASS ($v)" test "$v" = PASS
done
exit $TESTS_FAILED
