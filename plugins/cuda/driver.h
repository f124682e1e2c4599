/* SPDX-License-Identifier: MIT */
/*
 * NVIDIA's driver as the cuda plugin reaches it: libcuda.so.1 through dlopen(), never linked,
 * so that cryo runs (and refuses CUDA trees clearly) on machines without it. The entry points
 * and types are those of cuda.h (CUDA 12.8, driver r570; the checkpoint API since r550), written
 * out here from NVIDIA's documentation rather than included: the header is not on a build
 * machine without the toolkit.
 */
#ifndef CRYO_PLUGIN_CUDA_DRIVER_H
#define CRYO_PLUGIN_CUDA_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#define CUDA_SUCCESS 0

/* CUprocessState */
enum cu_process_state {
	CU_PROCESS_STATE_RUNNING = 0,
	CU_PROCESS_STATE_LOCKED = 1,
	CU_PROCESS_STATE_CHECKPOINTED = 2,
	CU_PROCESS_STATE_FAILED = 3,
};

/* CUcheckpointLockArgs: 64 bytes, all but the timeout reserved (zero). */
struct cu_lock_args {
	unsigned int timeout_ms; /* 0: no timeout */
	unsigned int reserved0;
	uint64_t reserved1[7];
};

/* CUcheckpointCheckpointArgs, ...RestoreArgs, ...UnlockArgs: 64 bytes, zero for defaults. */
struct cu_plain_args {
	uint64_t reserved[8];
};

#define CUDA_GPUS_MAX 64
#define CUDA_NAME_MAX 256

/* What a machine's driver offers: what an image records and a restore compares. */
struct cuda_inventory {
	int driver;                 /* cuDriverGetVersion: 1000 * major + 10 * minor */
	char module[64];            /* the kernel module's release, "" if not loaded */
	unsigned ngpus;
	char names[CUDA_GPUS_MAX][CUDA_NAME_MAX];
	uint64_t mem[CUDA_GPUS_MAX]; /* bytes */
};

struct cuda_driver {
	void *lib;
	int (*init)(unsigned int);
	int (*driver_version)(int *);
	int (*device_count)(int *);
	int (*device_get)(int *, int);
	int (*device_name)(char *, int, int);
	int (*device_mem)(size_t *, int); /* optional */
	int (*error_name)(int, const char **); /* optional */
	int (*lock)(int, struct cu_lock_args *);
	int (*checkpoint)(int, struct cu_plain_args *);
	int (*restore)(int, struct cu_plain_args *);
	int (*unlock)(int, struct cu_plain_args *);
	int (*get_state)(int, int *);
	int (*get_restore_tid)(int, int *);
};

/* The six entry points of the checkpoint API, by name. */
extern const char *const cuda_checkpoint_api[6];

/*
 * Loads libcuda.so.1 once per process (what is missing is said in why): the driver, or NULL.
 * Never unloaded. It is not initialised yet: see cuda_driver_ready().
 */
const struct cuda_driver *cuda_driver_get(char *why, size_t len);

/*
 * cuInit(0) in this process, once (again in a child: CUDA does not survive fork()). The
 * checkpoint API needs it, and the driver then keeps threads of its own in the process, so it
 * is called only where the checkpoint calls are made: a dump's worker, the restore's tracer.
 */
int cuda_driver_ready(const struct cuda_driver *d, char *why, size_t len);

/* The driver's version and this machine's GPUs (asked in a child unless this process has
 * initialised the driver already). Returns 0, or a negative errno with why. */
int cuda_inventory_read(const struct cuda_driver *d, struct cuda_inventory *inv, char *why,
			size_t len);

/* "CUDA_ERROR_ILLEGAL_STATE (401)", or the number alone. */
const char *cuda_strerror(const struct cuda_driver *d, int r, char *buf, size_t len);

/* The kernel module's release ("570.86.15"), "" if it is not loaded. */
void cuda_module_release(char *buf, size_t len);

#endif
