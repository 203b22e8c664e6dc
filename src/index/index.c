/* index: opening the database (what may be used, what is refused, what is
 * repaired), backups, and reading page records back. The sync transaction
 * is in sync.c.
 *
 * Open never destroys: a file that is not a regular file, not SQLite, or
 * another program's database is refused untouched; busy, locked, full and
 * failing disks are reported and nothing is changed; only a file that
 * names itself ours and is damaged is moved aside (never deleted) and
 * replaced by its last backup. */
#define _GNU_SOURCE /* copy_file_range */
#include "index_int.h"

#include "kiosk/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* The schema. The FTS5 table holds its own copy of the indexed text (title,
 * keywords, headings with the summary, plain-text body) keyed by pages.id;
 * pages holds the source of the last good version. */
static const char *const schema_sql =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
    "INSERT INTO meta VALUES('generation', 0), ('synonyms_hash', 0);"
    "CREATE TABLE pages("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  hash INTEGER NOT NULL,"            /* of the file this version came from */
    "  bad_hash INTEGER NOT NULL DEFAULT 0," /* hash of a broken file on disk now, 0 if none */
    "  topic TEXT NOT NULL, section TEXT NOT NULL, title TEXT NOT NULL,"
    "  summary TEXT NOT NULL, reviewed TEXT NOT NULL, ord INTEGER NOT NULL,"
    "  is_topic_index INTEGER NOT NULL,"
    "  keywords TEXT NOT NULL);"          /* one per line */
    /* what a sync compares, readable without touching the rows */
    "CREATE INDEX pages_sync ON pages(slug, hash, bad_hash);"
    /* the Markdown apart, so scanning pages (every sync, every search
     * reload) reads small rows */
    "CREATE TABLE sources(id INTEGER PRIMARY KEY, markdown TEXT NOT NULL, body_line INTEGER NOT NULL);"
    "CREATE VIRTUAL TABLE fts USING fts5(title, keywords, head, body,"
    "  tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3');"
    "CREATE TABLE vocab(word TEXT PRIMARY KEY, df INTEGER NOT NULL, hdf INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE synonyms(id INTEGER PRIMARY KEY, phrase TEXT NOT NULL, target TEXT NOT NULL,"
    "  line INTEGER NOT NULL);";

/* How long a statement waits for another connection's lock. */
#define BUSY_TIMEOUT_MS 5000

/* The result code for an SQLite primary code: busy and locked are worth
 * waiting for; a full disk, an I/O error or a read-only file leave the file
 * as it is; corruption is handled by ks_index_open / ks_index_check. */
int ix_code_of(int sqlite_rc) {
    switch (sqlite_rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return KS_INDEX_ERR_BUSY;
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH: return KS_INDEX_ERR_IO;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return KS_INDEX_ERR_CORRUPT;
    case SQLITE_INTERRUPT: return KS_INDEX_ERR_INTERRUPTED;
    default: return KS_INDEX_ERR_DB;
    }
}

int ix_fail(ks_index *ix, const char *what) {
    int code = sqlite3_errcode(ix->db);
    snprintf(ix->errmsg, sizeof ix->errmsg, "%.80s: %.160s", what, sqlite3_errmsg(ix->db));
    if (ix_code_of(code) == KS_INDEX_ERR_CORRUPT) {
        ix->saw_damage = 1;
        ix_seal_forget(ix->path);
    }
    return ix_code_of(code);
}

/* The same for a code returned by a call that does not keep a message. */
static int fail_rc(ks_index *ix, const char *what, int rc) {
    snprintf(ix->errmsg, sizeof ix->errmsg, "%.80s: %.160s", what, sqlite3_errstr(rc));
    if (ix_code_of(rc) == KS_INDEX_ERR_CORRUPT) {
        ix->saw_damage = 1;
        ix_seal_forget(ix->path);
    }
    return ix_code_of(rc);
}

int ix_exec(ks_index *ix, const char *sql) {
    if (sqlite3_exec(ix->db, sql, NULL, NULL, NULL) != SQLITE_OK) return ix_fail(ix, sql);
    return 0;
}

static int pragma_int(ks_index *ix, const char *sql, int64_t *out) {
    sqlite3_stmt *st;
    *out = 0;
    if (!ix->db) return SQLITE_MISUSE; /* a repair that could not reopen */
    int rc = sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Drop every table, view and trigger of an older schema of ours, inside
 * the caller's transaction. */
static int wipe(ks_index *ix) {
    sqlite3_stmt *st;
    ks_buf sql = {0};
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT type, name, sql LIKE 'CREATE VIRTUAL%' FROM sqlite_master "
                           "WHERE name NOT LIKE 'sqlite_%' AND type IN ('table','view','trigger') "
                           "ORDER BY type = 'table', 3 DESC",
                           -1, &st, NULL) != SQLITE_OK)
        return ix_fail(ix, "reading the old schema");
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        char *q = sqlite3_mprintf("DROP %s IF EXISTS \"%w\";", strcmp(type, "view") == 0 ? "VIEW"
                                                             : strcmp(type, "trigger") == 0 ? "TRIGGER"
                                                                                             : "TABLE",
                                  name);
        ks_buf_puts(&sql, q);
        sqlite3_free(q);
    }
    sqlite3_finalize(st);
    int rc = sql.len ? ix_exec(ix, sql.data) : 0;
    ks_buf_free(&sql);
    return rc;
}

