/* SPDX-License-Identifier: MIT */
/*
 * cryo.json codec. Decoding treats the input as hostile: every field is type- and
 * range-checked, counts are bounded, and cross references (a descriptor's file, a file's pipe, a
 * task's parent) must resolve, so that restore can trust the model it gets.
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "files/files.h"
#include "image.h"
#include "image-dir.h"
#include "json-codec.h"
#include "cgroup/cgroup-image.h"
#include "ns/ns-image.h"
#include "ns/mntns.h"
#include "ns/nested.h"
#include "stream.h"

#define REG(name) {#name, offsetof(struct user_regs_struct, name)}
static const struct {
	const char *name;
	size_t off;
} reg_names[] = {
	REG(r15), REG(r14), REG(r13),     REG(r12),     REG(rbp),     REG(rbx),     REG(r11),
	REG(r10), REG(r9),  REG(r8),      REG(rax),     REG(rcx),     REG(rdx),     REG(rsi),
	REG(rdi), REG(orig_rax), REG(rip), REG(cs),     REG(eflags),  REG(rsp),     REG(ss),
	REG(fs_base), REG(gs_base), REG(ds), REG(es),   REG(fs),      REG(gs),
};

void img_free(struct img *img)
{
	for (uint32_t i = 0; i < img->ntasks; i++) {
		struct img_task *t = &img->tasks[i];

		for (uint32_t j = 0; j < t->nthreads; j++) {
			free(t->threads[j].xstate);
			free(t->threads[j].pending);
			for (uint32_t k = 0; k < t->threads[j].nseccomp; k++)
				free(t->threads[j].seccomp[k].prog);
			free(t->threads[j].seccomp);
		}
		free(t->shared_pending);
		free(t->timers);
		for (uint32_t j = 0; j < t->nvmas; j++) {
			free(t->vmas[j].name);
			free(t->vmas[j].path);
			free(t->vmas[j].guards);
			free(t->vmas[j].aio.events);
		}
		for (uint32_t j = 0; j < t->nfds; j++)
			free(t->fds[j].locks);
		free(t->threads);
		free(t->vmas);
		free(t->fds);
		free(t->groups);
		free(t->cwd);
		free(t->root);
		free(t->mm.exe);
	}
	free(img->parent);
	for (uint32_t i = 0; i < img->nfiles; i++)
		img_file_clear(&img->files[i]);
	for (uint32_t i = 0; i < img->npipes; i++)
		free(img->pipes[i].data);
	for (uint32_t i = 0; i < img->nshmems; i++)
		free(img->shmems[i].name);
	free(img->shmems);
	free(img->tasks);
	free(img->files);
	free(img->pipes);
	for (unsigned i = 0; i < img->nplugins; i++)
		free(img->plugins[i]);
	free(img->plugins);
	ns_image_free(&img->ns);
	cgroup_image_free(&img->cgroups);
	memset(img, 0, sizeof(*img));
}

void img_file_clear(struct img_file *f)
{
	free(f->path);
	for (uint32_t j = 0; f->watch_paths && j < f->nitems; j++)
		free(f->watch_paths[j]);
	free(f->watch_paths);
	free(f->items);
	free(f->addr);
	free(f->peer);
	free(f->data);
	free(f->sendq);
	free(f->tcp);
	free(f->filter);
	for (uint32_t j = 0; f->scm && j < f->nscm; j++)
		free(f->scm[j].ids);
	free(f->scm);
	for (uint32_t j = 0; f->from && j < f->nfrom; j++)
		free(f->from[j].addr);
	free(f->from);
	free(f->creds);
	free(f->sockopts);
	free(f->name);
	free(f->btf);
	memset(f, 0, sizeof(*f));
}

struct img_task *img_find_task(const struct img *img, pid_t pid)
{
	for (uint32_t i = 0; i < img->ntasks; i++)
		if (img->tasks[i].pid == pid)
			return &img->tasks[i];
	return NULL;
}

const struct img_task *img_table_owner(const struct img *img, const struct img_task *t)
{
	while (t->shares_files) {
		const struct img_task *p = img_find_task(img, t->ppid);

		if (!p)
			break;
		t = p;
	}
	return t;
}

struct img_file *img_find_file(const struct img *img, uint32_t id)
{
	for (uint32_t i = 0; i < img->nfiles; i++)
		if (img->files[i].id == id)
			return &img->files[i];
	return NULL;
}

struct img_shmem *img_find_shmem(const struct img *img, uint32_t id)
{
	for (uint32_t i = 0; i < img->nshmems; i++)
		if (img->shmems[i].id == id)
			return &img->shmems[i];
	return NULL;
}

struct img_pipe *img_find_pipe(const struct img *img, uint64_t ino)
{
	for (uint32_t i = 0; i < img->npipes; i++)
		if (img->pipes[i].ino == ino)
			return &img->pipes[i];
	return NULL;
}

/* ---- encoding ---- */

