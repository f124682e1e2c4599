/* SPDX-License-Identifier: MIT */
/* `cryo job logs|attach`: a job's output, and its stdin. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fileio.h"
#include "cli.h"

static const char logs_usage[] =
	"usage: cryo job logs [-f] ID\n"
	"\n"
	"Print the output (stdout and stderr) job ID has written so far. With -f, keep printing\n"
	"what it writes until the job ends.\n"
	"\n"
	"  -f, --follow          follow the log until the job ends\n" CLI_CONN_USAGE;

static int to_stdout(void *userdata, const char *data, size_t len)
{
	return write_all(STDOUT_FILENO, data, len);
}

int job_logs(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"follow", no_argument, NULL, 'f'},
	    CLI_CONN_OPTIONS,
	    {0},
	};
	struct cli_conn conn = {0};
	struct cryo_client *c;
	bool follow = false;
	int ch, r;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":fh", opts, NULL)) != -1) {
		if (ch == 'f') {
			follow = true;
		} else if (ch == 'h') {
			fputs(logs_usage, stdout);
			return 0;
		} else if (ch == '?' || ch == ':' || !cli_conn_option(&conn, ch)) {
			return cli_bad_option("job logs", logs_usage, ch, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("job logs", logs_usage, "one job id is required");
	r = cli_client(&conn, "job logs", &c);
	if (r)
		return r;
	/* Unbuffered writes (write(2) per piece), so that a followed log shows up as it comes. */
	r = cryo_client_job_logs(c, argv[optind], follow, to_stdout, NULL);
	if (r < 0)
		r = cli_client_fail(c, "job logs");
	cryo_client_free(c);
	return r;
}

static const char attach_usage[] =
	"usage: cryo job attach [--no-stdin] ID\n"
	"\n"
	"Connect to attachable job ID (started with `cryo job run -a`): what is typed (or piped)\n"
	"goes to the job's stdin, its output comes here, until the job ends. At the end of\n"
	"input (Ctrl-D, or the end of a pipe) the job's answers still come until it ends; the\n"
	"job keeps its stdin open. SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to cryo (Ctrl-C)\n"
	"are forwarded to the job, as `docker attach` does; --no-sig-proxy leaves them to cryo.\n"
	"\n"
	"      --no-stdin        only show the output; leave the job's stdin alone\n"
	"      --no-sig-proxy    do not forward signals to the job\n"
		CLI_CONN_USAGE;

enum { OPT_NO_STDIN = OPT_FIRST_FREE, OPT_NO_SIG_PROXY };

static volatile sig_atomic_t pending_signal;

static void note_signal(int sig)
{
	pending_signal = sig;
}

/* Sends a signal caught meanwhile on to the job (POST /v1/jobs/ID/kill). */
static void proxy_signal(struct cryo_client *c, const char *id)
{
	int sig = pending_signal;

	pending_signal = 0;
	if (sig && c && cryo_client_job_kill(c, id, sig, NULL) < 0)
		fprintf(stderr, "cryo job attach: forward signal %d: %s\n", sig,
			cryo_client_errmsg(c));
}

/* Copies stdin to the stream and the stream to stdout until the stream ends; forwards the
 * signals caught meanwhile when c is given. */
static int relay(int fd, bool input, struct cryo_client *c, const char *id)
{
	char buf[65536];
	struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = fd, .events = POLLIN}};
	ssize_t n;

	for (;;) {
		p[0].fd = input ? STDIN_FILENO : -1;
		proxy_signal(c, id);
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[1].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			if (n == 0)
				return 0;
			if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				return 0; /* nobody reads our output any more */
		}
		if (input && p[0].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				shutdown(fd, SHUT_WR);
				input = false;
			} else {
				int r = write_all(fd, buf, (size_t)n);

				if (r < 0)
					return r;
			}
		}
	}
}

int job_attach(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"no-stdin", no_argument, NULL, OPT_NO_STDIN},
	    {"no-sig-proxy", no_argument, NULL, OPT_NO_SIG_PROXY},
	    CLI_CONN_OPTIONS,
	    {0},
	};
	struct cli_conn conn = {0};
	struct cryo_client *c;
	bool input = true, sig_proxy = true;
	int ch, r, fd;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (ch == OPT_NO_STDIN) {
			input = false;
		} else if (ch == OPT_NO_SIG_PROXY) {
			sig_proxy = false;
		} else if (ch == 'h') {
			fputs(attach_usage, stdout);
			return 0;
		} else if (ch == '?' || ch == ':' || !cli_conn_option(&conn, ch)) {
			return cli_bad_option("job attach", attach_usage, ch, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("job attach", attach_usage, "one job id is required");
	r = cli_client(&conn, "job attach", &c);
	if (r)
		return r;
	r = cryo_client_job_attach(c, argv[optind], &fd);
	if (r < 0) {
		r = cli_client_fail(c, "job attach");
		cryo_client_free(c);
		return r;
	}
	/* A daemon that went away is an error message (EPIPE), not a dead cryo. */
	signal(SIGPIPE, SIG_IGN);
	if (sig_proxy) {
		static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
		struct sigaction sa = {.sa_handler = note_signal}; /* no SA_RESTART: poll wakes */

		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaction(sigs[i], &sa, NULL);
	}
	r = relay(fd, input, sig_proxy ? c : NULL, argv[optind]);
	cryo_client_free(c);
	close(fd);
	if (r < 0) {
		fprintf(stderr, "cryo job attach: connection to cryod broke: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