/* A file that is not ours: say so and leave it alone. */
static int not_ours(ks_index *ix, const char *why) {
    snprintf(ix->errmsg, sizeof ix->errmsg,
             "%.600s %.200s; refusing to use or change it (move it away or give another --db)", ix->path, why);
    return KS_INDEX_ERR_NOT_OURS;
}

/* Look at the file before SQLite does: it must be missing, empty, or a
 * regular file that starts like an SQLite database. Notes in ix whether it
 * is empty and what application id its first page names. Returns 0 or
 * KS_INDEX_ERR_NOT_OURS / _IO; never changes anything. */
static int vet_file(ks_index *ix) {
    struct stat st;
    unsigned char head[100];
    ssize_t got;
    int fd;
    ix->raw_app = 0;
    ix->was_empty = 0;
    if (stat(ix->path, &st) != 0) {
        if (errno == ENOENT) {
            ix->was_empty = 1;
            return 0;
        }
        snprintf(ix->errmsg, sizeof ix->errmsg, "cannot look at %.600s: %s", ix->path, strerror(errno));
        return KS_INDEX_ERR_IO;
    }
    if (!S_ISREG(st.st_mode))
        return not_ours(ix, S_ISDIR(st.st_mode)   ? "is a folder, not an index file"
                            : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "is a device, not an index file"
                            : S_ISFIFO(st.st_mode) ? "is a pipe (FIFO), not an index file"
                                                   : "is not a regular file");
    if (st.st_size == 0) {
        ix->was_empty = 1;
        return 0;
    }
    fd = open(ix->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        snprintf(ix->errmsg, sizeof ix->errmsg, "cannot read %.600s: %s", ix->path, strerror(errno));
        return KS_INDEX_ERR_IO;
    }
    got = read(fd, head, sizeof head);
    close(fd);
    if (got < 0) {
        snprintf(ix->errmsg, sizeof ix->errmsg, "cannot read %.600s: %s", ix->path, strerror(errno));
        return KS_INDEX_ERR_IO;
    }
    if (got < 16 || memcmp(head, "SQLite format 3", 16) != 0)
        return not_ours(ix, "is not a kiosk index (not an SQLite database)");
    if (got >= 72)
        ix->raw_app = (int64_t)((uint32_t)head[68] << 24 | (uint32_t)head[69] << 16 | (uint32_t)head[70] << 8 |
                                (uint32_t)head[71]);
    return 0;
}

/* Make sure the file holds our current schema. Returns 0 or a negative
 * code; KS_INDEX_ERR_CORRUPT only for a file that names itself ours. */
