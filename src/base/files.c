/* files: opening content beneath its folder's descriptor, and reading a
 * whole file from a descriptor.
 *
 * ks_open_beneath walks a relative path one component at a time with
 * openat(..., O_NOFOLLOW), keeping the folders it went through as
 * descriptors, so ".." is the folder it came from (never above the start)
 * and a symbolic link is read with readlinkat and its target walked the same
 * way. No path is ever handed to the kernel whole, so a link swapped in
 * between two steps is met by O_NOFOLLOW, not followed. (openat2 with
 * RESOLVE_BENEATH does the same in one call on Linux 5.6 and later; the
 * walk gives the same answers on every kernel, so there is one behaviour to
 * test.) */
#define _GNU_SOURCE /* O_PATH */
#include "kiosk/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40  /* as the kernel's own limit */
#define MAX_DEPTH 256 /* folders open at once during one walk */

/* The path still to walk: a list of components in one buffer. */
typedef struct walk {
    char *rest; /* owned: the components not yet taken, '/'-separated */
    int stack[MAX_DEPTH];
    int depth; /* stack[depth - 1] is the current folder; stack[0] is a dup of the start */
} walk;

static void walk_close(walk *w) {
    for (int i = 0; i < w->depth; i++) close(w->stack[i]);
    free(w->rest);
}

/* Take the next component of w->rest into out (a new string); 0 when none. */
static int next_component(walk *w, char **out) {
    char *p = w->rest;
    while (*p == '/') p++;
    if (!*p) return 0;
    char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    *out = ks_strndup(p, n);
    char *rest = ks_strdup(p + n);
    free(w->rest);
    w->rest = rest;
    return 1;
}

static int only_slashes(const char *s) {
    while (*s == '/') s++;
    return !*s;
}

static int fail(walk *w, int e) {
    walk_close(w);
    errno = e;
    return -1;
}

int ks_open_beneath(int dirfd, const char *rel, int flags) {
    walk w = {0};
    if (!rel || rel[0] == '/') {
        errno = rel ? EXDEV : EINVAL;
        return -1;
    }
    w.stack[0] = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (w.stack[0] < 0) return -1;
    w.depth = 1;
    w.rest = ks_strdup(rel);
    int links = 0;
    char *c;
    while (next_component(&w, &c)) {
        int last = only_slashes(w.rest);
        int cur = w.stack[w.depth - 1];
        if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0) {
            if (c[1] == '.') {
                if (w.depth == 1) {
                    free(c);
                    return fail(&w, EXDEV); /* above the start */
                }
                close(w.stack[--w.depth]);
            }
            free(c);
            if (last) break;
            continue;
        }
        int fd;
        if (last) {
            int f = flags | O_NOFOLLOW | O_CLOEXEC;
            if (!(flags & (O_DIRECTORY | O_PATH))) f |= O_NONBLOCK; /* a FIFO must not hang us */
            fd = openat(cur, c, f);
        } else {
            fd = openat(cur, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0) {
            int e = errno;
            struct stat st;
            if ((e == ELOOP || e == ENOTDIR || e == EMLINK) && fstatat(cur, c, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISLNK(st.st_mode)) {
                /* A link: walk its target in place of this component. */
                if (++links > MAX_LINKS) {
                    free(c);
                    return fail(&w, ELOOP);
                }
                char target[4096];
                ssize_t n = readlinkat(cur, c, target, sizeof target - 1);
                free(c);
                if (n < 0) return fail(&w, errno);
                target[n] = '\0';
                if (n == 0) return fail(&w, ENOENT);
                if (target[0] == '/') return fail(&w, EXDEV); /* absolute: not beneath */
                char *rest = ks_sprintf("%s/%s", target, w.rest);
                free(w.rest);
                w.rest = rest;
                continue;
            }
            free(c);
            return fail(&w, e);
        }
        free(c);
        if (last) {
            walk_close(&w);
            return fd;
        }
        if (w.depth == MAX_DEPTH) {
            close(fd);
            return fail(&w, ENAMETOOLONG);
        }
        w.stack[w.depth++] = fd;
    }
    /* The path ended on a folder ("", ".", "x/.."): open that folder. */
    int fd = openat(w.stack[w.depth - 1], ".", (flags & ~O_NOFOLLOW) | O_CLOEXEC);
    int e = errno;
    walk_close(&w);
    errno = e;
    return fd;
}

int ks_read_fd(int fd, size_t max, char **out, size_t *len) {
    *out = NULL;
    *len = 0;
    struct stat st;
    if (fstat(fd, &st) != 0) return KS_ERR_IO;
    if (!S_ISREG(st.st_mode)) {
        errno = EISDIR;
        return KS_ERR_IO;
    }
    if ((uint64_t)st.st_size > (uint64_t)max) return KS_ERR_TOO_BIG;
    /* The size may change while we read (a staff editor writing slowly):
     * read until EOF, but never past max. */
    ks_buf b = {0};
    char chunk[16384];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ks_buf_free(&b);
            errno = e;
            return KS_ERR_IO;
        }
        if (n == 0) break;
        if (b.len + (size_t)n > max) {
            ks_buf_free(&b);
            return KS_ERR_TOO_BIG;
        }
        ks_buf_append(&b, chunk, (size_t)n);
    }
    *len = b.len;
    *out = ks_buf_detach(&b);
    return KS_OK;
}

/* mkdir -p of path[0..end): each '/' ends a folder to make. */
static int make_dirs_upto(const char *path, size_t end, unsigned mode) {
    char *copy = ks_strndup(path, end);
    int rc = KS_OK;
    for (char *p = copy + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        if (mkdir(copy, (mode_t)mode) != 0 && errno != EEXIST) {
            rc = KS_ERR_IO;
            break;
        }
        *p = c;
        if (!c) break;
    }
    int saved = errno;
    free(copy);
    errno = saved;
    return rc;
}

int ks_make_dirs(const char *path, unsigned mode) {
    if (!path || !*path) return KS_ERR_INVALID;
    return make_dirs_upto(path, strlen(path), mode);
}

int ks_make_parent_dirs(const char *path, unsigned mode) {
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash || slash == path) return KS_OK; /* in the current folder or / */
    return make_dirs_upto(path, (size_t)(slash - path), mode);
}
