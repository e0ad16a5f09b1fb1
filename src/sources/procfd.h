/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VIGIL_PROCFD_H
#define VIGIL_PROCFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Descriptors looked at per process at most: bounds a hostile fd table. */
#define PROCFD_MAX_FDS 65536
/* Processes looked at per search at most (pid_max is 4M at most). */
#define PROCFD_MAX_PIDS (4 * 1024 * 1024)

/*
 * Which process holds socket inode ino?  Only the pids in cand (n of
 * them) are searched, or every process when cand is NULL.  Returns the
 * pid, 0 when none holds it, or -1 with errno when /proc cannot be read.
 */
pid_t procfd_find_socket(uint32_t ino, const pid_t *cand, size_t n);
/* The inode of the socket pid holds as fd; 0: gone, or not a socket. */
uint32_t procfd_fd_socket(pid_t pid, int fd);

/*
 * Resolve many inodes in one pass over every process.  inos (*n of
 * them, any order, repeats allowed) is sorted and its repeats dropped
 * in place, *n becoming how many are left; pids[i] gets the holder of
 * inos[i] (0: not found).  Look one up with procfd_holder().
 * Returns 0, or -1 with errno.
 */
int procfd_resolve(uint32_t *inos, pid_t *pids, size_t *n);
/* The holder of ino after procfd_resolve(); 0: none or not asked. */
pid_t procfd_holder(const uint32_t *inos, const pid_t *pids, size_t n,
		    uint32_t ino);

struct proc_entry;

/*
 * comm and exe of pid, from /proc/PID/exe first: a process may have
 * exec'd since its table entry pe (may be NULL) was made.  pe's exe is
 * taken only when the link is gone (the process is exiting) and pe's
 * comm is still the process's.  Returns true when exe is known; comm
 * and exe are "" when unknown.
 */
bool procfd_names(const struct proc_entry *pe, pid_t pid, char *comm,
		  size_t commsz, char *exe, size_t exesz);

#endif
