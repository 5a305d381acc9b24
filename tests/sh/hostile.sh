# A hostile DUT (issue 14 item 4): `ikecheck serve --fuzz SEED` breaks the messages it sends
# (fields, lengths, payloads dropped, duplicated or reordered, truncation, garbage, plaintext
# before encryption, ciphertext, IV, drops, duplicates, delays, replays), and the ASan build of
# `ikecheck run` must still end every case with a verdict: exit 0 or 1, in bounded time, no
# sanitizer report, complete records and reports. A few fixed seeds on a sample of the suite;
# `make hostile` (tests/hostile_all.sh) runs many seeds over all of it.
#
#   127.0.0.2:*  ikecheck run  <---- UDP ---->  127.0.0.1:D  ikecheck serve --fuzz SEED
. tests/lib.sh

T=$TEST_TMP
P=$((30000 + ($$ % 60) * 8))
SAMPLE='MM-POS-*,AM-*,QM-POS-*,DPD-*,INFO-*'

check_fails "--fuzz without a number: usage error" 2 $IK serve --profile peers/profiles/loopback-dut.conf --fuzz x
check_fails "--fuzz-rate out of range: usage error" 2 $IK serve --profile peers/profiles/loopback-dut.conf --fuzz 1 --fuzz-rate 2
check_fails "--fuzz-rate without --fuzz: usage error" 2 $IK serve --profile peers/profiles/loopback-dut.conf --fuzz-rate 0.5
$IK serve --profile peers/profiles/loopback-dut.conf --fuzz-rate 0.5 >/dev/null 2>"$T/usage.err"
check_grep "... saying what is missing" 'needs --fuzz' "$T/usage.err"

# A quarter, half and every reply broken: with every one broken the DUT looks dead to the
# liveness probe, so that seed also takes the run's "stopped early" path.
n=0
for sr in 1:0.25 2:0.5 3:1; do
	seed=${sr%%:*}
	HOSTILE_RATE=${sr#*:} HOSTILE_TIMEOUT=60 hostile_run "$T/s$seed" "$seed" $((P + 2 * n)) "$SAMPLE" \
		--silence 300 --dead-wait 1 --parallel 8
	check "seed $seed rate ${sr#*:}: the tester held (${HOSTILE_WHY:-all $HOSTILE_CASES cases judged})" \
		test -z "$HOSTILE_WHY"
	n=$((n + 1))
done
check_grep "serve logs each mutation it applied, replayable" '^serve_fuzz: #[0-9]+ (MM|AM|QM)[1-6] ' "$T/s1/serve.log"
check_grep "... the encrypted ones too" '^serve_fuzz: #[0-9]+ (MM6|QM2|INFO) ' "$T/s1/serve.log"
exit $TESTS_FAILED
