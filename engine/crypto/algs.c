/* The algorithm tables of algs.def and their lookups (algs.h). */
#include "algs.h"
#include "consts.h"

#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/obj_mac.h>

#define IK_UNPAREN(...) __VA_ARGS__

const struct ik_cipher_alg ik_cipher_algs[] = {
#define IK_CIPHER(kw, al, ike, esp, bits, md, ossl, blk, key, iv, salt_, icv_, ls, iike, iesp) \
	{.name = kw,                                                                           \
	 .aliases = {IK_UNPAREN al},                                                           \
	 .ike_id = ike,                                                                        \
	 .esp_id = esp,                                                                        \
	 .key_bits = bits,                                                                     \
	 .mode = md,                                                                           \
	 .aead = md == IK_MODE_GCM,                                                            \
	 .evp = ossl,                                                                          \
	 .block = blk,                                                                         \
	 .key_len = key,                                                                       \
	 .iv_len = iv,                                                                         \
	 .salt = salt_,                                                                        \
	 .icv = icv_,                                                                          \
	 .libreswan = ls,                                                                      \
	 .ios_ike = iike,                                                                      \
	 .ios_esp = iesp},
#include "algs.def"
};
const size_t ik_cipher_alg_count = sizeof(ik_cipher_algs) / sizeof(ik_cipher_algs[0]);

const struct ik_hash_alg ik_hash_algs[] = {
#define IK_HASH(kw, al, ike, esp, ossl, len_, blk, ls, iike, iesp) \
	{.name = kw,                                               \
	 .aliases = {IK_UNPAREN al},                               \
	 .ike_hash = ike,                                          \
	 .esp_auth = esp,                                          \
	 .evp = ossl,                                              \
	 .len = len_,                                              \
	 .block = blk,                                             \
	 .libreswan = ls,                                          \
	 .ios_ike = iike,                                          \
	 .ios_esp = iesp},
#include "algs.def"
};
const size_t ik_hash_alg_count = sizeof(ik_hash_algs) / sizeof(ik_hash_algs[0]);

const struct ik_dh_group ik_dh_groups[] = {
#define IK_DH(kw, id_, kind_, len_, secret, prime_, nid_, rfc_, ls, ios_) \
	{.name = kw,                                                      \
	 .id = id_,                                                       \
	 .kind = kind_,                                                   \
	 .len = len_,                                                     \
	 .secret_len = secret,                                            \
	 .prime = prime_,                                                 \
	 .nid = nid_,                                                     \
	 .rfc = rfc_,                                                     \
	 .libreswan = ls,                                                 \
	 .ios = ios_},
#include "algs.def"
};
const size_t ik_dh_group_count = sizeof(ik_dh_groups) / sizeof(ik_dh_groups[0]);

/* name is the row's keyword or one of its aliases. */
static bool named(const char *kw, const char *const *aliases, const char *name)
{
	if (!strcmp(kw, name))
		return true;
	for (size_t i = 0; i < IK_MAX_ALIASES && aliases[i]; i++)
		if (!strcmp(aliases[i], name))
			return true;
	return false;
}

const struct ik_cipher_alg *ik_cipher_by_ike(uint16_t ike_id, uint16_t key_bits)
{
	for (size_t i = 0; ike_id && i < ik_cipher_alg_count; i++)
		if (ik_cipher_algs[i].ike_id == ike_id && ik_cipher_algs[i].key_bits == key_bits)
			return &ik_cipher_algs[i];
	return NULL;
}

const struct ik_cipher_alg *ik_cipher_by_esp(uint16_t esp_id, uint16_t key_bits)
{
	for (size_t i = 0; esp_id && i < ik_cipher_alg_count; i++)
		if (ik_cipher_algs[i].esp_id == esp_id && ik_cipher_algs[i].key_bits == key_bits)
			return &ik_cipher_algs[i];
	return NULL;
}

const struct ik_cipher_alg *ik_cipher_by_name(const char *name)
{
	for (size_t i = 0; name && i < ik_cipher_alg_count; i++)
		if (named(ik_cipher_algs[i].name, ik_cipher_algs[i].aliases, name))
			return &ik_cipher_algs[i];
	return NULL;
}

const struct ik_hash_alg *ik_hash_by_id(uint16_t ike_hash)
{
	for (size_t i = 0; ike_hash && i < ik_hash_alg_count; i++)
		if (ik_hash_algs[i].ike_hash == ike_hash)
			return &ik_hash_algs[i];
	return NULL;
}

const struct ik_hash_alg *ik_hash_by_esp(uint16_t esp_auth)
{
	for (size_t i = 0; esp_auth && i < ik_hash_alg_count; i++)
		if (ik_hash_algs[i].esp_auth == esp_auth)
			return &ik_hash_algs[i];
	return NULL;
}

const struct ik_hash_alg *ik_hash_by_keyword(const char *name)
{
	for (size_t i = 0; name && i < ik_hash_alg_count; i++)
		if (named(ik_hash_algs[i].name, ik_hash_algs[i].aliases, name))
			return &ik_hash_algs[i];
	return NULL;
}

const struct ik_hash_alg *ik_hash_by_name(const char *name)
{
	for (size_t i = 0; name && i < ik_hash_alg_count; i++)
		if (!strcasecmp(ik_hash_algs[i].name, name) ||
		    !strcasecmp(ik_hash_algs[i].evp, name))
			return &ik_hash_algs[i];
	return NULL;
}

const struct ik_dh_group *ik_dh_by_id(uint16_t id)
{
	for (size_t i = 0; i < ik_dh_group_count; i++)
		if (ik_dh_groups[i].id == id)
			return &ik_dh_groups[i];
	return NULL;
}

const struct ik_dh_group *ik_dh_by_name(const char *name)
{
	for (size_t i = 0; name && i < ik_dh_group_count; i++)
		if (!strcmp(ik_dh_groups[i].name, name))
			return &ik_dh_groups[i];
	return NULL;
}

bool ik_alias_at(size_t i, const char **alias, const char **canonical)
{
	for (size_t r = 0; r < ik_cipher_alg_count; r++)
		for (size_t k = 0; k < IK_MAX_ALIASES && ik_cipher_algs[r].aliases[k]; k++)
			if (i-- == 0) {
				*alias = ik_cipher_algs[r].aliases[k];
				*canonical = ik_cipher_algs[r].name;
				return true;
			}
	for (size_t r = 0; r < ik_hash_alg_count; r++)
		for (size_t k = 0; k < IK_MAX_ALIASES && ik_hash_algs[r].aliases[k]; k++)
			if (i-- == 0) {
				*alias = ik_hash_algs[r].aliases[k];
				*canonical = ik_hash_algs[r].name;
				return true;
			}
	return false;
}
