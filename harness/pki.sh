#!/usr/bin/env bash
# A test PKI for RSA and DSS signature authentication (RFC 2409 5.1; issue 11 item 2), made
# with the openssl command line: a root CA, an intermediate CA, the DUT's and the tester's
# certificates (RSA, and DSA ones for dss-sig), and the bad certificates the certificate cases
# need. Every file is PEM; MANIFEST lists what each one is for. Nothing here is a secret: the
# keys exist only for the test.
#
#   harness/pki.sh OUTDIR        make the PKI in OUTDIR (refuses a non-empty OUTDIR)
#
#   PKI_DUT_ADDR, PKI_TESTER_ADDR  the outer addresses (IPV4_ADDR identities) [192.0.2.2, .1]
#   PKI_DUT_FQDN, PKI_TESTER_FQDN  the FQDN identities [dut.ikecheck.test, tester.ikecheck.test]
#   PKI_TESTER_EMAIL               the USER_FQDN identity [tester@ikecheck.test]
#   PKI_BITS                       RSA key size [2048]
#
# The identities are in subjectAltName (IP, DNS, email) and the subject DN, so each IKE ID type
# (IPV4_ADDR, FQDN, USER_FQDN, DER_ASN1_DN) can be checked against the certificate.
set -euo pipefail

die() {
	echo "pki: $*" >&2
	exit 2
}

