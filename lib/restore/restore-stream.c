/* SPDX-License-Identifier: MIT */
/*
 * cryo_restore() of an image that arrives on descriptors (`cryo restore -D -`, `cryo serve
 * --restore`): restored as it arrives where it can be, stored first where it cannot.
 *
 * A dump to descriptors sends the metadata first (dump.c: send_image()). It is read alone,
 * into a scratch directory in memory; if every PID of the image is free here, the tree is
 * built at once and each frame goes from the descriptor down a pipe into the task it belongs
 * to, which checks it and copies it into place (stream-receive.c, stream-feed.c): no copy of
 * the pages is made anywhere, and receiving overlaps restoring. A sender that waits for answers
 * (`cryo dump --to`, opts->stream_answers), once every task has all its pages and the tree is
 * parked, is told "READY"; it kills its tree and says "GO", and only then does this one run
 * (stream_rx_commit()). A failure before that
 * lets the sender resume its tree: nothing is lost, and the two never run at once.
 *
 * A container's tree (cryo_container_restore() from object storage) is restored so too, in the
 * runtime's namespaces: the worker that makes its root there makes the pipes (restore-ns.c).
 *
 * The image is stored first, whole, and restored from the store when: a PID is still in use
 * (the tree being dumped is on this machine, and holds its PIDs until the dump has sent
 * everything: waiting for them while the sender waits for us would never end); a lazy restore
 * (the server fetches pages long after the streams are gone); a tar archive; a tree with
 * namespaces of its own that is not a container's; or a sender that sent pages before the
 * metadata.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/image.h"
#include "image/stream.h"
#include "restore.h"

#define LOG_PREFIX "restore: "

/* 1 if the image whose metadata is in dir can be restored as it arrives; 0 if it must be
 * stored first (and says why in the log). A container's tree (target) goes into a new pid
 * namespace: its PIDs are free by construction. */
static int can_feed(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		    const struct ns_target *target, const char *dir)
{
	struct img img = {0};
	pid_t busy;
	int r;

	if (opts->lazy) {
		log_info(ctx, "a lazy restore reads its pages long after: the image is stored "
			 "first");
		return 0;
	}
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0)
		return cryo_err(ctx, -errno, "open %s", dir);
	r = img_load(ctx, dirfd, dir, &img);
	if (r < 0)
		return r;
	busy = target ? 0 : restore_pid_in_use(&img);
	if (img.ns.own && !target) {
		img_free(&img);
		log_info(ctx, "a tree with namespaces of its own is restored from a directory: the "
			 "image is stored first");
		return 0;
	}
	img_free(&img);
	if (busy) {
		log_info(ctx, "pid %d of the image is in use here (by the tree being dumped?): the "
			 "image is stored first, then restored", busy);
		return 0;
	}
	return 1;
}

int restore_from_streams(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			 const struct ns_target *target, pid_t *ret_root)
{
	struct cryo_restore_opts o = *opts;
	_cleanup_free_ char *scratch = NULL;
	struct stream_rx *rx = NULL;
	int r;

	if (opts->dir || !opts->stream_fds || opts->nstream_fds > STREAM_MAX)
		return cryo_err(ctx, -EINVAL, "restore: a directory or 1 to %d descriptors",
				STREAM_MAX);
	r = scratch_dir_create("restore", &scratch);
	if (r < 0)
		return cryo_err(ctx, r, "create a scratch directory for the image");
	r = stream_rx_new(ctx, opts->stream_fds, opts->nstream_fds, scratch, &rx);
	if (r < 0)
		goto out;
	stream_rx_set_answers(rx, opts->stream_answers);
	o.dir = scratch;
	o.no_hot_set = true; /* a scratch directory, not the image */
	o.stream_fds = NULL;
	o.nstream_fds = 0;
	if (stream_rx_is_tar(rx)) {
		r = stream_rx_unpack_tar(rx);
		goto stored;
	}
	r = stream_rx_metadata(rx);
	if (r > 0)
		r = can_feed(ctx, opts, target, scratch);
	if (r > 0) {
		log_info(ctx, "restoring the image as it arrives");
		r = restore_image(ctx, &o, target, rx, -1, ret_root);
		if (r < 0) {
			cryo_err_wrap(ctx, r, "restore as the image arrived");
			stream_rx_answer(rx, r, cryo_ctx_errmsg(ctx));
		}
		goto out;
	}
	if (r == 0)
		r = stream_rx_store(rx);
stored:
	stream_rx_answer(rx, r, cryo_ctx_errmsg(ctx));
	if (r >= 0)
		r = restore_image(ctx, &o, target, NULL, -1, ret_root);
out:
	stream_rx_free(rx);
	scratch_dir_remove(scratch);
	return r;
}
