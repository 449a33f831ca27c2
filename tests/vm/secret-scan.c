// SPDX-License-Identifier: GPL-2.0
/*
 * secret-scan: search the kernel log and file trees (sysfs, debugfs,
 * tracefs) for secrets, here VF tokens, in every form a kernel could show
 * them in.
 *
 *   secret-scan [--token NAME=UUID]... [--canary NAME=UUID]... [--kmsg]
 *               [--max-bytes N] [--timeout SECONDS] PATH...
 *
 * --token    a secret that must not be found (repeatable)
 * --canary   a string planted on purpose, reported like a token but not
 *            counted as a failure: it shows the scanner finds things
 * --kmsg     also read the whole kernel log from /dev/kmsg (its dictionary
 *            lines included)
 * --max-bytes read at most N bytes of a file (default 4 MiB)
 * --timeout  give up on a file after this many seconds (default 3)
 * PATH       a tree to walk; symlinks are not followed, a directory reached
 *            twice (tracefs is also /sys/kernel/debug/tracing) is walked
 *            once.  /proc is refused: the scanner's own argv and the
 *            calling shell's variables are there.
 *
 * Each UUID is searched for as text, hyphenated or plain hex, in either
 * case, in the standard byte order and in the little-endian guid_t order
 * of its first three fields (what %pUl prints), and as its 16 raw bytes in
 * both orders.  Files are opened O_NONBLOCK and read with a timer, so a
 * file that would block (a trace_pipe, wakeup_count) costs the timeout,
 * not the run; trace_pipe* are skipped outright (reading them consumes
 * the trace), as are write-only files and the PCI resource files (reading
 * those is I/O on the device).  Read errors (EIO, EINVAL, ...) end
 * that file and are counted.
 *
 * Prints one "hit NAME LOCATION FORM PATH @OFFSET" line per match (a few
 * per file at most), where LOCATION is kmsg, sysfs, debugfs, tracefs or
 * other, by the file system the file is on; then per location what was
 * read ("# LOCATION: N files, M bytes, E read errors, T timed out, C
 * capped, L lost": T files that stopped answering, C cut at --max-bytes,
 * L kernel log records overwritten while they were read), and "scan: N
 * files, M bytes, K token hits, J canary hits".  Exits 1 when a token was
 * found, 0 otherwise, 2 on a usage error.  A caller that wants the whole
 * of each place read holds T, C and L to 0.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "vfio-tool.h"

#define MAX_SECRETS	16
#define MAX_PATTERNS	(MAX_SECRETS * 6)
#define HITS_PER_FILE	5	/* hit lines printed per file and pattern */
#define MAX_DIRS	131072	/* slots of the set of directories walked */

enum location { KMSG, SYSFS, DEBUGFS, TRACEFS, OTHER, NR_LOCATIONS };

static const char *const location_name[] = {
	"kmsg", "sysfs", "debugfs", "tracefs", "other",
};

struct secret {
	const char *name;
	bool canary;
};

struct pattern {
	struct secret *secret;
	const char *form;
	uint8_t bytes[36];
	size_t len;
	bool text;		/* compared without regard to case */
	unsigned int hits_here;	/* in the file being searched */
};

struct stats {
	unsigned long files, bytes, errors, timeouts, capped, lost;
};

static struct secret secrets[MAX_SECRETS];
static int nr_secrets;
static struct pattern patterns[MAX_PATTERNS];
static int nr_patterns;
/* Which first two bytes start a pattern: raw, and ASCII-folded. */
static uint8_t first_raw[65536 / 8], first_text[65536 / 8];

static struct stats stats[NR_LOCATIONS];
static unsigned long token_hits, canary_hits, open_errors;
static size_t max_bytes = 4 << 20;
static unsigned int timeout = 3;
static uint8_t *buf;

static struct {
	dev_t dev;
	ino_t ino;
	bool used;
} dirs[MAX_DIRS];
static int nr_dirs;

static uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* "NAME=UUID" into the UUID's 16 bytes, standard (big-endian) order. */
static bool parse_uuid(const char *s, uint8_t out[16])
{
	return strlen(s) == 36 && uuid_from_text(s, out);
}

static void add_pattern(struct secret *sec, const char *form, const void *p, size_t len,
			bool text)
{
	struct pattern *pat = &patterns[nr_patterns++];
	unsigned int first;

	pat->secret = sec;
	pat->form = form;
	pat->len = len;
	pat->text = text;
	memcpy(pat->bytes, p, len);
	if (text) {
		for (size_t i = 0; i < len; i++)
			pat->bytes[i] = fold(pat->bytes[i]);
		first = pat->bytes[0] << 8 | pat->bytes[1];
		first_text[first / 8] |= 1 << first % 8;
	} else {
		first = pat->bytes[0] << 8 | pat->bytes[1];
		first_raw[first / 8] |= 1 << first % 8;
	}
}

