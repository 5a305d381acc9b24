# ikecheck profile: check, get, render (issue 3 item 5, docs/profile.md). As root with
# strongSwan installed, the rendered swanctl.conf is loaded into a private charon in a scratch
# network namespace; with a Libreswan tree unpacked (LIBRESWAN_ROOT, see peers/libreswan), the
# rendered ipsec.conf is read by its own parser.
. tests/lib.sh

SW=peers/profiles/strongswan.conf
LS=peers/profiles/libreswan.conf
IKC=peers/profiles/ikecheck.conf

# --- check ---------------------------------------------------------------------------------
for f in $SW $LS $IKC; do
	check "check $f" $IK profile check $f
	check_grep "check $f says ok" "^$f: ok \([0-9]+ phase 1, [0-9]+ phase 2 proposals\)$" \
		"$(last_out)"
done
check_grep "strongswan profile counts proposals" "ok \(2 phase 1, 3 phase 2 proposals\)" \
	<($IK profile check $SW)

sed 's/^proposals   = aes128-sha1-modp2048.*/proposals = aes128-sha1-modp9999/' $SW \
	>"$TEST_TMP/broken.conf"
line=$(grep -n 'modp9999' "$TEST_TMP/broken.conf" | cut -d: -f1)
check_fails "check broken profile exits 2" 2 $IK profile check "$TEST_TMP/broken.conf"
check_grep "broken profile names FILE:LINE" \
	"^$TEST_TMP/broken.conf:$line: .*unknown algorithm 'modp9999'" "$(last_out)"
$IK profile check "$TEST_TMP/broken.conf" >"$TEST_TMP/stdout" 2>/dev/null
check "broken profile prints nothing on stdout" test ! -s "$TEST_TMP/stdout"
check_fails "missing file exits 2" 2 $IK profile check "$TEST_TMP/nope.conf"
check_grep "missing file is named" "nope.conf:0: cannot open" "$(last_out)"
grep -v '^address' $SW >"$TEST_TMP/noaddr.conf"
check_fails "missing dut.address exits 2" 2 $IK profile check "$TEST_TMP/noaddr.conf"
check_grep "missing key names the section line" "noaddr.conf:[0-9]+: \[dut\] lacks required key 'address'" \
	"$(last_out)"
check_fails "profile without subcommand is a usage error" 2 $IK profile

# --- get -----------------------------------------------------------------------------------
get_is() { # NAME FILE KEY WANT
	local got
	got=$($IK profile get "$2" "$3" 2>&1)
	if [[ $got == "$4" ]]; then echo "ok - $1"; else
		echo "not ok - $1: got '$got', wanted '$4'"
		TESTS_FAILED=1
	fi
}
get_is "get dut.address" $SW dut.address 192.0.2.2
get_is "get dut.port" $SW dut.port 500
get_is "get tester.nat_t_port" $SW tester.nat_t_port 4500
get_is "get phase1.lifetime in seconds (8h)" $SW phase1.lifetime 28800
get_is "get phase2.lifetime in seconds (1h)" $SW phase2.lifetime 3600
get_is "get auth.psk unquoted" $SW auth.psk ikecheck-lab-secret
get_is "get dut.subnet" $SW dut.subnet 10.2.0.0/24
get_is "get tester.id defaults to the address" $LS tester.id 192.0.2.1
get_is "get phase1.proposals normalized" $SW phase1.proposals \
	aes128-sha1-modp2048,aes256-sha256-modp2048
