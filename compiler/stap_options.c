/* The options of stap (Debian's 4.8 `stap --help`) that tapc does not
 * take, each with the reason it gives when one is used.
 *
 * A user carrying stap's command line gets the reason instead of "unknown
 * option": docs/tapc.1 lists the same options and reasons under
 * "SystemTap options tapc does not take", and testsuite/runner/
 * stap_options.sh checks that every option of stap 4.8 is either in
 * `tapc -h` or refused here, with the reason the man page gives.
 */
#include <stddef.h>

#include "stap_options.h"

#define NOT_YET "not implemented in tapc yet"
#define NO_SERVERS "tapc has no compile servers: it builds the module on this machine"
#define NO_SYSROOT "tapc reads user programs and libraries from this machine's own file system"

const struct stap_refused stap_refused[] = {
	{ "all-modules", 0, false, "tapc reads kernel module symbols from the modules themselves; there is no unwind data to add" },
	{ 0, 'q', false, "tapc does not record tapset coverage" },
	{ "bpf", 0, false, "tapc has only the kernel-module back end" },
	{ "privilege", 0, false, "tapc has no privilege levels: modules are built and loaded by root" },
	{ "unprivileged", 0, false, "tapc has no privilege levels: modules are built and loaded by root" },
	{ "check-version", 0, false, "tapc does not track which constructs depend on the language version" },
	{ "use-server", 0, false, NO_SERVERS },
	{ "list-servers", 0, false, NO_SERVERS },
	{ "trust-servers", 0, false, NO_SERVERS },
	{ "use-server-on-error", 0, false, NO_SERVERS },
	{ "remote", 0, false, "tapc runs pass 5 on this machine or in its VM (--vm) only" },
	{ "remote-prefix", 0, false, "tapc runs pass 5 on this machine or in its VM (--vm) only" },
	{ "download-debuginfo", 0, false, "tapc fetches missing debuginfo from the debuginfod servers of DEBUGINFOD_URLS: set that instead" },
	{ "sysroot", 0, false, NO_SYSROOT },
	{ "sysenv", 0, false, NO_SYSROOT },
	{ "save-uprobes", 0, false, "tapc builds no uprobes module: its modules use the kernel's uprobes directly" },
	{ NULL, 0, false, NULL },
};
