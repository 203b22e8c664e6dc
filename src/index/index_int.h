/* index internals shared by index.c (open, schema, page records) and
 * sync.c (the sync transaction). */
#ifndef KIOSK_INDEX_INT_H
#define KIOSK_INDEX_INT_H

#include "kiosk/index.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <sys/types.h>

/* 'KSK1' in PRAGMA application_id marks our files. */
#define KS_INDEX_APP_ID 0x4B534B31

struct ks_index {
    sqlite3 *db;                   /* read-write connection, WAL mode */
    char *path;                    /* as given to ks_index_open */
    ks_index_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    char errmsg[1024];             /* last error, "" when none */
    int64_t raw_app;               /* the application id in the file's first bytes (0 if none) */
    int was_empty;                 /* the file was missing or empty when opened */
    dev_t dev;                     /* the file opened (for ks_index_moved) */
    ino_t ino;
    sqlite3_mutex *db_mu;          /* guards db's value and repairing against ks_index_interrupt */
    atomic_int interrupted;        /* ks_index_interrupt was called: long work stops */
    int repairing;                 /* under db_mu: recover() is running, not to be interrupted */
    long long checked_at;          /* unix time of the whole check this file passed, 0 unknown (seal.c) */
    int saw_damage;                /* SQLite said the file is damaged: never seal it */
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
 * releases them. */
typedef struct ix_word {
    char *word; /* NULL in an empty slot */
    int df;     /* documents (delta) */
    int hdf;    /* documents with the word in title or keywords (delta) */
} ix_word;

typedef struct ix_wordmap {
    ix_word *slots;
    size_t cap; /* a power of two, or 0 */
    size_t n;   /* words held */
} ix_wordmap;

/* Add ddf/dhdf to word's counters (inserting it with zero first). Returns
 * the entry. */
ix_word *ix_wordmap_add(ix_wordmap *m, const char *word, size_t len, int ddf, int dhdf);
void ix_wordmap_clear(ix_wordmap *m);
void ix_wordmap_free(ix_wordmap *m);

/* The text of one page as the FTS columns hold it. */
typedef struct ix_columns {
    const char *title, *keywords, *head, *body;
} ix_columns;

/* Add sign (+1/-1) for each distinct word of cols to vocab, using page as
 * scratch space. */
void ix_count_words(const ix_columns *cols, int sign, ix_wordmap *page, ix_wordmap *vocab);

#endif