static json_t *encode_thread(const struct img_thread *th, bool cgroups)
{
	json_t *o = json_object(), *regs = json_object();
	int r = 0;

	if (!o || !regs) {
		json_decref(o);
		json_decref(regs);
		return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(reg_names); i++)
		r |= set(regs, reg_names[i].name,
			 u64_hex(*(const uint64_t *)((const char *)&th->regs + reg_names[i].off)));
	r |= set(o, "tid", json_integer(th->tid));
	r |= set(o, "regs", regs);
	r |= set(o, "xstate", hex_string(th->xstate, th->xstate_len));
	r |= set(o, "sigmask", u64_hex(th->sigmask));
	r |= set(o, "rseq", json_pack("{s:o,s:I,s:I}", "ptr", u64_hex(th->rseq_ptr), "len",
				      (json_int_t)th->rseq_len, "sig", (json_int_t)th->rseq_sig));
	r |= set(o, "robust_list", json_pack("{s:o,s:o}", "ptr", u64_hex(th->robust_ptr), "len",
					     u64_hex(th->robust_len)));
	r |= set(o, "clear_tid", u64_hex(th->clear_tid));
	r |= set(o, "sigaltstack", json_pack("{s:o,s:o,s:I}", "sp", u64_hex(th->ss_sp), "size",
					     u64_hex(th->ss_size), "flags",
					     (json_int_t)th->ss_flags));
	r |= set(o, "comm", json_string(th->comm));
	r |= set(o, "sched", json_pack("[IIIo]", (json_int_t)th->nice, (json_int_t)th->policy,
				       (json_int_t)th->rt_priority,
				       hex_string((const uint8_t *)th->affinity,
						  sizeof(th->affinity))));
	r |= set(o, "pending", hex_string(th->pending, th->npending * IMG_SIGINFO_SIZE));
	r |= set(o, "no_new_privs", json_boolean(th->no_new_privs));
	if (th->seccomp_strict)
		r |= set(o, "seccomp_strict", json_true());
	if (th->pdeath_sig)
		r |= set(o, "pdeath_signal", json_integer(th->pdeath_sig));
	if (cgroups)
		r |= set(o, "cgroup", json_integer(th->cgroup_set));
	if (th->reset_on_fork)
		r |= set(o, "sched_reset_on_fork", json_true());
	if (th->timer_slack)
		r |= set(o, "timer_slack", json_integer(th->timer_slack));
	if (th->policy == IMG_SCHED_DEADLINE)
		r |= set(o, "sched_deadline",
			 json_pack("[IIII]", (json_int_t)th->dl_runtime, (json_int_t)th->dl_deadline,
				   (json_int_t)th->dl_period, (json_int_t)th->dl_flags));
	{
		json_t *filters = json_array();

		for (uint32_t i = 0; filters && i < th->nseccomp; i++)
			r |= add(filters, json_pack("{s:o,s:o}", "flags",
						    u64_hex(th->seccomp[i].flags), "prog",
						    hex_string(th->seccomp[i].prog,
							       th->seccomp[i].prog_len)));
		r |= set(o, "seccomp", filters);
	}
	if (r) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *encode_vma(const struct img_vma *v)
{
	json_t *o = json_pack("{s:o,s:o,s:o,s:I,s:b,s:I,s:I}", "start", u64_hex(v->start), "end",
			      u64_hex(v->end), "pgoff", u64_hex(v->pgoff), "prot",
			      (json_int_t)v->prot, "shared", v->shared, "kind",
			      (json_int_t)v->kind, "advice", (json_int_t)v->advice);

	if (o && v->name && set(o, "name", json_string(v->name)))
		goto fail;
	if (o && v->path && set(o, "path", json_string(v->path)))
		goto fail;
	if (o && (v->kind == VMA_SHMEM || v->kind == VMA_SYSV || v->kind == VMA_PACKET) &&
	    set(o, v->kind == VMA_SHMEM ? "shmem" : v->kind == VMA_SYSV ? "shmid" : "packet",
		json_integer(v->shmem_id)))
		goto fail;
	if (o && v->kind == VMA_AIO &&
	    set(o, "aio", json_pack("{s:I,s:I,s:I,s:o}", "nr", (json_int_t)v->aio.nr, "head",
				    (json_int_t)v->aio.head, "tail", (json_int_t)v->aio.tail,
				    "events", hex_string(v->aio.events, v->aio.events_len))))
		goto fail;
	if (o && v->page_shift && set(o, "page_shift", json_integer(v->page_shift)))
		goto fail;
	if (o && v->nguards) {
		json_t *g = json_array();
		int r = 0;

		for (uint32_t i = 0; g && i < v->nguards; i++)
			r |= add(g, json_pack("[oo]", u64_hex(v->guards[i][0]),
					      u64_hex(v->guards[i][1])));
		if (set(o, "guards", g) || r)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *encode_task(const struct img_task *t, bool cgroups)
{
	json_t *o = json_object(), *a;
	int r = 0;

	if (!o)
		return NULL;
	r |= set(o, "pid", json_integer(t->pid));
	r |= set(o, "ppid", json_integer(t->ppid));
	r |= set(o, "pgid", json_integer(t->pgid));
	r |= set(o, "sid", json_integer(t->sid));
	r |= set(o, "zombie", json_boolean(t->zombie));
	r |= set(o, "exit_code", json_integer(t->exit_code));
	if (t->exit_signal != SIGCHLD)
		r |= set(o, "exit_signal", json_integer(t->exit_signal));
	r |= set(o, "stopped", json_boolean(t->stopped));
	if (t->stopped && t->stop_signal != SIGSTOP)
		r |= set(o, "stop_signal", json_integer(t->stop_signal));
	r |= set(o, "comm", json_string(t->comm));
	r |= set(o, "uid", json_pack("[IIII]", (json_int_t)t->uid[0], (json_int_t)t->uid[1],
				     (json_int_t)t->uid[2], (json_int_t)t->uid[3]));
	r |= set(o, "gid", json_pack("[IIII]", (json_int_t)t->gid[0], (json_int_t)t->gid[1],
				     (json_int_t)t->gid[2], (json_int_t)t->gid[3]));
	a = json_array();
	for (uint32_t i = 0; a && i < t->ngroups; i++)
		r |= add(a, json_integer(t->groups[i]));
	r |= set(o, "groups", a);
	r |= set(o, "caps", json_pack("{s:o,s:o,s:o,s:o,s:o}", "inh", u64_hex(t->cap_inh), "prm",
				      u64_hex(t->cap_prm), "eff", u64_hex(t->cap_eff), "bnd",
				      u64_hex(t->cap_bnd), "amb", u64_hex(t->cap_amb)));
	r |= set(o, "umask", json_integer(t->umask));
	r |= set(o, "personality", json_integer(t->personality));
	if (t->thp_disable)
		r |= set(o, "thp_disable", json_true());
	if (t->thp_except_advised)
		r |= set(o, "thp_except_advised", json_true());
	if (t->child_subreaper)
		r |= set(o, "child_subreaper", json_true());
	if (t->oom_score_adj)
		r |= set(o, "oom_score_adj", json_integer(t->oom_score_adj));
	if (t->mlockall)
		r |= set(o, "mlockall", json_integer(t->mlockall));
	if (t->dumpable >= 0)
		r |= set(o, "dumpable", json_integer(t->dumpable));
	if (t->has_loginuid)
		r |= set(o, "loginuid", json_integer(t->loginuid));
	if (t->membarrier)
		r |= set(o, "membarrier", json_integer(t->membarrier));
	r |= set(o, "cwd", json_string(t->cwd));
	r |= set(o, "root", json_string(t->root));
	if (t->cwd_file)
		r |= set(o, "cwd_file", json_integer(t->cwd_file));
	if (t->shares_files)
		r |= set(o, "shares_files", json_true());
	a = json_array();
	for (int i = 0; a && i < IMG_NR_RLIMITS; i++)
		r |= add(a, json_pack("[oo]", u64_hex(t->rlim[i].cur), u64_hex(t->rlim[i].max)));
	r |= set(o, "rlimits", a);
	a = json_array();
	for (int i = 0; a && i < IMG_MAX_SIGNALS; i++) {
		const struct img_sigaction *sa = &t->sigact[i];

		if (!sa->handler && !sa->flags && !sa->mask && !sa->restorer)
			continue;
		r |= add(a, json_pack("{s:I,s:o,s:o,s:o,s:o}", "sig", (json_int_t)i + 1,
				      "handler", u64_hex(sa->handler), "flags", u64_hex(sa->flags),
				      "restorer", u64_hex(sa->restorer), "mask",
				      u64_hex(sa->mask)));
	}
	r |= set(o, "sigactions", a);
	a = json_array();
	for (int i = 0; a && i < 3; i++) {
		const struct itimerval *it = &t->itimer[i];

		r |= add(a, json_pack("[IIII]", (json_int_t)it->it_interval.tv_sec,
				      (json_int_t)it->it_interval.tv_usec,
				      (json_int_t)it->it_value.tv_sec,
				      (json_int_t)it->it_value.tv_usec));
	}
	r |= set(o, "itimers", a);
	{
		const struct img_mm *mm = &t->mm;
		json_t *m = json_object(), *auxv = json_array();

		r |= set(m, "start_code", u64_hex(mm->start_code));
		r |= set(m, "end_code", u64_hex(mm->end_code));
		r |= set(m, "start_data", u64_hex(mm->start_data));
		r |= set(m, "end_data", u64_hex(mm->end_data));
		r |= set(m, "start_brk", u64_hex(mm->start_brk));
		r |= set(m, "brk", u64_hex(mm->brk));
		r |= set(m, "start_stack", u64_hex(mm->start_stack));
		r |= set(m, "arg_start", u64_hex(mm->arg_start));
		r |= set(m, "arg_end", u64_hex(mm->arg_end));
		r |= set(m, "env_start", u64_hex(mm->env_start));
		r |= set(m, "env_end", u64_hex(mm->env_end));
		for (uint32_t i = 0; auxv && i < mm->auxv_len; i++)
			r |= add(auxv, u64_hex(mm->auxv[i]));
		r |= set(m, "auxv", auxv);
		r |= set(m, "exe", json_string(mm->exe ? mm->exe : ""));
		r |= set(o, "mm", m);
	}
	a = json_array();
	for (uint32_t i = 0; a && i < t->nvmas; i++)
		r |= add(a, encode_vma(&t->vmas[i]));
	r |= set(o, "vmas", a);
	r |= set(o, "pages", json_integer(t->pages));
	if (t->parent_pages)
		r |= set(o, "parent_pages", json_integer(t->parent_pages));
	if (t->cow_pages)
		r |= set(o, "cow_pages", json_integer(t->cow_pages));
	r |= set(o, "ctty", json_integer(t->ctty));
	a = json_array();
	for (uint32_t i = 0; a && i < t->ntimers; i++) {
		const struct img_posix_timer *pt = &t->timers[i];

		r |= add(a, json_pack("[IIIIIoIIII]", (json_int_t)pt->id, (json_int_t)pt->clock,
				      (json_int_t)pt->notify, (json_int_t)pt->signo,
				      (json_int_t)pt->tid, u64_hex(pt->sival),
				      (json_int_t)pt->value_sec, (json_int_t)pt->value_nsec,
				      (json_int_t)pt->interval_sec, (json_int_t)pt->interval_nsec));
	}
	r |= set(o, "posix_timers", a);
	r |= set(o, "shared_pending",
		 hex_string(t->shared_pending, t->nshared_pending * IMG_SIGINFO_SIZE));
	a = json_array();
	for (uint32_t i = 0; a && i < t->nfds; i++) {
		json_t *locks = json_array();

		for (uint32_t j = 0; locks && j < t->fds[i].nlocks; j++) {
			const struct img_lock *l = &t->fds[i].locks[j];

			r |= add(locks, json_pack("[IIII]", (json_int_t)l->kind, (json_int_t)l->write,
						  (json_int_t)l->start, (json_int_t)l->len));
		}
		r |= add(a, json_pack("{s:I,s:I,s:b,s:o}", "fd", (json_int_t)t->fds[i].fd, "file",
				      (json_int_t)t->fds[i].file_id, "cloexec", t->fds[i].cloexec,
				      "locks", locks));
	}
	r |= set(o, "fds", a);
	a = json_array();
	for (uint32_t i = 0; a && i < t->nthreads; i++)
		r |= add(a, encode_thread(&t->threads[i], cgroups));
	r |= set(o, "threads", a);
	if (r) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* After a file's envelope: its params and epoll arrays, which every file has, then what its
 * kind adds (lib/files/). */
static int encode_file_extra(json_t *o, const struct img_file *f)
{
	const struct file_kind *k = file_kind_of(f->type);
	json_t *params = json_array();
	int r = 0;

	if (!o)
		return -ENOMEM;
	for (int i = 0; params && i < IMG_FILE_PARAMS; i++)
		r |= add(params, u64_hex(f->params[i]));
	r |= set(o, "params", params);
	r |= set(o, "epoll", json_array());
	if (!r && k && k->encode)
		r |= k->encode(o, f);
	return r;
}

int img_encode(struct cryo_ctx *ctx, const struct img *img, char **ret_json)
{
	_cleanup_json_ json_t *root = json_object();
	json_t *a;
	int r = 0;
	char *s;

	if (!root)
		return -ENOMEM;
	r |= set(root, "format", json_string("cryo-image"));
	r |= set(root, "version", json_integer(img->version));
	r |= set(root, "kernel", json_string(img->kernel));
	if (img->vdso_hash) {
		char hex[17];

		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)img->vdso_hash);
		r |= set(root, "vdso_hash", json_string(hex));
	}
	if (img->nplugins) {
		a = json_array();
		for (unsigned i = 0; a && i < img->nplugins; i++)
			r |= add(a, json_string(img->plugins[i]));
		r |= set(root, "plugins", a);
	}
	r |= set(root, "created", json_integer(img->created));
	r |= set(root, "root", json_integer(img->root));
	if (img->parent)
		r |= set(root, "parent", json_string(img->parent));
	if (img->page_streams)
		r |= set(root, "pages", json_pack("{s:s,s:i}", "codec",
						  codec_name(img->page_codec), "streams",
						  (int)img->page_streams));
	a = json_array();
	for (uint32_t i = 0; a && i < img->ntasks; i++)
		r |= add(a, encode_task(&img->tasks[i], img->cgroups.nsets > 0));
	r |= set(root, "tasks", a);
	a = json_array();
	for (uint32_t i = 0; a && i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i];
		json_t *fo = json_pack("{s:I,s:I,s:s,s:I,s:I,s:I,s:I}", "id", (json_int_t)f->id,
				       "type", (json_int_t)f->type, "path", f->path ? f->path : "",
				       "flags", (json_int_t)f->flags, "pos", (json_int_t)f->pos,
				       "pipe", (json_int_t)f->pipe_ino, "shmem",
				       (json_int_t)f->shmem_id);

		r |= encode_file_extra(fo, f);
		if (f->external)
			r |= set(fo, "external", json_true());
		if (f->own_pid || f->own_sig)
			r |= set(fo, "owner", json_pack("[iii]", f->own_type, f->own_pid,
							f->own_sig));
		r |= add(a, fo);
	}
	r |= set(root, "files", a);
	a = json_array();
	for (uint32_t i = 0; a && i < img->npipes; i++) {
		const struct img_pipe *p = &img->pipes[i];

		r |= add(a, json_pack("{s:I,s:I,s:o}", "ino", (json_int_t)p->ino, "size",
				      (json_int_t)p->size, "data",
				      hex_string(p->data, p->data_len)));
	}
	r |= set(root, "pipes", a);
	a = json_array();
	for (uint32_t i = 0; a && i < img->nshmems; i++) {
		const struct img_shmem *m = &img->shmems[i];

		json_t *mo = json_pack("{s:I,s:I,s:I,s:s,s:I,s:I}", "id", (json_int_t)m->id, "kind",
				       (json_int_t)m->kind, "size", (json_int_t)m->size, "name",
				       m->name ? m->name : "", "dev", (json_int_t)m->dev, "ino",
				       (json_int_t)m->ino);

		if (mo && m->has_seals)
			r |= set(mo, "seals", json_integer(m->seals));
		if (mo && m->page_shift)
			r |= set(mo, "page_shift", json_integer(m->page_shift));
		if (mo && m->has_attrs)
			r |= set(mo, "attrs",
				 json_pack("{s:I,s:I,s:I,s:I}", "mode", (json_int_t)m->mode, "uid",
					   (json_int_t)m->uid, "gid", (json_int_t)m->gid, "mtime_ns",
					   (json_int_t)m->mtime_ns));
		r |= add(a, mo);
	}
	r |= set(root, "shmems", a);
	r |= ns_image_encode(&img->ns, root);
	r |= nested_image_encode(img, root);
	r |= mntns_image_encode(img, root);
	r |= cgroup_image_encode(&img->cgroups, root);
	if (r)
		return cryo_err(ctx, -ENOMEM, "encode image metadata");
	s = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!s)
		return cryo_err(ctx, -ENOMEM, "encode image metadata");
	*ret_json = s;
	return 0;
}