static int ensure_schema(ks_index *ix) {
    int64_t app = 0, ver = 0, objects = 0, mode = 0;
    int rc = pragma_int(ix, "PRAGMA application_id", &app);
    if (rc != SQLITE_OK) {
        int code = fail_rc(ix, "reading the file's header", rc);
        if (code == KS_INDEX_ERR_CORRUPT && ix->raw_app != KS_INDEX_APP_ID)
            return not_ours(ix, "is not a readable SQLite database and does not say it is a kiosk index");
        return code;
    }
    if (app != KS_INDEX_APP_ID) {
        rc = pragma_int(ix, "SELECT count(*) FROM sqlite_master", &objects);
        if (rc != SQLITE_OK) {
            int code = fail_rc(ix, "reading the schema", rc);
            return code == KS_INDEX_ERR_CORRUPT ? not_ours(ix, "is a damaged database of another program") : code;
        }
        if (objects > 0 || app != 0) return not_ours(ix, "holds another program's data, not a kiosk index");
    }
    if ((rc = pragma_int(ix, "PRAGMA journal_mode = WAL", &mode)) != SQLITE_OK)
        return fail_rc(ix, "setting WAL mode", rc);
    if (ix_exec(ix, "PRAGMA synchronous = NORMAL") != 0) return KS_INDEX_ERR_DB;
    if ((rc = pragma_int(ix, "PRAGMA user_version", &ver)) != SQLITE_OK)
        return fail_rc(ix, "reading the schema version", rc);
    if (app == KS_INDEX_APP_ID && ver == KS_INDEX_SCHEMA_VERSION) return 0;

    /* Create, or rebuild an older schema of ours, once, under the write
     * lock; someone else may have done it meanwhile, so look again inside. */
    if ((rc = ix_exec(ix, "BEGIN IMMEDIATE")) != 0) return rc;
    if ((rc = pragma_int(ix, "PRAGMA application_id", &app)) != SQLITE_OK ||
        (rc = pragma_int(ix, "PRAGMA user_version", &ver)) != SQLITE_OK ||
        (rc = pragma_int(ix, "SELECT count(*) FROM sqlite_master", &objects)) != SQLITE_OK) {
        rc = fail_rc(ix, "reading the schema version", rc);
        goto fail;
    }
    if (app == KS_INDEX_APP_ID && ver == KS_INDEX_SCHEMA_VERSION) return ix_exec(ix, "COMMIT");
    if (app != KS_INDEX_APP_ID && objects > 0) {
        rc = not_ours(ix, "holds another program's data, not a kiosk index");
        goto fail;
    }
    if (objects > 0) {
        ks_log("index: %s has an index schema of version %lld, this kiosk writes %d; rebuilding it", ix->path,
               (long long)ver, KS_INDEX_SCHEMA_VERSION);
        if ((rc = wipe(ix)) != 0) goto fail;
    }
    if ((rc = ix_exec(ix, schema_sql)) != 0) goto fail;
    char pragmas[128];
    snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
             KS_INDEX_APP_ID, KS_INDEX_SCHEMA_VERSION);
    if ((rc = ix_exec(ix, pragmas)) != 0) goto fail;
    return ix_exec(ix, "COMMIT");
