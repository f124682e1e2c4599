/* SPDX-License-Identifier: MIT */
/*
 * Zombies and stopped tasks. The root R has, not reaped:
 *   Z1 exited with 3; Z2 killed by SIGTERM; Z3 killed by SIGKILL; Z4 exited with 0, in a
 *   session of its own; and a child C whose own child CZ exited with 9 and is C's zombie;
 * and S, stopped by SIGSTOP (R saw it stop); T, in a process group of its own, stopped by
 * SIGTSTP (so its stop reports say SIGTSTP, before and after restore); W, a clone child whose exit signal is SIGUSR2,
 * exited with 4: a zombie that only waitpid(__WCLONE) sees; and L, a live clone child with
 * exit signal SIGUSR2 too. R blocks SIGUSR2 and takes the ones its children's deaths sent
 * before "ready": none may be pending after restore (none is sent again), and L's death after
 * restore sends one.
 * After restore R checks that each zombie is still one (state Z, its session), reaps each
 * with its status, finds S stopped (state T), continues it (WCONTINUED) and lets it exit, gets
 * T's stop report again, naming SIGTSTP, and lets it exit; C
 * reaps CZ and checks its status.
 */
#include <errno.h>
#include <sys/syscall.h>
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

/* A child like fork()'s, whose death sends `sig` to its parent (0: none). */
static pid_t clone_child(int sig)
{
	return syscall(SYS_clone, sig, 0, NULL, NULL, 0);
}

/* field 38 of /proc/PID/stat */
static int exit_signal_of(pid_t pid)
{
	char path[64], buf[1024], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		fail("read %s", path);
	fclose(f);
	p = strrchr(buf, ')') + 2;
	for (int field = 3; field < 38; field++)
		p = strchr(p, ' ') + 1;
	return atoi(p);
}

int main(void)
{
	pid_t z1, z2, z3, z4, c, s, t, w, l;
	struct timespec zero = {0, 0};
	sigset_t usr2, pending;
	int rw[2], status;
	char ch;

	test_init();
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	if ((w = clone_child(SIGUSR2)) == 0)
		_exit(4);
	if ((l = clone_child(SIGUSR2)) == 0) {
		test_wait(NULL);
		_exit(0);
	}
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
	if ((t = fork()) == 0) {
		setpgid(0, 0);
		test_wait(NULL);
		exit(0);
	}
	setpgid(t, t); /* before the stop: SIGTSTP stops no one in an orphaned group */
	close(rw[1]);
	kill(z2, SIGTERM);
	kill(z3, SIGKILL);
	kill(s, SIGSTOP);
	if (waitpid(s, &status, WUNTRACED) != s || !WIFSTOPPED(status))
		fail("S did not stop");
	kill(t, SIGTSTP);
	if (waitpid(t, &status, WUNTRACED) != t || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != SIGTSTP)
		fail("T did not stop by SIGTSTP (status %#x)", status);
	wait_state(z1, 'Z', "Z1");
	wait_state(z2, 'Z', "Z2");
	wait_state(z3, 'Z', "Z3");
	wait_state(z4, 'Z', "Z4");
	if (read(rw[0], &ch, 1) != 1)
		fail("C died during setup");
	wait_state(w, 'Z', "W");
	while (sigtimedwait(&usr2, NULL, &zero) == SIGUSR2)
		;
	if (exit_signal_of(w) != SIGUSR2 || exit_signal_of(l) != SIGUSR2)
		fail("W and L do not have SIGUSR2 as exit signal");
	test_ready();
	test_wait(NULL);

	sigpending(&pending);
	if (sigismember(&pending, SIGUSR2))
		fail("SIGUSR2 is pending after restore: a child's death was signalled again");
	if (exit_signal_of(w) != SIGUSR2 || exit_signal_of(l) != SIGUSR2)
		fail("exit signal of W %d, of L %d, want SIGUSR2 (%d)", exit_signal_of(w),
		     exit_signal_of(l), SIGUSR2);
	if (waitpid(w, &status, WNOHANG) != -1 || errno != ECHILD)
		fail("W is seen without __WCLONE");
	if (waitpid(w, &status, __WCLONE | WNOHANG) != w || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 4)
		fail("W: status %#x, want exit 4", status);
	kill(l, SIGUSR1);
	if (waitpid(l, &status, __WCLONE) != l || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("L: status %#x", status);
	if (sigtimedwait(&usr2, NULL, &(struct timespec){5, 0}) != SIGUSR2)
		fail("L's death sent no SIGUSR2");

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
	wait_state(t, 'T', "T");
	if (waitpid(t, &status, WUNTRACED) != t || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != SIGTSTP)
		fail("T: stop report %#x after restore, want a stop by SIGTSTP (%d)", status,
		     SIGTSTP);
	kill(t, SIGCONT);
	kill(t, SIGUSR1);
	if (waitpid(t, &status, 0) != t || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("T: status %#x", status);
	kill(s, SIGUSR1);
	kill(c, SIGUSR1);
	if (waitpid(s, &status, 0) != s || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("S: status %#x", status);
	if (waitpid(c, &status, 0) != c || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("C: status %#x", status);
	pass();
}
