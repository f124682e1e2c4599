/* SPDX-License-Identifier: MIT */
/* cryod's log: one line per message on stderr (the journal under systemd), with a level. */
#ifndef CRYOD_LOG_H
#define CRYOD_LOG_H

void log_set_level(int prio);
int log_get_level(void);
__attribute__((format(printf, 2, 3))) void log_msg(int prio, const char *fmt, ...);

#define log_err(...)   log_msg(3, __VA_ARGS__)
#define log_warn(...)  log_msg(4, __VA_ARGS__)
#define log_info(...)  log_msg(6, __VA_ARGS__)
#define log_debug(...) log_msg(7, __VA_ARGS__)

#endif
