/*
 * vm.c - taprun --vm and --vm-shell: run a module (or shell commands) in a
 * throw-away qemu guest booting one of the host's installed kernels.
 *
 * The host may not be able to load modules, or the module may be built for
 * another installed kernel.  So we boot /boot/vmlinuz-KVER (or the image of
 * a kernel unpacked into tapc's kernel cache, compiler/kernel_files.h)
 * under qemu (TCG) with an initramfs we write ourselves (cpio newc): static
 * busybox, KVER's own virtio/9p modules, this taprun binary, the module,
 * and guest-init.sh as /init.  The guest mounts the host's root read-only
 * over 9p and runs this taprun chrooted in it, so `-c CMD` can run any host
 * program.
 *
 * Two serial ports carry the traffic, each on a pair of FIFOs we create
 * (qemu's "pipe" chardev): ttyS0 is the kernel console and the command's
 * stderr, ending with the line @@TAPC-EXIT=N@@ which becomes our exit
 * status; ttyS1 is the command's stdout, raw.  On SIGINT/SIGTERM/SIGHUP we
 * ask the guest to SIGINT the command (bytes on ttyS1, and a file "stop" in
 * our work directory, which the guest sees read-only over 9p), so Ctrl-C on
 * the host still runs the module's end probes and their output comes back;
 * a second signal is passed on the same way ("force": the guest's taprun
 * gets a second SIGINT and unloads without waiting), and a third, or a
 * forced guest that has not ended after VM_FORCE_GRACE seconds, kills qemu.
 */
#define _GNU_SOURCE
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lzma.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "kernel_files.h"
#include "outfile.h"
#include "vm.h"

#ifndef QEMU_PATH
#define QEMU_PATH "qemu-system-x86_64"
#endif
#ifndef BUSYBOX_PATH
#define BUSYBOX_PATH "/bin/busybox"
#endif

#define VM_EXIT_USAGE 2
#define VM_EXIT_TIMEOUT 124
#define VM_EXIT_NOSTATUS 125
#define VM_MAX_SHARES 8
#define VM_FORCE_GRACE 30	/* s a forced guest gets before it is killed */
#define EXIT_MARKER "@@TAPC-EXIT="
#define READY_MARKER "@@TAPC-READY@@"

struct vm_opts {
	bool shell;		/* --vm-shell: run commands, not a module */
	const char *kernel;	/* --kernel KVER or image path */
	int smp, mem, timeout;	/* timeout 0: none */
	const char *accel;	/* tcg or kvm */
	const char *append;	/* extra kernel command line */
	bool boot_verbose;	/* keep kernel boot messages */
	const char *keep;	/* keep the work directory here */
	const char *outfile;	/* -o: host file for the guest's stdout */
	const char *command;	/* -c, for the guest's taprun */
	bool command_moved;	/* --chroot or --cwd: it runs elsewhere */
	const char *shares[VM_MAX_SHARES];
	int nshares;
	char **qemu_extra;	/* --qemu ARG, each one word */
	int nqemu_extra;
	const char *module;	/* host path of MODULE.ko */
	char **guest_args;	/* taprun's options and module params */
	int nguest_args;
	int module_at;		/* index in guest_args where the module goes */
	char *commands;		/* --vm-shell commands */
	bool verbose;		/* -v given: also say what the VM does */
};

/* The virtio/9p chain the guest insmods, in dependency order. */
static const char *const vm_chain[][2] = {
	{ "drivers/virtio", "virtio_ring" },
	{ "drivers/virtio", "virtio" },
	{ "drivers/virtio", "virtio_pci_legacy_dev" },
	{ "drivers/virtio", "virtio_pci_modern_dev" },
	{ "drivers/virtio", "virtio_pci" },
	{ "net/9p", "9pnet" },
	{ "fs/netfs", "netfs" },
	{ "fs/fscache", "fscache" },
	{ "net/9p", "9pnet_virtio" },
	{ "fs/9p", "9p" },
};

static void vm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void vm_err(const char *fmt, ...)
{
	va_list ap;

	fputs("taprun: --vm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		vm_err("out of memory");
		exit(VM_EXIT_USAGE);
	}
	return p;
}

/* A growable byte buffer, for files, the cpio image and generated text. */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append s as one shell word: single quotes, with ' written as '\''. */
static void buf_quote(struct buf *b, const char *s)
{
	buf_str(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			buf_str(b, "'\\''");
		else
			buf_add(b, s, 1);
	}
	buf_str(b, "'");
}

static bool read_file(const char *path, struct buf *b)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(b, chunk, (size_t)n);
	close(fd);
	return n == 0;
}

static bool write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			poll(&pfd, 1, -1);
			continue;
		}
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/*
 * ELF helpers: the module's vermagic and whether busybox is static.  Only
 * 64-bit little-endian files are expected (x86_64 modules and programs).
 */
static const Elf64_Ehdr *elf_header(const struct buf *f)
{
	const Elf64_Ehdr *eh = (const void *)f->p;

	if (f->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64)
		return NULL;
	return eh;
}

/* Returns section NAME's bytes and size, or NULL. */
static const char *elf_section(const struct buf *f, const char *name, size_t *size)
{
	const Elf64_Ehdr *eh = elf_header(f);
	const Elf64_Shdr *sh, *strs;

	if (!eh || eh->e_shoff == 0 || eh->e_shstrndx >= eh->e_shnum ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(*sh) > f->len)
		return NULL;
	sh = (const void *)(f->p + eh->e_shoff);
	strs = &sh[eh->e_shstrndx];
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_name >= strs->sh_size || sh[i].sh_offset + sh[i].sh_size > f->len ||
		    strs->sh_offset + strs->sh_size > f->len)
			continue;
		if (strcmp(f->p + strs->sh_offset + sh[i].sh_name, name) == 0) {
			*size = sh[i].sh_size;
			return f->p + sh[i].sh_offset;
		}
	}
	return NULL;
}

