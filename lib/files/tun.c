/* SPDX-License-Identifier: MIT */
/*
 * A descriptor of /dev/net/tun (Documentation/networking/tuntap.rst): attached with TUNSETIFF
 * to a tun or tap device, or not yet. fdinfo names the device ("iff:"); the rest is asked of
 * a copy of the descriptor (pidfd_getfd(2)): TUNGETIFF gives the device's flags (IFF_TUN or
 * IFF_TAP, IFF_VNET_HDR, IFF_MULTI_QUEUE, IFF_PERSIST), TUNGETVNETHDRSZ and TUNGETSNDBUF the
 * descriptor's own. IFF_NO_PI comes from the device's IFLA_TUN_PI (netns_tun_pi()): TUNGETIFF
 * sets the same bit, 0x1000, for IFF_NOFILTER (a descriptor without a filter).
 *
 *   params[0]  1: attached to the device "iff" (the file's own field), 0: not
 *   params[1]  the device's flags, as TUNGETIFF gives them, and IFF_DETACH_QUEUE for a queue
 *              of a multi-queue device that was detached (TUNSETQUEUE)
 *   params[2]  the virtio-net header size (TUNGETVNETHDRSZ)
 *   params[3]  the send buffer (TUNGETSNDBUF)
 *
 * At restore the device is there already when the tree has its own network namespace: the
 * namespace's restore (lib/net/netns-restore.c) made it, with its addresses, before any file
 * is opened, and a device that lives by a descriptor with that descriptor, which the first
 * description attached to it takes over (netns_tun_take()); another (a queue of a
 * multi-queue device) attaches with TUNSETIFF. Without a namespace of its own, TUNSETIFF
 * finds a persistent device of ours, or makes a bare one.
 */
#include <errno.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/proc.h"
#include "files.h"
#include "net/netns.h"

/* The misc device /dev/net/tun (Documentation/admin-guide/devices.txt: 10, 200). */
#define TUN_MAJOR 10
#define TUN_MINOR 200

/* TUNSETVNETHDRSZ takes no less than a struct virtio_net_hdr. */
#define TUN_HDR_MIN 10

/* The flags TUNSETIFF takes back, and IFF_PERSIST. */
#define TUN_FLAGS                                                                                  \
	(IFF_TUN | IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE | IFF_NAPI |               \
	 IFF_NAPI_FRAGS | IFF_PERSIST)

static bool tun_claim(const struct fd_dump *d)
{
	return S_ISCHR(d->st->st_mode) && major(d->st->st_rdev) == TUN_MAJOR &&
	       minor(d->st->st_rdev) == TUN_MINOR;
}

/* Whether the device of the tun descriptor fd is in the caller's network namespace (the
 * device's, which the dump worker joined: netns_file_enter()): TUNGETDEVNETNS (Linux 5.2)
 * gives its namespace. */
static bool tun_in_our_netns(int fd)
{
	_cleanup_close_ int ns = ioctl(fd, TUNGETDEVNETNS);
	struct stat a, b;

	if (ns < 0)
		return true; /* an older kernel: the rtnetlink lookup below tells */
	return fstat(ns, &a) == 0 && stat("/proc/thread-self/ns/net", &b) == 0 &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int tun_dump(const struct fd_dump *d, struct img_file *f)
{
	_cleanup_close_ int pidfd = -1, copy = -1;
	struct ifreq ifr = {0};
	char iff[64];
	int hdr = 0, sndbuf = 0, pi;

	f->path = strdup("/dev/net/tun");
	if (!f->path)
		return -ENOMEM;
	if (proc_status_field(d->info, "iff", iff, sizeof(iff)) < 0)
		iff[0] = '\0';
	iff[strcspn(iff, "\n")] = '\0';
	/* Opened, never attached: fdinfo says "iff:" with no name. */
	if (!iff[0])
		return 0;
	pidfd = syscall(SYS_pidfd_open, d->pid, 0);
	copy = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, d->fd, 0);
	if (copy < 0 || ioctl(copy, TUNGETIFF, &ifr) < 0 ||
	    ioctl(copy, TUNGETVNETHDRSZ, &hdr) < 0 || ioctl(copy, TUNGETSNDBUF, &sndbuf) < 0)
		return cryo_err(d->ctx, -errno,
				"fd %d of pid %d: the tun/tap device %s it is "
				"attached to",
				d->fd, d->pid, iff);
	if (strcmp(ifr.ifr_name, iff))
		return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: attached to %s, or to %s?",
				d->fd, d->pid, iff, ifr.ifr_name);
	if (!tun_in_our_netns(copy))
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d: its tun/tap device %s is in "
				"another network namespace than the one the dump joined for it "
				"(lib/net/netns-nested.c)",
				d->fd, d->pid, iff);
	f->name = strdup(iff);
	if (!f->name)
		return -ENOMEM;
	f->params[0] = 1;
	/* TUNGETIFF's IFF_NOFILTER says no socket filter is attached (TUNATTACHFILTER), which
	 * cryo does not read back. */
	if (!(ifr.ifr_flags & IFF_NOFILTER))
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d: a socket filter is attached "
				"to its tun/tap queue on %s (TUNATTACHFILTER), which cryo cannot "
				"carry",
				d->fd, d->pid, iff);
	f->params[1] = (uint16_t)ifr.ifr_flags & ((TUN_FLAGS & ~IFF_NO_PI) | IFF_DETACH_QUEUE);
	pi = netns_tun_pi(iff);
	if (pi < 0)
		return cryo_err(d->ctx, pi,
				"fd %d of pid %d: read tun/tap device %s over "
				"rtnetlink",
				d->fd, d->pid, iff);
	if (!pi)
		f->params[1] |= IFF_NO_PI;
	f->params[2] = hdr;
	f->params[3] = (uint32_t)sndbuf;
	return 0;
}

