/* SPDX-License-Identifier: MIT */
/* cryo_image_describe(): what `cryo show` prints, as text or as JSON. */
#include <errno.h>
#include <unistd.h>
#include <limits.h>
#include <sched.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "cgroup/cgroup-image.h"
#include "chain.h"
#include "files/files.h"
#include "image.h"
#include "ns/mnt.h"
#include "image-dir.h"
#include "net/netns.h"
#include "ns/ipc.h"
#include "pagemap.h"
#include "tar.h"
#include "base/fileio.h"
#include "plugin/plugin.h"
#include "storage/s3-chain.h"
#include "storage/s3-image.h"
#include "storage/s3.h"

static const char *kind_name(uint32_t kind)
{
	static const char *const names[] = {"anon", "file",  "vdso", "vsyscall",
					    "shmem", "sysv", "aio", "ring"};

	return kind < ARRAY_SIZE(names) ? names[kind] : "?";
}

static const char *file_type_name(uint32_t type)
{
	const struct file_kind *k = file_kind_of(type);

	return k ? k->name : "?";
}

/* What follows the kind's name: the path, unless the kind says more. */
static const char *file_detail(const struct img_file *f)
{
	const struct file_kind *k = file_kind_of(f->type);

	return k && k->describe ? k->describe(f) : f->path;
}

static void prot_str(uint32_t prot, bool shared, char out[5])
{
	out[0] = prot & PROT_READ ? 'r' : '-';
	out[1] = prot & PROT_WRITE ? 'w' : '-';
	out[2] = prot & PROT_EXEC ? 'x' : '-';
	out[3] = shared ? 's' : 'p';
	out[4] = '\0';
}

/* What each plugin that holds state in the image keeps there, in its own words. */
static json_t *plugins_json(const struct img *img, int dirfd)
{
	json_t *arr = json_array();

	for (unsigned i = 0; arr && i < img->nplugins; i++) {
		char buf[8192];
		int r = plugin_describe(img->plugins[i], dirfd, buf, sizeof(buf));

		json_array_append_new(arr, json_pack("{s:s,s:b,s:s}", "name", img->plugins[i],
						     "loaded", r != -ENOENT, "state",
						     r == -ENOENT ? "" : buf));
	}
	return arr;
}

static void plugins_text(const struct img *img, int dirfd, FILE *out)
{
	for (unsigned i = 0; i < img->nplugins; i++) {
		char buf[8192];
		int r = plugin_describe(img->plugins[i], dirfd, buf, sizeof(buf));

		if (r == -ENOENT)
			fprintf(out, "plugin %s: holds state here (not loaded: cannot say what)\n",
				img->plugins[i]);
		else if (r < 0)
			fprintf(out, "plugin %s: its state is damaged: %s\n", img->plugins[i], buf);
		else
			fprintf(out, "plugin %s: %s%s", img->plugins[i],
				buf[0] ? buf : "holds state here",
				buf[0] && buf[strlen(buf) - 1] == '\n' ? "" : "\n");
	}
}

