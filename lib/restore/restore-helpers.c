/* SPDX-License-Identifier: MIT */
/*
 * The helper processes of a restore that make sessions and process groups whose leaders are
 * gone, and put the root's orphans back in the sessions of other tasks (the plan is
 * restore-sess.c's, the tasks' own steps restore-task.c's). A helper takes the pid it needs
 * (clone3 set_tid), makes the session or group, forks the tasks that belong there and exits:
 * its orphans go to the nearest child subreaper above it, or the pid namespace's init, which
 * the plan made sure is the task they must be the children of.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/ctx.h"
#include "files/files.h"
#include "restore.h"

/*
 * The children of t made by a helper: one per gone session leader, with its pid, which makes
 * the session, forks them and exits. They come back to t, a child subreaper meanwhile.
 */
void restore_fork_by_helpers(struct cryo_ctx *ctx, const struct rst_shared *sh,
			     const struct img_task *t)
{
	const struct img *img = sh->img;
	bool any = false;

	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *c = &img->tasks[i], *z;
		bool first = true;
		int status;
		pid_t h;

		if (c->ppid != t->pid || sh->sess_how[i] != RST_SESS_HELPER)
			continue;
		/* Made already, with an earlier child of the same session? */
		for (uint32_t j = 0; j < i; j++)
			first &=
			    !(img->tasks[j].ppid == t->pid && sh->sess_how[j] == RST_SESS_HELPER &&
			      img->tasks[j].sid == c->sid);
		if (!first)
			continue;
		if (!any && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			restore_task_fail(ctx, sh, "pid %d: PR_SET_CHILD_SUBREAPER: %s", t->pid,
					  strerror(errno));
		any = true;
		/* The zombie that led the session, if it is one: it stays for t to reap. */
		z = NULL;
		for (uint32_t j = 0; j < img->ntasks; j++)
			if (img->tasks[j].pid == c->sid && sh->sess_how[j] == RST_SESS_ZOMBIE)
				z = &img->tasks[j];
		h = restore_clone_pid(ctx, c->sid, 0, z ? z->exit_signal : SIGCHLD);
		if (h < 0)
			restore_task_fail(ctx, sh, NULL);
		if (h == 0) {
			if (setsid() < 0)
				restore_task_fail(ctx, sh, "helper %d of session %d: setsid: %s",
						  c->sid, c->sid, strerror(errno));
			for (uint32_t j = i; j < img->ntasks; j++)
				if (img->tasks[j].ppid == t->pid &&
				    sh->sess_how[j] == RST_SESS_HELPER &&
				    img->tasks[j].sid == c->sid)
					restore_fork_one(ctx, sh, &img->tasks[j]);
			if (z) {
				restore_fork_adopted(ctx, sh, z);
				restore_become_zombie(z);
			}
			_exit(0);
		}
		/* Its children are t's once it has exited: a zombie is left for t to reap. */
		if (z) {
			siginfo_t si;

			if (waitid(P_PID, h, &si, WEXITED | WNOWAIT | __WALL) < 0)
				restore_task_fail(ctx, sh, "pid %d: wait for zombie %d: %s", t->pid,
						  h, strerror(errno));
			continue;
		}
		if (waitpid(h, &status, __WALL) != h || !WIFEXITED(status) || WEXITSTATUS(status))
			restore_task_fail(ctx, sh, "pid %d: the helper of session %d failed",
					  t->pid, c->sid);
	}
	/* Groups whose leader is gone: the helper makes the group in t's session. */
	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *c = &img->tasks[i];
		int status;
		pid_t h;

		if (c->ppid != t->pid || sh->sess_how[i] != RST_GROUP_HELPER)
			continue;
		if (!any && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			restore_task_fail(ctx, sh, "pid %d: PR_SET_CHILD_SUBREAPER: %s", t->pid,
					  strerror(errno));
		any = true;
		h = restore_clone_pid(ctx, c->pgid, 0, SIGCHLD);
		if (h < 0)
			restore_task_fail(ctx, sh, NULL);
		if (h == 0) {
			if (setpgid(0, 0) < 0)
				restore_task_fail(ctx, sh, "helper %d of group %d: setpgid: %s",
						  c->pgid, c->pgid, strerror(errno));
			restore_fork_one(ctx, sh, c);
			_exit(0);
		}
		if (waitpid(h, &status, __WALL) != h || !WIFEXITED(status) || WEXITSTATUS(status))
			restore_task_fail(ctx, sh, "pid %d: the helper of group %d failed", t->pid,
					  c->pgid);
	}
	if (any && !t->child_subreaper && prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0) < 0)
		restore_task_fail(ctx, sh, "pid %d: PR_SET_CHILD_SUBREAPER: %s", t->pid,
				  strerror(errno));
}

