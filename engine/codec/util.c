/* Hex digits (util.h). Not OPENSSL_buf2hexstr: it writes upper case, and Wireshark's key file
 * and our logs have always been lower case; nor OPENSSL_hexstr2buf, which would tie the codec to
 * libcrypto for ten lines. */
#include "util.h"

int ik_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool ik_hex_decode(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = ik_hex_digit((unsigned char)s[2 * i]);
		int lo = hi < 0 ? -1 : ik_hex_digit((unsigned char)s[2 * i + 1]);
		if (lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

char *ik_hex_encode(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}