/* A queue of raw siginfo_t records, each naming a real signal. */
static int get_sigqueue(struct dec *d, json_t *o, const char *key, uint8_t **ret, uint32_t *ret_n)
{
	uint32_t len;

	TRY(get_hexbytes(d, o, key, IMG_SIGINFO_SIZE * IMG_MAX_PENDING, ret, &len));
	if (len % IMG_SIGINFO_SIZE)
		return bad(d, key, "is not a whole number of siginfo records");
	*ret_n = len / IMG_SIGINFO_SIZE;
	for (uint32_t i = 0; i < *ret_n; i++) {
		int32_t signo;

		memcpy(&signo, *ret + i * IMG_SIGINFO_SIZE, sizeof(signo));
		if (signo < 1 || signo > IMG_MAX_SIGNALS)
			return bad(d, key, "holds a bad signal number");
	}
	return 0;
}

static int decode_thread(struct dec *d, json_t *o, struct img_thread *th)
{
	json_t *regs, *sub;
	long long v;
	uint64_t u;

	if (!json_is_object(o))
		return bad(d, "threads", "holds a non-object");
	TRY(get_int(d, o, "tid", 1, INT_MAX, &v));
	th->tid = v;
	regs = need(d, o, "regs", JSON_OBJECT);
	if (!regs)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(reg_names); i++)
		TRY(get_u64(d, regs, reg_names[i].name,
			    (uint64_t *)((char *)&th->regs + reg_names[i].off)));
	TRY(get_hexbytes(d, o, "xstate", IMG_MAX_XSTATE, &th->xstate, &th->xstate_len));
	TRY(get_u64(d, o, "sigmask", &th->sigmask));
	sub = need(d, o, "rseq", JSON_OBJECT);
	if (!sub)
		return -EINVAL;
	TRY(get_u64(d, sub, "ptr", &th->rseq_ptr));
	TRY(get_int(d, sub, "len", 0, 4096, &v));
	th->rseq_len = v;
	TRY(get_int(d, sub, "sig", 0, UINT32_MAX, &v));
	th->rseq_sig = v;
	sub = need(d, o, "robust_list", JSON_OBJECT);
	if (!sub)
		return -EINVAL;
	TRY(get_u64(d, sub, "ptr", &th->robust_ptr));
	TRY(get_u64(d, sub, "len", &th->robust_len));
	TRY(get_u64(d, o, "clear_tid", &th->clear_tid));
	sub = need(d, o, "sigaltstack", JSON_OBJECT);
	if (!sub)
		return -EINVAL;
	TRY(get_u64(d, sub, "sp", &th->ss_sp));
	TRY(get_u64(d, sub, "size", &u));
	th->ss_size = u;
	TRY(get_int(d, sub, "flags", INT_MIN, INT_MAX, &v));
	th->ss_flags = v;
	TRY(get_sigqueue(d, o, "pending", &th->pending, &th->npending));
	if (!json_is_boolean(json_object_get(o, "no_new_privs")))
		return bad(d, "no_new_privs", "is not a boolean");
	th->no_new_privs = json_is_true(json_object_get(o, "no_new_privs"));
	if (json_object_get(o, "seccomp_strict")) {
		if (!json_is_boolean(json_object_get(o, "seccomp_strict")))
			return bad(d, "seccomp_strict", "is not a boolean");
		th->seccomp_strict = json_is_true(json_object_get(o, "seccomp_strict"));
	}
	if (json_object_get(o, "pdeath_signal")) {
		TRY(get_int(d, o, "pdeath_signal", 1, IMG_MAX_SIGNALS, &v));
		th->pdeath_sig = v;
	}
	/* Checked against the image's sets once every task is read. */
	th->cgroup_set = UINT32_MAX;
	if (json_object_get(o, "cgroup")) {
		TRY(get_int(d, o, "cgroup", 0, CGROUP_MAX_SETS - 1, &v));
		th->cgroup_set = v;
	}
	if (json_object_get(o, "sched_reset_on_fork")) {
		if (!json_is_boolean(json_object_get(o, "sched_reset_on_fork")))
			return bad(d, "sched_reset_on_fork", "is not a boolean");
		th->reset_on_fork = json_is_true(json_object_get(o, "sched_reset_on_fork"));
	}
	if (json_object_get(o, "timer_slack")) {
		TRY(get_int(d, o, "timer_slack", 1, 1LL << 62, &v));
		th->timer_slack = v;
	}
	{
		json_t *filters = get_arr(d, o, "seccomp", IMG_MAX_SECCOMP), *f;
		size_t k;

		if (!filters)
			return -EINVAL;
		th->seccomp = calloc(json_array_size(filters) + 1, sizeof(*th->seccomp));
		if (!th->seccomp)
			return -ENOMEM;
		json_array_foreach(filters, k, f) {
			struct img_seccomp *sc = &th->seccomp[k];

			if (!json_is_object(f))
				return bad(d, "seccomp", "holds a non-object");
			th->nseccomp = k + 1;
			TRY(get_u64(d, f, "flags", &sc->flags));
			TRY(get_hexbytes(d, f, "prog", 4096 * 8, &sc->prog, &sc->prog_len));
			if (!sc->prog_len || sc->prog_len % 8)
				return bad(d, "seccomp", "holds a program that is not whole instructions");
		}
	}
	{
		json_int_t nice, policy, prio;
		const char *mask;
		uint8_t *bytes = NULL;
		uint32_t nbytes;
		json_t *sched = json_object_get(o, "sched");

		if (json_unpack(sched, "[IIIs]", &nice, &policy, &prio, &mask) || nice < -20 ||
		    nice > 19 || policy < 0 || policy > 7 || prio < 0 || prio > 99)
			return bad(d, "sched", "is not [nice, policy, priority, cpu mask]");
		th->nice = nice;
		th->policy = policy;
		th->rt_priority = prio;
		TRY(hexbytes_of(d, json_array_get(sched, 3), "sched", sizeof(th->affinity), &bytes,
				&nbytes));
		memcpy(th->affinity, bytes, nbytes);
		free(bytes);
	}
	/* As sched_setattr() would check them (__checkparam_dl()): runtime <= deadline <= period
	 * (a period of 0 meaning the deadline's), runtime at least 1024 ns. */
	if (th->policy == IMG_SCHED_DEADLINE) {
		json_int_t rt, dl, per, fl;

		if (json_unpack(json_object_get(o, "sched_deadline"), "[IIII]", &rt, &dl, &per,
				&fl))
			return bad(d, "sched_deadline",
				   "is not [runtime, deadline, period, flags] (policy 6)");
		if (rt < IMG_DL_MIN_RUNTIME || dl < rt || (per && per < dl) ||
		    (uint64_t)per > IMG_DL_MAX_PERIOD_NS || (uint64_t)dl > IMG_DL_MAX_PERIOD_NS)
			return bad(d, "sched_deadline", "is out of range");
		if (fl & ~(json_int_t)IMG_DL_FLAGS)
			return bad(d, "sched_deadline", "has flags other than RECLAIM and DL_OVERRUN");
		th->dl_runtime = rt;
		th->dl_deadline = dl;
		th->dl_period = per;
		th->dl_flags = fl;
	} else if (json_object_get(o, "sched_deadline")) {
		return bad(d, "sched_deadline", "is given for a policy other than SCHED_DEADLINE");
	}
	{
		char *comm = NULL;

		TRY(get_str(d, o, "comm", 15, &comm));
		snprintf(th->comm, sizeof(th->comm), "%s", comm);
		free(comm);
	}
	return 0;
}

