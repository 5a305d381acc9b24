#!/usr/bin/env bash
# Lab: `ikecheck probe` and ike-scan side by side against strongSwan (issue 14 item 2). The same
# probes from the tester namespace, the answers compared field by field, both times printed:
# main mode with the profile's first proposal (a handshake), ike-scan's default set (which
# strongSwan's profile refuses), aggressive mode with the tester's identity (strongSwan's
# identity and HASH_R; psk-crack finds the lab's key in our --pskcrack line), and the backoff
# of charon's MM2 retransmissions seen by both tools at once.
#
#   tester 192.0.2.1 (ikecheck probe, ike-scan) ---- veth ----> dut 192.0.2.2 (charon, UDP 500)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source harness/lib/labtest.sh
source harness/lib/common.sh
lab_test_init probecmp

IK=$PWD/build/ikecheck
T=$TEST_TMP
DUT=192.0.2.2
profile_set peers/profiles/strongswan.conf phase1.modes main,aggressive >"$T/sw.conf"
check "probe vs ike-scan: lab up strongswan" lab up strongswan --profile "$T/sw.conf"

# timed NAME OUT CMD...: CMD in the tester namespace, its output in OUT, its time in $T/NAME.t
timed() {
	local name=$1 out=$2 t0 t1
	shift 2
	t0=$(date +%s%N)
	lab exec tester "$@" >"$out" 2>&1
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}' >"$T/$name.t"
}
times() { echo "# $1: ikecheck probe $(cat "$T/ik.t") s, ike-scan $(cat "$T/is.t") s"; }
ik_nums() { jq -r '.transform | [.enc_id, .hash_id, .auth_id, .group_id] | join(" ")' "$1"; }
ik_vids() { jq -r '.vids[].hex' "$1" | sort | tr '\n' ' '; }
is_vids() { grep -oE 'VID=[0-9a-f]+' "$1" | cut -d= -f2 | sort | tr '\n' ' '; }
# What the host did: handshake, notify N, or none.
ik_what() { jq -r 'if .result == "notify" then "notify \(.notify_id)" elif .result == "silent" then "none" else .result end' "$1"; }
is_what() {
	if grep -q 'Handshake returned' "$1"; then echo handshake
	elif grep -qE 'Notify message [0-9]+' "$1"; then sed -nE 's/.*Notify message ([0-9]+) .*/notify \1/p' "$1" | head -1
	else echo none; fi
}

# --- main mode, the profile's first proposal --------------------------------------------------
timed ik "$T/mm.json" "$IK" probe --json --trans 7/128,2,1,14 $DUT
timed is "$T/mm.is" ike-scan --trans=7/128,2,1,14 $DUT
times "main mode, aes128-sha1-modp2048"
same "main mode: both see a handshake" "$(ik_what "$T/mm.json")" "$(is_what "$T/mm.is")"
same "main mode: the same transform" "$(ik_nums "$T/mm.json")" "$(ikescan_trans "$T/mm.is")"
same "main mode: the same vendor IDs" "$(ik_vids "$T/mm.json")" "$(is_vids "$T/mm.is")"
check "main mode: strongSwan's vendor IDs decoded by name" \
	jq -e '[.vids[] | select(.name)] | length > 0' "$T/mm.json"

# --- ike-scan's default set: strongSwan's profile has none of it -------------------------------
timed ik "$T/def.json" "$IK" probe --json --retry 2 $DUT
timed is "$T/def.is" ike-scan --retry=2 $DUT
times "main mode, the default set"
same "default set: the same answer (a refusal)" "$(ik_what "$T/def.json")" "$(is_what "$T/def.is")"

# --- aggressive mode ----------------------------------------------------------------------------
timed ik "$T/am.json" "$IK" probe --json -A --id 192.0.2.1 --dhgroup 14 --trans 7/128,2,1,14 $DUT
timed is "$T/am.is" ike-scan -A --idtype=1 --id=0xc0000201 --dhgroup=14 --trans=7/128,2,1,14 $DUT
times "aggressive mode"
same "aggressive: both see a handshake" "$(ik_what "$T/am.json")" "$(is_what "$T/am.is")"
same "aggressive: the same transform" "$(ik_nums "$T/am.json")" "$(ikescan_trans "$T/am.is")"
same "aggressive: the same identity" "$(jq -r '.id_type + " " + .id' "$T/am.json")" \
	"$(sed -nE 's/.*ID\(Type=([A-Z_0-9]+), Value=([^)]*)\).*/\1 \2/p' "$T/am.is")"
same "aggressive: the same HASH_R length" "$(jq -r .hash_r_len "$T/am.json")" \
	"$(sed -nE 's/.*Hash\(([0-9]+) bytes\).*/\1/p' "$T/am.is")"
same "aggressive: the same vendor IDs" "$(ik_vids "$T/am.json")" "$(is_vids "$T/am.is")"
lab exec tester "$IK" probe -q --pskcrack -A --id 192.0.2.1 --dhgroup 14 --trans 7/128,2,1,14 $DUT \
	>"$T/psk.txt" 2>&1
printf 'secret\nikecheck-lab-secret\n' >"$T/dict"
check "aggressive: psk-crack finds the lab's key in our --pskcrack line" psk-crack -d "$T/dict" "$T/psk.txt"
check_grep "aggressive: psk-crack names it" 'key "ikecheck-lab-secret" matches' "$(last_out)"

# --- backoff: both tools at once, each with its own cookie ----------------------------------------
# ike-scan --showbackoff=N waits N s after the last copy; so does ours.
BO=6
lab exec tester "$IK" probe --showbackoff=$BO --trans 7/128,2,1,14 $DUT >"$T/bo.ik" 2>&1 &
bo1=$!
lab exec tester ike-scan --showbackoff=$BO --trans=7/128,2,1,14 $DUT >"$T/bo.is" 2>&1 &
bo2=$!
track $bo1 $bo2
wait $bo1
wait $bo2
n_ik=$(sed -nE 's/^192\.0\.2\.2: ([0-9]+) packets$/\1/p' "$T/bo.ik")
grep -q 'no retransmissions seen' "$T/bo.ik" && n_ik=1
n_is=$(grep -cE "^$DUT"$'\t''[0-9]+'$'\t' "$T/bo.is")
same "backoff: both saw the same number of MM2 copies" "$n_ik" "$n_is"
echo "# charon's backoff seen by ikecheck probe: $(grep 'pattern:' "$T/bo.ik" || echo 'no retransmissions')"
echo "# and by ike-scan: $(awk -F'\t' -v d=$DUT '$1 == d && $2 ~ /^[0-9]+$/ {printf "%s ", $4}' "$T/bo.is")"

check "probe vs ike-scan: lab down" lab down
check "probe vs ike-scan: nothing left" lab_gone "$LAB_NAME"
exit $TESTS_FAILED
