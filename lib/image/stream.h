/* SPDX-License-Identifier: MIT */
/*
 * Page streams: page data cut into independent frames, each compressed on its own and spread
 * over N streams, so that N threads compress and write (or read and decompress) at once and a
 * stream can be a file, a pipe or a socket.
 *
 * A stream is a sequence of records, each a 48-byte header (sealed by its own XXH3 hash) and a
 * payload:
 *   REC_PAGES  one frame: up to STREAM_FRAME bytes of a task's pages, starting at raw_off in the
 *              task's pages (the runs of its pagemap back to back), compressed with `codec`;
 *              raw_hash is the XXH3-64 of the pages, checked before they reach memory.
 *              Frames are whole pages; most are STREAM_FRAME long, but the writer cuts them
 *              where it likes (stream_write_task()), and readers take any cut.
 *   REC_FILE   a piece of a metadata file (cryo.json, pagemaps, shmem objects...), sent when
 *              the image goes to a pipe or socket rather than a directory: the payload is the
 *              name then the bytes at raw_off; a piece with no bytes gives the file's size.
 *   REC_END    the stream is complete.
 * In an image directory, stream S is the file pages-S.cryo and holds only REC_PAGES records, as
 * they arrived; everything else is an ordinary file. Frames may come in any order: the restore
 * indexes them by (pid, raw_off) and checks they cover each task's pages exactly once.
 */
#ifndef CRYO_IMAGE_STREAM_H
#define CRYO_IMAGE_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "codec.h"
#include "cryo/cryo.h"

#define REC_MAGIC     "CRR1"
#define STREAM_FRAME  (2UL << 20) /* raw bytes per frame */
#define STREAM_MAX    CRYO_STREAMS_MAX
#define STREAM_NAME_MAX 255

enum rec_type {
	REC_PAGES = 1,
	REC_FILE = 2,
	REC_END = 3,
};

struct rec_hdr {
	char magic[4];
	uint8_t type;
	uint8_t codec;
	uint16_t nstreams; /* streams of the image */
	uint16_t stream;   /* this record's */
	uint16_t name_len; /* REC_FILE: bytes of name at the start of the payload */
	int32_t pid;       /* REC_PAGES: the task */
	uint32_t raw_len;  /* bytes the payload decodes to (REC_FILE: after the name) */
	uint32_t len;      /* payload bytes after this header */
	uint64_t raw_off;  /* REC_PAGES: in the task's pages; REC_FILE: in the file (or its size) */
	uint64_t raw_hash; /* XXH3-64 of the decoded bytes */
	uint64_t hdr_hash; /* XXH3-64 of everything above */
};

_Static_assert(sizeof(struct rec_hdr) == 48, "record header layout");

/* Fills magic and hdr_hash. */
void rec_seal(struct rec_hdr *h);

/* Checks magic, seal and the fields every record must have right; returns a static reason or
 * NULL if the header is sound. */
const char *rec_check(const struct rec_hdr *h);

struct cryo_ctx;
struct xfer_seg;

/* Writing: one writer for the whole dump. */
struct stream_writer;

/*
 * Streams go to files pages-S.cryo in dirfd (nfds == 0), or to the given descriptors: stream S
 * to fds[S % nfds], whole records at a time (a pipe or socket shared by streams is locked per
 * record). Memory: two frame buffers per stream.
 */
int stream_writer_new(struct cryo_ctx *ctx, enum codec codec, unsigned nstreams, int dirfd,
		      const int *fds, unsigned nfds, struct stream_writer **ret);

/*
 * Frames a task's pages (segs in pagemap order, read from the frozen task, or from a live one
 * for a pre-dump: see xfer_read_task()) over the streams, one thread per stream. Frames are
 * cut at the edges of the byte ranges `first` of its pages (sorted, disjoint, page-aligned:
 * what a lazy restore loads before the tree runs, image/eager.h), and stream 0's thread
 * writes the frames inside them first, one after the other, while the other streams' start
 * on the rest: a restore from object storage then finds a task's first pages in a few KiB of
 * one stream (right after the image's files, for the first task), not in the 2 MiB frames
 * around them (docs/object-storage.md, "Lazy restore"), and no stream waits for them.
 */
int stream_write_task(struct stream_writer *w, pid_t pid, const struct xfer_seg *segs,
		      size_t nsegs, const uint64_t (*first)[2], size_t nfirst, bool live);

/* Sends dirfd/name as REC_FILE records on stream 0 (holes are not sent). */
int stream_write_file(struct stream_writer *w, int dirfd, const char *name);

/* Ends every stream (REC_END when writing to descriptors) and syncs stream files. */
int stream_writer_finish(struct stream_writer *w);

