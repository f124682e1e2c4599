/* SPDX-License-Identifier: MIT */
/* BPF maps (bpfmap.c) and their BTF (bpfmap-btf.c). */
#ifndef CRYO_FILES_BPFMAP_H
#define CRYO_FILES_BPFMAP_H

#include <stdint.h>

/* Why a map whose raw BTF (len bytes) types its key and value with the type ids key and value
 * cannot be carried: the field the kernel manages in the value ("bpf_spin_lock", "kptr"...),
 * "malformed", or "out of memory"; NULL if it can be. */
const char *bpfmap_btf_check(const uint8_t *raw, uint32_t len, uint32_t key, uint32_t value);

#endif
