/*
 * net_loop PORT BYTES: TCP and UDP over 127.0.0.1, for the networking
 * aliases' tests.  TCP: a listener on PORT, a client that sets TCP_NODELAY,
 * connects, sends BYTES bytes in one send(); the server accepts and reads
 * them all, then the client disconnects with connect(AF_UNSPEC).  UDP: a
 * socket bound to PORT + 1 receives one datagram of BYTES / 2 bytes from a
 * connected UDP socket, which then disconnects the same way.  Prints
 * "tcp=N udp=M" (the bytes received).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* connect(AF_UNSPEC): the protocol's disconnect. */
static int disconnect(int fd)
{
	struct sockaddr a;

	memset(&a, 0, sizeof(a));
	a.sa_family = AF_UNSPEC;
	return connect(fd, &a, sizeof(a));
}

static long tcp_round(int port, char *buf, long n)
{
	struct sockaddr_in a = loopback(port);
	int one = 1, l, c, s;
	long got = 0;
	ssize_t r;

	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
		return -1;
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    connect(c, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	s = accept(l, NULL, NULL);
	if (s < 0 || send(c, buf, (size_t)n, 0) != n)
		return -1;
	while (got < n && (r = recv(s, buf, (size_t)(n - got), 0)) > 0)
		got += r;
	if (disconnect(c))
		perror("tcp disconnect");
	close(s);
	close(c);
	close(l);
	return got;
}

static long udp_round(int port, char *buf, long n)
{
	struct sockaddr_in a = loopback(port);
	ssize_t r;
	int s, c;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	c = socket(AF_INET, SOCK_DGRAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) || send(c, buf, (size_t)n, 0) != n)
		return -1;
	r = recv(s, buf, (size_t)n, 0);
	if (disconnect(c))
		perror("udp disconnect");
	close(c);
	close(s);
	return r;
}

int main(int argc, char **argv)
{
	long n, tcp, udp;
	int port;
	char *buf;

	if (argc < 3) {
		fprintf(stderr, "usage: net_loop PORT BYTES\n");
		return 2;
	}
	port = atoi(argv[1]);
	n = strtol(argv[2], NULL, 0);
	buf = calloc(1, (size_t)n + 1);
	if (port <= 0 || port > 65534 || n < 2 || !buf) {
		fprintf(stderr, "net_loop: bad PORT or BYTES\n");
		return 2;
	}
	tcp = tcp_round(port, buf, n);
	if (tcp < 0) {
		perror("net_loop: tcp");
		return 1;
	}
	udp = udp_round(port + 1, buf, n / 2);
	if (udp < 0) {
		perror("net_loop: udp");
		return 1;
	}
	printf("tcp=%ld udp=%ld\n", tcp, udp);
	return 0;
}