/* An aio ring: its size must be what the kernel makes for `nr` events (a 32-byte header and
 * 32 bytes an event, rounded up to pages), and the events held those between head and tail. */
static int decode_aio(struct dec *d, json_t *o, struct img_vma *vma)
{
	json_t *a = need(d, o, "aio", JSON_OBJECT);
	struct img_aio *aio = &vma->aio;
	long long v;

	if (!a)
		return -EINVAL;
	if (!vma->shared || vma->pgoff)
		return bad(d, "aio", "ring is not a shared mapping at offset 0");
	TRY(get_int(d, a, "nr", 2, IMG_AIO_MAX_NR, &v));
	aio->nr = v;
	if ((vma->end - vma->start - 32) / 32 != aio->nr)
		return bad(d, "nr", "does not fit the ring's size");
	TRY(get_int(d, a, "head", 0, aio->nr - 1, &v));
	aio->head = v;
	TRY(get_int(d, a, "tail", 0, aio->nr - 1, &v));
	aio->tail = v;
	TRY(get_hexbytes(d, a, "events", (size_t)aio->nr * 32, &aio->events, &aio->events_len));
	if (aio->events_len != (aio->tail + aio->nr - aio->head) % aio->nr * 32)
		return bad(d, "events", "are not the (tail - head) events of the ring");
	return 0;
}

/* Guard regions: sorted, disjoint, page-aligned, inside their mapping. */
static int decode_guards(struct dec *d, json_t *o, struct img_vma *vma)
{
	json_t *a = get_arr(d, o, "guards", IMG_MAX_GUARDS), *g;
	size_t i;

	if (!a)
		return -EINVAL;
	vma->guards = calloc(json_array_size(a) + 1, sizeof(*vma->guards));
	if (!vma->guards)
		return -ENOMEM;
	json_array_foreach(a, i, g) {
		uint64_t s, e;

		if (!json_is_array(g) || json_array_size(g) != 2 ||
		    !json_is_string(json_array_get(g, 0)) || !json_is_string(json_array_get(g, 1)) ||
		    parse_hex(json_string_value(json_array_get(g, 0)), &s) ||
		    parse_hex(json_string_value(json_array_get(g, 1)), &e))
			return bad(d, "guards", "holds something other than [start, end]");
		if (s % 4096 || e % 4096 || s >= e || s < vma->start || e > vma->end ||
		    (i && s < vma->guards[i - 1][1]))
			return bad(d, "guards",
				   "are not page-aligned, sorted ranges inside the mapping");
		vma->guards[i][0] = s;
		vma->guards[i][1] = e;
		vma->nguards = i + 1;
	}
	return 0;
}

static int decode_vma(struct dec *d, json_t *o, struct img_vma *vma)
{
	long long v;

	if (!json_is_object(o))
		return bad(d, "vmas", "holds a non-object");
	TRY(get_u64(d, o, "start", &vma->start));
	TRY(get_u64(d, o, "end", &vma->end));
	TRY(get_u64(d, o, "pgoff", &vma->pgoff));
	TRY(get_int(d, o, "prot", 0, 7, &v));
	vma->prot = v;
	if (!json_is_boolean(json_object_get(o, "shared")))
		return bad(d, "shared", "is not a boolean");
	vma->shared = json_is_true(json_object_get(o, "shared"));
	TRY(get_int(d, o, "kind", VMA_ANON, VMA_PACKET, &v));
	vma->kind = v;
	TRY(get_int(d, o, "advice", 0, IMG_VMA_ADV_ALL, &v));
	vma->advice = v;
	if ((v & VMA_ADV_LOCKONFAULT) && !(v & VMA_ADV_LOCKED))
		return bad(d, "advice", "locks on fault a mapping that is not locked");
	if ((v & VMA_ADV_SEQUENTIAL) && (v & VMA_ADV_RANDOM))
		return bad(d, "advice", "reads a mapping both sequentially and at random");
	if ((v & VMA_ADV_DROPPABLE) && (vma->kind != VMA_ANON || vma->shared))
		return bad(d, "advice", "makes droppable a mapping that is not private anonymous");
	if (vma->start % 4096 || vma->end % 4096 || vma->pgoff % 4096 || vma->start >= vma->end ||
	    (vma->end > (1ULL << 47) && vma->kind != VMA_VSYSCALL))
		return bad(d, "start", "does not give a page-aligned range in user space");
	if (json_object_get(o, "name"))
		TRY(get_str(d, o, "name", 256, &vma->name));
	if (vma->kind == VMA_SYSV) {
		TRY(get_int(d, o, "shmid", 0, INT_MAX, &v));
		vma->shmem_id = v;
	}
	if (vma->kind == VMA_SHMEM) {
		TRY(get_int(d, o, "shmem", 1, UINT32_MAX, &v));
		vma->shmem_id = v;
	}
	if (vma->kind == VMA_PACKET) {
		TRY(get_int(d, o, "packet", 1, UINT32_MAX, &v));
		vma->shmem_id = v;
		if (vma->pgoff)
			return bad(d, "packet", "is a ring mapping that is not from offset 0");
	}
	if (vma->kind == VMA_FILE) {
		TRY(get_str(d, o, "path", PATH_MAX, &vma->path));
		if (vma->path[0] != '/')
			return bad(d, "path", "is not absolute");
	}
	if (vma->kind == VMA_AIO)
		TRY(decode_aio(d, o, vma));
	if (json_object_get(o, "page_shift")) {
		TRY(get_int(d, o, "page_shift", 21, 30, &v));
		vma->page_shift = v;
		if ((v != 21 && v != 30) || (vma->kind != VMA_ANON && vma->kind != VMA_SHMEM &&
					     vma->kind != VMA_FILE))
			return bad(d, "page_shift",
				   "is not a hugetlb page size of this mapping kind");
		if ((vma->start | vma->end | vma->pgoff) & ((1ULL << v) - 1))
			return bad(d, "page_shift",
				   "does not divide the mapping's range and offset");
		if (vma->advice & (VMA_ADV_DROPPABLE | VMA_ADV_GROWSDOWN))
			return bad(d, "page_shift", "with droppable or grows-down advice");
	}
	if (json_object_get(o, "guards"))
		TRY(decode_guards(d, o, vma));
	return 0;
}

