/* seal: skip the whole-file check when the file is the one the last check
 * passed.
 *
 * PRAGMA quick_check reads every page (about 45 ms at 10,000 pages, 55 MB),
 * and `kiosk index` used to pay it on every run, a third of a one-page
 * update. A run that checked the file (or found it sealed) and closed it
 * cleanly leaves a seal beside it, PATH.checked: the file's device, inode,
 * size, modification and change times as they were when the last
 * connection closed, and when the last whole check was. The next run
 * trusts the file without reading it when all of these still match, no
 * write-ahead log holds frames (-wal missing or empty: a crash in the
 * middle of a write, or a writer still at work, leaves one), and the check
 * is less than max_age_s old; anything else checks the whole file.
 *
 * A write through the file system sets the modification time to the
 * clock's current tick, and a write in the same tick as the last one would
 * keep it: so before sealing, the modification time is set back to a mark
 * (two seconds before the last write, with random nanoseconds), which no
 * later write can produce (it stores "now"). The 4 KB of noise that
 * test_index_faults writes into the middle of the file, a truncation, a
 * copy or a restore over it, all change what the seal holds. Damage
 * without any write (the medium itself) is found by the whole check once
 * the seal is max_age_s old (kiosk index: a day, as the running kiosk's
 * daily check).
 *
 * The seal is a cache: replaced by rename, not synced; a seal lost or torn
 * (it must end in " end") costs one whole check. SQLite finding damage at
 * any time (ix_fail) removes it at once, so a file damaged where no write
 * shows (the medium) is checked whole by the next run, not trusted again. */
#include "index_int.h"

#include "kiosk/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEAL_MAGIC "ksseal1"

typedef struct seal {
    unsigned long long dev, ino;
    long long size, mtime_s, mtime_ns, ctime_s, ctime_ns;
    long long checked_at; /* unix seconds of the last whole check */
} seal;

static char *seal_path(const char *db) { return ks_sprintf("%s.checked", db); }

static seal seal_of(const struct stat *st, long long checked_at) {
    seal s = {(unsigned long long)st->st_dev, (unsigned long long)st->st_ino, (long long)st->st_size,
              (long long)st->st_mtim.tv_sec, (long long)st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec,
              (long long)st->st_ctim.tv_nsec, checked_at};
    return s;
}

static int seal_same_file(const seal *a, const seal *b) {
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_s == b->mtime_s &&
           a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

/* The seal beside db, or 0 when there is none that reads whole. */
static int seal_read(const char *db, seal *out) {
    char *path = seal_path(db), *text = NULL, end[4] = "";
    size_t len;
    int ok = 0;
    if (ks_read_file(path, 512, &text, &len) == KS_OK)
        ok = sscanf(text, SEAL_MAGIC " %llu %llu %lld %lld %lld %lld %lld %lld %3s", &out->dev, &out->ino, &out->size,
                    &out->mtime_s, &out->mtime_ns, &out->ctime_s, &out->ctime_ns, &out->checked_at, end) == 9 &&
             strcmp(end, "end") == 0;
    free(text);
    free(path);
    return ok;
}

static int seal_write(const char *db, const seal *s) {
    char *path = seal_path(db), *tmp = ks_sprintf("%s.tmp.%ld", path, (long)getpid());
    char *text = ks_sprintf(SEAL_MAGIC " %llu %llu %lld %lld %lld %lld %lld %lld end\n", s->dev, s->ino, s->size,
                            s->mtime_s, s->mtime_ns, s->ctime_s, s->ctime_ns, s->checked_at);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = -1;
    if (fd >= 0) {
        size_t n = strlen(text);
        rc = write(fd, text, n) == (ssize_t)n ? 0 : -1;
        if (close(fd) != 0) rc = -1;
        if (rc == 0 && rename(tmp, path) != 0) rc = -1;
        if (rc != 0) unlink(tmp);
    }
    free(text);
    free(tmp);
    free(path);
    return rc;
}

/* No write-ahead log with frames in it beside db. */
static int wal_empty(const char *db) {
    char *wal = ks_sprintf("%s-wal", db);
    struct stat st;
    int empty = lstat(wal, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode) && st.st_size == 0;
    free(wal);
    return empty;
}

void ix_seal_forget(const char *db) {
    char *path = seal_path(db);
    unlink(path);
    free(path);
}

int ks_index_check_unless_sealed(ks_index *ix, int max_age_s) {
    seal s, now;
    struct stat st;
    long long t = (long long)time(NULL);
    if (!ix->db) return KS_INDEX_ERR_DB;
    if (seal_read(ix->path, &s) && stat(ix->path, &st) == 0 && S_ISREG(st.st_mode) && wal_empty(ix->path) &&
        s.checked_at <= t && t - s.checked_at < max_age_s) {
        now = seal_of(&st, s.checked_at);
        if (seal_same_file(&s, &now) && ix->files.known[0] && st.st_dev == ix->files.dev[0] && st.st_ino == ix->files.ino[0]) {
            ix->checked_at = s.checked_at;
            return 0;
        }
    }
    int rc = ks_index_check(ix);
    if (rc >= 0) ix->checked_at = t;
    return rc;
}

void ks_index_close_sealed(ks_index *ix) {
    if (!ix) return;
    long long checked_at = ix->checked_at;
    int sound = ix->db && checked_at > 0 && !ix->saw_damage && !ks_index_moved(ix);
    char *db = ks_strdup(ix->path);
    ks_index_close(ix); /* the last connection: SQLite copies the log into the file and removes it */
    struct stat st;
    seal old, now;
    if (sound && stat(db, &st) == 0 && S_ISREG(st.st_mode) && wal_empty(db)) {
        now = seal_of(&st, checked_at);
        if (seal_read(db, &old) && seal_same_file(&old, &now) && old.checked_at == checked_at) {
            free(db); /* nothing written since it was sealed: the seal stands */
            return;
        }
        /* the mark: before the last write, so no later write can set it */
        uint64_t nonce = ks_hash64(db, strlen(db)) ^ (uint64_t)getpid() ^ (uint64_t)st.st_ctim.tv_nsec;
        struct timespec times[2] = {{0, UTIME_OMIT}, {st.st_mtim.tv_sec - 2, (long)(nonce % 1000000000u)}};
        if (utimensat(AT_FDCWD, db, times, 0) == 0 && stat(db, &st) == 0 && wal_empty(db)) {
            seal s = seal_of(&st, checked_at);
            seal_write(db, &s); /* when it cannot be written: the next run checks the whole file */
        }
    }
    free(db);
}
