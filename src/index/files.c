/* files: which files an index connection works on, to notice any of them
 * removed or replaced under it.
 *
 * SQLite names a database's write-ahead log and its shared memory by the
 * path (PATH-wal, PATH-shm) and keeps them open for the life of a
 * connection. Removed by hand while a connection is open (`rm index.db*`:
 * the shell's order is the file, then -shm, then -wal, and a removal held
 * up between them can take the next file's), the connection goes on
 * writing into a log that no other connection can see, and its commits are
 * lost to every other reader. So each connection notes the three files it
 * works on (device and inode: the file as it opened it, and the log and
 * shared memory once they exist), and is "moved" once a path names another
 * file or none: the writer then closes and opens the path again, a reader
 * refuses to read (KS_INDEX_ERR_MOVED). Three stats, a few microseconds. */
#include "index_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const suffixes[IX_FILES] = {"", "-wal", "-shm"};

/* stat of path + suffix; 0 or -1. */
static int stat_of(const char *path, const char *suffix, struct stat *st) {
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "%s%s", path, suffix), rc;
    if (n >= 0 && (size_t)n < sizeof buf) return stat(buf, st);
    char *p = ks_sprintf("%s%s", path, suffix);
    rc = stat(p, st);
    free(p);
    return rc;
}

void ix_files_note(const char *path, ix_files *f) {
    struct stat st;
    for (int i = 0; i < IX_FILES; i++)
        if (!f->known[i] && stat_of(path, suffixes[i], &st) == 0) {
            f->known[i] = 1;
            f->dev[i] = st.st_dev;
            f->ino[i] = st.st_ino;
        }
}

void ix_files_forget(ix_files *f) { memset(f, 0, sizeof *f); }

int ix_files_moved(const char *path, const ix_files *f) {
    struct stat st;
    for (int i = 0; i < IX_FILES; i++) {
        if (!f->known[i] && i > 0) continue; /* not made yet: noted once it is */
        if (!f->known[i] || stat_of(path, suffixes[i], &st) != 0 || st.st_dev != f->dev[i] || st.st_ino != f->ino[i])
            return i == 0 ? 1 : 2;
    }
    return 0;
}
