# ikecheck connect --mutate against ikecheck serve on loopback (issue 5 item 1): the mutation
# shows on the ladder, the serve side reacts as the RFCs say, a mutation that never fits is
# reported, and a bad spec is a usage error (exit 2) naming the wrong word.
#
#   127.0.0.2:T (tester, connect --mutate) <---- UDP ----> 127.0.0.1:D (DUT, serve)
. tests/lib.sh

T=$TEST_TMP
# Ports: see the plan in tests/lib.sh.
BASE=$((21000 + ($$ % 100) * 20))
loopback_profile peers/profiles/loopback-dut.conf "$T/dut.conf" $BASE $((BASE + 5))
loopback_profile peers/profiles/loopback-tester.conf "$T/tester.conf" $BASE $((BASE + 5))

# --- bad specs: exit 2 before anything is sent ---------------------------------------------
check_fails "bad message name: exit 2" 2 $IK connect --profile "$T/tester.conf" --mutate "MM9 send drop"
check_grep "bad message name: names the word and the choices" "message 'MM9': expected MM1..MM6" "$(last_out)"
check_fails "op not for the place: exit 2" 2 $IK connect --profile "$T/tester.conf" --mutate "MM5 send flip"
check_grep "op not for the place: lists what send takes" "'flip' does not apply to send \(it takes: duplicate, drop, delay, replay\)" "$(last_out)"
check_fails "missing argument: exit 2" 2 $IK connect --profile "$T/tester.conf" --mutate "MM5 HASH.data set"
check_grep "missing argument: shows the form" "needs an argument: set:V" "$(last_out)"
check_fails "two words: exit 2" 2 $IK connect --profile "$T/tester.conf" --mutate "MM5 drop"
check_fails "--mutate without a value: exit 2" 2 $IK connect --profile "$T/tester.conf" --mutate
check "connect --help mentions --mutate" $IK connect --help
check_grep "help: the grammar" 'MSG\[#N\] PLACE OP\[:ARG\]' "$(last_out)"
nine=()
for i in 1 2 3 4 5 6 7 8 9; do nine+=(--mutate "MM1 send duplicate"); done
check_fails "more than 8 mutations: exit 2" 2 $IK connect --profile "$T/tester.conf" "${nine[@]}"

# --- against serve ----------------------------------------------------------------------------
check "serve is listening" serve_start "$T/serve.log" --profile "$T/dut.conf"

# RFC 2409 5: a wrong HASH_I is refused at MM5 with a notify.
check_fails "MM5 HASH.data flip: not established (exit 1)" 1 $IK connect --profile "$T/tester.conf" \
	--timeout 5 --mutate "MM5 HASH.data flip:0"
cp "$(last_out)" "$T/hash.out"
check_grep "ladder marks the mutated MM5" 'MM5 --->.*; mutated: MM5 HASH.data flip:0' "$T/hash.out"
check_grep "refused at MM5 with INVALID-HASH-INFORMATION" \
	'^failed at MM5 \(MM_KEY_EXCH\): peer sent an unprotected notify INVALID-HASH-INFORMATION' "$T/hash.out"
check_grep "the mutation was applied once" "^mutation 'MM5 HASH.data flip:0': applied 1 time" "$T/hash.out"

# #1 send drop: the clean retransmission completes the exchange.
check "MM3#1 send drop: established by retransmission" $IK connect --profile "$T/tester.conf" \
	--mutate "MM3#1 send drop"
cp "$(last_out)" "$T/drop.out"
check_grep "ladder: MM3 marked dropped" 'MM3 --->.*mutated: MM3#1 send drop' "$T/drop.out"
# Sent again by our timer, or as the answer to the DUT's MM2 retransmission (whichever is first).
check_grep "ladder: MM3 sent again" 'MM3\(re\)|MM2\(re\).*stored reply sent again' "$T/drop.out"
check_grep "established" '^established: ISAKMP SA' "$T/drop.out"

# RFC 2407 4.5.4 with the profile's lenient policy: a longer quick mode lifetime is lowered.
check "QM1 lifetime 86400: established, lowered" $IK connect --profile "$T/tester.conf" \
	--mutate "QM1 SA.P[0].T[0].SA_LIFE_DURATION set:86400"
check_grep "QM1 marked on the ladder" 'QM1 --->.*mutated: QM1 SA.P\[0\].T\[0\].SA_LIFE_DURATION' "$(last_out)"
check_grep "the DUT's lifetime is used" 'IPsec SA .*3600 s' "$(last_out)"

# A path the message lacks: never applied, said so.
check "a path MM1 lacks: exchange unchanged" $IK connect --profile "$T/tester.conf" --no-quick \
	--mutate "MM1 NONCE.data flip"
check_grep "not applied, and why" "^mutation 'MM1 NONCE.data flip': NOT applied \(the message was there" "$(last_out)"

# Two mutations at once; -v logs them.
check "two mutations, -v" $IK connect --profile "$T/tester.conf" -v --mutate "QM1 send duplicate" \
	--mutate "MM2#1 recv drop"
check_grep "-v: the engine logs each applied mutation" 'mutated: MM2#1 recv drop' "$(last_out)"
check_grep "recv drop on the ladder" 'MM2 ----.*ignored as if lost' "$(last_out)"

check_grep "serve logged the refused HASH_I" 'HASH_I does not verify' "$T/serve.log"
exit $TESTS_FAILED
