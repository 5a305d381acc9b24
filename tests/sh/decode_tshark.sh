# ikecheck decode agrees with tshark (an independent dissector) on every field both print, for
# every capture in vectors/pcap/ (issue 2, Build 7). One check per capture and field.
. tests/lib.sh

if ! command -v tshark >/dev/null; then
	echo "not ok - tshark is missing (harness/deps.sh installs it)"
	exit 1
fi

# tshark field : how ikecheck's dump names it (extracted by the awk below)
FIELDS=(isakmp.ispi isakmp.rspi isakmp.exchangetype isakmp.flags isakmp.messageid isakmp.length
	isakmp.version isakmp.nextpayload isakmp.payloadlength isakmp.sa.doi isakmp.sa.situation
	isakmp.prop.number isakmp.prop.protoid isakmp.prop.transforms isakmp.spisize
	isakmp.trans.number isakmp.trans.id isakmp.ike.attr.type isakmp.ike.attr.value
	isakmp.ike.attr.format isakmp.key_exchange.data isakmp.nonce isakmp.vid_bytes
	isakmp.id.type isakmp.id.protoid isakmp.id.port isakmp.id.data.fqdn
	isakmp.id.data.user_fqdn isakmp.id.data.ipv4_addr isakmp.certreq.type isakmp.hash
	isakmp.notify.msgtype isakmp.notify.doi isakmp.delete.doi isakmp.sig)