static int decode_mm(struct dec *d, json_t *m, struct img_mm *mm)
{
	json_t *auxv;
	size_t i;
	json_t *v;

	TRY(get_u64(d, m, "start_code", &mm->start_code));
	TRY(get_u64(d, m, "end_code", &mm->end_code));
	TRY(get_u64(d, m, "start_data", &mm->start_data));
	TRY(get_u64(d, m, "end_data", &mm->end_data));
	TRY(get_u64(d, m, "start_brk", &mm->start_brk));
	TRY(get_u64(d, m, "brk", &mm->brk));
	TRY(get_u64(d, m, "start_stack", &mm->start_stack));
	TRY(get_u64(d, m, "arg_start", &mm->arg_start));
	TRY(get_u64(d, m, "arg_end", &mm->arg_end));
	TRY(get_u64(d, m, "env_start", &mm->env_start));
	TRY(get_u64(d, m, "env_end", &mm->env_end));
	auxv = get_arr(d, m, "auxv", IMG_AUXV_WORDS);
	if (!auxv)
		return -EINVAL;
	json_array_foreach(auxv, i, v) {
		if (!json_is_string(v) || parse_hex(json_string_value(v), &mm->auxv[i]))
			return bad(d, "auxv", "holds a non-hex entry");
	}
	mm->auxv_len = json_array_size(auxv);
	if (mm->auxv_len % 2)
		return bad(d, "auxv", "has an odd length");
	TRY(get_str(d, m, "exe", PATH_MAX, &mm->exe));
	return 0;
}

