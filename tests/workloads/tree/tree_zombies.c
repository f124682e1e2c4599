/* SPDX-License-Identifier: MIT */
/*
 * Zombies and stopped tasks. The root R has, not reaped:
 *   Z1 exited with 3; Z2 killed by SIGTERM; Z3 killed by SIGKILL; Z4 exited with 0, in a
 *   session of its own; and a child C whose own child CZ exited with 9 and is C's zombie;
 * and S, stopped by SIGSTOP (R saw it stop).
 * After restore R checks that each zombie is still one (state Z, its session), reaps each
 * with its status, finds S stopped (state T), continues it (WCONTINUED) and lets it exit; C
 * reaps CZ and checks its status.
 */
#include <errno.h>
#include <sys/wait.h>

#include "zdtm.h"

static char state_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p ? p[2] : '?';
}

static void wait_state(pid_t pid, char want, const char *who)
{
	for (int i = 0; i < 5000 && state_of(pid) != want; i++)
		usleep(1000);
	if (state_of(pid) != want)
		fail("%s (%d): state %c, want %c", who, pid, state_of(pid), want);
}

static void reap_as(pid_t pid, const char *who, int exited, int code)
{
	int status = 0;

	if (waitpid(pid, &status, WNOHANG) != pid)
		fail("%s (%d) is not a zombie to reap: %s", who, pid, strerror(errno));
	if (exited ? !WIFEXITED(status) || WEXITSTATUS(status) != code
		   : !WIFSIGNALED(status) || WTERMSIG(status) != code || WCOREDUMP(status))
		fail("%s: status %#x, want %s %d", who, status, exited ? "exit" : "signal", code);
}

int main(void)
{
	pid_t z1, z2, z3, z4, c, s;
	int rw[2], status;
	char ch;

	test_init();
	if (pipe(rw))
		fail("pipe");
	if ((z1 = fork()) == 0)
		_exit(3);
	if ((z2 = fork()) == 0)
		for (;;)
			pause();
	if ((z3 = fork()) == 0)
		for (;;)
			pause();
	if ((z4 = fork()) == 0) {
		setsid();
		_exit(0);
	}
	if ((c = fork()) == 0) {
		pid_t cz = fork();

		if (cz == 0)
			_exit(9);
		close(rw[0]);
		wait_state(cz, 'Z', "CZ");
		if (write(rw[1], "x", 1) != 1)
			_exit(1);
		test_wait(NULL);
		reap_as(cz, "CZ", 1, 9);
		exit(0);
	}
	if ((s = fork()) == 0) {
		test_wait(NULL);
		exit(0);
	}
	close(rw[1]);
	kill(z2, SIGTERM);
	kill(z3, SIGKILL);
	kill(s, SIGSTOP);
	if (waitpid(s, &status, WUNTRACED) != s || !WIFSTOPPED(status))
		fail("S did not stop");
	wait_state(z1, 'Z', "Z1");
	wait_state(z2, 'Z', "Z2");
	wait_state(z3, 'Z', "Z3");
	wait_state(z4, 'Z', "Z4");
	if (read(rw[0], &ch, 1) != 1)
		fail("C died during setup");
	test_ready();
	test_wait(NULL);

	wait_state(z1, 'Z', "Z1 after restore");
	wait_state(z4, 'Z', "Z4 after restore");
	if (getsid(z4) != z4)
		fail("Z4: session %d, want its own", getsid(z4));
	reap_as(z1, "Z1", 1, 3);
	reap_as(z2, "Z2", 0, SIGTERM);
	reap_as(z3, "Z3", 0, SIGKILL);
	reap_as(z4, "Z4", 1, 0);
	wait_state(s, 'T', "S");
	kill(s, SIGCONT);
	if (waitpid(s, &status, WCONTINUED) != s || !WIFCONTINUED(status))
		fail("S: no continue report (status %#x)", status);
	kill(s, SIGUSR1);
	kill(c, SIGUSR1);
	if (waitpid(s, &status, 0) != s || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("S: status %#x", status);
	if (waitpid(c, &status, 0) != c || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("C: status %#x", status);
	pass();
}