get_is "get phase2.pfs" $SW phase2.pfs modp2048
check_fails "get unknown key exits 2" 2 $IK profile get $SW dut.colour
check_grep "unknown key is named" "unknown key 'dut.colour'" "$(last_out)"
check "keys lists every key" $IK profile keys
check_grep "keys include auth.psk_file" '^auth\.psk_file$' "$(last_out)"
check_grep "keys include auth.peer_ids" '^auth\.peer_ids$' "$(last_out)"
check_grep "keys include phase2.lifetime_policy" '^phase2\.lifetime_policy$' "$(last_out)"
get_is "get auth.peer_ids defaults to the tester's id" $SW auth.peer_ids 192.0.2.1
get_is "get phase2.lifetime_policy (the lab's strongSwan obeys)" $SW phase2.lifetime_policy obey
sed 's/^\[auth\]$/[auth]\npeer_ids = %any/' $SW >"$TEST_TMP/any.conf"
get_is "get auth.peer_ids any" "$TEST_TMP/any.conf" auth.peer_ids any
sed 's/^\[auth\]$/[auth]\npeer_ids = @branch.example/' $SW >"$TEST_TMP/noself.conf"
check_fails "peer_ids without the tester's id: exit 2" 2 $IK profile check "$TEST_TMP/noself.conf"
check_grep "... FILE:LINE names the key" "noself.conf:[0-9]+: auth.peer_ids lacks the tester's identity" \
	"$(last_out)"

# --- render --------------------------------------------------------------------------------
render() { $IK profile render "$@"; }
check "render swanctl dut" render $SW --target swanctl --side dut
check_grep "swanctl has IKEv1 proposals" '^\s+proposals = aes128-sha1-modp2048,aes256-sha256-modp2048$' \
	"$(last_out)"
check_grep "swanctl responder does not start" '^\s+start_action = none$' "$(last_out)"
check "render swanctl tester initiator" render $SW --target swanctl --side tester --role initiator \
	--name t1
check_grep "swanctl tester is local 192.0.2.1" '^\s+local_addrs = 192.0.2.1$' "$(last_out)"
check_grep "swanctl initiator starts" '^\s+start_action = start$' "$(last_out)"
check_grep "swanctl conn named t1" '^\s+t1 \{$' "$(last_out)"
check "render libreswan-conf" render $LS --target libreswan-conf --side dut
check_grep "libreswan ike=" '^\s+ike=aes128-sha1;modp2048,aes256-sha2_256;modp2048$' "$(last_out)"
check_grep "libreswan ikev1-policy" '^\s+ikev1-policy=accept$' "$(last_out)"
check "render libreswan-secrets" render $LS --target libreswan-secrets --side tester
check_grep "libreswan secrets line" '^192\.0\.2\.1 192\.0\.2\.2 : PSK "ikecheck-lab-secret"$' \
	"$(last_out)"
check "render ios" render $SW --target ios --side dut
check_grep "ios crypto map" '^crypto map ikecheck 10 ipsec-isakmp$' "$(last_out)"
# phase2.lifetime_kb renders into every target (RFC 2407 4.5 kilobytes).
sed 's/^\[phase2\]$/[phase2]\nlifetime_kb = 102400/' $SW >"$TEST_TMP/kb.conf"
check "render swanctl with phase2.lifetime_kb" render "$TEST_TMP/kb.conf" --target swanctl --side dut
check_grep "swanctl life_bytes = kb * 1000 (what charon proposes / 1000)" '^\s+life_bytes = 102400000$' "$(last_out)"
check "render libreswan-conf with phase2.lifetime_kb" render "$TEST_TMP/kb.conf" --target libreswan-conf --side dut
check_grep "libreswan ipsec-max-bytes" '^\s+ipsec-max-bytes=104857600$' "$(last_out)"
check "render ios with phase2.lifetime_kb" render "$TEST_TMP/kb.conf" --target ios --side dut
check_grep "ios lifetime kilobytes" '^ set security-association lifetime kilobytes 102400$' "$(last_out)"
check "render libreswan-conf of ikecheck.conf warns" render $IKC --target libreswan-conf --side dut
check_grep "libreswan warning names modp1024" 'left out: Libreswan 4.10 has no modp1024' "$(last_out)"
check_grep "libreswan warning: aes128 alone (no integrity) left out" 'proposal aes128-modp2048 left out: Libreswan 4.10 takes ESP without integrity' "$(last_out)"
check_fails "render unknown target exits 2" 2 render $SW --target racoon --side dut
check_fails "render without --side exits 2" 2 render $SW --target swanctl
check_fails "render bad --name exits 2" 2 render $SW --target swanctl --side dut --name 'a b'
printf '[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n[auth]\nmethod = psk\npsk = k\n[phase1]\nproposals = 3des-sha1-modp1024\n[phase2]\nproposals = aes128-sha1\n' \
	>"$TEST_TMP/old.conf"
