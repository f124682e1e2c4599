/* SPDX-License-Identifier: MIT */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/progress.h"
#include "image/xfer.h"
#include "image.h"
#include "pagemap.h"
#include "image-dir.h"
#include "tar.h"

/*
 * libarchive is loaded only when an image is packed or unpacked (dlopen): linked into libcryo,
 * it and the libraries it pulls in (libxml2, ICU, ...) cost every cryo process ~20 ms of
 * start-up, a restore's first instruction included.
 */
#define LA_FUNCS(X) X(archive_entry_filetype) X(archive_entry_free) X(archive_entry_new) X(archive_entry_pathname) X(archive_entry_set_filetype) X(archive_entry_set_mtime) X(archive_entry_set_pathname) X(archive_entry_set_perm) X(archive_entry_set_size) X(archive_entry_size) X(archive_error_string) X(archive_read_data) X(archive_read_free) X(archive_read_new) X(archive_read_next_header) X(archive_read_open2) X(archive_read_data_skip) X(archive_filter_bytes) X(archive_read_support_format_tar) X(archive_set_error) X(archive_write_close) X(archive_write_data) X(archive_write_free) X(archive_write_header) X(archive_write_new) X(archive_write_open_fd) X(archive_write_set_bytes_in_last_block) X(archive_write_set_format_pax_restricted) X(archive_read_disk_new) X(archive_read_disk_open) X(archive_read_disk_descend) X(archive_read_disk_set_symlink_physical) X(archive_read_disk_set_standard_lookup) X(archive_read_next_header2) X(archive_entry_ctime) X(archive_entry_ctime_nsec) X(archive_entry_copy_pathname) X(archive_write_disk_new) X(archive_write_disk_set_options) X(archive_write_finish_entry) X(archive_read_data_block) X(archive_write_data_block) X(archive_read_open_fd) X(archive_read_close) X(archive_entry_hardlink) X(archive_entry_copy_hardlink)

static struct {
#define LA_MEMBER(fn) __typeof__(&fn) fn;
	LA_FUNCS(LA_MEMBER)
#undef LA_MEMBER
	bool loaded;
} la;

#define LA(fn) (la.fn)

