/*
 * rpc_stub MOUNTPORT FHHEX: the two user-space RPC services an NFSv3
 * server needs, reduced to what nfs_loopback.sh's guest-local server asks
 * of them, so no nfs-utils or rpcbind is needed in the image:
 *
 *   rpcbind (100000, versions 2-4) on TCP 127.0.0.1:111: SET and UNSET
 *     say yes (the kernel's nfsd and lockd register their services with
 *     it and refuse to start when that fails); lookups say "unknown".
 *   mountd (100005, version 3) on TCP 127.0.0.1:MOUNTPORT: MNT of any path
 *     answers the file handle FHHEX (hex, as nfsd's "filehandle" file
 *     gives the export's root) with AUTH_UNIX; UMNT and NULL succeed.
 *
 * It puts itself in the background once both ports listen, and serves
 * until killed.  RPC over TCP (RFC 5531) with record marking; replies
 * are one fragment.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXCONN 32
#define MAXMSG 4096

enum { PROG_RPCBIND = 100000, PROG_MOUNT = 100005 };
enum { ACCEPT_OK = 0, PROG_UNAVAIL = 1, PROG_MISMATCH = 2, PROC_UNAVAIL = 3 };

static unsigned char fh[64];
static size_t fhlen;

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 8) < 0)
		fail("rpc_stub: listen");
	return fd;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void parse_fh(const char *s)
{
	if (s[0] == '\\' && s[1] == 'x')
		s += 2;
	while (s[0] && s[0] != '\n') {
		int hi = hexval(s[0]), lo = s[1] ? hexval(s[1]) : -1;

		if (hi < 0 || lo < 0 || fhlen == sizeof(fh)) {
			fprintf(stderr, "rpc_stub: bad file handle\n");
			exit(1);
		}
		fh[fhlen++] = hi << 4 | lo;
		s += 2;
	}
}

static int read_full(int fd, void *p, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, (char *)p + got, n - got);

		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

struct out { uint32_t w[MAXMSG / 4]; size_t n; };

static void put(struct out *o, uint32_t v) { o->w[o->n++] = htonl(v); }

static void put_opaque(struct out *o, const void *p, size_t len)
{
	put(o, len);
	memset(&o->w[o->n], 0, (len + 3) & ~3u);
	memcpy(&o->w[o->n], p, len);
	o->n += (len + 3) / 4;
}

static void rpcbind(struct out *o, uint32_t vers, uint32_t proc)
{
	if (vers < 2 || vers > 4) {
		put(o, PROG_MISMATCH), put(o, 2), put(o, 4);
		return;
	}
	if (proc > 3) {
		put(o, PROC_UNAVAIL);
		return;
	}
	put(o, ACCEPT_OK);
	if (proc == 1 || proc == 2)
		put(o, 1);			/* SET, UNSET: TRUE */
	else if (proc == 3)
		put(o, 0);			/* GETPORT 0, GETADDR "" */
}

static void mountd(struct out *o, uint32_t vers, uint32_t proc)
{
	static const uint32_t auth_unix = 1;

	if (vers != 3) {
		put(o, PROG_MISMATCH), put(o, 3), put(o, 3);
		return;
	}
	if (proc != 0 && proc != 1 && proc != 3) {
		put(o, PROC_UNAVAIL);
		return;
	}
	put(o, ACCEPT_OK);
	if (proc == 1) {
		put(o, 0);			/* MNT3_OK */
		put_opaque(o, fh, fhlen);
		put(o, 1), put(o, auth_unix);
	}
}

/* Answer one call on fd; -1 when the connection is done. */
static int serve_one(int fd)
{
	uint32_t hdr, m[MAXMSG / 4];
	struct out o = { .n = 1 };
	size_t len, i;

	if (read_full(fd, &hdr, 4) < 0)
		return -1;
	len = ntohl(hdr) & 0x7fffffff;
	if (len < 24 || len > sizeof(m) || read_full(fd, m, len) < 0)
		return -1;
	put(&o, ntohl(m[0]));			/* xid */
	put(&o, 1), put(&o, 0);			/* REPLY, MSG_ACCEPTED */
	put(&o, 0), put(&o, 0);			/* verifier AUTH_NONE */
	i = ntohl(m[3]);
	if (i == PROG_RPCBIND)
		rpcbind(&o, ntohl(m[4]), ntohl(m[5]));
	else if (i == PROG_MOUNT)
		mountd(&o, ntohl(m[4]), ntohl(m[5]));
	else
		put(&o, PROG_UNAVAIL);
	o.w[0] = htonl(0x80000000u | (uint32_t)((o.n - 1) * 4));
	return write(fd, o.w, o.n * 4) == (ssize_t)(o.n * 4) ? 0 : -1;
}

static void serve(int rpcb, int mnt)
{
	struct pollfd p[MAXCONN] = { { .fd = rpcb, .events = POLLIN }, { .fd = mnt, .events = POLLIN } };
	int n = 2;

	for (;;) {
		if (poll(p, n, -1) < 0)
			fail("rpc_stub: poll");
		for (int i = 0; i < n; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (i < 2) {
				int c = accept(p[i].fd, NULL, NULL);

				if (c >= 0 && n < MAXCONN)
					p[n++] = (struct pollfd){ .fd = c, .events = POLLIN };
				else if (c >= 0)
					close(c);
			} else if (serve_one(p[i].fd) < 0) {
				close(p[i].fd);
				p[i--] = p[--n];
			}
		}
	}
}

int main(int argc, char **argv)
{
	int rpcb, mnt;

	if (argc != 3) {
		fprintf(stderr, "usage: rpc_stub MOUNTPORT FHHEX\n");
		return 2;
	}
	parse_fh(argv[2]);
	rpcb = listen_on(111);
	mnt = listen_on(atoi(argv[1]));
	if (daemon(1, 0) < 0)
		fail("rpc_stub: daemon");
	serve(rpcb, mnt);
	return 0;
}
