/*
 * The Wireshark key file (`--keys FILE`): every line that is not a comment is one complete
 * tshark preference, so a capture decodes with
 *
 *   args=(); while read -r l; do args+=(-o "$l"); done < <(grep -v '^#' FILE)
 *   tshark -r capture.pcap "${args[@]}"
 *
 * ISAKMP SAs: uat:ikev1_decryption_table:<initiator cookie, 16 hex>,<phase 1 cipher key, hex>
 * (hex byte fields are unquoted in UAT records; quoted, tshark 4.0 refuses them)
 * IPsec SAs, one line per direction, in the esp_sa table's column order:
 *   uat:esp_sa:"IPv4","<src>","<dst>","0x<SPI>","<cipher>","0x<key>","<integrity>","0x<key>"
 * Without the "uat:<table>:" prefix the rest of the line is a record of Wireshark's own UAT file
 * (~/.config/wireshark/ikev1_decryption_table, esp_sa). Records are flushed as SAs come up, so
 * a run that is killed keeps what it had. The file is created with mode 0600: it holds secrets.
 */
#ifndef IK_KEYFILE_H
#define IK_KEYFILE_H

#include "ike.h"

#include <stdio.h>

struct ik_keyfile {
	FILE *f;
	unsigned isakmp, esp; /* records written */
};

bool ik_keyfile_open(struct ik_keyfile *k, const char *path, struct ik_status *st);
/* RFC 2409 App. B: the phase 1 cipher key of an established ISAKMP SA. */
bool ik_keyfile_isakmp(struct ik_keyfile *k, const struct ik_sa *sa);
/* Both directions of a finished quick mode (KEYMAT split as cipher key, then integrity key). */
bool ik_keyfile_esp(struct ik_keyfile *k, const struct ik_sa *sa, const struct ik_qm *qm);
void ik_keyfile_close(struct ik_keyfile *k);

/* One ISAKMP record read back (`decode --keys`): the initiator cookie and phase 1 cipher key. */
struct ik_keyfile_p1 {
	uint8_t icookie[8];
	uint8_t key[IK_MAX_KEY];
	size_t key_len;
};

/*
 * Read the ISAKMP records of a key file: our "uat:ikev1_decryption_table:" lines, or the lines of
 * Wireshark's own ikev1_decryption_table file (quoted or not). Comments, blank lines and esp_sa
 * records are skipped. Returns how many were stored (at most max), -1 with "FILE:LINE: reason"
 * on a malformed record or an unreadable file.
 */
int ik_keyfile_read_p1(const char *path, struct ik_keyfile_p1 *out, size_t max,
		       struct ik_status *st);

/* Wireshark's esp_sa names for an ESP transform id / IPsec authentication algorithm; NULL when
 * Wireshark has none. */
const char *ik_keyfile_esp_cipher(uint8_t esp_id);
const char *ik_keyfile_esp_integ(uint16_t auth, size_t *key_len);

#endif