static int la_load(struct cryo_ctx *ctx)
{
	void *h;

	if (la.loaded)
		return 0;
	h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return cryo_err(ctx, -ENOPKG, "tar images need libarchive (libarchive13): %s",
				dlerror());
#define LA_SYM(fn)                                                                         \
	if (!(la.fn = (__typeof__(&fn))dlsym(h, #fn)))                                      \
		return cryo_err(ctx, -ENOPKG, "libarchive lacks %s", #fn);
	LA_FUNCS(LA_SYM)
#undef LA_SYM
	la.loaded = true;
	return 0;
}

#define BLOCK (1UL << 20)
#define META_MAX (256UL << 20)

/* A member's header: a regular file of `size` bytes, whose data must follow. */
static int put_header(struct cryo_ctx *ctx, struct archive *a, const char *name, uint64_t size)
{
	struct archive_entry *e = LA(archive_entry_new)();
	int r = 0;

	if (!e)
		return -ENOMEM;
	LA(archive_entry_set_pathname)(e, name);
	LA(archive_entry_set_size)(e, size);
	LA(archive_entry_set_filetype)(e, AE_IFREG);
	LA(archive_entry_set_perm)(e, 0600);
	LA(archive_entry_set_mtime)(e, time(NULL), 0);
	if (LA(archive_write_header)(a, e) != ARCHIVE_OK)
		r = cryo_err(ctx, -EIO, "tar: %s: %s", name, LA(archive_error_string)(a));
	LA(archive_entry_free)(e);
	return r;
}

static int put_data(struct cryo_ctx *ctx, struct archive *a, const char *name, const void *buf,
		    size_t len)
{
	if (LA(archive_write_data)(a, buf, len) != (la_ssize_t)len)
		return cryo_err(ctx, -EIO, "tar: write %s: %s", name, LA(archive_error_string)(a));
	return 0;
}

static int pack_file(struct cryo_ctx *ctx, struct archive *a, int dirfd, const char *name,
		     char *buf)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0)
		return cryo_err(ctx, -errno, "tar: open %s", name);
	r = put_header(ctx, a, name, st.st_size);
	for (off_t off = 0; !r && off < st.st_size;) {
		ssize_t n = pread(fd, buf, BLOCK, off);

		if (n <= 0)
			return cryo_err(ctx, n < 0 ? -errno : -EIO, "tar: read %s", name);
		r = put_data(ctx, a, name, buf, n);
		off += n;
	}
	return r;
}

/* pages-PID.img straight from the task, a hash per XFER_CHUNK on the way, then its .sum.
 * Writeback of a file being written starts every 8 MiB, so that the final fsync finds little
 * left to do, as in xfer.c (on a pipe or socket this does nothing). */
static int pack_task(struct cryo_ctx *ctx, struct archive *a, const struct tar_pages *tp,
		     char *buf, int out_fd)
{
	struct iovec iov[XFER_CHUNK / 4096];
	_cleanup_free_ uint64_t *sums = NULL;
	_cleanup_close_ int mem_fd = -1;
	struct pagesum_hdr hdr = {.magic = PAGESUM_MAGIC, .chunk = XFER_CHUNK};
	struct xfer_map map;
	char name[64], path[64];
	uint64_t total;
	int r;

	r = xfer_map_init(&map, tp->segs, tp->nsegs);
	if (r < 0)
		return r;
	total = map.starts[map.n];
	hdr.count = xfer_nsums(total);
	snprintf(path, sizeof(path), "/proc/%d/mem", tp->pid);
	mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	sums = malloc(hdr.count * sizeof(*sums) + 1);
	if (mem_fd < 0 || !sums) {
		xfer_map_free(&map);
		return mem_fd < 0 ? cryo_err(ctx, -errno, "open %s", path) : -ENOMEM;
	}
	snprintf(name, sizeof(name), "pages-%d.img", tp->pid);
	r = put_header(ctx, a, name, total);
	for (uint64_t off = 0; !r && off < total; off += XFER_CHUNK) {
		uint64_t len = total - off < XFER_CHUNK ? total - off : XFER_CHUNK;
		int n = xfer_map_iov(&map, off, len, iov, XFER_CHUNK / 4096);

		r = n < 0 ? n : xfer_read_task(tp->pid, mem_fd, iov, n, buf, len, false);
		if (r < 0) {
			r = cryo_err(ctx, r, "pid %d: read its pages at %llu", tp->pid,
				     (unsigned long long)off);
			break;
		}
		sums[off / XFER_CHUNK] = XXH3_64bits(buf, len);
		r = put_data(ctx, a, name, buf, len);
		progress_add(len);
		if (off % (8UL << 20) == 0)
			sync_file_range(out_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	}
	xfer_map_free(&map);
	snprintf(name, sizeof(name), "pages-%d.sum", tp->pid);
	if (!r)
		r = put_header(ctx, a, name, sizeof(hdr) + hdr.count * sizeof(*sums));
	if (!r)
		r = put_data(ctx, a, name, &hdr, sizeof(hdr));
	if (!r && hdr.count)
		r = put_data(ctx, a, name, sums, hdr.count * sizeof(*sums));
	return r;
}

static int pack(struct cryo_ctx *ctx, int dirfd, const struct tar_pages *pages, size_t npages,
		int out_fd)
{
	struct archive *a = LA(archive_write_new)();
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_free_ char *buf = malloc(BLOCK);
	struct dirent *de;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (!a || !buf || fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0 && !d)
			close(fd);
		LA(archive_write_free)(a);
		return cryo_err(ctx, -ENOMEM, "tar: set up the archive");
	}
	if (LA(archive_write_set_format_pax_restricted)(a) != ARCHIVE_OK ||
	    LA(archive_write_set_bytes_in_last_block)(a, 1) != ARCHIVE_OK ||
	    LA(archive_write_open_fd)(a, out_fd) != ARCHIVE_OK) {
		r = cryo_err(ctx, -EIO, "tar: %s", LA(archive_error_string)(a));
		LA(archive_write_free)(a);
		return r;
	}
	while (!r && (de = readdir(d)))
		if (de->d_type == DT_REG && strcmp(de->d_name, IMG_META_NAME))
			r = pack_file(ctx, a, dirfd, de->d_name, buf);
	for (size_t i = 0; !r && i < npages; i++)
		r = pack_task(ctx, a, &pages[i], buf, out_fd);
	if (!r)
		r = pack_file(ctx, a, dirfd, IMG_META_NAME, buf);
	if (!r && LA(archive_write_close)(a) != ARCHIVE_OK)
		r = cryo_err(ctx, -EIO, "tar: finish the archive: %s", LA(archive_error_string)(a));
	LA(archive_write_free)(a);
	return r;
}

bool tar_detect(const void *buf, size_t len)
{
	return len >= 512 && !memcmp((const char *)buf + 257, "ustar", 5);
}

/* libarchive reads the bytes already taken from the stream, then the stream itself. */
struct source {
	int fd;
	bool seekable; /* an archive file: members left in place are skipped with lseek */
	const char *prefix;
	size_t prefix_len;
	bool prefix_done;
	char *buf;
};

static la_int64_t source_skip(struct archive *a, void *data, la_int64_t request)
{
	struct source *s = data;

	if (!s->seekable || !s->prefix_done || lseek(s->fd, request, SEEK_CUR) < 0)
		return 0; /* libarchive reads through instead */
	return request;
}

/* pages-N.img, N a pid: a member a restore can read in place. */
static bool is_pages_file(const char *name)
{
	const char *p = name + 6;

	if (strncmp(name, "pages-", 6) || *p < '1' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return !strcmp(p, ".img");
}

/*
 * In an archive file, a task's pages stay where they are: the restore reads them from the
 * archive at the member's offset (pages_file_open(), pagemap.h), so unpacking a large image
 * costs no memory. The offset is what libarchive has consumed when the header is read; the
 * first bytes of the member, read both ways, must agree, or the member is unpacked as any
 * other. 1 if left in place (and skipped), 0 if not (and nothing of it consumed but what
 * *ret_head holds: *ret_head_len bytes, to be written out first), or < 0.
 */
static int leave_in_place(struct cryo_ctx *ctx, struct archive *a, const struct source *s,
			  int dirfd, const char *name, uint64_t size, char *head,
			  size_t *ret_head_len)
{
	la_int64_t off = LA(archive_filter_bytes)(a, -1);
	char check[4096], at[64];
	size_t want = size < sizeof(check) ? size : sizeof(check), got = 0;

	/* libarchive hands data out a block of its input at a time: the head may come in two. */
	while (got < want) {
		la_ssize_t n = LA(archive_read_data)(a, head + got, want - got);

		if (n < 0)
			return cryo_err(ctx, -EBADMSG, "tar: %s: %s", name,
					LA(archive_error_string)(a));
		if (!n)
			break;
		got += n;
		*ret_head_len = got;
	}
	if (got != want || off < 0 || pread_all(s->fd, check, want, off) < 0 ||
	    memcmp(check, head, want))
		return 0;
	snprintf(at, sizeof(at), "%lld\n", (long long)off);
	snprintf(check, sizeof(check), "%s" PAGES_AT_SUFFIX, name);
	if (write_file_atomic(dirfd, check, at, strlen(at)) < 0)
		return cryo_err(ctx, -errno, "tar: write %s", check);
	if (LA(archive_read_data_skip)(a) != ARCHIVE_OK)
		return cryo_err(ctx, -EBADMSG, "tar: %s: %s", name, LA(archive_error_string)(a));
	return 1;
}

static la_ssize_t source_read(struct archive *a, void *data, const void **ret)
{
	struct source *s = data;
	ssize_t n;

	if (!s->prefix_done) {
		s->prefix_done = true;
		if (s->prefix_len) {
			*ret = s->prefix;
			return s->prefix_len;
		}
	}
	do
		n = read(s->fd, s->buf, BLOCK);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		LA(archive_set_error)(a, errno, "read: %s", strerror(errno));
		return -1;
	}
	*ret = s->buf;
	return n;
}

static int unpack(struct cryo_ctx *ctx, int in_fd, bool seekable, const void *prefix,
		  size_t prefix_len, int dirfd)
{
	struct source s = {.fd = in_fd, .seekable = seekable, .prefix = prefix,
			   .prefix_len = prefix_len, .buf = malloc(BLOCK)};
	struct archive *a = LA(archive_read_new)();
	struct archive_entry *e;
	_cleanup_free_ char *meta = NULL, *data = malloc(BLOCK); /* not s.buf: libarchive's input */
	size_t meta_len = 0;
	int r = 0, st;

	if (!a || !s.buf || !data) {
		LA(archive_read_free)(a);
		free(s.buf);
		return -ENOMEM;
	}
	LA(archive_read_support_format_tar)(a);
	if (LA(archive_read_open2)(a, &s, NULL, source_read, source_skip, NULL) != ARCHIVE_OK) {
		r = cryo_err(ctx, -EBADMSG, "tar: %s", LA(archive_error_string)(a));
		goto out;
	}
	while ((st = LA(archive_read_next_header)(a, &e)) == ARCHIVE_OK) {
		const char *name = LA(archive_entry_pathname)(e);
		la_int64_t size = LA(archive_entry_size)(e);
		_cleanup_close_ int fd = -1;
		bool is_meta;

		/* Plain names, and none of the two the unpacker itself makes. */
		if (!name || !file_name_plain(name) || LA(archive_entry_filetype)(e) != AE_IFREG ||
		    size < 0 || !strcmp(name, TAR_IMAGE_NAME) ||
		    (strlen(name) > strlen(PAGES_AT_SUFFIX) &&
		     !strcmp(name + strlen(name) - strlen(PAGES_AT_SUFFIX), PAGES_AT_SUFFIX))) {
			r = cryo_err(ctx, -EBADMSG, "tar: entry \"%s\" is not a file of an image",
				     name ? name : "?");
			goto out;
		}
		is_meta = !strcmp(name, IMG_META_NAME);
		if (is_meta && (uint64_t)size > META_MAX) {
			r = cryo_err(ctx, -EFBIG, "tar: %s too large", name);
			goto out;
		}
		if (is_meta) {
			free(meta);
			meta = malloc(size + 1);
			meta_len = 0;
			if (!meta) {
				r = -ENOMEM;
				goto out;
			}
		} else {
			size_t head = 0;

			if (seekable && is_pages_file(name)) {
				r = leave_in_place(ctx, a, &s, dirfd, name, size, data, &head);
				if (r < 0)
					goto out;
				if (r > 0)
					continue;
			}
			fd = image_file_create(dirfd, name, O_WRONLY);
			r = fd < 0 ? fd : write_all(fd, data, head);
			if (r < 0) {
				cryo_err(ctx, r, "tar: create %s", name);
				goto out;
			}
		}
		for (;;) {
			la_ssize_t n = LA(archive_read_data)(a, data, BLOCK);

			if (n < 0) {
				r = cryo_err(ctx, -EBADMSG, "tar: %s: %s", name,
					     LA(archive_error_string)(a));
				goto out;
			}
			if (!n)
				break;
			if (is_meta) {
				if (meta_len + n > (size_t)size) {
					r = cryo_err(ctx, -EBADMSG, "tar: %s longer than said", name);
					goto out;
				}
				memcpy(meta + meta_len, data, n);
				meta_len += n;
			} else if (write_all(fd, data, n) < 0) {
				r = cryo_err(ctx, -errno, "tar: write %s", name);
				goto out;
			}
		}
		if (fd >= 0 && fsync(fd) < 0) {
			r = cryo_err(ctx, -errno, "tar: sync %s", name);
			goto out;
		}
	}
	if (st != ARCHIVE_EOF) {
		r = cryo_err(ctx, -EBADMSG, "tar: %s: the image is incomplete or damaged",
			     LA(archive_error_string)(a));
		goto out;
	}
	if (!meta) {
		r = cryo_err(ctx, -EBADMSG, "tar: no %s in the archive", IMG_META_NAME);
		goto out;
	}
	r = write_file_atomic(dirfd, IMG_META_NAME, meta, meta_len);
	if (r < 0)
		cryo_err(ctx, r, "tar: write %s", IMG_META_NAME);
out:
	LA(archive_read_free)(a);
	free(s.buf);
	return r;
}

int tar_pack(struct cryo_ctx *ctx, int dirfd, const struct tar_pages *pages, size_t n,
	     int out_fd)
{
	int r = la_load(ctx);

	return r < 0 ? r : pack(ctx, dirfd, pages, n, out_fd);
}

/* scratch/image.tar -> the archive, by its absolute path (via /proc/self/fd). */
static int link_archive(int dirfd, int outfd)
{
	_cleanup_free_ char *target = NULL;
	char path[64];
	int fd = openat(dirfd, TAR_IMAGE_NAME, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = readlink_malloc(path, &target);
	close(fd);
	if (r < 0)
		return r;
	return symlinkat(target, outfd, TAR_IMAGE_NAME) < 0 ? -errno : 0;
}

int tar_image_unpack(struct cryo_ctx *ctx, int dirfd, const char *dir, char **ret_scratch)
{
	_cleanup_close_ int tar_fd = -1, outfd = -1;
	char *scratch = NULL;
	int r;

	if (faccessat(dirfd, IMG_META_NAME, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	tar_fd = image_file_open(dirfd, TAR_IMAGE_NAME);
	if (tar_fd == -ENOENT)
		return 0;
	if (tar_fd < 0)
		return image_file_err(ctx, tar_fd, TAR_IMAGE_NAME);
	r = scratch_dir_create("unpack", &scratch);
	if (r < 0)
		return cryo_err(ctx, r, "create a scratch directory to unpack %s/%s", dir,
				TAR_IMAGE_NAME);
	outfd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = outfd < 0 ? -errno : la_load(ctx);
	if (r >= 0)
		r = unpack(ctx, tar_fd, true, NULL, 0, outfd);
	/* The pages stay in the archive, which the restore finds through this link (made last:
	 * no member of the archive can be written through it). */
	if (r >= 0)
		r = link_archive(dirfd, outfd);
	if (r < 0) {
		scratch_dir_remove(scratch);
		free(scratch);
		return cryo_err_wrap(ctx, r, "%s/%s", dir, TAR_IMAGE_NAME);
	}
	*ret_scratch = scratch;
	return 1;
}

int tar_unpack(struct cryo_ctx *ctx, int in_fd, const void *prefix, size_t prefix_len,
	       int dirfd)
{
	int r = la_load(ctx);

	return r < 0 ? r : unpack(ctx, in_fd, false, prefix, prefix_len, dirfd);
}

/* ---- a container's rootfs changes (lib/container/) ---- */

int tar_rootfs_pack(struct cryo_ctx *ctx, const char *rootfs, const struct timespec *since,
		    int out_fd)
{
	struct archive *disk, *out;
	struct archive_entry *e;
	size_t plen = strlen(rootfs);
	_cleanup_free_ char *buf = NULL;
	unsigned n = 0;
	int r = la_load(ctx);

	if (r < 0)
		return r;
	buf = malloc(BLOCK);
	disk = LA(archive_read_disk_new)();
	out = LA(archive_write_new)();
	e = LA(archive_entry_new)();
	if (!buf || !disk || !out || !e) {
		r = -ENOMEM;
		goto out;
	}
	LA(archive_read_disk_set_symlink_physical)(disk);
	LA(archive_read_disk_set_standard_lookup)(disk);
	LA(archive_write_set_format_pax_restricted)(out);
	if (LA(archive_read_disk_open)(disk, rootfs) != ARCHIVE_OK ||
	    LA(archive_write_open_fd)(out, out_fd) != ARCHIVE_OK) {
		r = cryo_err(ctx, -EIO, "rootfs %s: %s", rootfs, LA(archive_error_string)(disk));
		goto out;
	}
	for (;;) {
		const char *path;
		int got = LA(archive_read_next_header2)(disk, e);

		if (got == ARCHIVE_EOF)
			break;
		if (got != ARCHIVE_OK && got != ARCHIVE_WARN) {
			r = cryo_err(ctx, -EIO, "rootfs %s: %s", rootfs,
				     LA(archive_error_string)(disk));
			goto out;
		}
		LA(archive_read_disk_descend)(disk);
		path = LA(archive_entry_pathname)(e);
		/* What the container wrote since it was made: the rootfs itself is not a member. */
		if (!path || strlen(path) <= plen + 1 || LA(archive_entry_ctime)(e) < since->tv_sec ||
		    (LA(archive_entry_ctime)(e) == since->tv_sec &&
		     LA(archive_entry_ctime_nsec)(e) < since->tv_nsec))
			continue;
		LA(archive_entry_copy_pathname)(e, path + plen + 1);
		if (LA(archive_write_header)(out, e) != ARCHIVE_OK) {
			r = cryo_err(ctx, -EIO, "rootfs %s: %s", path, LA(archive_error_string)(out));
			goto out;
		}
		for (;;) {
			la_ssize_t got_data = LA(archive_read_data)(disk, buf, BLOCK);

			if (got_data == 0)
				break;
			if (got_data < 0 || LA(archive_write_data)(out, buf, got_data) != got_data) {
				r = cryo_err(ctx, -EIO, "rootfs %s: %s", path,
					     LA(archive_error_string)(got_data < 0 ? disk : out));
				goto out;
			}
		}
		n++;
	}
	if (LA(archive_write_close)(out) != ARCHIVE_OK)
		r = cryo_err(ctx, -EIO, "rootfs changes: %s", LA(archive_error_string)(out));
	else
		cryo_log(ctx, CRYO_LOG_INFO, "rootfs %s: %u entries changed since the container "
			 "was made", rootfs, n);
out:
	if (e)
		LA(archive_entry_free)(e);
	if (disk)
		LA(archive_read_free)(disk);
	if (out)
		LA(archive_write_free)(out);
	return r;
}

/* A member name that stays inside the rootfs: relative, no "..", no empty path. */
static bool inside(const char *name)
{
	if (!name || !*name || name[0] == '/')
		return false;
	for (const char *p = name; p; p = strchr(p, '/'), p = p ? p + 1 : NULL)
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
			return false;
	return true;
}

int tar_rootfs_unpack(struct cryo_ctx *ctx, int in_fd, const char *rootfs,
		      int (*before)(struct cryo_ctx *ctx, void *arg, const char *name, bool dir),
		      void *arg)
{
	struct archive *in, *disk;
	struct archive_entry *e;
	int r = la_load(ctx);

	if (r < 0)
		return r;
	in = LA(archive_read_new)();
	disk = LA(archive_write_disk_new)();
	if (!in || !disk) {
		r = -ENOMEM;
		goto out;
	}
	LA(archive_read_support_format_tar)(in);
	/* Never through a link the archive (or the rootfs) holds, never above the rootfs. */
	LA(archive_write_disk_set_options)(disk, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
						     ARCHIVE_EXTRACT_OWNER |
						     ARCHIVE_EXTRACT_SECURE_SYMLINKS |
						     ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						     ARCHIVE_EXTRACT_UNLINK);
	if (LA(archive_read_open_fd)(in, in_fd, BLOCK) != ARCHIVE_OK) {
		r = cryo_err(ctx, -EIO, "rootfs changes: %s", LA(archive_error_string)(in));
		goto out;
	}
	while ((r = LA(archive_read_next_header)(in, &e)) == ARCHIVE_OK) {
		const char *name = LA(archive_entry_pathname)(e), *link;
		_cleanup_free_ char *dest = NULL;
		const void *block;
		size_t len;
		la_int64_t off;
		int got;

		link = LA(archive_entry_hardlink)(e);
		if (!inside(name) || (link && !inside(link))) {
			r = cryo_err(ctx, -EINVAL, "rootfs changes: member %s leaves the rootfs",
				     name ? name : "(none)");
			goto out;
		}
		if (before) {
			r = before(ctx, arg, name, LA(archive_entry_filetype)(e) == AE_IFDIR &&
							   !link);
			if (r < 0)
				goto out;
		}
		if (asprintf(&dest, "%s/%s", rootfs, name) < 0) {
			r = -ENOMEM;
			goto out;
		}
		LA(archive_entry_copy_pathname)(e, dest);
		/* A hard link's target too is the rootfs's: libarchive would resolve it from our
		 * working directory, and link a file of the host into the container. */
		if (link) {
			_cleanup_free_ char *target = NULL;

			if (asprintf(&target, "%s/%s", rootfs, link) < 0) {
				r = -ENOMEM;
				goto out;
			}
			LA(archive_entry_copy_hardlink)(e, target);
		}
		if (LA(archive_write_header)(disk, e) != ARCHIVE_OK) {
			r = cryo_err(ctx, -EIO, "rootfs %s: %s", dest, LA(archive_error_string)(disk));
			goto out;
		}
		while ((got = LA(archive_read_data_block)(in, &block, &len, &off)) == ARCHIVE_OK)
			if (LA(archive_write_data_block)(disk, block, len, off) != ARCHIVE_OK)
				break;
		if (got != ARCHIVE_EOF || LA(archive_write_finish_entry)(disk) != ARCHIVE_OK) {
			r = cryo_err(ctx, -EIO, "rootfs %s: %s", dest,
				     LA(archive_error_string)(got != ARCHIVE_EOF ? in : disk));
			goto out;
		}
	}
	r = r == ARCHIVE_EOF ? 0 : cryo_err(ctx, -EIO, "rootfs changes: %s",
					   LA(archive_error_string)(in));
out:
	if (in)
		LA(archive_read_free)(in);
	if (disk)
		LA(archive_write_free)(disk);
	return r;
}
