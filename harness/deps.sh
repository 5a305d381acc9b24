#!/usr/bin/env bash
# Install the Debian packages ikecheck needs to build and test, when missing.
# Root: apt-get installs them. Not root and something missing: print the apt-get line, exit 2.
set -euo pipefail

# One list, grouped by why we need it.
PKGS=(
	# build
	gcc make libc6-dev libssl-dev libpcap-dev pkg-config
	# unit tests, fuzzing, memory checks
	libcunit1-dev clang libclang-rt-14-dev valgrind libxml2-utils
	# make format and the format check of make check
	clang-format
	# independent wire checks and the lab
	tcpdump tshark ike-scan iproute2 util-linux procps iputils-ping
	# packet loss in the lab (iptables statistic match: the kernel here has no netem)
	iptables
	# report checks: JSON shape (jq), the HTML report rendered in headless Chromium
	jq chromium
	# the test PKI for RSA signatures (harness/pki.sh, harness/lab up --auth rsa-sig), and the
	# PKCS#12 the Libreswan peer imports
	openssl
	# reference peers (Libreswan is unpacked privately by peers/libreswan: it conflicts)
	# charon loads openssl (libstrongswan-standard-plugins: openssl, gcm), kernel-libipsec
	# (libcharon-extra-plugins) and the rest of its `load =` list (peers/strongswan/strongswan.conf.in)
	strongswan-charon strongswan-swanctl libstrongswan-standard-plugins libcharon-extra-plugins
	libstrongswan-extra-plugins
	# XAUTH (harness/tests/xauth.sh): xauth-generic (user and password from swanctl secrets)
	libcharon-extauth-plugins
	# pubkey authentication (--auth rsa-sig): charon and swanctl load certificates and keys with
	# pem, pkcs1, x509, pubkey, revocation (the CRL) and constraints from libstrongswan, RSA with
	# openssl (libstrongswan-standard-plugins, above)
	libstrongswan
	# certutil (pluto's NSS database), pk12util and crlutil (its certificate, key and CRL)
	libnss3-tools
	# the libraries of the unpacked Libreswan 4.10 (apt-cache depends libreswan)
	libaudit1 libcap-ng0 libcrypt1 libcurl3-nss libevent-core-2.1-7 libevent-pthreads-2.1-7
	libldap-2.5-0 libldns3 libnspr4 libnss3 libpam0g libselinux1 libsystemd0 libunbound8
)

missing=()
for p in "${PKGS[@]}"; do
	[[ $p == \#* ]] && continue
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $st == "install ok installed" ]] || missing+=("$p")
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "deps: missing Debian packages; run as root:" >&2
	echo "  apt-get install -y ${missing[*]}" >&2
	exit 2
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
