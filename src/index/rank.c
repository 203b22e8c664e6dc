/* rank: bm25 for the reader's match statements, the same to the last bit
 * as FTS5's own bm25() (fts5_aux.c: k1 1.2, b 0.75, the column weights
 * as arguments), but with two things FTS5 works out again for every query
 * kept between queries of one version of the index:
 *   - how many pages hold each phrase (bm25's idf): FTS5 reads the whole
 *     page list of every phrase of the query to count them, once per
 *     query; as a patient types, most phrases come back keystroke after
 *     keystroke ("cpu", then "cpu s", "cpu st": the same "cpu" and most of
 *     the same completions);
 *   - each page's length in tokens: FTS5 looks it up in fts_docsize, a
 *     b-tree search per page it ranks, which was two thirds of ranking a
 *     few hundred matches (17,825 pages: 2.9 of 3.6 ms for "resulting"*).
 * Both are dropped when the index changes (PRAGMA data_version, read in
 * the query's own read transaction). A query whose phrases this cannot
 * tell apart with certainty (an expression not made of quoted phrases,
 * AND, OR, NOT and brackets, or one FTS5 parsed into other phrases) is
 * counted by FTS5 as before, never guessed. */
#include "index_int.h"

#include "kiosk/base.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COUNTS 65536      /* phrase counts kept; then all dropped */
#define MAX_ROWID (1u << 24)  /* page lengths kept for rowids below this */

