#!/bin/sh
# VM: yes
# -o with a strftime pattern and -S 1,3: a script printing 3.5 MB (3500
# lines of 1001 bytes, numbered) leaves FILE.1, FILE.2, FILE.3 (FILE.0
# removed: at most 3 kept), the name's %Y expanded, each file begun once
# the one before held 1 MiB, and the lines kept in order with none lost
# from the files that are kept.
cd "$OUT" || exit 1
# the guest's own taprun (--vm-shell sets $TAPRUN there): the host's path
# may be under /tmp, which the guest does not see
"$TAPC" -p4 -r "$KVER" -m rot_test -D MAXACTION=100000 \
	-e 'probe begin { for (i = 0; i < 3500; i++) printf("%01000d\n", i); exit() }' >build.log 2>&1 ||
	{ echo "build failed"; tail -5 build.log; exit 1; }
"$TAPRUN" --vm-shell --kernel "$KVER" --timeout 300 --share "$OUT" \
	"cd '$OUT' && \"\$TAPRUN\" -s 8 -o '$OUT/out-%Y' -S 1,3 rot_test.ko; echo \$? >rc" >vm.log 2>&1 ||
	{ echo "the VM failed"; tail -5 vm.log; exit 1; }
[ "$(cat rc)" = 0 ] || { echo "taprun exit status $(cat rc)"; tail -5 vm.log; exit 1; }
y=$(date +%Y)
names=$(ls | grep '^out-' | tr '\n' ' ')
[ "$names" = "out-$y.1 out-$y.2 out-$y.3 " ] || { echo "files: $names"; exit 1; }
for n in 1 2; do
	s=$(wc -c <"out-$y.$n")
	# begun after 1 MiB, ended within one write of the module's output
	[ "$s" -ge 1048576 ] && [ "$s" -lt 1200000 ] || { echo "out-$y.$n: $s bytes"; exit 1; }
done
# out-Y.1 begins where out-Y.0 (removed) ended; the rest follow in order
first=$(head -c 1000 "out-$y.1" | sed 's/^0*//')
cat "out-$y.1" "out-$y.2" "out-$y.3" | sed 's/^0*\(.\)/\1/' >lines
[ "$(head -1 lines)" = "$first" ] && [ "$(tail -1 lines)" = 3499 ] &&
	[ "$(wc -l <lines)" -eq $((3500 - first)) ] ||
	{ echo "lines: from $(head -1 lines) to $(tail -1 lines), $(wc -l <lines) of them"; exit 1; }
