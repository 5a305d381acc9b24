#!/usr/bin/env bash
# make demo, second part: the certificate cases (suite/cases/cert) against ikecheck's own
# responder authenticating with RSA signatures (RFC 2409 5.1), over a test PKI of harness/pki.sh.
#
#   127.0.0.1:10500  ikecheck serve  (the DUT: OUTDIR/profile.conf, loopback-dut.conf with rsa-sig)
#        ^
#        |  main / aggressive / quick mode with CERT and SIG, bad certificates on purpose
#        v
#   127.0.0.2:*      ikecheck run --cases 'CERT-*'
#
#   harness/demo_cert.sh OUTDIR    writes OUTDIR/{pki/,profile.conf,results.jsonl,report.html,...}
#
# OUTDIR must not exist or be empty (the PKI refuses to mix). The ports are the demo's: run it
# when no other serve of the demo holds them. Exit status: the run's (0 all required passed).
set -euo pipefail
cd "$(dirname "$0")/.."
IK=${IK:-build/ikecheck}
[[ $# -eq 1 ]] || { echo "usage: harness/demo_cert.sh OUTDIR" >&2; exit 2; }
out=$1
# shellcheck source=harness/lib/serve.sh
source harness/lib/serve.sh
trap serve_stop EXIT

mkdir -p "$out"
PKI_DUT_ADDR=127.0.0.1 PKI_TESTER_ADDR=127.0.0.2 harness/pki.sh "$out/pki" >/dev/null
# The loopback DUT profile with RSA signatures: both sides' certificates (paths relative to the
# profile), the CA and its CRL, identities from the certificates (the loopback addresses).
sed -e '/^id /d' -e '/^psk /d' \
	-e 's|^method .*|method = rsa-sig\nca = pki/root-ca.pem\ncrl = pki/inter-ca.crl|' \
	-e 's|^\[dut\]|[dut]\ncert = pki/dut.pem\nkey = pki/dut.key\nchain = pki/inter-ca.pem|' \
	-e 's|^\[tester\]|[tester]\ncert = pki/tester.pem\nkey = pki/tester.key\nchain = pki/inter-ca.pem|' \
	peers/profiles/loopback-dut.conf >"$out/profile.conf"

serve_start "$out/profile.conf" "$out/serve.log"
$IK run --profile "$out/profile.conf" --out "$out" --cases 'CERT-*' \
	--dut-initiate "kill -USR1 $serve_pid"
