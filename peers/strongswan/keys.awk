# charon log (filelog with ike = 4, ike_name = yes) -> Wireshark ikev1_decryption_table lines
#   <initiator cookie, 16 hex>,<encryption key Ka, hex>
# keymat_v1.c logs "encryption key Ka => N bytes @ ADDR" followed by hex dump lines, and the
# NAT-D input "natd_chunk => 22 bytes": CKY-I | CKY-R | IP | port (RFC 3947 3.2), which is
# where the cookies of that IKE_SA appear in the log. Both are tagged <conn|unique id>.
function sa_of(line) {
	if (match(line, /<[^>]*\|[0-9]+>/)) return substr(line, RSTART, RLENGTH)
	return ""
}
/ => [0-9]+ bytes @ / {
	sa = sa_of($0)
	want = ""
	if ($0 ~ /encryption key Ka =>/) want = "ka"
	else if ($0 ~ /natd_chunk =>/) want = "natd"
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
		else if (!(cur in cky)) cky[cur] = substr(got, 1, 16)
		want = ""
	}
	next
}
{ want = "" }
END {
	for (s in ka) if (s in cky) print cky[s] "," ka[s]
}