/* The six forms of a UUID. */
static bool add_secret(const char *arg, bool canary)
{
	static const char *const hex = "0123456789abcdef";
	const char *eq = strchr(arg, '=');
	struct secret *sec;
	uint8_t be[16], le[16];
	char text[37], plain[33];
	int i, t, p;

	if (!eq || nr_secrets == MAX_SECRETS || !parse_uuid(eq + 1, be))
		return false;
	sec = &secrets[nr_secrets++];
	sec->name = strndup(arg, eq - arg);
	sec->canary = canary;

	/* guid_t: the first three fields little-endian, the rest as is. */
	memcpy(le, be, 16);
	for (i = 0; i < 4; i++)
		le[i] = be[3 - i];
	le[4] = be[5];
	le[5] = be[4];
	le[6] = be[7];
	le[7] = be[6];

	for (int order = 0; order < 2; order++) {
		const uint8_t *u = order ? le : be;

		for (i = t = p = 0; i < 16; i++) {
			if (i == 4 || i == 6 || i == 8 || i == 10)
				text[t++] = '-';
			text[t++] = plain[p++] = hex[u[i] >> 4];
			text[t++] = plain[p++] = hex[u[i] & 15];
		}
		add_pattern(sec, order ? "text-le" : "text", text, 36, true);
		add_pattern(sec, order ? "hex-le" : "hex", plain, 32, true);
		add_pattern(sec, order ? "raw-le" : "raw", u, 16, false);
	}
	return true;
}

static bool matches(const struct pattern *pat, const uint8_t *p)
{
	if (!pat->text)
		return !memcmp(pat->bytes, p, pat->len);
	for (size_t i = 0; i < pat->len; i++)
		if (fold(p[i]) != pat->bytes[i])
			return false;
	return true;
}

/*
 * One pass over the buffer: a pair of bytes that starts no pattern, the
 * common case, costs two bit tests.
 */
static void search(const uint8_t *p, size_t len, enum location loc, const char *path)
{
	int i;

	for (i = 0; i < nr_patterns; i++)
		patterns[i].hits_here = 0;
	for (size_t off = 0; off + 16 <= len; off++) {
		unsigned int raw = p[off] << 8 | p[off + 1];
		unsigned int text = fold(p[off]) << 8 | fold(p[off + 1]);

		if (!(first_raw[raw / 8] & 1 << raw % 8) &&
		    !(first_text[text / 8] & 1 << text % 8))
			continue;
		for (i = 0; i < nr_patterns; i++) {
			struct pattern *pat = &patterns[i];

			if (off + pat->len > len || !matches(pat, p + off))
				continue;
			if (pat->secret->canary)
				canary_hits++;
			else
				token_hits++;
			if (pat->hits_here++ < HITS_PER_FILE)
				printf("hit %s %s %s %s @%zu\n", pat->secret->name,
				       location_name[loc], pat->form, path, off);
		}
	}
}

static enum location location_of(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs))
		return OTHER;
	switch ((unsigned long)sfs.f_type) {
	case SYSFS_MAGIC:
		return SYSFS;
	case DEBUGFS_MAGIC:
		return DEBUGFS;
	case TRACEFS_MAGIC:
		return TRACEFS;
	default:
		return OTHER;
	}
}

/* SIGALRM only interrupts a read that takes too long. */
static void on_alarm(int sig)
{
	(void)sig;
}

static void arm(unsigned int seconds)
{
	struct itimerval it = { .it_value = { .tv_sec = seconds } };

	setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * Files not to read: the trace pipes (and the raw snapshot) consume what
 * they show and wait for more, and "trace" shows the same events; the PCI
 * resource and legacy files are the devices' registers and I/O ports, where
 * reads can have side effects and no kernel secret lives.
 */
static bool skipped(const char *name)
{
	return !strncmp(name, "trace_pipe", 10) || !strcmp(name, "snapshot_raw") ||
	       !strncmp(name, "resource", 8) || !strncmp(name, "legacy_", 7);
}

static void scan_file(const char *path, const char *name, const struct stat *st)
{
	enum location loc;
	bool timed_out = false;
	size_t len = 0;
	ssize_t n;
	int fd;

	if (!(st->st_mode & 0444) || skipped(name))
		return;		/* write-only, or not ours to read */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		open_errors++;
		return;
	}
	loc = location_of(fd);
	arm(timeout);
	while (len < max_bytes) {
		n = read(fd, buf + len, max_bytes - len);
		if (n > 0) {
			len += n;
			continue;
		}
		if (n < 0 && errno == EINTR) {
			timed_out = true;
			printf("# timed out after %zu bytes: %s\n", len, path);
		} else if (n < 0 && errno != EAGAIN) {
			stats[loc].errors++;
		}
		break;
	}
	arm(0);
	close(fd);
	stats[loc].files++;
	stats[loc].bytes += len;
	stats[loc].timeouts += timed_out;
	if (len == max_bytes) {
		stats[loc].capped++;
		printf("# read the first %zu bytes only: %s\n", len, path);
	}
	search(buf, len, loc, path);
}