[[ $# -eq 1 ]] || die "usage: harness/pki.sh OUTDIR"
out=$1
command -v openssl >/dev/null || die "openssl not found (harness/deps.sh installs it)"
if [[ -d $out && -n $(ls -A "$out") ]]; then
	die "$out is not empty: refusing to mix two PKIs"
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$out"

DUT_ADDR=${PKI_DUT_ADDR:-192.0.2.2}
TESTER_ADDR=${PKI_TESTER_ADDR:-192.0.2.1}
DUT_FQDN=${PKI_DUT_FQDN:-dut.ikecheck.test}
TESTER_FQDN=${PKI_TESTER_FQDN:-tester.ikecheck.test}
TESTER_EMAIL=${PKI_TESTER_EMAIL:-tester@ikecheck.test}
BITS=${PKI_BITS:-2048}
ORG="O=ikecheck test PKI"

: >MANIFEST
note() { printf '%-22s %s\n' "$1" "$2" >>MANIFEST; }

key() { openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:$BITS" -out "$1.key"; }

# A CA directory for `openssl ca`: it keeps the index that dates and revocation need.
ca_dir() {
	local name=$1
	mkdir -p "ca/$name/new"
	: >"ca/$name/index.txt"
	echo 1000 >"ca/$name/serial"
	echo 1000 >"ca/$name/crlnumber"
	cat >"ca/$name/ca.cnf" <<EOF
[ca]
default_ca = this
[this]
dir = $out/ca/$name
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = $out/$name.pem
private_key = $out/$name.key
default_md = sha256
default_days = 3650
default_crl_days = 3650
policy = any
unique_subject = no
copy_extensions = none
crl_extensions = crl_ext
[any]
commonName = supplied
organizationName = optional
# RFC 5280 5.2.1: a CRL MUST name its issuer's key; strongSwan finds a CRL by it (without it
# charon loads the CRL but says "certificate status is not available").
[crl_ext]
authorityKeyIdentifier = keyid:always
EOF
}

# A self-signed root: NAME "CN".
root() {
	key "$1"
	ca_dir "$1"
	openssl req -new -x509 -key "$1.key" -subj "/$ORG/CN=$2" -days 3650 -sha256 \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "subjectKeyIdentifier=hash" -out "$1.pem"
}

# Issue NAME by CA with extension section EXT (in an extra config), subject CN, optional dates
# (openssl ca -startdate/-enddate, YYYYMMDDHHMMSSZ).
issue() {
	local name=$1 ca=$2 cn=$3 ext=$4 start=${5:-} end=${6:-}
	local dates=()
	[[ -n $start ]] && dates+=(-startdate "$start")
	[[ -n $end ]] && dates+=(-enddate "$end")
	[[ -f $name.key ]] || key "$name"
	openssl req -new -key "$name.key" -subj "/$ORG/CN=$cn" -out "ca/$ca/$name.csr"
	openssl ca -batch -notext -config "ca/$ca/ca.cnf" -extfile "ca/$ca/$name.ext" \
		-extensions "$ext" "${dates[@]}" -in "ca/$ca/$name.csr" -out "$name.pem" 2>"ca/$ca/$name.log" ||
		die "openssl ca could not issue $name: $(tail -3 "ca/$ca/$name.log")"
}

# An end entity's extensions: its identities in subjectAltName, digitalSignature for IKE
# (RFC 4945 5.1.3.2 lets a peer require it), or the key usage a bad certificate gets.
ee_ext() {
	local ca=$1 name=$2 san=$3 ku=${4:-critical, digitalSignature}
	cat >"ca/$ca/$name.ext" <<EOF
[ee]
basicConstraints = critical, CA:FALSE
keyUsage = $ku
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
}

when() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

mkdir -p ca
root root-ca "ikecheck root CA"
note root-ca.pem "trust anchor of the good chain"

key inter-ca
printf '[inter]\nbasicConstraints = critical, CA:TRUE, pathlen:0\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n' >ca/root-ca/inter-ca.ext
issue inter-ca root-ca "ikecheck intermediate CA" inter
ca_dir inter-ca
note inter-ca.pem "intermediate CA (issues every end-entity certificate below)"

DUT_SAN="IP:$DUT_ADDR, DNS:$DUT_FQDN"
TESTER_SAN="IP:$TESTER_ADDR, DNS:$TESTER_FQDN, email:$TESTER_EMAIL"
ee_ext inter-ca dut "$DUT_SAN"
issue dut inter-ca "$DUT_FQDN" ee
note dut.pem "the DUT: IP:$DUT_ADDR DNS:$DUT_FQDN (key dut.key, chain dut-chain.pem)"
ee_ext inter-ca tester "$TESTER_SAN"
issue tester inter-ca "$TESTER_FQDN" ee
note tester.pem "the tester: IP:$TESTER_ADDR DNS:$TESTER_FQDN email:$TESTER_EMAIL"

# The bad ones, each with the tester's identities so only the named defect differs.
ee_ext inter-ca expired "$TESTER_SAN"
issue expired inter-ca "$TESTER_FQDN" ee "$(when '-2 years')" "$(when '-1 year')"
note expired.pem "bad: notAfter a year ago"
ee_ext inter-ca notyet "$TESTER_SAN"
issue notyet inter-ca "$TESTER_FQDN" ee "$(when '+1 year')" "$(when '+2 years')"
note notyet.pem "bad: notBefore a year ahead"
ee_ext inter-ca badku "$TESTER_SAN" "critical, keyEncipherment"
issue badku inter-ca "$TESTER_FQDN" ee
note badku.pem "bad: keyUsage keyEncipherment only (no digitalSignature)"
ee_ext inter-ca noid "DNS:someone-else.ikecheck.test"
issue noid inter-ca "someone-else.ikecheck.test" ee
note noid.pem "bad: none of the tester's identities in subject or subjectAltName"
ee_ext inter-ca revoked "$TESTER_SAN"
issue revoked inter-ca "$TESTER_FQDN" ee
openssl ca -batch -config ca/inter-ca/ca.cnf -revoke revoked.pem -crl_reason keyCompromise \
	2>ca/inter-ca/revoke.log || die "revoke: $(tail -3 ca/inter-ca/revoke.log)"
openssl ca -batch -config ca/inter-ca/ca.cnf -gencrl -out inter-ca.crl 2>ca/inter-ca/crl.log ||
	die "CRL: $(tail -3 ca/inter-ca/crl.log)"
note revoked.pem "bad: revoked (keyCompromise) in inter-ca.crl"
note inter-ca.crl "CRL of the intermediate CA, revoking revoked.pem"

# DSS signatures (RFC 2409 5.1, auth method 2): DSA keys of 1024 bits with a 160-bit q, so a
# SHA-1 HASH_I / HASH_R (20 octets) is signed whole and r and s are 20 octets each (r||s, 40
# octets on the wire). The same identities as dut.pem / tester.pem, issued by the RSA
# intermediate: only the key type differs.
openssl genpkey -quiet -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 \
	-pkeyopt dsa_paramgen_q_bits:160 -out ca/dsa-params.pem
openssl genpkey -quiet -paramfile ca/dsa-params.pem -out dut-dss.key
openssl genpkey -quiet -paramfile ca/dsa-params.pem -out tester-dss.key
ee_ext inter-ca dut-dss "$DUT_SAN"
issue dut-dss inter-ca "$DUT_FQDN" ee
note dut-dss.pem "the DUT with a DSA key (dut-dss.key; DSS signatures, auth.method = dss-sig)"
ee_ext inter-ca tester-dss "$TESTER_SAN"
issue tester-dss inter-ca "$TESTER_FQDN" ee
note tester-dss.pem "the tester with a DSA key (tester-dss.key), its identities as tester.pem"

root rogue-ca "ikecheck rogue CA"
ca_dir rogue-ca
ee_ext rogue-ca wrongca "$TESTER_SAN"
issue wrongca rogue-ca "$TESTER_FQDN" ee
note wrongca.pem "bad: the tester's identities, issued by rogue-ca.pem (not trusted)"

cat dut.pem inter-ca.pem >dut-chain.pem
cat tester.pem inter-ca.pem >tester-chain.pem
note dut-chain.pem "dut.pem + inter-ca.pem, as a peer sends it (CERT payloads)"
note tester-chain.pem "tester.pem + inter-ca.pem"
chmod 600 ./*.key
echo "pki: made $(wc -l <MANIFEST) files in $out (see $out/MANIFEST)"
