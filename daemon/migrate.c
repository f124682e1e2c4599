/* SPDX-License-Identifier: MIT */
/*
 * Migration between daemons (see migrate.h). The streams go as `cryo dump --to` sends them to
 * `cryo serve` (lib/transport/net.h): each connection sends the migration's ticket as its
 * token line first (a connection without it, or too slow to send it, is logged with its
 * address and dropped before a byte of its stream is read), then the stream's first bytes say
 * which stream of how many it carries. A daemon with a certificate (https://) takes them in
 * TLS only, each handshaken before its ticket is read, and the sender checks the certificate
 * as it did the API's: the image never crosses the network in clear when the API does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cryo/client.h>
#include <cryo/cryo.h>

#include "catalogue.h"
#include "checkpoints.h"
#include "cleanup.h"
#include "cryod.h"
#include "fileio.h"
#include "jobs.h"
#include "log.h"
#include "migrate.h"
#include "names.h"
#include "ops.h"
#include "time-util.h"
#include "transport/net.h"
#include "transport/tls-relay.h"

#define TICKET_LEN	32
#define ACCEPT_SECONDS	30 /* from the offer to the last stream's connection */
#define DEFAULT_STREAMS 2
#define ANSWER_SECONDS	10 /* for the receiver to record the job once the dump is done */

/* HOST and PORT of "HOST:PORT" or "[V6]:PORT" (after an optional scheme://). */
static int split_host_port(const char *addr, char *host, size_t hsize, char *port, size_t psize)
{
	const char *p = strstr(addr, "://"), *colon;
	size_t n;

	p = p ? p + 3 : addr;
	colon = strrchr(p, ':');
	if (!colon || colon == p || !colon[1] || strlen(colon + 1) >= psize)
		return -EINVAL;
	n = (size_t)(colon - p);
	if (p[0] == '[' && colon[-1] == ']') {
		p++;
		n -= 2;
	}
	if (!n || n >= hsize)
		return -EINVAL;
	memcpy(host, p, n);
	host[n] = '\0';
	snprintf(port, psize, "%s", colon + 1);
	return 0;
}

static void freeaddrinfop(struct addrinfo **ai)
{
	if (*ai)
		freeaddrinfo(*ai);
}

/* ---- from the store ---- */

/* Makes the log that a job from another node appends to (its path checked by
 * catalogue_job_decode() to lie in this node's STATE_DIR/jobs); *ret_created: whether it is
 * new (a failed restore removes it again). */
