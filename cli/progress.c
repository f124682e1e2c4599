/* SPDX-License-Identifier: MIT */
/*
 * Progress of a dump or restore on stderr: a bar on a terminal (only once the operation has
 * taken a moment, so that quick ones print nothing), or JSON lines with --json for programs.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

#define BAR_AFTER 0.3 /* seconds */

static void human(double bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (bytes >= 1024 && u < 4)
		bytes /= 1024, u++;
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

static void bar(void *userdata, const struct cryo_progress *p)
{
	bool *drawn = userdata;
	double rate = p->elapsed > 0 ? p->done / p->elapsed : 0, frac;
	char done[32], total[32], eta[32] = "";
	int width = 30, fill;

	if (p->elapsed < BAR_AFTER && !*drawn)
		return;
	frac = p->total ? (double)p->done / p->total : 0;
	if (frac > 1)
		frac = 1;
	fill = frac * width;
	human(p->done, done, sizeof(done));
	human(p->total, total, sizeof(total));
	if (!p->final && rate > 0 && p->total > p->done)
		snprintf(eta, sizeof(eta), "  ETA %.1fs", (p->total - p->done) / rate);
	fprintf(stderr, "\r%-7s [%.*s%*s] %3.0f%%  %s / %s  %.2f GB/s%-12s", p->phase, fill,
		"##############################", width - fill, "", frac * 100, done, total,
		rate / 1e9, eta);
	if (p->final)
		fputc('\n', stderr);
	*drawn = true;
}

static void json(void *userdata, const struct cryo_progress *p)
{
	fprintf(stderr,
		"{\"phase\":\"%s\",\"done\":%llu,\"total\":%llu,\"elapsed\":%.3f,\"final\":%s}\n",
		p->phase, p->done, p->total, p->elapsed, p->final ? "true" : "false");
}

void cli_progress(struct cryo_ctx *ctx, bool as_json)
{
	static bool drawn;

	if (as_json)
		cryo_ctx_set_progress(ctx, json, NULL);
	else if (isatty(STDERR_FILENO))
		cryo_ctx_set_progress(ctx, bar, &drawn);
}
