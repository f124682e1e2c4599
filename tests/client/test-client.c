/* SPDX-License-Identifier: MIT */
/*
 * Drives libcryo-client against a running cryod (or the fake one of
 * tests/integration/test_cli_daemon_fake.py): run a job, read it back, read its log, dump it,
 * find and inspect the checkpoint, restore it as a new job, kill and delete everything, and
 * check the errors of a missing job and a bad address. Prints PASS and exits 0, or names the
 * failed step with the client's message and exits 1.
 *
 *     test-client ADDRESS [TOKEN]
 *
 * Run by tests/integration/test_cli_daemon*.py; built in the ASan build too, where it shows
 * that none of these paths leaks.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cryo/client.h"

static struct cryo_client *client;

#define CHECK(cond, what)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL line %d: %s: %s\n", __LINE__, what,                  \
				cryo_client_errmsg(client));                                       \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

struct logbuf {
	char data[4096];
	size_t len;
};

static int collect(void *userdata, const char *data, size_t len)
{
	struct logbuf *b = userdata;
	size_t room = sizeof(b->data) - 1 - b->len;

	if (len > room)
		len = room;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

static int stop_at_once(void *userdata, const char *data, size_t len)
{
	return -ECANCELED;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Waits until the job's log holds something; returns it in *b. */
static void wait_log(const char *id, struct logbuf *b)
{
	for (int i = 0; i < 500; i++) {
		b->len = 0;
		b->data[0] = '\0';
		CHECK(cryo_client_job_logs(client, id, false, collect, b) == 0, "logs");
		if (b->len)
			return;
		sleep_ms(10);
	}
	CHECK(false, "the job's log stayed empty");
}

