#!/bin/sh
# Install dependencies, build, and run the whole test suite.
set -e
cd "$(dirname "$0")"
scripts/deps.sh
scripts/build.sh
exec testsuite/run-tests "$@"
