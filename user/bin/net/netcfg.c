/* SPDX-License-Identifier: MIT */
/*
 * netcfg.c - reading and writing #ip's and #ether's files (netcfg.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netcfg.h"
#include "vbin.h"

#define NET_CONVS_MAX 1024

int net_write_fd(int fd, const char *msg)
{
	size_t len = strlen(msg);
	ssize_t w = write(fd, msg, len);

	if (w < 0)
		return -1;
	if ((size_t)w != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int net_write(const char *path, const char *msg)
{
	int fd = open(path, O_WRONLY);
	int r;

	if (fd < 0)
		return -1;
	r = net_write_fd(fd, msg);
	if (close(fd) < 0)
		r = -1;
	return r;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int net_ether_mac(const char *dev, uint8_t mac[6])
{
	char path[NET_PATH_MAX], buf[64];

	snprintf(path, sizeof(path), "%s/addr", dev);
	if (vbin_slurp(path, buf, sizeof(buf)) < 0)
		return -1;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(buf[2 * i]), lo = hi < 0 ? -1 : hexval(buf[2 * i + 1]);

		if (lo < 0) {
			errno = EINVAL;
			return -1;
		}
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* True if status names dev as a whole word. */
static bool names_dev(const char *status, const char *dev)
{
	size_t dl = strlen(dev);

	for (const char *p = strstr(status, dev); p; p = strstr(p + 1, dev)) {
		bool start = p == status || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n';
		char end = p[dl];

		if (start && (end == 0 || end == ' ' || end == '\t' || end == '\n'))
			return true;
	}
	return false;
}

struct find_arg {
	const char *dev;
	int found;
};

static void find_one(int n, void *arg)
{
	struct find_arg *fa = arg;
	char path[NET_PATH_MAX], buf[4096];

	snprintf(path, sizeof(path), NET_ROOT "/ipifc/%d/status", n);
	if (fa->found < 0 && vbin_slurp(path, buf, sizeof(buf)) >= 0 && names_dev(buf, fa->dev))
		fa->found = n;
}

int net_ipifc_find(const char *dev)
{
	struct find_arg fa = { dev, -1 };

	if (net_each_conv(NET_ROOT "/ipifc", find_one, &fa) < 0)
		return -1;
	if (fa.found < 0)
		errno = ENOENT;
	return fa.found;
}

int net_ipifc_bind(const char *dev)
{
	char dir[NET_PATH_MAX], msg[NET_PATH_MAX + 16];
	int n = net_ipifc_find(dev), fd;

	if (n >= 0)
		return n;
	fd = net_clone("ipifc", dir, sizeof(dir));
	if (fd < 0)
		return -1;
	snprintf(msg, sizeof(msg), "bind ether %s", dev);
	if (net_write_fd(fd, msg) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return atoi(strrchr(dir, '/') + 1);
}

int net_clone(const char *proto, char *dir, size_t dirsize)
{
	char path[NET_PATH_MAX], num[16];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), NET_ROOT "/%s/clone", proto);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	r = read(fd, num, sizeof(num) - 1);
	if (r <= 0) {
		int e = r < 0 ? errno : EIO;

		close(fd);
		errno = e;
		return -1;
	}
	num[r] = 0;
	snprintf(dir, dirsize, NET_ROOT "/%s/%d", proto, atoi(num));
	return fd;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int net_each_conv(const char *dir, void (*fn)(int n, void *arg), void *arg)
{
	static int nums[NET_CONVS_MAX];
	size_t count = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d)) && count < NET_CONVS_MAX) {
		char *end;
		long v = strtol(de->d_name, &end, 10);

		if (end != de->d_name && *end == 0 && v >= 0 && v < 1000000)
			nums[count++] = (int)v;
	}
	closedir(d);
	qsort(nums, count, sizeof(nums[0]), cmp_int);
	for (size_t i = 0; i < count; i++)
		fn(nums[i], arg);
	return 0;
}

int net_print(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	fflush(stdout);
	return n < 0 ? -1 : 0;
}

int net_table_main(const char *prog, const char *file, const char *usage, int argc,
		   char **argv, const char *msg)
{
	if (argc == 1) {
		if (net_print(file) == 0)
			return 0;
		vbin_fail(prog, file);
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		printf("%s", usage);
		return 0;
	}
	if (!msg) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	if (net_write(file, msg) < 0) {
		vbin_fail(prog, msg);
		return 1;
	}
	return 0;
}
