/* index reader: the read-only side of the index, for search. Every SQL
 * statement and table name that reading needs is here, beside the schema
 * (index.c), so search holds no copy of them and a schema change is made
 * in one module. */
#include "index_int.h"

#include "kiosk/base.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The field weights of bm25, in the FTS columns' order: title, keywords,
 * headings with the summary, body. ks_bm25 (rank.c) gives the same
 * scores as FTS5's bm25 with less work; bm25 where it cannot be made. */
#define RANK_ARGS "(fts, 10.0, 6.0, 3.0, 1.0)"
#define RANK_EXPR "ks_bm25" RANK_ARGS
#define RANK_PLAIN "bm25" RANK_ARGS

enum { ST_DATA_VERSION, ST_GENERATION, ST_RANKED, ST_UNRANKED, ST_PLAIN, ST_BODY, ST_HAS, ST_MARKDOWN, ST_DOCSIZE, ST_COUNT };

static const char *const reader_sql[ST_COUNT] = {
    [ST_DATA_VERSION] = "PRAGMA data_version",
    [ST_GENERATION] = "SELECT value FROM meta WHERE key = 'generation'",
    [ST_RANKED] = "SELECT rowid, " RANK_EXPR " AS r FROM fts WHERE fts MATCH ?1 ORDER BY r LIMIT ?2",
    [ST_UNRANKED] = "SELECT rowid, " RANK_EXPR " FROM fts WHERE fts MATCH ?1 LIMIT ?2",
    [ST_PLAIN] = "SELECT rowid, 0.0 FROM fts WHERE fts MATCH ?1 LIMIT ?2",
    [ST_BODY] = "SELECT body FROM fts WHERE rowid = ?",
    [ST_HAS] = "SELECT 1 FROM fts WHERE fts MATCH ?1 AND rowid = ?2",
    [ST_MARKDOWN] = "SELECT markdown FROM sources WHERE id = ?",
    /* FTS5's own record of a page's tokens per column (varints) */
    [ST_DOCSIZE] = "SELECT sz FROM fts_docsize WHERE id = ?",
};
/* the same two with FTS5's own bm25 */
static const char *const plain_sql[ST_COUNT] = {
    [ST_RANKED] = "SELECT rowid, " RANK_PLAIN " AS r FROM fts WHERE fts MATCH ?1 ORDER BY r LIMIT ?2",
    [ST_UNRANKED] = "SELECT rowid, " RANK_PLAIN " FROM fts WHERE fts MATCH ?1 LIMIT ?2",
};

struct ks_index_reader {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    int64_t data_version;
    int seen;   /* data_version was read once */
    int frozen; /* opened immutable: sees no later sync */
    int in_txn;
    ix_files files; /* the file, -wal and -shm it reads, to notice one removed or replaced */
    char *path;
    fts5_tokenizer porter;    /* the index's tokenizer, to stem as FTS5 does */
    Fts5Tokenizer *porter_tk; /* or NULL */
    ix_rank rank;             /* what ks_bm25 keeps between queries */
};

/* The index's own tokenizer (index.c: porter over unicode61 without
 * diacritics), made through the FTS5 API of the connection. */
static void open_porter(ks_index_reader *r) {
    fts5_api *api = ix_fts5_api(r->db);
    void *ud = NULL;
    const char *args[] = {"unicode61", "remove_diacritics", "2"};
    if (!api || api->xFindTokenizer(api, "porter", &ud, &r->porter) != SQLITE_OK) return;
    if (r->porter.xCreate(ud, args, 3, &r->porter_tk) != SQLITE_OK) r->porter_tk = NULL;
}

typedef struct stem_ctx {
    char *out;
    size_t cap, len;
    int seen;
} stem_ctx;

static int stem_token(void *ctx, int flags, const char *token, int n, int start, int end) {
    stem_ctx *k = ctx;
    (void)flags, (void)start, (void)end;
    if (!k->seen++ && n > 0 && (size_t)n < k->cap) {
        memcpy(k->out, token, (size_t)n);
        k->out[n] = '\0';
        k->len = (size_t)n;
    }
    return SQLITE_OK;
}

size_t ks_index_reader_stem(ks_index_reader *r, const char *word, size_t len, char *out, size_t cap) {
    stem_ctx k = {out, cap, 0, 0};
    if (!r || !r->porter_tk || len > INT32_MAX || cap == 0) return 0;
    r->porter.xTokenize(r->porter_tk, &k, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, word, (int)len, stem_token);
    return k.len;
}

static int64_t single_int(sqlite3_stmt *st, int *ok) {
    int64_t v = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    *ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    sqlite3_reset(st);
    return v;
}