pid_t restore_max_pid(const struct img *img)
{
	pid_t max = 1;

	for (uint32_t i = 0; i < img->ntasks; i++) {
		if (img->tasks[i].pid > max)
			max = img->tasks[i].pid;
		for (uint32_t j = 0; j < img->tasks[i].nthreads; j++)
			if (img->tasks[i].threads[j].tid > max)
				max = img->tasks[i].threads[j].tid;
	}
	for (uint32_t i = 0; i < img->nfiles; i++)
		if (dead_proc_pid(&img->files[i]) > max)
			max = dead_proc_pid(&img->files[i]);
	return max;
}

/* A pid for a helper of an adopted orphan: above every pid the image makes, one per orphan
 * (the pid namespace is the tree's own: nothing else takes pids there meanwhile), and above
 * the tracer's (restore-ns.c: the first one after them). */
static pid_t adopter_pid(const struct img *img, const struct img_task *c)
{
	return restore_max_pid(img) + 1 + (pid_t)(c - img->tasks);
}

/*
 * The root's children in t's session, where t leads it (restore-sess.c, RST_SESS_ADOPTED): a
 * helper in t's session forks each and exits, and the orphan goes to the root (the init of the
 * pid namespace, or a child subreaper). t is no child subreaper yet (that comes last in
 * restore_task_run()), and none is between it and the root (the plan says).
 * The helper of a group whose leader is gone takes that leader's pid and makes the group.
 */
void restore_fork_adopted(struct cryo_ctx *ctx, const struct rst_shared *sh,
			  const struct img_task *t)
{
	const struct img *img = sh->img;

	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *c = &img->tasks[i];
		bool group = sh->sess_how[i] == RST_SESS_ADOPTED_GROUP;
		int status;
		pid_t h;

		if (c->sid != t->pid || c == t || (sh->sess_how[i] != RST_SESS_ADOPTED && !group))
			continue;
		/* Any pid will do on the host; in a new pid namespace one of the image's may
		 * not be taken yet, so the helper's is chosen above them. */
		if (group || sh->new_pidns || sh->pidns_init)
			h = restore_clone_pid(ctx, group ? c->pgid : adopter_pid(img, c), 0,
					      SIGCHLD);
		else
			h = fork();
		if (h < 0 && !group && !sh->new_pidns && !sh->pidns_init)
			restore_task_fail(ctx, sh, "pid %d: fork a helper: %s", t->pid,
					  strerror(errno));
		if (h < 0)
			restore_task_fail(ctx, sh, NULL);
		if (h == 0) {
			if (group && setpgid(0, 0) < 0)
				restore_task_fail(ctx, sh, "helper %d of group %d: setpgid: %s",
						  c->pgid, c->pgid, strerror(errno));
			restore_fork_one(ctx, sh, c);
			_exit(0);
		}
		if (waitpid(h, &status, __WALL) != h || !WIFEXITED(status) || WEXITSTATUS(status))
			restore_task_fail(
			    ctx, sh, "pid %d: the helper that forks pid %d for the root failed",
			    t->pid, c->pid);
	}
}