fail:
    sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int open_db(ks_index *ix) {
    /* SQLITE_OPEN_EXRESCODE is not in every SQLite; the primary codes are
     * enough here. NOMUTEX: a handle belongs to one thread at a time
     * (index.h), and sqlite3_interrupt, the one call from another thread
     * (ks_index_interrupt), takes no connection mutex; SQLite's own lock
     * and unlock around every call were 6 % of a kiosk index with one
     * page changed at 10,000 pages (reader.c's connections do the same). */
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(ix->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(ix->errmsg, sizeof ix->errmsg, "cannot open %.600s: %s", ix->path,
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        db = NULL;
    } else {
        sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
        sqlite3_extended_result_codes(db, 0);
    }
    sqlite3_mutex_enter(ix->db_mu); /* ks_index_interrupt reads db from another thread */
    ix->db = db;
    sqlite3_mutex_leave(ix->db_mu);
    return rc == SQLITE_OK ? 0 : ix_code_of(rc);
}

static void close_db(ks_index *ix) {
    sqlite3 *db;
    sqlite3_mutex_enter(ix->db_mu);
    db = ix->db;
    ix->db = NULL;
    sqlite3_mutex_leave(ix->db_mu);
    if (db) sqlite3_close_v2(db);
}

/* Whether ks_index_interrupt was called (then errmsg says so). */
static int interrupted(ks_index *ix) {
    if (!atomic_load(&ix->interrupted)) return 0;
    snprintf(ix->errmsg, sizeof ix->errmsg, "interrupted (the kiosk is stopping)");
    return 1;
}

void ks_index_interrupt(ks_index *ix) {
    if (!ix) return;
    atomic_store(&ix->interrupted, 1);
    sqlite3_mutex_enter(ix->db_mu);
    if (ix->db && !ix->repairing) sqlite3_interrupt(ix->db);
    sqlite3_mutex_leave(ix->db_mu);
}

void ks_index_give_way(ks_index *ix, int on) {
    if (!ix) return;
    atomic_store(&ix->give_way, on != 0);
    if (!on) return;
    /* SQLite forgets an interrupt made while no statement runs, so one
     * asked for just before the check's statement starts is lost; the flag
     * makes the check return at once if it is set before, and a caller
     * that asks again until the work returns (the watcher does) catches
     * the few microseconds between. */
    sqlite3_mutex_enter(ix->db_mu);
    if (ix->db && !ix->repairing) sqlite3_interrupt(ix->db);
    sqlite3_mutex_leave(ix->db_mu);
}

/* Whether a check or backup should give way now (then errmsg says so).
 * ks_index_interrupt wins: stopping is not "later". */
static int giving_way(ks_index *ix) {
    if (!atomic_load(&ix->give_way) || atomic_load(&ix->interrupted)) return 0;
    snprintf(ix->errmsg, sizeof ix->errmsg, "gave way to a sync (run again later)");
    return 1;
}

/* A repair (recover) runs to its end: an interrupted one could take a
 * sound backup for a damaged one. */
static void set_repairing(ks_index *ix, int on) {
    sqlite3_mutex_enter(ix->db_mu);
    ix->repairing = on;
    sqlite3_mutex_leave(ix->db_mu);
}

/* ------------------------------------------------------------ backups */

static char *backup_path(const char *path) { return ks_sprintf("%s.backup", path); }

static void fsync_path(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* The folder holding path, for an fsync after a rename. */
static void fsync_dir_of(const char *path) {
    char *dir = ks_strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else if (slash) *slash = '\0';
    else strcpy(dir, ".");
    fsync_path(dir);
    free(dir);
}

/* Copy the bytes of the open file from to the new file to (the kernel's
 * copy_file_range where it can, else read and write). 0 or -1. */
static int copy_bytes(int from, int to) {
    char buf[65536];
    ssize_t n;
    off_t in = 0, out = 0;
    for (;;) {
        n = copy_file_range(from, &in, to, &out, (size_t)1 << 30, 0);
        if (n == 0) return 0;
        if (n < 0) break;
    }
    if (in != 0) return -1; /* failed half way: not worth another way */
    while ((n = read(from, buf, sizeof buf)) > 0)
        if (write(to, buf, (size_t)n) != n) return -1;
    return n == 0 ? 0 : -1;
}

/* The backup of a file this handle found missing or empty (a first
 * build, or a new index after damage): every byte in it was written by
 * SQLite since, so nothing can be in it that VACUUM INTO would refuse to
 * read, and a copy of its bytes is as good a backup at a fraction of the
 * cost (82 MB at 15,000 pages: 40 ms against 250-500 ms). The bytes are a
 * whole, current database only when the write-ahead log is all copied
 * into the file (a checkpoint that got every frame) and nobody committed
 * since (PRAGMA data_version), which the write lock then keeps true while
 * the copy is made. Returns 0 (tmp written and synced), 1 when that does
 * not hold now (use VACUUM INTO), or a negative code. */
static int backup_by_copy(ks_index *ix, const char *tmp) {
    int64_t before = 0, after = 0;
    int log = -1, done = -1, rc = 1, err = 0;
    if (!ix->was_empty || ix->saw_damage) return 1;
    if (pragma_int(ix, "PRAGMA data_version", &before) != SQLITE_OK ||
        sqlite3_wal_checkpoint_v2(ix->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) != SQLITE_OK ||
        log < 0 || log != done)
        return 1;
    /* another writer at work: do not wait for it, VACUUM INTO needs no write lock */
    sqlite3_busy_timeout(ix->db, 0);
    int locked = sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_busy_timeout(ix->db, BUSY_TIMEOUT_MS);
    if (!locked) return 1;
    if (pragma_int(ix, "PRAGMA data_version", &after) == SQLITE_OK && after == before) {
        int in = open(ix->path, O_RDONLY | O_CLOEXEC), out = -1;
        struct stat st;
        if (in >= 0 && fstat(in, &st) == 0 && ix->files.known[0] && st.st_dev == ix->files.dev[0] &&
            st.st_ino == ix->files.ino[0])
            out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (out >= 0) {
            /* bytes 18-19: 1 = a rollback-journal file, as VACUUM INTO
             * makes; the file's own 2 (WAL) would have a reader of the
             * copy look for a log beside it */
            static const unsigned char legacy[2] = {1, 1};
            rc = copy_bytes(in, out) == 0 && pwrite(out, legacy, 2, 18) == 2 && fsync(out) == 0 ? 0 : -1;
            if (close(out) != 0) rc = -1;
            if (rc < 0) err = errno;
        }
        if (in >= 0) close(in);
    }
    sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL); /* nothing was written */
    if (rc < 0) {
        snprintf(ix->errmsg, sizeof ix->errmsg, "making a backup: %s", strerror(err ? err : EIO));
        unlink(tmp);
        return KS_INDEX_ERR_IO;
    }
    return rc;
}

/* Rename the synced tmp to to, and sync to's folder. 0, or
 * KS_INDEX_ERR_IO with errmsg saying what failed. */
static int put_in_place(ks_index *ix, const char *tmp, const char *to, const char *what) {
    if (rename(tmp, to) != 0) {
        snprintf(ix->errmsg, sizeof ix->errmsg, "%s: %s", what, strerror(errno));
        return KS_INDEX_ERR_IO;
    }
    fsync_dir_of(to);
    return 0;
}

/* A whole copy of the index as ix sees it (VACUUM INTO tmp, fsync), put
 * in place at to by a rename (to NULL: left at tmp). what names it in
 * errmsg. Returns 0, or a negative code with to as it was (tmp removed). */
static int copy_whole(ks_index *ix, const char *tmp, const char *to, const char *what) {
    sqlite3_stmt *st;
    int rc;
    unlink(tmp); /* VACUUM INTO wants a new file; a leftover is ours */
    if (sqlite3_prepare_v2(ix->db, "VACUUM INTO ?", -1, &st, NULL) != SQLITE_OK) {
        rc = ix_fail(ix, what);
    } else {
        sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ix_fail(ix, what);
        sqlite3_finalize(st);
        if (rc != 0 && giving_way(ix)) rc = KS_INDEX_ERR_YIELDED;
    }
    /* not worth an fsync now; and a VACUUM INTO interrupted while it
     * opened its file fails as "unable to open database": say what it was */
    if (interrupted(ix)) rc = KS_INDEX_ERR_INTERRUPTED;
    if (rc == 0) fsync_path(tmp);
    if (rc == 0 && to) rc = put_in_place(ix, tmp, to, what);
    if (rc != 0) unlink(tmp);
    return rc;
}

int ks_index_backup(ks_index *ix) {
    if (!ix->db) return KS_INDEX_ERR_DB;
    if (interrupted(ix)) return KS_INDEX_ERR_INTERRUPTED;
    if (giving_way(ix)) return KS_INDEX_ERR_YIELDED;
    char *bak = backup_path(ix->path), *tmp = ks_sprintf("%s.backup-new", ix->path);
    unlink(tmp); /* a leftover is ours */
    int rc = backup_by_copy(ix, tmp); /* failed: the old backup stays */
    if (rc == 0) {
        if ((rc = put_in_place(ix, tmp, bak, "making a backup")) != 0) unlink(tmp);
    } else if (rc > 0) {
        rc = copy_whole(ix, tmp, bak, "making a backup");
    }
    free(tmp);
    free(bak);
    return rc;
}

int ks_index_rehome(ks_index *ix) {
    if (!ix->db) return KS_INDEX_ERR_DB;
    if (interrupted(ix)) return KS_INDEX_ERR_INTERRUPTED;
    if (ks_index_moved(ix) != 2) return 0;
    /* Every connection in this process to the same file shares one mapping
     * of the shared memory, the removed one while any is open: a new
     * connection to the same file would use it with a new -wal. A new file
     * (a new inode) starts afresh for all of them. */
    char *tmp = ks_sprintf("%s.rehome-new", ix->path), *old = ks_sprintf("%s.rehome-old", ix->path),
         *wal = ks_sprintf("%s-wal", ix->path), *shm = ks_sprintf("%s-shm", ix->path);
    const char *what = "copying the index whose -wal or -shm was removed";
    struct stat st;
    int rc = copy_whole(ix, tmp, NULL, what), made = 0;
    /* The file itself may be going too (rm index.db*, held up): moving it
     * aside first, rather than renaming the copy over it, lets a removal
     * made meanwhile win; only one made between the two renames is undone. */
    if (rc == 0 && rename(ix->path, old) != 0) {
        if (errno != ENOENT) {
            snprintf(ix->errmsg, sizeof ix->errmsg, "%s: %s", what, strerror(errno));
            rc = KS_INDEX_ERR_IO;
        }
    } else if (rc == 0 && (stat(old, &st) != 0 || st.st_dev != ix->files.dev[0] || st.st_ino != ix->files.ino[0])) {
        rename(old, ix->path); /* another program's new file came in meanwhile: give it back */
    } else if (rc == 0) {
        unlink(wal); /* whatever is there now is not the copy's */
        unlink(shm);
        if (rename(tmp, ix->path) != 0) {
            snprintf(ix->errmsg, sizeof ix->errmsg, "%s: %s", what, strerror(errno));
            rc = KS_INDEX_ERR_IO;
            rename(old, ix->path); /* as it was */
        } else {
            made = 1;
            unlink(old); /* ix keeps it open until closed */
            fsync_dir_of(ix->path);
        }
    }
    if (!made) unlink(tmp);
    free(tmp);
    free(old);
    free(wal);
    free(shm);
    return rc < 0 ? rc : made;
}

/* Copy from to a new file to (through to.restore-new and a rename).
 * Returns 0 or KS_INDEX_ERR_IO. */
static int copy_file(const char *from, const char *to) {
    char *tmp = ks_sprintf("%s.restore-new", to);
    char buf[65536];
    int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = KS_INDEX_ERR_IO;
    ssize_t n = 0;
    if (in >= 0) out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out >= 0) {
        while ((n = read(in, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)n) != n) {
                n = -1;
                break;
            }
        if (n == 0 && fsync(out) == 0) rc = 0;
    }
    if (out >= 0 && close(out) != 0) rc = KS_INDEX_ERR_IO;
    if (in >= 0) close(in);
    if (rc == 0 && rename(tmp, to) != 0) rc = KS_INDEX_ERR_IO;
    if (rc != 0) unlink(tmp);
    else fsync_dir_of(to);
    free(tmp);
    return rc;
}