check_fails "nothing usable for Libreswan exits 2" 2 render "$TEST_TMP/old.conf" \
	--target libreswan-conf --side dut
render "$TEST_TMP/old.conf" --target libreswan-conf --side dut >"$TEST_TMP/stdout" 2>/dev/null
check "a failed render prints nothing" test ! -s "$TEST_TMP/stdout"

# An XAUTH and mode-config gateway for pluto (docs/xauth.md): the pool takes rightsubnet's place,
# ikepad=no (mode-cfg 3.2: an ATTR padded inside its length is discarded).
LSX_PROF=peers/profiles/libreswan-xauth.conf
check "render libreswan-conf of libreswan-xauth.conf" render $LSX_PROF --target libreswan-conf --side dut
cp "$(last_out)" "$TEST_TMP/lsx.conf"
for l in leftxauthserver=yes rightxauthclient=yes xauthby=file leftmodecfgserver=yes \
	modecfgpull=yes rightaddresspool=10.9.0.10-10.9.0.10 modecfgdns=10.9.0.53 ikepad=no; do
	check_grep "libreswan xauth gateway: $l" "^\s+$l\$" "$TEST_TMP/lsx.conf"
done
check "libreswan xauth gateway: no rightsubnet beside the pool" bash -c "! grep -q rightsubnet '$TEST_TMP/lsx.conf'"
# pluto as the XAUTH and mode-config client (the initiator): leftxauthclient, leftusername, pull,
# no leftsubnet (its side of the tunnel is the address it is given), and the XAUTH password in
# ipsec.secrets (ipsec.secrets(5) `@user : XAUTH "password"`), only on the client's side.
LSC_PROF=peers/profiles/libreswan-xauth-client.conf
check "render libreswan-conf of libreswan-xauth-client.conf as the initiator" \
	render $LSC_PROF --target libreswan-conf --side dut --role initiator
cp "$(last_out)" "$TEST_TMP/lsc.conf"
for l in leftxauthclient=yes rightxauthserver=yes leftusername=joe leftmodecfgclient=yes \
	rightmodecfgserver=yes modecfgpull=yes; do
	check_grep "libreswan xauth client: $l" "^\s+$l\$" "$TEST_TMP/lsc.conf"
done
check "libreswan xauth client: no leftsubnet, no gateway keys, no warning" bash -c \
	"! grep -Eq 'leftsubnet|leftxauthserver|leftmodecfgserver|addresspool|warning' '$TEST_TMP/lsc.conf'"
sed 's/^\[modecfg\]$/[modecfg]\npush        = yes/' $LSC_PROF >"$TEST_TMP/lsc-push.conf"
check_grep "libreswan xauth client, modecfg.push: modecfgpull=no" '^\s+modecfgpull=no$' \
	<(render "$TEST_TMP/lsc-push.conf" --target libreswan-conf --side dut --role initiator)
check_grep "libreswan xauth client: the XAUTH secret" '^@joe : XAUTH "foobar"$' \
	<(render $LSC_PROF --target libreswan-secrets --side dut --role initiator)
check "libreswan xauth gateway: no XAUTH secret (it reads passwd)" bash -c \
	"! $IK profile render $LSX_PROF --target libreswan-secrets --side dut | grep -q XAUTH"

# A profile that claims the XAUTH client alone (features.xauth_client) renders no gateway.
CLI_PROF=peers/profiles/strongswan-xauth-client.conf
check "render swanctl of the XAUTH client profile as responder" \
	render $CLI_PROF --target swanctl --side dut --role responder