/* The kernel release a module was built for: first word of vermagic=. */
static char *module_release(const char *path)
{
	struct buf f = { 0 };
	const char *info, *end;
	size_t size;
	char *rel = NULL;

	if (!read_file(path, &f)) {
		vm_err("cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	info = elf_section(&f, ".modinfo", &size);
	for (end = info + size; info && info < end; info += strlen(info) + 1) {
		if (strncmp(info, "vermagic=", 9) == 0) {
			rel = strndup(info + 9, strcspn(info + 9, " "));
			break;
		}
	}
	if (!rel)
		vm_err("%s has no vermagic in .modinfo (not a kernel module?)", path);
	free(f.p);
	return rel;
}

static bool elf_is_static(const struct buf *f)
{
	const Elf64_Ehdr *eh = elf_header(f);
	const Elf64_Phdr *ph;

	if (!eh || eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph) > f->len)
		return false;
	ph = (const void *)(f->p + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_INTERP)
			return false;
	return true;
}

/* Decompress an .xz file (Debian ships 6.12's modules as .ko.xz). */
static bool xz_decode(const struct buf *in, struct buf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint8_t chunk[65536];
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return false;
	s.next_in = (const uint8_t *)in->p;
	s.avail_in = in->len;
	do {
		s.next_out = chunk;
		s.avail_out = sizeof(chunk);
		r = lzma_code(&s, LZMA_FINISH);
		buf_add(out, chunk, sizeof(chunk) - s.avail_out);
	} while (r == LZMA_OK);
	lzma_end(&s);
	return r == LZMA_STREAM_END;
}

/*
 * A cpio "newc" archive, the format the kernel unpacks as initramfs: per
 * entry a 110-byte ASCII header, the name, the data, each padded to 4.
 */
struct cpio {
	struct buf b;
	unsigned ino;
};

static void cpio_pad(struct cpio *c)
{
	while (c->b.len % 4)
		buf_add(&c->b, "", 1);
}

static void cpio_entry(struct cpio *c, const char *name, unsigned mode, unsigned rdev_major,
		       unsigned rdev_minor, const void *data, size_t len)
{
	char hdr[160];

	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ++c->ino, mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, (unsigned)len, 0u, 0u,
		 rdev_major, rdev_minor, (unsigned)strlen(name) + 1, 0u);
	buf_add(&c->b, hdr, 110);
	buf_add(&c->b, name, strlen(name) + 1);
	cpio_pad(c);
	if (len)
		buf_add(&c->b, data, len);
	cpio_pad(c);
}

static void cpio_dir(struct cpio *c, const char *name)
{
	cpio_entry(c, name, S_IFDIR | 0755, 0, 0, NULL, 0);
}

static void cpio_file(struct cpio *c, const char *name, unsigned perm, const struct buf *data)
{
	cpio_entry(c, name, S_IFREG | perm, 0, 0, data->p, data->len);
}

static void cpio_text(struct cpio *c, const char *name, unsigned perm, const char *text)
{
	cpio_entry(c, name, S_IFREG | perm, 0, 0, text, strlen(text));
}

/* Copy a host file into the archive; false (with a message) if unreadable. */
static bool cpio_host_file(struct cpio *c, const char *name, unsigned perm, const char *path)
{
	struct buf f = { 0 };
	bool ok = read_file(path, &f);

	if (ok)
		cpio_file(c, name, perm, &f);
	else
		vm_err("cannot read %s: %s", path, strerror(errno));
	free(f.p);
	return ok;
}

static void usage(FILE *to)
{
	fputs("usage: taprun --vm [VM OPTIONS] [TAPRUN OPTIONS] MODULE.ko [PARAM=VALUE...]\n"
	      "       taprun --vm-shell [VM OPTIONS] [-o FILE] 'SHELL COMMANDS'\n"
	      "VM options:\n"
	      "  --kernel KVER|PATH  kernel to boot (default: the module's vermagic release;\n"
	      "                      for --vm-shell the newest kernel image, in /boot\n"
	      "                      or in tapc's kernel cache)\n"
	      "  --smp N             virtual CPUs (default 1)\n"
	      "  --mem MB            guest memory (default 512)\n"
	      "  --timeout S         kill the guest after S seconds, exit 124 (default: none)\n"
	      "  --share DIR         mount host DIR read-write at the same path in the guest\n"
	      "  --accel tcg|kvm     qemu accelerator (default tcg; with --smp > 1,\n"
	      "                      single-threaded tcg: see taprun(1))\n"
	      "  --append ARGS       extra kernel command-line arguments\n"
	      "  --qemu ARG          one extra qemu argument (repeatable)\n"
	      "  --boot-verbose      show the kernel's boot messages\n"
	      "  --keep DIR          keep the initramfs and logs in DIR\n"
	      "The guest runs this taprun chrooted in the host's root (read-only, /tmp a\n"
	      "tmpfs), in the current directory; -o FILE is written on the host.\n",
	      to);
}

static bool parse_int(const char *opt, const char *s, int min, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = s ? strtol(s, &end, 10) : 0;
	if (!s || errno || *end || v < min || v > INT_MAX) {
		vm_err("%s needs a number >= %d", opt, min);
		return false;
	}
	*out = (int)v;
	return true;
}

/* taprun options that take a separate value (copied along with them). */
static bool taprun_opt_has_value(const char *a)
{
	return (a[0] == '-' && a[1] && strchr("cxTso", a[1]) && a[2] == '\0') ||
	       !strcmp(a, "--cwd") || !strcmp(a, "--chroot") || !strcmp(a, "--target-namespace");
}

/*
 * One VM option at argv[*i]; returns 1 if taken (advancing *i past its
 * value), 0 if argv[*i] is not a VM option, -1 on error.
 */
