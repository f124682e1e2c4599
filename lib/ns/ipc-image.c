/* SPDX-License-Identifier: MIT */
/* namespaces.ipc of cryo.json (docs/image-format.md): struct img_ipc, for ns-image.c. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "image/json-codec.h"
#include "ipc.h"

/* The kernel's bounds (ipc/ipc_sysctl.c, ipc/mq_sysctl.c): IPCMNI with ipcmni_extend is 2^24,
 * HARD_MSGMAX 65536, HARD_MSGSIZEMAX 16 MiB. */
#define IPCMNI_MAX (1 << 24)
const struct ipc_sysctl_def ipc_sysctls[IPC_NSYSCTL_DEFS] = {
    {"kernel.shmmax", 0, 1, true, 0, 0},
    {"kernel.shmall", 1, 1, true, 0, 0},
    {"kernel.shmmni", 2, 1, false, 0, IPCMNI_MAX},
    {"kernel.shm_rmid_forced", 3, 1, false, 0, 1},
    {"kernel.msgmax", 4, 1, false, 0, INT_MAX},
    {"kernel.msgmnb", 5, 1, false, 0, INT_MAX},
    {"kernel.msgmni", 6, 1, false, 0, IPCMNI_MAX},
    {"kernel.auto_msgmni", 7, 1, false, 0, 1},
    {"kernel.sem", 8, 4, false, 0, INT_MAX}, /* semmsl semmns semopm semmni */
    {"kernel.shm_next_id", 12, 1, false, -1, INT_MAX},
    {"kernel.msg_next_id", 13, 1, false, -1, INT_MAX},
    {"kernel.sem_next_id", 14, 1, false, -1, INT_MAX},
    {"fs.mqueue.queues_max", 15, 1, false, 0, INT_MAX},
    {"fs.mqueue.msg_max", 16, 1, false, 1, 65536},
    {"fs.mqueue.msgsize_max", 17, 1, false, 128, 16 << 20},
    {"fs.mqueue.msg_default", 18, 1, false, 1, 65536},
    {"fs.mqueue.msgsize_default", 19, 1, false, 128, 16 << 20},
};

#define IPC_MAX_OBJECTS 65536
#define IPC_MAX_SEMS	65536
#define IPC_SEMVMX	32767
#define IPC_MAX_MSGS	(1 << 20)
#define IPC_MAX_MSG	(64u << 20)
#define IPC_MAX_SHM	(1ULL << 46)

void ipc_image_free(struct img_ipc *ipc)
{
	if (!ipc)
		return;
	for (uint32_t i = 0; i < ipc->nsems; i++)
		free(ipc->sems[i].values);
	for (uint32_t i = 0; i < ipc->nmsqs; i++) {
		for (uint32_t k = 0; k < ipc->msqs[i].nmsgs; k++)
			free(ipc->msqs[i].msgs[k].body);
		free(ipc->msqs[i].msgs);
	}
	free(ipc->shms);
	free(ipc->sems);
	free(ipc->msqs);
	free(ipc);
}

/* ---- encode ---- */