static json_t *describe_json(const struct img *img)
{
	json_t *root = json_pack("{s:I,s:s,s:I,s:I}", "version", (json_int_t)img->version,
				 "kernel", img->kernel, "created", (json_int_t)img->created,
				 "root", (json_int_t)img->root);
	json_t *tasks = json_array(), *files = json_array();

	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *t = &img->tasks[i];
		json_t *threads = json_array(), *vmas = json_array(), *fds = json_array();

		for (uint32_t j = 0; j < t->nthreads; j++)
			json_array_append_new(threads, json_integer(t->threads[j].tid));
		for (uint32_t j = 0; j < t->nvmas; j++) {
			const struct img_vma *v = &t->vmas[j];
			char prot[5];

			prot_str(v->prot, v->shared, prot);
			json_array_append_new(
				vmas, json_pack("{s:I,s:I,s:I,s:s,s:s,s:s}", "start",
						(json_int_t)v->start, "end", (json_int_t)v->end,
						"size", (json_int_t)(v->end - v->start), "prot", prot,
						"kind", kind_name(v->kind), "name",
						v->path ? v->path : v->name ? v->name : ""));
		}
		for (uint32_t j = 0; j < t->nfds; j++)
			json_array_append_new(
				fds, json_pack("{s:i,s:I,s:b,s:b,s:s}", "fd", t->fds[j].fd, "file",
					       (json_int_t)t->fds[j].file_id, "cloexec",
					       t->fds[j].cloexec, "external",
					       img_find_file(img, t->fds[j].file_id)->external,
					       "key", img_find_file(img, t->fds[j].file_id)->path));
		json_array_append_new(
			tasks, json_pack("{s:i,s:i,s:i,s:i,s:s,s:s,s:s,s:I,s:I,s:I,s:o,s:o,s:o}",
					 "pid", t->pid, "ppid", t->ppid, "pgid", t->pgid, "sid",
					 t->sid, "comm", t->comm, "exe", t->mm.exe, "cwd", t->cwd,
					 "uid", (json_int_t)t->uid[0], "pages", (json_int_t)t->pages,
					 "memory_bytes", (json_int_t)(t->pages * PAGE_SZ), "threads",
					 threads, "vmas", vmas, "fds", fds));
		json_object_set_new(json_array_get(tasks, i), "parent_pages",
				    json_integer(t->parent_pages));
		json_object_set_new(json_array_get(tasks, i), "cow_pages",
				    json_integer(t->cow_pages));
		if (img->cgroups.nsets && !t->zombie) {
			json_t *cgs = json_object();

			for (uint32_t j = 0; cgs && j < t->nthreads; j++) {
				char tid[16];

				snprintf(tid, sizeof(tid), "%d", t->threads[j].tid);
				json_object_set_new(cgs, tid, cgroup_image_set_json(
								      &img->cgroups,
								      t->threads[j].cgroup_set));
			}
			json_object_set_new(json_array_get(tasks, i), "cgroups", cgs);
		}
	}
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i];

		json_array_append_new(files, json_pack("{s:I,s:s,s:s,s:I,s:I}", "id",
						       (json_int_t)f->id, "type",
						       file_type_name(f->type), "path", f->path,
						       "flags", (json_int_t)f->flags, "pos",
						       (json_int_t)f->pos));
	}
	json_object_set_new(root, "tasks", tasks);
	json_object_set_new(root, "files", files);
	if (img->parent)
		json_object_set_new(root, "parent", json_string(img->parent));
	if (img->ns.ntmpfs) {
		json_t *t = json_array();

		for (uint32_t i = 0; i < img->ns.ntmpfs; i++)
			json_array_append_new(t, json_pack("{s:s,s:s,s:b}", "point",
							   img->ns.tmpfs[i].point, "options",
							   img->ns.tmpfs[i].options, "readonly",
							   !!(img->ns.tmpfs[i].flags & MS_RDONLY)));
		json_object_set_new(root, "tmpfs", t);
	}
	if (img->ns.nmounts) {
		json_t *t = json_array();

		/* Its whole mount namespace (lib/ns/mnt.h): what a restore makes, and the names
		 * --external mnt[KEY]:PATH takes. */
		for (uint32_t i = 0; i < img->ns.nmounts; i++) {
			const struct img_mount *m = &img->ns.mounts[i];
			json_t *e = json_pack("{s:s,s:s,s:s}", "point", m->point, "kind",
					      mnt_kind_name(m->kind), "fstype", m->fstype);

			if (m->source)
				json_object_set_new(e, "source", json_string(m->source));
			if (m->key)
				json_object_set_new(e, "key", json_string(m->key));
			json_array_append_new(t, e);
		}
		json_object_set_new(root, "mounts", t);
	}
	if (img->ns.net)
		json_object_set_new(root, "net_devices", netns_image_describe_json(img->ns.net));
	if (img->cgroups.nsets && img->cgroups.ns_set >= 0)
		json_object_set_new(root, "cgroup_ns_roots",
				    cgroup_image_set_json(&img->cgroups, img->cgroups.ns_set));
	return root;
}

