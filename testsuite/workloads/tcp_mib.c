/*
 * tcp_mib PORT: events the kernel counts in its Linux MIB (TcpExt in
 * /proc/net/netstat), over 127.0.0.1, for run/linuxmib_alias.stp.
 * - A listener on PORT with a backlog of 0 holds one finished connection
 *   it doesn't accept; a second client's SYN finds the accept queue full
 *   and is dropped (one ListenOverflows, one ListenDrops).  That client
 *   is closed at once, before its SYN is sent again.
 * - The accepted connection's server side turns quick ACKs off and gets
 *   one byte; it waits, so the delayed-ACK timer sends the ACK.  Then
 *   the client aborts the connection (a reset: a FIN would put the peer
 *   in delayed-ACK mode again, and race its timer with the close).
 * Prints the kernel's own counts of the three around it:
 * "ListenOverflows=N ListenDrops=N DelayedACKs=N".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const names[] = { "ListenOverflows", "ListenDrops", "DelayedACKs" };
#define NCOUNTS 3

/* /proc/net/netstat: a line of names, then a line of values, per group. */
static int netstat(long *v)
{
	char names_line[8192], values[8192];
	FILE *f = fopen("/proc/net/netstat", "r");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(names_line, sizeof(names_line), f) && fgets(values, sizeof(values), f)) {
		char *sn, *sv, *n = strtok_r(names_line, " \n", &sn), *val = strtok_r(values, " \n", &sv);

		if (!n || strcmp(n, "TcpExt:"))
			continue;
		while ((n = strtok_r(NULL, " \n", &sn)) && (val = strtok_r(NULL, " \n", &sv)))
			for (int i = 0; i < NCOUNTS; i++)
				if (!strcmp(n, names[i])) {
					v[i] = strtol(val, NULL, 10);
					found++;
				}
	}
	fclose(f);
	return found == NCOUNTS ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	long before[NCOUNTS], after[NCOUNTS];
	int one = 1, zero = 0, l, c1, c2, s;
	char byte = 'x';

	if (argc < 2 || atoi(argv[1]) <= 0 || atoi(argv[1]) > 65535) {
		fprintf(stderr, "usage: tcp_mib PORT\n");
		return 2;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (netstat(before)) {
		fprintf(stderr, "tcp_mib: no TcpExt counters in /proc/net/netstat\n");
		return 1;
	}
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 0))
		goto fail;
	c1 = socket(AF_INET, SOCK_STREAM, 0);
	if (c1 < 0 || connect(c1, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	/* the queue is full once the first connection is in it: the
	 * handshake's last ACK may still be on its way when connect()
	 * returns, and the listener is readable when it has arrived */
	if (poll(&(struct pollfd){ .fd = l, .events = POLLIN }, 1, 10000) != 1)
		goto fail;
	c2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c2 < 0 || (connect(c2, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EINPROGRESS))
		goto fail;
	close(c2);
	s = accept(l, NULL, NULL);
	if (s < 0 || setsockopt(s, IPPROTO_TCP, TCP_QUICKACK, &zero, sizeof(zero)) ||
	    send(c1, &byte, 1, 0) != 1 || recv(s, &byte, 1, 0) != 1)
		goto fail;
	usleep(500000);
	if (setsockopt(c1, SOL_SOCKET, SO_LINGER, &(struct linger){ .l_onoff = 1, .l_linger = 0 },
		       sizeof(struct linger)))
		goto fail;
	close(c1);
	close(s);
	close(l);
	if (netstat(after))
		goto fail;
	for (int i = 0; i < NCOUNTS; i++)
		printf("%s%s=%ld", i ? " " : "", names[i], after[i] - before[i]);
	printf("\n");
	return 0;
fail:
	perror("tcp_mib");
	return 1;
}
