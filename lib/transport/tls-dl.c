/* SPDX-License-Identifier: MIT */
/* OpenSSL opened on first use (tls-dl.h). */
#include <dlfcn.h>
#include <stdio.h>

#define TLS_DL_NO_REDIRECT
#include "tls-dl.h"

#if OPENSSL_VERSION_MAJOR != 3
#error "tls-dl.c names libssl.so.3: the SONAME of OpenSSL 3"
#endif
#define TLS_SSL_SONAME "libssl.so.3"

struct tls_dl tls_dl;

int tls_dl_load(const char *cmd)
{
	static int loaded; /* 1 once every pointer is set */
	void *h;

	if (loaded)
		return 0;
	/* libcrypto comes in as libssl's dependency; dlsym() on libssl's handle looks there too. */
	h = dlopen(TLS_SSL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "%s: TLS needs OpenSSL (%s): %s\n", cmd, TLS_SSL_SONAME, dlerror());
		return -1;
	}
#define TLS_DL_SYM(f)                                                                              \
	if (!(tls_dl.f = (__typeof__(f) *)dlsym(h, #f))) {                                         \
		fprintf(stderr, "%s: TLS: %s lacks %s\n", cmd, TLS_SSL_SONAME, #f);                \
		return -1;                                                                         \
	}
	TLS_DL_FUNCS(TLS_DL_SYM)
#undef TLS_DL_SYM
	loaded = 1;
	return 0;
}
