/*
 * vm.h - the VM sandbox entry point of taprun.
 *
 * taprun.c hands over to vm_main() when its first argument is `--vm` or
 * `--vm-shell`; vm.c then boots the target kernel under qemu and runs this
 * same taprun binary (or shell commands) inside the guest.
 */
#ifndef TAPC_RUNNER_VM_H
#define TAPC_RUNNER_VM_H

/*
 * Run taprun's VM mode.  argv is main()'s argv unchanged: argv[0] is the
 * program name, argv[1] is "--vm" or "--vm-shell".  Returns the exit
 * status for taprun to exit with: the guest command's status, 124 on
 * --timeout, 125 when the guest died without reporting a status, 2 on a
 * usage or setup error.
 */
int vm_main(int argc, char **argv);

#endif
