#!/usr/bin/env bash
# make bench: `ikecheck load` (issue 14 item 1). Prints numbers; asserts only that the setups
# came up (a failed setup is a bug or a broken lab, exit 1).
#
#  a) ikecheck against itself on loopback, main mode + quick mode, PSK, AES-128/SHA-1, no PFS,
#     groups 14 and 19: `load` and `serve` are two processes, so the setups per CPU-second of
#     both together are set against the crypto bound of the same setup measured with OpenSSL
#     alone in this run (bench/bench_bound.c: 4 DH operations + the PRF and CBC passes).
#  b) is bench/bench_idle_sa.c (bytes per idle ISAKMP SA).
#  c) against strongSwan's charon in a lab namespace (LAB_NAME=load harness/lab up strongswan,
#     the lab profile with phase2.pfs = none so the setup is the same as in a), next to
#     `ikecheck serve` in the same DUT namespace under the same load: each responder's CPU per
#     setup from /proc/PID/stat (utime + stime) before and after. Needs root and strongSwan;
#     otherwise it says why it skipped.
#
#   bench/load.sh [N14] [N19] [NLAB]   setups per measurement (default 600, 2000, 400)
#
#   tester (load) ----- loopback or the lab's veth -----> DUT (serve | charon)
set -euo pipefail
cd "$(dirname "$0")/.."
IK=$PWD/build/ikecheck
BOUND=build/rel/bench/bench_bound
N14=${1:-600}
N19=${2:-2000}
NLAB=${3:-400}
P=$((8800 + $$ % 40 * 4)) # bench/load.sh's ports: 8800-8999 (tests/lib.sh)
out=$(mktemp -d)
pid=
lab_up=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[[ -n $lab_up ]] && LAB_NAME=load harness/lab down >/dev/null 2>&1
	rm -rf "$out"
}
trap cleanup EXIT

# cpu PID: utime + stime in clock ticks (/proc/PID/stat fields 14 and 15, after the comm).
cpu() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
TICK=$(getconf CLK_TCK)

# profile IN OUT GROUP DUTPORT TESTERPORT: one proposal each way, no PFS, the ports moved.
profile() {
	sed -E -e "s/^proposals( *)= [a-z0-9]+-sha[0-9]*-(modp|ecp).*/proposals\1= aes128-sha1-$3/" \
		-e 's/^proposals( *)= aes128-sha1, .*/proposals\1= aes128-sha1/' \
		-e 's/^pfs( *)=.*/pfs\1= none/' \
		-e "/^\[dut\]/,/^\[/{s/^port( *)=.*/port\1= $4/;s/^nat_t_port( *)=.*/nat_t_port\1= $(($4 + 1))/}" \
		-e "/^\[tester\]/,/^\[/{s/^port( *)=.*/port\1= $5/;s/^nat_t_port( *)=.*/nat_t_port\1= $(($5 + 1))/}" \
		"$1" >"$2"
}

# jv FILE KEY: one number of load's JSON summary.
jv() { jq -r ".$2" "$1"; }

# serve_up PROFILE [PREFIX...]: ikecheck serve in the background (pid in $pid), listening.
serve_up() {
	local prof=$1
	shift
	"$@" "$IK" serve --profile "$prof" >"$out/serve.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q "listening on" "$out/serve.log" && return 0; sleep 0.05; done
	echo "load bench: serve did not start:"
	cat "$out/serve.log"
	exit 1
}

serve_down() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	pid=
}

# ok_or_die JSON WHAT: every setup came up.
ok_or_die() {
	if [[ $(jv "$1" failed) != 0 || $(jv "$1" ok) != $(jv "$1" count) ]]; then
		echo "load bench: $2: $(jv "$1" failed) setup(s) failed: $(jq -c .failures "$1")"
		exit 1
	fi
}

