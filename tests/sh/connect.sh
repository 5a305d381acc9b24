# ikecheck serve and ikecheck connect against each other on loopback (issue 4, items 6 and 7):
# main, aggressive and quick mode, a wrong pre-shared key, a broken profile, nobody listening,
# SIGTERM and --once shutdowns, the key file, and (as root, in a namespace of our own, with
# tcpdump and tshark) tshark and `decode --keys` decrypting our capture with our key file: the
# independent check of wire format and keys.
#
#   127.0.0.2:T (tester, connect) <---- UDP ----> 127.0.0.1:D (DUT, serve)
#
# Ports come from $$ so parallel runs do not collide; no root needed except for the capture.
. tests/lib.sh

IN_NS=() # a command prefix: run serve, tcpdump, connect inside our namespace
AT_EXIT='[[ -n ${NS:-} ]] && ip netns del "$NS" 2>/dev/null'

T=$TEST_TMP
BASE=$((18000 + ($$ % 20) * 150))

# profile TEMPLATE OUT N [TPORT]: the loopback profile with its ports moved to BASE + 10*N (the
# tester's to TPORT when given).
profile() {
	loopback_profile "$1" "$2" $((BASE + 10 * $3)) "${4:-$((BASE + 10 * $3 + 5))}"
}

DUT=peers/profiles/loopback-dut.conf
TESTER=peers/profiles/loopback-tester.conf

# --- main mode + quick mode, serve --once --------------------------------------------------
profile $DUT "$T/dut1.conf" 1
profile $TESTER "$T/tester1.conf" 1
check "serve starts and says where it listens" serve_start "$T/serve1.log" --profile "$T/dut1.conf" \
	--once --keys "$T/serve1.keys" --pidfile "$T/serve1.pid"
check "pidfile holds the serve pid" grep -qx "$SERVE_PID" "$T/serve1.pid"
check "connect brings main + quick mode up (exit 0)" $IK connect --profile "$T/tester1.conf" \
	--keys "$T/conn1.keys"
cp "$(last_out)" "$T/conn1.out"
for m in MM1 MM2 MM3 MM4 MM5 MM6 QM1 QM2 QM3; do
	check_grep "ladder shows $m" "$m" "$T/conn1.out"
done
check_grep "ladder shows the IOS states" 'MM_KEY_EXCH.*HDR\*' "$T/conn1.out"
check_grep "QM_IDLE after MM6" 'MM6 ----.*QM_IDLE' "$T/conn1.out"
check_grep "the SAs are deleted at the end" 'INFO.*HDR\*, HASH, D' "$T/conn1.out"
check_grep "result line names both SAs" \
	'^established: ISAKMP SA [0-9a-f]{16}/[0-9a-f]{16} \(AES-CBC/256 SHA2-256 MODP-2048, 28800 s\), IPsec SA ESP in 0x[0-9a-f]{8} out 0x[0-9a-f]{8} \(ESP_AES/128 HMAC-SHA, PFS MODP-2048, 3600 s, TUNNEL\)' \
	"$T/conn1.out"
serve_wait "$SERVE_PID"
check "serve --once exits 0 after the first quick mode" test $? -eq 0
check_grep "serve logs the ISAKMP SA" 'ISAKMP SA established, main mode' "$T/serve1.log"
check_grep "serve logs the IPsec SA" 'IPsec SA established: ESP in' "$T/serve1.log"
check "serve removed its pidfile" test ! -e "$T/serve1.pid"
icky=$(sed -n 's/^established: ISAKMP SA \([0-9a-f]*\)\/.*/\1/p' "$T/conn1.out")
check "key file is mode 0600" test "$(stat -c %a "$T/conn1.keys")" = 600
check_grep "key file: ikev1_decryption_table line for our cookie" \
	"^$icky,[0-9a-f]{32,64}\$" "$T/conn1.keys"
