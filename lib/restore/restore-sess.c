/* SPDX-License-Identifier: MIT */
/*
 * How the tree's sessions are made again. A process cannot join a session: it is born in its
 * parent's, or makes its own (setsid(2)). So each task must be forked while its parent is in
 * the right session:
 *   - a task of its own session (sid == pid) setsid()s first thing, except that the children
 *     that stayed in the session it was born in (zdtm's session01: a child forked before its
 *     parent's setsid()) are forked before it does, and that session is the one it must be
 *     born in in turn;
 *   - a task of a session whose leader is gone (an orphan of a session leader that exited,
 *     reparented to the root or a subreaper) is forked by a helper that takes the old leader's
 *     pid, setsid()s, forks it and exits: the orphan goes back to its parent, which is made a
 *     child subreaper meanwhile (CRIU's helpers do the same);
 *   - the root is born in the session (and group) of `cryo restore`: where the root led
 *     neither, that is the one it and the tasks of its session come back in, as with CRIU's
 *     --shell-job (a session can be neither joined nor made with another leader's id).
 *   - a child of the root in the session of another task L of the tree, where the root is the
 *     init of the tree's own pid namespace or a child subreaper (an orphan that went to it:
 *     zdtm's session00, zombie_leader, child_subreaper_and_reparent), is forked by a helper
 *     that L forks once it leads its session (before it dies, if it is a zombie, and before
 *     it becomes a child subreaper, if it is one): the helper exits and the orphan goes to
 *     the root again (adoptable() says when that holds);
 * Process groups whose leader is gone are made again by helpers the same way (plan_groups()).
 * The plan is checked against every task's saved session and group at dump and again at
 * restore (pids of dead leaders may have been taken since): a tree whose sessions or groups
 * cannot be made so is refused, naming the task, rather than restored in the wrong ones.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "base/ctx.h"
#include "restore.h"

#define LOG_PREFIX "sessions: "

static const struct img_task *task_of(const struct img *img, pid_t pid)
{
	for (uint32_t i = 0; i < img->ntasks; i++)
		if (img->tasks[i].pid == pid)
			return &img->tasks[i];
	return NULL;
}

/* Whether session sid is of a leader gone for good, whom a helper can stand in for. */
static bool dead_session(const struct img *img, pid_t sid, bool own_pidns)
{
	if (sid <= 0 || task_of(img, sid))
		return false;
	/* In a new pid namespace every pid the image does not use is free. */
	return own_pidns || (kill(sid, 0) < 0 && errno == ESRCH);
}

/* Whether session sid is led by a zombie child of p, which can make it before it dies. */
static bool zombie_session(const struct img *img, const struct img_task *p, pid_t sid)
{
	const struct img_task *z = task_of(img, sid);

	return z && z->zombie && z->sid == z->pid && z->ppid == p->pid;
}

/* Whether p's child c is made by a helper standing in for its session's leader: one gone, or
 * a zombie child of p (then the zombie itself, before it dies). */
static bool by_helper(const struct img *img, const struct img_task *p, const struct img_task *c,
		      bool own_pidns)
{
	return c->sid != c->pid && c->sid != p->sid && c->pid != img->root &&
	       (dead_session(img, c->sid, own_pidns) || zombie_session(img, p, c->sid));
}

/*
 * Whether c, the root's child, can be forked by a helper of the leader of its session, a task of
 * the tree, and end up the root's when that helper exits (ret_why says why not). The helper's
 * orphan goes to the nearest child subreaper above it (prctl(2), PR_SET_CHILD_SUBREAPER) or the
 * init: so no task between the leader and the root may be one, in the image or while it forks
 * helpers of its own (fork_by_helpers() makes it one meanwhile, check_adopted()). Its memory
 * and descriptor table cannot be the root's by fork either.
 */
static bool adoptable(const struct img *img, const struct img_task *c, const char **ret_why)
{
	const struct img_task *l = task_of(img, c->sid), *a;

	*ret_why = NULL;
	if (!l || l->sid != l->pid)
		return false;
	if (c->cow_pages || c->shares_files) {
		*ret_why = "it shares its memory or descriptor table with the root, which its "
			   "session's leader cannot give it";
		return false;
	}
	for (a = task_of(img, l->ppid); a && a->pid != img->tasks[0].pid; a = task_of(img, a->ppid))
		if (a->child_subreaper) {
			*ret_why = "a child subreaper stands between its session's leader and the "
				   "root";
			return false;
		}
	return true;
}