static json_t *perm_obj(const struct img_ipc_perm *p)
{
	json_t *o = json_object();
	int r = 0;

	if (!o)
		return NULL;
	r |= set(o, "id", json_integer(p->id));
	r |= set(o, "key", json_integer(p->key));
	r |= set(o, "uid", json_integer(p->uid));
	r |= set(o, "gid", json_integer(p->gid));
	r |= set(o, "cuid", json_integer(p->cuid));
	r |= set(o, "cgid", json_integer(p->cgid));
	r |= set(o, "mode", json_integer(p->mode));
	if (r) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *sysctl_obj(const struct img_ipc *ipc)
{
	json_t *o = json_object();
	int r = 0;

	for (unsigned i = 0; o && i < IPC_NSYSCTL_DEFS; i++) {
		const struct ipc_sysctl_def *s = &ipc_sysctls[i];
		json_t *v;

		if (s->u64) {
			v = u64_hex((uint64_t)ipc->sysctl[s->at]);
		} else if (s->count > 1) {
			v = json_array();
			for (unsigned k = 0; v && k < s->count; k++)
				r |= add(v, json_integer(ipc->sysctl[s->at + k]));
		} else {
			v = json_integer(ipc->sysctl[s->at]);
		}
		r |= set(o, s->name, v);
	}
	if (r) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int ipc_image_encode(const struct img_ipc *ipc, json_t *ns_obj)
{
	json_t *o, *shm, *sem, *msg;
	int r = 0;

	if (!ipc)
		return 0;
	o = json_object();
	shm = json_array();
	sem = json_array();
	msg = json_array();
	for (uint32_t i = 0; shm && i < ipc->nshms; i++) {
		const struct img_ipc_shm *s = &ipc->shms[i];
		json_t *e = perm_obj(&s->perm);

		r |= set(e, "size", u64_hex(s->size));
		r |= set(e, "locked", json_boolean(s->locked));
		r |= set(e, "dest", json_boolean(s->dest));
		r |= add(shm, e);
	}
	for (uint32_t i = 0; sem && i < ipc->nsems; i++) {
		const struct img_ipc_sem *s = &ipc->sems[i];
		json_t *e = perm_obj(&s->perm), *v = json_array();

		for (uint32_t k = 0; v && k < s->nsems; k++)
			r |= add(v, json_integer(s->values[k]));
		r |= set(e, "values", v);
		r |= add(sem, e);
	}
	for (uint32_t i = 0; msg && i < ipc->nmsqs; i++) {
		const struct img_ipc_msq *q = &ipc->msqs[i];
		json_t *e = perm_obj(&q->perm), *v = json_array();

		for (uint32_t k = 0; v && k < q->nmsgs; k++) {
			json_t *m = json_object();

			r |= set(m, "type", json_integer(q->msgs[k].type));
			r |= set(m, "body", hex_string(q->msgs[k].body, q->msgs[k].len));
			r |= add(v, m);
		}
		r |= set(e, "qbytes", u64_hex(q->qbytes));
		r |= set(e, "messages", v);
		r |= add(msg, e);
	}
	r |= set(o, "sysctl", sysctl_obj(ipc));
	r |= set(o, "shm", shm);
	r |= set(o, "sem", sem);
	r |= set(o, "msg", msg);
	r |= set(ns_obj, "ipc", o);
	return r ? -ENOMEM : 0;
}

/* ---- decode ---- */

static int get_sysctls(struct dec *d, json_t *o, struct img_ipc *ipc)
{
	json_t *s = need(d, o, "sysctl", JSON_OBJECT);

	if (!s)
		return -EINVAL;
	if (json_object_size(s) != IPC_NSYSCTL_DEFS)
		return bad(d, "sysctl", "does not hold exactly the ipc sysctls cryo knows");
	for (unsigned i = 0; i < IPC_NSYSCTL_DEFS; i++) {
		const struct ipc_sysctl_def *def = &ipc_sysctls[i];
		long long v;

		if (def->u64) {
			uint64_t u;

			TRY(get_u64(d, s, def->name, &u));
			ipc->sysctl[def->at] = (int64_t)u;
		} else if (def->count > 1) {
			json_t *a = get_arr(d, s, def->name, def->count), *e;
			size_t k;

			if (!a)
				return -EINVAL;
			if (json_array_size(a) != def->count)
				return bad(d, def->name, "does not hold its four values");
			json_array_foreach(a, k, e)
			{
				if (!json_is_integer(e) || json_integer_value(e) < def->min ||
				    json_integer_value(e) > def->max)
					return bad(d, def->name,
						   "has a value out of the kernel's range");
				ipc->sysctl[def->at + k] = json_integer_value(e);
			}
		} else {
			TRY(get_int(d, s, def->name, def->min, def->max, &v));
			ipc->sysctl[def->at] = v;
		}
	}
	return 0;
}

static int get_perm(struct dec *d, json_t *o, struct img_ipc_perm *p)
{
	long long v;

	TRY(get_int(d, o, "id", 0, INT_MAX, &v));
	p->id = v;
	TRY(get_int(d, o, "key", INT_MIN, INT_MAX, &v));
	p->key = v;
	TRY(get_int(d, o, "uid", 0, UINT32_MAX - 1, &v));
	p->uid = v;
	TRY(get_int(d, o, "gid", 0, UINT32_MAX - 1, &v));
	p->gid = v;
	TRY(get_int(d, o, "cuid", 0, UINT32_MAX - 1, &v));
	p->cuid = v;
	TRY(get_int(d, o, "cgid", 0, UINT32_MAX - 1, &v));
	p->cgid = v;
	TRY(get_int(d, o, "mode", 0, 0777, &v));
	p->mode = v;
	return 0;
}

/* No two objects of one kind share an ID, or a key other than IPC_PRIVATE. */
static int check_unique(struct dec *d, const char *what, const struct img_ipc_perm *p,
			size_t stride, uint32_t n)
{
	const struct img_ipc_perm *last = (const void *)((const char *)p + stride * n);

	for (uint32_t i = 0; i < n; i++) {
		const struct img_ipc_perm *a = (const void *)((const char *)p + stride * i);

		if (a->id == last->id)
			return bad(d, what, "hold two objects with one id");
		if (a->key && a->key == last->key)
			return bad(d, what, "hold two objects with one key");
	}
	return 0;
}

static int get_bool(struct dec *d, json_t *o, const char *key, bool *ret)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_boolean(v))
		return bad(d, key, "is not true or false");
	*ret = json_is_true(v);
	return 0;
}