/* Sends every file of dirfd (cryo.json last) on stream 0; the pages and the ends of the
 * streams follow (stream_write_task(), stream_writer_finish()). */
int stream_send_dir(struct cryo_ctx *ctx, struct stream_writer *w, int dirfd);

/* On a socket, waits for the receiver's verdict on the image: 0 for "OK" (stored), 1 for
 * "READY" (restored, waiting for stream_send_go() once this tree is gone); on a pipe, 0. */
int stream_await_ack(struct cryo_ctx *ctx, int fd);
int stream_send_go(struct cryo_ctx *ctx, int fd);

/* Raw and written bytes so far. */
void stream_writer_counts(const struct stream_writer *w, uint64_t *raw, uint64_t *out);

void stream_writer_free(struct stream_writer *w);

/* Reading: the frames of every task, from the pages-S.cryo files of an image directory. */
struct stream_frame {
	uint64_t raw_off;
	uint64_t file_off; /* of the payload in its stream file */
	uint64_t raw_hash;
	uint32_t raw_len;
	uint32_t len;
	uint16_t stream;
};

struct stream_index;
struct img;

/* Scans the stream files named by img and checks every frame header, and that the frames of
 * each task cover its pages exactly. */
int stream_index_build(struct cryo_ctx *ctx, int dirfd, const struct img *img,
		       struct stream_index **ret);
void stream_index_free(struct stream_index *idx);

/*
 * Frames kept elsewhere than in pages-S.cryo: the streams of an image in object storage
 * (lib/storage/s3-image.c), read a frame at a time by ranged reads. recs says where each record
 * of each stream starts (off) and holds its header as the stream does (sealed); records other
 * than frames are skipped. Each reader (one per process or thread that reads) comes from
 * open(); read() fills buf with bytes [off, off + len) of stream S, or sets ctx's error naming
 * the object. Such an index serves random access (stream_block_*) only: a lazy restore.
 */
struct stream_remote_rec {
	uint64_t off;
	struct rec_hdr h;
};

_Static_assert(sizeof(struct stream_remote_rec) == 56, "remote record layout");

struct stream_remote {
	const char *where; /* messages name stream S as WHERE/stream-S (WHERE/pages-S.cryo if
			    * dir_names: a link of a chain) */
	bool dir_names;
	const struct stream_remote_rec *recs;
	size_t nrecs;
	/* Bytes [0, head_len) of stream 0 already here (they came with the image's files), or
	 * none: reads inside them are served from memory. */
	const void *head;
	uint64_t head_len;
	int (*open)(struct cryo_ctx *ctx, const struct stream_remote *rem, void **ret_reader);
	int (*read)(void *reader, unsigned stream, uint64_t off, void *buf, uint32_t len);
	void (*close)(void *reader);
};

/*
 * The streams of an image directory kept elsewhere (a link of a chain in object storage,
 * lib/storage/s3-chain.c): the directory holds STREAMS_REMOTE_MARKER in place of its
 * pages-S.cryo files, with what only these operations read beside it. While they are set,
 * stream_index_build() of such a directory makes its remote with open() (nstreams: the
 * image's) and indexes it as stream_index_remote() does; the index frees it with free().
 */
#define STREAMS_REMOTE_MARKER "pages.cryo.remote"

struct stream_remote_dir_ops {
	int (*open)(struct cryo_ctx *ctx, int dirfd, unsigned nstreams, struct stream_remote **ret);
	void (*free)(struct stream_remote *rem);
};

void stream_set_remote_dir(const struct stream_remote_dir_ops *ops);

/* Whether idx's frames are read by ranged reads (stream_index_prefetch() is for them). */
bool stream_index_is_remote(const struct stream_index *idx);

/* Indexes the frames of rem as stream_index_build() does those of an image directory, with
 * the same checks: every header sound and of this image, each task's pages covered exactly. */
int stream_index_remote(struct cryo_ctx *ctx, const struct img *img,
			const struct stream_remote *rem, struct stream_index **ret);

/* What one task wants of its pages: the byte ranges [ranges[i][0], ranges[i][1]). */
struct stream_want {
	pid_t pid;
	const uint64_t (*ranges)[2];
	size_t n;
};

/* For an index of remote frames: fetches at once (up to 8 connections) the frames that hold
 * what each of the nw tasks wants, decoded and checked, into memory that processes forked
 * afterwards share; stream_block_get() then serves them from there. For what a lazy restore
 * loads before the tree runs. Best effort (at most 64 MiB of frames per task; a frame that
 * fails is read again, and its failure told, when it is wanted), or, with all, every frame or
 * an error naming the first that failed: for tasks that cannot reach the store themselves (a
 * container's network). */
