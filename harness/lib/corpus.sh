#!/usr/bin/env bash
# Capture the codec's corpus of real IKEv1 exchanges (issue 2 item 7) into vectors/pcap/:
# one pcap per exchange, taken on the DUT's link of a fresh lab, and beside it the Wireshark
# key file (ikev1_decryption_table lines) from charon's key log. Test PSKs only.
#
#   bash harness/lib/corpus.sh [OUTDIR] [NAME...]     (root; default OUTDIR vectors/pcap)
#
# Names: strongswan-mm-qm strongswan-mm-qm-pfs strongswan-am-qm strongswan-delete
#        libreswan-mm-qm libreswan-responder-mm-qm
# See vectors/pcap/LAB-CAPTURES.md for what each holds.
set -euo pipefail
cd "$(dirname "$0")/../.."
source harness/lib/common.sh

OUT=$(readlink -f "${1:-vectors/pcap}")
shift || true
export LAB_NAME=${LAB_NAME:-labcorpus}
export LAB_DIR=/tmp/ikecheck-lab/$LAB_NAME
TMP=$(mktemp -d)
trap 'harness/lab down >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
mkdir -p "$OUT"

base_profile() {
	[[ -f peers/profiles/$1.conf ]] || lab_die "no profile peers/profiles/$1.conf"
	echo "peers/profiles/$1.conf"
}

# capture NAME DUT TESTER PROFILE [ping] [delete]: the tester peer initiates against the DUT peer.
capture() {
	local name=$1 dut=$2 tester=$3 prof=$4 opt
	shift 4
	echo "corpus: $name ($tester initiator -> $dut responder)"
	harness/lab up "$dut" --tester "$tester" --profile "$prof" >/dev/null
	harness/lab capture start "$TMP/$name.pcap" >/dev/null
	harness/lab initiate >"$TMP/$name.initiate" 2>&1 || {
		cat "$TMP/$name.initiate" >&2
		lab_die "$name: the exchange failed"
	}
	for opt in "$@"; do
		case $opt in
		# One echo request and reply through the tunnel: ESP in UDP on 4500.
		ping) harness/lab exec tester ping -c 1 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null ;;
		delete) harness/lab peer tester terminate >/dev/null ;;
		esac
	done
	sleep 0.5
	harness/lab capture stop
	harness/lab keys "$OUT/$name.keys" >/dev/null
	harness/lab down >/dev/null
	cp "$TMP/$name.pcap" "$OUT/$name.pcap"
	echo "corpus: $OUT/$name.pcap $(tcpdump -r "$OUT/$name.pcap" 2>/dev/null | wc -l) packets, $(wc -l <"$OUT/$name.keys") key line(s)"
}

SW=$(base_profile strongswan)
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(strongswan-mm-qm strongswan-mm-qm-pfs strongswan-am-qm strongswan-delete libreswan-mm-qm libreswan-responder-mm-qm)
for n in "${names[@]}"; do
	case $n in
	strongswan-mm-qm)
		profile_set "$SW" phase2.pfs none >"$TMP/nopfs.conf"
		capture "$n" strongswan strongswan "$TMP/nopfs.conf" ping
		;;
	strongswan-mm-qm-pfs)
		profile_set "$SW" phase2.pfs modp2048 >"$TMP/pfs.conf"
		capture "$n" strongswan strongswan "$TMP/pfs.conf" ping
		;;
	strongswan-am-qm)
		profile_set "$SW" phase1.modes aggressive >"$TMP/am.conf"
		capture "$n" strongswan strongswan "$TMP/am.conf" ping
		;;
	strongswan-delete)
		profile_set "$SW" phase2.pfs none >"$TMP/nopfs.conf"
		capture "$n" strongswan strongswan "$TMP/nopfs.conf" delete
		;;
	libreswan-mm-qm) capture "$n" strongswan libreswan "$(base_profile libreswan)" ;;
	libreswan-responder-mm-qm) capture "$n" libreswan strongswan "$(base_profile libreswan)" ;;
	*) lab_die "unknown capture $n" ;;
	esac
done