static int parse_vm_opt(struct vm_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;

	if (!strcmp(a, "--boot-verbose")) {
		o->boot_verbose = true;
		return 1;
	}
	if (strcmp(a, "--kernel") && strcmp(a, "--smp") && strcmp(a, "--mem") &&
	    strcmp(a, "--timeout") && strcmp(a, "--share") && strcmp(a, "--accel") &&
	    strcmp(a, "--append") && strcmp(a, "--qemu") && strcmp(a, "--keep"))
		return 0;
	if (!v) {
		vm_err("%s needs a value", a);
		return -1;
	}
	(*i)++;
	if (!strcmp(a, "--kernel"))
		o->kernel = v;
	else if (!strcmp(a, "--smp"))
		return parse_int(a, v, 1, &o->smp) ? 1 : -1;
	else if (!strcmp(a, "--mem"))
		return parse_int(a, v, 64, &o->mem) ? 1 : -1;
	else if (!strcmp(a, "--timeout"))
		return parse_int(a, v, 0, &o->timeout) ? 1 : -1;
	else if (!strcmp(a, "--accel"))
		o->accel = v;
	else if (!strcmp(a, "--append"))
		o->append = v;
	else if (!strcmp(a, "--keep"))
		o->keep = v;
	else if (!strcmp(a, "--qemu")) {
		o->qemu_extra = xrealloc(o->qemu_extra, sizeof(char *) * (size_t)(o->nqemu_extra + 1));
		o->qemu_extra[o->nqemu_extra++] = (char *)v;
	} else if (o->nshares == VM_MAX_SHARES) {
		vm_err("at most %d --share directories", VM_MAX_SHARES);
		return -1;
	} else
		o->shares[o->nshares++] = v;
	return 1;
}

static void guest_arg(struct vm_opts *o, char *a)
{
	o->guest_args = xrealloc(o->guest_args, sizeof(char *) * (size_t)(o->nguest_args + 1));
	o->guest_args[o->nguest_args++] = a;
}

/*
 * VM options may come anywhere before the module (or the commands).  In
 * --vm mode the other options are taprun's own and go to the guest's
 * taprun, except -o FILE, which is written on the host.
 */
static bool parse_args(struct vm_opts *o, int argc, char **argv)
{
	int i, r;

	o->shell = strcmp(argv[1], "--vm-shell") == 0;
	o->smp = 1;
	o->mem = 512;
	o->accel = "tcg";
	o->module_at = -1;
	for (i = 2; i < argc; i++) {
		char *a = argv[i];

		if (o->module || o->commands) {	/* module params, more commands */
			if (o->shell) {
				size_t n = strlen(o->commands);

				o->commands = xrealloc(o->commands, n + strlen(a) + 2);
				sprintf(o->commands + n, " %s", a);
			} else
				guest_arg(o, a);
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		}
		r = parse_vm_opt(o, argc, argv, &i);
		if (r < 0)
			return false;
		if (r > 0)
			continue;
		if (!strcmp(a, "-o") && i + 1 < argc) {
			o->outfile = argv[++i];
		} else if (!strcmp(a, "-v")) {
			o->verbose = true;
			guest_arg(o, a);
		} else if (!o->shell && (!strcmp(a, "-F") || !strcmp(a, "-b") || !strcmp(a, "-L") ||
					 !strcmp(a, "-A") || !strcmp(a, "-d") || !strcmp(a, "--merge"))) {
			/* the guest, and what it keeps, goes when its taprun returns */
			vm_err("%s is not taken with --vm: the guest ends with its taprun", a);
			return false;
		} else if (a[0] == '-' && a[1] && !o->shell) {
			guest_arg(o, a);
			if (!strcmp(a, "-c") && i + 1 < argc)
				o->command = argv[i + 1];
			o->command_moved |= !strcmp(a, "--chroot") || !strcmp(a, "--cwd");
			if (taprun_opt_has_value(a) && i + 1 < argc)
				guest_arg(o, argv[++i]);
		} else if (a[0] == '-' && a[1]) {
			vm_err("unknown option %s", a);
			return false;
		} else if (o->shell) {
			o->commands = strdup(a);
		} else {
			o->module = a;
			o->module_at = o->nguest_args;
		}
	}
	if (o->shell ? !o->commands : !o->module) {
		usage(stderr);
		return false;
	}
	return true;
}

/* kfiles_each_image(): keep the newest release, by version order. */
static void keep_newest(const char *release, void *arg)
{
	char **best = arg;

	if (!*best || strverscmp(release, *best) > 0) {
		free(*best);
		*best = strdup(release);
	}
}

/* The newest release with an image in /boot or tapc's kernel cache. */
static char *newest_release(void)
{
	char *best = NULL;

	kfiles_each_image(keep_newest, &best);
	return best;
}

/*
 * Which kernel to boot: *image and *release.  --kernel is a release or an
 * image path (its release read from a vmlinuz-RELEASE name, else the
 * module's); without it, the module's vermagic release.
 */
static bool pick_kernel(const struct vm_opts *o, char **image, char **release)
{
	const char *k = o->kernel;

	*release = NULL;
	if (k && strchr(k, '/')) {
		const char *base = strrchr(k, '/') + 1;

		*image = strdup(k);
		if (!strncmp(base, "vmlinuz-", 8) && base[8])
			*release = strdup(base + 8);
	} else if (k) {
		*release = strdup(k);
	}
	if (!*release && o->module) {
		*release = module_release(o->module);
		if (!*release)
			return false;	/* module_release() said why */
	} else if (!*release && !k)
		*release = newest_release();
	if (!*release) {
		vm_err(k ? "cannot tell the release of kernel %s (name it vmlinuz-RELEASE)"
			 : "no kernel given and none found in /boot or tapc's kernel cache "
			   "(scripts/vm-kernel.sh gets one)", k);
		return false;
	}
	if (!k || !strchr(k, '/')) {
		*image = kfiles_image(*release);
		if (!*image) {
			vm_err("no image of kernel %s: no /boot/vmlinuz-%s and none in tapc's kernel cache%s",
			       *release, *release, o->module && !k ? " (the release the module was built for)" : "");
			return false;
		}
	}
	if (access(*image, R_OK) != 0) {
		vm_err("kernel image %s: %s%s", *image, strerror(errno),
		       o->module && !k ? " (the release the module was built for)" : "");
		return false;
	}
	return true;
}

