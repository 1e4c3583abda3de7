// Preloaded into `regsim` by tests/python/test_cli_end_to_end.py (LD_PRELOAD): SIGKILLs the
// process right before its Nth write to its output file (NAME.part, or NAME.part.new while it
// is created),
// N = REGSIM_KILL_AT_WRITE. A kill can only land between two writes as far as the file is
// concerned, so killing before each write in turn covers every state a killed run can leave
// (a kill in the middle of one large write, which Linux can cut short, is not covered). With
// REGSIM_KILL_AT_WRITE unset or 0 nothing is killed, and the count of writes is printed to
// stderr at exit.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static atomic_long writes;
static long kill_at = -1;

// NAME.part, or NAME.part.new while it is created.
static int isPart(int fd) {
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0) return 0;
    path[n] = '\0';
    const char* dot = strrchr(path, '/');
    return strstr(dot ? dot : path, ".part") != NULL;
}

static void report(void) { fprintf(stderr, "kill_at_write: %ld writes\n", (long)writes); }

static void beforeWrite(int fd) {
    if (kill_at < 0) {
        const char* env = getenv("REGSIM_KILL_AT_WRITE");
        kill_at = env ? atol(env) : 0;
        if (kill_at == 0) atexit(report);
    }
    if (fd < 3 || !isPart(fd)) return;
    const long n = atomic_fetch_add(&writes, 1) + 1;
    if (n == kill_at) kill(getpid(), SIGKILL);
}

#define FORWARD(name, ret, params, args)                                \
    ret name params {                                                   \
        static ret(*real) params;                                       \
        if (!real) real = (ret(*) params)dlsym(RTLD_NEXT, #name);       \
        beforeWrite(fd);                                                \
        return real args;                                               \
    }

FORWARD(write, ssize_t, (int fd, const void* buf, size_t count), (fd, buf, count))
FORWARD(pwrite, ssize_t, (int fd, const void* buf, size_t count, off_t offset),
        (fd, buf, count, offset))
FORWARD(pwrite64, ssize_t, (int fd, const void* buf, size_t count, off64_t offset),
        (fd, buf, count, offset))