static int make_log(const char *log, bool *ret_created, struct cryod_err *e)
{
	char dir[PATH_MAX];
	int fd, r;

	*ret_created = false;
	snprintf(dir, sizeof(dir), "%s/jobs", cryod_cfg.state_dir);
	r = mkdir_p_mode(dir, 0700);
	if (r < 0)
		return cryod_fail(e, -EIO, "create %s: %s", dir, strerror(-r));
	fd = open(log, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd >= 0)
		*ret_created = true;
	else if (errno == EEXIST)
		fd = open(log, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cryod_fail(e, -EIO, "open log %s: %s", log, strerror(errno));
	close(fd);
	return 0;
}

/*
 * A restore of a checkpoint in object storage that this node may never have seen (from
 * another node, or after this one lost its database): the checkpoint and the job come from
 * the store's record (catalogue.h). The new job takes the original's id where that is free
 * here.
 */
int migrate_restore(const char *id, const char *from, json_t *req, struct job *ret,
		    json_t **ret_profile, struct cryod_err *e)
{
	_cleanup_(checkpoint_clear) struct checkpoint ck = {0};
	_cleanup_(job_clear) struct job orig = {0}, nj = {0};
	const char *want_id = json_string_value(json_object_get(req, "id"));
	double t0 = now_seconds();
	bool made_log = false;
	struct op_result res;
	int r, rel;

	r = catalogue_find(from, json_string_value(json_object_get(req, "checkpoint")), id, &ck,
			   &orig, e);
	if (r < 0)
		return r;
	if (checkpoints_is_pre_dump(&ck))
		return cryod_fail(e, -EMEDIUMTYPE,
				  "checkpoint: %s is a pre-dump: it holds only memory and cannot "
				  "be restored",
				  ck.id);
	/* An incremental image: the engine reads its chain from the store, each link naming
	 * its parent (docs/object-storage.md, "Incremental images"), eagerly only. */
	if (orig.attachable)
		return cryod_fail(e, -ENOTSUP,
				  "checkpoint %s: job %s is attachable; its standard input, a FIFO "
				  "of the node that ran it, is not carried to another node yet",
				  ck.id, id);
	if (json_object_get(req, "bundle") || json_object_get(req, "attachable"))
		return cryod_fail(e, -EINVAL, "%s: not for a restore from object storage",
				  json_object_get(req, "bundle") ? "bundle" : "attachable");
	r = jobs_pick_id(want_id ? want_id : id, nj.id, e);
	if (r == -EEXIST && !want_id)
		r = jobs_pick_id(NULL, nj.id, e);
	if (r < 0)
		return r;
	if (orig.log) {
		r = make_log(orig.log, &made_log, e);
		if (r < 0)
			return r;
	}
	r = op_restore(ck.path, checkpoints_restore_how(req), NULL, -1, -1, 0, &res, &rel);
	if (r < 0) {
		if (made_log)
			unlink(orig.log);
		r = cryod_fail(e, checkpoints_engine_errno(res.r),
			       "restore of checkpoint %s from %s failed: %s", ck.id, ck.path,
			       res.msg);
		log_warn("%s", e->msg);
		return r;
	}
	log_info("job %s: checkpoint %s of job %s restored from %s", nj.id, ck.id, id, ck.path);
	return checkpoints_adopt(&nj, &orig, ck.id, ck.size, &res, rel, t0, ret, ret_profile, e);
}

/* ---- node B: receiving ---- */

struct incoming {
	int lfd;
	unsigned n;
	char ticket[TICKET_LEN + 1];
	struct tls_ctx *tls; /* with a certificate: the streams come in TLS */
	struct job orig;
	char id[CRYOD_ID_MAX + 1];
	bool made_log; /* removed again if the migration fails */
};

static void incoming_free(struct incoming *in)
{
	if (in->lfd >= 0)
		close(in->lfd);
	tls_ctx_free(in->tls);
	job_clear(&in->orig);
	explicit_bzero(in->ticket, sizeof(in->ticket));
	free(in);
}

static void close_all(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/*
 * Accepts the migration's n connections, in stream order into fds (with TLS the ends of the
 * relay, *relay, that carries them); *from: the sender.
 */
static int accept_streams(struct incoming *in, int *fds, struct tls_relay **relay, char *from,
			  size_t fsize)
{
	struct net_accept a = {.token = in->ticket,
			       .tls = in->tls,
			       .deadline = tls_now_ms() + ACCEPT_SECONDS * 1000};
	char cmd[CRYOD_ID_MAX + 64];
	int got;

	snprintf(cmd, sizeof(cmd), "cryod: migration of job %s", in->id);
	got = net_accept_image(cmd, in->lfd, fds, in->n, &a, relay);
	if (got < 0)
		return -EIO;
	if ((unsigned)got != in->n) {
		log_warn("migration of job %s: %s sent %d streams where %u were offered; given up",
			 in->id, a.peer, got, in->n);
		close_all(fds, (unsigned)got);
		tls_relay_finish(*relay);
		*relay = NULL;
		return -EPROTO;
	}
	snprintf(from, fsize, "%s", a.peer);
	return 0;
}

static void *receive_thread(void *arg)
{
	struct incoming *in = arg;
	_cleanup_(job_clear) struct job nj = {0}, made = {0};
	struct tls_relay *relay = NULL;
	int fds[CRYO_STREAMS_MAX];
	char from[NET_PEER_MAX] = "?", what[256];
	struct op_result res;
	struct cryod_err e;
	double t0 = now_seconds();
	int r, rel;

	r = accept_streams(in, fds, &relay, from, sizeof(from));
	close(in->lfd);
	in->lfd = -1;
	if (r < 0)
		goto fail;
	snprintf(nj.id, sizeof(nj.id), "%s", in->id);
	r = op_restore_streams(fds, in->n, &res, &rel);
	close_all(fds, in->n);
	tls_relay_finish(relay);
	if (r < 0) {
		log_warn("migration of job %s from %s failed: %s", in->id, from, res.msg);
		goto fail;
	}
	snprintf(what, sizeof(what), "migration from %s", from);
	r = checkpoints_adopt(&nj, &in->orig, what, 0, &res, rel, t0, &made, NULL, &e);
	if (r < 0)
		log_warn("migration of job %s from %s: %s", in->id, from, e.msg);
	else
		log_info("job %s: migrated in from %s as pid %d in %.3f s", in->id, from, res.root,
			 now_seconds() - t0);
	incoming_free(in);
	return NULL;
fail:
	if (in->made_log)
		unlink(in->orig.log);
	incoming_free(in);
	return NULL;
}

/* A listening socket on the host of our API's address, on a port the kernel picks. */
static int listen_for_streams(unsigned *ret_port, struct cryod_err *e)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	_cleanup_(freeaddrinfop) struct addrinfo *ai = NULL;
	_cleanup_close_ int fd = -1;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[256], port[16];
	int r;

	if (split_host_port(cryod_cfg.address, host, sizeof(host), port, sizeof(port)) < 0)
		return cryod_fail(e, -EINVAL, "address %s is not HOST:PORT", cryod_cfg.address);
	r = getaddrinfo(host, "0", &hints, &ai);
	if (r)
		return cryod_fail(e, -EIO, "resolve %s: %s", host, gai_strerror(r));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return cryod_fail(e, -EIO, "listen on %s for a migration: %s", host,
				  strerror(errno));
	*ret_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						   : ((struct sockaddr_in *)&ss)->sin_port);
	return TAKE_FD(fd);
}

