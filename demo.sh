#!/bin/sh
# Install what the demo needs, build tapc, and run examples/demo.stp.  On a
# machine that can load modules it runs here and needs the running kernel's
# headers; otherwise it runs in the VM sandbox, which needs one kernel
# (scripts/vm-kernel.sh: an installed one, or Debian's default kernel
# unpacked into tapc's cache, not installed).  Never an -rt kernel, never a
# change to which kernel this machine boots; each step says what it installs.
set -e
cd "$(dirname "$0")"
scripts/deps.sh
scripts/build.sh
make -s -C testsuite/workloads
if [ -n "$(compiler/tapc --need-vm-flag)" ]; then
	echo "demo.sh: this machine can't load modules: the demo runs in the VM sandbox (--vm)"
	kver=$(scripts/vm-kernel.sh)
	set -- --vm -r "$kver"
else
	scripts/deps.sh "linux-headers-$(uname -r)"
fi
exec compiler/tapc "$@" examples/demo.stp -c 'testsuite/workloads/bin/getpid_loop 1000'
