/* index: opening the database (schema, version, rebuild of foreign files)
 * and reading page records back. The sync transaction is in sync.c. */
#include "index_int.h"

#include "kiosk/base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int ix_fail(ks_index *ix, const char *what) {
    int code = sqlite3_errcode(ix->db);
    snprintf(ix->errmsg, sizeof ix->errmsg, "%.80s: %.160s", what, sqlite3_errmsg(ix->db));
    return (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? KS_INDEX_ERR_BUSY : KS_INDEX_ERR_DB;
}

int ix_exec(ks_index *ix, const char *sql) {
    if (sqlite3_exec(ix->db, sql, NULL, NULL, NULL) != SQLITE_OK) return ix_fail(ix, sql);
    return 0;
}

static int pragma_int(ks_index *ix, const char *sql, int64_t *out) {
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Drop every table, view and trigger (another application's or an older
 * schema's), inside the caller's transaction. */
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

/* Make sure the file holds our current schema. Returns 0, a negative code,
 * or 1 when the file is not a SQLite database at all (the caller replaces
 * it). */
static int ensure_schema(ks_index *ix) {
    int64_t app = 0, ver = 0, objects = 0;
    int rc = pragma_int(ix, "PRAGMA journal_mode = WAL", &app);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) return 1;
    if (rc != SQLITE_OK) return ix_fail(ix, "setting WAL mode");
    if (ix_exec(ix, "PRAGMA synchronous = NORMAL") != 0) return KS_INDEX_ERR_DB;
    if (pragma_int(ix, "PRAGMA application_id", &app) != SQLITE_OK ||
        pragma_int(ix, "PRAGMA user_version", &ver) != SQLITE_OK)
        return ix_fail(ix, "reading the schema version");
    if (app == KS_INDEX_APP_ID && ver == KS_INDEX_SCHEMA_VERSION) return 0;

    /* Create or rebuild, once, under the write lock; someone else may have
     * done it meanwhile, so look again inside. */
    if ((rc = ix_exec(ix, "BEGIN IMMEDIATE")) != 0) return rc;
    if (pragma_int(ix, "PRAGMA application_id", &app) != SQLITE_OK ||
        pragma_int(ix, "PRAGMA user_version", &ver) != SQLITE_OK ||
        pragma_int(ix, "SELECT count(*) FROM sqlite_master", &objects) != SQLITE_OK) {
        rc = ix_fail(ix, "reading the schema version");
        goto fail;
    }
    if (app == KS_INDEX_APP_ID && ver == KS_INDEX_SCHEMA_VERSION) return ix_exec(ix, "COMMIT");
    if (objects > 0) {
        ks_log("index: %s has %s (version %lld); rebuilding it", ix->path,
               app == KS_INDEX_APP_ID ? "an older index schema" : "another application's data",
               (long long)ver);
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
    int rc = sqlite3_open_v2(ix->path, &ix->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        snprintf(ix->errmsg, sizeof ix->errmsg, "cannot open %s: %s", ix->path,
                 ix->db ? sqlite3_errmsg(ix->db) : sqlite3_errstr(rc));
        return KS_INDEX_ERR_DB;
    }
    sqlite3_busy_timeout(ix->db, 5000);
    sqlite3_extended_result_codes(ix->db, 0);
    return 0;
}

static void remove_db_files(const char *path) {
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char *p = ks_sprintf("%s%s", path, suffixes[i]);
        unlink(p);
        free(p);
    }
}

ks_index *ks_index_open(const char *db_path, int *err) {
    ks_index *ix = ks_calloc(1, sizeof *ix);
    int rc;
    ix->path = ks_strdup(db_path ? db_path : "");
    if ((rc = open_db(ix)) == 0 && (rc = ensure_schema(ix)) != 0) {
        /* Not a SQLite file, or a foreign one we could not wipe in place:
         * replace the file. */
        ks_log("index: %s is not a usable index (%s); replacing it", ix->path,
               rc == 1 ? "not a database" : ix->errmsg);
        sqlite3_close(ix->db);
        ix->db = NULL;
        remove_db_files(ix->path);
        if ((rc = open_db(ix)) == 0) rc = ensure_schema(ix);
        if (rc == 1) rc = KS_INDEX_ERR_DB;
    }
    if (rc != 0) {
        if (ix->errmsg[0]) ks_log("index: %s", ix->errmsg);
        if (err) *err = rc;
        ks_index_close(ix);
        return NULL;
    }
    if (err) *err = 0;
    return ix;
}

void ks_index_close(ks_index *ix) {
    if (!ix) return;
    if (ix->db) sqlite3_close_v2(ix->db);
    free(ix->path);
    free(ix);
}

const char *ks_index_errmsg(const ks_index *ix) {
    return ix && ix->errmsg[0] ? ix->errmsg : "no error";
}

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
    for (size_t i = 0; i < l->n; i++) free(l->slugs[i]);
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

ks_index_page *ks_index_get_page(ks_index *ix, const char *slug) {
    sqlite3_stmt *st;
    ks_index_page *p = NULL;
    if (!slug) return NULL;
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT slug, topic, section, title, summary, reviewed, ord, is_topic_index,"
                           " keywords, markdown, body_line, hash, bad_hash FROM pages JOIN sources USING (id)"
                           " WHERE slug = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        ix_fail(ix, "reading a page");
        return NULL;
    }
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
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
    sqlite3_finalize(st);
    return p;
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

char *ks_index_page_markdown(ks_index *ix, const char *slug) {
    ks_index_page *p = ks_index_get_page(ix, slug);
    char *md = NULL;
    if (p) {
        md = p->markdown;
        p->markdown = NULL;
        ks_index_page_free(p);
    }
    return md;
}

/* Notes share the meta table with the index's own counters, under a
 * "note:" prefix so the two can never collide. */
char *ks_index_note_get(ks_index *ix, const char *key) {
    sqlite3_stmt *st;
    char *value = NULL;
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
    if (sqlite3_prepare_v2(ix->db, "INSERT OR REPLACE INTO meta(key, value) VALUES('note:' || ?, ?)", -1, &st,
                           NULL) != SQLITE_OK)
        return ix_fail(ix, "writing a note");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) rc = ix_fail(ix, "writing a note");
    sqlite3_finalize(st);
    return rc;
}
