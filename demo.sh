#!/bin/sh
# Install dependencies, build tapc, and run the demo script (in the VM sandbox
# when this machine can't load modules).
set -e
cd "$(dirname "$0")"
scripts/deps.sh
scripts/build.sh
make -s -C testsuite/workloads
exec compiler/tapc $(compiler/tapc --need-vm-flag) examples/demo.stp -c 'testsuite/workloads/bin/getpid_loop 1000'