fts5_api *ix_fts5_api(sqlite3 *db) {
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

static uint32_t hash_of(const char *w, size_t n) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

static void drop_all(ix_rank *k) {
    free(k->slot);
    free(k->count);
    free(k->key_at);
    ks_buf_free(&k->keys);
    free(k->len);
    k->slot = NULL;
    k->count = NULL;
    k->key_at = NULL;
    k->n_slot = k->n_count = k->n_len = 0;
    k->len = NULL;
}

void ix_rank_free(ix_rank *k) {
    drop_all(k);
    ks_buf_free(&k->q_keys);
    free(k->q_at);
    memset(k, 0, sizeof *k);
}

/* The slot of key (len n) in the count table: its entry + 1, or 0 with
 * *at the free slot where it would go. */
static uint32_t find(const ix_rank *k, const char *key, size_t n, size_t *at) {
    if (!k->n_slot) return 0;
    for (size_t i = hash_of(key, n) & (k->n_slot - 1);; i = (i + 1) & (k->n_slot - 1)) {
        uint32_t v = k->slot[i];
        *at = i;
        if (!v) return 0;
        const char *e = k->keys.data + k->key_at[v - 1];
        if ((size_t)(k->key_at[v] - k->key_at[v - 1]) == n && memcmp(e, key, n) == 0) return v;
    }
}

/* Double the slots (from a few hundred: a short session touches few
 * phrases, and the first keystroke after start-up should not pay for
 * tables it will not fill). */
static void grow(ix_rank *k) {
    size_t n = k->n_slot ? k->n_slot * 2 : 512;
    uint32_t *slot = ks_calloc(n, sizeof *slot);
    for (size_t e = 0; e < k->n_count; e++) {
        size_t i = hash_of(k->keys.data + k->key_at[e], k->key_at[e + 1] - k->key_at[e]) & (n - 1);
        while (slot[i]) i = (i + 1) & (n - 1);
        slot[i] = (uint32_t)e + 1;
    }
    free(k->slot);
    k->slot = slot;
    k->n_slot = n;
    k->count = ks_realloc(k->count, n / 2 * sizeof *k->count);
    k->key_at = ks_realloc(k->key_at, (n / 2 + 1) * sizeof *k->key_at);
    if (!k->n_count) k->key_at[0] = 0;
}

static void remember(ix_rank *k, const char *key, size_t n, int64_t count) {
    size_t at = 0;
    if (k->n_count >= MAX_COUNTS) { /* a long session: start again */
        free(k->slot);
        free(k->count);
        free(k->key_at);
        ks_buf_free(&k->keys);
        k->slot = NULL;
        k->count = NULL;
        k->key_at = NULL;
        k->n_slot = k->n_count = 0;
    }
    if ((k->n_count + 1) * 2 > k->n_slot) grow(k);
    if (find(k, key, n, &at)) return;
    ks_buf_append(&k->keys, key, n);
    k->count[k->n_count] = count;
    k->key_at[k->n_count + 1] = (uint32_t)k->keys.len;
    k->slot[at] = (uint32_t)++k->n_count;
}

/* ------------------------------------------------------------ the query */

/* Append to k->q_keys the phrase starting at the quote e[*i], with its
 * trailing star: the key it is counted under (with the column filter's
 * mark first). Returns 0, or -1 for an unterminated quote. */
static int take_phrase(ix_rank *k, const char *e, size_t *i, char filter) {
    size_t from = *i, j = *i + 1;
    for (;; j++) {
        if (!e[j]) return -1;
        if (e[j] == '"') {
            if (e[j + 1] == '"') j++; /* a quote inside, written twice */
            else break;
        }
    }
    j++;
    if (e[j] == '*') j++;
    if (k->q_n == k->q_cap) k->q_at = ks_realloc(k->q_at, ((k->q_cap = k->q_cap ? k->q_cap * 2 : 64) + 1) * sizeof *k->q_at);
    ks_buf_putc(&k->q_keys, filter);
    ks_buf_append(&k->q_keys, e + from, j - from);
    k->q_at[++k->q_n] = (uint32_t)k->q_keys.len;
    *i = j;
    return 0;
}

void ix_rank_query(ix_rank *k, const char *expr, int heads) {
    size_t i = 0;
    k->q_n = 0;
    k->q_ok = 0;
    k->q_keys.len = 0;
    if (!k->q_at) k->q_at = ks_calloc((k->q_cap = 64) + 1, sizeof *k->q_at);
    k->q_at[0] = 0;
    while (expr[i]) {
        char c = expr[i];
        if (c == ' ' || c == '(' || c == ')') i++;
        else if (c == '"') {
            if (take_phrase(k, expr, &i, heads ? 'h' : 'a') != 0) return;
        } else if (!strncmp(expr + i, "AND ", 4)) i += 4;
        else if (!strncmp(expr + i, "OR ", 3)) i += 3;
        else if (!strncmp(expr + i, "NOT ", 4)) i += 4;
        else
            return; /* anything else: FTS5 counts */
    }
    k->q_ok = k->q_n > 0;
}

/* What FTS5's bm25 works out once per query: the average page length and
 * each phrase's idf. */
typedef struct query_data {
    int n;
    double avgdl;
    double *idf, *freq;
} query_data;

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx) {
    (void)api, (void)fts;
    (*(int64_t *)ctx)++;
    return SQLITE_OK;
}

/* Drop what was kept when another connection changed the index since. */
static int check_version(ix_rank *k) {
    int rc = sqlite3_step(k->version);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(k->version, 0) : -1;
    sqlite3_reset(k->version);
    if (rc != SQLITE_ROW) return 0;
    if (!k->seen || v != k->data_version) drop_all(k);
    k->seen = 1;
    k->data_version = v;
    return 1;
}

