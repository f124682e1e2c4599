/* SPDX-License-Identifier: MIT */
/* Column-aligned tables for human output: cells padded to the widest in their column, the last
 * column unpadded, two spaces between columns, as `docker ps` prints them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct cli_table {
	size_t ncols;
	size_t nrows; /* the header included */
	char **cells; /* nrows * ncols */
};

static void oom(void)
{
	fputs("cryo: out of memory\n", stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		oom();
	return p;
}

struct cli_table *table_new(const char *const *header)
{
	struct cli_table *t = xrealloc(NULL, sizeof(*t));

	*t = (struct cli_table){0};
	while (header[t->ncols])
		t->ncols++;
	table_add(t, header);
	return t;
}

void table_add(struct cli_table *t, const char *const *cells)
{
	t->cells = xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*t->cells));
	for (size_t i = 0; i < t->ncols; i++) {
		char *s = strdup(cells[i] ? cells[i] : "-");

		if (!s)
			oom();
		t->cells[t->nrows * t->ncols + i] = s;
	}
	t->nrows++;
}

void table_print(struct cli_table *t, FILE *out)
{
	size_t *width = xrealloc(NULL, t->ncols * sizeof(*width));

	memset(width, 0, t->ncols * sizeof(*width));
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t n = strlen(t->cells[r * t->ncols + c]);

			if (n > width[c])
				width[c] = n;
		}
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			if (c + 1 == t->ncols)
				fprintf(out, "%s\n", s);
			else
				fprintf(out, "%-*s  ", (int)width[c], s);
		}
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
	free(width);
}