cp "$(last_out)" "$TEST_TMP/cli-resp.conf"
check "... no XAUTH gateway round in it" bash -c "grep -q 'connections {' '$TEST_TMP/cli-resp.conf' && ! grep -q xauth-generic '$TEST_TMP/cli-resp.conf'"
check "render swanctl of the XAUTH client profile as initiator" \
	render $CLI_PROF --target swanctl --side dut --role initiator
check_grep "... the client round" '^\s+xauth_id = joe$' "$(last_out)"

# The two richest example profiles render for every target, side and role (under ASan in the
# san build; libreswan.conf renders in the checks above).
matrix_ok=0
for f in $SW $IKC; do
	for t in swanctl libreswan-conf libreswan-secrets ios; do
		for s in dut tester; do
			roles=(responder)
			[[ $t == swanctl || $t == libreswan-conf ]] && roles+=(initiator)
			for r in "${roles[@]}"; do
				render $f --target $t --side $s --role $r >"$TEST_TMP/m.out" 2>"$TEST_TMP/m.err" &&
					[[ -s $TEST_TMP/m.out ]] || { echo "# $f $t $s $r failed:"; cat "$TEST_TMP/m.err"; matrix_ok=1; }
			done
		done
	done
done
check "every profile x target x side x role renders" test $matrix_ok -eq 0
# --- Libreswan's own parsers, when an unpacked tree is at hand -------------------------------
LSX=${LIBRESWAN_ROOT:-/nonexistent}/usr/libexec/ipsec
# readwriteconf must read the file without a warning; algparse must accept ike= and esp=.
libreswan_reads() { # PROFILE [ROLE]
	render "$1" --target libreswan-conf --side dut --role "${2:-responder}" >"$TEST_TMP/ipsec.conf" \
		2>/dev/null || return 1
	"$LSX/readwriteconf" --config "$TEST_TMP/ipsec.conf" >"$TEST_TMP/rwc.out" 2>&1 || {
		cat "$TEST_TMP/rwc.out"; return 1; }
	if grep -i 'warning' "$TEST_TMP/rwc.out"; then return 1; fi
	local ike esp pfs
	ike=$(sed -n 's/^\tike=//p' "$TEST_TMP/ipsec.conf")
	esp=$(sed -n 's/^\tesp=//p' "$TEST_TMP/ipsec.conf")
	pfs=$(sed -n 's/^\tpfs=//p' "$TEST_TMP/ipsec.conf")
	"$LSX/algparse" -v1 "ike=$ike" && "$LSX/algparse" -v1 -pfs="$pfs" "esp=$esp"
}
if [[ -x $LSX/readwriteconf && -x $LSX/algparse ]]; then
	for f in $LS $LSX_PROF $SW $IKC "$TEST_TMP/kb.conf"; do
		check "Libreswan reads rendered $f (readwriteconf, algparse)" libreswan_reads $f
	done
	check "Libreswan reads the rendered XAUTH client ($LSC_PROF, initiator)" \
		libreswan_reads $LSC_PROF initiator
else
	echo "# Libreswan parsers not found (set LIBRESWAN_ROOT): rendered ipsec.conf not parsed"
fi

# --- strongSwan: load the rendered swanctl.conf into a private charon (root) ----------------
charon_usable() {
	[[ $(id -u) -eq 0 && -x /usr/lib/ipsec/charon ]] && command -v swanctl >/dev/null &&
		command -v unshare >/dev/null
}

NS=profile-t$$
CH=$TEST_TMP/charon
cleanup_charon() {
	if [[ -f $CH/pid ]]; then
		kill "$(cat "$CH/pid")" 2>/dev/null || true
		for _ in $(seq 30); do kill -0 "$(cat "$CH/pid")" 2>/dev/null || break; sleep 0.1; done
	fi
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TEST_TMP"
}

