/*
 * ikecheck profile: check a DUT profile, print one of its values, or render it as peer
 * configuration (docs/profile.md). The lab scripts (peers/) call this interface; keep it stable.
 *
 *   ikecheck profile check FILE
 *   ikecheck profile get FILE KEY
 *   ikecheck profile render FILE --target swanctl|libreswan-conf|libreswan-secrets|ios
 *                                --side dut|tester [--role responder|initiator] [--name CONN]
 */
#include "cli.h"
#include "cli_opts.h"
#include "emit.h"
#include "profile.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef bool (*emit_fn)(const struct ik_profile *, const struct ik_emit_opts *, FILE *, FILE *,
                        struct ik_status *);

static const struct {
	const char *name;
	emit_fn fn;
} targets[] = {
	{"swanctl", ik_emit_swanctl},
	{"libreswan-conf", ik_emit_libreswan_conf},
	{"libreswan-secrets", ik_emit_libreswan_secrets},
	{"ios", ik_emit_ios},
};

struct render_args {
	const char *file, *target, *side, *role, *name;
};

static const struct ik_opt render_opts[] = {
	IK_STR("target", 0, "swanctl|libreswan-conf|libreswan-secrets|ios", struct render_args,
               target, "what to render (required)"),
	IK_STR("side", 0, "dut|tester", struct render_args, side,
               "the side of the profile the peer plays (required)"),
	IK_STR("role", 0, "responder|initiator", struct render_args, role,
               "the peer's role (default responder)"),
	IK_STR("name", 0, "CONN", struct render_args, name,
               "the connection's name (default ikecheck)"),
	IK_OPT_END,
};

static const struct ik_cmd_spec spec_check = {
	.verb = "profile check", .synopsis = "FILE", .min_pos = 1, .max_pos = 1};
static const struct ik_cmd_spec spec_get = {
	.verb = "profile get", .synopsis = "FILE KEY", .min_pos = 2, .max_pos = 2};
static const struct ik_cmd_spec spec_render = {.verb = "profile render",
                                               .synopsis = "FILE --target T --side S [options]",
                                               .opts = render_opts,
                                               .min_pos = 1,
                                               .max_pos = 1};
static const struct ik_cmd_spec spec_keys = {.verb = "profile keys"};
static const struct ik_cmd_spec *const subs[] = {&spec_check, &spec_get, &spec_render, &spec_keys,
                                                 NULL};
static const struct ik_cmd_spec spec = {
	.verb = "profile",
	.subs = subs,
	.more = "get prints the value of KEY, a section.key such as dut.address; keys lists them\n"
		"(docs/profile.md)\n",
};

static bool load(struct ik_profile *p, const char *file)
{
	struct ik_status st;

	ik_status_clear(&st);
	if (ik_profile_load(p, file, &st))
		return true;
	fprintf(stderr, "%s\n", st.why);
	return false;
}

static int do_check(const char *file)
{
	struct ik_profile *p = calloc(1, sizeof(*p));

	if (!p || !load(p, file)) {
		free(p);
		return IK_EXIT_USAGE;
	}
	printf("%s: ok (%zu phase 1, %zu phase 2 proposals)\n", file, p->p1.n_prop, p->p2.n_prop);
	ik_profile_wipe(p);
	free(p);
	return IK_EXIT_OK;
}

static int do_get(const char *file, const char *key)
{
	struct ik_profile *p = calloc(1, sizeof(*p));
	char val[4096];
	int rc = IK_EXIT_USAGE;

	if (!p || !load(p, file)) {
		free(p);
		return IK_EXIT_USAGE;
	}
	if (ik_profile_get(p, key, val, sizeof(val))) {
		printf("%s\n", val);
		rc = IK_EXIT_OK;
	} else {
		fprintf(stderr, "profile get: unknown key '%s' (see `ikecheck profile keys`)\n",
		        key);
	}
	OPENSSL_cleanse(val, sizeof(val));
	ik_profile_wipe(p);
	free(p);
	return rc;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
	       strlen(s);
}

static bool check_render_args(const struct render_args *a)
{
	if (!a->target || !a->side) {
		fprintf(stderr, "profile render: --target and --side are required\n");
		return false;
	}
	return true;
}

/* Render into memory first, so a failed render prints nothing half-made. */
static int do_render(struct render_args a)
{
	struct ik_emit_opts o = {0};
	emit_fn fn = NULL;

	if (!check_render_args(&a))
		return IK_EXIT_USAGE;
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (!strcmp(a.target, targets[i].name))
			fn = targets[i].fn;
	if (!fn) {
		fprintf(stderr,
		        "profile render: unknown target '%s' (swanctl, libreswan-conf, "
		        "libreswan-secrets, ios)\n",
		        a.target);
		return IK_EXIT_USAGE;
	}
	if (strcmp(a.side, "dut") && strcmp(a.side, "tester")) {
		fprintf(stderr, "profile render: --side must be dut or tester\n");
		return IK_EXIT_USAGE;
	}
	if (strcmp(a.role, "responder") && strcmp(a.role, "initiator")) {
		fprintf(stderr, "profile render: --role must be responder or initiator\n");
		return IK_EXIT_USAGE;
	}
	if (!valid_name(a.name)) {
		fprintf(stderr, "profile render: --name '%s' must be 1-64 of [A-Za-z0-9_-]\n",
		        a.name);
		return IK_EXIT_USAGE;
	}
	o.side = !strcmp(a.side, "dut") ? IK_SIDE_DUT : IK_SIDE_TESTER;
	o.initiator = !strcmp(a.role, "initiator");
	o.name = a.name;

	struct ik_profile *p = calloc(1, sizeof(*p));
	if (!p || !load(p, a.file)) {
		free(p);
		return IK_EXIT_USAGE;
	}
	unsigned want = o.initiator ? IK_ROLE_INITIATOR : IK_ROLE_RESPONDER;
	if (o.side == IK_SIDE_DUT && !(p->roles & want))
		fprintf(stderr, "profile render: warning: dut.roles of %s does not include %s\n",
		        a.file, a.role);

	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	struct ik_status st;
	ik_status_clear(&st);
	bool ok = mem && fn(p, &o, mem, stderr, &st);
	if (mem)
		fclose(mem);
	if (ok)
		fwrite(buf, 1, len, stdout);
	else
		fprintf(stderr, "%s\n", mem ? st.why : "profile render: out of memory");
	if (buf)
		OPENSSL_cleanse(buf, len);
	free(buf);
	ik_profile_wipe(p);
	free(p);
	return ok ? IK_EXIT_OK : IK_EXIT_USAGE;
}

int cmd_profile(int argc, char **argv)
{
	struct render_args a = {.role = "responder", .name = "ikecheck"};
	struct ik_cli c;
	int rc;
	const struct ik_cmd_spec *sub;

	if (argc == 2 && !strcmp(argv[1], "help")) {
		ik_cli_usage(stdout, &spec);
		return IK_EXIT_OK;
	}
	sub = ik_cli_sub(&spec, argc, argv, &rc);
	if (!sub || (rc = ik_cli_parse(sub, argc - 1, argv + 1, &a, &c)) >= 0)
		return rc;
	if (sub == &spec_keys) {
		for (size_t i = 0; ik_profile_key_at(i); i++)
			printf("%s\n", ik_profile_key_at(i));
		return IK_EXIT_OK;
	}
	if (sub == &spec_check)
		return do_check(c.pos[0]);
	if (sub == &spec_get)
		return do_get(c.pos[0], c.pos[1]);
	a.file = c.pos[0];
	return do_render(a);
}