static int64_t pragma(sqlite3 *db, const char *sql, int *ok) {
    sqlite3_stmt *q;
    *ok = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) return 0;
    int64_t v = single_int(q, ok);
    sqlite3_finalize(q);
    return v;
}

/* Reopen r->db on db_path as an immutable file: no locks, no -shm, the
 * WAL not read (after a clean close it is empty; after a crash the main
 * file alone is the last checkpoint, still a whole index). */
static int open_frozen(ks_index_reader *r, const char *db_path) {
    ks_buf uri = {0};
    int rc;
    sqlite3_close(r->db);
    r->db = NULL;
    ks_buf_puts(&uri, "file:");
    for (const char *c = db_path; *c; c++) {
        if (*c == '%' || *c == '?' || *c == '#') ks_buf_printf(&uri, "%%%02X", (unsigned char)*c);
        else ks_buf_putc(&uri, *c);
    }
    ks_buf_puts(&uri, "?immutable=1");
    rc = sqlite3_open_v2(uri.data, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
    ks_buf_free(&uri);
    if (rc != SQLITE_OK) return -1;
    r->frozen = 1;
    return 0;
}

/* Make the first query after opening cost what any other does: FTS5 reads
 * its configuration and the structure of its index (which segments hold
 * what) on a connection's first query, and SQLite the top pages of the
 * b-trees; do that now, at open, not on the patient's first keystroke. */
static void warm(ks_index_reader *r) {
    sqlite3_stmt *st = r->st[ST_PLAIN];
    sqlite3_bind_text(st, 1, "\"a\"", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, 1);
    while (sqlite3_step(st) == SQLITE_ROW) {
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    st = r->st[ST_BODY];
    sqlite3_bind_int64(st, 1, 1);
    while (sqlite3_step(st) == SQLITE_ROW) {
    }
    sqlite3_reset(st);
}

ks_index_reader *ks_index_reader_open(const char *db_path, int *err) {
    struct stat sb;
    int rc = 0, ok;
    if (err) *err = 0;
    if (!db_path || stat(db_path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (err) *err = KS_ERR_NOT_FOUND;
        return NULL;
    }
    ks_index_reader *r = ks_calloc(1, sizeof *r);
    r->files.known[0] = 1;
    r->files.dev[0] = sb.st_dev;
    r->files.ino[0] = sb.st_ino;
    r->path = ks_strdup(db_path);
    /* NOMUTEX: a reader is used by one thread at a time (index.h), and
     * SQLite's per-call connection mutex was an eighth of the time taken
     * to load a search handle's caches (670,000 calls at 17,825 pages). */
    if (sqlite3_open_v2(db_path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = KS_INDEX_ERR_DB;
        goto fail;
    }
    sqlite3_busy_timeout(r->db, 2000);
    int64_t app = pragma(r->db, "PRAGMA application_id", &ok);
    if (!ok && (sqlite3_errcode(r->db) & 0xff) == SQLITE_IOERR && open_frozen(r, db_path) == 0) {
        /* A WAL reader needs the -shm file; on a full or failing disk it
         * cannot be made. Read the file as it is rather than nothing. */
        app = pragma(r->db, "PRAGMA application_id", &ok);
    }
    if (!ok) {
        rc = KS_INDEX_ERR_SCHEMA; /* not a database */
        goto fail;
    }
    int64_t ver = pragma(r->db, "PRAGMA user_version", &ok);
    if (app != KS_INDEX_APP_ID || ver != KS_INDEX_SCHEMA_VERSION) {
        rc = KS_INDEX_ERR_SCHEMA;
        goto fail;
    }
    int plain = ix_rank_register(r->db, &r->rank, NULL) != 0;
    for (int i = 0; i < ST_COUNT; i++)
        if (sqlite3_prepare_v3(r->db, plain && plain_sql[i] ? plain_sql[i] : reader_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &r->st[i], NULL) != SQLITE_OK) {
            rc = KS_INDEX_ERR_SCHEMA;
            goto fail;
        }
    r->rank.version = r->st[ST_DATA_VERSION];
    warm(r);
    open_porter(r);
    ix_files_note(db_path, &r->files); /* the -wal and -shm the queries opened */
    return r;
fail:
    if (err) *err = rc;
    ks_index_reader_close(r);
    return NULL;
}

void ks_index_reader_close(ks_index_reader *r) {
    if (!r) return;
    if (r->porter_tk) r->porter.xDelete(r->porter_tk);
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(r->st[i]);
    if (r->db) sqlite3_close_v2(r->db);
    ix_rank_free(&r->rank);
    free(r->path);
    free(r);
}

int ks_index_reader_frozen(const ks_index_reader *r) { return r ? r->frozen : 0; }

/* Whether the path still names the file r opened, and its -wal and -shm
 * those r reads through (three stats: a few microseconds, nothing beside a
 * query; files.c). */
static int still_there(ks_index_reader *r) {
    if (ix_files_moved(r->path, &r->files)) return 0;
    if (!r->files.known[1] || !r->files.known[2]) ix_files_note(r->path, &r->files);
    return 1;
}

int ks_index_reader_changed(ks_index_reader *r) {
    int ok;
    if (!r->frozen && !still_there(r)) return KS_INDEX_ERR_MOVED;
    int64_t dv = single_int(r->st[ST_DATA_VERSION], &ok);
    if (!ok) return ix_code_of(sqlite3_errcode(r->db));
    if (r->seen && dv == r->data_version) return 0;
    r->seen = 1;
    r->data_version = dv;
    return 1;
}

int ks_index_reader_version(ks_index_reader *r, int64_t *v) {
    int ok;
    *v = single_int(r->st[ST_DATA_VERSION], &ok);
    return ok ? 0 : ix_code_of(sqlite3_errcode(r->db));
}

int ks_index_reader_begin(ks_index_reader *r) {
    if (r->in_txn++) return 0;
    if (sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK) return 0;
    r->in_txn = 0;
    return ix_code_of(sqlite3_errcode(r->db));
}

void ks_index_reader_end(ks_index_reader *r) {
    if (r->in_txn > 0 && --r->in_txn == 0) {
        sqlite3_reset(r->st[ST_BODY]); /* release the texts handed out */
        sqlite3_reset(r->st[ST_MARKDOWN]);
        sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
    }
}

int ks_index_reader_generation(ks_index_reader *r, int64_t *gen) {
    int ok;
    *gen = single_int(r->st[ST_GENERATION], &ok);
    return ok ? 0 : ix_code_of(sqlite3_errcode(r->db));
}

static const char *col_text(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Step through sql's rows, calling row() for each until it returns
 * nonzero. */
static int each_row(ks_index_reader *r, const char *sql, int (*row)(sqlite3_stmt *st, void *arg), void *arg) {
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) return ix_code_of(sqlite3_errcode(r->db));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (row(st, arg)) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : ix_code_of(rc);
}

typedef struct cb {
    void *fn;
    void *ctx;
} cb;

static int vocab_row(sqlite3_stmt *st, void *arg) {
    const cb *c = arg;
    ks_index_word w = {.word = col_text(st, 0),
                       .len = (size_t)sqlite3_column_bytes(st, 0),
                       .df = (uint32_t)sqlite3_column_int(st, 1),
                       .hdf = (uint32_t)sqlite3_column_int(st, 2)};
    return ((ks_index_word_fn)c->fn)(c->ctx, &w);
}

int ks_index_reader_vocab(ks_index_reader *r, ks_index_word_fn fn, void *ctx) {
    cb c = {(void *)fn, ctx};
    /* WITHOUT ROWID: already in byte order of word */
    return each_row(r, "SELECT word, df, hdf FROM vocab ORDER BY word", vocab_row, &c);
}

static int synonym_row(sqlite3_stmt *st, void *arg) {
    const cb *c = arg;
    return ((ks_index_synonym_fn)c->fn)(c->ctx, col_text(st, 0), col_text(st, 1));
}

int ks_index_reader_synonyms(ks_index_reader *r, ks_index_synonym_fn fn, void *ctx) {
    cb c = {(void *)fn, ctx};
    return each_row(r, "SELECT phrase, target FROM synonyms ORDER BY id", synonym_row, &c);
}

static int page_row(sqlite3_stmt *st, void *arg) {
    const cb *c = arg;
    ks_index_row p = {.id = sqlite3_column_int64(st, 0),
                      .slug = col_text(st, 1),
                      .title = col_text(st, 2),
                      .topic = col_text(st, 3),
                      .section = col_text(st, 4),
                      .summary = col_text(st, 5),
                      .is_topic_index = sqlite3_column_int(st, 6),
                      .order = sqlite3_column_int(st, 7),
                      .keywords = col_text(st, 8)};
    return ((ks_index_row_fn)c->fn)(c->ctx, &p);
}

int ks_index_reader_pages(ks_index_reader *r, ks_index_row_fn fn, void *ctx) {
    cb c = {(void *)fn, ctx};
    return each_row(r,
                    "SELECT id, slug, title, topic, section, summary, is_topic_index, ord, keywords"
                    " FROM pages ORDER BY id",
                    page_row, &c);
}

/* Run a one-row look-up bound to id; *text points into the statement until
 * the next call. */
static int text_of(ks_index_reader *r, int which, int64_t id, const char **text, size_t *len) {
    sqlite3_stmt *st = r->st[which];
    int rc;
    sqlite3_reset(st);
    *text = "";
    *len = 0;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *text = col_text(st, 0);
        *len = (size_t)sqlite3_column_bytes(st, 0);
        return 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : ix_code_of(rc);
}

int ks_index_reader_markdown(ks_index_reader *r, int64_t id, const char **text, size_t *len) {
    return text_of(r, ST_MARKDOWN, id, text, len);
}

int ks_index_reader_body(ks_index_reader *r, int64_t id, const char **text, size_t *len) {
    return text_of(r, ST_BODY, id, text, len);
}

int ks_index_reader_match(ks_index_reader *r, const char *expr, unsigned flags, size_t limit, ks_index_match_fn fn,
                          void *ctx) {
    sqlite3_stmt *st = r->st[flags & KS_INDEX_MATCH_RANKED   ? ST_RANKED
                             : flags & KS_INDEX_MATCH_SCORED ? ST_UNRANKED
                                                             : ST_PLAIN];
    ks_buf heads = {0};
    int rc;
    if (flags & (KS_INDEX_MATCH_RANKED | KS_INDEX_MATCH_SCORED)) ix_rank_query(&r->rank, expr, flags & KS_INDEX_MATCH_HEADS);
    if (flags & KS_INDEX_MATCH_HEADS) {
        ks_buf_printf(&heads, "{title keywords} : (%s)", expr);
        expr = heads.data;
    }
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(st, 0), -sqlite3_column_double(st, 1))) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    ks_buf_free(&heads);
    return rc == SQLITE_DONE ? 0 : ix_code_of(rc);
}

int ks_index_reader_has(ks_index_reader *r, const char *expr, int64_t id) {
    sqlite3_stmt *st = r->st[ST_HAS];
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : ix_code_of(rc);
}

typedef struct token_ctx {
    ks_index_token_fn fn;
    void *ctx;
    int n;
} token_ctx;

static int each_token(void *ctx, int flags, const char *token, int n, int start, int end) {
    token_ctx *k = ctx;
    (void)flags, (void)start, (void)end;
    k->n++;
    if (k->fn) k->fn(k->ctx, token, n > 0 ? (size_t)n : 0);
    return SQLITE_OK;
}

int ks_index_reader_tokens(ks_index_reader *r, const char *text, size_t len, int query, ks_index_token_fn fn,
                           void *ctx) {
    token_ctx k = {fn, ctx, 0};
    if (!r || !r->porter_tk || len > INT32_MAX) return -1;
    if (r->porter.xTokenize(r->porter_tk, &k, query ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT, text, (int)len,
                            each_token) != SQLITE_OK)
        return -1;
    return k.n;
}

/* An SQLite varint (FTS5's records use them), or 0 past end. */
static uint64_t get_varint(const unsigned char **p, const unsigned char *end) {
    uint64_t v = 0;
    for (int i = 0; i < 9 && *p < end; i++) {
        unsigned char c = *(*p)++;
        if (i == 8) return v << 8 | c;
        v = v << 7 | (c & 0x7f);
        if (!(c & 0x80)) return v;
    }
    return v;
}

int ks_index_reader_sizes(ks_index_reader *r, int64_t *rows, int64_t *tokens) {
    sqlite3_stmt *st;
    int rc;
    *rows = *tokens = 0;
    /* FTS5's averages record (id 1): rows, then tokens per column */
    if (sqlite3_prepare_v2(r->db, "SELECT block FROM fts_data WHERE id = 1", -1, &st, NULL) != SQLITE_OK)
        return ix_code_of(sqlite3_errcode(r->db));
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(st, 0), *end = p + sqlite3_column_bytes(st, 0);
        *rows = (int64_t)get_varint(&p, end);
        while (p && p < end) *tokens += (int64_t)get_varint(&p, end);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ix_code_of(rc);
}

int64_t ks_index_reader_size(ks_index_reader *r, int64_t id) {
    sqlite3_stmt *st = r->st[ST_DOCSIZE];
    int64_t n = 0;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(st, 0), *end = p + sqlite3_column_bytes(st, 0);
        while (p && p < end) n += (int64_t)get_varint(&p, end);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? n : rc == SQLITE_DONE ? 0 : ix_code_of(rc);
}