/* Rename path (and its -wal and -shm) to path.corrupt-DATE[-wal|-shm].
 * Old connections elsewhere keep their open files; new ones find nothing
 * there. Returns 0 or KS_INDEX_ERR_IO (then nothing was moved). */
static int move_aside(ks_index *ix, char *aside, size_t cap) {
    static const char *const suffixes[] = {"-wal", "-shm"};
    char date[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y%m%d-%H%M%S", &tm);
    snprintf(aside, cap, "%s.corrupt-%s", ix->path, date);
    for (int k = 2; access(aside, F_OK) == 0; k++) snprintf(aside, cap, "%s.corrupt-%s.%d", ix->path, date, k);
    if (rename(ix->path, aside) != 0 && errno != ENOENT) {
        snprintf(ix->errmsg, sizeof ix->errmsg, "cannot move the damaged index %.600s aside: %s", ix->path,
                 strerror(errno));
        return KS_INDEX_ERR_IO;
    }
    for (size_t i = 0; i < 2; i++) {
        char *from = ks_sprintf("%s%s", ix->path, suffixes[i]), *to = ks_sprintf("%s%s", aside, suffixes[i]);
        rename(from, to);
        free(from);
        free(to);
    }
    fsync_dir_of(ix->path);
    return 0;
}

/* PRAGMA quick_check on the open connection: 0 sound, KS_INDEX_ERR_CORRUPT
 * (message in errmsg), or another negative code when it could not run.
 * may_yield: KS_INDEX_ERR_YIELDED when asked to give way, _INTERRUPTED
 * when stopping (whatever a check stopped part way said, even a complaint,
 * means nothing: it is run again later); 0 while repairing, which is never
 * stopped. */
static int quick_check(ks_index *ix, int may_yield) {
    sqlite3_stmt *st;
    int rc;
    if ((rc = sqlite3_prepare_v2(ix->db, "PRAGMA quick_check", -1, &st, NULL)) != SQLITE_OK)
        return fail_rc(ix, "checking the index", rc);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *msg = (const char *)sqlite3_column_text(st, 0);
        if (msg && strcmp(msg, "ok") == 0) {
            sqlite3_finalize(st);
            return 0;
        }
        if (may_yield && (giving_way(ix) || interrupted(ix))) { /* stopped part way: not a finding */
            sqlite3_finalize(st);
            return atomic_load(&ix->interrupted) ? KS_INDEX_ERR_INTERRUPTED : KS_INDEX_ERR_YIELDED;
        }
        snprintf(ix->errmsg, sizeof ix->errmsg, "%.200s", msg ? msg : "?");
        for (char *c = ix->errmsg; *c; c++)
            if (*c == '\n') *c = ' '; /* one log line */
        sqlite3_finalize(st);
        return KS_INDEX_ERR_CORRUPT;
    }
    sqlite3_finalize(st);
    if (may_yield && giving_way(ix)) return KS_INDEX_ERR_YIELDED;
    return fail_rc(ix, "checking the index", rc);
}

