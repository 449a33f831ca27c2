// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-fuzz: throw random input at the three ioctls that carry the VF token
 * and check that only the expected errors come back, and that no VF ever
 * opens without its PF's current token.
 *
 *   vfio-fuzz --pf BDF --vf BDF --edu BDF --token UUID [--other BDF]...
 *             [--seed N] [--iterations N] [--max-seconds S]
 *
 * --pf, --vf    a PF bound to vfio-pci-rs with SR-IOV enabled, and one of
 *               its VFs (bound to vfio-pci-rs); nobody else may open them
 * --edu         a device bound to vfio-pci-rs that is neither PF nor VF
 * --token       the PF's current VF token, as the caller set it
 * --other       another device name to swap into the strings (repeatable;
 *               every name under /sys/bus/pci/devices is used anyway)
 * --seed        the PRNG seed (default: from the clock); printed first
 * --iterations  calls per target (default 2000); there are nine targets
 * --max-seconds stop early, successfully, after this long (default 120)
 *
 * Three phases, each interleaving its three targets (PF, VF, edu) at random
 * so that token changes through the PF are followed by VF opens:
 *
 * 1. VFIO_GROUP_GET_DEVICE_FD on each device's group with mutations of
 *    "BDF vf_token=UUID" (truncated, random and non-ASCII bytes, tabs,
 *    extra and repeated options, other devices' names, strings up to and
 *    past PAGE_SIZE, strings without a NUL, unreadable strings);
 * 2. VFIO_DEVICE_FEATURE on a device fd of each, with random flags (GET,
 *    SET, PROBE, unknown bits), feature index, argsz and payload, the
 *    header or the payload sometimes in an unmapped page;
 * 3. VFIO_DEVICE_BIND_IOMMUFD on each device's cdev with random argsz,
 *    flags, iommufd and token_uuid_ptr.
 *
 * The program keeps a model of the PF's token and of whether a VF is open
 * (it only ever opens the VF itself), and checks every call against it:
 *
 * - an errno outside the set allowed for that ioctl (errno_allowed());
 * - a VF open that succeeds without the model's token, an open of the edu
 *   device that succeeds with a token (C12), a token GET that succeeds or
 *   writes the token back;
 * - a well-formed call (an unmutated string, a bind or token feature with
 *   sane arguments) that does not end exactly as SPEC stage C or section 4
 *   says, e.g. the right token refused.
 *
 * Calls that set the token (a PF open with a token while no VF is open,
 * also when the open itself then fails; a feature SET) update the model,
 * so a kernel whose token drifted from it shows up as unexpected results.
 * Successful opens are closed at once.  A first open of a device resets it,
 * which costs up to half a second under TCG, so most of the time the
 * fuzzer also keeps each device open through a separate "hold" fd: the
 * group path then opens it again cheaply, and the cdev path, which allows
 * one open only, still runs the token check and then fails with EINVAL.
 * The VF's hold comes and goes, so the PF is fuzzed both with and without
 * VF users (C6-C10).  At the end the PF's token is set back to --token.
 *
 * Prints, per ioctl and device, the results by errno and then
 * "fuzz: N calls, M unexpected"; exits 0 when M is 0, 1 otherwise, 2 on a
 * setup error and 3 when an ioctl hangs (a watchdog thread notices that no
 * call finished for 30 s).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio-tool.h"

#define MAX_ERRNO	256	/* result slots: 0 is success, then errno */
#define MAX_NAMES	64
#define STR_CAP		8192	/* longest string we build */
#define ARENA_PAGES	4	/* mapped pages in front of the guard page */
#define HANG_SECONDS	30
#define MAX_REPORTS	30	/* unexpected results printed in full */
#define HOLD_PERIOD	128	/* calls between changes of the VF's hold */

#define offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

enum role { PF, VF, PLAIN };
enum kind { GET_DEVICE_FD, DEVICE_FEATURE, BIND_IOMMUFD };

static const char *const role_name[] = { "pf", "vf", "edu" };
static const char *const kind_name[] = {
	"VFIO_GROUP_GET_DEVICE_FD", "VFIO_DEVICE_FEATURE", "VFIO_DEVICE_BIND_IOMMUFD",
};

struct target {
	const char *bdf;
	enum role role;
	int group;		/* group fd, phases 1 and 2 */
	int container;
	int fd;			/* device fd (phase 2) or cdev fd (phase 3) */
	int hold;		/* keeps the device open, or -1 */
	unsigned long left;	/* calls still to make in this phase */
	unsigned long result[3][MAX_ERRNO];	/* per kind, by errno */
	double seconds[3];
};

static struct target targets[3];
static const char *names[MAX_NAMES];	/* device names to swap in */
static int nr_names;

static uint8_t token[16];		/* the model of the PF's token */
static uint8_t initial_token[16];	/* --token, restored at the end */
static uint64_t rng_state;
static unsigned long total_calls, unexpected, token_changes;
static volatile unsigned long progress;	/* watched by the watchdog */
static long page;
static uint8_t *arena;			/* ARENA_PAGES mapped pages ... */
static uint8_t *guard;			/* ... and then an unmapped one */
static int iommufd = -1;
static enum kind phase;

/* splitmix64: small, fast, and every seed gives a good sequence. */
static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static unsigned int rnd(unsigned int n)
{
	return n ? rnd64() % n : 0;
}

/* True with a probability of pct percent. */
static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

