/* SPDX-License-Identifier: MIT */
/* What the TCP workloads ask of a connection: its state, its poll events, its addresses. */
#ifndef CRYO_TESTS_TCP_CHECK_H
#define CRYO_TESTS_TCP_CHECK_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

static inline int tcp_state(int sk)
{
	struct tcp_info ti;
	socklen_t sl = sizeof(ti);

	if (getsockopt(sk, SOL_TCP, TCP_INFO, &ti, &sl))
		fail("TCP_INFO: %m");
	return ti.tcpi_state;
}

/* Waits up to 3 s for the connection to reach state want. */
static inline void tcp_await(const char *what, int sk, int want)
{
	for (int i = 0; i < 300 && tcp_state(sk) != want; i++)
		usleep(10000);
	if (tcp_state(sk) != want)
		fail("%s: state %d, not %d", what, tcp_state(sk), want);
}

/* What poll() reports at once for reading, writing and a peer's shutdown. */
static inline short tcp_revents(int sk)
{
	struct pollfd p = {.fd = sk, .events = POLLIN | POLLOUT | POLLRDHUP};

	if (poll(&p, 1, 0) != 1)
		fail("poll: %m");
	return p.revents;
}

static inline int same_addr4(const struct sockaddr_in *x, const struct sockaddr_in *y)
{
	return x->sin_family == y->sin_family && x->sin_port == y->sin_port &&
	       x->sin_addr.s_addr == y->sin_addr.s_addr;
}

#endif
