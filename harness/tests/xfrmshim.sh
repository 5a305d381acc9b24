#!/usr/bin/env bash
# Lab: the XFRM netlink shim (peers/libreswan/xfrmshim.c) on its own, driven by iproute2's
# `ip xfrm` in a scratch namespace: SA and policy requests are answered with success (even on
# a kernel without ESP), never reach the kernel, ALLOCSPI returns an SPI from the requested
# range, GETPOLICY says ENOENT, and each answer is logged.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
source tests/lib.sh
source harness/lib/common.sh

SHIM=build/peers/libreswan/xfrmshim.so
check "xfrmshim: built" make -s "$SHIM"
ns=labtest-shim-$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
log=$TEST_TMP/shim.log

shimmed() { XFRMSHIM_LOG=$log LD_PRELOAD=$PWD/$SHIM timeout 5 ip -n "$ns" xfrm "$@"; }
SA=(src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1000 mode tunnel
	enc 'cbc(aes)' 0x000102030405060708090a0b0c0d0e0f
	auth-trunc 'hmac(sha1)' 0x000102030405060708090a0b0c0d0e0f10111213 96)
POL=(src 10.1.0.0/24 dst 10.2.0.0/24 dir out)

if ! LAB_ESP_CACHE='' kernel_has_esp; then
	check_fails "xfrmshim: without the shim this kernel refuses an ESP SA" 2 ip -n "$ns" xfrm state add "${SA[@]}"
fi
check "xfrmshim: NEWSA answered with success" shimmed state add "${SA[@]}"
check "xfrmshim: UPDSA answered with success" shimmed state update "${SA[@]}"
check "xfrmshim: NEWPOLICY answered with success" shimmed policy add "${POL[@]}" \
	tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
check "xfrmshim: DELPOLICY answered with success" shimmed policy delete "${POL[@]}"
check "xfrmshim: DELSA answered with success" shimmed state delete src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1000
check "xfrmshim: ALLOCSPI answered" shimmed state allocspi src 192.0.2.1 dst 192.0.2.2 proto esp min 0x100 max 0x1ff
check_grep "xfrmshim: ... with an SPI from the range" 'spi 0x000001[0-9a-f]{2}' "$(last_out)"
check_fails "xfrmshim: GETPOLICY says there is none (ENOENT), without hanging" 2 shimmed policy get "${POL[@]}"
check "xfrmshim: nothing reached the kernel's SA table" bash -c "[[ -z \$(ip -n $ns xfrm state) ]]"
check "xfrmshim: nothing reached the kernel's policy table" bash -c "[[ -z \$(ip -n $ns xfrm policy) ]]"
for t in NEWSA UPDSA NEWPOLICY DELPOLICY DELSA ALLOCSPI GETPOLICY; do
	check_grep "xfrmshim: $t logged" "xfrmshim: $t seq [0-9]+ -> " "$log"
done

exit $TESTS_FAILED
