#!/usr/bin/env bash
# make demo: the whole suite against ikecheck's own conformant responder on loopback.
#
#   127.0.0.1:10500  ikecheck serve  (the DUT: peers/profiles/loopback-dut.conf)
#        ^
#        |  main / aggressive / quick mode, informational, mutated on purpose
#        v
#   127.0.0.2:*      ikecheck run    (the tester, one port per case)
#
# Writes out/demo/{results.jsonl,report.html,report.txt,junit.xml,report.json,pcap/,keys}.
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
$IK run --profile "$PROFILE" --out "$out" "$@" || rc=$?
echo
echo "demo: open $out/report.html in a browser (one self-contained file);"
echo "      $out/report.txt is the same in text, $out/junit.xml for CI, $out/pcap/ has each case's packets"
exit "$rc"
