/* stats: anonymous usage counts in their own SQLite file (see stats.h). */
#include "kiosk/stats.h"

#include "kiosk/base.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_VIEW = 0, KIND_EMPTY = 1 };

/* A count not yet written (the file was busy). */
typedef struct pending {
    int kind;    /* KIND_VIEW or KIND_EMPTY */
    char *key;   /* owned */
    int64_t n;   /* increments to add */
} pending;

struct ks_stats {
    sqlite3 *db;
    pending *pend; /* counts waiting to be written, owned */
    size_t n_pend;
    size_t cap_pend;
};

static const char *const kind_table[2] = {"page_views", "empty_searches"};

/* Busy waits stay short: counting runs on the UI thread. */
#define STATS_BUSY_MS 10

char *ks_stats_default_path(const char *db_path) {
    size_t n;
    if (!db_path) return NULL;
    n = strlen(db_path);
    if (n > 3 && strcmp(db_path + n - 3, ".db") == 0)
        return ks_sprintf("%.*s-stats.db", (int)(n - 3), db_path);
    return ks_sprintf("%s-stats.db", db_path);
}

static int exec(sqlite3 *db, const char *sql) {
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
        ks_log("stats: %s", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return rc;
}

ks_stats *ks_stats_open(const char *path, int *err) {
    sqlite3 *db = NULL;
    ks_stats *st;
    int rc;
    if (err) *err = KS_OK;
    rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                         NULL);
    if (rc != SQLITE_OK) {
        ks_log("%s: cannot open the usage counts: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        if (err) *err = KS_ERR_IO;
        return NULL;
    }
    sqlite3_busy_timeout(db, 2000); /* setting up may wait a little longer */
    if (exec(db, "PRAGMA journal_mode=WAL") != SQLITE_OK ||
        exec(db, "PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                 "CREATE TABLE IF NOT EXISTS page_views(key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
                 "CREATE TABLE IF NOT EXISTS empty_searches(key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;") !=
            SQLITE_OK) {
        ks_log("%s: cannot set up the usage counts: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        if (err) *err = KS_ERR_IO;
        return NULL;
    }
    sqlite3_busy_timeout(db, STATS_BUSY_MS);
    st = ks_calloc(1, sizeof *st);
    st->db = db;
    return st;
}

/* Add n to key's count in the file. Returns an SQLite result code. */
static int write_count(ks_stats *st, int kind, const char *key, int64_t n) {
    char sql[160];
    sqlite3_stmt *stmt = NULL;
    int rc;
    snprintf(sql, sizeof sql, "INSERT INTO %s(key, n) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET n = n + ?2",
             kind_table[kind]);
    rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, n);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void hold(ks_stats *st, int kind, const char *key, int64_t n) {
    for (size_t i = 0; i < st->n_pend; i++)
        if (st->pend[i].kind == kind && strcmp(st->pend[i].key, key) == 0) {
            st->pend[i].n += n;
            return;
        }
    if (st->n_pend == st->cap_pend) {
        st->cap_pend = st->cap_pend ? st->cap_pend * 2 : 8;
        st->pend = ks_realloc(st->pend, st->cap_pend * sizeof *st->pend);
    }
    st->pend[st->n_pend].kind = kind;
    st->pend[st->n_pend].key = ks_strdup(key);
    st->pend[st->n_pend].n = n;
    st->n_pend++;
}

/* The KS_ERR_* for an SQLite result code: busy and locked are retryable. */
static int code_of(int rc) {
    rc &= 0xff;
    return rc == SQLITE_OK ? KS_OK : rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? KS_ERR_BUSY : KS_ERR_IO;
}

int ks_stats_flush(ks_stats *st) {
    int rc;
    if (!st) return KS_ERR_INVALID;
    if (st->n_pend == 0) return KS_OK;
    if ((rc = exec(st->db, "BEGIN IMMEDIATE")) != SQLITE_OK) return code_of(rc);
    for (size_t i = 0; i < st->n_pend; i++)
        if ((rc = write_count(st, st->pend[i].kind, st->pend[i].key, st->pend[i].n)) != SQLITE_OK) {
            exec(st->db, "ROLLBACK");
            return code_of(rc);
        }
    if ((rc = exec(st->db, "COMMIT")) != SQLITE_OK) {
        exec(st->db, "ROLLBACK");
        return code_of(rc);
    }
    for (size_t i = 0; i < st->n_pend; i++) free(st->pend[i].key);
    st->n_pend = 0;
    return KS_OK;
}

static int count(ks_stats *st, int kind, const char *key) {
    hold(st, kind, key, 1);
    return ks_stats_flush(st);
}

int ks_stats_count_view(ks_stats *st, const char *slug) {
    if (!st || !slug || !*slug) return KS_ERR_INVALID;
    return count(st, KIND_VIEW, slug);
}

char *ks_stats_normalise_query(const char *text) {
    ks_buf b = {0};
    int space = 0;
    ks_buf_puts(&b, "");
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        unsigned char c = *p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = b.len > 0;
            continue;
        }
        if (c < 0x20 || c == 0x7f) continue; /* control characters: dropped */
        if (space) ks_buf_putc(&b, ' ');
        space = 0;
        if (c >= '0' && c <= '9') c = '#'; /* numbers could be dates of birth or phone numbers */
        else if (c < 0x80) c = (unsigned char)tolower(c);
        ks_buf_putc(&b, (char)c);
    }
    if (b.len > KS_STATS_MAX_QUERY) {
        b.len = ks_utf8_floor(b.data, b.len, KS_STATS_MAX_QUERY);
        b.data[b.len] = '\0';
        while (b.len > 0 && b.data[b.len - 1] == ' ') b.data[--b.len] = '\0';
    }
    if (!ks_utf8_valid(b.data, b.len, NULL)) { /* never store bytes a screen cannot show */
        ks_buf_free(&b);
        return ks_strdup("");
    }
    return ks_buf_detach(&b);
}

int ks_stats_count_empty_search(ks_stats *st, const char *text) {
    char *key;
    int rc;
    if (!st) return KS_ERR_INVALID;
    key = ks_stats_normalise_query(text);
    if (!*key) {
        free(key);
        return KS_ERR_INVALID;
    }
    rc = count(st, KIND_EMPTY, key);
    free(key);
    return rc;
}

static int cmp_count(const void *a, const void *b) {
    const ks_stats_count *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Read one table, adding counts still held in memory. */
static int read_kind(ks_stats *st, int kind, ks_stats_count **out, size_t *n_out, int64_t *total) {
    char sql[80];
    sqlite3_stmt *stmt = NULL;
    ks_stats_count *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    snprintf(sql, sizeof sql, "SELECT key, n FROM %s", kind_table[kind]);
    rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) return KS_ERR_IO;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(stmt, 0);
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            v = ks_realloc(v, cap * sizeof *v);
        }
        v[n].key = ks_strdup(key ? key : "");
        v[n].count = sqlite3_column_int64(stmt, 1);
        n++;
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < n; i++) free(v[i].key);
        free(v);
        return KS_ERR_IO;
    }
    for (size_t p = 0; p < st->n_pend; p++) {
        size_t i;
        if (st->pend[p].kind != kind) continue;
        for (i = 0; i < n && strcmp(v[i].key, st->pend[p].key) != 0; i++) {}
        if (i == n) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                v = ks_realloc(v, cap * sizeof *v);
            }
            v[n].key = ks_strdup(st->pend[p].key);
            v[n].count = 0;
            n++;
        }
        v[i].count += st->pend[p].n;
    }
    if (n) qsort(v, n, sizeof *v, cmp_count);
    *total = 0;
    for (size_t i = 0; i < n; i++) *total += v[i].count;
    *out = v;
    *n_out = n;
    return KS_OK;
}