start_charon() {
	mkdir -p "$CH/run" "$CH/conf"
	for d in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12; do
		mkdir -p "$CH/conf/$d"
	done
	cat >"$CH/strongswan.conf" <<-EOF
	charon {
		load_modular = no
		load = random nonce openssl pem pkcs1 x509 pubkey revocation constraints sha1 sha2 md5 aes gcm hmac gmp kdf kernel-netlink socket-default vici
		i_dont_care_about_security_and_use_aggressive_mode_psk = yes
		plugins {
			vici {
				socket = unix://$CH/charon.vici
			}
		}
		filelog {
			log {
				path = $CH/charon.log
				default = 1
			}
		}
	}
	swanctl {
		load = pem pkcs1 x509 revocation constraints pubkey openssl random
		socket = unix://$CH/charon.vici
	}
	EOF
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip netns exec "$NS" unshare -m --propagation private sh -c \
		"mount --bind '$CH/run' /run && exec env STRONGSWAN_CONF='$CH/strongswan.conf' /usr/lib/ipsec/charon" \
		>"$CH/charon.out" 2>&1 &
	echo $! >"$CH/pid"
	for _ in $(seq 50); do [[ -S $CH/charon.vici ]] && return 0; sleep 0.1; done
	echo "# charon did not start:"; tail -5 "$CH/charon.out" | sed 's/^/#   /'
	return 1
}

swanctl_ns() { ip netns exec "$NS" env STRONGSWAN_CONF="$CH/strongswan.conf" swanctl "$@"; }

# Render, load, list: the conn must be there and swanctl must not complain.
load_and_list() { # PROFILE NAME RENDER-ARGS...
	local prof=$1 name=$2
	shift 2
	render "$prof" --target swanctl --name "$name" "$@" >"$CH/conf/swanctl.conf" 2>/dev/null || return 1
	swanctl_ns --load-all --file "$CH/conf/swanctl.conf" >"$CH/load.out" 2>&1 || { cat "$CH/load.out"; return 1; }
	if grep -iE 'warn|error|fail|invalid|unknown|ignor' "$CH/load.out"; then return 1; fi
	grep -q "loaded connection '$name'" "$CH/load.out" || { cat "$CH/load.out"; return 1; }
	swanctl_ns --list-conns >"$CH/list.out" 2>&1
	grep -q "^$name: IKEv1" "$CH/list.out" || { cat "$CH/list.out"; return 1; }
}

if charon_usable; then
	trap cleanup_charon EXIT
	if start_charon; then
		echo "ok - private charon started in netns $NS"
		check "strongswan.conf dut responder loads" load_and_list $SW dutr --side dut
		check "strongswan.conf tester initiator loads" load_and_list $SW testi --side tester --role initiator
		check "libreswan.conf dut loads in charon" load_and_list $LS lsdut --side dut
		check "ikecheck.conf (3des, modp1024, ecp256) loads" load_and_list $IKC ikc --side dut
		sed -e 's/^modes .*/modes = aggressive/' -e 's/^port .*/port = 4501/' \
			-e 's/^id          = 192.0.2.2/id = @dut.example/' -e 's/^mode .*/mode = transport/' \
			-e 's/^psk .*/psk = "with \\"quote\\""/' -e 's/^\[phase2\]$/[phase2]\nlifetime_kb = 102400/' $SW >"$TEST_TMP/variant.conf"
		check "variant (aggressive, port, fqdn id, transport, hex psk, lifetime_kb) loads" \
			load_and_list "$TEST_TMP/variant.conf" var --side dut
		check_grep "variant lists aggressive fqdn" '@dut.example|dut.example' "$CH/list.out"
		check_grep "variant lists the child volume (life_bytes, rekey_bytes)" 92160000 "$CH/list.out"
	else
		echo "not ok - private charon did not start"
		TESTS_FAILED=1
	fi
else
	echo "# not root or no strongSwan: rendered swanctl.conf not loaded into charon"
fi
exit $TESTS_FAILED
