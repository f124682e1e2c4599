/* SPDX-License-Identifier: MIT */
/*
 * A hand-built image model for the codec and pagemap tests: four tasks (a two-thread root, a
 * stopped child, a grandchild and a zombie), every kind of VMA and of file, descriptors shared
 * between tasks, a pipe with bytes in it. Every field holds a value other than zero, so that a
 * codec that drops one shows.
 */
#ifndef CRYO_TESTS_FIXTURE_H
#define CRYO_TESTS_FIXTURE_H

#include "image/image.h"

#define FIX_ROOT     100
#define FIX_CHILD    102
#define FIX_GRAND    103
#define FIX_ZOMBIE   104
#define FIX_PIPE_INO 777

/* Fills *img; release with img_free(). Aborts on allocation failure. */
void fixture_img(struct img *img);

/* Compares two models field by field with cmocka assertions. */
void assert_img_equal(const struct img *a, const struct img *b);

#endif
