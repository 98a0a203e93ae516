/*
 * rpcbind_stub: a stand-in for rpcbind on 127.0.0.1:111 (TCP and UDP) that
 * answers every call with an accepted, successful reply carrying the XDR
 * boolean TRUE: what the kernel's SET and UNSET calls want when nfsd and
 * lockd register their programs (the NFSv2/v3 test server needs them to
 * succeed; nothing asks it for a port).  It detaches and runs until killed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* xid, REPLY, MSG_ACCEPTED, AUTH_NULL verifier (flavor, length), SUCCESS, TRUE */
static size_t reply(const unsigned char *call, size_t len, uint32_t *out)
{
	uint32_t words[] = { 0, htonl(1), 0, 0, 0, 0, htonl(1) };

	if (len < 4)
		return 0;
	memcpy(&words[0], call, 4);
	memcpy(out, words, sizeof(words));
	return sizeof(words);
}

static int bound(int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(111) };
	int one = 1, fd = socket(AF_INET, type, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || (type == SOCK_STREAM && listen(fd, 8))) {
		perror("rpcbind_stub: 127.0.0.1:111");
		return -1;
	}
	return fd;
}

static void serve_udp(int fd)
{
	unsigned char buf[4096];
	uint32_t out[8];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	size_t r = n > 0 ? reply(buf, (size_t)n, out) : 0;

	if (r)
		sendto(fd, out, r, 0, (struct sockaddr *)&from, fl);
}

/* One record per call: a 4-byte record mark (last fragment, length), then
 * the call; a connection of its own process, as the kernel keeps it open. */
static void serve_tcp(int lfd)
{
	unsigned char buf[65536];
	uint32_t out[9];
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		return;
	if (fork() != 0) {
		close(fd);
		return;
	}
	close(lfd);
	for (;;) {
		uint32_t mark;
		size_t len, got = 0, r;

		if (read(fd, &mark, 4) != 4)
			break;
		len = ntohl(mark) & 0x7fffffff;
		while (got < len && got < sizeof(buf)) {
			ssize_t n = read(fd, buf + got, len - got);

			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got != len || !(r = reply(buf, len, out + 1)))
			break;
		out[0] = htonl(0x80000000u | (uint32_t)r);
		if (write(fd, out, r + 4) != (ssize_t)(r + 4))
			break;
	}
	_exit(0);
}

int main(void)
{
	struct pollfd p[2];

	p[0].fd = bound(SOCK_DGRAM);
	p[1].fd = bound(SOCK_STREAM);
	if (p[0].fd < 0 || p[1].fd < 0)
		return 1;
	p[0].events = p[1].events = POLLIN;
	if (daemon(0, 0))
		return 1;
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[0].revents & POLLIN)
			serve_udp(p[0].fd);
		if (p[1].revents & POLLIN)
			serve_tcp(p[1].fd);
	}
}
