/*
 * taprun.h - what taprun's native mode and its VM mode share.
 *
 * taprun.c hands over to vm_main() (runner/vm.c) when its first argument is
 * --vm or --vm-shell; the VM mode boots a kernel and runs this same binary
 * natively inside the guest.  The record layout of /proc/tapc_NAME/out is
 * mirrored here from runtime/transport.h (struct tapc_rec).
 */
#ifndef TAPC_RUNNER_TAPRUN_H
#define TAPC_RUNNER_TAPRUN_H

#include <stdint.h>

/* VM mode (runner/vm.c): argv is main()'s argv unchanged (argv[1] is
 * "--vm" or "--vm-shell"); returns taprun's exit status. */
int vm_main(int argc, char **argv);

/* One output record header: len payload bytes follow. */
struct taprun_rec {
	uint32_t len;
	uint16_t chan;			/* TAPRUN_CHAN_* */
	uint16_t cpu;
};

enum {
	TAPRUN_CHAN_OUT = 1,		/* the script's output */
	TAPRUN_CHAN_ERR = 2,		/* ERROR:/WARNING: lines for stderr */
	TAPRUN_CHAN_SYSTEM = 3,		/* system(): a command to run */
	TAPRUN_CHAN_SWITCH = 4,		/* switch_file(): the next -o file */
};

#endif /* TAPC_RUNNER_TAPRUN_H */