check_grep "key file: esp_sa lines" '^"IPv4","127.0.0.2","127.0.0.1","0x[0-9a-f]{8}","AES-CBC \[RFC3602\]","0x[0-9a-f]{32}","HMAC-SHA-1-96 \[RFC2404\]","0x[0-9a-f]{40}"$' "$T/conn1.keys"
check "both sides derived the same keys" \
	cmp <(grep -v '^#' "$T/conn1.keys" | sort) <(grep -v '^#' "$T/serve1.keys" | sort)

# --- a serve whose ESP is keyed wrongly: quick mode completes, no traffic -------------------
profile $DUT "$T/dut7.conf" 7
profile $TESTER "$T/tester7.conf" 7
check "serve with esp-wrong-keys starts" serve_start "$T/serve7.log" --profile "$T/dut7.conf" \
	--quirk esp-wrong-keys
check_fails "connect --ping against wrong ESP keys: exit 1" 1 $IK connect \
	--profile "$T/tester7.conf" --ping 2
check_grep "established, then no ping back" '^traffic: none of 2 pings came back through ESP' "$(last_out)"
check_grep "each ping says no reply" 'seq 1, no reply' "$(last_out)"
serve_stop

# --- one long-running serve: several peers, failures, SIGTERM -------------------------------
profile $DUT "$T/dut2.conf" 2
# Any peer identity: the four peers below each have their own (INITIAL-CONTACT, which every
# connect sends in MM5, makes serve end the SAs of the same identity: RFC 3947 6).
sed -i 's/^\[auth\]$/[auth]\npeer_ids = any/' "$T/dut2.conf"
profile $TESTER "$T/tester2.conf" 2
sed 's/^psk .*/psk = "not-the-secret"/' "$T/tester2.conf" >"$T/wrongpsk.conf"
check "serve starts (no --once)" serve_start "$T/serve2.log" --profile "$T/dut2.conf"
SERVE2=$SERVE_PID
check_fails "wrong pre-shared key: exit 1" 1 $IK connect --profile "$T/wrongpsk.conf" --timeout 5
check_grep "wrong PSK: stops at MM5 (MM_KEY_EXCH)" '^failed at MM5 \(MM_KEY_EXCH\)' "$(last_out)"
check_grep "wrong PSK: the hint says pre-shared key" 'pre-shared key' "$(last_out)"
check "aggressive mode + quick mode" $IK connect --profile "$T/tester2.conf" --aggressive
check_grep "aggressive ladder AM1..AM3 then QM3" 'AM3 --->.*QM_IDLE' "$(last_out)"
check_grep "aggressive: QM3 follows" 'QM3' "$(last_out)"
# The ESP data path (issue 12): serve answers pings to 10.2.0.1 behind every IPsec SA.
check "connect --ping 3: the SA carries traffic (exit 0)" $IK connect --profile "$T/tester2.conf" \
	--ping 3
cp "$(last_out)" "$T/ping.out"
check "a line per ping with its round trip" test "$(grep -cE '^ping 10\.2\.0\.1 through the tunnel: seq [0-2], [0-9.]+ ms$' "$T/ping.out")" -eq 3
check_grep "the traffic line" '^traffic: 3 of 3 pings came back through ESP in UDP \(SPI out 0x[0-9a-f]{8}, in 0x[0-9a-f]{8}\): the SA carries traffic$' "$T/ping.out"
check_fails "--ping 0 is a usage error" 2 $IK connect --profile "$T/tester2.conf" --ping 0
check "phase 1 only (--no-quick)" $IK connect --profile "$T/tester2.conf" --no-quick --quiet
check_grep "--no-quick: ISAKMP SA only" '^established: ISAKMP SA [0-9a-f/]+ \([^)]*\)$' "$(last_out)"
check "serve still answers after a failure" $IK connect --profile "$T/tester2.conf" --quiet
sed 's/^proposals   = aes256-sha256-modp2048, aes128-sha1-modp2048/proposals = aes128-md5-modp1536/' \
	"$T/tester2.conf" >"$T/noprop.conf"
check_fails "no proposal in common: exit 1" 1 $IK connect --profile "$T/noprop.conf" --quiet
check_grep "no proposal: the DUT's notify and a hint" \
	'^failed at MM1 \(MM_NO_STATE\): peer sent an unprotected notify NO-PROPOSAL-CHOSEN' "$(last_out)"