int stream_index_prefetch(struct cryo_ctx *ctx, struct stream_index *idx,
			  const struct stream_want *w, size_t nw, bool all);

/* Fills the pages of task pid (segs in pagemap order, addresses in this process) from the
 * stream files, in parallel, checking each frame's hash before its pages are written. */
int stream_read_task(struct cryo_ctx *ctx, const struct stream_index *idx, int dirfd, pid_t pid,
		     const struct xfer_seg *segs, size_t nsegs);

/* Random access to a task's pages, a decoded and checked frame at a time (lazy restore). */
struct stream_block_reader;

int stream_block_open(struct cryo_ctx *ctx, const struct stream_index *idx, int dirfd, pid_t pid,
		      struct stream_block_reader **ret);

/* The frame holding byte `off` of the task's pages: *ret_data holds its *ret_len bytes, which
 * start at *ret_start. Valid until the next call. -ERANGE if no frame holds off. */
int stream_block_get(struct stream_block_reader *r, uint64_t off, const void **ret_data,
		     uint64_t *ret_start, uint64_t *ret_len);
void stream_block_close(struct stream_block_reader *r);
/* For a reader of remote frames: from the first frame asked for on, the next few frames of the
 * task are fetched ahead, by threads of this process each on a connection of its own (the lazy
 * page server's background copy goes through them in order). Only in a process that forks no
 * more and whose address space is not a restored task's. */
void stream_block_read_ahead(struct stream_block_reader *r);

/*
 * Receiving streams (stream-receive.c): from fds (stream S on fds[S % nfds]) into the
 * directory dir. stream_rx_new() reads the first bytes of a single descriptor at once, to tell
 * a tar archive (stream_rx_is_tar(), stream_rx_unpack_tar()) from records.
 */
struct stream_rx;

int stream_rx_new(struct cryo_ctx *ctx, const int *fds, unsigned nfds, const char *dir,
		  struct stream_rx **ret);
bool stream_rx_is_tar(const struct stream_rx *rx);
int stream_rx_unpack_tar(struct stream_rx *rx);

/* Reads the first descriptor until the image's metadata is in, and writes cryo.json (not
 * synced) and the other metadata files to dirfd: 1. 0 if a record that is not metadata came
 * first (a sender that sends its pages first): receive the rest with stream_rx_store(). */
int stream_rx_metadata(struct stream_rx *rx);

/* Receives (the rest of) the image into dirfd as a dump to a directory writes it, cryo.json
 * last, everything synced. */
int stream_rx_store(struct stream_rx *rx);

/* After stream_rx_metadata(): threads that send each frame, header and payload as they came,
 * to chan_fds[i] for the task pids[i] (a pipe: stream_feed_task() reads it), until every stream
 * has ended. stream_rx_feed_finish() waits for them (stop: stops them first) and says how the
 * receive went. */
int stream_rx_feed_start(struct stream_rx *rx, const pid_t *pids, const int *chan_fds,
			 unsigned n);
int stream_rx_feed_finish(struct stream_rx *rx, bool stop);

unsigned stream_rx_nstreams(const struct stream_rx *rx);

/* Bytes read so far from every descriptor; and, once a receive has failed, its reason set on
 * the context and its error (0 while all is well). Both safe while the threads run. */
uint64_t stream_rx_bytes(const struct stream_rx *rx);
int stream_rx_check(struct stream_rx *rx);

/* Tells a sender that waits for answers (stream_rx_set_answers(); by default, one on a
 * socket) "OK" (r >= 0) or "ERR msg"; any other, nothing. */
void stream_rx_answer(struct stream_rx *rx, int r, const char *msg);

/* A restore as it arrives, its tree stopped and ready: if the sender waits for answers,
 * tells it "READY" and waits for its "GO" (it has let its own tree
 * go): 0, or < 0 if the sender went away or said anything else, and the copy must not run.
 * Otherwise 0 at once. */
void stream_rx_set_answers(struct stream_rx *rx, bool answers);
int stream_rx_commit(struct stream_rx *rx);
void stream_rx_free(struct stream_rx *rx);

/* Fills the pages of task pid (segs in pagemap order, npages in all) from the frames that
 * arrive on fd, in parallel: each is decoded and checked against its hash before it reaches
 * memory, and together they must cover the pages exactly once. Returns once all are in. */
int stream_feed_task(struct cryo_ctx *ctx, int fd, enum codec codec, pid_t pid,
		     const struct xfer_seg *segs, size_t nsegs, uint64_t npages);

#endif
