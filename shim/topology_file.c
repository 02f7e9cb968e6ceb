/* topology_file.c: BEAT_TOPOLOGY, an hwloc XML file that stands in for the
 * machine. The path comes from the environment, so it is opened without
 * blocking (a FIFO or a device would hang hwloc's reader), must be a regular
 * file of sane size, and is read into memory once; anything else warns once
 * and leaves hwloc on the machine's own topology. */
#include "rt.h"

#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_XML_BYTES (64u << 20)

static void refuse(const char *path, const char *why)
{
	static atomic_bool warned;
	if (atomic_exchange(&warned, true))
		return;
	char shown[400];
	beat_warn("BEAT_TOPOLOGY='%s' is not valid (%s); using the default (the machine's topology)",
		  beat_escape(path, shown, sizeof shown), why);
}

/* Reads the whole regular file at path; NULL (and *why) otherwise. */
static char *read_regular_file(const char *path, size_t *len, const char **why)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*why = strerror(errno);
		return NULL;
	}
	struct stat st;
	char *buf = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
	} else if (st.st_size <= 0 || (unsigned long long)st.st_size > MAX_XML_BYTES) {
		*why = "empty, or larger than 64 MiB";
	} else if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		*why = "out of memory";
	} else {
		size_t got = 0;
		while (got < (size_t)st.st_size) {
			ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		buf[got] = '\0';
		*len = got;
		if (got == 0) {
			free(buf);
			buf = NULL;
			*why = "could not be read";
		}
	}
	close(fd);
	return buf;
}

/* The file's text, read on first use and kept (hwloc may read the buffer
 * again at each load). */
static char *cached_xml;
static size_t cached_len;
static pthread_once_t read_once = PTHREAD_ONCE_INIT;
static const char *cached_path;

static void read_once_fn(void)
{
	const char *why = NULL;
	cached_xml = read_regular_file(cached_path, &cached_len, &why);
	if (cached_xml == NULL)
		refuse(cached_path, why);
}

void beat_topology_use_file(struct hwloc_topology *topo, const char *path)
{
	cached_path = path;
	pthread_once(&read_once, read_once_fn);
	if (cached_xml == NULL)
		return;
	/* hwloc wants the length with the terminating NUL. */
	if (hwloc_topology_set_xmlbuffer(topo, cached_xml, (int)cached_len + 1) != 0)
		refuse(path, "hwloc could not parse it as XML");
}
