/* SPDX-License-Identifier: MIT */
/*
 * What the restore of a tree in a user namespace of its own (userns.c) offers the code that
 * opens the image's files: the worker is inside that namespace then, where it cannot give
 * what it made an owner (see owner_serve()).
 */
#ifndef CRYO_NS_USERNS_H
#define CRYO_NS_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* fchownat(fd, "", uid, gid, AT_EMPTY_PATH) with host ids: by a setter userns_restore() left
 * in our user namespace where the worker joined the tree's, directly otherwise (an O_PATH
 * descriptor will do); -errno. userns_owner_stop() ends the setter once the image's files
 * are open. */
int userns_fchown(int fd, uint32_t uid, uint32_t gid);
/* The bytes pushed into the input queue of the tty at fd (TIOCSTI), by that setter likewise
 * (the ioctl wants CAP_SYS_ADMIN in our namespace); -errno. */
int userns_tiocsti(int fd, const unsigned char *buf, size_t len);
/* setsockopt(2) of an int option, by that setter likewise (for SO_SNDBUFFORCE and
 * SO_RCVBUFFORCE, which want CAP_NET_ADMIN in our namespace): 0, or -1 with errno. */
int userns_setsockopt_int(int sk, int level, int name, int v);
/* bind(2) of a socket (a unix one's file in a filesystem of the tree's user namespace, which
 * no id of ours may make: EOVERFLOW) by a child under the namespace's first ids, where the
 * worker joined it; -1 with errno (EOVERFLOW where it did not). */
int userns_bind_inside(int sk, const void *addr, uint32_t len);
/* open_by_handle_at(2) of fh on the mount of mnt, by that setter likewise (the call wants
 * CAP_DAC_READ_SEARCH in our namespace for a file not a directory): the new descriptor, or -1
 * with errno. */
struct file_handle;
int userns_open_by_handle(int mnt, const struct file_handle *fh, int flags);
/* make(arg): a descriptor of the file it makes, or -1 with errno. Where the kernel refuses the
 * worker that file (EOVERFLOW: inside the tree's user namespace its ids have no name in the
 * file's file system, a tmpfs of the tree's), made again by a child under the namespace's
 * first ids, as userns_bind_inside() binds, and the descriptor sent back. */
int userns_make_file(int (*make)(const void *arg), const void *arg);
void userns_owner_stop(void);
/* A uid or gid of ours as the worker's user namespace names it: itself (and UINT32_MAX, no
 * id), or once the worker joined the tree's (userns_restore()) through its map; -ENOENT where
 * it has no name there. */
int userns_id_here(uint32_t host, bool gid, uint32_t *ret);

#endif