static int decode_task(struct dec *d, json_t *o, struct img_task *t)
{
	json_t *a, *v, *caps;
	char *s = NULL;
	long long n;
	size_t i;

	if (!json_is_object(o))
		return bad(d, "tasks", "holds a non-object");
	TRY(get_int(d, o, "pid", 1, INT_MAX, &n));
	t->pid = n;
	TRY(get_int(d, o, "ppid", 0, INT_MAX, &n));
	t->ppid = n;
	TRY(get_int(d, o, "pgid", 0, INT_MAX, &n));
	t->pgid = n;
	TRY(get_int(d, o, "sid", 0, INT_MAX, &n));
	t->sid = n;
	if (!json_is_boolean(json_object_get(o, "zombie")) ||
	    !json_is_boolean(json_object_get(o, "stopped")))
		return bad(d, "zombie", "or \"stopped\" is not a boolean");
	t->zombie = json_is_true(json_object_get(o, "zombie"));
	t->stopped = json_is_true(json_object_get(o, "stopped"));
	t->stop_signal = SIGSTOP;
	if (json_object_get(o, "stop_signal")) {
		TRY(get_int(d, o, "stop_signal", 1, IMG_MAX_SIGNALS, &n));
		if (!t->stopped || (n != SIGTSTP && n != SIGTTIN && n != SIGTTOU))
			return bad(d, "stop_signal",
				   "is not SIGTSTP, SIGTTIN or SIGTTOU of a stopped task");
		t->stop_signal = n;
	}
	TRY(get_int(d, o, "exit_code", 0, 0xffff, &n));
	t->exit_code = n;
	t->exit_signal = SIGCHLD;
	if (json_object_get(o, "exit_signal")) {
		TRY(get_int(d, o, "exit_signal", 0, IMG_MAX_SIGNALS, &n));
		t->exit_signal = n;
	}
	TRY(get_str(d, o, "comm", 15, &s));
	snprintf(t->comm, sizeof(t->comm), "%s", s);
	free(s);
	a = get_arr(d, o, "uid", 4);
	if (!a || json_array_size(a) != 4)
		return bad(d, "uid", "is not four ids");
	json_array_foreach(a, i, v) {
		/* (uid_t)-1 is no id: setresuid() would read it as "unchanged". */
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= UINT32_MAX)
			return bad(d, "uid", "holds a bad id");
		t->uid[i] = json_integer_value(v);
	}
	a = get_arr(d, o, "gid", 4);
	if (!a || json_array_size(a) != 4)
		return bad(d, "gid", "is not four ids");
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= UINT32_MAX)
			return bad(d, "gid", "holds a bad id");
		t->gid[i] = json_integer_value(v);
	}
	a = get_arr(d, o, "groups", 65536);
	if (!a)
		return -EINVAL;
	t->groups = calloc(json_array_size(a) + 1, sizeof(*t->groups));
	if (!t->groups)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= UINT32_MAX)
			return bad(d, "groups", "holds a bad id");
		t->groups[i] = json_integer_value(v);
	}
	t->ngroups = json_array_size(a);
	caps = need(d, o, "caps", JSON_OBJECT);
	if (!caps)
		return -EINVAL;
	TRY(get_u64(d, caps, "inh", &t->cap_inh));
	TRY(get_u64(d, caps, "prm", &t->cap_prm));
	TRY(get_u64(d, caps, "eff", &t->cap_eff));
	TRY(get_u64(d, caps, "bnd", &t->cap_bnd));
	TRY(get_u64(d, caps, "amb", &t->cap_amb));
	TRY(get_int(d, o, "umask", 0, 0777, &n));
	t->umask = n;
	TRY(get_int(d, o, "personality", 0, UINT32_MAX, &n));
	t->personality = n;
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "child_subreaper" : "thp_disable";
		json_t *b = json_object_get(o, key);

		if (b && !json_is_boolean(b))
			return bad(d, key, "is not a boolean");
		*(k ? &t->child_subreaper : &t->thp_disable) = json_is_true(b);
	}
	if (json_object_get(o, "thp_except_advised")) {
		if (!json_is_true(json_object_get(o, "thp_except_advised")) || !t->thp_disable)
			return bad(d, "thp_except_advised", "is not true, or without thp_disable");
		t->thp_except_advised = true;
	}
	if (json_object_get(o, "oom_score_adj")) {
		long long adj;

		TRY(get_int(d, o, "oom_score_adj", -1000, 1000, &adj));
		t->oom_score_adj = adj;
	}
	t->mlockall = 0;
	if (json_object_get(o, "mlockall")) {
		long long m;

		/* MCL_FUTURE (2), with MCL_ONFAULT (4) or not: nothing else is kept. */
		TRY(get_int(d, o, "mlockall", 2, 6, &m));
		if (m != 2 && m != 6)
			return bad(d, "mlockall", "is not MCL_FUTURE, with MCL_ONFAULT or not");
		t->mlockall = m;
	}
	t->dumpable = -1; /* images before it: left as the credentials make it */
	if (json_object_get(o, "dumpable")) {
		long long m;

		TRY(get_int(d, o, "dumpable", 0, 2, &m));
		t->dumpable = m;
	}
	t->loginuid = UINT32_MAX;
	t->has_loginuid = json_object_get(o, "loginuid");
	if (t->has_loginuid) {
		long long m;

		/* UINT32_MAX: unset */
		TRY(get_int(d, o, "loginuid", 0, UINT32_MAX, &m));
		t->loginuid = m;
	}
	t->membarrier = 0;
	if (json_object_get(o, "membarrier")) {
		long long m;

		/* MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED 4, _PRIVATE_EXPEDITED 16, _SYNC_CORE 64,
		 * _RSEQ 256. */
		TRY(get_int(d, o, "membarrier", 1, 4 | 16 | 64 | 256, &m));
		if (m & ~(4 | 16 | 64 | 256))
			return bad(d, "membarrier", "holds other than expedited registrations");
		t->membarrier = m;
	}
	TRY(get_str(d, o, "cwd", PATH_MAX, &t->cwd));
	TRY(get_str(d, o, "root", PATH_MAX, &t->root));
	if (json_object_get(o, "cwd_file")) {
		long long id;

		TRY(get_int(d, o, "cwd_file", 1, UINT32_MAX, &id));
		t->cwd_file = id;
	}
	{
		json_t *b = json_object_get(o, "shares_files");

		if (b && !json_is_boolean(b))
			return bad(d, "shares_files", "is not a boolean");
		t->shares_files = json_is_true(b);
	}
	a = get_arr(d, o, "rlimits", IMG_NR_RLIMITS);
	if (!a || json_array_size(a) != IMG_NR_RLIMITS)
		return bad(d, "rlimits", "is not 16 limits");
	json_array_foreach(a, i, v) {
		json_t *cur = json_array_get(v, 0), *max = json_array_get(v, 1);

		if (!json_is_array(v) || !json_is_string(cur) || !json_is_string(max) ||
		    parse_hex(json_string_value(cur), &t->rlim[i].cur) ||
		    parse_hex(json_string_value(max), &t->rlim[i].max))
			return bad(d, "rlimits", "holds a bad limit");
	}
	a = get_arr(d, o, "sigactions", IMG_MAX_SIGNALS);
	if (!a)
		return -EINVAL;
	json_array_foreach(a, i, v) {
		struct img_sigaction *sa;

		if (!json_is_object(v))
			return bad(d, "sigactions", "holds a non-object");
		TRY(get_int(d, v, "sig", 1, IMG_MAX_SIGNALS, &n));
		sa = &t->sigact[n - 1];
		TRY(get_u64(d, v, "handler", &sa->handler));
		TRY(get_u64(d, v, "flags", &sa->flags));
		TRY(get_u64(d, v, "restorer", &sa->restorer));
		TRY(get_u64(d, v, "mask", &sa->mask));
	}
	a = get_arr(d, o, "itimers", 3);
	if (!a || json_array_size(a) != 3)
		return bad(d, "itimers", "is not three timers");
	json_array_foreach(a, i, v) {
		json_int_t f[4];

		if (json_unpack(v, "[IIII]", &f[0], &f[1], &f[2], &f[3]) || f[0] < 0 || f[2] < 0 ||
		    f[1] < 0 || f[1] >= 1000000 || f[3] < 0 || f[3] >= 1000000)
			return bad(d, "itimers", "holds a bad timer");
		t->itimer[i].it_interval.tv_sec = f[0];
		t->itimer[i].it_interval.tv_usec = f[1];
		t->itimer[i].it_value.tv_sec = f[2];
		t->itimer[i].it_value.tv_usec = f[3];
	}
	v = need(d, o, "mm", JSON_OBJECT);
	if (!v)
		return -EINVAL;
	TRY(decode_mm(d, v, &t->mm));
	a = get_arr(d, o, "vmas", IMG_MAX_VMAS);
	if (!a)
		return -EINVAL;
	t->vmas = calloc(json_array_size(a) + 1, sizeof(*t->vmas));
	if (!t->vmas)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		/* Counted first, so that img_free() frees the name or path of a VMA that fails
		 * half-way through decoding. */
		t->nvmas = i + 1;
		TRY(decode_vma(d, v, &t->vmas[i]));
		if (i && t->vmas[i].start < t->vmas[i - 1].end)
			return bad(d, "vmas", "are not sorted and disjoint");
		/* A System V attachment split by mprotect(): a piece past the segment's start
		 * goes on right after the piece before it, of the same segment. */
		if (t->vmas[i].kind == VMA_SYSV && t->vmas[i].pgoff &&
		    !(i && t->vmas[i - 1].kind == VMA_SYSV &&
		      t->vmas[i - 1].shmem_id == t->vmas[i].shmem_id &&
		      t->vmas[i - 1].end == t->vmas[i].start &&
		      t->vmas[i - 1].pgoff + (t->vmas[i - 1].end - t->vmas[i - 1].start) ==
			  t->vmas[i].pgoff))
			return bad(d, "pgoff",
				   "of a System V segment does not go on from the "
				   "mapping before it");
	}
	TRY(get_int(d, o, "pages", 0, 1LL << 36, &n));
	t->pages = n;
	if (json_object_get(o, "parent_pages")) {
		TRY(get_int(d, o, "parent_pages", 0, 1LL << 36, &n));
		t->parent_pages = n;
	}
	if (json_object_get(o, "cow_pages")) {
		TRY(get_int(d, o, "cow_pages", 0, 1LL << 36, &n));
		t->cow_pages = n;
	}
	/* Saved pages lie inside the task's mappings: so the tables sized by these counts
	 * (pagemap-PID.img, pages-PID.sum) are bounded by what the image maps, not by whatever
	 * a file of the image claims. */
	{
		uint64_t mapped = 0;

		for (uint32_t k = 0; k < t->nvmas; k++)
			mapped += (t->vmas[k].end - t->vmas[k].start) / 4096;
		if (t->pages + t->parent_pages + t->cow_pages > mapped)
			return bad(d, "pages", "exceeds the pages the task maps");
	}
	TRY(get_int(d, o, "ctty", -1, INT_MAX, &n));
	t->ctty = n;
	TRY(get_sigqueue(d, o, "shared_pending", &t->shared_pending, &t->nshared_pending));
	a = get_arr(d, o, "posix_timers", IMG_MAX_TIMERS);
	if (!a)
		return -EINVAL;
	t->timers = calloc(json_array_size(a) + 1, sizeof(*t->timers));
	if (!t->timers)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		struct img_posix_timer *pt = &t->timers[i];
		json_int_t f[9];
		const char *sival;

		if (json_unpack(v, "[IIIIIsIIII]", &f[0], &f[1], &f[2], &f[3], &f[4], &sival, &f[5],
				&f[6], &f[7], &f[8]) ||
		    f[0] < 0 || f[0] > INT_MAX || f[1] < 0 || f[1] > 11 || f[2] < 0 || f[2] > 4 ||
		    f[2] == 3 || f[3] < 0 || f[3] > IMG_MAX_SIGNALS || f[4] < 0 || f[4] > INT_MAX || f[5] < 0 ||
		    f[6] < 0 || f[6] >= 1000000000 || f[7] < 0 || f[8] < 0 || f[8] >= 1000000000 ||
		    parse_hex(sival, &pt->sival))
			return bad(d, "posix_timers", "holds a bad timer");
		*pt = (struct img_posix_timer){.id = f[0], .clock = f[1], .notify = f[2],
					       .signo = f[3], .tid = f[4], .sival = pt->sival,
					       .value_sec = f[5], .value_nsec = f[6],
					       .interval_sec = f[7], .interval_nsec = f[8]};
		t->ntimers = i + 1;
	}
	a = get_arr(d, o, "fds", IMG_MAX_FDS);
	if (!a)
		return -EINVAL;
	t->fds = calloc(json_array_size(a) + 1, sizeof(*t->fds));
	if (!t->fds)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		int cloexec;
		json_int_t fd, file;
		json_t *locks, *l;
		size_t k;

		if (json_unpack(v, "{s:I,s:I,s:b,s:o}", "fd", &fd, "file", &file, "cloexec",
				&cloexec, "locks", &locks) ||
		    fd < 0 || fd > INT_MAX / 2 || file < 0 || file > UINT32_MAX ||
		    !json_is_array(locks) || json_array_size(locks) > 4096)
			return bad(d, "fds", "holds a bad descriptor");
		if (i && fd <= t->fds[i - 1].fd)
			return bad(d, "fds", "are not sorted and unique");
		t->fds[i] = (struct img_fd){.fd = fd, .file_id = file, .cloexec = cloexec};
		t->nfds = i + 1;
		t->fds[i].locks = calloc(json_array_size(locks) + 1, sizeof(struct img_lock));
		if (!t->fds[i].locks)
			return -ENOMEM;
		json_array_foreach(locks, k, l) {
			json_int_t kind, wr, start, len;

			if (json_unpack(l, "[IIII]", &kind, &wr, &start, &len) || kind < LOCK_POSIX ||
			    kind > LOCK_LEASE_BREAKING || wr < 0 || wr > 1 || start < 0 || len < 0)
				return bad(d, "locks", "holds a bad lock");
			t->fds[i].locks[k] = (struct img_lock){kind, wr, start, len};
			t->fds[i].nlocks = k + 1;
		}
	}
	a = get_arr(d, o, "threads", IMG_MAX_THREADS);
	if (!a || !json_array_size(a) != t->zombie)
		return bad(d, "threads", "is missing, or empty for a live task, or set for a zombie");
	if (t->zombie)
		return 0;
	t->threads = calloc(json_array_size(a), sizeof(*t->threads));
	if (!t->threads)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		t->nthreads = i + 1;
		TRY(decode_thread(d, v, &t->threads[i]));
	}
	if (t->threads[0].tid != t->pid)
		return bad(d, "threads", "do not begin with the thread-group leader");
	/* Restore creates each TID with clone3(set_tid): a TID twice cannot be restored. Across
	 * tasks, decode_root() checks. */
	for (uint32_t j = 1; j < t->nthreads; j++)
		for (uint32_t k = 0; k < j; k++)
			if (t->threads[j].tid == t->threads[k].tid)
				return bad(d, "threads", "hold a tid that appears twice");
	return 0;
}

/* The params and epoll arrays every file has, then what its kind reads (lib/files/). */
static int decode_file_extra(struct dec *d, json_t *o, struct img_file *f)
{
	const struct file_kind *k = file_kind_of(f->type);
	json_t *params, *items, *v;
	size_t i;

	d->where = "file";
	params = get_arr(d, o, "params", IMG_FILE_PARAMS);
	items = get_arr(d, o, "epoll", 65536);
	if (!params || !items)
		return -EINVAL;
	json_array_foreach(params, i, v) {
		if (!json_is_string(v) || parse_hex(json_string_value(v), &f->params[i]))
			return bad(d, "params", "holds a non-hex entry");
	}
	if (k->decode)
		TRY(k->decode(d, o, f));
	if (json_array_size(items) && !(k->flags & FILE_KIND_EPOLL))
		return bad(d, "epoll", "is set on a descriptor that is not an epoll instance");
	return 0;
}

