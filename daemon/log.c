/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static int level = 6;
static int journal = -1; /* stderr is journald's stream (JOURNAL_STREAM set) */

void log_set_level(int prio)
{
	level = prio;
}

int log_get_level(void)
{
	return level;
}

void log_msg(int prio, const char *fmt, ...)
{
	static const char *const names[8] = {"", "", "", "error", "warning", "", "info", "debug"};
	char line[2048];
	va_list ap;
	int n;

	if (prio > level)
		return;
	/* "<N>" is what journald reads as the priority of a line on stderr. */
	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	if (journal)
		n = snprintf(line, sizeof(line), "<%d>%s: ", prio, names[prio & 7]);
	else
		n = snprintf(line, sizeof(line), "cryod: %s: ", names[prio & 7]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	n = strlen(line);
	line[n++] = '\n';
	/* One write(2) per line: lines from different threads never interleave. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}