check_grep "no proposal: hint names the proposals" '^hint: the DUT accepts none of our proposals' \
	"$(last_out)"
sed 's/^pfs .*/pfs = none/' "$T/tester2.conf" >"$T/nopfs.conf"
check_fails "PFS mismatch: quick mode refused, exit 1" 1 $IK connect --profile "$T/nopfs.conf"
check_grep "PFS mismatch: fails at QM1 with a protected notify" \
	'^failed at QM1 \(QM_IDLE\): peer sent a protected notify NO-PROPOSAL-CHOSEN' "$(last_out)"
check_grep "PFS mismatch: phase 1 was up, so the ISAKMP SA is deleted" 'INFO --->.*HDR\*, HASH, D' \
	"$(last_out)"
sed 's/^id          = @dut.loopback.test/id = @someone.else.test/' "$T/tester2.conf" >"$T/otherid.conf"
check_fails "DUT identity not the configured one: exit 1" 1 $IK connect --profile "$T/otherid.conf"
check_grep "identity mismatch: named after MM6 arrived" \
	'^failed at MM5 \(MM_KEY_EXCH\): peer identity ID_FQDN.*is not the one configured' "$(last_out)"
check_grep "identity mismatch: MM6 was received" '<--- MM6 ----' "$(last_out)"
sed 's/^proposals   = aes128-sha1, aes256gcm16/proposals = aes256gcm16/' "$T/tester2.conf" >"$T/gcm.conf"
check "AES-GCM quick mode" $IK connect --profile "$T/gcm.conf" --quiet --keys "$T/gcm.keys"
check_grep "AES-GCM: named in the result" 'ESP_AES-GCM_16/256, PFS' "$(last_out)"
check_grep "AES-GCM: key file has key+salt (36 octets) and no integrity" \
	'"AES-GCM with 16 octet ICV \[RFC4106\]","0x[0-9a-f]{72}","NULL","0x"$' "$T/gcm.keys"
# Many peers at once: four testers on their own ports and with their own identities, started
# together (one identity would be one restarted peer: its INITIAL-CONTACT ends the others' SAs).
cpids=()
for k in 1 2 3 4; do
	profile $TESTER "$T/peer$k.conf" 2 $((BASE + 100 + 2 * k))
	sed -i "s/^\[tester\]\$/[tester]\nid = @peer$k.loopback.test/" "$T/peer$k.conf"
	$IK connect --profile "$T/peer$k.conf" --quiet >"$T/peer$k.out" 2>&1 &
	cpids+=($!)
done
up=0
for p in "${cpids[@]}"; do wait "$p" && up=$((up + 1)); done
check "four peers at once all get their tunnel" test $up -eq 4
kill -TERM "$SERVE2"
serve_wait "$SERVE2"
check "serve exits 0 on SIGTERM (ASan: no leaks)" test $? -eq 0
check_grep "serve logged the failure with message and state" \
	'phase 1 failed at MM5 \(MM_KEY_EXCH\): .*pre-shared key' "$T/serve2.log"
check_grep "serve counted the SAs" '11 ISAKMP SA\(s\) and 8 IPsec SA\(s\)' "$T/serve2.log"
check "serve logged every established IPsec SA" test "$(grep -c 'IPsec SA established' "$T/serve2.log")" -eq 8

# --- --seed: both sides seeded, the whole exchange (so every key) is the same twice ----------
profile $DUT "$T/dut5.conf" 5
profile $TESTER "$T/tester5.conf" 5
for run in 1 2; do
	serve_start "$T/seed$run.log" --profile "$T/dut5.conf" --once --seed 7
	$IK connect --profile "$T/tester5.conf" --seed 9 --keys "$T/seed$run.keys" --quiet \
		>"$T/seed$run.out" 2>&1
	serve_wait "$SERVE_PID"
done
check "--seed: same cookies, SPIs and keys in two runs" cmp "$T/seed1.keys" "$T/seed2.keys"
check "--seed: the key file is not empty" grep -q '^"IPv4"' "$T/seed1.keys"
check "--seed: a different seed gives other keys" sh -c "! cmp -s '$T/seed1.keys' '$T/conn1.keys'"