int migrate_accept(json_t *req, json_t **ret_answer, struct cryod_err *e)
{
	struct incoming *in;
	json_t *streams = json_object_get(req, "streams");
	unsigned port;
	pthread_t th;
	int r;

	if (cryod_cfg.proto != CRYOD_PROTO_TCP)
		return cryod_fail(e, -EINVAL,
				  "migrations: this daemon takes them only on protocol tcp, from a "
				  "daemon that holds its token");
	if (!json_is_object(req) || json_object_size(req) != 2 || !json_is_integer(streams) ||
	    json_integer_value(streams) < 1 || json_integer_value(streams) > CRYO_STREAMS_MAX)
		return cryod_fail(e, -EINVAL,
				  "migrations: expected {\"job\": RECORD, \"streams\": 1 to %d}",
				  CRYO_STREAMS_MAX);
	in = calloc(1, sizeof(*in));
	if (!in)
		return cryod_fail(e, -ENOMEM, "out of memory");
	in->lfd = -1;
	in->n = (unsigned)json_integer_value(streams);
	r = catalogue_job_decode(json_object_get(req, "job"), "migration offer", &in->orig, e);
	if (r == 0 && in->orig.attachable)
		r = cryod_fail(e, -ENOTSUP,
			       "job %s is attachable: its standard input, a FIFO of the node that "
			       "runs it, is not carried to another node yet",
			       in->orig.id);
	if (r == 0)
		r = jobs_pick_id(in->orig.id, in->id, e);
	if (r == 0 && in->orig.log)
		r = make_log(in->orig.log, &in->made_log, e);
	if (r == 0)
		r = in->lfd = listen_for_streams(&port, e);
	/* The certificate the API serves, read again for the streams. */
	if (r >= 0 && cryod_cfg.connection_tls_cert_file &&
	    !(in->tls = tls_server_new("cryod", cryod_cfg.connection_tls_cert_file,
				       cryod_cfg.connection_tls_key_file)))
		r = cryod_fail(e, -EIO,
			       "migrations: connection.tls_cert_file cannot be used for the "
			       "streams (the log says why)");
	if (r < 0) {
		if (in->made_log)
			unlink(in->orig.log);
		incoming_free(in);
		return r;
	}
	random_hex(in->ticket, TICKET_LEN);
	*ret_answer = json_pack("{s:s, s:I, s:s}", "id", in->id, "port", (json_int_t)port, "ticket",
				in->ticket);
	if (!*ret_answer) {
		incoming_free(in);
		return cryod_fail(e, -ENOMEM, "out of memory");
	}
	r = pthread_create(&th, NULL, receive_thread, in);
	if (r) {
		json_decref(*ret_answer);
		if (in->made_log)
			unlink(in->orig.log);
		incoming_free(in);
		return cryod_fail(e, -r, "start the migration's thread: %s", strerror(r));
	}
	pthread_detach(th);
	log_info("job %s: a migration offered; waiting for %u streams on port %u", in->orig.id,
		 (unsigned)json_integer_value(streams), port);
	return 0;
}

