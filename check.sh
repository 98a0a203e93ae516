#!/bin/sh
# Install dependencies and the test matrix (Debian's 6.1, 6.1-rt and 6.12
# kernels with headers, as system kernels: scripts/deps.sh says so before it
# installs them), build, and run the whole test suite.
set -e
cd "$(dirname "$0")"
scripts/deps.sh --test-kernels
scripts/build.sh
exec testsuite/run-tests "$@"
