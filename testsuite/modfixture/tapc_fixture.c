/* A stand-in for a kernel module's .ko, compiled by build.sh with the host
 * compiler: an ELF relocatable object with a symbol table and DWARF, which
 * is all tapc reads of a module at compile time.  Its functions and types
 * are what -L must print, whichever way the file is compressed. */
struct fixture_req {
	unsigned long size;
	const char *name;
	int id;
};

int fixture_open(struct fixture_req *req, unsigned int flags);
long fixture_sum(const char *s, int n);

int fixture_open(struct fixture_req *req, unsigned int flags)
{
	return req->id + (int)flags;
}

long fixture_sum(const char *s, int n)
{
	long sum = 0;

	while (n-- > 0)
		sum += *s++;
	return sum;
}

/* gone once a module has loaded: not a probe point */
__attribute__((section(".init.text"))) int fixture_init(void);
__attribute__((section(".init.text"))) int fixture_init(void)
{
	return 0;
}
