/*
 * udp_lo 4|6 PORT N SIZE: bring the loopback interface up (the guest
 * boots with it down), then send N UDP datagrams of SIZE bytes from
 * 127.0.0.1:PORT+1 (or [::1]) to 127.0.0.1:PORT, and receive what arrives,
 * waiting at most two seconds for each.  Prints "received K of N".
 * Netfilter probes see each datagram at LOCAL_OUT, POST_ROUTING,
 * PRE_ROUTING and LOCAL_IN.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static void lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		fail("lo");
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			fail("lo up");
	}
	close(fd);
}

/* A socket bound to the loopback address of family at port. */
static int bound(int family, int port, struct sockaddr_storage *sa, socklen_t *len)
{
	int fd = socket(family, SOCK_DGRAM, 0);

	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = in6addr_loopback;
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)sa;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*s4);
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)sa, *len) < 0)
		fail("bind");
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage to, from;
	socklen_t tolen, fromlen;
	int family, port, n, size, rx, tx, i, got = 0;
	char buf[65536];

	if (argc != 5) {
		fprintf(stderr, "usage: udp_lo 4|6 PORT N SIZE\n");
		return 2;
	}
	family = atoi(argv[1]) == 6 ? AF_INET6 : AF_INET;
	port = atoi(argv[2]);
	n = atoi(argv[3]);
	size = atoi(argv[4]);
	if (size < 8 || size > (int)sizeof(buf))
		size = 8;
	lo_up();
	rx = bound(family, port, &to, &tolen);
	tx = bound(family, port + 1, &from, &fromlen);
	for (i = 0; i < n; i++) {
		memset(buf, '.', size);
		snprintf(buf, size, "pkt %d", i);
		if (sendto(tx, buf, size, 0, (struct sockaddr *)&to, tolen) != size)
			fail("sendto");
	}
	while (got < n) {
		struct pollfd p = { .fd = rx, .events = POLLIN };

		if (poll(&p, 1, 2000) <= 0)
			break;
		if (recv(rx, buf, sizeof(buf), 0) < 0)
			fail("recv");
		got++;
	}
	printf("received %d of %d\n", got, n);
	return 0;
}