/* ---- node A: sending ---- */

static void client_freep(struct cryo_client **c)
{
	cryo_client_free(*c);
}

/*
 * Opens the migration's n connections to the port the other daemon gave, on the host of `to`,
 * each with the ticket line sent: in TLS when `to` is https:// (fds[] are then the ends of the
 * relay, *relay, that carries them).
 */
static int connect_streams(const char *to, const char *host, unsigned port, const char *ticket,
			   int *fds, unsigned n, struct tls_relay **relay, struct cryod_err *e)
{
	bool tls = !strncmp(to, "https://", 8), v6 = strchr(host, ':');
	char addr[300];

	snprintf(addr, sizeof(addr), "%s://%s%s%s:%u", tls ? "tls" : "tcp", v6 ? "[" : "", host,
		 v6 ? "]" : "", port);
	if (net_connect_token("cryod: migration", addr, ticket, cryod_cfg.connection_tls_ca_file,
			      fds, n, relay) < 0)
		return cryod_fail(e, -EIO,
				  "connect to %s for the migration%s (the log says why)", addr,
				  tls ? " in TLS" : "");
	return 0;
}

int migrate_send(const char *id, json_t *req, json_t **ret_answer, struct cryod_err *e)
{
	_cleanup_(client_freep) struct cryo_client *c = NULL;
	_cleanup_(job_clear) struct job j = {0};
	_cleanup_free_ char *offer = NULL, *answer = NULL, *address = NULL;
	json_auto_t *off = NULL, *ans = NULL;
	struct tls_relay *relay = NULL;
	const char *to = json_string_value(json_object_get(req, "to"));
	json_t *streams = json_object_get(req, "streams");
	unsigned n =
	    cryod_cfg.checkpoint_stream ? (unsigned)cryod_cfg.checkpoint_stream : DEFAULT_STREAMS;
	int fds[CRYO_STREAMS_MAX];
	char host[256], port[16], new_id[CRYOD_ID_MAX + 1];
	double deadline;
	json_t *v;
	int r;

	if (!to || split_host_port(to, host, sizeof(host), port, sizeof(port)) < 0 ||
	    (strstr(to, "://") && strncmp(to, "tcp://", 6) && strncmp(to, "https://", 8)))
		return cryod_fail(e, -EINVAL,
				  "to: expected HOST:PORT, tcp://HOST:PORT or "
				  "https://HOST:PORT (the other node's daemon)");
	if (streams && (!json_is_integer(streams) || json_integer_value(streams) < 1 ||
			json_integer_value(streams) > CRYO_STREAMS_MAX))
		return cryod_fail(e, -EINVAL, "streams: 1 to %d", CRYO_STREAMS_MAX);
	if (streams)
		n = (unsigned)json_integer_value(streams);
	if (!cryod_cfg.connection_auth_token)
		return cryod_fail(e, -EINVAL,
				  "to: a migration authenticates with connection.auth_token, the "
				  "token the daemons share; none is configured here");
	r = jobs_get(id, &j, e);
	if (r < 0)
		return r;
	if (strcmp(j.state, "running") && strcmp(j.state, "frozen"))
		return cryod_fail(e, -ESRCH, "job %s is not running (%s)", id, j.state);
	if (j.runtime)
		return cryod_fail(e, -ENOTSUP,
				  "job %s is a container: migrated whole through "
				  "object storage only, not yet directly",
				  id);
	if (j.attachable)
		return cryod_fail(e, -ENOTSUP,
				  "job %s is attachable: its standard input, a FIFO "
				  "of this node, is not carried to another node yet",
				  id);

	if (asprintf(&address, "%s%s", strstr(to, "://") ? "" : "tcp://", to) < 0)
		return cryod_fail(e, -ENOMEM, "out of memory");
	if (cryo_client_new(&c) < 0 || cryo_client_set_address(c, address) < 0 ||
	    cryo_client_set_token(c, cryod_cfg.connection_auth_token) < 0 ||
	    (cryod_cfg.connection_tls_ca_file &&
	     cryo_client_set_ca_file(c, cryod_cfg.connection_tls_ca_file) < 0))
		return cryod_fail(e, -EINVAL, "to: %s",
				  c ? cryo_client_errmsg(c) : "out of memory");
	off = json_pack("{s:o, s:I}", "job", catalogue_job_json(&j), "streams", (json_int_t)n);
	if (!off || !(offer = json_dumps(off, JSON_COMPACT)))
		return cryod_fail(e, -ENOMEM, "out of memory");
	r = cryo_client_migration_offer(c, offer, &answer);
	if (r < 0)
		return cryod_fail(e,
				  r == -ECONNREFUSED || r == -EIO ? -EIO
				  : r == -EEXIST		  ? r
								  : -EIO,
				  "migrate job %s to %s: the daemon there: %s", id, to,
				  cryo_client_errmsg(c));
	ans = json_loads(answer, 0, NULL);
	v = json_object_get(ans, "port");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535 ||
	    !json_is_string(json_object_get(ans, "ticket")) ||
	    strlen(json_string_value(json_object_get(ans, "ticket"))) != TICKET_LEN ||
	    !json_is_string(json_object_get(ans, "id")) ||
	    !id_is_valid(json_string_value(json_object_get(ans, "id"))))
		return cryod_fail(e, -EIO,
				  "migrate job %s to %s: the daemon there answered "
				  "something else than {id, port, ticket}",
				  id, to);
	snprintf(new_id, sizeof(new_id), "%s", json_string_value(json_object_get(ans, "id")));
	r = connect_streams(to, host, (unsigned)json_integer_value(v),
			    json_string_value(json_object_get(ans, "ticket")), fds, n, &relay, e);
	if (r < 0)
		return r;
	log_info("job %s: migrating to %s over %u streams%s", id, to, n, relay ? " in TLS" : "");
	r = checkpoints_send(id, fds, n, to, new_id, e);
	close_all(fds, n);
	tls_relay_finish(relay);
	if (r < 0)
		return r;
	/* Done once the other daemon has recorded the job: its answer is ours. */
	deadline = now_seconds() + ANSWER_SECONDS;
	while (cryo_client_job_get(c, new_id, NULL) < 0 && now_seconds() < deadline)
		usleep(20000);
	*ret_answer =
	    json_loads(cryo_client_last_json(c) ? cryo_client_last_json(c) : "null", 0, NULL);
	if (!json_is_object(*ret_answer)) {
		json_decref(*ret_answer);
		*ret_answer = NULL;
		return cryod_fail(e, -EIO,
				  "job %s left this node for %s, but the daemon there does "
				  "not show job %s: %s",
				  id, to, new_id, cryo_client_errmsg(c));
	}
	log_info("job %s: migrated to %s as job %s", id, to, new_id);
	return 0;
}
