/*
 * The Wireshark key file (`--keys FILE`): the records of Wireshark's two UAT tables in one file,
 * the format `ikecheck decode --keys` reads (engine/crypto/trace.h) and the lab's key files use
 * (vectors/pcap, one .keys per capture):
 *
 *   <initiator cookie, 16 hex>,<phase 1 cipher key, hex>           ikev1_decryption_table
 *   "IPv4","<src>","<dst>","0x<SPI>","<cipher>","0x<key>","<integrity>","0x<key>"     esp_sa
 *
 * (hex byte fields are unquoted: tshark 4.0 refuses them quoted). One esp_sa record per
 * direction of each IPsec SA. For tshark, prefix each line with its table:
 *
 *   while read -r l; do case $l in '#'* | '') ;;
 *     '"IPv'*) args+=(-o "uat:esp_sa:$l") ;; *) args+=(-o "uat:ikev1_decryption_table:$l") ;;
 *   esac; done <FILE; tshark -r capture.pcap "${args[@]}"
 *
 * Records are flushed as SAs come up, so a run that is killed keeps what it had. The file is
 * created with mode 0600 (an existing one is tightened): it holds secrets.
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

/* Wireshark's esp_sa names for an ESP transform id / IPsec authentication algorithm; NULL when
 * Wireshark has none. */
const char *ik_keyfile_esp_cipher(uint8_t esp_id);
const char *ik_keyfile_esp_integ(uint16_t auth, size_t *key_len);

#endif
