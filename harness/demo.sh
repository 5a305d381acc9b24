#!/usr/bin/env bash
# make demo: the whole suite against ikecheck's own conformant responder on loopback.
#
#   127.0.0.1:10500  ikecheck serve  (the DUT: peers/profiles/loopback-dut.conf)
#        ^
#        |  main / aggressive / quick mode, informational, mutated on purpose
#        v
#   127.0.0.2:*      ikecheck run    (the tester, one port per case)
#
# Writes out/demo/{results.jsonl,report.html,report.txt,junit.xml,report.json,pcap/,keys}, and
# the certificate cases against an rsa-sig serve in out/demo/cert/ (harness/demo_cert.sh).
# No root needed (high ports on loopback). Exit status: the run's (0 all required cases passed).
set -euo pipefail
cd "$(dirname "$0")/.."
IK=build/ikecheck
PROFILE=peers/profiles/loopback-dut.conf
out=${DEMO_OUT:-out/demo}
pidfile=$(mktemp -u /tmp/ikecheck-demo.XXXXXX.pid)
serve_pid=

cleanup() {
	[[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
	rm -f "$pidfile"
}
trap cleanup EXIT

rm -rf "$out"
mkdir -p "$out"
echo "== ikecheck $($IK --version | cut -d' ' -f2): the suite against ikecheck serve on loopback"
$IK serve --profile "$PROFILE" --pidfile "$pidfile" >"$out/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 50); do
	[[ -s $pidfile ]] && break
	kill -0 "$serve_pid" 2>/dev/null || { cat "$out/serve.log" >&2; exit 2; }
	sleep 0.1
done
[[ -s $pidfile ]] || { echo "demo: ikecheck serve did not start" >&2; cat "$out/serve.log" >&2; exit 2; }

rc=0
# serve starts an exchange towards us on SIGUSR1: the cases where the DUT must initiate.
$IK run --profile "$PROFILE" --out "$out" --dut-initiate "kill -USR1 $serve_pid" "$@" || rc=$?

# The certificate cases need a responder with RSA signatures: harness/demo_cert.sh makes a PKI in
# $out/cert and runs them against serve with an rsa-sig profile on the same ports (this serve
# stops first). Only for the whole demo (no arguments); DEMO_CERT=0 leaves it out.
cert=
if [[ $# -eq 0 && ${DEMO_CERT:-1} != 0 ]]; then
	cleanup
	serve_pid=
	echo
	echo "== the certificate cases against ikecheck serve with RSA signatures ($out/cert)"
	crc=0
	IK=$IK harness/demo_cert.sh "$out/cert" || crc=$?
	[[ $rc -eq 0 ]] && rc=$crc
	cert="$out/cert/report.html has the certificate cases"
fi
echo
echo "demo: open $out/report.html in a browser (one self-contained file);"
echo "      $out/report.txt is the same in text, $out/junit.xml for CI, $out/pcap/ has each case's packets"
[[ -n $cert ]] && echo "      $cert"
exit "$rc"
