#!/usr/bin/env bash
# Known answers for the public key encryption formulas of RFC 2409 (section 5, 5.2, 5.3),
# computed with the openssl command line alone (no ikecheck code), so that the engine's
# engine/crypto/keys.c ik_skeyid (IK_AUTH_PKE) and engine/crypto/pke.c are checked against an
# independent implementation. Writes rfc2409-pke.txt to stdout:
#
#   vectors/pke/make.sh > vectors/pke/rfc2409-pke.txt
#
# Inputs (Ni, Nr, CKY_I, CKY_R, PLAIN) are fixed below: they were drawn once with
# `openssl rand -hex N`. For each record:
#   SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R)                      RFC 2409 5
#   Ne_i = prf(Ni_b, CKY-I), Ne_r = prf(Nr_b, CKY-R)                    RFC 2409 5.3
#   Ke_i = the first KEYLEN octets of Ne_i, or of K1 | K2 | ... with K1 = prf(Ne_i, 0),
#          Kn = prf(Ne_i, Kn-1) when Ne_i is shorter                    RFC 2409 5.3, App. B
#   CIPHER = PLAIN under Ke_i in CBC from a zero IV, padded with zero octets and a last octet
#            counting the padding octets before it                      RFC 2409 5.3
# prf is HMAC of the hash (RFC 2409 5: no PRF negotiated).
set -euo pipefail

hex2bin() { xxd -r -p; }
bin2hex() { xxd -p | tr -d '\n'; }
# digest HASH HEXDATA
digest() { printf %s "$2" | hex2bin | openssl dgst "-$1" -binary | bin2hex; }
# hmac HASH HEXKEY HEXDATA
hmac() { printf %s "$3" | hex2bin | openssl dgst "-$1" -mac HMAC -macopt "hexkey:$2" -binary | bin2hex; }
# expand HASH HEXKEY OCTETS: RFC 2409 App. B / 5.3 key stretching
expand() {
	local h=$1 key=$2 n=$3 k out
	if ((${#key} / 2 >= n)); then
		echo "${key:0:$((2 * n))}"
		return
	fi
	k=$(hmac "$h" "$key" 00)
	out=$k
	while ((${#out} / 2 < n)); do
		k=$(hmac "$h" "$key" "$k")
		out+=$k
	done
	echo "${out:0:$((2 * n))}"
}
# pad HEX BLOCK: RFC 2409 5.3 padding (always at least one octet)
pad() {
	local p=$1 b=$2 len n i
	len=$((${#p} / 2))
	n=$((b - len % b))
	for ((i = 1; i < n; i++)); do p+=00; done
	printf '%s%02x' "$p" $((n - 1))
}

CKY_I=8e3f2a6c51d0b7e4
CKY_R=1b94c07d3e6a25f8
NI=4f1c9a7e2b58d03641e7a9c25b0d8f3e6a17c4b90e2d5f8a3c6b1e4d7092f5a8
NR=d27e5b04a9c13f6e8b2d7a05c4f91e36b8a0d2c75e1f4b93a6c08e2d5b7f1a49
NI_SHORT=a5c3e1f7092b4d68
NR_LONG=6e0f3b9d2a7c15e84b9f0d3a6c2e71b58d4a0f9e3c7b26d15a8e4f0c9b3d72a61e5c8f4b0a9d3e7c2f6b1a5d8e0c4f93b7a2e6d1c5f08b4e9a3d7c2b6f1e5a8d
# an ID_FQDN body: type 2, protocol 0, port 0, "tester.ikecheck.test"
PLAIN=020000007465737465722e696b65636865636b2e74657374

record() {
	local count=$1 hash=$2 cipher=$3 keylen=$4 block=$5 ni=$6 nr=$7 hn skeyid nei ner kei ct
	hn=$(digest "$hash" "$ni$nr")
	skeyid=$(hmac "$hash" "$hn" "$CKY_I$CKY_R")
	nei=$(hmac "$hash" "$ni" "$CKY_I")
	ner=$(hmac "$hash" "$nr" "$CKY_R")
	kei=$(expand "$hash" "$nei" "$keylen")
	ct=$(pad "$PLAIN" "$block" | hex2bin |
		openssl enc "-$cipher" -K "$kei" -iv "$(printf '%0*d' $((2 * block)) 0)" -nopad |
		bin2hex)
	cat <<REC
COUNT = $count
HASH = $hash
CIPHER = $cipher
CKY_I = $CKY_I
CKY_R = $CKY_R
Ni = $ni
Nr = $nr
hash(Ni|Nr) = $hn
SKEYID = $skeyid
Ne_i = $nei
Ne_r = $ner
Ke_i = $kei
PLAIN = $PLAIN
CIPHERTEXT = $ct

REC
}

echo "# RFC 2409 5 / 5.2 / 5.3 public key encryption formulas, made by vectors/pke/make.sh with"
echo "# $(openssl version | cut -d' ' -f1-2) (see the script for the formulas and inputs)."
echo
record 1 sha1 aes-128-cbc 16 16 "$NI" "$NR"
record 2 sha1 aes-256-cbc 32 16 "$NI" "$NR"
record 3 sha256 aes-128-cbc 16 16 "$NI" "$NR"
record 4 sha256 aes-256-cbc 32 16 "$NI_SHORT" "$NR_LONG"
record 5 sha384 aes-192-cbc 24 16 "$NR" "$NI"
record 6 sha1 des-ede3-cbc 24 8 "$NI_SHORT" "$NR"
record 7 md5 aes-256-cbc 32 16 "$NI" "$NR_LONG"