int main(int argc, char **argv)
{
	static const char *const counter[] = {
	    "python3",
	    "-u",
	    "-c",
	    "import time\ni = 0\nwhile True:\n    print(i, flush=True)\n    i += 1\n"
	    "    time.sleep(0.01)\n",
	    NULL,
	};
	struct cryo_job_run_opts run = CRYO_JOB_RUN_OPTS_INIT;
	struct cryo_job_dump_opts dump = CRYO_JOB_DUMP_OPTS_INIT, pre = CRYO_JOB_DUMP_OPTS_INIT;
	struct cryo_job_restore_opts restore = CRYO_JOB_RESTORE_OPTS_INIT;
	struct cryo_job *job, *got, *restored, **jobs;
	struct cryo_checkpoint *ck, *pre_ck = NULL, *inspected, **cks;
	struct logbuf log;
	char *health;
	size_t n;
	bool found;
	int r;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: test-client ADDRESS [TOKEN]\n");
		return 2;
	}
	CHECK(cryo_client_new(&client) == 0, "new");
	CHECK(cryo_client_set_address(client, argv[1]) == 0, "set_address");
	if (argc == 3)
		CHECK(cryo_client_set_token(client, argv[2]) == 0, "set_token");

	CHECK(cryo_client_health(client, &health) == 0, "health");
	CHECK(strstr(health, "\"version\""), "health has a version");
	free(health);

	run.argv = counter;
	run.id = "client-test";
	CHECK(cryo_client_job_run(client, &run, &job) == 0, "run");
	CHECK(!strcmp(job->id, "client-test") && job->pid > 0, "run answers the job");
	CHECK(!strcmp(job->command[0], "python3") && !job->command[4], "run keeps the command");
	CHECK(!job->attachable, "a job is not attachable unless asked");
	CHECK(strstr(cryo_client_last_json(client), "\"client-test\""), "last_json is the answer");

	CHECK(cryo_client_job_get(client, "client-test", &got) == 0, "get");
	CHECK(got->pid == job->pid && !strcmp(got->state, "running"), "get: running, same pid");
	cryo_job_free(got);

	CHECK(cryo_client_job_list(client, &jobs, &n) == 0, "list");
	found = false;
	for (size_t i = 0; i < n; i++)
		found |= !strcmp(jobs[i]->id, "client-test");
	CHECK(found, "list holds the job");
	cryo_job_list_free(jobs, n);

	wait_log("client-test", &log);
	r = cryo_client_job_logs(client, "client-test", false, stop_at_once, NULL);
	CHECK(r == -ECANCELED, "a callback's error stops the log and comes back");

	/*
	 * A pre-dump, and the dump built on it. Without one the dump is a whole one: where the
	 * kernel cannot track writes (Linux < 6.7: -EOPNOTSUPP, HTTP 422), and against a daemon
	 * that answers a dump instead (test_cli_daemon_fake.py's, which takes any body).
	 */
	pre.pre_dump = true;
	r = cryo_client_job_dump(client, "client-test", &pre, &pre_ck);
	CHECK(r == 0 || r == -EOPNOTSUPP, "pre-dump");
	if (r == 0 && strcmp(pre_ck->kind, "pre-dump")) {
		cryo_checkpoint_free(pre_ck);
		pre_ck = NULL;
	}
	if (pre_ck) {
		CHECK(!strcmp(pre_ck->kind, "pre-dump") && !pre_ck->parent && pre_ck->leave_running,
		      "pre-dump answers a checkpoint of kind pre-dump");
		restore.checkpoint = pre_ck->id;
		r = cryo_client_job_restore(client, "client-test", &restore, NULL);
		CHECK(r == -EBUSY && strstr(cryo_client_errmsg(client), "pre-dump"),
		      "a pre-dump is not restored (409)");
		dump.parent = pre_ck->id;
	}
	dump.leave_running = 0;
	CHECK(cryo_client_job_dump(client, "client-test", &dump, &ck) == 0, "dump");
	CHECK(ck->id && !strcmp(ck->job, "client-test"), "dump answers the checkpoint");
	CHECK(!strcmp(ck->kind, "dump") &&
		  (pre_ck ? ck->parent && !strcmp(ck->parent, pre_ck->id) : !ck->parent),
	      "dump answers its kind and parent");

	CHECK(cryo_client_checkpoint_list(client, "client-test", &cks, &n) == 0, "checkpoint list");
	found = false;
	for (size_t i = 0; i < n; i++)
		found |= !strcmp(cks[i]->id, ck->id);
	CHECK(found, "checkpoint list holds the checkpoint");
	cryo_checkpoint_list_free(cks, n);

	CHECK(cryo_client_checkpoint_inspect(client, ck->id, &inspected) == 0, "inspect");
	CHECK(inspected->image && inspected->image[0] == '{', "inspect describes the image");
	cryo_checkpoint_free(inspected);

	restore.checkpoint = ck->id;
	restore.id = "client-test-2";
	CHECK(cryo_client_job_restore(client, "client-test", &restore, &restored) == 0, "restore");
	CHECK(!strcmp(restored->id, "client-test-2") && restored->restored_from &&
		  !strcmp(restored->restored_from, ck->id),
	      "restore answers a new job made from the checkpoint");
	wait_log("client-test-2", &log);

	CHECK(cryo_client_job_kill(client, "client-test-2", SIGKILL, NULL) == 0, "kill");
	CHECK(cryo_client_job_delete(client, "client-test-2", true) == 0, "delete restored");
	CHECK(cryo_client_job_delete(client, "client-test", true) == 0, "delete dumped");
	if (pre_ck) {
		r = cryo_client_checkpoint_delete(client, pre_ck->id);
		CHECK(r == -EBUSY && strstr(cryo_client_errmsg(client), ck->id),
		      "a pre-dump that a dump builds on is not deleted (409 naming the dump)");
		CHECK(cryo_client_checkpoint_delete_force(client, pre_ck->id) == 0,
		      "checkpoint delete, forced");
	}
	CHECK(cryo_client_checkpoint_delete(client, ck->id) == 0, "checkpoint delete");

	r = cryo_client_job_get(client, "client-test", &got);
	CHECK(r == -ENOENT && strstr(cryo_client_errmsg(client), "HTTP 404"),
	      "a deleted job is a 404 naming itself");
	r = cryo_client_checkpoint_inspect(client, ck->id, &inspected);
	CHECK(r == -ENOENT, "a deleted checkpoint is a 404");
	r = cryo_client_set_address(client, "ftp://x");
	CHECK(r == -EINVAL && strstr(cryo_client_errmsg(client), "unknown scheme"),
	      "a bad address is refused");

	cryo_checkpoint_free(ck);
	cryo_checkpoint_free(pre_ck);
	cryo_job_free(job);
	cryo_job_free(restored);
	cryo_client_free(client);
	printf("PASS\n");
	return 0;
}