# --- serve on both sides (the lab's peers/ikecheck): --side tester --role initiator --------------
profile $DUT "$T/both.conf" 6
check "serve as the DUT" serve_start "$T/both-dut.log" --profile "$T/both.conf" --once
DUTPID=$SERVE_PID
check "serve as the tester, initiating" serve_start "$T/both-tester.log" --profile "$T/both.conf" \
	--side tester --role initiator --once
serve_wait "$SERVE_PID"
check "tester-side serve exits 0 once its quick mode is done" test $? -eq 0
serve_wait "$DUTPID"
check "DUT-side serve exits 0 too" test $? -eq 0
check_grep "tester side listened on the tester's address" 'listening on 127.0.0.2:' \
	"$T/both-tester.log"
check_grep "tester side brought the IPsec SA up" 'IPsec SA established' "$T/both-tester.log"
check_grep "DUT side saw it from the tester" '127.0.0.2:[0-9]+ .*IPsec SA established' \
	"$T/both-dut.log"
check_fails "serve: bad --side: exit 2" 2 $IK serve --profile "$T/both.conf" --side both

# --- errors that are not the DUT's fault: exit 2 ---------------------------------------------
sed 's/^lifetime    = 28800/lifetime    = banana/' "$T/tester1.conf" >"$T/broken.conf"
line=$(grep -n banana "$T/broken.conf" | cut -d: -f1)
check_fails "broken profile: exit 2" 2 $IK connect --profile "$T/broken.conf"
check_grep "broken profile: FILE:LINE: reason" "broken.conf:$line: " "$(last_out)"
check_fails "no --profile: exit 2" 2 $IK connect
check "connect --help" $IK connect --help
check_grep "connect --help names the exit statuses" '0 established, 1 not established' "$(last_out)"
check "serve --help" $IK serve --help
check_fails "serve: no --profile: exit 2" 2 $IK serve
check_fails "serve: bad --seed: exit 2" 2 $IK serve --profile "$T/dut1.conf" --seed x1
check_fails "serve, broken profile: exit 2" 2 $IK serve --profile "$T/broken.conf"
check_fails "unknown option: exit 2" 2 $IK connect --profile "$T/tester1.conf" --frobnicate
check_fails "key file not writable: exit 2" 2 $IK connect --profile "$T/tester1.conf" \
	--keys "$T/no/such/dir/k"
check_grep "key file not writable: named" 'no/such/dir/k: No such file' "$(last_out)"
sed 's/^address     = 127.0.0.1/address     = 10.9.9.9/' "$T/dut1.conf" >"$T/notlocal.conf"
check_fails "serve on an address we do not have: exit 2" 2 $IK serve --profile "$T/notlocal.conf"
check_grep "serve: cannot listen, says where" 'cannot listen on 10.9.9.9:' "$(last_out)"

# --- nobody listening: exit 1 with the hint ---------------------------------------------------
profile $TESTER "$T/tester3.conf" 3
check_fails "nobody listening: exit 1" 1 $IK connect --profile "$T/tester3.conf" --timeout 2
check_grep "nobody listening: no MM2" '^failed at MM1 \(MM_NO_STATE\): no MM2' "$(last_out)"
check_grep "nobody listening: hint" 'unreachable' "$(last_out)"
check_grep "nobody listening: MM1 retransmitted" 'MM1\(re\)' "$(last_out)"
$IK connect --profile "$T/tester3.conf" >"$T/int.out" 2>&1 &
cp=$!
sleep 2 # past start-up (ASan included), while MM1 is being retransmitted
kill -INT $cp
wait $cp
check "SIGINT during connect: exit 2" test $? -eq 2
check_grep "SIGINT: says where it was" '^interrupted at MM1 \(MM_NO_STATE\)' "$T/int.out"