/* Staging the 9p chain: which module files are in the initramfs already. */
struct chain {
	struct cpio *c;
	const char *moddir;	/* the kernel's modules (kfiles_modules()) */
	struct buf dep;		/* KVER's modules.dep, empty if unreadable */
	char *done[64];
	int ndone;
};

/* The dependency list modules.dep gives for RELPATH, or NULL. */
static char *dep_list(const struct chain *ch, const char *relpath)
{
	size_t n = strlen(relpath);

	for (char *l = ch->dep.p; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (!strncmp(l, relpath, n) && l[n] == ':')
			return strndup(l + n + 1, strcspn(l + n + 1, "\n"));
	}
	return NULL;
}

/*
 * Stage MODDIR/RELPATH (decompressed) after its modules.dep dependencies,
 * numbered so the guest's glob insmods them in this order.
 */
static bool stage_module(struct chain *ch, const char *relpath, int depth)
{
	char path[PATH_MAX + 256], name[PATH_MAX], *deps, *w, *base;
	struct buf f = { 0 }, plain = { 0 };
	bool xz = strlen(relpath) > 3 && !strcmp(relpath + strlen(relpath) - 3, ".xz");

	for (int i = 0; i < ch->ndone; i++)
		if (!strcmp(ch->done[i], relpath))
			return true;
	if (depth > 8 || ch->ndone == 64)
		return true;
	deps = dep_list(ch, relpath);
	/* modules.dep lists the deepest dependency last: load from the end. */
	while (deps && (w = strrchr(deps, ' ')) != NULL) {
		*w = '\0';
		if (w[1] && !stage_module(ch, w + 1, depth + 1))
			return false;
	}
	free(deps);
	snprintf(path, sizeof(path), "%s/%s", ch->moddir, relpath);
	if (!read_file(path, &f) || (xz && !xz_decode(&f, &plain))) {
		vm_err("cannot read %s%s", path, xz ? " (xz)" : "");
		return false;
	}
	base = strrchr(relpath, '/') ? strrchr(relpath, '/') + 1 : (char *)relpath;
	snprintf(name, sizeof(name), "lib/tapc/%02d-%.*s", ch->ndone, (int)strcspn(base, "."), base);
	strcat(name, ".ko");
	cpio_file(ch->c, name, 0644, xz ? &plain : &f);
	ch->done[ch->ndone++] = strdup(relpath);
	free(f.p);
	free(plain.p);
	return true;
}

/* KVER's virtio/9p modules; pieces built in or not shipped are skipped. */
static bool stage_chain(struct cpio *c, const char *release)
{
	char *moddir = kfiles_modules(release);
	struct chain ch = { .c = c, .moddir = moddir };
	char path[PATH_MAX + 256], rel[PATH_MAX];
	bool ok = true;

	if (!moddir)	/* no modules: the chain is built in, or the guest says it can't mount */
		return true;
	snprintf(path, sizeof(path), "%s/modules.dep", moddir);
	read_file(path, &ch.dep);
	cpio_dir(c, "lib");
	cpio_dir(c, "lib/tapc");
	for (size_t i = 0; ok && i < sizeof(vm_chain) / sizeof(vm_chain[0]); i++) {
		snprintf(rel, sizeof(rel), "kernel/%s/%s.ko", vm_chain[i][0], vm_chain[i][1]);
		snprintf(path, sizeof(path), "%s/%s", moddir, rel);
		if (access(path, R_OK) != 0) {
			strcat(rel, ".xz");
			strcat(path, ".xz");
			if (access(path, R_OK) != 0)
				continue;
		}
		ok = stage_module(&ch, rel, 0);
	}
	for (int i = 0; i < ch.ndone; i++)
		free(ch.done[i]);
	free(ch.dep.p);
	free(moddir);
	return ok;
}

/*
 * The guest's /init: guest-init.sh, found via $TAPC_GUEST_INIT, next to
 * this binary (build tree), the install directory, or the source tree.
 */
static bool stage_init(struct cpio *c, const char *self)
{
	char here[PATH_MAX];
	const char *dirs[] = { NULL, PKGLIBEXECDIR,
#ifdef RUNNER_SRCDIR
			       RUNNER_SRCDIR,
#endif
	};
	const char *env = getenv("TAPC_GUEST_INIT");
	char *slash;

	if (env)
		return cpio_host_file(c, "init", 0755, env);
	snprintf(here, sizeof(here), "%s", self);
	slash = strrchr(here, '/');
	if (slash)
		*slash = '\0';
	dirs[0] = here;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/guest-init.sh", dirs[i]);
		if (access(path, R_OK) == 0)
			return cpio_host_file(c, "init", 0755, path);
	}
	vm_err("cannot find guest-init.sh (set TAPC_GUEST_INIT)");
	return false;
}

static bool stage_busybox(struct cpio *c)
{
	const char *path = BUSYBOX_PATH;
	struct buf f = { 0 };
	bool ok;

	if (access(path, X_OK) != 0)
		path = "/usr/bin/busybox";
	if (access(path, X_OK) != 0)
		path = "/bin/busybox";
	ok = read_file(path, &f);
	if (!ok)
		vm_err("cannot read busybox (%s): %s (install busybox-static)", path, strerror(errno));
	else if (!(ok = elf_is_static(&f)))
		vm_err("%s is not statically linked (install busybox-static)", path);
	else
		cpio_file(c, "bin/busybox", 0755, &f);
	free(f.p);
	return ok;
}

