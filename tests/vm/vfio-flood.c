// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-flood: refused opens of several kinds, interleaved, as fast as one
 * process can issue them, between two marker lines in the kernel log.
 *
 *   vfio-flood TAG ROUNDS BDF NAME WANT [BDF NAME WANT]...
 *
 * Each BDF's group is opened and attached to a container once (a device
 * named twice shares it).  Then ROUNDS rounds, each one
 * VFIO_GROUP_GET_DEVICE_FD per triple, in the order given, with the string
 * NAME on BDF's group; WANT is the errno each must end in (EACCES, EINVAL
 * or ENODEV; a flood never opens).  "vfio-flood TAG: start" and
 * "vfio-flood TAG: end" go to /dev/kmsg before the first and after the
 * last: the kernel's timestamps of the two bound the flood in the clock
 * the kernel log itself is stamped with.
 *
 * Exits 0 when every open ended in its WANT, 1 at the first that did not
 * (named on stderr), 2 on a setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "vfio-tool.h"

#define MAX_KINDS 32

static void die(const char *what)
{
	fprintf(stderr, "vfio-flood: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void kmsg(const char *tag, const char *what)
{
	char line[256];
	int fd = open("/dev/kmsg", O_WRONLY);
	int len = snprintf(line, sizeof(line), "vfio-flood %s: %s\n", tag, what);

	if (fd < 0 || write(fd, line, len) != len)
		die("/dev/kmsg");
	close(fd);
}

static int errno_of(const char *want)
{
	int err = errno_named(want);

	if (err < 0) {
		errno = EINVAL;
		die(want);
	}
	return err;
}

int main(int argc, char **argv)
{
	struct {
		const char *bdf, *name, *want;
		int group, err;
	} k[MAX_KINDS];
	int kinds = (argc - 3) / 3, rounds, i, j, r;
	char path[300];
	const char *what;

	if (argc < 6 || (argc - 3) % 3 || kinds > MAX_KINDS) {
		fprintf(stderr, "usage: vfio-flood TAG ROUNDS BDF NAME WANT...\n");
		return 2;
	}
	rounds = atoi(argv[2]);
	for (i = 0; i < kinds; i++) {
		int container;

		k[i].bdf = argv[3 + 3 * i];
		k[i].name = argv[4 + 3 * i];
		k[i].want = argv[5 + 3 * i];
		k[i].err = errno_of(k[i].want);
		k[i].group = -1;
		for (j = 0; j < i; j++)
			if (!strcmp(k[j].bdf, k[i].bdf))
				k[i].group = k[j].group;
		if (k[i].group < 0 &&
		    vfio_group_attach(k[i].bdf, path, sizeof(path), &container,
				      &k[i].group, &what))
			die(what);
	}
	kmsg(argv[1], "start");
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < kinds; i++) {
			int fd = ioctl(k[i].group, VFIO_GROUP_GET_DEVICE_FD, k[i].name);

			if (fd >= 0 || errno != k[i].err) {
				kmsg(argv[1], "end");
				fprintf(stderr, "vfio-flood: round %d, \"%s\": %s, want %s\n",
					r + 1, k[i].name, fd >= 0 ? "opened" : strerror(errno),
					k[i].want);
				return 1;
			}
		}
	}
	kmsg(argv[1], "end");
	return 0;
}
