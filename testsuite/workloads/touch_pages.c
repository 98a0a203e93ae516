/*
 * touch_pages N: map N anonymous pages at a fixed address, write one byte
 * to each (N write faults), unmap them, then grow the heap by 64 KiB with
 * brk (run/vm_alias.stp checks addresses and lengths).  The address is
 * TOUCH_PAGES_BASE so the probes can tell these faults from others.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define TOUCH_PAGES_BASE 0x600000000000UL

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1, i;
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap((void *)TOUCH_PAGES_BASE, n * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED || (unsigned long)p != TOUCH_PAGES_BASE) {
		perror("touch_pages: mmap");
		return 1;
	}
	for (i = 0; i < n; i++)
		p[i * page] = 1;
	munmap(p, n * page);
	if (sbrk(65536) == (void *)-1) {
		perror("touch_pages: sbrk");
		return 1;
	}
	return 0;
}