int ks_stats_read(ks_stats *st, ks_stats_list *out) {
    int rc;
    memset(out, 0, sizeof *out);
    if (!st) return KS_ERR_INVALID;
    ks_stats_flush(st); /* best effort; held counts are added below anyway */
    if (exec(st->db, "BEGIN") != SQLITE_OK) return KS_ERR_IO;
    rc = read_kind(st, KIND_VIEW, &out->views, &out->n_views, &out->total_views);
    if (rc == KS_OK) rc = read_kind(st, KIND_EMPTY, &out->empty, &out->n_empty, &out->total_empty);
    exec(st->db, "COMMIT");
    if (rc != KS_OK) ks_stats_list_free(out);
    return rc;
}

void ks_stats_list_free(ks_stats_list *list) {
    if (!list) return;
    for (size_t i = 0; i < list->n_views; i++) free(list->views[i].key);
    for (size_t i = 0; i < list->n_empty; i++) free(list->empty[i].key);
    free(list->views);
    free(list->empty);
    memset(list, 0, sizeof *list);
}

int ks_stats_reset(ks_stats *st) {
    if (!st) return KS_ERR_INVALID;
    sqlite3_busy_timeout(st->db, 2000); /* staff asked for it: worth a short wait */
    int rc = exec(st->db, "BEGIN IMMEDIATE; DELETE FROM page_views; DELETE FROM empty_searches; COMMIT;");
    if (rc != SQLITE_OK) exec(st->db, "ROLLBACK");
    else exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)"); /* old pages out of the WAL too */
    sqlite3_busy_timeout(st->db, STATS_BUSY_MS);
    if (rc != SQLITE_OK) return KS_ERR_IO;
    for (size_t i = 0; i < st->n_pend; i++) free(st->pend[i].key);
    st->n_pend = 0;
    return KS_OK;
}

void ks_stats_close(ks_stats *st) {
    if (!st) return;
    if (st->n_pend) {
        sqlite3_busy_timeout(st->db, 1000);
        if (ks_stats_flush(st) != KS_OK) ks_log("stats: %zu counts could not be written", st->n_pend);
    }
    for (size_t i = 0; i < st->n_pend; i++) free(st->pend[i].key);
    free(st->pend);
    sqlite3_close(st->db);
    free(st);
}
