#!/bin/sh
# OUTFILTER of run/syscall_*.stp: the workload (testsuite/workloads/syscall_mix)
# prints "EXPECT ..." for each call it made, the script "SEEN ..." for each
# call its probes saw.  The EXPECT lines must appear among the SEEN lines in
# the same order (other SEEN lines, from the C library or the exec, may come
# in between).  Prints one summary line, or the first EXPECT line not seen
# and the SEEN lines of the same call after the last match.
awk '
/^EXPECT / { want[nw++] = substr($0, 8); next }
/^SEEN / { seen[ns++] = substr($0, 6); next }
END {
	if (!nw) { print "no EXPECT lines: the workload did not run"; exit }
	j = 0
	for (i = 0; i < nw; i++) {
		while (j < ns && seen[j] != want[i]) j++
		if (j == ns) {
			print "not seen in order: " want[i]
			split(want[i], w, /[( ]/)
			for (k = last; k < ns; k++) {
				split(seen[k], s, /[( ]/)
				if (s[1] == w[1]) print "  seen: " seen[k]
			}
			exit
		}
		last = ++j
	}
	print nw " expected lines, all seen in order"
}'