/* The file is ours and damaged: move it aside, put the last backup in its
 * place (or nothing: the next sync fills a new one), open again. Called
 * with the connection open or closed; returns with it open (0) or closed
 * (negative). *how is 1 when a backup was restored, 2 when started empty. */
static int recover(ks_index *ix, const char *why, int *how) {
    char aside[1200], why_copy[256];
    char *bak = backup_path(ix->path);
    int rc;
    snprintf(why_copy, sizeof why_copy, "%s", why);
    close_db(ix);
    set_repairing(ix, 1);
    if ((rc = move_aside(ix, aside, sizeof aside)) != 0) {
        set_repairing(ix, 0);
        free(bak);
        return rc;
    }
    ks_log("index: %s is damaged (%s); moved it aside to %s", ix->path, why_copy, aside);
    *how = 2;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (attempt == 0 && access(bak, R_OK) == 0 && copy_file(bak, ix->path) == 0) {
            *how = 1;
        } else {
            *how = 2;
            attempt = 1;
        }
        if ((rc = vet_file(ix)) == 0 && (rc = open_db(ix)) == 0 && (rc = ensure_schema(ix)) == 0 &&
            (*how == 2 || (rc = quick_check(ix, 0)) == 0))
            break;
        /* the backup is no good either: aside with it too, start empty */
        close_db(ix);
        if (*how == 2 || move_aside(ix, aside, sizeof aside) != 0) break;
        ks_log("index: the backup %s is no good (%s); starting an empty index", bak, ix->errmsg);
    }
    if (rc == 0) {
        ks_log("index: %s %s", ix->path, *how == 1 ? "restored from its last backup" : "started empty (no backup)");
        ix->saw_damage = 0; /* a new file, checked (seal.c) */
    } else {
        close_db(ix);
    }
    set_repairing(ix, 0);
    free(bak);
    return rc;
}