static int get_shms(struct dec *d, json_t *o, struct img_ipc *ipc)
{
	json_t *a = get_arr(d, o, "shm", IPC_MAX_OBJECTS), *e;
	size_t i;

	if (!a)
		return -EINVAL;
	ipc->shms = calloc(json_array_size(a) + 1, sizeof(*ipc->shms));
	if (!ipc->shms)
		return -ENOMEM;
	json_array_foreach(a, i, e)
	{
		struct img_ipc_shm *s = &ipc->shms[i];

		if (!json_is_object(e))
			return bad(d, "shm", "hold an entry that is not an object");
		TRY(get_perm(d, e, &s->perm));
		TRY(get_u64(d, e, "size", &s->size));
		if (!s->size || s->size > IPC_MAX_SHM)
			return bad(d, "size", "is not 1 ... 2^46 bytes");
		TRY(get_bool(d, e, "locked", &s->locked));
		TRY(get_bool(d, e, "dest", &s->dest));
		if (s->dest && s->perm.key)
			return bad(d, "dest", "is true for a segment that still has a key");
		TRY(check_unique(d, "shm", &ipc->shms[0].perm, sizeof(*s), i));
		ipc->nshms = i + 1;
	}
	return 0;
}

static int get_sems(struct dec *d, json_t *o, struct img_ipc *ipc)
{
	json_t *a = get_arr(d, o, "sem", IPC_MAX_OBJECTS), *e, *v, *x;
	size_t i, k;

	if (!a)
		return -EINVAL;
	ipc->sems = calloc(json_array_size(a) + 1, sizeof(*ipc->sems));
	if (!ipc->sems)
		return -ENOMEM;
	json_array_foreach(a, i, e)
	{
		struct img_ipc_sem *s = &ipc->sems[i];

		if (!json_is_object(e))
			return bad(d, "sem", "hold an entry that is not an object");
		TRY(get_perm(d, e, &s->perm));
		v = get_arr(d, e, "values", IPC_MAX_SEMS);
		if (!v)
			return -EINVAL;
		if (!json_array_size(v))
			return bad(d, "values", "is empty: a set has at least one semaphore");
		s->values = calloc(json_array_size(v), sizeof(*s->values));
		if (!s->values)
			return -ENOMEM;
		ipc->nsems = i + 1;
		json_array_foreach(v, k, x)
		{
			if (!json_is_integer(x) || json_integer_value(x) < 0 ||
			    json_integer_value(x) > IPC_SEMVMX)
				return bad(d, "values", "hold a value out of 0 ... 32767");
			s->values[k] = json_integer_value(x);
		}
		s->nsems = json_array_size(v);
		TRY(check_unique(d, "sem", &ipc->sems[0].perm, sizeof(*s), i));
	}
	return 0;
}

static int get_msgs(struct dec *d, json_t *e, struct img_ipc_msq *q)
{
	json_t *a = get_arr(d, e, "messages", IPC_MAX_MSGS), *m;
	size_t k;

	if (!a)
		return -EINVAL;
	q->msgs = calloc(json_array_size(a) + 1, sizeof(*q->msgs));
	if (!q->msgs)
		return -ENOMEM;
	json_array_foreach(a, k, m)
	{
		struct img_ipc_msg *g = &q->msgs[k];
		long long t;

		if (!json_is_object(m))
			return bad(d, "messages", "hold an entry that is not an object");
		TRY(get_int(d, m, "type", 1, LLONG_MAX, &t));
		g->type = t;
		TRY(get_hexbytes(d, m, "body", IPC_MAX_MSG, &g->body, &g->len));
		q->nmsgs = k + 1;
	}
	return 0;
}

static int get_msqs(struct dec *d, json_t *o, struct img_ipc *ipc)
{
	json_t *a = get_arr(d, o, "msg", IPC_MAX_OBJECTS), *e;
	size_t i;

	if (!a)
		return -EINVAL;
	ipc->msqs = calloc(json_array_size(a) + 1, sizeof(*ipc->msqs));
	if (!ipc->msqs)
		return -ENOMEM;
	json_array_foreach(a, i, e)
	{
		struct img_ipc_msq *q = &ipc->msqs[i];

		if (!json_is_object(e))
			return bad(d, "msg", "hold an entry that is not an object");
		ipc->nmsqs = i + 1;
		TRY(get_perm(d, e, &q->perm));
		TRY(get_u64(d, e, "qbytes", &q->qbytes));
		if (q->qbytes > INT_MAX)
			return bad(d, "qbytes", "is over 2^31-1");
		TRY(get_msgs(d, e, q));
		TRY(check_unique(d, "msg", &ipc->msqs[0].perm, sizeof(*q), i));
	}
	return 0;
}

int ipc_image_decode(struct dec *d, json_t *ns_obj, struct img_ipc **ret)
{
	json_t *o = json_object_get(ns_obj, "ipc");
	struct img_ipc *ipc;
	int r;

	if (!o)
		return 0;
	if (!json_is_object(o))
		return bad(d, "ipc", "is not an object");
	ipc = calloc(1, sizeof(*ipc));
	if (!ipc)
		return -ENOMEM;
	r = get_sysctls(d, o, ipc);
	if (r >= 0)
		r = get_shms(d, o, ipc);
	if (r >= 0)
		r = get_sems(d, o, ipc);
	if (r >= 0)
		r = get_msqs(d, o, ipc);
	if (r < 0) {
		ipc_image_free(ipc);
		return r;
	}
	*ret = ipc;
	return 0;
}
