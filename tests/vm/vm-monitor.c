// SPDX-License-Identifier: GPL-2.0
/*
 * vm-monitor: run one QEMU monitor (HMP) command from inside the guest,
 * through ttyS1 and scripts/vm-monitor-relay (scripts/vm-run --monitor).
 *
 *   vm-monitor 'device_del pf0'
 *   vm-monitor 'pcie_aer_inject_error pf0 UNCOR_INTERNAL'
 *
 * Prints the monitor's output and exits 0 when the relay answered
 * "@@end ok" with no output, 1 when the command printed something (HMP
 * reports errors as text) or failed, 2 when there is no monitor.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[8192];
	size_t len = 0;
	struct termios t;
	char *end;
	int fd;

	if (argc != 2 || strchr(argv[1], '\n')) {
		fprintf(stderr, "usage: vm-monitor 'HMP COMMAND'\n");
		return 2;
	}
	fd = open("/dev/ttyS1", O_RDWR | O_NOCTTY);
	if (fd < 0 || tcgetattr(fd, &t)) {
		perror("vm-monitor: /dev/ttyS1");
		return 2;
	}
	cfmakeraw(&t);
	cfsetspeed(&t, B115200);
	if (tcsetattr(fd, TCSANOW, &t) || tcflush(fd, TCIOFLUSH)) {
		perror("vm-monitor: ttyS1 raw mode");
		return 2;
	}
	if (dprintf(fd, "%s\n", argv[1]) < 0) {
		perror("vm-monitor: write");
		return 2;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		/* The relay answers at once; 60 s covers a slow TCG host. */
		if (poll(&p, 1, 60000) <= 0) {
			fprintf(stderr, "vm-monitor: no answer (is vm-run --monitor on?)\n");
			return 2;
		}
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0) {
			perror("vm-monitor: read");
			return 2;
		}
		len += n;
		buf[len] = '\0';
		end = strstr(buf, "@@end ");
		if (end && strchr(end, '\n'))
			break;
		if (len == sizeof(buf) - 1) {
			fprintf(stderr, "vm-monitor: answer too long\n");
			return 2;
		}
	}
	fwrite(buf, 1, end - buf, stdout);
	if (strncmp(end, "@@end ok", 8)) {
		fprintf(stderr, "vm-monitor: %s", end + 6);
		return 1;
	}
	return end == buf ? 0 : 1;
}
