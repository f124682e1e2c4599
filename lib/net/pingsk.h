/* SPDX-License-Identifier: MIT */
#ifndef CRYO_NET_PINGSK_H
#define CRYO_NET_PINGSK_H

/* socket(2) of (family, type, proto), in the calling thread's network namespace. A ping socket
 * (SOCK_DGRAM of IPPROTO_ICMP or IPPROTO_ICMPV6) that our groups may not open there is opened
 * by a child whose group is the first of net.ipv4.ping_group_range. The descriptor, or -1 with
 * errno. */
int ping_socket(int family, int type, int proto);

#endif