/* Whether orphans of the tree went to its root: the init of its own pid namespace, or a child
 * subreaper (which the root becomes again before it forks anything). */
static bool root_adopts(const struct img *img, bool own_pidns)
{
	return img->ntasks && ((own_pidns && img->tasks[0].pid == 1 && img->root == 1) ||
			       img->tasks[0].child_subreaper);
}

/* Whether c, p's child, is an orphan the root adopted from another task's session. */
static bool adopted(const struct img *img, bool adopts, const struct img_task *p,
		    const struct img_task *c)
{
	return adopts && p == &img->tasks[0] && c->pid != img->root && c->sid != c->pid &&
	       c->sid != p->sid && task_of(img, c->sid);
}

/*
 * The session each task must be born in, 0 if any will do (see the top of the file), into
 * ret[i] for img->tasks[i]: from the last task up, since children come after their parents.
 */
static void plan_needs(const struct img *img, bool own_pidns, pid_t *ret)
{
	for (uint32_t n = img->ntasks; n-- > 0;) {
		const struct img_task *c = &img->tasks[n];

		ret[n] = c->sid != c->pid ? c->sid : 0;
		for (uint32_t i = n + 1; i < img->ntasks && c->sid == c->pid && !ret[n]; i++) {
			const struct img_task *k = &img->tasks[i];

			if (k->ppid != c->pid || k->pid == img->root ||
			    by_helper(img, c, k, own_pidns) ||
			    adopted(img, root_adopts(img, own_pidns), c, k))
				continue;
			if (ret[i] && ret[i] != c->pid)
				ret[n] = ret[i];
		}
	}
}

/*
 * Process groups, once sessions are planned. A task leads its group, or joins one led by a task
 * of the tree (join_group() in restore-task.c), or stays in the root's when that was led from
 * outside. A group whose leader is gone is made again the way a session is: by a helper with
 * the leader's pid, forked by the first member's parent once that parent is in the member's
 * session, which makes the group, forks the member and exits; the other members join it.
 * A session helper's children are in its group already.
 */
static int plan_groups(struct cryo_ctx *ctx, const struct img *img, bool own_pidns,
		       const pid_t *born, uint8_t *how)
{
	const struct img_task *root = &img->tasks[0];

	for (uint32_t j = 0; j < img->ntasks; j++) {
		const struct img_task *c = &img->tasks[j];
		pid_t x = c->pgid;
		bool made = false;

		if (x == c->pid || task_of(img, x) ||
		    (x == root->pgid && root->pgid != root->pid) ||
		    (how[j] == RST_SESS_HELPER && x == c->sid))
			continue;
		/* Made by a group helper, or by a session helper (its setsid() made both). */
		for (uint32_t k = 0; k < img->ntasks; k++)
			made |= (k < j &&
				 (how[k] == RST_GROUP_HELPER || how[k] == RST_SESS_ADOPTED_GROUP) &&
				 img->tasks[k].pgid == x) ||
				(how[k] == RST_SESS_HELPER && img->tasks[k].sid == x);
		if (made)
			continue;
		/* An adopted orphan's helper takes the gone group leader's pid and makes it. */
		if (how[j] == RST_SESS_ADOPTED && dead_session(img, x, own_pidns)) {
			how[j] = RST_SESS_ADOPTED_GROUP;
			continue;
		}
		if (j > 0 && how[j] == RST_SESS_LATE && born[j] == c->sid &&
		    dead_session(img, x, own_pidns)) {
			how[j] = RST_GROUP_HELPER;
			continue;
		}
		return cryo_err(ctx, -EOPNOTSUPP,
				"pid %d is in process group %d, whose leader is gone%s, which "
				"cryo cannot make again for it",
				c->pid, x,
				dead_session(img, x, own_pidns) ? "" : " and whose pid is taken");
	}
	return 0;
}

/*
 * An adopted orphan's helper exits while the tasks above its session's leader may be forking
 * helpers of their own, child subreapers meanwhile: the orphan would go to one of them.
 */