static int decode_root(struct dec *d, json_t *root, struct img *img)
{
	json_t *a, *v, *fmt;
	char *kernel = NULL;
	long long n;
	size_t i;

	if (!json_is_object(root))
		return cryo_err(d->ctx, -EINVAL, "image metadata is not a JSON object");
	fmt = json_object_get(root, "format");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "cryo-image"))
		return cryo_err(d->ctx, -EINVAL, "image metadata: not a cryo image");
	TRY(get_int(d, root, "version", 0, INT_MAX, &n));
	if (n != IMG_VERSION)
		return cryo_err(d->ctx, -EPROTONOSUPPORT,
				"image metadata: version %lld, this cryo reads version %d", n,
				IMG_VERSION);
	img->version = n;
	TRY(get_str(d, root, "kernel", sizeof(img->kernel) - 1, &kernel));
	snprintf(img->kernel, sizeof(img->kernel), "%s", kernel);
	free(kernel);
	if (json_object_get(root, "vdso_hash")) {
		char *hex = NULL, *end;

		TRY(get_str(d, root, "vdso_hash", 16, &hex));
		img->vdso_hash = strtoull(hex, &end, 16);
		if (strlen(hex) != 16 || *end || !img->vdso_hash) {
			free(hex);
			return bad(d, "vdso_hash", "is not 16 hex digits");
		}
		free(hex);
	}
	if (json_object_get(root, "plugins")) {
		a = get_arr(d, root, "plugins", 64);
		if (!a)
			return -EINVAL;
		img->plugins = calloc(json_array_size(a) + 1, sizeof(*img->plugins));
		if (!img->plugins)
			return -ENOMEM;
		json_array_foreach(a, i, v) {
			const char *name = json_string_value(v);

			if (!name || !name[0] || strlen(name) > 64 ||
			    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(name))
				return bad(d, "plugins", "holds a bad plugin name");
			img->plugins[i] = strdup(name);
			if (!img->plugins[i])
				return -ENOMEM;
			img->nplugins = i + 1;
		}
	}
	TRY(get_int(d, root, "created", 0, LLONG_MAX, &n));
	img->created = n;
	TRY(get_int(d, root, "root", 1, INT_MAX, &n));
	img->root = n;
	if (json_object_get(root, "parent")) {
		TRY(get_str(d, root, "parent", PATH_MAX - 1, &img->parent));
		if (!img->parent[0])
			return bad(d, "parent", "is empty");
	}
	v = json_object_get(root, "pages");
	if (v)
		TRY(img_decode_pages(d->ctx, v, &img->page_codec, &img->page_streams));
	TRY(ns_image_decode(d, root, &img->ns));
	TRY(cgroup_image_decode(d, root, img->ns.own & CLONE_NEWCGROUP, &img->cgroups));

	a = get_arr(d, root, "shmems", IMG_MAX_FDS);
	if (!a)
		return -EINVAL;
	img->shmems = calloc(json_array_size(a) + 1, sizeof(*img->shmems));
	if (!img->shmems)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		struct img_shmem *m = &img->shmems[i];
		json_int_t id, kind, size, dev, ino;
		const char *name;

		if (json_unpack(v, "{s:I,s:I,s:I,s:s,s:I,s:I}", "id", &id, "kind", &kind, "size",
				&size, "name", &name, "dev", &dev, "ino", &ino) ||
		    id < 1 || id > UINT32_MAX || kind < SHM_ANON || kind > SHM_DELETED || size < 0 ||
		    size > (1LL << 46) || strlen(name) >= PATH_MAX ||
		    (kind == SHM_DELETED && name[0] != '/'))
			return cryo_err(d->ctx, -EINVAL, "image metadata: memory object %zu is "
					"malformed", i);
		img->nshmems = i + 1;
		*m = (struct img_shmem){.id = id, .kind = kind, .size = size, .dev = dev,
					.ino = ino, .name = strdup(name)};
		if (!m->name)
			return -ENOMEM;
		if (json_object_get(v, "seals")) {
			json_t *sv = json_object_get(v, "seals");

			/* F_SEAL_SEAL, SHRINK, GROW, WRITE, FUTURE_WRITE, EXEC: 0x3f */
			if (!json_is_integer(sv) || json_integer_value(sv) < 0 ||
			    json_integer_value(sv) > 0x3f || kind != SHM_MEMFD)
				return cryo_err(d->ctx, -EINVAL, "image metadata: memory object "
						"%u: bad seals", m->id);
			m->seals = json_integer_value(sv);
			m->has_seals = true;
		}
		if (json_object_get(v, "page_shift")) {
			json_t *pv = json_object_get(v, "page_shift");

			/* hugetlb: 2 MiB or 1 GiB pages (x86-64), and a whole number of them */
			if (!json_is_integer(pv) || (json_integer_value(pv) != 21 &&
						     json_integer_value(pv) != 30) ||
			    kind == SHM_DELETED || size % (1LL << json_integer_value(pv)))
				return cryo_err(d->ctx, -EINVAL, "image metadata: memory object "
						"%u: bad page_shift", m->id);
			m->page_shift = json_integer_value(pv);
		}
		if (json_object_get(v, "attrs")) {
			json_t *av = json_object_get(v, "attrs");
			json_int_t mode, uid, gid, mtime;

			if (!json_is_object(av) ||
			    json_unpack(av, "{s:I,s:I,s:I,s:I}", "mode", &mode, "uid", &uid, "gid",
					&gid, "mtime_ns", &mtime) ||
			    mode < 0 || mode > 07777 || uid < 0 || uid >= UINT32_MAX || gid < 0 ||
			    gid >= UINT32_MAX || kind == SHM_ANON)
				return cryo_err(d->ctx, -EINVAL, "image metadata: memory object "
						"%u: bad attrs", m->id);
			m->has_attrs = true;
			m->mode = mode;
			m->uid = uid;
			m->gid = gid;
			m->mtime_ns = mtime;
		}
		if (img_find_shmem(img, id) != m)
			return cryo_err(d->ctx, -EINVAL, "image metadata: memory object %u appears "
					"twice", m->id);
	}
	a = get_arr(d, root, "files", IMG_MAX_FDS);
	if (!a)
		return -EINVAL;
	img->files = calloc(json_array_size(a) + 1, sizeof(*img->files));
	if (!img->files)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		struct img_file *f = &img->files[i];
		json_int_t id, type, flags, pos, ino, shm;
		const char *path;

		if (json_unpack(v, "{s:I,s:I,s:s,s:I,s:I,s:I,s:I}", "id", &id, "type", &type,
				"path", &path, "flags", &flags, "pos", &pos, "pipe", &ino, "shmem",
				&shm) ||
		    id < 0 || id > UINT32_MAX || !file_kind_of(type) || flags < 0 ||
		    flags > UINT32_MAX || pos < 0 || ino < 0 || shm < 0 || shm > UINT32_MAX ||
		    strlen(path) >= PATH_MAX)
			return cryo_err(d->ctx, -EINVAL, "image metadata: file %zu is malformed", i);
		img->nfiles = i + 1;
		*f = (struct img_file){.id = id, .type = type, .flags = flags, .pos = pos,
				       .pipe_ino = ino, .shmem_id = shm, .path = strdup(path)};
		if (!f->path)
			return -ENOMEM;
		TRY(decode_file_extra(d, v, f));
		if (json_object_get(v, "external")) {
			if (!json_is_boolean(json_object_get(v, "external")))
				return cryo_err(d->ctx, -EINVAL,
						"image metadata: file %u: \"external\" is not a "
						"boolean", f->id);
			f->external = json_is_true(json_object_get(v, "external"));
		}
		if (json_object_get(v, "owner")) {
			json_int_t ot, op, os;

			if (json_unpack(json_object_get(v, "owner"), "[III!]", &ot, &op, &os) ||
			    ot < 0 || ot > 2 || op < 0 || op > INT_MAX || os < 0 ||
			    os > IMG_MAX_SIGNALS || (!op && !os))
				return cryo_err(d->ctx, -EINVAL,
						"image metadata: file %u: \"owner\" is not [type 0 … "
						"2, pid, signal 0 … 64], not both 0", f->id);
			f->own_type = ot;
			f->own_pid = op;
			f->own_sig = os;
		}
		if ((file_kind_of(f->type)->flags & FILE_KIND_BY_PATH) && f->path[0] != '/')
			return cryo_err(d->ctx, -EINVAL,
					"image metadata: file %u has a relative path", f->id);
		for (uint32_t j = 0; j < i; j++)
			if (img->files[j].id == f->id)
				return cryo_err(d->ctx, -EINVAL,
						"image metadata: file id %u appears twice", f->id);
	}
	a = get_arr(d, root, "pipes", IMG_MAX_FDS);
	if (!a)
		return -EINVAL;
	img->pipes = calloc(json_array_size(a) + 1, sizeof(*img->pipes));
	if (!img->pipes)
		return -ENOMEM;
	d->where = "pipe";
	json_array_foreach(a, i, v) {
		struct img_pipe *p = &img->pipes[i];
		json_int_t ino, size;

		if (json_unpack(v, "{s:I,s:I}", "ino", &ino, "size", &size) || ino < 0 ||
		    size < 4096 || size > (1 << 30))
			return cryo_err(d->ctx, -EINVAL, "image metadata: pipe %zu is malformed",
					i);
		img->npipes = i + 1;
		p->ino = ino;
		p->size = size;
		if (img_find_pipe(img, p->ino) != p)
			return cryo_err(d->ctx, -EINVAL, "image metadata: pipe %llu appears twice",
					(unsigned long long)p->ino);
		TRY(get_hexbytes(d, v, "data", IMG_MAX_PIPE_BUF, &p->data, &p->data_len));
		if (p->data_len > p->size)
			return cryo_err(d->ctx, -EINVAL,
					"image metadata: pipe %llu holds more than its size",
					(unsigned long long)p->ino);
	}
	for (i = 0; i < img->nfiles; i++)
		if (((file_kind_of(img->files[i].type)->flags & FILE_KIND_SHMEM) &&
		     !img_find_shmem(img, img->files[i].shmem_id)) ||
		    ((file_kind_of(img->files[i].type)->flags & FILE_KIND_PIPE) &&
		     !img_find_pipe(img, img->files[i].pipe_ino)))
			return cryo_err(d->ctx, -EINVAL,
					"image metadata: file %u refers to a missing pipe or "
					"memory object",
					img->files[i].id);

	a = get_arr(d, root, "tasks", IMG_MAX_TASKS);
	if (!a || !json_array_size(a))
		return cryo_err(d->ctx, -EINVAL, "image metadata: no tasks");
	img->tasks = calloc(json_array_size(a), sizeof(*img->tasks));
	if (!img->tasks)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		struct img_task *t = &img->tasks[i];
		char where[64];

		snprintf(where, sizeof(where), "task %zu", i);
		d->where = where;
		img->ntasks = i + 1;
		TRY(decode_task(d, v, t));
		/* A removed cwd is held by a ghost directory (lib/files/reg.c). */
		if (t->cwd_file) {
			const struct img_file *g = img_find_file(img, t->cwd_file);

			if (!g || g->type != FILE_REG || g->params[GHOST_P_IS] != 1)
				return bad(d, "cwd_file", "is not a removed directory of the image");
		}
		for (uint32_t j = 0; j < t->nfds; j++)
			if (!img_find_file(img, t->fds[j].file_id))
				return cryo_err(d->ctx, -EINVAL,
						"image metadata: fd %d of pid %d refers to a "
						"missing file",
						t->fds[j].fd, t->pid);
		for (uint32_t j = 0; j < t->nvmas; j++) {
			const struct img_vma *vm = &t->vmas[j];
			const struct img_file *pf;

			if (vm->kind == VMA_SHMEM && !img_find_shmem(img, vm->shmem_id))
				return cryo_err(d->ctx, -EINVAL,
						"image metadata: a mapping of pid %d refers to a "
						"missing memory object",
						t->pid);
			/* a ring's mapping covers exactly the socket's rings, as mmap() wants */
			pf = vm->kind == VMA_PACKET ? img_find_file(img, vm->shmem_id) : NULL;
			if (vm->kind == VMA_PACKET &&
			    (!pf || pf->type != FILE_PACKET ||
			     vm->end - vm->start !=
				     (uint64_t)pf->pkt_ring[0].block_size *
						     pf->pkt_ring[0].block_nr +
					     (uint64_t)pf->pkt_ring[1].block_size *
						     pf->pkt_ring[1].block_nr))
				return cryo_err(d->ctx, -EINVAL,
						"image metadata: a ring mapping of pid %d at %#llx "
						"is not the size of the rings of a packet socket "
						"of the image",
						t->pid, (unsigned long long)vm->start);
		}
		if (i == 0 && t->pid != img->root)
			return cryo_err(d->ctx, -EINVAL,
					"image metadata: the first task is not the root");
		/* A zombie has no threads, so the tid test below does not see its pid. */
		if (img_find_task(img, t->pid) != t)
			return cryo_err(d->ctx, -EINVAL, "image metadata: pid %d appears twice",
					t->pid);
		/* A parent comes before its children, which restore relies on. The task itself is
		 * already in img->ntasks, hence the explicit test for its own pid. */
		if (i > 0 && (t->ppid == t->pid || !img_find_task(img, t->ppid)))
			return cryo_err(d->ctx, -EINVAL,
					"image metadata: parent %d of pid %d is not before it",
					t->ppid, t->pid);
		/* A table shared with the parent: both alive, so that one of them holds it. */
		if (t->shares_files && (i == 0 || t->zombie || img_find_task(img, t->ppid)->zombie))
			return bad(d, "shares_files", "is set on the root, a zombie or a zombie's child");
		for (uint32_t j = 0; j < i; j++)
			for (uint32_t k = 0; k < img->tasks[j].nthreads; k++)
				for (uint32_t l = 0; l < t->nthreads; l++)
					if (img->tasks[j].threads[k].tid == t->threads[l].tid)
						return cryo_err(d->ctx, -EINVAL,
								"image metadata: tid %d appears "
								"twice",
								t->threads[l].tid);
	}
	TRY(nested_image_decode(d, root, img));
	TRY(mntns_image_decode(d, root, img));
	return cgroup_image_check_tasks(d, img);
}