/* /tapc/run.sh, run by the host's /bin/sh chrooted in the host's root. */
static char *run_script(const struct vm_opts *o, const char *cwd, const char *modname)
{
	struct buf b = { 0 };

	/* The host's /tmp is hidden by the guest's tmpfs: a cwd there is recreated empty. */
	buf_str(&b, "echo $$ > /tmp/.tapc/pid\nd=");
	buf_quote(&b, cwd);
	buf_str(&b, "\ncd \"$d\" 2>/dev/null || { mkdir -p \"$d\" && cd \"$d\" &&\n"
		    "  echo \"tapc-vm: note: $d is empty in the guest (host /tmp is not shared;"
		    " see --share)\" >&2; } || exit 125\nunset d\nPATH=/tmp/.tapc/bin:$PATH\nTAPRUN=/tmp/.tapc/bin/taprun\n"
		    "export PATH TAPRUN\n");
	if (o->shell) {
		buf_str(&b, o->commands);
		buf_str(&b, "\n");
		return b.p;
	}
	buf_str(&b, "exec /tmp/.tapc/bin/taprun");
	for (int i = 0; i <= o->nguest_args; i++) {
		if (i == o->module_at) {
			buf_str(&b, " /tmp/");
			buf_quote(&b, modname);
		}
		if (i < o->nguest_args) {
			buf_str(&b, " ");
			buf_quote(&b, o->guest_args[i]);
		}
	}
	buf_str(&b, "\n");
	return b.p;
}

static char *vm_conf(const struct vm_opts *o, const char *modname, char **shares)
{
	struct buf b = { 0 };
	char line[64];

	buf_str(&b, o->shell ? "TAPC_MODE=shell\n" : "TAPC_MODE=vm\n");
	buf_str(&b, "TAPC_MODULE=");
	buf_quote(&b, modname ? modname : "");
	snprintf(line, sizeof(line), "\nTAPC_NSHARES=%d\n", o->nshares);
	buf_str(&b, line);
	for (int i = 0; i < o->nshares; i++) {
		snprintf(line, sizeof(line), "TAPC_SHARE_%d=", i);
		buf_str(&b, line);
		buf_quote(&b, shares[i]);
		buf_str(&b, "\n");
	}
	return b.p;
}