# The dump as "frame<TAB>field<TAB>v1,v2,..." in the order tshark lists occurrences.
ik_fields() {
	$IK decode --full --pcap "$1" | awk '
	function tok(line, key,   s) {   # the text after " key=" up to the next space
		if (!match(line, " " key "=[^ ]*")) return ""
		return substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2)
	}
	function num(line, key,   s, rest) {  # "NAME (n)" -> n, "0x10 (1.0)" -> 0x10, "5" -> 5
		if (!match(line, " " key "=[^ ]*")) return ""
		s = substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2)
		rest = substr(line, RSTART + RLENGTH)
		if (s !~ /^0x/ && match(rest, /^ \([0-9]+\)/)) return substr(rest, 3, RLENGTH - 3)
		return s
	}
	function add(f, v) { if (v == "") return; if (f in val) val[f] = val[f] "," v; else val[f] = v }
	function flush(   f) { for (f in val) print frame "\t" f "\t" val[f]; delete val }
	/^#[0-9]+ / { if (frame != "") flush(); frame = substr($1, 2); next }
	/^HDR:/ {
		add("isakmp.ispi", tok($0, "icookie")); add("isakmp.rspi", tok($0, "rcookie"))
		add("isakmp.exchangetype", num($0, "exch")); add("isakmp.flags", tok($0, "flags"))
		add("isakmp.messageid", tok($0, "msgid")); add("isakmp.length", tok($0, "length"))
		add("isakmp.version", tok($0, "version")); add("isakmp.nextpayload", num($0, "np"))
		next
	}
	/^ +A\[[0-9]+\]:/ {
		if (intrans) {
			match($0, /: [^ ]+ \([0-9]+\)/); s = substr($0, RSTART, RLENGTH)
			match(s, /\([0-9]+\)/); add("isakmp.ike.attr.type", substr(s, RSTART + 1, RLENGTH - 2))
			match($0, / = .*\[/); v = substr($0, RSTART + 3, RLENGTH - 4)
			if (match(v, /\([0-9]+\) $/)) v = substr(v, RSTART + 1, RLENGTH - 3)
			sub(/ $/, "", v)
			if ($0 ~ /\[TV\]/) { add("isakmp.ike.attr.value", sprintf("%04x", v)); add("isakmp.ike.attr.format", 1) }
			else {
				match($0, /length=[0-9]+/); n = substr($0, RSTART + 7, RLENGTH - 7)
				add("isakmp.ike.attr.value", sprintf("%0" n * 2 "x", v)); add("isakmp.ike.attr.format", 0)
			}
		}
		next
	}
	/^ +[A-Z][A-Z0-9-]*\[[0-9]+\]:/ {
		name = $1; sub(/\[.*/, "", name)
		intrans = (name == "T")
		add("isakmp.nextpayload", num($0, "np")); add("isakmp.payloadlength", tok($0, "length"))
		if (name == "SA") { add("isakmp.sa.doi", num($0, "doi")); add("isakmp.sa.situation", sprintf("%08x", strtonum_hex(tok($0, "situation")))) }
		if (name == "P") { add("isakmp.prop.number", tok($0, "number")); add("isakmp.prop.protoid", num($0, "proto"))
			add("isakmp.prop.transforms", tok($0, "transforms")); add("isakmp.spisize", tok($0, "spi_size")) }
		if (name == "N" || name == "D") add("isakmp.spisize", tok($0, "spi_size"))
		if (name == "T") { add("isakmp.trans.number", tok($0, "number")); add("isakmp.trans.id", num($0, "id")) }
		if (name == "KE") add("isakmp.key_exchange.data", tok($0, "data"))
		if (name == "NONCE") add("isakmp.nonce", tok($0, "data"))
		if (name == "VID") add("isakmp.vid_bytes", tok($0, "data"))
		if (name == "HASH") add("isakmp.hash", tok($0, "data"))
		if (name == "SIG") add("isakmp.sig", tok($0, "data"))
		if (name == "CR") add("isakmp.certreq.type", num($0, "cert_type"))
		if (name == "N") { add("isakmp.notify.msgtype", num($0, "type")); add("isakmp.notify.doi", num($0, "doi")) }
		if (name == "D") add("isakmp.delete.doi", num($0, "doi"))
		if (name == "ID") {
			t = num($0, "id_type"); add("isakmp.id.type", t); add("isakmp.id.protoid", tok($0, "proto"))
			add("isakmp.id.port", tok($0, "port"))
			d = $0; sub(/.* data=/, "", d); gsub(/"/, "", d)
			if (t == 1) add("isakmp.id.data.ipv4_addr", d)
			if (t == 2) add("isakmp.id.data.fqdn", d)
			if (t == 3) add("isakmp.id.data.user_fqdn", d)
		}
		next
	}
	function strtonum_hex(s,   i, c, n) { sub(/^0x/, "", s); n = 0
		for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; n = n * 16 + c }
		return n }
	END { if (frame != "") flush() }'
}

# tshark's view: the same three columns.
ts_fields() {
	local args=() f
	for f in "${FIELDS[@]}"; do args+=(-e "$f"); done
	tshark -r "$1" -Y isakmp -T fields -E occurrence=a -E aggregator=, -e frame.number "${args[@]}" \
		2>/dev/null | awk -F'\t' -v names="${FIELDS[*]}" '
		BEGIN { n = split(names, nm, " ") }
		{ for (i = 1; i <= n; i++) if ($(i + 1) != "") print $1 "\t" nm[i] "\t" $(i + 1) }'
}

compare() {
	local pcap=$1 base ik ts field
	base=$(basename "$pcap")
	ik_fields "$pcap" | sort >"$TEST_TMP/ik"
	ts_fields "$pcap" | sort >"$TEST_TMP/ts"
	for field in $(cut -f2 "$TEST_TMP/ik" "$TEST_TMP/ts" | sort -u); do
		ik=$(awk -F'\t' -v f="$field" '$2 == f { print $1 ": " $3 }' "$TEST_TMP/ik")
		ts=$(awk -F'\t' -v f="$field" '$2 == f { print $1 ": " $3 }' "$TEST_TMP/ts")
		# A field only one side prints is compared only when the other side decoded the frame:
		# tshark gives up on some malformed payloads ikecheck reads fine (findings).
		if [[ -z $ik || -z $ts ]]; then
			[[ -n $ts ]] && { echo "not ok - $base $field: tshark has '$ts', ikecheck nothing"; TESTS_FAILED=1; }
			continue
		fi
		if [[ $ik == "$ts" ]]; then
			echo "ok - $base $field"
		else
			echo "not ok - $base $field"
			echo "#   ikecheck: $ik" | cut -c1-300
			echo "#   tshark:   $ts" | cut -c1-300
			TESTS_FAILED=1
		fi
	done
}

n=0
for pcap in vectors/pcap/*.pcap; do
	compare "$pcap"
	n=$((n + 1))
done
[[ $n -gt 0 ]] && echo "ok - compared $n captures" || { echo "not ok - no captures"; TESTS_FAILED=1; }
exit $TESTS_FAILED