# --- a) engine against itself ----------------------------------------------------------------
echo "load vs serve on loopback (main + quick mode, PSK, AES-128/SHA-1, no PFS, 16 in flight):"
for g in 14 19; do
	n=$N14 grp=modp2048
	[[ $g == 19 ]] && n=$N19 grp=ecp256
	profile peers/profiles/loopback-dut.conf "$out/d$g.conf" $grp $P $((P + 2))
	profile peers/profiles/loopback-tester.conf "$out/t$g.conf" $grp $P $((P + 2))
	serve_up "$out/d$g.conf"
	b0=$($BOUND $g)
	c0=$(cpu "$pid")
	$IK load --profile "$out/t$g.conf" --count "$n" --parallel 16 --json "$out/a$g.json" -q >/dev/null || true
	c1=$(cpu "$pid")
	# the bound before and after, averaged: other work on a shared machine moves both
	bound=$(awk -v a="$b0" -v b="$($BOUND $g)" 'BEGIN {printf "%.1f", (a + b) / 2}')
	serve_down
	ok_or_die "$out/a$g.json" "group $g"
	jq -r --arg sc "$(awk -v a="$c0" -v b="$c1" -v t="$TICK" 'BEGIN {printf "%.3f", (b - a) / t}')" \
		--arg bound "$bound" --arg g "$g" '
		(.cpu_s + ($sc | tonumber)) as $cpu | (.ok / $cpu) as $per |
		"  group \($g): \(.ok) setups in \(.elapsed_s * 1000 | round / 1000) s = \(.setups_per_s | round)/s wall-clock (2 processes, 2 cores); " +
		"CPU load \(.cpu_s * 1000 | round / 1000) s + serve \($sc) s = \($per | round) setups per CPU-second; " +
		"crypto bound \($bound | tonumber | round)/s (OpenSSL, this run): \($per / ($bound | tonumber) * 100 | round)% (goal >= 80%); " +
		"latency p50 \(.latency_ms.p50) ms p99 \(.latency_ms.p99) ms"' "$out/a$g.json"
done

# --- c) against charon in the lab, next to serve ---------------------------------------------
lab() {
	if [[ $EUID -ne 0 ]]; then
		echo "load vs charon: skipped (not root: the lab needs network namespaces)"
		return 0
	fi
	profile peers/profiles/strongswan.conf "$out/lab.conf" modp2048 500 500
	if ! LAB_NAME=load harness/lab up strongswan --profile "$out/lab.conf" >"$out/lab.log" 2>&1; then
		echo "load vs charon: skipped (the lab did not come up: $(tail -1 "$out/lab.log"))"
		LAB_NAME=load harness/lab down >/dev/null 2>&1 || true
		return 0
	fi
	lab_up=1
	local charon
	charon=$(sed -n 's/.*charon pid \([0-9]*\).*/\1/p' "$out/lab.log" | tail -1)
	if [[ -z $charon || ! -r /proc/$charon/stat ]]; then
		echo "load vs charon: skipped (no charon pid in the lab's output)"
		return 0
	fi
	local prof c0 c1
	prof=$(LAB_NAME=load harness/lab profile)
	c0=$(cpu "$charon")
	LAB_NAME=load harness/lab exec tester "$IK" load --profile "$prof" --count "$NLAB" \
		--parallel 16 --json "$out/c.json" -q >/dev/null || true
	c1=$(cpu "$charon")
	ok_or_die "$out/c.json" "charon"
	echo $(((c1 - c0))) >"$out/c.ticks"
	# The same load against ikecheck serve in the DUT namespace (other ports, same addresses).
	profile "$prof" "$out/s.conf" modp2048 $((P + 100)) $((P + 102))
	serve_up "$out/s.conf" ip netns exec load-dut
	c0=$(cpu "$pid")
	LAB_NAME=load harness/lab exec tester "$IK" load --profile "$out/s.conf" --count "$NLAB" \
		--parallel 16 --json "$out/s.json" -q >/dev/null || true
	c1=$(cpu "$pid")
	serve_down
	ok_or_die "$out/s.json" "serve in the lab"
	echo "load in the lab ($NLAB setups, main + quick mode, PSK, AES-128/SHA-1, MODP-2048, no PFS, 16 in flight):"
	local who json ticks
	for who in charon serve; do
		json=$out/c.json ticks=$(cat "$out/c.ticks")
		[[ $who == serve ]] && json=$out/s.json ticks=$((c1 - c0))
		jq -r --arg who "$who" --arg t "$ticks" --arg hz "$TICK" '
			(($t | tonumber) / ($hz | tonumber)) as $c |
			"  \($who | if . == "charon" then "strongSwan charon " else "ikecheck serve    " end): " +
			"\(.setups_per_s | round) setups/s wall-clock, responder CPU \($c) s = " +
			"\(if .ok > 0 then ($c * 1000 / .ok * 100 | round / 100) else 0 end) ms per setup = " +
			"\(if $c > 0 then (.ok / $c | round) else "inf" end) setups per CPU-second; p50 \(.latency_ms.p50) ms"' "$json"
	done
	awk -v a="$(cat "$out/c.ticks")" -v b="$((c1 - c0))" -v na="$(jv "$out/c.json" ok)" -v nb="$(jv "$out/s.json" ok)" \
		'BEGIN { if (a > 0 && b > 0) printf "  serve does %.1fx the setups per CPU-second of charon (goal >= 3x)\n", (nb / b) / (na / a);
		         else print "  (a CPU time too small to compare: raise NLAB)" }'
}
lab