int img_check_fits(struct cryo_ctx *ctx, const struct img *img, uint64_t avail)
{
	uint64_t pages = 0;

	for (uint32_t i = 0; i < img->ntasks; i++)
		pages += img->tasks[i].pages + img->tasks[i].parent_pages;
	if (pages > avail / 4096)
		return cryo_err(ctx, -ENOMEM,
				"the image holds %llu MiB of memory, more than this machine's %llu "
				"MiB of memory and swap",
				(unsigned long long)(pages >> 8),
				(unsigned long long)(avail >> 20));
	return 0;
}

int json_syntax_err(struct cryo_ctx *ctx, const char *file, const struct json_error_t *jerr)
{
	char what[sizeof(jerr->text)];
	char *near;

	/* jansson says "... near 'TEXT'": what it was reading is left out. */
	snprintf(what, sizeof(what), "%s", jerr->text);
	near = strstr(what, " near ");
	if (near)
		*near = '\0';
	return cryo_err(ctx, -EINVAL, "%s: not valid JSON at line %d, column %d (byte %d): %s",
			file, jerr->line, jerr->column, jerr->position, what);
}

int img_decode(struct cryo_ctx *ctx, const char *buf, size_t len, struct img *ret)
{
	struct dec d = {.ctx = ctx, .where = "image"};
	_cleanup_json_ json_t *root = NULL;
	struct img img = {0};
	json_error_t jerr;
	int r;

	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return json_syntax_err(ctx, IMG_META_NAME, &jerr);
	r = decode_root(&d, root, &img);
	if (r < 0) {
		img_free(&img);
		return r;
	}
	*ret = img;
	return 0;
}

int img_write_meta(struct cryo_ctx *ctx, int dirfd, const char *dir, const char *name,
		   const char *json)
{
	int r = write_file_atomic(dirfd, name, json, strlen(json));

	if (r < 0)
		return cryo_err(ctx, r, "write %s/%s", dir, name);
	if (fsync(dirfd) < 0)
		return cryo_err(ctx, -errno, "sync image directory %s", dir);
	return 0;
}

int img_decode_pages(struct cryo_ctx *ctx, json_t *v, uint8_t *ret_codec, uint16_t *ret_streams)
{
	const char *codec;
	enum codec c;
	int streams;

	if (json_unpack(v, "{s:s,s:i}", "codec", &codec, "streams", &streams) ||
	    codec_parse(codec, &c) < 0 || streams < 1 || streams > STREAM_MAX)
		return cryo_err(ctx, -EINVAL, "image metadata: \"pages\" is malformed");
	*ret_codec = c;
	*ret_streams = streams;
	return 0;
}

int img_load(struct cryo_ctx *ctx, int dirfd, const char *dir, struct img *ret)
{
	_cleanup_free_ char *buf = NULL;
	char path[PATH_MAX];
	ssize_t len;

	len = image_file_read(dirfd, IMG_META_NAME, IMG_META_MAX, &buf);
	if (len == -ENOENT && faccessat(dirfd, "predump.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return cryo_err(ctx, -EINVAL, "%s is a pre-dump: it holds memory only; restore the "
				"image of the dump made with --parent %s", dir, dir);
	snprintf(path, sizeof(path), "%s/%s", dir, IMG_META_NAME);
	if (len == -ENOENT)
		return cryo_err(ctx, len, "read %s (is %s a complete cryo image?)", path, dir);
	if (len < 0)
		return image_file_err(ctx, len, path);
	return img_decode(ctx, buf, len, ret);
}