static void die(const char *what)
{
	fprintf(stderr, "vfio-fuzz: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* "EINVAL", or "ok" for 0. */
static const char *errname(int e)
{
	static char buf[16];
	const char *name = e ? strerrorname_np(e) : "ok";

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/*
 * The 36 characters at s as a UUID in the standard byte order, either case;
 * false if they are not one.  Independent of the driver's parser on purpose:
 * it decides what the fuzzer believes the kernel should have accepted.
 */
static bool parse_uuid(const char *s, size_t len, uint8_t out[16])
{
	return len >= 36 && uuid_from_text(s, out);
}

static void random_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = rnd64();
}

/*
 * The token of the first "vf_token=" in s that is followed by a UUID.  When
 * the kernel accepted s, there is exactly one such option.
 */
static bool token_in(const char *s, uint8_t out[16])
{
	const char *p = s;

	while ((p = strstr(p, "vf_token="))) {
		p += strlen("vf_token=");
		if (parse_uuid(p, strlen(p), out))
			return true;
	}
	return false;
}

/* Does s carry the token tok in some vf_token= option? */
static bool carries(const char *s, const uint8_t tok[16])
{
	const char *p = s;
	uint8_t u[16];

	while ((p = strstr(p, "vf_token="))) {
		p += strlen("vf_token=");
		if (parse_uuid(p, strlen(p), u) && !memcmp(u, tok, 16))
			return true;
	}
	return false;
}

/* Printable form of a fuzzed string, for reports: at most 160 chars. */
static const char *escape(const char *s)
{
	static char out[700];
	size_t o = 0, len = strlen(s);

	for (size_t i = 0; i < len && o < sizeof(out) - 8; i++) {
		unsigned char c = s[i];

		if (i == 160) {
			o += sprintf(out + o, "...(%zu bytes)", len);
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = c;
		else
			o += sprintf(out + o, "\\x%02x", c);
	}
	out[o] = '\0';
	return out;
}

static void report(struct target *t, enum kind k, const char *fmt, ...)
{
	va_list ap;

	unexpected++;
	if (unexpected > MAX_REPORTS)
		return;
	printf("# UNEXPECTED %s %s %s: ", kind_name[k], role_name[t->role], t->bdf);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/*
 * The errors each ioctl may end in, whatever its input.  Anything else is
 * reported: it is either a bug or a path this list does not know yet.
 */
static bool errno_allowed(enum kind k, unsigned int feature, int e)
{
	switch (k) {
	case GET_DEVICE_FD:
		switch (e) {
		case EFAULT:	/* strndup_user(): string not readable */
		case EINVAL:	/* no NUL within PAGE_SIZE; stage A (A5-A10);
				 * C2/C12 a token where none applies */
		case ENODEV:	/* no device of the group matched (A1, A2) */
		case EACCES:	/* stage C: missing or wrong token */
			return true;
		}
		return false;
	case DEVICE_FEATURE:
		switch (e) {
		case EFAULT:	/* header or payload not readable */
		case EINVAL:	/* argsz < 8, unknown flag bits, GET|SET
				 * without PROBE, vfio_check_feature(), token
				 * GET or short payload, low power entered
				 * twice, a wakeup fd that is no eventfd */
		case ENOTTY:	/* feature not implemented for this device
				 * (migration and logging without mig_ops,
				 * zPCI, unknown index, the token on a device
				 * that has none) */
			return true;
		case EBADF:	/* LOW_POWER_ENTRY_WITH_WAKEUP: the random
				 * wakeup_eventfd is not an open fd */
			return feature == VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP;
		case EOPNOTSUPP:
		case ENODEV:
		case ENOMEM:
		case E2BIG:
		case EOVERFLOW:	/* DMA_BUF's checks of a random range list,
				 * when CONFIG_VFIO_PCI_DMABUF is on */
			return feature == VFIO_DEVICE_FEATURE_DMA_BUF;
		}
		return false;
	case BIND_IOMMUFD:
		switch (e) {
		case EFAULT:	/* struct, trailing bytes or token unreadable */
		case EINVAL:	/* argsz < 16, unknown flags, iommufd < 0,
				 * C2/C12 a token where none applies, the
				 * device already open (the cdev path allows
				 * one open only: our hold) */
		case E2BIG:	/* argsz > sizeof with non-zero trailing bytes
				 * (copy_struct_from_user()) */
		case EBADF:	/* iommufd is not an open fd */
		case EBADFD:	/* iommufd is an fd but not an iommufd */
		case EACCES:	/* stage C: missing or wrong token */
			return true;
		}
		return false;
	}
	return false;
}

static void count(struct target *t, enum kind k, int e, double seconds)
{
	total_calls++;
	progress++;
	t->result[k][e < MAX_ERRNO ? e : MAX_ERRNO - 1]++;
	t->seconds[k] += seconds;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Opens the device's group into a type1v2 container of its own. */
static void open_group(struct target *t)
{
	char path[300];

	errno = vfio_group_node(t->bdf, path, sizeof(path));
	if (errno)
		die("iommu_group");
	t->container = open("/dev/vfio/vfio", O_RDWR);
	if (t->container < 0)
		die("/dev/vfio/vfio");
	t->group = open(path, O_RDWR);
	if (t->group < 0)
		die(path);
	if (ioctl(t->group, VFIO_GROUP_SET_CONTAINER, &t->container))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(t->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU");
}

static void close_group(struct target *t)
{
	close(t->group);
	close(t->container);
	t->group = t->container = -1;
}

/* Opens /dev/vfio/devices/vfioN of the device. */
static int open_cdev(struct target *t)
{
	char path[300];
	int fd;

	errno = vfio_cdev_node(t->bdf, path, sizeof(path));
	if (errno)
		die("no vfio cdev");
	fd = open(path, O_RDWR);
	if (fd < 0)
		die(path);
	return fd;
}

/* ---- the model --------------------------------------------------------- */

static void set_model(const uint8_t *tok)
{
	if (memcmp(token, tok, 16))
		token_changes++;
	memcpy(token, tok, 16);
}

/*
 * Is a VF of the PF open?  Nobody but the fuzzer opens the VF, and only its
 * hold outlives a call.
 */
static bool vf_users(void)
{
	return targets[VF].hold >= 0;
}

/*
 * What SPEC stage C says about opening the device with no token, with the
 * model's token (right) or with another one.
 */
static int stage_c(enum role role, bool has_token, bool right)
{
	switch (role) {
	case PF:
		if (!vf_users())
			return 0;				/* C9, C10 */
		return has_token && right ? 0 : EACCES;	/* C6, C7, C8 */
	case VF:
		return has_token && right ? 0 : EACCES;	/* C3, C4, C5 */
	default:
		return has_token ? EINVAL : 0;		/* C11, C12 */
	}
}

/*
 * The PF's token check passed with tok (or none): without VF users that
 * sets the token, even if the open fails afterwards (C10).
 */
static void pf_checked(const uint8_t *tok)
{
	if (tok && !vf_users())
		set_model(tok);
}

static int cdev_open(struct target *t);

/*
 * Sets the PF's token to the model's again: a cdev bind with it passes the
 * PF's token check, which sets it when no VF is open (C10), whatever the
 * bind does after the check.
 */
static void resync_pf_token(void)
{
	int fd = cdev_open(&targets[PF]);

	if (fd >= 0)
		close(fd);
}

/* The group path's open of the device, the VF with the model's token. */
static int group_open(struct target *t)
{
	char s[128], tok[37];

	uuid_to_text(token, false, tok);
	if (t->role == PLAIN)
		snprintf(s, sizeof(s), "%s", t->bdf);
	else
		snprintf(s, sizeof(s), "%s vf_token=%s", t->bdf, tok);
	return ioctl(t->group, VFIO_GROUP_GET_DEVICE_FD, s);
}

/* The cdev path's open of the device, the PF and VF with the model's token. */
static int cdev_open(struct target *t)
{
	struct vfio_device_bind_iommufd b = {
		.argsz = sizeof(b),
		.iommufd = iommufd,
	};
	int fd = open_cdev(t), e;

	if (t->role != PLAIN) {
		b.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
		b.token_uuid_ptr = (uintptr_t)token;
	}
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &b)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * Keeps the device open (or not) through a fd of its own, on the path of
 * the phase.  Opening with the model's token checks the model, too.
 */
static void hold(struct target *t, bool on)
{
	if (!on && t->hold >= 0) {
		close(t->hold);
		t->hold = -1;
	} else if (on && t->hold < 0) {
		t->hold = phase == BIND_IOMMUFD ? cdev_open(t) : group_open(t);
		if (t->hold < 0)
			report(t, phase, "cannot hold the device open: %s", errname(errno));
	}
}

/* ---- phase 1: the device string ---------------------------------------- */

static void append(char *s, size_t *len, const char *add)
{
	size_t n = strlen(add);

	if (*len + n >= STR_CAP)
		n = STR_CAP - 1 - *len;
	memcpy(s + *len, add, n);
	*len += n;
	s[*len] = '\0';
}

static void insert(char *s, size_t *len, size_t at, const char *add, size_t n)
{
	if (*len + n >= STR_CAP)
		return;
	memmove(s + at + n, s + at, *len - at + 1);
	memcpy(s + at, add, n);
	*len += n;
}

/* A byte that is neither NUL (which would only truncate) nor plain. */
static char odd_byte(void)
{
	static const char odd[] = " \t\n\r\v\f-=_,;:.\"'\\/xX0fF";

	switch (rnd(3)) {
	case 0:
		return odd[rnd(sizeof(odd) - 1)];
	case 1:
		return 0x80 + rnd(0x80);	/* non-ASCII */
	default:
		return 1 + rnd(255);
	}
}

static void random_uuid_text(char out[37], bool upper)
{
	uint8_t u[16];

	random_bytes(u, 16);
	uuid_to_text(u, upper, out);
}

/* One mutation of s, in place. */
static void mutate(char *s, size_t *len)
{
	char tok[37], buf[128];
	size_t at = rnd(*len + 1), i, n;

	switch (rnd(16)) {
	case 0:		/* truncate */
		*len = at;
		s[at] = '\0';
		break;
	case 1:		/* overwrite a byte */
		if (*len)
			s[rnd(*len)] = odd_byte();
		break;
	case 2:		/* insert a byte */
		buf[0] = odd_byte();
		insert(s, len, at, buf, 1);
		break;
	case 3:		/* delete a byte */
		if (at < *len) {
			memmove(s + at, s + at + 1, *len - at);
			(*len)--;
		}
		break;
	case 4:		/* whitespace that is not a space */
		buf[0] = "\t\n\r\v\f"[rnd(5)];
		insert(s, len, at, buf, 1);
		break;
	case 5: {	/* one more option, good or bad */
		static const char *const opts[] = {
			" vf_token=%s", " vf_token=%s", " foo=1", " vf_token=",
			" vf_token", " VF_TOKEN=%s", " vf_token =%s", " =",
			" vf_token=%sx", "  ", "\tvf_token=%s", " vf_token=%.20s",
			" vf_token=%s vf_token=%s", " vf_token==%s", " %s",
		};
		const char *o = opts[rnd(sizeof(opts) / sizeof(opts[0]))];

		if (chance(50))
			uuid_to_text(token, chance(20), tok);
		else
			random_uuid_text(tok, chance(20));
		snprintf(buf, sizeof(buf), o, tok, tok);
		append(s, len, buf);
		break;
	}
	case 6:		/* flip the case of the letters from here on */
		for (i = at; i < *len; i++)
			if (hexval(s[i]) >= 10)
				s[i] ^= 0x20;
		break;
	case 7:		/* change a hex digit into another hex digit */
		for (i = 0; i < 8 && *len; i++) {
			n = rnd(*len);
			if (hexval(s[n]) >= 0) {
				s[n] = "0123456789abcdefABCDEF"[rnd(22)];
				break;
			}
		}
		break;
	case 8:		/* another device's name, or a mangled one */
		n = strcspn(s, " ");
		if (chance(70) && nr_names) {
			snprintf(buf, sizeof(buf), "%s", names[rnd(nr_names)]);
		} else {
			static const char *const mangled[] = {
				"0000:00:00.0", "0000:ff:1f.7", "00:01.0", "",
				"0000:01:00.0\n", "0000:01:00", "vfio", "*",
			};
			snprintf(buf, sizeof(buf), "%s", mangled[rnd(8)]);
		}
		memmove(s, s + n, *len - n + 1);
		*len -= n;
		insert(s, len, 0, buf, strlen(buf));
		break;
	case 9: {	/* many spaces, anywhere */
		static char spaces[STR_CAP];

		n = rnd(chance(10) ? STR_CAP - *len : 64);
		memset(spaces, ' ', n);
		insert(s, len, at, spaces, n);
		break;
	}
	case 10:	/* long: around PAGE_SIZE, sometimes past it */
		n = page - 64 + rnd(128);
		while (*len < n && *len < STR_CAP - 1) {
			s[*len] = chance(90) ? (char)('a' + rnd(26)) : odd_byte();
			(*len)++;
		}
		s[*len] = '\0';
		break;
	case 11:	/* empty */
		*len = 0;
		s[0] = '\0';
		break;
	case 12:	/* UTF-8 and raw high bytes */
		if (chance(50))
			insert(s, len, at, "\xc3\xa9", 2);
		else
			insert(s, len, at, "\xff\xfe\x80", 3);
		break;
	case 13:	/* repeat the tail */
		n = strcspn(s, " ");
		if (n < *len) {
			memcpy(buf, s + n, *len - n < 100 ? *len - n : 100);
			buf[*len - n < 100 ? *len - n : 100] = '\0';
			append(s, len, buf);
		}
		break;
	case 14:	/* a hyphen of the UUID becomes something else */
		for (i = *len; i-- > 0;)
			if (s[i] == '-' && chance(40)) {
				s[i] = chance(50) ? odd_byte() : "0a-"[rnd(3)];
				break;
			}
		break;
	default:	/* trailing spaces */
		append(s, len, "   ");
		break;
	}
}

enum placement { INTACT, UNREADABLE, TOO_LONG };

/*
 * Where the kernel reads the string from: usually a NUL-terminated buffer,
 * sometimes NULL, the guard page itself, a string that runs into the guard
 * page without a NUL, or more than PAGE_SIZE bytes without a NUL.
 */
static const char *place_string(const char *s, size_t len, enum placement *how)
{
	char *p;
	size_t n;

	switch (rnd(50)) {
	case 0:
		*how = UNREADABLE;
		return NULL;
	case 1:
		*how = UNREADABLE;
		return (const char *)guard;
	case 2:
		*how = UNREADABLE;
		if (len > (size_t)page - 1)
			len = page - 1;
		p = (char *)guard - len;
		memcpy(p, s, len);
		return p;
	case 3:
		*how = TOO_LONG;
		n = page + rnd(page);
		p = (char *)arena;
		memset(p, 'a', n);
		p[n] = '\0';
		memcpy(p, s, len < n ? len : n);
		return p;
	default:
		*how = INTACT;
		memcpy(arena, s, len + 1);
		return (const char *)arena;
	}
}

static void fuzz_get_device_fd(struct target *t)
{
	static char s[STR_CAP];
	char tok[37];
	const char *arg;
	enum placement how;
	unsigned int i, mutations;
	uint8_t u[16];
	double start;
	size_t len;
	int fd, e, want;

	/* The base: the name with the model's, a random or no token. */
	len = snprintf(s, sizeof(s), "%s", t->bdf);
	switch (rnd(10)) {
	case 0 ... 4:
		uuid_to_text(token, false, tok);
		break;
	case 5:
		uuid_to_text(token, true, tok);	/* A6: either case */
		break;
	case 6 ... 7:
		random_uuid_text(tok, chance(30));
		break;
	default:
		tok[0] = '\0';
	}
	if (tok[0])
		len += snprintf(s + len, sizeof(s) - len, " vf_token=%s", tok);
	want = stage_c(t->role, tok[0], tok[0] && carries(s, token));

	mutations = chance(15) ? 0 : 1 + rnd(chance(20) ? 8 : 3);
	for (i = 0; i < mutations; i++)
		mutate(s, &len);

	arg = place_string(s, len, &how);
	start = now();
	fd = ioctl(t->group, VFIO_GROUP_GET_DEVICE_FD, arg);
	e = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	count(t, GET_DEVICE_FD, e, now() - start);

	if (e && !errno_allowed(GET_DEVICE_FD, 0, e))
		report(t, GET_DEVICE_FD, "%s on \"%s\"", errname(e),
		       how == UNREADABLE ? "(unreadable)" : escape(arg));
	if (!mutations && how == INTACT && e != want)
		report(t, GET_DEVICE_FD, "%s instead of %s on \"%s\"%s", errname(e),
		       errname(want), escape(arg), vf_users() ? " (VF open)" : "");
	if (e)
		return;
	if (how != INTACT) {
		report(t, GET_DEVICE_FD, "opened from an unreadable or too long string");
		return;
	}
	switch (t->role) {
	case VF:
		if (!carries(arg, token))
			report(t, GET_DEVICE_FD, "VF opened without the PF's token: \"%s\"",
			       escape(arg));
		break;
	case PLAIN:
		if (token_in(arg, u))
			report(t, GET_DEVICE_FD, "opened with a token (C12): \"%s\"",
			       escape(arg));
		break;
	case PF:
		if (vf_users() && !carries(arg, token))
			report(t, GET_DEVICE_FD, "PF opened without the token while a VF is open: \"%s\"",
			       escape(arg));
		pf_checked(token_in(arg, u) ? u : NULL);
		break;
	}
}

/* ---- phase 2: VFIO_DEVICE_FEATURE -------------------------------------- */

static unsigned int random_feature_flags(void)
{
	unsigned int flags, index;

	switch (rnd(20)) {
	case 0 ... 7:
		index = VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
		break;
	case 8 ... 17:
		index = rnd(16);	/* every feature known today, and some */
		break;
	default:
		index = rnd(0x10000);
	}
	flags = index;
	if (chance(40))
		flags |= VFIO_DEVICE_FEATURE_GET;
	if (chance(60))
		flags |= VFIO_DEVICE_FEATURE_SET;
	if (chance(30))
		flags |= VFIO_DEVICE_FEATURE_PROBE;
	if (chance(5))
		flags |= 1u << (19 + rnd(13));	/* unknown flag bits */
	return flags;
}

static uint32_t random_argsz(uint32_t header, uint32_t payload)
{
	switch (rnd(20)) {
	case 0 ... 1:
		return rnd(header);
	case 2 ... 3:
		return header;
	case 4 ... 10:
		return header + payload;
	case 11 ... 15:
		return header + rnd(64);
	case 16:
		return header + payload - 1;
	case 17:
		return header + page;
	case 18:
		return 0xffffffff;
	default:
		return rnd64();
	}
}

/* The payload: the token, another UUID, an fd number, zeros or noise. */
static void fill_payload(uint8_t *p, size_t n)
{
	int32_t fd;

	memset(p, 0, n);
	switch (rnd(6)) {
	case 0:
		memcpy(p, token, 16);
		break;
	case 1:
		random_bytes(p, 16);
		break;
	case 2:		/* a wakeup_eventfd: an fd that is open, or not */
		fd = chance(50) ? (int)rnd(8) - 1 : (int)rnd64();
		memcpy(p, &fd, sizeof(fd));
		break;
	case 3:
		break;
	default:
		random_bytes(p, n);
	}
}

/*
 * What the vfio core (all features) and section 4 (the token feature)
 * say about a feature call whose header was readable; -1 if they do not
 * decide it.
 */
static int feature_expected(enum role role, uint32_t argsz, uint32_t flags, bool payload_ok)
{
	const uint32_t get = VFIO_DEVICE_FEATURE_GET, set = VFIO_DEVICE_FEATURE_SET;
	const uint32_t probe = VFIO_DEVICE_FEATURE_PROBE;
	const uint32_t hdr = sizeof(struct vfio_device_feature);

	if (argsz < hdr || flags & ~(VFIO_DEVICE_FEATURE_MASK | get | set | probe))
		return EINVAL;
	if (!(flags & probe) && (flags & get) && (flags & set))
		return EINVAL;
	if ((flags & VFIO_DEVICE_FEATURE_MASK) != VFIO_DEVICE_FEATURE_PCI_VF_TOKEN)
		return -1;
	if (role != PF)
		return ENOTTY;		/* before any flag check */
	if (flags & get)
		return EINVAL;		/* never readable */
	if (flags & probe)
		return 0;
	if (!(flags & set) || argsz - hdr < 16)
		return EINVAL;
	return payload_ok ? 0 : EFAULT;
}

static void fuzz_device_feature(struct target *t)
{
	const uint32_t hdr = sizeof(struct vfio_device_feature);
	uint32_t flags = random_feature_flags(), argsz = random_argsz(hdr, 16);
	unsigned int index = flags & VFIO_DEVICE_FEATURE_MASK;
	struct vfio_device_feature *f;
	uint8_t before[16] = { 0 };
	bool hdr_ok, payload_ok;
	double start;
	long ret;
	int e, want;

	/*
	 * Usually in the middle of the arena; sometimes so that the payload or
	 * the header itself reaches into the unmapped guard page, or NULL.
	 */
	switch (rnd(20)) {
	case 0:
		f = NULL;
		break;
	case 1:
		f = (void *)(guard - rnd(hdr));
		break;
	case 2 ... 3:
		f = (void *)(guard - hdr - rnd(16));
		break;
	default:
		f = (void *)(arena + page);
		fill_payload(f->data, 64);
	}
	hdr_ok = f && (uint8_t *)f + hdr <= guard;
	payload_ok = hdr_ok && (uint8_t *)f + hdr + 16 <= guard;
	if (hdr_ok) {
		f->argsz = argsz;
		f->flags = flags;
	} else if (f) {
		memcpy(f, &(struct vfio_device_feature){ argsz, flags }, guard - (uint8_t *)f);
	}
	/* A GET must never hand out the token: remember what was there. */
	if (payload_ok)
		memcpy(before, f->data, 16);

	start = now();
	ret = ioctl(t->fd, VFIO_DEVICE_FEATURE, f);
	e = ret < 0 ? errno : 0;
	count(t, DEVICE_FEATURE, e, now() - start);

	if (payload_ok && memcmp(before, f->data, 16) && !memcmp(f->data, token, 16))
		report(t, DEVICE_FEATURE, "the token was written to userspace (flags %#x)", flags);
	if (e && !errno_allowed(DEVICE_FEATURE, index, e))
		report(t, DEVICE_FEATURE, "%s for flags %#x argsz %u", errname(e), flags, argsz);
	want = hdr_ok ? feature_expected(t->role, argsz, flags, payload_ok) : EFAULT;
	if (want >= 0 && e != want)
		report(t, DEVICE_FEATURE, "%s instead of %s for flags %#x argsz %u",
		       errname(e), errname(want), flags, argsz);
	if (e)
		return;
	if (ret > 0) {
		/* Only DMA_BUF makes an fd; anything else is suspicious. */
		close(ret);
		if (index != VFIO_DEVICE_FEATURE_DMA_BUF)
			report(t, DEVICE_FEATURE, "returned %ld for flags %#x", ret, flags);
	}
	/* A token SET that worked: the model follows. */
	if (index == VFIO_DEVICE_FEATURE_PCI_VF_TOKEN && want == 0 &&
	    !(flags & VFIO_DEVICE_FEATURE_PROBE))
		set_model(f->data);
}

/* ---- phase 3: VFIO_DEVICE_BIND_IOMMUFD --------------------------------- */

/*
 * Where the token pointer points; the 16 bytes found there when the kernel
 * can read them all.
 */
static uint64_t random_token_ptr(uint8_t *bytes, bool *readable)
{
	uint8_t *p = arena + 2 * page;

	*readable = true;
	switch (rnd(20)) {
	case 0 ... 7:
		memcpy(p, token, 16);
		break;
	case 8 ... 10:
		random_bytes(p, 16);
		break;
	case 11 ... 13:
		memcpy(p, token, 16);
		p[rnd(16)] ^= 1 << rnd(8);
		break;
	case 14:
		*readable = false;
		return 0;
	case 15:
		*readable = false;
		return (uintptr_t)guard;
	case 16:	/* half a token, then the guard page */
		*readable = false;
		return (uintptr_t)(guard - 8);
	case 17:
		*readable = false;
		return 0xffff888000000000ULL;	/* a kernel address */
	default:
		*readable = false;
		return rnd64();
	}
	memcpy(bytes, p, 16);
	return (uintptr_t)p;
}

static void fuzz_bind_iommufd(struct target *t)
{
	const uint32_t size = sizeof(struct vfio_device_bind_iommufd);
	const uint32_t minsz = offsetofend(struct vfio_device_bind_iommufd, out_devid);
	const uint32_t ptr_end = offsetofend(struct vfio_device_bind_iommufd, token_uuid_ptr);
	struct vfio_device_bind_iommufd b = { 0 }, *arg;
	bool tok_readable, has_token, placed = false, noise = false, checked;
	bool ptr_known = true;
	uint8_t bytes[16];
	size_t room, cut;
	double start;
	long ret;
	int e, want;

	b.argsz = random_argsz(size, 0);
	switch (rnd(10)) {
	case 0 ... 2:
		b.flags = 0;
		break;
	case 3 ... 8:
		b.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
		break;
	default:
		b.flags = rnd64();
	}
	switch (rnd(20)) {
	case 0:
		b.iommufd = chance(50) ? -1 : INT32_MIN;
		break;
	case 1:
		b.iommufd = rnd(1024);		/* probably not open */
		break;
	case 2:
		b.iommufd = chance(50) ? t->fd : 0;	/* open, not an iommufd */
		break;
	default:
		b.iommufd = iommufd;
	}
	b.token_uuid_ptr = random_token_ptr(bytes, &tok_readable);
	b.out_devid = rnd64();

	/*
	 * Usually the struct ends where argsz says, at the end of the arena, so
	 * that copy_struct_from_user()'s check of the bytes past sizeof(*arg)
	 * sees zeros (or, sometimes, one non-zero byte); an argsz above a page
	 * runs into the guard page.  Sometimes the struct itself does, or it
	 * is NULL.
	 */
	room = b.argsz > size ? b.argsz : size;
	if (room > (size_t)page)
		room = page;
	switch (rnd(25)) {
	case 0:
		arg = NULL;
		break;
	case 1:
		cut = 1 + rnd(size - 1);
		arg = (void *)(guard - cut);
		memcpy(arg, &b, cut);
		/* The kernel reads argsz bytes: all there if argsz <= cut. */
		placed = b.argsz <= cut;
		break;
	default:
		arg = (void *)(guard - room);
		memset(arg, 0, room);
		if (room > size && chance(20)) {
			((uint8_t *)arg)[size + rnd(room - size)] = 1 + rnd(255);
			noise = true;
		}
		memcpy(arg, &b, size);
		placed = true;
	}

	/*
	 * The kernel zero-fills what argsz does not cover: an argsz that cuts
	 * token_uuid_ptr leaves only its low bytes, which still make our
	 * pointer when they cover its significant ones, and otherwise
	 * another, unpredictable one.
	 */
	has_token = b.flags & VFIO_DEVICE_BIND_FLAG_TOKEN;
	if (b.argsz == minsz) {
		tok_readable = false;		/* NULL */
	} else if (b.argsz > minsz && b.argsz < ptr_end &&
		   b.token_uuid_ptr >> 8 * (b.argsz - minsz)) {
		tok_readable = false;
		ptr_known = false;
	}

	/*
	 * Does the kernel get as far as the token check?  Only if the struct
	 * is readable and sane and the token, if flagged, can be copied.
	 */
	checked = placed && b.argsz >= minsz && b.argsz <= room && !noise &&
		  b.iommufd >= 0 && !(b.flags & ~VFIO_DEVICE_BIND_FLAG_TOKEN) &&
		  (!has_token || tok_readable);
	/* Whether it does or not, we cannot tell without the pointer. */
	if (has_token && !ptr_known)
		checked = false;

	start = now();
	ret = ioctl(t->fd, VFIO_DEVICE_BIND_IOMMUFD, arg);
	e = ret < 0 ? errno : 0;
	count(t, BIND_IOMMUFD, e, now() - start);

	if (e && !errno_allowed(BIND_IOMMUFD, 0, e))
		report(t, BIND_IOMMUFD, "%s for argsz %u flags %#x iommufd %d",
		       errname(e), b.argsz, b.flags, b.iommufd);

	if (checked) {
		int match = stage_c(t->role, has_token,
				    has_token && !memcmp(bytes, token, 16));

		/*
		 * Past the token check: the iommufd, then the open itself,
		 * which the cdev path allows once only (our hold).
		 */
		want = match;
		if (!match && b.iommufd != iommufd)
			want = -1;			/* EBADF or EBADFD */
		else if (!match && t->hold >= 0)
			want = EINVAL;
		if (want < 0 ? e != EBADF && e != EBADFD : e != want)
			report(t, BIND_IOMMUFD, "%s instead of %s (argsz %u flags %#x iommufd %d)%s",
			       errname(e), want < 0 ? "EBADF(D)" : errname(want), b.argsz,
			       b.flags, b.iommufd, vf_users() ? " (VF open)" : "");
		/* The token is set at the check, whatever follows (C10). */
		if (t->role == PF && !match)
			pf_checked(has_token ? bytes : NULL);
	} else if (!e && ptr_known) {
		report(t, BIND_IOMMUFD, "bound though the call was malformed (argsz %u flags %#x iommufd %d)",
		       b.argsz, b.flags, b.iommufd);
	}
	/*
	 * A PF bind whose token pointer argsz cut may have passed the check
	 * with 16 bytes from wherever the cut pointer lands in our address
	 * space, setting the PF's token to them (C10): where that is, ASLR
	 * decides, not the seed, so the model cannot follow.  Set the token
	 * back to the model's.  With a VF open the check sets nothing.
	 */
	if (t->role == PF && has_token && !ptr_known && !vf_users())
		resync_pf_token();
	if (e)
		return;

	/* Bound: close the cdev to unbind, and open it afresh. */
	close(t->fd);
	t->fd = open_cdev(t);
	if (t->role == VF && (!has_token || !tok_readable || memcmp(bytes, token, 16)))
		report(t, BIND_IOMMUFD, "VF bound without the PF's token (flags %#x)", b.flags);
	if (t->role == PLAIN && has_token)
		report(t, BIND_IOMMUFD, "bound with a token (C12)");
}

/* ---- the driver -------------------------------------------------------- */

static void *watchdog(void *unused)
{
	unsigned long seen = progress;

	for (;;) {
		sleep(HANG_SECONDS);
		if (progress == seen) {
			printf("vfio-fuzz: no ioctl finished for %d s: hang\n", HANG_SECONDS);
			fflush(stdout);
			_exit(3);
		}
		seen = progress;
	}
	return unused;
}

/*
 * Which devices the phase keeps open besides the fuzzed call.  A first
 * open resets the device, which takes half a second for the emulated igb
 * PF and a quarter for a VF under TCG, and would make the run slow.  So:
 * the PF always; the edu device always on the group path, where a second
 * open still shows the match's result, but not always on the cdev path,
 * where it turns both C11 and C12 into the same EINVAL; the VF most of the
 * time, but not always, so that the PF sees VF users come and go, and the
 * VF's own first open is fuzzed too.
 */
static void rehold(void)
{
	switch (phase) {
	case GET_DEVICE_FD:
		hold(&targets[VF], chance(95));
		hold(&targets[PF], true);
		hold(&targets[PLAIN], true);
		break;
	case BIND_IOMMUFD:
		hold(&targets[VF], chance(95));
		hold(&targets[PF], true);
		hold(&targets[PLAIN], chance(70));
		break;
	default:
		break;	/* the fuzzed fds are the devices, open all along */
	}
}

/*
 * Runs fn on the three targets, interleaved at random, until each has made
 * its calls or the deadline passed.  Returns false at the deadline.
 */
static bool run_phase(enum kind k, void (*fn)(struct target *), unsigned long iterations,
		      double deadline)
{
	unsigned long left = 3 * iterations, calls = 0;
	double start = now();
	bool in_time = true;
	int i;

	phase = k;
	for (i = 0; i < 3; i++)
		targets[i].left = iterations;
	while (left) {
		struct target *t = &targets[rnd(3)];

		if (!t->left)
			continue;
		if (calls++ % HOLD_PERIOD == 0) {
			if (now() > deadline) {
				in_time = false;
				break;
			}
			rehold();
		}
		fn(t);
		t->left--;
		left--;
	}
	for (i = 0; i < 3; i++)
		hold(&targets[i], false);
	printf("# %s phase: %.1f s\n", kind_name[k], now() - start);
	fflush(stdout);
	return in_time;
}

static void print_counts(void)
{
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < 3; i++) {
			struct target *t = &targets[i];
			unsigned long n = 0;
			char line[1024];
			int o = 0;

			line[0] = '\0';
			for (int e = 0; e < MAX_ERRNO; e++) {
				if (!t->result[k][e])
					continue;
				n += t->result[k][e];
				o += snprintf(line + o, sizeof(line) - o, " %s %lu", errname(e),
					      t->result[k][e]);
			}
			printf("# %s %s: %lu calls in %.1f s:%s\n", kind_name[k], role_name[i],
			       n, t->seconds[k], line);
		}
	}
}

static void collect_names(void)
{
	struct dirent *de;
	DIR *dir = opendir("/sys/bus/pci/devices");

	if (!dir)
		return;
	while ((de = readdir(dir)) && nr_names < MAX_NAMES)
		if (de->d_name[0] != '.')
			names[nr_names++] = strdup(de->d_name);
	closedir(dir);
}

/* Sets the PF's token back to --token: a cdev bind with it, no VF open. */
static void restore_token(void)
{
	struct target *pf = &targets[PF];
	int fd;

	memcpy(token, initial_token, 16);
	fd = cdev_open(pf);
	if (fd < 0) {
		report(pf, BIND_IOMMUFD, "restoring the token: %s", errname(errno));
		return;
	}
	close(fd);
	printf("# the PF's token is --token again\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pf", required_argument, NULL, 'p' },
		{ "vf", required_argument, NULL, 'v' },
		{ "edu", required_argument, NULL, 'e' },
		{ "token", required_argument, NULL, 't' },
		{ "other", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "max-seconds", required_argument, NULL, 'm' },
		{ 0 },
	};
	unsigned long iterations = 2000;
	double start, deadline, max_seconds = 120;
	bool seeded = false, in_time;
	const char *tok = NULL;
	uint64_t seed = 0;
	pthread_t dog;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': targets[PF].bdf = optarg; break;
		case 'v': targets[VF].bdf = optarg; break;
		case 'e': targets[PLAIN].bdf = optarg; break;
		case 't': tok = optarg; break;
		case 'o':
			if (nr_names < MAX_NAMES)
				names[nr_names++] = optarg;
			break;
		case 's': seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'i': iterations = strtoul(optarg, NULL, 0); break;
		case 'm': max_seconds = strtod(optarg, NULL); break;
		default: return 2;
		}
	}
	if (!targets[PF].bdf || !targets[VF].bdf || !targets[PLAIN].bdf || !tok ||
	    strlen(tok) != 36 || !parse_uuid(tok, 36, initial_token) || optind != argc) {
		fprintf(stderr, "usage: vfio-fuzz --pf BDF --vf BDF --edu BDF --token UUID "
			"[--other BDF]... [--seed N] [--iterations N] [--max-seconds S]\n");
		return 2;
	}
	memcpy(token, initial_token, 16);
	if (!seeded)
		seed = (uint64_t)time(NULL) << 20 ^ getpid();
	rng_state = seed;
	printf("# seed %llu, %lu iterations per target\n", (unsigned long long)seed,
	       iterations);
	fflush(stdout);
	collect_names();

	page = sysconf(_SC_PAGESIZE);
	arena = mmap(NULL, (ARENA_PAGES + 1) * page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED)
		die("mmap");
	guard = arena + ARENA_PAGES * page;
	if (munmap(guard, page))
		die("munmap");

	for (i = 0; i < 3; i++) {
		targets[i].role = i;
		targets[i].group = targets[i].container = -1;
		targets[i].fd = targets[i].hold = -1;
	}
	if (pthread_create(&dog, NULL, watchdog, NULL))
		die("pthread_create");
	start = now();
	deadline = start + max_seconds;

	/* Phase 1: the group path's string. */
	for (i = 0; i < 3; i++)
		open_group(&targets[i]);
	/* The model starts right: the VF opens with --token. */
	phase = GET_DEVICE_FD;
	hold(&targets[VF], true);
	hold(&targets[VF], false);
	in_time = run_phase(GET_DEVICE_FD, fuzz_get_device_fd, iterations, deadline);

	/* Phase 2: features on device fds open on the group path. */
	phase = DEVICE_FEATURE;
	for (i = 0; i < 3 && in_time; i++) {
		targets[i].fd = group_open(&targets[i]);
		if (targets[i].fd < 0) {
			report(&targets[i], DEVICE_FEATURE, "cannot open the device: %s",
			       errname(errno));
			in_time = false;
		}
	}
	if (in_time)
		in_time = run_phase(DEVICE_FEATURE, fuzz_device_feature, iterations, deadline);
	for (i = 0; i < 3; i++) {
		if (targets[i].fd >= 0)
			close(targets[i].fd);
		targets[i].fd = -1;
		close_group(&targets[i]);
	}

	/*
	 * Phase 3: the cdev path.  The groups are closed: a group in use makes
	 * every bind EBUSY.
	 */
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0)
		die("/dev/iommu");
	for (i = 0; i < 3; i++)
		targets[i].fd = open_cdev(&targets[i]);
	if (in_time)
		in_time = run_phase(BIND_IOMMUFD, fuzz_bind_iommufd, iterations, deadline);
	for (i = 0; i < 3; i++)
		close(targets[i].fd);
	restore_token();
	close(iommufd);

	if (!in_time)
		printf("# stopped at the time limit (%.0f s)\n", max_seconds);
	print_counts();
	printf("# the PF's token changed %lu times; %.1f s\n", token_changes, now() - start);
	printf("fuzz: %lu calls, %lu unexpected\n", total_calls, unexpected);
	return unexpected ? 1 : 0;
}
