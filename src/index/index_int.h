/* index internals shared by index.c (open, schema, page records) and
 * sync.c (the sync transaction). */
#ifndef KIOSK_INDEX_INT_H
#define KIOSK_INDEX_INT_H

#include "kiosk/base.h"
#include "kiosk/index.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <sys/types.h>

/* 'KSK1' in PRAGMA application_id marks our files. */
#define KS_INDEX_APP_ID 0x4B534B31

/* The files a connection works on (files.c): [0] the index file, [1]
 * its -wal, [2] its -shm, each with its device and inode once seen. */
#define IX_FILES 3
typedef struct ix_files {
    dev_t dev[IX_FILES];
    ino_t ino[IX_FILES];
    int known[IX_FILES];
} ix_files;

/* Note those of path's files not noted yet that exist now (after opening,
 * after a write, after a read: the connection made them). */
void ix_files_note(const char *path, ix_files *f);
/* Forget every file noted (a new connection). */
void ix_files_forget(ix_files *f);
/* 0 when path and its -wal and -shm still name the files noted; 1 when the
 * index file is another one or gone (or was never noted); 2 when the index
 * file is the same but a noted -wal or -shm was removed or replaced. */
int ix_files_moved(const char *path, const ix_files *f);

struct ks_index {
    sqlite3 *db;                   /* read-write connection, WAL mode */
    char *path;                    /* as given to ks_index_open */
    ks_index_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    char errmsg[1024];             /* last error, "" when none */
    int64_t raw_app;               /* the application id in the file's first bytes (0 if none) */
    int was_empty;                 /* the file was missing or empty when opened */
    ix_files files;                /* the file, -wal and -shm this connection works on (ks_index_moved) */
    sqlite3_mutex *db_mu;          /* guards db's value and repairing against ks_index_interrupt */
    atomic_int interrupted;        /* ks_index_interrupt was called: long work stops */
    atomic_int give_way;           /* ks_index_give_way(ix, 1): a check or backup stops, for now */
    int repairing;                 /* under db_mu: recover() is running, not to be interrupted */
    long long checked_at;          /* unix time of the whole check this file passed, 0 unknown (seal.c) */
    int saw_damage;                /* SQLite said the file is damaged: never seal it */
    int unchanged_counted;         /* ks_index_set_report_unchanged(ix, 0): counted, not named */
    int64_t trust_reused;          /* ks_index_set_trust_reused's generation, -1 none (sync.c) */
};

/* Run sql (no results wanted). Returns 0 or KS_INDEX_ERR_DB / _BUSY after
 * recording the message. */
int ix_exec(ks_index *ix, const char *sql);
/* The KS_INDEX_ERR_* (or KS_ERR_BUSY, retryable) for an SQLite result code. */
int ix_code_of(int sqlite_rc);
/* Record the connection's current error and return the matching code. */
int ix_fail(ks_index *ix, const char *what);

/* Remove the seal beside db (seal.c): SQLite found the file damaged, so
 * the next ks_index_check_unless_sealed must check it whole. */
void ix_seal_forget(const char *db);

/* Growable word set with two counters per word, for vocabulary deltas and
 * for the distinct words of one page. Keys are copied; ix_wordmap_free
 * releases them. A map whose `pooled` is set before its first use keeps
 * its keys in a few large blocks instead of one allocation each (the
 * scratch map of one page's words, cleared for every page). */
typedef struct ix_word {
    char *word;    /* NULL in an empty slot */
    uint32_t len;  /* strlen(word) */
    uint32_t hash; /* of the word's bytes */
    int df;        /* documents (delta) */
    int hdf;       /* documents with the word in title or keywords (delta) */
} ix_word;

typedef struct ix_wordmap {
    ix_word *slots;
    size_t cap;      /* a power of two, or 0 */
    size_t n;        /* words held */
    uint32_t *order; /* the n occupied slots, in the order the words came */
    int pooled;      /* keys in pool blocks (set by the owner, before use) */
    char **pool;     /* blocks of keys; the last one is being filled */
    size_t n_pool, pool_used;
} ix_wordmap;

/* Add ddf/dhdf to word's counters (inserting it with zero first). Returns
 * the entry. */
ix_word *ix_wordmap_add(ix_wordmap *m, const char *word, size_t len, int ddf, int dhdf);
void ix_wordmap_clear(ix_wordmap *m);
void ix_wordmap_free(ix_wordmap *m);
/* Add every counter of from into to. */
void ix_wordmap_merge(ix_wordmap *to, const ix_wordmap *from);

/* The text of one page as the FTS columns hold it. */
typedef struct ix_columns {
    const char *title, *keywords, *head, *body;
} ix_columns;

/* Add sign (+1/-1) for each distinct word of cols to vocab, using page as
 * scratch space. */
void ix_count_words(const ix_columns *cols, int sign, ix_wordmap *page, ix_wordmap *vocab);

/* bm25 with what FTS5 works out again for every query kept between the
 * queries of one version of the index (rank.c): the number of pages of
 * each phrase and the length of each page. One per reader. */
typedef struct ix_rank {
    sqlite3_stmt *version;  /* PRAGMA data_version, the reader's */
    int64_t data_version;   /* the version the kept values are of */
    int seen;
    int lengths;            /* this query may use and keep page lengths */
    /* phrase -> pages holding it: open addressing over keys */
    uint32_t *slot;         /* 1 + entry, or 0 */
    size_t n_slot, n_count;
    int64_t *count;
    uint32_t *key_at;       /* entry i's key is keys[key_at[i], key_at[i + 1]) */
    ks_buf keys;
    uint32_t *len;          /* by rowid: 1 + the page's tokens, or 0 unknown */
    size_t n_len;
    /* the query about to run: its phrases' keys, in order */
    ks_buf q_keys;
    uint32_t *q_at;         /* q_n + 1 offsets into q_keys */
    size_t q_n, q_cap;
    int q_ok;               /* the expression was read whole */
} ix_rank;

/* Register ks_bm25() on db for k (version: the reader's PRAGMA
 * data_version statement); 0, or -1 when FTS5 offers no API (then use
 * bm25()). */
int ix_rank_register(sqlite3 *db, ix_rank *k, sqlite3_stmt *version);
/* Read the phrases of expr (heads: under the title-and-keywords filter)
 * before a statement ranking it runs. */
void ix_rank_query(ix_rank *k, const char *expr, int heads);
void ix_rank_free(ix_rank *k);
/* The FTS5 API of db, or NULL. */
fts5_api *ix_fts5_api(sqlite3 *db);

#endif
