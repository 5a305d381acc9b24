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
# shellcheck source=harness/lib/serve.sh
source harness/lib/serve.sh
trap serve_stop EXIT

rm -rf "$out"
mkdir -p "$out"
echo "== ikecheck $($IK --version | cut -d' ' -f2): the suite against ikecheck serve on loopback"
serve_start "$PROFILE" "$out/serve.log"

rc=0
# serve starts an exchange towards us on SIGUSR1: the cases where the DUT must initiate.
$IK run --profile "$PROFILE" --out "$out" --dut-initiate "kill -USR1 $serve_pid" "$@" || rc=$?

# The certificate cases need a responder with RSA signatures: harness/demo_cert.sh makes a PKI in
# $out/cert and runs them against serve with an rsa-sig profile on the same ports (this serve
# stops first). Only for the whole demo (no arguments); DEMO_CERT=0 leaves it out.
cert=
if [[ $# -eq 0 && ${DEMO_CERT:-1} != 0 ]]; then
	serve_stop
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