/* Write the whole initramfs to PATH. */
static bool build_initramfs(const struct vm_opts *o, const char *release, char **shares,
			    const char *path)
{
	static const char *const dirs[] = { "bin", "dev", "proc", "sys", "tmp", "host",
					    "tapc", "tapc/bin", "tapc/mod" };
	struct cpio c = { 0 };
	char self[PATH_MAX], cwd[PATH_MAX], modpath[PATH_MAX];
	const char *modname = o->module ? strrchr(o->module, '/') : NULL;
	char *text;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int fd;
	bool ok;

	modname = modname ? modname + 1 : o->module;
	if (n < 0 || !getcwd(cwd, sizeof(cwd))) {
		vm_err("cannot find this program or the current directory: %s", strerror(errno));
		return false;
	}
	self[n] = '\0';
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cpio_dir(&c, dirs[i]);
	cpio_entry(&c, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
	ok = stage_busybox(&c) && stage_init(&c, self) && stage_chain(&c, release) &&
	     cpio_host_file(&c, "tapc/bin/taprun", 0755, self);
	if (ok && o->module) {
		snprintf(modpath, sizeof(modpath), "tapc/mod/%s", modname);
		ok = cpio_host_file(&c, modpath, 0644, o->module);
	}
	if (!ok)
		return false;
	text = run_script(o, cwd, modname);
	cpio_text(&c, "tapc/run.sh", 0644, text);
	free(text);
	text = vm_conf(o, modname, shares);
	cpio_text(&c, "tapc/vm.conf", 0644, text);
	free(text);
	cpio_entry(&c, "TRAILER!!!", 0, 0, 0, NULL, 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ok = fd >= 0 && write_all(fd, c.b.p, c.b.len);
	if (fd >= 0)
		close(fd);
	if (!ok)
		vm_err("cannot write %s: %s", path, strerror(errno));
	free(c.b.p);
	return ok;
}

/* qemu's option syntax: a comma inside a value is written twice. */
static char *qemu_escape(const char *s)
{
	struct buf b = { 0 };

	buf_add(&b, "", 0);
	for (; *s; s++)
		buf_add(&b, *s == ',' ? ",," : s, *s == ',' ? 2 : 1);
	return b.p;
}

struct argv_list {
	char **v;
	int n;
};

static void argv_add(struct argv_list *a, const char *opt, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append OPT (unless NULL), then the formatted value. */
static void argv_add(struct argv_list *a, const char *opt, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	a->v = xrealloc(a->v, sizeof(char *) * (size_t)(a->n + 3));
	if (opt)
		a->v[a->n++] = (char *)opt;
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static struct argv_list qemu_argv(const struct vm_opts *o, const char *image, const char *work,
				  char **shares)
{
	struct argv_list a = { 0 };
	char *e = qemu_escape(work);

	argv_add(&a, NULL, "%s", QEMU_PATH);
	/*
	 * Multi-threaded TCG (one host thread per vCPU) crashes Debian's 6.1
	 * guest when a kprobe is disarmed while another vCPU runs the probed
	 * code: a jump to address 0, reproduced with the hand-written module
	 * of bench/baseline and no tapc code loaded.  Round-robin TCG (one
	 * thread for all vCPUs) ran the same load/unload cycles clean, and the
	 * guest still has several CPUs, each firing probes.
	 */
	if (!strcmp(o->accel, "tcg") && o->smp > 1)
		argv_add(&a, "-accel", "%s", "tcg,thread=single");
	else
		argv_add(&a, "-accel", "%s", o->accel);
	argv_add(&a, "-cpu", "%s", strcmp(o->accel, "kvm") ? "max" : "host");
	argv_add(&a, "-smp", "%d", o->smp);
	argv_add(&a, "-m", "%d", o->mem);
	argv_add(&a, "-display", "none");
	argv_add(&a, NULL, "-nodefaults");
	argv_add(&a, NULL, "-no-reboot");
	argv_add(&a, "-kernel", "%s", image);
	argv_add(&a, "-initrd", "%s/initramfs.cpio", work);
	/*
	 * loglevel=1 keeps kernel chatter out of the command's stderr (trouble
	 * is reported from dmesg at the end; panics still show); no_timer_check:
	 * a busy host slows TCG enough to fail the 8254 timer check.
	 */
	argv_add(&a, "-append", "console=ttyS0 %spanic=-1 no_timer_check %s",
		 o->boot_verbose ? "" : "quiet loglevel=1 ", o->append ? o->append : "");
	argv_add(&a, "-chardev", "pipe,id=con,path=%s/con", e);
	argv_add(&a, "-serial", "chardev:con");
	argv_add(&a, "-chardev", "pipe,id=out,path=%s/out", e);
	argv_add(&a, "-serial", "chardev:out");
	argv_add(&a, "-virtfs", "local,path=/,mount_tag=host,security_model=none,readonly=on,"
		 "multidevs=remap");
	argv_add(&a, "-virtfs", "local,path=%s,mount_tag=tapcctl,security_model=none,readonly=on", e);
	free(e);
	for (int i = 0; i < o->nshares; i++) {
		e = qemu_escape(shares[i]);
		argv_add(&a, "-virtfs", "local,path=%s,mount_tag=share%d,security_model=none,"
			 "multidevs=remap", e, i);
		free(e);
	}
	for (int i = 0; i < o->nqemu_extra; i++)
		argv_add(&a, NULL, "%s", o->qemu_extra[i]);
	return a;
}

/* The state of one guest run on the host side. */
struct vm_run {
	pid_t qemu;
	bool qemu_done;
	int qemu_status;
	int con_fd, out_fd, stop_fd, sig_fd, dest_fd;
	const char *dest_name;	/* "stdout" or the -o file */
	int dest_errno;		/* first failed write of the guest's stdout */
	unsigned long long lost;	/* bytes not written after it */
	struct buf line;	/* partial console line */
	int exit_status;	/* from @@TAPC-EXIT=N@@, -1 until seen */
	int stop_requests;	/* SIGINT/SIGTERM/SIGHUP received (see on_signal()) */
	int sig_forwarded, sig_direct, last_signal;
	double force_first;	/* when the force request first went out, or 0 */
	bool ready;		/* the guest listens for stop requests */
	const char *work;	/* work directory, shared with the guest at /ctl */
	double stop_sent;	/* when the last stop request went out */
	bool timed_out, killed;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Start qemu in its own process group: Ctrl-C on the terminal is ours to relay. */
static bool qemu_start(struct vm_run *r, struct argv_list *a, const char *work,
		       const sigset_t *oldmask)
{
	char log[PATH_MAX + 32];

	snprintf(log, sizeof(log), "%s/qemu.log", work);
	r->qemu = fork();
	if (r->qemu < 0) {
		vm_err("fork: %s", strerror(errno));
		return false;
	}
	if (r->qemu == 0) {
		int in = open("/dev/null", O_RDONLY), lf = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		if (in < 0 || lf < 0 || dup2(in, 0) < 0 || dup2(lf, 1) < 0 || dup2(lf, 2) < 0)
			_exit(127);
		execvp(a->v[0], a->v);
		fprintf(stderr, "cannot run %s: %s\n", a->v[0], strerror(errno));
		_exit(127);
	}
	return true;
}

/* One complete console line (no '\n'): the exit marker, or stderr text. */
static void console_line(struct vm_run *r, char *s, bool newline)
{
	char *m = strstr(s, EXIT_MARKER);

	if (m) {
		int n;
		char tail[3] = "";

		if (sscanf(m + strlen(EXIT_MARKER), "%d%2s", &n, tail) == 2 && !strcmp(tail, "@@")) {
			r->exit_status = n;
			*m = '\0';
			newline = *s != '\0';
		}
	} else if (strstr(s, READY_MARKER)) {
		r->ready = true;
		return;
	} else if (strstr(s, "reboot: Power down")) {
		return;
	}
	fputs(s, stderr);
	if (newline)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Hand the buffered console line on and start a new one. */
static void console_flush(struct vm_run *r, bool newline)
{
	buf_add(&r->line, "", 0);	/* allocated and terminated even if empty */
	console_line(r, r->line.p, newline);
	r->line.len = 0;
	r->line.p[0] = '\0';
}

static void console_feed(struct vm_run *r, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r')
			continue;
		if (p[i] == '\n') {
			console_flush(r, true);
			continue;
		}
		if (r->line.len >= 4096)
			console_flush(r, false);
		buf_add(&r->line, &p[i], 1);
	}
}

/* The guest's stdout could not be written here (a full disk, an I/O
 * error, a reader gone): say so once, stop the guest's command, count
 * what is lost, and fail the run. */
static void dest_failed(struct vm_run *r, int err, size_t n)
{
	if (!r->dest_errno) {
		r->dest_errno = err ? err : EIO;
		vm_err("cannot write the output to %s: %s", r->dest_name, strerror(r->dest_errno));
	}
	r->lost += n;
}

/* Relay what is there on the console or stdout port; > 0 if anything was. */
static ssize_t pump(struct vm_run *r, int fd)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n <= 0)
		return n;
	if (fd == r->con_fd)
		console_feed(r, chunk, (size_t)n);
	else if (r->dest_errno)
		r->lost += (size_t)n;
	else if (!write_all(r->dest_fd, chunk, (size_t)n))
		dest_failed(r, errno, (size_t)n);
	return n;
}

static void kill_guest(struct vm_run *r, const char *why)
{
	if (r->killed)
		return;
	vm_err("%s: killing the guest", why);
	kill(r->qemu, SIGKILL);
	r->killed = true;
}

/*
 * A signal asks the guest's command to stop; a second one forces it (the
 * guest's taprun then stops waiting for output and for its -c command),
 * and a third kills the guest.  tapc passes its signals on to us, and a
 * Ctrl-C or a signal to the process group reaches tapc and us alike: the
 * larger of the two counts (from our parent, from anyone else) is what
 * was meant, as in taprun's native mode.
 */
static void on_signal(struct vm_run *r)
{
	struct signalfd_siginfo si;

	while (read(r->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			if (waitpid(r->qemu, &r->qemu_status, WNOHANG) == r->qemu)
				r->qemu_done = true;
			continue;
		}
		if (si.ssi_code == SI_USER && (pid_t)si.ssi_pid == getppid())
			r->sig_forwarded++;
		else
			r->sig_direct++;
		r->last_signal = (int)si.ssi_signo;
		r->stop_requests = r->sig_forwarded > r->sig_direct ? r->sig_forwarded : r->sig_direct;
		if (r->stop_requests > 2)
			kill_guest(r, "third signal");
	}
}

/*
 * Ask the guest to stop.  The file WORK/stop, which the guest polls, always
 * gets there; the bytes on ttyS1 are quicker.  Those go out once the guest
 * said it is ready (a byte sent earlier would be echoed by the not yet raw
 * ttyS1), then again every 2 s in case one was lost; a burst, because the
 * guest's UART reports received bytes reliably only at its FIFO trigger level.
 */
static void send_stop(struct vm_run *r, double t)
{
	bool force = r->stop_requests > 1;
	char burst[16], path[PATH_MAX + 32];
	int fd;

	if ((!r->stop_requests && !r->dest_errno) || r->killed)
		return;
	/* the guest's taprun unloads its module even when forced; a guest
	 * that still does not end is killed */
	if (force && !r->force_first)
		r->force_first = t;
	if (force && t - r->force_first > VM_FORCE_GRACE)
		kill_guest(r, "the guest did not stop");
	if (r->killed || t - r->stop_sent < 2)
		return;
	snprintf(path, sizeof(path), "%s/%s", r->work, force ? "force" : "stop");
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	if (!r->ready)
		return;
	memset(burst, force ? 'F' : 'S', sizeof(burst));
	if (write(r->stop_fd, burst, sizeof(burst)) < 0 && errno != EAGAIN)
		vm_err("cannot send the stop request: %s", strerror(errno));
	r->stop_sent = t;
}

/* Relay the guest's ports until qemu exits, or the timeout kills it. */
static void vm_loop(struct vm_run *r, int timeout)
{
	double deadline = timeout ? now_s() + timeout : 0;

	while (!r->qemu_done) {
		struct pollfd p[3] = {
			{ .fd = r->con_fd, .events = POLLIN },
			{ .fd = r->out_fd, .events = POLLIN },
			{ .fd = r->sig_fd, .events = POLLIN },
		};
		int wait_ms = r->stop_requests || r->dest_errno ? 500 : -1;
		double t = now_s();

		if (deadline && (wait_ms < 0 || deadline - t < wait_ms / 1e3))
			wait_ms = deadline > t ? (int)((deadline - t) * 1e3) + 1 : 0;
		if (poll(p, 3, wait_ms) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN)
			pump(r, r->con_fd);
		if (p[1].revents & POLLIN)
			pump(r, r->out_fd);
		if (p[2].revents & POLLIN)
			on_signal(r);
		t = now_s();
		if (deadline && t >= deadline && !r->killed) {
			r->timed_out = r->killed = true;
			kill(r->qemu, SIGKILL);
		}
		send_stop(r, t);
	}
	if (!r->qemu_done && waitpid(r->qemu, &r->qemu_status, 0) == r->qemu)
		r->qemu_done = true;
	while (pump(r, r->out_fd) > 0)
		;
	while (pump(r, r->con_fd) > 0)
		;
	if (r->line.len)
		console_flush(r, false);
}

/* Show the tail of qemu's own messages when the guest gave no status. */
static void show_qemu_log(const char *work)
{
	char path[PATH_MAX + 32];
	struct buf b = { 0 };

	snprintf(path, sizeof(path), "%s/qemu.log", work);
	if (read_file(path, &b) && b.len) {
		const char *from = b.len > 2000 ? b.p + b.len - 2000 : b.p;

		fprintf(stderr, "taprun: --vm: qemu said:\n%s", from);
	}
	free(b.p);
}

static int open_fifo(const char *work, const char *name)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", work, name);
	if (mkfifo(path, 0600) != 0 && errno != EEXIST)
		return -1;
	/* O_RDWR: never an EOF before qemu opens its end; qemu's exit ends the run. */
	return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

static void cleanup_work(const char *work)
{
	static const char *const files[] = { "con.in", "con.out", "out.in", "out.out",
					      "initramfs.cpio", "qemu.log", "stop", "force" };
	char path[PATH_MAX + 32];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", work, files[i]);
		unlink(path);
	}
	rmdir(work);
}

/* The exit status of a finished guest run. */
static int vm_status(const struct vm_run *r, const struct vm_opts *o, const char *work)
{
	if (r->exit_status >= 0)
		return r->exit_status;
	if (r->killed && !r->timed_out)
		return 128 + r->last_signal;
	if (r->timed_out) {
		vm_err("timeout after %d s: guest killed", o->timeout);
		return VM_EXIT_TIMEOUT;
	}
	vm_err("the guest ended without an exit status (qemu %s %d)",
	       WIFEXITED(r->qemu_status) ? "exit status" : "signal",
	       WIFEXITED(r->qemu_status) ? WEXITSTATUS(r->qemu_status) : WTERMSIG(r->qemu_status));
	show_qemu_log(work);
	return VM_EXIT_NOSTATUS;
}

/* Boot, relay, and turn the outcome into an exit status. */
static int vm_boot(const struct vm_opts *o, const char *image, const char *work, char **shares)
{
	struct vm_run r = { .exit_status = -1, .dest_fd = 1, .dest_name = "stdout", .stop_sent = -10,
			    .work = work };
	struct argv_list a = qemu_argv(o, image, work, shares);
	sigset_t mask, old;
	double t0 = now_s();
	int in_fd, rc;

	char stop[PATH_MAX + 32];

	snprintf(stop, sizeof(stop), "%s/stop", work);
	unlink(stop);	/* a --keep directory may hold an old one */
	snprintf(stop, sizeof(stop), "%s/force", work);
	unlink(stop);
	char dest[PATH_MAX];

	if (o->outfile) {	/* strftime patterns, as taprun's own -o */
		r.dest_fd = -1;
		if (outfile_expand(o->outfile, dest, sizeof(dest)) == 0)
			r.dest_fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		r.dest_name = o->outfile;
	}
	r.con_fd = open_fifo(work, "con.out");
	in_fd = open_fifo(work, "con.in");
	r.out_fd = open_fifo(work, "out.out");
	r.stop_fd = open_fifo(work, "out.in");
	if (r.dest_fd < 0 || r.con_fd < 0 || in_fd < 0 || r.out_fd < 0 || r.stop_fd < 0) {
		vm_err("cannot open %s: %s", r.dest_fd < 0 ? o->outfile : "the serial FIFOs",
		       strerror(errno));
		return VM_EXIT_USAGE;
	}
	if (o->verbose) {
		fputs("taprun: --vm:", stderr);
		for (int i = 0; i < a.n; i++)
			fprintf(stderr, " %s", a.v[i]);
		fputc('\n', stderr);
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	signal(SIGPIPE, SIG_IGN);
	r.sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (r.sig_fd < 0 || !qemu_start(&r, &a, work, &old))
		return VM_EXIT_USAGE;
	vm_loop(&r, o->timeout);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (o->verbose)
		fprintf(stderr, "taprun: --vm: guest ran %.1f s\n", now_s() - t0);
	/* the last write error of a file may show only when it is closed (NFS) */
	if (close(r.dest_fd) < 0 && errno != EINTR)
		dest_failed(&r, errno, 0);
	if (r.lost)
		vm_err("%llu bytes of output were not written", r.lost);
	rc = vm_status(&r, o, work);
	return r.dest_errno && rc == 0 ? 1 : rc;
}

/*
 * The guest hides the host's /tmp under a tmpfs.  A working directory
 * there (a clone in /tmp, a CI checkout) is shared read-write at the same
 * path, so -c commands and relative paths work as they do on the host.
 */
static void share_tmp_cwd(struct vm_opts *o, char **shares)
{
	char cwd[PATH_MAX];
	size_t n;

	if (!getcwd(cwd, sizeof(cwd)) || strncmp(cwd, "/tmp/", 5) != 0)
		return;
	for (int i = 0; i < o->nshares; i++) {
		n = strlen(shares[i]);
		if (strncmp(cwd, shares[i], n) == 0 && (cwd[n] == '/' || cwd[n] == 0))
			return;
	}
	if (o->nshares == VM_MAX_SHARES)
		return;
	shares[o->nshares] = strdup(cwd);
	o->shares[o->nshares] = shares[o->nshares];
	o->nshares++;
}

/*
 * The guest's taprun checks the -c command before it loads the module;
 * a program named by its path can be checked here already, without a
 * boot: the guest sees the host's files at the same paths (a PATH lookup
 * is left to the guest, whose PATH differs).
 */
static bool command_ready(const struct vm_opts *o)
{
	char what[256];
	int err;

	if (!o->command || o->command_moved)
		return true;
	err = command_check(o->command, false, what, sizeof(what));
	if (!err)
		return true;
	if (err == EINVAL)
		fprintf(stderr, "taprun: cannot run the -c command: shell syntax error in %s\n", what);
	else
		fprintf(stderr, "taprun: cannot run the -c command: %s: %s\n", what, strerror(err));
	return false;
}

int vm_main(int argc, char **argv)
{
	struct vm_opts o = { 0 };
	char *image = NULL, *release = NULL, *shares[VM_MAX_SHARES];
	char work[PATH_MAX], cpio[PATH_MAX + 32];
	const char *tmp = getenv("TMPDIR");
	int rc;

	if (argc < 2 || !parse_args(&o, argc, argv) || !pick_kernel(&o, &image, &release))
		return VM_EXIT_USAGE;
	if (!command_ready(&o))
		return 1;
	for (int i = 0; i < o.nshares; i++) {
		struct stat st;

		shares[i] = realpath(o.shares[i], NULL);
		if (!shares[i] || stat(shares[i], &st) || !S_ISDIR(st.st_mode)) {
			vm_err("--share %s: not a directory", o.shares[i]);
			return VM_EXIT_USAGE;
		}
	}
	share_tmp_cwd(&o, shares);
	if (o.keep) {
		snprintf(work, sizeof(work), "%s", o.keep);
		mkdir(work, 0700);
	} else {
		snprintf(work, sizeof(work), "%s/tapc-vm.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(work)) {
			vm_err("mkdtemp %s: %s", work, strerror(errno));
			return VM_EXIT_USAGE;
		}
	}
	snprintf(cpio, sizeof(cpio), "%s/initramfs.cpio", work);
	rc = build_initramfs(&o, release, shares, cpio)
		     ? vm_boot(&o, image, work, shares) : VM_EXIT_USAGE;
	if (!o.keep)
		cleanup_work(work);
	return rc;
}
