/* Process hardening. The keys and values cloak handles sit in its memory (and a key may sit in its
 * environment, CLOAK_SERVICE_ACCOUNT_KEY), so other processes of the same user, which on a CI runner
 * include earlier steps' leftovers, must not read them through ptrace, /proc/PID/mem or
 * /proc/PID/environ, and a crash must not write them to a core file.
 *
 * Dumpability is a property of the process image: execve of an ordinary (not set-user-ID, not
 * file-capability) program makes the new image dumpable again, so the command `cloak run` executes
 * is not affected (tests/cli/test_ci.sh checks both sides). A child that cloak forks and that has
 * not yet called exec inherits the setting, which is what we want for it. */
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "harden.h"

void cli_harden(void)
{
#ifdef __linux__
    /* Fail closed: a sandbox that forbids prctl would otherwise leave the process readable by its
     * siblings with no sign of it. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        cli_fail(CLI_EXIT_INTERNAL, "cannot make the process non-dumpable (prctl: %s); check the sandbox's system call filter",
                 strerror(errno));
    }
#endif
    /* The only guard against core files on other systems, and a second one on Linux. The limit is
     * restored just before exec, for the command `cloak run` executes. */
    cli_core_dumps_off();
}
