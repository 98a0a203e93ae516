#!/bin/sh
# What the kernel refuses a kprobe on is left out of wildcards, for every
# kernel (compiler/kallsyms.c reads it from each image's kallsyms): __init
# functions (start_kernel, MP_bus_info), the NOKPROBE_SYMBOL list
# (do_int3 via its _kbl_addr_ entry, and the assembly entries of the same
# array: xen_asm_exc_int3), noinstr code (do_syscall_64).  -v says how many
# were left out; a name given outright is an error saying why.
cd "$OUT" || exit 1
for k in $KERNELS; do
	"$TAPC" -r "$k" -l 'kernel.function("*")' >"list-$k" 2>"list-$k.err" ||
		{ echo "[$k] -l failed"; tail -3 "list-$k.err"; exit 1; }
	grep -qx 'kernel.function("vfs_read")' "list-$k" ||
		{ echo "[$k] vfs_read is not listed"; exit 1; }
	for f in start_kernel MP_bus_info do_int3 xen_asm_exc_int3 do_syscall_64; do
		if grep -qx "kernel.function(\"$f\")" "list-$k"; then
			echo "[$k] $f is listed"; exit 1
		fi
	done
	"$TAPC" -p2 -v -r "$k" -e 'probe kernel.function("*") { }' >/dev/null 2>"v-$k.err" ||
		{ echo "[$k] -p2 failed"; tail -3 "v-$k.err"; exit 1; }
	grep -Eq 'note: probe point kernel.function\("\*"\): [0-9]+ of [0-9]+ matching functions left out, the kernel refuses kprobes on them \(.*[0-9]+ an __init function, freed after boot' "v-$k.err" ||
		{ echo "[$k] no -v note"; grep note "v-$k.err"; exit 1; }
	"$TAPC" -p2 -r "$k" -e 'probe kernel.function("start_kernel") { }' >/dev/null 2>"one-$k.err" &&
		{ echo "[$k] start_kernel was accepted"; exit 1; }
	grep -q 'start_kernel can.t be probed (an __init function, freed after boot)' "one-$k.err" ||
		{ echo "[$k] no reason for start_kernel"; cat "one-$k.err"; exit 1; }
done
exit 0
