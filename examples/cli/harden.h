/* Process hardening done first thing in main, before any secret is read. */
#ifndef CLOAK_CLI_HARDEN_H
#define CLOAK_CLI_HARDEN_H

/* Makes the process non-dumpable on Linux (no core file, no ptrace attach or /proc/PID/mem,
 * /proc/PID/environ read by other processes of the same user) and sets the core-file size limit
 * to 0. Exits with CLI_EXIT_INTERNAL if the kernel refuses. */
void cli_harden(void);

#endif /* CLOAK_CLI_HARDEN_H */