static int make_query_data(ix_rank *k, const Fts5ExtensionApi *api, Fts5Context *fts, query_data **out) {
    int n = api->xPhraseCount(fts), rc;
    sqlite3_int64 rows = 0, tokens = 0;
    query_data *q = sqlite3_malloc64(sizeof *q + (size_t)(n > 0 ? n : 1) * 2 * sizeof(double));
    if (!q) return SQLITE_NOMEM;
    q->n = n;
    q->idf = (double *)&q[1];
    q->freq = q->idf + n;
    if ((rc = api->xRowCount(fts, &rows)) == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (rc == SQLITE_OK) q->avgdl = (double)tokens / (double)rows;
    /* the phrases FTS5 parsed are the ones ix_rank_query read, in order,
     * when there are as many and none is empty (FTS5 drops an empty one) */
    int fresh = check_version(k), known = fresh && k->q_ok && k->q_n == (size_t)n;
    for (int i = 0; known && i < n; i++) known = api->xPhraseSize(fts, i) > 0;
    for (int i = 0; rc == SQLITE_OK && i < n; i++) {
        int64_t hits = 0;
        const char *key = known ? k->q_keys.data + k->q_at[i] : NULL;
        size_t kl = known ? k->q_at[i + 1] - k->q_at[i] : 0, at;
        uint32_t e = known ? find(k, key, kl, &at) : 0;
        if (e) hits = k->count[e - 1];
        else if ((rc = api->xQueryPhrase(fts, i, &hits, count_row)) == SQLITE_OK && known)
            remember(k, key, kl, hits);
        double idf = log((rows - hits + 0.5) / (hits + 0.5)); /* as fts5_aux.c */
        if (idf <= 0.0) idf = 1e-6;
        q->idf[i] = idf;
    }
    k->lengths = fresh; /* page lengths are kept only once the version is checked */
    if (rc == SQLITE_OK) rc = api->xSetAuxdata(fts, q, sqlite3_free);
    else sqlite3_free(q);
    *out = rc == SQLITE_OK ? q : NULL;
    return rc;
}

/* The page's length in tokens (every column), as xColumnSize(-1). */
static int page_length(ix_rank *k, const Fts5ExtensionApi *api, Fts5Context *fts, int *tokens) {
    sqlite3_int64 id = api->xRowid(fts);
    int keep = k->lengths && id > 0 && id < (sqlite3_int64)MAX_ROWID;
    if (keep && (size_t)id < k->n_len && k->len[id]) {
        *tokens = (int)(k->len[id] - 1);
        return SQLITE_OK;
    }
    int rc = api->xColumnSize(fts, -1, tokens);
    if (rc != SQLITE_OK || !keep || *tokens < 0) return rc;
    if ((size_t)id >= k->n_len) { /* calloc, not realloc and memset: pages never used stay untouched */
        size_t n = k->n_len ? k->n_len : 4096;
        while (n <= (size_t)id) n *= 2;
        uint32_t *len = ks_calloc(n, sizeof *len);
        if (k->n_len) memcpy(len, k->len, k->n_len * sizeof *len);
        free(k->len);
        k->len = len;
        k->n_len = n;
    }
    k->len[id] = (uint32_t)*tokens + 1;
    return SQLITE_OK;
}

/* ks_bm25(fts, w0, w1, ...): bm25() with the kept counts and lengths. */
static void bm25_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n_val,
                    sqlite3_value **val) {
    const double k1 = 1.2, b = 0.75; /* fts5_aux.c's */
    ix_rank *k = api->xUserData(fts);
    query_data *q = api->xGetAuxdata(fts, 0);
    int rc = q ? SQLITE_OK : make_query_data(k, api, fts, &q), n_inst = 0, tokens = 0;
    double score = 0.0;
    if (rc == SQLITE_OK) {
        memset(q->freq, 0, sizeof(double) * (size_t)q->n);
        rc = api->xInstCount(fts, &n_inst);
    }
    for (int i = 0; rc == SQLITE_OK && i < n_inst; i++) {
        int ip, ic, io;
        if ((rc = api->xInst(fts, i, &ip, &ic, &io)) == SQLITE_OK)
            q->freq[ip] += n_val > ic ? sqlite3_value_double(val[ic]) : 1.0;
    }
    if (rc == SQLITE_OK) rc = page_length(k, api, fts, &tokens);
    double D = (double)tokens;
    for (int i = 0; rc == SQLITE_OK && i < q->n; i++)
        score += q->idf[i] * ((q->freq[i] * (k1 + 1.0)) / (q->freq[i] + k1 * (1 - b + b * D / q->avgdl)));
    if (rc == SQLITE_OK) sqlite3_result_double(ctx, -1.0 * score);
    else sqlite3_result_error_code(ctx, rc);
}

int ix_rank_register(sqlite3 *db, ix_rank *k, sqlite3_stmt *version) {
    fts5_api *api = ix_fts5_api(db);
    k->version = version;
    if (!api || api->xCreateFunction(api, "ks_bm25", k, bm25_fn, NULL) != SQLITE_OK) return -1;
    return 0;
}