static int describe_text(const struct img *img, FILE *out)
{
	fprintf(out, "cryo image v%u, kernel %s, root pid %d, %u task(s)\n", img->version,
		img->kernel, img->root, img->ntasks);
	if (img->parent)
		fprintf(out, "incremental: pages not saved here are in %s\n", img->parent);
	if (img->cgroups.nsets && img->cgroups.ns_set >= 0) {
		fprintf(out, "cgroup namespace of its own, rooted at: ");
		cgroup_image_describe_set(&img->cgroups, img->cgroups.ns_set, out);
		fputc('\n', out);
	}
	netns_image_describe(img->ns.net, out);
	for (uint32_t i = 0; i < img->ns.ntmpfs; i++)
		fprintf(out, "tmpfs at %s (%s%s), contents in tmpfs-%u.tar\n", img->ns.tmpfs[i].point,
			img->ns.tmpfs[i].flags & MS_RDONLY ? "ro," : "", img->ns.tmpfs[i].options,
			i + 1);
	for (uint32_t i = 0; i < img->ns.nmounts; i++) {
		const struct img_mount *m = &img->ns.mounts[i];

		if (m->kind == MNT_EXTERNAL)
			fprintf(out, "mount at %s: a bind of our %s (%s), external mount \"%s\"\n",
				m->point, m->source, m->fstype, m->key);
		else if (m->kind == MNT_BIND)
			fprintf(out, "mount at %s: a bind of %s of the mount at %s\n", m->point,
				m->source, img->ns.mounts[m->of - 1].point);
		else
			fprintf(out, "mount at %s: %s (%s)%s\n", m->point, m->fstype, m->options,
				m->kind == MNT_TMPFS ? ", contents saved" : "");
	}
	for (uint32_t i = 0; i < img->ns.nnested; i++) {
		const struct img_nested_ns *n = &img->ns.nested[i];

		fprintf(out, "%s namespace of pid",
			n->kind == CLONE_NEWUTS ? "uts" : n->kind == CLONE_NEWNET ? "net" : "ipc");
		for (uint32_t k = 0; k < n->npids; k++)
			fprintf(out, " %d", n->pids[k]);
		if (n->kind == CLONE_NEWNET) {
			fprintf(out, ", not the root's (number %u): ", i + 1);
			netns_image_describe(n->net, out);
		} else if (n->kind == CLONE_NEWUTS)
			fprintf(out, ", not the root's: hostname %s\n", n->hostname);
		else
			fprintf(out, ", not the root's: %u segments, %u semaphore sets, %u queues\n",
				n->ipc->nshms, n->ipc->nsems, n->ipc->nmsqs);
	}
	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *t = &img->tasks[i];

		fprintf(out, "\ntask %d (%s) ppid %d pgid %d sid %d uid %u\n", t->pid, t->comm,
			t->ppid, t->pgid, t->sid, t->uid[0]);
		fprintf(out, "  exe %s\n  cwd %s\n", t->mm.exe, t->cwd);
		fprintf(out, "  threads:");
		for (uint32_t j = 0; j < t->nthreads; j++)
			fprintf(out, " %d", t->threads[j].tid);
		if (img->cgroups.nsets && t->nthreads) {
			fprintf(out, "\n  cgroups: ");
			cgroup_image_describe_set(&img->cgroups, t->threads[0].cgroup_set, out);
			for (uint32_t j = 1; j < t->nthreads; j++)
				if (t->threads[j].cgroup_set != t->threads[0].cgroup_set) {
					fprintf(out, "\n  cgroups of thread %d: ", t->threads[j].tid);
					cgroup_image_describe_set(&img->cgroups,
								  t->threads[j].cgroup_set, out);
				}
		}
		fprintf(out, "\n  memory: %u mappings, %llu pages saved (%.1f MiB)", t->nvmas,
			(unsigned long long)t->pages, t->pages * PAGE_SZ / 1048576.0);
		if (t->parent_pages)
			fprintf(out, ", %llu in the parent (%.1f MiB)",
				(unsigned long long)t->parent_pages,
				t->parent_pages * PAGE_SZ / 1048576.0);
		if (t->cow_pages)
			fprintf(out, ", %llu shared with its parent task (%.1f MiB)",
				(unsigned long long)t->cow_pages, t->cow_pages * PAGE_SZ / 1048576.0);
		fputc('\n', out);
		for (uint32_t j = 0; j < t->nvmas; j++) {
			const struct img_vma *v = &t->vmas[j];
			char prot[5];

			prot_str(v->prot, v->shared, prot);
			fprintf(out, "    %012llx-%012llx %s %8llu KiB %-5s %s\n",
				(unsigned long long)v->start, (unsigned long long)v->end, prot,
				(unsigned long long)(v->end - v->start) / 1024, kind_name(v->kind),
				v->path ? v->path : v->name ? v->name : "");
		}
		fprintf(out, "  descriptors:\n");
		for (uint32_t j = 0; j < t->nfds; j++) {
			const struct img_file *f = img_find_file(img, t->fds[j].file_id);

			fprintf(out, "    %3d  %-4s %s%s%s\n", t->fds[j].fd, file_type_name(f->type),
				file_detail(f), t->fds[j].cloexec ? " (cloexec)" : "",
				f->external ? " (external: its other end was outside the tree; "
					      "--inherit-fd connects it)"
					    : "");
		}
	}
	return 0;
}