/* A new connection: note the files it works on (files.c). */
static void note_identity(ks_index *ix) {
    ix_files_forget(&ix->files);
    ix_files_note(ix->path, &ix->files);
}

int ks_index_moved(const ks_index *ix) { return ix_files_moved(ix->path, &ix->files); }

/* SQLite says "disk I/O error" when it cannot make the -shm file on a full
 * disk: say what it is. */
static void note_full_disk(ks_index *ix) {
    struct statvfs vfs;
    char *dir = ks_strdup(ix->path), *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else if (slash) *slash = '\0';
    else strcpy(dir, ".");
    if (statvfs(dir, &vfs) == 0 && vfs.f_bavail == 0) {
        size_t n = strlen(ix->errmsg);
        snprintf(ix->errmsg + n, sizeof ix->errmsg - n, " (the disk holding %s is full)", dir);
    }
    free(dir);
}

ks_index *ks_index_open(const char *db_path, int *err) { return ks_index_open_ex(db_path, err, NULL, 0); }

ks_index *ks_index_open_ex(const char *db_path, int *err, char *msg, size_t cap) {
    ks_index *ix = ks_calloc(1, sizeof *ix);
    int rc, how = 0;
    ix->db_mu = sqlite3_mutex_alloc(SQLITE_MUTEX_FAST); /* NULL in a single-threaded SQLite: no locking needed */
    atomic_init(&ix->interrupted, 0);
    atomic_init(&ix->give_way, 0);
    ix->trust_reused = -1;
    ix->path = ks_strdup(db_path ? db_path : "");
    rc = vet_file(ix);
    if (rc == 0 && ix->was_empty) {
        /* An empty file where a backup exists lost its content (a crash
         * while it was being replaced, a truncation): take the backup. */
        char *bak = backup_path(ix->path), *wal = ks_sprintf("%s-wal", ix->path);
        struct stat st, wst;
        if (stat(ix->path, &st) == 0 && st.st_size == 0 && (stat(wal, &wst) != 0 || wst.st_size == 0) &&
            access(bak, R_OK) == 0 && copy_file(bak, ix->path) == 0) {
            ks_log("index: %s was empty; restored from its last backup", ix->path);
            rc = vet_file(ix);
        }
        free(bak);
        free(wal);
    }
    if (rc == 0 && (rc = open_db(ix)) == 0) rc = ensure_schema(ix);
    if (rc == KS_INDEX_ERR_CORRUPT) rc = recover(ix, ix->errmsg, &how);
    if (rc == KS_INDEX_ERR_IO) note_full_disk(ix);
    if (rc == 0) note_identity(ix);
    if (msg && cap) snprintf(msg, cap, "%s", rc != 0 ? ix->errmsg : "");
    if (rc != 0) {
        if (err) *err = rc;
        ks_index_close(ix);
        return NULL;
    }
    if (err) *err = 0;
    return ix;
}

int ks_index_check(ks_index *ix) {
    if (!ix->db) return KS_INDEX_ERR_DB;
    if (interrupted(ix)) return KS_INDEX_ERR_INTERRUPTED;
    if (giving_way(ix)) return KS_INDEX_ERR_YIELDED;
    int rc = quick_check(ix, 1), how = 0;
    if (rc != KS_INDEX_ERR_CORRUPT) return rc;
    rc = recover(ix, ix->errmsg, &how);
    if (rc != 0) {
        /* keep a handle that fails cleanly: open whatever is there now */
        (void)open_db(ix); /* NULL when it fails */
        return rc;
    }
    note_identity(ix);
    return how;
}

const char *ks_index_path(const ks_index *ix) { return ix->path; }