static int check_adopted(struct cryo_ctx *ctx, const struct img *img, const uint8_t *how)
{
	for (uint32_t j = 0; j < img->ntasks; j++) {
		const struct img_task *c = &img->tasks[j], *a;

		if (how[j] != RST_SESS_ADOPTED && how[j] != RST_SESS_ADOPTED_GROUP)
			continue;
		for (a = task_of(img, task_of(img, c->sid)->ppid); a && a != &img->tasks[0];
		     a = task_of(img, a->ppid))
			for (uint32_t k = 0; k < img->ntasks; k++)
				if (img->tasks[k].ppid == a->pid &&
				    (how[k] == RST_SESS_HELPER || how[k] == RST_GROUP_HELPER))
					return cryo_err(
					    ctx, -EOPNOTSUPP,
					    "pid %d, an orphan of the root in session %d: pid %d, "
					    "above that session's leader, forks helpers of its own "
					    "meanwhile, so cryo cannot make it again",
					    c->pid, c->sid, a->pid);
	}
	return 0;
}

int restore_sessions_plan(struct cryo_ctx *ctx, const struct img *img, bool own_pidns,
			  uint8_t **ret_how)
{
	/* The root is the init of the tree's own pid namespace, where orphans went. */
	bool init_root = own_pidns && img->ntasks && img->tasks[0].pid == 1 && img->root == 1;
	bool adopts = root_adopts(img, own_pidns);
	uint8_t *how = calloc(img->ntasks + 1, 1);
	pid_t *born = calloc(img->ntasks + 1, sizeof(*born));
	pid_t *needs = calloc(img->ntasks + 1, sizeof(*needs));
	int r = 0;

	if (!how || !born || !needs) {
		free(how);
		free(born);
		free(needs);
		return -ENOMEM;
	}
	plan_needs(img, own_pidns, needs);
	/* The root's: the session it had (or its children born before its setsid() had), which
	 * is cryo's after restore, standing for it. The init of the tree's own pid namespace is
	 * born in cryo's, which is none of the namespace's (0 there). */
	born[0] = init_root ? 0 : needs[0];
	/* A session of the tree's own is none that cryo's can stand for. */
	if (!init_root && needs[0] && task_of(img, needs[0]))
		born[0] = img->tasks[0].sid;
	for (uint32_t i = 0; i < img->ntasks && r >= 0; i++) {
		const struct img_task *p = &img->tasks[i];
		pid_t got = p->sid == p->pid ? p->pid : born[i];

		if (got != p->sid)
			r = cryo_err(
			    ctx, -EOPNOTSUPP,
			    "pid %d is in session %d, which cryo cannot make again for it: "
			    "it would be born in session %d%s",
			    p->pid, p->sid, got,
			    !task_of(img, p->sid) && !own_pidns && kill(p->sid, 0) == 0
				? " (a process outside the tree leads its session, or has "
				  "the pid of its gone leader)"
				: "");
		for (uint32_t j = i + 1; j < img->ntasks && r >= 0; j++) {
			const struct img_task *c = &img->tasks[j];
			pid_t b;

			if (c->ppid != p->pid || c->pid == img->root)
				continue;
			if (by_helper(img, p, c, own_pidns)) {
				/* Only a session's leader takes its terminal again. */
				if (c->ctty >= 0) {
					r = cryo_err(
					    ctx, -EOPNOTSUPP,
					    "pid %d: its session %d, whose leader is gone, "
					    "has a controlling terminal, which cryo cannot "
					    "give it again",
					    c->pid, c->sid);
					break;
				}
				how[j] = RST_SESS_HELPER;
				born[j] = c->sid;
				if (zombie_session(img, p, c->sid))
					how[task_of(img, c->sid) - img->tasks] = RST_SESS_ZOMBIE;
				continue;
			}
			if (how[j] == RST_SESS_ZOMBIE)
				continue;
			if (adopted(img, adopts, p, c)) {
				const char *why;

				if (adoptable(img, c, &why)) {
					how[j] = RST_SESS_ADOPTED;
					born[j] = c->sid;
					continue;
				}
				if (why) {
					r = cryo_err(ctx, -EOPNOTSUPP,
						     "pid %d, an orphan of the root in session %d: "
						     "%s, so cryo cannot make it again",
						     c->pid, c->sid, why);
					break;
				}
			}
			b = needs[j];
			if (p->sid == p->pid && b && b != p->pid) {
				how[j] = RST_SESS_EARLY;
				born[j] = born[i];
			} else {
				born[j] = p->sid == p->pid ? p->pid : born[i];
			}
		}
	}
	if (r >= 0)
		r = plan_groups(ctx, img, own_pidns, born, how);
	if (r >= 0)
		r = check_adopted(ctx, img, how);
	free(born);
	free(needs);
	if (r < 0 || !ret_how) {
		free(how);
		return r;
	}
	*ret_how = how;
	return 0;
}
