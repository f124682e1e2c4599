/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "cli.h"
#include "net.h"
#include "netaddr.h"
#include "tls-relay.h"

static const char usage[] =
	"usage: cryo serve --listen HOST:PORT (-D DIR | --restore) [--auth-token-file FILE]\n"
	"                  [--tls-cert FILE --tls-key FILE] [--detach] [-v]\n"
	"\n"
	"Receive one image sent by `cryo dump --to tcp://HOST:PORT` (one connection per\n"
	"stream, read in parallel) and store it in DIR, in the same form a dump to a directory\n"
	"has; the sender is told once it is complete and synced, and only then lets its tree\n"
	"go. With --restore and no -D, restore the tree as it arrives instead (each task gets\n"
	"its pages straight from the connections; the sender is told once the tree is about\n"
	"to run); with -D DIR, from DIR once stored. Then wait for it as `cryo restore` does.\n"
	"\n"
	"Anyone who reaches the port can send an image, and with --restore run it: on an\n"
	"address other than loopback a token is required. The sender (cryo dump, with\n"
	"$CRYO_SERVE_TOKEN or $CRYO_SERVE_TOKEN_FILE) sends it first on every connection;\n"
	"a connection without it is closed before anything is stored, and logged. Without\n"
	"--tls-cert the streams are not encrypted: across hosts, give serve a certificate\n"
	"(the sender then uses --to tls://HOST:PORT) or use a tunnel (ssh -L, WireGuard).\n"
	"\n"
	"  -l, --listen HOST:PORT  where to listen (tcp://HOST:PORT also accepted)\n"
	"      --auth-token-file FILE\n"
	"                          the token senders must send (else $CRYO_SERVE_TOKEN, else\n"
	"                          the file $CRYO_SERVE_TOKEN_FILE names); mode 0600\n"
	"      --tls-cert FILE     TLS: the certificate (PEM, or its chain) senders check;\n"
	"                          a sender in clear is then refused\n"
	"      --tls-key FILE      its private key (PEM, mode 0600)\n"
	"  -D, --images-dir DIR    where to store the image\n"
	"      --restore           restore the tree once the image is in\n"
	"  -d, --detach            with --restore, return as soon as the tree runs\n"
	"  -v, --verbose           more log output (repeat for debug)\n"
	"  -h, --help              this help\n";

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"images-dir", required_argument, NULL, 'D'},
		{"restore", no_argument, NULL, 'r'},
		{"detach", no_argument, NULL, 'd'},
		{"auth-token-file", required_argument, NULL, 'T'},
		{"tls-cert", required_argument, NULL, 'C'},
		{"tls-key", required_argument, NULL, 'K'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *listen_at = NULL, *dir = NULL, *token_file = NULL, *cert = NULL, *key = NULL;
	struct tls_relay *relay = NULL;
	struct tls_ctx *tls = NULL;
	char *token = NULL;
	int fds[CRYO_STREAMS_MAX], c, verbose = 0, lfd, n, r;
	bool restore = false, detach = false;
	struct cryo_ctx *ctx;

	while ((c = getopt_long(argc, argv, "l:D:dvh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen_at = optarg;
			break;
		case 'D':
			dir = optarg;
			break;
		case 'r':
			restore = true;
			break;
		case 'd':
			detach = true;
			break;
		case 'T':
			token_file = optarg;
			break;
		case 'C':
			cert = optarg;
			break;
		case 'K':
			key = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!listen_at || (!dir && !restore) || optind != argc) {
		fprintf(stderr, "cryo serve: --listen and one of -D DIR or --restore are "
			"required\n\n%s", usage);
		return 2;
	}
	if (!cert != !key || (net_is_tls(listen_at) && !cert)) {
		fprintf(stderr, "cryo serve: TLS needs both --tls-cert and --tls-key\n\n%s", usage);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* A certificate that cannot be used is refused before anyone can connect. */
	if (cert && !(tls = tls_server_new("cryo serve", cert, key)))
		return 2;
	if (net_token_load("cryo serve", token_file, &token) < 0) {
		tls_ctx_free(tls);
		return 2;
	}
	lfd = net_listen("cryo serve", listen_at);
	if (lfd < 0)
		goto fail_token;
	if (!token && !fd_bound_to_loopback(lfd)) {
		fprintf(stderr, "cryo serve: %s is not a loopback address: anyone who reaches it "
			"could send an image%s; give a token (--auth-token-file FILE or "
			"$CRYO_SERVE_TOKEN), or listen on 127.0.0.1 and tunnel\n",
			listen_at, restore ? " and have it run" : "");
		close(lfd);
		goto fail_token;
	}
	/* With TLS, the relay is forked in there, before anything of the image is restored. */
	n = net_accept_image("cryo serve", lfd, fds, CRYO_STREAMS_MAX,
			     &(struct net_accept){.token = token, .tls = tls}, &relay);
	close(lfd);
	tls_ctx_free(tls);
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	if (n < 0)
		return 1;
	/* Restored as it arrives: nothing is stored, and the sender is told once it runs. */
	if (restore && !dir) {
		struct cli_restore_how how = {.detach = detach, .verbose = verbose, .answers = true};

		r = cli_restore(NULL, fds, n, &how);
		for (int i = 0; i < n; i++)
			close(fds[i]);
		tls_relay_finish(relay);
		return r;
	}
	ctx = cli_ctx(verbose);
	r = cryo_image_receive(ctx, fds, n, dir);
	if (r < 0)
		fprintf(stderr, "cryo serve: %s\n", cryo_ctx_errmsg(ctx));
	cryo_ctx_free(ctx);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	/* The answer is carried to the sender before the restore takes PIDs. */
	tls_relay_finish(relay);
	if (r >= 0 && restore) {
		struct cli_restore_how how = {.detach = detach, .verbose = verbose};

		r = cli_restore(dir, NULL, 0, &how);
	} else {
		r = r < 0 ? 1 : 0;
	}
	return r;
fail_token:
	tls_ctx_free(tls);
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	return 1;
}
