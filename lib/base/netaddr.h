/* SPDX-License-Identifier: MIT */
/* Socket addresses, for the listeners of the CLI and cryod. */
#ifndef CRYO_BASE_NETADDR_H
#define CRYO_BASE_NETADDR_H

#include <stdbool.h>

/* Whether the socket fd is bound to a loopback address (127/8, ::1, ::ffff:127.x): a listener
 * there serves only this machine, and may go without a token. */
bool fd_bound_to_loopback(int fd);

#endif
