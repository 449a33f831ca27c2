// SPDX-License-Identifier: GPL-2.0
/*
 * probe-race: one round of t-race.sh's race, the probes of a PF and of one
 * of its VFs run at once, and whether that round hit the window the race
 * is about: one probe running inside the other.
 *
 *   probe-race [--follow] PF VF
 *
 * Writes VF to /sys/bus/pci/drivers_probe from this process and PF from a
 * child, on the other CPU.  In t-race.sh the PF's probe always fails
 * (vfio-pci-core refuses a PF whose SR-IOV is on), so PF/driver, which the
 * driver core links before it calls the driver's probe and unlinks when
 * that fails, is there exactly while the PF's probe runs.  The VF's probe
 * runs while VF/driver is there and VF/vfio-dev is not yet: vfio adds that
 * when the probe registers the device, after vfio-pci-core has looked for
 * the VF's PF.  Both are read right before and right after the other
 * device's write: one PF probe and one VF probe a round, so a probe seen
 * running on both sides of the other's write ran all through it.
 *
 * --follow   the child writes the PF once it sees the VF's probe begun
 *            (VF/driver there), so that the PF's probe falls inside the
 *            VF's: the window widened from userspace.  Without it both
 *            writes are released together.
 *
 * Prints one line
 *
 *   window: pf-in-vf=0|1 vf-in-pf=0|1 pf=RESULT vf=RESULT
 *
 * pf-in-vf: the VF's probe was running right before the PF's write and
 * still right after it returned: the PF's whole probe ran inside the VF's.
 * vf-in-pf: the other way round.  RESULT: each write's, ok or the errno's
 * name.  Exits 0, or 2 on a setup error (either device bound before the
 * round: its probe would not run in it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Between this process and the child: shared, anonymous. */
struct shared {
	volatile int ready;	/* the child waits for its cue */
	volatile int go;	/* both writes may start */
	volatile int vf_done;	/* this process's write returned */
	volatile int pf_in_vf;
	volatile int pf_err;
};

static bool there(int dir, const char *name)
{
	struct stat st;

	return !fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW);
}

static bool vf_probing(int vf)
{
	return there(vf, "driver") && !there(vf, "vfio-dev");
}

static bool pf_probing(int pf)
{
	return there(pf, "driver");
}

static int dev_dir(const char *bdf)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "probe-race: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

/* Write @bdf to drivers_probe through @fd: 0 or an errno. */
static int probe(int fd, const char *bdf)
{
	return write(fd, bdf, strlen(bdf)) < 0 ? errno : 0;
}

static const char *result(int err)
{
	static char buf[32];

	if (!err)
		return "ok";
	snprintf(buf, sizeof(buf), "%s", strerrorname_np(err) ?: "E?");
	return buf;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ 0 },
	};
	struct shared *sh;
	bool follow = false, before, vf_in_pf;
	int opt, pf, vf, fd_pf, fd_vf, vf_err, status;
	pid_t child;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'f')
			return 2;
		follow = true;
	}
	if (optind != argc - 2) {
		fprintf(stderr, "usage: probe-race [--follow] PF VF\n");
		return 2;
	}
	pf = dev_dir(argv[optind]);
	vf = dev_dir(argv[optind + 1]);
	/* Each probe must run in this round, or seeing it proves nothing. */
	if (there(pf, "driver") || there(vf, "driver")) {
		fprintf(stderr, "probe-race: %s or %s is bound already\n", argv[optind],
			argv[optind + 1]);
		return 2;
	}
	/* Opened ahead: a write is then all that is left at the cue. */
	fd_pf = open("/sys/bus/pci/drivers_probe", O_WRONLY | O_CLOEXEC);
	fd_vf = open("/sys/bus/pci/drivers_probe", O_WRONLY | O_CLOEXEC);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fd_pf < 0 || fd_vf < 0 || sh == MAP_FAILED) {
		perror("probe-race");
		return 2;
	}

	child = fork();
	if (child < 0) {
		perror("probe-race: fork");
		return 2;
	}
	if (!child) {
		sh->ready = 1;
		while (!sh->go)
			;
		/* Following: until the VF's probe has begun, or is over. */
		while (follow && !there(vf, "driver") && !sh->vf_done)
			;
		before = vf_probing(vf);
		sh->pf_err = probe(fd_pf, argv[optind]);
		sh->pf_in_vf = before && vf_probing(vf);
		_exit(0);
	}

	while (!sh->ready)
		;
	sh->go = 1;
	before = pf_probing(pf);
	vf_err = probe(fd_vf, argv[optind + 1]);
	vf_in_pf = before && pf_probing(pf);
	sh->vf_done = 1;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status)) {
		fprintf(stderr, "probe-race: the PF's writer did not exit\n");
		return 2;
	}
	printf("window: pf-in-vf=%d vf-in-pf=%d pf=%s", sh->pf_in_vf, vf_in_pf,
	       result(sh->pf_err));
	printf(" vf=%s\n", result(vf_err));
	return 0;
}
