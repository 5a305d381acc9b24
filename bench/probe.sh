#!/usr/bin/env bash
# make bench: ikecheck probe next to ike-scan over the same N loopback targets (issue 14 item 2,
# "at least its speed"): N `ikecheck serve` on 127.0.1.1..127.0.1.N (one port, as ike-scan has
# one --dport), then N addresses where nobody listens. Each tool runs R times per target set;
# the best wall-clock time is printed with what it found, so a fast wrong answer shows.
# Prints numbers; asserts only that both tools found every serve (a wrong count is exit 1).
#
#   bench/probe.sh [N] [R]     (default 16 targets, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
IK=build/ikecheck
N=${1:-16}
R=${2:-3}
P=$((29600 + $$ % 100 * 4))
out=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$out"' EXIT

command -v ike-scan >/dev/null || { echo "probe bench: skipped (no ike-scan)"; exit 0; }
up=() silent=()
for k in $(seq "$N"); do
	sed -E "/^\[dut\]/,/^\[/{s/^address( *)=.*/address\1= 127.0.1.$k/;s/^port( *)=.*/port\1= $P/;s/^nat_t_port( *)=.*/nat_t_port\1= $((P + 1))/}
		/^\[tester\]/,/^\[/{s/^port( *)=.*/port\1= $((P + 2))/;s/^nat_t_port( *)=.*/nat_t_port\1= $((P + 3))/}" \
		peers/profiles/loopback-dut.conf >"$out/p$k.conf"
	$IK serve --profile "$out/p$k.conf" >"$out/s$k.log" 2>&1 &
	pids+=($!)
	up+=("127.0.1.$k")
	silent+=("127.0.2.$k")
done
for k in $(seq "$N"); do
	for _ in $(seq 100); do grep -q listening "$out/s$k.log" && break; sleep 0.05; done
done

# best TOOL ARGS...: the best of R runs; prints "SECONDS" and leaves the best run's output in
# $out/best.
best() {
	local b=-1 t0 t1 t
	for _ in $(seq "$R"); do
		t0=$(date +%s%N)
		"$@" >"$out/run" 2>&1 || true
		t1=$(date +%s%N)
		t=$(((t1 - t0) / 1000))
		if ((b < 0 || t < b)); then b=$t; cp "$out/run" "$out/best"; fi
	done
	awk -v u="$b" 'BEGIN {printf "%.3f", u / 1e6}'
}
found_ik() { sed -nE 's/^probe: .* ([0-9]+) handshake, ([0-9]+) notify.*/\1/p' "$out/best"; }
found_is() { sed -nE 's/.* ([0-9]+) returned handshake.*/\1/p' "$out/best"; }

rc=0
ti=$(best $IK probe --dport $P "${up[@]}"); fi_=$(found_ik)
ts=$(best ike-scan --sport=0 --dport=$P "${up[@]}"); fs=$(found_is)
tsi=$(best ike-scan --sport=0 --dport=$P --interval=2 "${up[@]}"); fsi=$(found_is)
printf 'probe vs ike-scan, %d serve targets (main mode, default 8 transforms, best of %d):\n' "$N" "$R"
printf '  ikecheck probe (--interval 2, its default):  %s s, %s handshakes\n' "$ti" "$fi_"
printf '  ike-scan (--bandwidth 56000, its default):   %s s, %s handshakes\n' "$ts" "$fs"
printf '  ike-scan --interval=2 (the same pace):       %s s, %s handshakes\n' "$tsi" "$fsi"
[[ $fi_ == "$N" && $fs == "$N" && $fsi == "$N" ]] || { echo "probe bench: a tool missed a target"; rc=1; }

ti=$(best $IK probe --dport $P -A --id 127.0.0.2 "${up[@]}"); fi_=$(found_ik)
ts=$(best ike-scan --sport=0 --dport=$P -A --idtype=1 --id=0x7f000002 --interval=2 "${up[@]}"); fs=$(found_is)
printf 'aggressive mode, %d serve targets:\n  ikecheck probe %s s (%s handshakes), ike-scan --interval=2 %s s (%s handshakes)\n' \
	"$N" "$ti" "$fi_" "$ts" "$fs"
[[ $fi_ == "$N" && $fs == "$N" ]] || { echo "probe bench: a tool missed a target"; rc=1; }

R=1
ti=$(best $IK probe --dport $P "${silent[@]}")
ts=$(best ike-scan --sport=0 --dport=$P --interval=2 "${silent[@]}")
printf '%d silent targets (3 attempts, timeouts 0.5 + 0.75 + 1.125 s in both):\n  ikecheck probe %s s, ike-scan --interval=2 %s s\n' \
	"$N" "$ti" "$ts"
exit $rc