# --- in a namespace of our own (root): real ports 500/4500, a capture that tshark and
# `decode --keys` decrypt with our key file, and a local network error --------------------------
if [[ $(id -u) -eq 0 ]] && command -v ip >/dev/null && ip netns add "cli-connect-$$" 2>/dev/null; then
	NS=cli-connect-$$
	ip -n "$NS" link set lo up
	IN_NS=(ip netns exec "$NS")
	SERVE_PREFIX=("${IN_NS[@]}")
	for f in dut tester; do
		src=$DUT
		[[ $f == tester ]] && src=$TESTER
		sed -e 's/= 10500$/= 500/' -e 's/= 14500$/= 4500/' -e 's/= 20500$/= 500/' \
		    -e 's/= 24500$/= 4500/' "$src" >"$T/ns-$f.conf"
	done
	if command -v tcpdump >/dev/null && command -v tshark >/dev/null; then
		"${IN_NS[@]}" tcpdump -U --immediate-mode -i lo -w "$T/f.pcap" udp port 500 \
			>"$T/tcpdump.log" 2>&1 &
		TD=$!
		track "$TD"
		for i in $(seq 50); do grep -q "listening on" "$T/tcpdump.log" && break; sleep 0.1; done
		serve_start "$T/serve4.log" --profile "$T/ns-dut.conf" --once
		check "capture: connect on port 500" "${IN_NS[@]}" $IK connect \
			--profile "$T/ns-tester.conf" --keys "$T/f.keys"
		serve_wait "$SERVE_PID"
		sleep 0.3
		kill -INT "$TD"
		wait "$TD"
		args=()
		while read -r l; do
			case $l in
			'#'* | '') ;;
			'"IPv'*) args+=(-o "uat:esp_sa:$l") ;;
			*) args+=(-o "uat:ikev1_decryption_table:$l") ;;
			esac
		done <"$T/f.keys"
		ts() { tshark -r "$T/f.pcap" "$@" 2>/dev/null; }
		check "tshark: 11 ISAKMP messages captured" test "$(ts -Y isakmp | wc -l)" -eq 11
		check "tshark without keys sees no ID payload" \
			test "$(ts -Y isakmp.typepayload==5 | wc -l)" -eq 0
		check "tshark with our keys: ID in MM5, MM6, QM1, QM2" \
			test "$(ts "${args[@]}" -Y isakmp.typepayload==5 | wc -l)" -eq 4
		check "tshark with our keys: HASH in MM5..QM3 and both deletes" \
			test "$(ts "${args[@]}" -Y isakmp.typepayload==8 | wc -l)" -eq 7
		check "tshark with our keys: Delete payloads" \
			test "$(ts "${args[@]}" -Y isakmp.typepayload==12 | wc -l)" -eq 2
		check "tshark: nothing malformed" \
			test "$(ts "${args[@]}" -Y _ws.malformed | wc -l)" -eq 0
		# Our own decoder reads the same key file (engine/crypto/trace.c).
		check "decode --keys opens our capture" $IK decode --pcap "$T/f.pcap" --keys "$T/f.keys"
		check "decode --keys: 7 messages decrypted" \
			test "$(grep -c 'decrypted with the key file' "$(last_out)")" -eq 7
		check "decode --keys: nothing left encrypted" \
			bash -c "! grep -q 'not decrypted' '$(last_out)'"
	else
		echo "ok - capture checks skipped (need tcpdump and tshark) # SKIP"
	fi
	# In a namespace with only lo, 10.9.9.9 has no route: sendto() fails, nothing leaves.
	sed -e 's/^address     = 127.0.0.1/address     = 10.9.9.9/' \
	    -e 's/^address     = 127.0.0.2/address     = 0.0.0.0/' "$T/tester3.conf" >"$T/noroute.conf"
	check_fails "no route to the DUT: exit 2" 2 "${IN_NS[@]}" $IK connect \
		--profile "$T/noroute.conf" --timeout 2
	check_grep "no route: says it could not start" '^could not start: .*unreachable' "$(last_out)"
	IN_NS=()
	SERVE_PREFIX=()
	ip netns del "$NS"
	NS=
else
	echo "ok - namespace checks skipped (need root and ip netns) # SKIP"
fi
exit $TESTS_FAILED
