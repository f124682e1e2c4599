/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <grp.h>
#include <linux/vm_sockets.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fileio.h"
#include "listen.h"
#include "log.h"

/*
 * A unix socket is 0660 root:cryo where that group exists, else 0600 (root only). A stale
 * socket file is replaced, but not one another cryod still listens on.
 */
static int listen_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[sizeof(sa.sun_path)];
	_cleanup_close_ int fd = -1;
	struct group *g;
	struct stat st;
	char *slash;
	int r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return errf(err, errlen, -ENAMETOOLONG, "address: socket path %s is too long", path);
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		r = mkdir_p_mode(dir, 0755);
		if (r < 0)
			return errf(err, errlen, r, "address: create %s: %s", dir, strerror(-r));
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return errf(err, errlen, -EEXIST, "address: %s exists and is not a socket",
				    path);
		_cleanup_close_ int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return errf(err, errlen, -EADDRINUSE,
				    "address: another daemon listens on %s", path);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errf(err, errlen, -errno, "socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return errf(err, errlen, -errno, "address: bind %s: %s", path, strerror(errno));
	g = getgrnam("cryo");
	if (g && chown(path, 0, g->gr_gid) == 0)
		r = chmod(path, 0660);
	else
		r = chmod(path, 0600);
	if (r < 0 || listen(fd, 128) < 0) {
		r = -errno;
		unlink(path);
		return errf(err, errlen, r, "address: %s: %s", path, strerror(-r));
	}
	return TAKE_FD(fd);
}

static void freeaddrinfop(struct addrinfo **ai)
{
	if (*ai)
		freeaddrinfo(*ai);
}

/* HOST:PORT, with [V6]:PORT for IPv6. */
static int listen_tcp(const char *address, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	_cleanup_(freeaddrinfop) struct addrinfo *ai = NULL;
	const char *colon = strrchr(address, ':'), *port;
	_cleanup_close_ int fd = -1;
	char host[256];
	int r, one = 1;

	if (!colon || colon == address || !colon[1] || (size_t)(colon - address) >= sizeof(host))
		return errf(err, errlen, -EINVAL, "address: \"%s\" is not HOST:PORT", address);
	memcpy(host, address, colon - address);
	host[colon - address] = '\0';
	port = colon + 1;
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	r = getaddrinfo(host, port, &hints, &ai);
	if (r)
		return errf(err, errlen, -EINVAL, "address: %s: %s", address, gai_strerror(r));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errf(err, errlen, -errno, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0)
		return errf(err, errlen, -errno, "address: listen on %s: %s", address,
			    strerror(errno));
	return TAKE_FD(fd);
}

/* CID:PORT; CID may be "any" (VMADDR_CID_ANY). */
static int listen_vsock(const char *address, char *err, size_t errlen)
{
	struct sockaddr_vm sa = {.svm_family = AF_VSOCK};
	_cleanup_close_ int fd = -1;
	unsigned long cid, port;
	char *end;

	if (!strncmp(address, "any:", 4)) {
		cid = VMADDR_CID_ANY;
		end = (char *)address + 3;
	} else {
		errno = 0;
		cid = strtoul(address, &end, 10);
		if (errno || end == address || cid > UINT32_MAX)
			return errf(err, errlen, -EINVAL, "address: \"%s\" is not CID:PORT",
				    address);
	}
	if (*end != ':' || !end[1])
		return errf(err, errlen, -EINVAL, "address: \"%s\" is not CID:PORT", address);
	port = strtoul(end + 1, &end, 10);
	if (*end || port > UINT32_MAX)
		return errf(err, errlen, -EINVAL, "address: \"%s\" is not CID:PORT", address);
	sa.svm_cid = (unsigned)cid;
	sa.svm_port = (unsigned)port;
	fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errf(err, errlen, -errno, "vsock socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0)
		return errf(err, errlen, -errno, "address: listen on vsock %s: %s", address,
			    strerror(errno));
	return TAKE_FD(fd);
}

int listen_open(const struct cryod_config *c, char *err, size_t errlen)
{
	switch (c->proto) {
	case CRYOD_PROTO_UNIX:
		return listen_unix(c->address, err, errlen);
	case CRYOD_PROTO_TCP:
		return listen_tcp(c->address, err, errlen);
	case CRYOD_PROTO_VSOCK:
		return listen_vsock(c->address, err, errlen);
	}
	return -EINVAL;
}

void listen_cleanup(const struct cryod_config *c)
{
	if (c->proto == CRYOD_PROTO_UNIX)
		unlink(c->address);
}
