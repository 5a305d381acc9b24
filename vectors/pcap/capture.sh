#!/usr/bin/env bash
# Regenerate the ike-scan captures in this directory (root: uses a private network namespace).
# Each capture: tcpdump on the namespace's loopback while ike-scan sends one kind of message to
# 127.0.0.1 (or ::1); nothing answers, so these are initiator messages. See README.md.
#
#   vectors/pcap/capture.sh [OUTDIR]     (default: vectors/pcap)
set -euo pipefail
out=$(realpath "${1:-$(dirname "$0")}")
ns=codec-cap-$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns exec "$ns" ip link set lo up

# capture NAME LINKTYPE-OPTS -- IKE-SCAN-ARGS...
capture() {
	local name=$1 iface=$2
	shift 2
	local opts=()
	[[ $iface == any ]] && opts=(-y "${SLL:-LINUX_SLL2}")
	ip netns exec "$ns" tcpdump "${opts[@]}" -U --immediate-mode -i "$iface" -w "$out/$name.pcap" \
		'udp port 500 or udp port 4500' >/dev/null 2>&1 &
	local pid=$!
	sleep 1
	ip netns exec "$ns" ike-scan --retry=1 --randomseed=42 "$@" >/dev/null 2>&1 || true
	sleep 1
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

capture mm-default lo 127.0.0.1
capture mm-aes-sha2 lo --trans="(1=7,14=256,2=4,3=1,4=14)" \
	--trans="(1=7,14=128,2=2,3=1,4=2,11=1,12=0x00007080)" --trans="(1=5,2=1,3=1,4=2)" \
	--vendor=4a131c81070358455c5728f20e95452f --vendor=afcad71368a1f1c96b8696fc77570100 127.0.0.1
capture mm-lifesize lo --lifetime=86400 --lifesize=4096 --auth=3 --dhgroup=5 127.0.0.1
capture am-psk-fqdn lo -A --id=vpn.example.com --idtype=2 --dhgroup=14 --noncelen=32 \
	--vendor=882fe56d6fd20dbc2251613b2ebe5beb --vendor=12f5f28c457168a9702d9fe274cc0100 \
	--vendor=09002689dfd6b712 127.0.0.1
capture am-user-fqdn lo -A --id=alice@example.com --dhgroup=2 --auth=65001 127.0.0.1
capture am-ipv4-id lo -A --id=0xc0000201 --idtype=1 --dhgroup=19 --certreq=0400 127.0.0.1
capture mm-natt lo --nat-t --vendor=4a131c81070358455c5728f20e95452f 127.0.0.1
capture mm-any-sll2 any --trans="(1=5,2=2,3=1,4=2)" --vendor=4048b7d56ebce88525e7de7f00d6c2d3 127.0.0.1
capture mm-mbz lo --mbz=1 127.0.0.1
capture am-spi lo -A --id=bob@example.com --spisize=4 --hdrmsgid=0 127.0.0.1
SLL=LINUX_SLL capture mm-any-sll any --trans="(1=1,2=1,3=1,4=1)" 127.0.0.1

# ike-scan has no IPv6: replay the first message of mm-aes-sha2 over UDP to [::1]:500 from bash.
msg=$(tshark -r "$out/mm-aes-sha2.pcap" -T fields -e udp.payload 2>/dev/null | head -1)
esc=$(sed 's/../\\x&/g' <<<"$msg")
capture_ipv6() {
	ip netns exec "$ns" tcpdump -U --immediate-mode -i lo -w "$out/mm-ipv6.pcap" 'udp port 500' \
		>/dev/null 2>&1 &
	local pid=$!
	sleep 1
	ip netns exec "$ns" bash -c "printf '$esc' >/dev/udp/::1/500" || true
	sleep 1
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}
capture_ipv6

# Raw IP link type: the Ethernet header chopped off mm-default by editcap.
editcap -C 14 -T rawip "$out/mm-default.pcap" "$out/mm-rawip.pcap"

# Malformed on purpose (ike-scan's own knobs), for the decoder's error paths: not round-tripped.
mkdir -p "$out/malformed"
capture malformed/header-length lo --headerlen=400 127.0.0.1
capture malformed/next-payload lo --nextpayload=99 127.0.0.1
capture malformed/short-trans lo --trans="(1=5,2=1,3=1,4=2)" --trans="5,1,1,2" 127.0.0.1
capture malformed/major-version lo --headerver=0x20 127.0.0.1
