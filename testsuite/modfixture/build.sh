#!/bin/sh
# Build the module stand-in (tapc_fixture.c) into OUT as a plain .ko and as
# compressed copies, each in its own directory, under the names a
# distribution might give it:
#   OUT/plain/tapc_fixture.ko  OUT/xz/tapc_fixture.ko.xz  OUT/zst/tapc-fixture.ko.zst
#   OUT/bad/tapc_fixture.ko.xz (not an xz stream)
set -e
out=$1
src=$(dirname "$0")/tapc_fixture.c
rm -rf "$out"
mkdir -p "$out/plain" "$out/xz" "$out/zst" "$out/bad"
cc -g -O1 -c "$src" -o "$out/plain/tapc_fixture.ko"
xz -c --check=crc32 "$out/plain/tapc_fixture.ko" >"$out/xz/tapc_fixture.ko.xz"
zstd -q -c "$out/plain/tapc_fixture.ko" >"$out/zst/tapc-fixture.ko.zst"
head -c 100 "$out/plain/tapc_fixture.ko" >"$out/bad/tapc_fixture.ko.xz"
