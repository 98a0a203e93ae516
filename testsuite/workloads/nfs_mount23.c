/*
 * nfs_mount23 VERSION DIR: mount the NFSv2 or v3 export of the kernel nfsd
 * at 127.0.0.1:2049 on DIR with mount(2)'s binary nfs_mount_data (version
 * 6), which carries the root file handle itself: no MOUNT protocol, so no
 * mountd, and the port is given, so no rpcbind query.  The handle is the
 * one nfsd gives an export root with fsid=0 (testsuite/workloads/
 * nfs3_loopback.sh): version 1, no auth, fsid type FSID_NUM, fileid type
 * FILEID_ROOT, fsid 0.  TCP, soft, no NLM, no NFSACL.  (Version 2 is not
 * exercised: Debian builds nfsd without it.)
 */
#include <arpa/inet.h>
#include <linux/nfs_mount.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

int main(int argc, char **argv)
{
	static const unsigned char root[] = { 1, 0, 1, 0, 0, 0, 0, 0 };
	struct nfs_mount_data d;
	int vers = argc == 3 ? atoi(argv[1]) : 0;

	if (vers != 2 && vers != 3) {
		fprintf(stderr, "usage: nfs_mount23 2|3 DIR\n");
		return 2;
	}
	memset(&d, 0, sizeof(d));
	d.version = 6;
	d.fd = -1;
	d.flags = NFS_MOUNT_TCP | NFS_MOUNT_SOFT | NFS_MOUNT_NONLM | NFS_MOUNT_NOACL |
		  (vers == 3 ? NFS_MOUNT_VER3 : 0);
	d.timeo = 100;
	d.retrans = 2;
	d.acregmin = 3;
	d.acregmax = 60;
	d.acdirmin = 30;
	d.acdirmax = 60;
	d.addr.sin_family = AF_INET;
	d.addr.sin_port = htons(2049);
	d.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	strcpy(d.hostname, "127.0.0.1");
	d.pseudoflavor = 1;	/* AUTH_UNIX */
	/* v2 takes a fixed-size handle from old_root; v3 its length and bytes */
	memcpy(d.old_root.data, root, sizeof(root));
	d.root.size = sizeof(root);
	memcpy(d.root.data, root, sizeof(root));
	if (mount("127.0.0.1:/", argv[2], "nfs", 0, &d)) {
		perror("nfs_mount23: mount");
		return 1;
	}
	return 0;
}