/* Remembers st's directory; true if it was already. An open-addressed set. */
static bool seen_dir(const struct stat *st)
{
	uint64_t h = ((uint64_t)st->st_dev * 0x9e3779b97f4a7c15ULL) ^ st->st_ino;
	unsigned int i = (h ^ h >> 29) % MAX_DIRS;

	if (nr_dirs >= MAX_DIRS / 2)
		return false;	/* full: walk it again rather than loop */
	for (;; i = (i + 1) % MAX_DIRS) {
		if (!dirs[i].used) {
			dirs[i].used = true;
			dirs[i].dev = st->st_dev;
			dirs[i].ino = st->st_ino;
			nr_dirs++;
			return false;
		}
		if (dirs[i].dev == st->st_dev && dirs[i].ino == st->st_ino)
			return true;
	}
}

static void walk(const char *path)
{
	struct dirent *de;
	struct stat st;
	char *child;
	DIR *dir;

	if (lstat(path, &st))
		return;
	if (S_ISREG(st.st_mode)) {
		const char *slash = strrchr(path, '/');

		scan_file(path, slash ? slash + 1 : path, &st);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	dir = opendir(path);
	if (!dir)
		return;
	/*
	 * The directory opened, not the one lstat() saw: they differ at an
	 * automount point such as /sys/kernel/debug/tracing.
	 */
	if (fstat(dirfd(dir), &st) || seen_dir(&st)) {
		closedir(dir);
		return;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&child, "%s/%s", strcmp(path, "/") ? path : "", de->d_name) < 0)
			continue;
		if (!lstat(child, &st)) {
			if (S_ISDIR(st.st_mode))
				walk(child);
			else if (S_ISREG(st.st_mode))
				scan_file(child, de->d_name, &st);
			/* symlinks, devices, pipes: not followed, not read */
		}
		free(child);
	}
	closedir(dir);
}

/*
 * The kernel log, record by record: a fresh reader of /dev/kmsg starts at
 * the oldest record still in the buffer.  EPIPE means records were
 * overwritten while we read; go on with the next.
 */
static void scan_kmsg(void)
{
	size_t len = 0;
	unsigned long records = 0;
	ssize_t n;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		printf("# /dev/kmsg: %s\n", strerror(errno));
		stats[KMSG].errors++;
		return;
	}
	for (;;) {
		if (len + 8192 > max_bytes * 4) {
			stats[KMSG].capped++;
			printf("# read the first %zu bytes of the kernel log only\n", len);
			break;
		}
		n = read(fd, buf + len, 8192);
		if (n > 0) {
			len += n;
			records++;
		} else if (n < 0 && errno == EPIPE) {
			/* Overwritten before we read them: never searched. */
			stats[KMSG].lost++;
			printf("# kernel log records overwritten while being read\n");
		} else {
			if (n < 0 && errno != EAGAIN)
				stats[KMSG].errors++;
			break;
		}
	}
	close(fd);
	stats[KMSG].files = records;
	stats[KMSG].bytes = len;
	search(buf, len, KMSG, "/dev/kmsg");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "token", required_argument, NULL, 't' },
		{ "canary", required_argument, NULL, 'c' },
		{ "kmsg", no_argument, NULL, 'k' },
		{ "max-bytes", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 'T' },
		{ 0 },
	};
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	unsigned long files = 0, bytes = 0;
	bool kmsg = false;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
		case 'c':
			if (!add_secret(optarg, opt == 'c')) {
				fprintf(stderr, "secret-scan: want NAME=UUID: %s\n", optarg);
				return 2;
			}
			break;
		case 'k': kmsg = true; break;
		case 'm': max_bytes = strtoul(optarg, NULL, 0); break;
		case 'T': timeout = strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (!nr_secrets || !max_bytes || !timeout || (optind == argc && !kmsg)) {
		fprintf(stderr, "usage: secret-scan [--token NAME=UUID]... [--canary NAME=UUID]... "
			"[--kmsg] [--max-bytes N] [--timeout S] PATH...\n");
		return 2;
	}
	for (i = optind; i < argc; i++) {
		if (!strncmp(argv[i], "/proc", 5)) {
			fprintf(stderr, "secret-scan: not scanning %s: it holds our own argv\n",
				argv[i]);
			return 2;
		}
	}
	buf = malloc(max_bytes * 4 + 1);
	if (!buf) {
		perror("secret-scan: malloc");
		return 2;
	}
	sigaction(SIGALRM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# %d secrets, %d patterns\n", nr_secrets, nr_patterns);

	if (kmsg)
		scan_kmsg();
	for (i = optind; i < argc; i++)
		walk(argv[i]);

	for (i = 0; i < NR_LOCATIONS; i++) {
		struct stats *s = &stats[i];

		printf("# %s: %lu %s, %lu bytes, %lu read errors, %lu timed out, %lu capped, %lu lost\n",
		       location_name[i], s->files, i == KMSG ? "records" : "files", s->bytes,
		       s->errors, s->timeouts, s->capped, s->lost);
		files += s->files;
		bytes += s->bytes;
	}
	printf("# %lu files could not be opened\n", open_errors);
	printf("scan: %lu files, %lu bytes, %lu token hits, %lu canary hits\n", files, bytes,
	       token_hits, canary_hits);
	return token_hits ? 1 : 0;
}
