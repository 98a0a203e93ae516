# Sourced by the translate/*.sh checks (not named .sh: run-tests runs those).
# Leaves the repository as the working directory, TAPC an absolute path (the
# checks cd into scratch directories) and K the first kernel of KERNELS,
# empty when none is given; run-tests sets TAPC and KERNELS.
# shellcheck shell=bash disable=SC2034
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
TAPC=${TAPC:-compiler/tapc}
case $TAPC in /*) ;; *) TAPC=$(pwd)/$TAPC ;; esac
K=${KERNELS:-}
K=${K# }
K=${K%% *}