void ks_index_close(ks_index *ix) {
    if (!ix) return;
    if (ix->db && ks_index_moved(ix)) {
        /* The last connection to close removes PATH-wal and PATH-shm by
         * name; when they are no longer its own (removed by hand, a new
         * file's), they are another connection's: leave them. Its own log
         * is still copied into its own file first. */
        int persist = 1;
        sqlite3_file_control(ix->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    }
    close_db(ix);
    sqlite3_mutex_free(ix->db_mu);
    free(ix->path);
    free(ix);
}

const char *ks_index_errmsg(const ks_index *ix) {
    return ix && ix->errmsg[0] ? ix->errmsg : "no error";
}

void ks_index_set_report_unchanged(ks_index *ix, int list) { ix->unchanged_counted = !list; }

void ks_index_set_trust_reused(ks_index *ix, int64_t generation) { ix->trust_reused = generation; }

void ks_index_set_progress(ks_index *ix, ks_index_progress_fn fn, void *ctx) {
    ix->progress = fn;
    ix->progress_ctx = ctx;
}

int64_t ks_index_generation(ks_index *ix) {
    int64_t g = 0;
    pragma_int(ix, "SELECT value FROM meta WHERE key = 'generation'", &g);
    return g;
}

size_t ks_index_page_count(ks_index *ix) {
    int64_t n = 0;
    pragma_int(ix, "SELECT count(*) FROM pages", &n);
    return (size_t)n;
}

static void list_free(ks_index_list *l) {
    for (size_t i = 0; l->slugs && i < l->n; i++) free(l->slugs[i]); /* (slugs NULL: only counted) */
    free(l->slugs);
    l->slugs = NULL;
    l->n = 0;
}

void ks_index_report_free(ks_index_report *r) {
    if (!r) return;
    list_free(&r->added);
    list_free(&r->changed);
    list_free(&r->removed);
    list_free(&r->unchanged);
    list_free(&r->skipped);
    list_free(&r->kept);
}

static char *col_dup(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return ks_strdup(t ? (const char *)t : "");
}

int ks_index_get_page(ks_index *ix, const char *slug, ks_index_page **out) {
    sqlite3_stmt *st;
    ks_index_page *p = NULL;
    int rc;
    *out = NULL;
    if (!slug) return KS_ERR_INVALID;
    if (!ix->db) return KS_INDEX_ERR_CORRUPT; /* a repair that could not reopen it */
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT slug, topic, section, title, summary, reviewed, ord, is_topic_index,"
                           " keywords, markdown, body_line, hash, bad_hash FROM pages JOIN sources USING (id)"
                           " WHERE slug = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return ix_fail(ix, "reading a page");
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        p = ks_calloc(1, sizeof *p);
        p->slug = col_dup(st, 0);
        p->topic = col_dup(st, 1);
        p->section = col_dup(st, 2);
        p->title = col_dup(st, 3);
        p->summary = col_dup(st, 4);
        p->reviewed = col_dup(st, 5);
        p->order = sqlite3_column_int(st, 6);
        p->is_topic_index = sqlite3_column_int(st, 7);
        const char *kw = (const char *)sqlite3_column_text(st, 8);
        for (const char *s = kw; s && *s;) {
            const char *nl = strchr(s, '\n');
            size_t n = nl ? (size_t)(nl - s) : strlen(s);
            p->keywords = ks_realloc(p->keywords, (p->n_keywords + 1) * sizeof *p->keywords);
            p->keywords[p->n_keywords++] = ks_strndup(s, n);
            s += n + (nl ? 1 : 0);
        }
        p->markdown = col_dup(st, 9);
        p->body_line = sqlite3_column_int(st, 10);
        p->hash = (uint64_t)sqlite3_column_int64(st, 11);
        p->stale = sqlite3_column_int64(st, 12) != 0;
    }
    int code = rc == SQLITE_ROW ? KS_OK : rc == SQLITE_DONE ? KS_ERR_NOT_FOUND : ix_fail(ix, "reading a page");
    sqlite3_finalize(st);
    *out = p;
    return code;
}

void ks_index_page_free(ks_index_page *p) {
    if (!p) return;
    free(p->slug);
    free(p->topic);
    free(p->section);
    free(p->title);
    free(p->summary);
    free(p->reviewed);
    for (size_t i = 0; i < p->n_keywords; i++) free(p->keywords[i]);
    free(p->keywords);
    free(p->markdown);
    free(p);
}

int ks_index_page_markdown(ks_index *ix, const char *slug, char **out) {
    ks_index_page *p;
    int rc = ks_index_get_page(ix, slug, &p);
    *out = NULL;
    if (rc == KS_OK) {
        *out = p->markdown;
        p->markdown = NULL;
        ks_index_page_free(p);
    }
    return rc;
}

/* Notes share the meta table with the index's own counters, under a
 * "note:" prefix so the two can never collide. */
char *ks_index_note_get(ks_index *ix, const char *key) {
    sqlite3_stmt *st;
    char *value = NULL;
    if (!ix->db) return NULL;
    if (sqlite3_prepare_v2(ix->db, "SELECT value FROM meta WHERE key = 'note:' || ?", -1, &st, NULL) != SQLITE_OK) {
        ix_fail(ix, "reading a note");
        return NULL;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        value = ks_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return value;
}

int ks_index_note_set(ks_index *ix, const char *key, const char *value) {
    sqlite3_stmt *st;
    int rc = 0;
    if (!ix->db) return KS_INDEX_ERR_DB;
    if (sqlite3_prepare_v2(ix->db, "INSERT OR REPLACE INTO meta(key, value) VALUES('note:' || ?, ?)", -1, &st,
                           NULL) != SQLITE_OK)
        return ix_fail(ix, "writing a note");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) rc = ix_fail(ix, "writing a note");
    sqlite3_finalize(st);
    return rc;
}
