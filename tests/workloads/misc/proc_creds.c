/* SPDX-License-Identifier: MIT */
/*
 * Credentials: the process drops root for distinct real/effective/saved uids and gids, a list
 * of supplementary groups, and (with argv[1] == "fsuid") a filesystem uid/gid that differs
 * from the effective one. After restore every id is the same and no capability came back.
 */
#include <errno.h>
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>

#include "zdtm.h"

static const gid_t groups[] = {5, 100, 65534};

static void read_status(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/status", "r");
	size_t n;

	if (!f)
		fail("open status: %s", strerror(errno));
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

static unsigned long long cap_field(const char *st, const char *key)
{
	const char *p = strstr(st, key);

	return p ? strtoull(p + strlen(key) + 1, NULL, 16) : ~0ULL;
}

int main(int argc, char **argv)
{
	int fs = argc > 1 && !strcmp(argv[1], "fsuid");
	uid_t r, e, s;
	gid_t gr, ge, gs, g[16];
	int n, fsu, fsg;
	char st[8192];

	test_init();
	if (setgroups(3, groups) || setresgid(65534, 65533, 65532) ||
	    setresuid(65534, 65533, 65532))
		fail("drop root: %s", strerror(errno));
	if (fs) {
		setfsgid(65532);
		setfsuid(65532);
	}
	fsu = setfsuid(-1);
	fsg = setfsgid(-1);
	test_ready();
	test_wait(NULL);

	if (getresuid(&r, &e, &s) || r != 65534 || e != 65533 || s != 65532)
		fail("uids %u/%u/%u, want 65534/65533/65532", r, e, s);
	if (getresgid(&gr, &ge, &gs) || gr != 65534 || ge != 65533 || gs != 65532)
		fail("gids %u/%u/%u, want 65534/65533/65532", gr, ge, gs);
	n = getgroups(16, g);
	if (n != 3 || g[0] != 5 || g[1] != 100 || g[2] != 65534)
		fail("%d supplementary groups (%u %u %u), want 5 100 65534", n, n > 0 ? g[0] : 0,
		     n > 1 ? g[1] : 0, n > 2 ? g[2] : 0);
	if (setfsuid(-1) != fsu || setfsgid(-1) != fsg)
		fail("fsuid/fsgid %d/%d, want %d/%d", setfsuid(-1), setfsgid(-1), fsu, fsg);
	read_status(st, sizeof(st));
	if (cap_field(st, "CapEff:") || cap_field(st, "CapPrm:") || cap_field(st, "CapAmb:"))
		fail("capabilities came back: eff %llx prm %llx", cap_field(st, "CapEff:"),
		     cap_field(st, "CapPrm:"));
	if (prctl(PR_GET_KEEPCAPS) != 0)
		fail("keep-caps is set");
	pass();
}
