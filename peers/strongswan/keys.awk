# charon log (filelog with ike = 4, chd = 4, ike_name = yes) -> Wireshark key tables.
#   awk -f keys.awk charon.log              ikev1_decryption_table lines:
#       <initiator cookie, 16 hex>,<encryption key Ka, hex>
#   awk -v table=esp -f keys.awk charon.log  esp_sa lines (the Wireshark UAT file format):
#       "IPv4","src","dst","0xSPI","<encryption>","0xKEY","<authentication>","0xKEY"
# keymat_v1.c logs "encryption key Ka => N bytes @ ADDR" followed by hex dump lines, and the
# NAT-D input "natd_chunk => 22 bytes": CKY-I | CKY-R | IP | port (RFC 3947 3.2), which is
# where the cookies of that IKE_SA appear in the log. For each CHILD_SA it logs the algorithms,
# "encryption|integrity initiator|responder key" dumps, then the inbound and outbound SPIs.
# All lines of one IKE_SA carry the tag <conn|unique id>.
function sa_of(line) {
	if (match(line, /<[^>]*\|[0-9]+>/)) return substr(line, RSTART, RLENGTH)
	return ""
}
# Wireshark's names for strongSwan's algorithms (RFC 4303 transforms as Wireshark lists them).
function ws_enc(a) {
	if (a == "AES_CBC") return "AES-CBC [RFC3602]"
	if (a == "3DES_CBC") return "TripleDES-CBC [RFC2451]"
	if (a == "AES_GCM_16") return "AES-GCM with 16 octet ICV [RFC4106]"
	if (a == "AES_CTR") return "AES-CTR [RFC3686]"
	if (a == "NULL") return "NULL"
	return ""
}
function ws_auth(a) {
	if (a == "HMAC_SHA1_96") return "HMAC-SHA-1-96 [RFC2404]"
	if (a == "HMAC_SHA2_256_128") return "HMAC-SHA-256-128 [RFC4868]"
	if (a == "HMAC_SHA2_384_192") return "HMAC-SHA-384-192 [RFC4868]"
	if (a == "HMAC_SHA2_512_256") return "HMAC-SHA-512-256 [RFC4868]"
	if (a == "HMAC_MD5_96") return "HMAC-MD5-96 [RFC2403]"
	return "NULL"
}
# One esp_sa line; the keys of an SA are the quick mode initiator's when its source is the
# quick mode initiator (keymat_v1.c derives KEYMAT per SPI and names them by direction).
function esp_line(s, src, dst, spi, use_i,    ek, ak) {
	ek = use_i ? k[s, "encryption initiator key"] : k[s, "encryption responder key"]
	ak = use_i ? k[s, "integrity initiator key"] : k[s, "integrity responder key"]
	if (ws_enc(enc[s]) == "" || ek == "") return
	printf "\"IPv4\",\"%s\",\"%s\",\"0x%s\",\"%s\",\"0x%s\",\"%s\",\"%s\"\n", src, dst, spi,
		ws_enc(enc[s]), ek, ws_auth(integ[s]), ak == "" ? "" : "0x" ak
}
/generating QUICK_MODE request [0-9]+ \[ HASH SA / { qmi[sa_of($0)] = 1 }
/parsed QUICK_MODE request [0-9]+ \[ HASH SA / { qmi[sa_of($0)] = 0 }
/\[CHD\].* using [A-Z0-9_]+ for encryption/ { enc[sa_of($0)] = $(NF - 2) }
/\[CHD\].* using [A-Z0-9_]+ for integrity/ { integ[sa_of($0)] = $(NF - 2) }
/adding (inbound|outbound) ESP SA/ { dir[sa_of($0)] = ($0 ~ /inbound/) ? "in" : "out"; next }
/  SPI 0x[0-9a-f]+, src [0-9.]+ dst [0-9.]+/ {
	s = sa_of($0)
	spi = $0; sub(/.*SPI 0x/, "", spi); sub(/,.*/, "", spi)
	src = $0; sub(/.* src /, "", src); sub(/ .*/, "", src)
	dst = $0; sub(/.* dst /, "", dst)
	# Quick mode initiator: its outbound SA is the initiator's direction; responder: inbound.
	use_i = (dir[s] == "out") == (qmi[s] == 1)
	if (table == "esp") esp_line(s, src, dst, spi, use_i)
	next
}
/ => [0-9]+ bytes @ / {
	sa = sa_of($0)
	want = ""
	if ($0 ~ /encryption key Ka =>/) want = "ka"
	else if ($0 ~ /natd_chunk =>/) want = "natd"
	else if ($0 ~ /(encryption|integrity) (initiator|responder) key =>/) {
		match($0, /(encryption|integrity) (initiator|responder) key/)
		want = substr($0, RSTART, RLENGTH)
	}
	if (want != "") {
		for (i = 1; i <= NF; i++) if ($i == "=>") need = $(i + 1)
		got = ""; cur = sa
	}
	next
}
want != "" && sa_of($0) == cur && $0 ~ /> +[0-9]+: / {
	start = 0
	for (i = 1; i <= NF && length(got) < 2 * need; i++) {
		if ($i ~ /^[0-9]+:$/) { start = 1; continue }
		if (start && $i ~ /^[0-9A-F][0-9A-F]$/) got = got tolower($i)
	}
	if (length(got) >= 2 * need) {
		if (want == "ka") ka[cur] = got
		else if (want == "natd") { if (!(cur in cky)) cky[cur] = substr(got, 1, 16) }
		else k[cur, want] = got
		want = ""
	}
	next
}
{ want = "" }
END {
	if (table != "esp")
		for (s in ka) if (s in cky) print cky[s] "," ka[s]
}