static bool is_predump(int dirfd)
{
	return faccessat(dirfd, IMG_META_NAME, F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
	       faccessat(dirfd, PREDUMP_META_NAME, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* A pre-dump: page data only, and what it builds on. */
static int describe_predump(struct cryo_ctx *ctx, int dirfd, const char *dir, bool json,
			    char **ret_text)
{
	struct predump p = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	r = predump_load(ctx, dirfd, dir, &p);
	if (r < 0)
		return r;
	if (json) {
		r = predump_encode(ctx, &p, &text);
	} else if ((f = open_memstream(&text, &len))) {
		fprintf(f, "cryo pre-dump (memory only: restore the dump made with --parent), "
			"%u task(s)\n", p.ntasks);
		if (p.parent)
			fprintf(f, "builds on %s\n", p.parent);
		if (p.tracker_pid)
			fprintf(f, "tracker: pid %d (cryo-track); a dump builds on this pre-dump "
				"only while it runs\n", p.tracker_pid);
		for (uint32_t i = 0; i < p.ntasks; i++)
			fprintf(f, "  pid %d: %llu pages saved (%.1f MiB), %llu in the parent\n",
				p.tasks[i].pid, (unsigned long long)p.tasks[i].pages,
				p.tasks[i].pages * PAGE_SZ / 1048576.0,
				(unsigned long long)p.tasks[i].parent_pages);
		fclose(f);
	}
	predump_free(&p);
	if (r >= 0 && !text)
		r = -ENOMEM;
	if (r >= 0)
		*ret_text = text;
	return r;
}

CRYO_API int cryo_image_describe(struct cryo_ctx *ctx, const char *dir, bool json,
				 char **ret_text)
{
	return cryo_image_describe_s3(ctx, dir, NULL, json, ret_text);
}

CRYO_API int cryo_image_describe_s3(struct cryo_ctx *ctx, const char *dir,
				    const struct cryo_s3_config *s3, bool json, char **ret_text)
{
	struct img img = {0};
	_cleanup_free_ char *scratch = NULL;
	_cleanup_close_ int dirfd = -1, scratch_fd = -1;
	char *text = NULL;
	size_t len = 0;
	int r, plug_fd;

	ctx->errmsg[0] = '\0';
	/*
	 * An image in object storage is described from what a lazy restore reads before the tree
	 * runs: its metadata object, its index and the span of stream-0 that holds the image's
	 * files (one ranged GET), into a scratch directory; no page is fetched. Each stream
	 * object is looked up too, so that a damaged image is not shown as a sound one.
	 */
	if (s3_is_url(dir)) {
		struct cryo_restore_opts o = {.size = sizeof(o), .dir = dir, .lazy = true, .s3 = s3};
		const struct s3_lazy_want want = {.chain = true};
		struct s3_lazy *l;

		/* A link of a chain (s3-chain.h): its objects but its pages, into scratch (asked
		 * in the same round as the image's metadata). */
		r = s3_lazy_open(ctx, &o, &want, &l);
		if (r < 0)
			return r;
		if (r > 0) {
			_cleanup_free_ char *local = NULL;
			bool predump;

			r = scratch_dir_create("s3-chain", &scratch);
			if (r < 0)
				return r;
			r = s3_chain_fetch(ctx, dir, s3, scratch, false, 0, &local, &predump);
			if (r >= 0)
				r = cryo_image_describe(ctx, local, json, ret_text);
			scratch_dir_remove(scratch);
			return r;
		}
		r = cryo_image_describe(ctx, s3_lazy_dir(l), json, ret_text);
		s3_lazy_free(l);
		return r;
	}
	/* Trusted: showing an image runs nothing of it, and its members are still never read
	 * through a link nor past their bounds. */
	r = image_dir_open_read(ctx, dir, true, &dirfd);
	if (r < 0)
		return r;
	r = tar_image_unpack(ctx, dirfd, dir, &scratch);
	if (r < 0)
		return r;
	if (!scratch && is_predump(dirfd))
		return describe_predump(ctx, dirfd, dir, json, ret_text);
	if (scratch) {
		scratch_fd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = scratch_fd < 0 ? cryo_err(ctx, -errno, "open %s", scratch)
				   : img_load(ctx, scratch_fd, dir, &img);
	} else {
		r = img_load(ctx, dirfd, dir, &img);
	}
	/* Plugins read their own files, from the unpacked copy of a tar image. */
	plug_fd = scratch ? scratch_fd : dirfd;
	if (r < 0) {
		if (scratch)
			scratch_dir_remove(scratch);
		return r;
	}
	if (json) {
		json_t *j = describe_json(&img);

		if (j && img.nplugins)
			json_object_set_new(j, "plugins", plugins_json(&img, plug_fd));

		text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(j);
	} else {
		FILE *f = open_memstream(&text, &len);

		if (f) {
			describe_text(&img, f);
			if (img.nplugins)
				fputc('\n', f);
			plugins_text(&img, plug_fd, f);
			fclose(f);
		}
	}
	img_free(&img);
	if (scratch)
		scratch_dir_remove(scratch);
	if (!text)
		return cryo_err(ctx, -ENOMEM, "describe image %s", dir);
	*ret_text = text;
	return 0;
}