static int tun_encode(json_t *o, const struct img_file *f)
{
	if (f->params[0] && set(o, "iff", json_string(f->name)))
		return -ENOMEM;
	return 0;
}

static int tun_decode(struct dec *d, json_t *o, struct img_file *f)
{
	const char *n;

	if (f->params[0] > 1)
		return bad(d, "params", "hold an attachment mark other than 0 or 1");
	if (!f->params[0]) {
		if (f->params[1] || f->params[2] || f->params[3] || json_object_get(o, "iff"))
			return bad(d, "params",
				   "hold a device's state for a tun descriptor "
				   "attached to none");
		return 0;
	}
	if ((f->params[1] & ~(uint64_t)(TUN_FLAGS | IFF_DETACH_QUEUE)) ||
	    !(f->params[1] & IFF_TUN) == !(f->params[1] & IFF_TAP) ||
	    ((f->params[1] & IFF_DETACH_QUEUE) && !(f->params[1] & IFF_MULTI_QUEUE)))
		return bad(d, "params",
			   "hold tun flags TUNSETIFF does not take, or not one of "
			   "IFF_TUN and IFF_TAP, or a detached queue of a device with one");
	if (f->params[2] < TUN_HDR_MIN || f->params[2] > INT32_MAX || f->params[3] < 1 ||
	    f->params[3] > INT32_MAX)
		return bad(d, "params", "hold a header size or send buffer out of range");
	TRY(get_str(d, o, "iff", IFNAMSIZ - 1, &f->name));
	n = f->name;
	if (!*n || strchr(n, '/') || strchr(n, ':') || strchr(n, ' ') || !strcmp(n, ".") ||
	    !strcmp(n, ".."))
		return bad(d, "iff", "is not a device name the kernel takes");
	return 0;
}

/* A new descriptor of /dev/net/tun attached to f's device, or the one the namespace's
 * restore made that device with; -errno. */
static int tun_attach(const struct img_file *f)
{
	int fd = (f->flags & O_ACCMODE) == O_RDWR ? netns_tun_take(f->name) : -1;
	struct ifreq ifr = {0};

	if (fd >= 0)
		return fd;
	fd = open("/dev/net/tun", (f->flags & ~(O_CREAT | O_TRUNC | O_EXCL)) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", f->name);
	ifr.ifr_flags = f->params[1] & (TUN_FLAGS & ~IFF_PERSIST);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static int tun_open(struct file_restore *fr, const struct img_file *f)
{
	int hdr = f->params[2], sndbuf = f->params[3], fd, r;

	if (!f->params[0]) {
		fd = open("/dev/net/tun", (f->flags & ~(O_CREAT | O_TRUNC | O_EXCL)) | O_CLOEXEC);
		return file_restore_created(fr->ctx, fd, f);
	}
	fd = tun_attach(f);
	r = fd < 0 ? fd : 0;
	if (r >= 0 &&
	    (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0 || ioctl(fd, TUNSETSNDBUF, &sndbuf) < 0 ||
	     ((f->params[1] & IFF_DETACH_QUEUE) &&
	      ioctl(fd, TUNSETQUEUE, &(struct ifreq){.ifr_flags = IFF_DETACH_QUEUE}) < 0))) {
		r = -errno;
		close(fd);
	}
	if (r < 0)
		return cryo_err(fr->ctx, r, "attach a /dev/net/tun descriptor to %s (flags 0x%llx)",
				f->name, (unsigned long long)f->params[1]);
	return file_restore_created(fr->ctx, fd, f);
}

static const char *tun_describe(const struct img_file *f)
{
	return f->params[0] ? f->name : "/dev/net/tun (not attached)";
}

const struct file_kind file_kind_tun = {
    .type = FILE_TUN,
    .name = "tun",
    .claim = tun_claim,
    .dump = tun_dump,
    .encode = tun_encode,
    .decode = tun_decode,
    .restore_open = tun_open,
    .describe = tun_describe,
};
