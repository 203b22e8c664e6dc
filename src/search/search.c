/* search: the read-only connection, the in-memory caches (vocabulary,
 * synonyms, page titles) kept in step with the index, running a plan and
 * building results with snippets and highlight ranges. */
#include "search_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SNIPPET_WORDS 20

/* bm25 weights of the FTS columns: title, keywords, headings+summary, body */
static const char *const rank_sql =
    "SELECT rowid, bm25(fts, 10.0, 6.0, 3.0, 1.0) AS r FROM fts WHERE fts MATCH ?1 ORDER BY r LIMIT ?2";
static const char *const unranked_sql =
    "SELECT rowid, bm25(fts, 10.0, 6.0, 3.0, 1.0) FROM fts WHERE fts MATCH ?1 LIMIT ?2";
static const char *const body_sql = "SELECT body FROM fts WHERE rowid = ?";

/* ------------------------------------------------------------ caches */

static void free_caches(ks_search *s) {
    for (size_t i = 0; i < s->vocab.n; i++) free(s->vocab.w[i].word);
    free(s->vocab.w);
    free(s->vocab.cum_df);
    free(s->vocab.cum_hdf);
    s->vocab.w = NULL;
    s->vocab.cum_df = s->vocab.cum_hdf = NULL;
    s->vocab.n = 0;
    for (size_t i = 0; i < s->syn_words.n; i++) free(s->syn_words.w[i].word);
    free(s->syn_words.w);
    s->syn_words.w = NULL;
    s->syn_words.n = 0;
    for (size_t i = 0; i < s->n_syn; i++) {
        for (size_t k = 0; k < s->syn[i].n_from; k++) free(s->syn[i].from[k]);
        free(s->syn[i].from);
        free(s->syn[i].to);
    }
    free(s->syn);
    s->syn = NULL;
    s->n_syn = 0;
    for (size_t i = 0; i < s->n_pages; i++) {
        sr_page *p = &s->pages[i];
        free(p->slug);
        free(p->title);
        free(p->topic);
        free(p->section);
        free(p->summary);
        free(p->heads);
    }
    free(s->pages);
    s->pages = NULL;
    s->n_pages = 0;
    s->loaded = 0;
}

static char *col_dup(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return ks_strdup(t ? (const char *)t : "");
}

/* Fold text into space-separated words into b. */
static void fold_words(ks_buf *b, const char *text) {
    char w[SR_WORD_CAP];
    size_t pos = 0, len = strlen(text);
    while (ks_index_next_word(text, len, &pos, w, sizeof w, NULL, NULL)) {
        ks_buf_putc(b, ' ');
        ks_buf_puts(b, w);
    }
}

static int cmp_word(const void *a, const void *b) {
    return strcmp(((const sr_word *)a)->word, ((const sr_word *)b)->word);
}

static int load_caches(ks_search *s) {
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc;
    free_caches(s);
    /* vocabulary (WITHOUT ROWID: already in byte order of word) */
    if (sqlite3_prepare_v2(s->db, "SELECT word, df, hdf FROM vocab ORDER BY word", -1, &st, NULL) != SQLITE_OK)
        return KS_INDEX_ERR_DB;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *w = (const char *)sqlite3_column_text(st, 0);
        if (!w || strlen(w) >= SR_WORD_CAP) continue;
        if (s->vocab.n == cap) s->vocab.w = ks_realloc(s->vocab.w, (cap = cap ? cap * 2 : 1024) * sizeof *s->vocab.w);
        sr_word *e = &s->vocab.w[s->vocab.n++];
        e->word = ks_strdup(w);
        e->len = (uint32_t)strlen(w);
        e->df = (uint32_t)sqlite3_column_int(st, 1);
        e->hdf = (uint32_t)sqlite3_column_int(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return KS_INDEX_ERR_DB;
    s->vocab.cum_df = ks_malloc((s->vocab.n + 1) * sizeof *s->vocab.cum_df);
    s->vocab.cum_hdf = ks_malloc((s->vocab.n + 1) * sizeof *s->vocab.cum_hdf);
    s->vocab.cum_df[0] = s->vocab.cum_hdf[0] = 0;
    for (size_t i = 0; i < s->vocab.n; i++) {
        s->vocab.cum_df[i + 1] = s->vocab.cum_df[i] + s->vocab.w[i].df;
        s->vocab.cum_hdf[i + 1] = s->vocab.cum_hdf[i] + s->vocab.w[i].hdf;
    }

    /* synonyms */
    if (sqlite3_prepare_v2(s->db, "SELECT phrase, target FROM synonyms ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return KS_INDEX_ERR_DB;
    cap = 0;
    size_t wcap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *from = (const char *)sqlite3_column_text(st, 0);
        const char *to = (const char *)sqlite3_column_text(st, 1);
        ks_buf tb = {0};
        char w[SR_WORD_CAP];
        size_t pos = 0, n;
        if (!from || !to) continue;
        fold_words(&tb, to);
        if (!tb.len) {
            ks_buf_free(&tb);
            continue;
        }
        sr_synonym sy = {0};
        while ((n = ks_index_next_word(from, strlen(from), &pos, w, sizeof w, NULL, NULL)) > 0) {
            sy.from = ks_realloc(sy.from, (sy.n_from + 1) * sizeof *sy.from);
            sy.from[sy.n_from++] = ks_strdup(w);
            if (s->syn_words.n == wcap)
                s->syn_words.w = ks_realloc(s->syn_words.w, (wcap = wcap ? wcap * 2 : 64) * sizeof *s->syn_words.w);
            sr_word *e = &s->syn_words.w[s->syn_words.n++];
            e->word = ks_strdup(w);
            e->len = (uint32_t)n;
            e->df = 1;
            e->hdf = 0;
        }
        if (!sy.n_from) {
            ks_buf_free(&tb);
            continue;
        }
        sy.to = ks_strdup(tb.data + 1);
        ks_buf_free(&tb);
        if (s->n_syn == cap) s->syn = ks_realloc(s->syn, (cap = cap ? cap * 2 : 64) * sizeof *s->syn);
        s->syn[s->n_syn++] = sy;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return KS_INDEX_ERR_DB;
    if (s->syn_words.n > 1) { /* sort and drop duplicates */
        qsort(s->syn_words.w, s->syn_words.n, sizeof *s->syn_words.w, cmp_word);
        size_t k = 1;
        for (size_t i = 1; i < s->syn_words.n; i++) {
            if (strcmp(s->syn_words.w[i].word, s->syn_words.w[k - 1].word) == 0) free(s->syn_words.w[i].word);
            else s->syn_words.w[k++] = s->syn_words.w[i];
        }
        s->syn_words.n = k;
    }

    /* pages */
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, slug, title, topic, section, summary, is_topic_index, ord, keywords"
                           " FROM pages ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return KS_INDEX_ERR_DB;
    cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (s->n_pages == cap) s->pages = ks_realloc(s->pages, (cap = cap ? cap * 2 : 64) * sizeof *s->pages);
        sr_page *p = &s->pages[s->n_pages++];
        ks_buf h = {0};
        p->id = sqlite3_column_int64(st, 0);
        p->slug = col_dup(st, 1);
        p->title = col_dup(st, 2);
        p->topic = col_dup(st, 3);
        p->section = col_dup(st, 4);
        p->summary = col_dup(st, 5);
        p->is_topic_index = sqlite3_column_int(st, 6);
        p->order = sqlite3_column_int(st, 7);
        fold_words(&h, p->title);
        ks_buf_puts(&h, " |");
        const char *kw = (const char *)sqlite3_column_text(st, 8);
        fold_words(&h, kw ? kw : "");
        ks_buf_putc(&h, ' ');
        p->heads = ks_buf_detach(&h);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return KS_INDEX_ERR_DB;
    s->loaded = 1;
    return 0;
}

static int64_t single_int(sqlite3_stmt *st, int *ok) {
    int64_t v = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    *ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    sqlite3_reset(st);
    return v;
}

/* Reload the caches when another connection changed the index. Cheap when
 * nothing changed: PRAGMA data_version reads shared memory only. */
static int refresh(ks_search *s) {
    int ok;
    int64_t dv = single_int(s->st_data_version, &ok);
    if (!ok) return KS_INDEX_ERR_DB;
    if (s->loaded && dv == s->data_version) return 0;
    int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? 0 : KS_INDEX_ERR_DB;
    if (rc == 0) {
        int64_t gen = single_int(s->st_generation, &ok);
        if (!ok) rc = KS_INDEX_ERR_DB;
        else if (!s->loaded || gen != s->generation) {
            rc = load_caches(s);
            s->generation = gen;
        }
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    }
    if (rc == 0) s->data_version = dv;
    return rc;
}

/* ------------------------------------------------------------ open/close */

/* Reopen s->db on db_path as an immutable file: no locks, no -shm, the
 * WAL not read (after a clean close it is empty; after a crash the main
 * file alone is the last checkpoint, still a whole index). */
static int open_frozen(ks_search *s, const char *db_path) {
    ks_buf uri = {0};
    int rc;
    sqlite3_close(s->db);
    s->db = NULL;
    ks_buf_puts(&uri, "file:");
    for (const char *c = db_path; *c; c++) {
        if (*c == '%' || *c == '?' || *c == '#') ks_buf_printf(&uri, "%%%02X", (unsigned char)*c);
        else ks_buf_putc(&uri, *c);
    }
    ks_buf_puts(&uri, "?immutable=1");
    rc = sqlite3_open_v2(uri.data, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    ks_buf_free(&uri);
    if (rc != SQLITE_OK) return -1;
    s->frozen = 1;
    return 0;
}

int ks_search_frozen(const ks_search *s) { return s ? s->frozen : 0; }

ks_search *ks_search_open(const char *db_path, int *err) {
    struct stat st;
    ks_search *s;
    int rc = 0;
    if (err) *err = 0;
    if (!db_path || stat(db_path, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (err) *err = KS_ERR_NOT_FOUND;
        return NULL;
    }
    s = ks_calloc(1, sizeof *s);
    if (sqlite3_open_v2(db_path, &s->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = KS_INDEX_ERR_DB;
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 2000);
    sqlite3_stmt *q;
    int ok;
    int64_t app = 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA application_id", -1, &q, NULL) != SQLITE_OK) {
        rc = KS_INDEX_ERR_SCHEMA; /* not a database */
        goto fail;
    }
    app = single_int(q, &ok);
    sqlite3_finalize(q);
    if (!ok && (sqlite3_errcode(s->db) & 0xff) == SQLITE_IOERR && open_frozen(s, db_path) == 0) {
        /* A WAL reader needs the -shm file; on a full or failing disk it
         * cannot be made. Read the file as it is rather than nothing. */
        if (sqlite3_prepare_v2(s->db, "PRAGMA application_id", -1, &q, NULL) == SQLITE_OK) {
            app = single_int(q, &ok);
            sqlite3_finalize(q);
        }
    }
    if (!ok) {
        rc = KS_INDEX_ERR_SCHEMA;
        goto fail;
    }
    sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL);
    int64_t ver = single_int(q, &ok);
    sqlite3_finalize(q);
    if (app != 0x4B534B31 || ver != KS_INDEX_SCHEMA_VERSION) {
        rc = KS_INDEX_ERR_SCHEMA;
        goto fail;
    }
    if (sqlite3_prepare_v3(s->db, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT, &s->st_data_version,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(s->db, "SELECT value FROM meta WHERE key = 'generation'", -1, SQLITE_PREPARE_PERSISTENT,
                           &s->st_generation, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(s->db, rank_sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st_rank, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(s->db, unranked_sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st_unranked, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(s->db, body_sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st_body, NULL) != SQLITE_OK) {
        rc = KS_INDEX_ERR_SCHEMA;
        goto fail;
    }
    if ((rc = refresh(s)) != 0) goto fail;
    return s;
fail:
    if (err) *err = rc;
    ks_search_close(s);
    return NULL;
}

void ks_search_close(ks_search *s) {
    if (!s) return;
    free_caches(s);
    sqlite3_finalize(s->st_data_version);
    sqlite3_finalize(s->st_generation);
    sqlite3_finalize(s->st_rank);
    sqlite3_finalize(s->st_unranked);
    sqlite3_finalize(s->st_body);
    if (s->db) sqlite3_close_v2(s->db);
    free(s);
}

int64_t ks_search_generation(const ks_search *s) {
    return s ? s->generation : 0;
}

/* ------------------------------------------------------------ results */

static void hit_free(ks_search_hit *h) {
    free(h->slug);
    free(h->title);
    free(h->topic);
    free(h->section);
    free(h->snippet);
    free(h->highlights);
}

void ks_search_results_free(ks_search_results *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) hit_free(&r->hits[i]);
    free(r->hits);
    free(r->corrected);
    free(r);
}

static ks_search_hit *add_hit(ks_search_results *r, size_t limit, const sr_page *p, double score) {
    if (r->n == 0) r->hits = ks_calloc(limit, sizeof *r->hits);
    ks_search_hit *h = &r->hits[r->n++];
    h->slug = ks_strdup(p->slug);
    h->title = ks_strdup(p->title);
    h->topic = ks_strdup(p->topic);
    h->section = ks_strdup(p->section);
    h->score = score;
    return h;
}

typedef struct short_hit {
    const sr_page *p;
    double score;
} short_hit;

static int cmp_short(const void *a, const void *b) {
    const short_hit *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->p->order != y->p->order) return x->p->order < y->p->order ? -1 : 1;
    return strcmp(x->p->slug, y->p->slug);
}

/* One or two letters typed alone: pages with a title or keyword word
 * starting with them, from memory. */
static void run_short(ks_search *s, const char *prefix, size_t limit, ks_search_results *r) {
    char pat[16];
    short_hit *hits = NULL;
    size_t n = 0;
    snprintf(pat, sizeof pat, " %s", prefix);
    for (size_t i = 0; i < s->n_pages; i++) {
        const sr_page *p = &s->pages[i];
        const char *m = strstr(p->heads, pat);
        if (!m) continue;
        const char *bar = strstr(p->heads, " |");
        double score = 1.0;
        if (bar && m < bar) score += 2.0;        /* in the title */
        if (m == p->heads) score += 1.0;         /* the title's first word */
        if (p->is_topic_index) score += 0.5;
        hits = ks_realloc(hits, (n + 1) * sizeof *hits);
        hits[n].p = p;
        hits[n].score = score;
        n++;
    }
    if (n > 1) qsort(hits, n, sizeof *hits, cmp_short);
    sr_term term = {.len = strlen(prefix), .prefix = 1};
    memcpy(term.w, prefix, term.len + 1);
    term.stem = term.len;
    for (size_t i = 0; i < n && r->n < limit; i++) {
        ks_search_hit *h = add_hit(r, limit, hits[i].p, hits[i].score);
        const char *text = hits[i].p->summary[0] ? hits[i].p->summary : hits[i].p->title;
        sr_snippet(text, strlen(text), &term, 1, SNIPPET_WORDS, h);
    }
    free(hits);
}

static const sr_page *find_page(const ks_search *s, int64_t id) {
    size_t a = 0, b = s->n_pages;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (s->pages[mid].id < id) a = mid + 1;
        else b = mid;
    }
    return a < s->n_pages && s->pages[a].id == id ? &s->pages[a] : NULL;
}

/* Whether word w (len n) matches a word of the folded word list list
 * (" a b c ", up to stop): exactly, as a prefix when prefix, or as the same
 * word with another ending ("injection" / "injections"). */
static int word_in(const char *list, const char *stop, const char *w, size_t n, int prefix) {
    for (const char *p = list; p && p < stop && *p;) {
        while (p < stop && *p == ' ') p++;
        const char *e = p;
        while (e < stop && *e && *e != ' ') e++;
        size_t m = (size_t)(e - p);
        if (m == 0) break;
        if (m == n && memcmp(p, w, n) == 0) return 1;
        if (prefix && m >= n && memcmp(p, w, n) == 0) return 1;
        size_t shorter = m < n ? m : n, longer = m < n ? n : m;
        if (shorter >= 4 && longer - shorter <= 3 && memcmp(p, w, shorter) == 0) return 1;
        p = e;
    }
    return 0;
}

/* How many of the plan's groups have an alternative whose words all occur
 * in the list [from, stop). */
static size_t groups_in(const sr_plan *plan, const char *from, const char *stop) {
    size_t hits = 0;
    for (size_t g = 0; g < plan->n_groups; g++) {
        const sr_group *gr = &plan->groups[g];
        int any = 0;
        for (size_t a = 0; a < gr->n_alt && !any; a++) {
            const char *t = gr->alt[a].text;
            int all = 1;
            while (*t && all) {
                const char *e = strchr(t, ' ');
                size_t n = e ? (size_t)(e - t) : strlen(t);
                all = word_in(from, stop, t, n, gr->alt[a].prefix && !e);
                t += n + (e ? 1 : 0);
            }
            any = all;
        }
        hits += any;
    }
    return hits;
}

typedef struct cand {
    const sr_page *p;
    int64_t id;
    double score;
    int tier; /* 0: ranked over everything or over titles; 1: filled in */
} cand;

static int cmp_cand(const void *a, const void *b) {
    const cand *x = a, *y = b;
    if (x->tier != y->tier) return x->tier < y->tier ? -1 : 1;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

#define MAX_CANDIDATES 128
/* Ranking every match with bm25 costs a few microseconds per page: above
 * this many estimated matches, rank the title/keyword matches and fill up
 * with unranked body matches instead. */
#define RANK_ALL_MAX 400

/* How many pages the plan may match, from the vocabulary: for each group
 * the sum over its alternatives, and the smallest group bounds the AND. */
static uint64_t estimate(const ks_search *s, const sr_plan *plan, int heads) {
    const uint64_t *cum = heads ? s->vocab.cum_hdf : s->vocab.cum_df;
    uint64_t best = UINT64_MAX;
    if (!cum) return 0;
    for (size_t g = 0; g < plan->n_groups; g++) {
        uint64_t sum = 0;
        for (size_t a = 0; a < plan->groups[g].n_alt; a++) {
            const sr_alt *alt = &plan->groups[g].alt[a];
            uint64_t phrase = UINT64_MAX;
            const char *t = alt->text;
            while (*t) {
                const char *e = strchr(t, ' ');
                size_t len = e ? (size_t)(e - t) : strlen(t);
                char w[SR_WORD_CAP];
                uint64_t df = 0;
                if (len < sizeof w) {
                    memcpy(w, t, len);
                    w[len] = '\0';
                    if (alt->prefix && !e) {
                        size_t lo, hi;
                        sr_vocab_prefix_range(&s->vocab, w, &lo, &hi);
                        df = cum[hi] - cum[lo];
                    } else {
                        const sr_word *vw = sr_vocab_find(&s->vocab, w);
                        df = vw ? (uint64_t)(vw - s->vocab.w) : 0;
                        df = vw ? cum[df + 1] - cum[df] : 0;
                    }
                }
                if (df < phrase) phrase = df;
                t += len + (e ? 1 : 0);
            }
            sum += phrase == UINT64_MAX ? 0 : phrase;
        }
        if (sum < best) best = sum;
    }
    return best == UINT64_MAX ? 0 : best;
}

/* Append up to want candidates from st (bound to match) not already in c. */
static int collect(ks_search *s, sqlite3_stmt *st, const char *match, size_t want, int tier, cand *c, size_t *n) {
    int rc;
    size_t before = *n;
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)want);
    while (*n < MAX_CANDIDATES && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        int dup = 0;
        for (size_t i = 0; i < before && !dup; i++) dup = c[i].id == id;
        if (dup) continue;
        c[*n].id = id;
        c[*n].p = find_page(s, id);
        c[*n].score = -sqlite3_column_double(st, 1);
        c[*n].tier = tier;
        if (c[*n].p) (*n)++;
    }
    if (*n >= MAX_CANDIDATES) rc = SQLITE_DONE;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : KS_INDEX_ERR_DB;
}

/* Rank with bm25 in FTS5 (title and keywords first when the words are
 * common), then lift pages whose title (and keywords) hold the words
 * asked for, so "questions to ask my doctor" finds the page of that name
 * above pages that say "questions" often. */
static int run_fts(ks_search *s, const sr_plan *plan, const char *match, size_t limit, ks_search_results *r) {
    cand c[MAX_CANDIDATES];
    size_t n = 0, want = limit * 2 > 20 ? limit * 2 : 20;
    int rc = 0;
    if (want > MAX_CANDIDATES) want = MAX_CANDIDATES;
    if (estimate(s, plan, 0) <= RANK_ALL_MAX) {
        rc = collect(s, s->st_rank, match, want, 0, c, &n);
    } else {
        ks_buf hm = {0};
        ks_buf_printf(&hm, "{title keywords} : (%s)", match);
        uint64_t eh = estimate(s, plan, 1);
        if (eh > 0) rc = collect(s, eh <= RANK_ALL_MAX ? s->st_rank : s->st_unranked, hm.data, want, 0, c, &n);
        if (rc == 0 && n < limit) rc = collect(s, s->st_unranked, match, want, 1, c, &n);
        ks_buf_free(&hm);
    }
    if (rc != 0) return rc;
    for (size_t i = 0; i < n && plan->n_groups; i++) {
        const char *heads = c[i].p->heads, *bar = strstr(heads, " |");
        double in_title = (double)groups_in(plan, heads, bar ? bar : heads + strlen(heads)) / (double)plan->n_groups;
        double in_kw = bar ? (double)groups_in(plan, bar + 2, bar + strlen(bar)) / (double)plan->n_groups : 0.0;
        double base = c[i].score > 0.01 ? c[i].score : 0.01;
        c[i].score = base * (1.0 + 0.8 * in_title + 0.3 * in_kw + (c[i].p->is_topic_index ? 0.1 : 0.0));
    }
    if (n > 1) qsort(c, n, sizeof *c, cmp_cand);
    sr_term terms[SR_MAX_WORDS * 4];
    size_t n_terms = sr_plan_terms(plan, terms, sizeof terms / sizeof terms[0]);
    for (size_t i = 0; i < n && i < limit; i++) {
        ks_search_hit *h = add_hit(r, limit, c[i].p, c[i].score);
        const char *body = NULL;
        size_t len = 0;
        sqlite3_bind_int64(s->st_body, 1, c[i].id);
        if (sqlite3_step(s->st_body) == SQLITE_ROW && (body = (const char *)sqlite3_column_text(s->st_body, 0)))
            len = (size_t)sqlite3_column_bytes(s->st_body, 0);
        if (!len) {
            body = c[i].p->title;
            len = strlen(body);
        }
        sr_snippet(body, len, terms, n_terms, SNIPPET_WORDS, h);
        sqlite3_reset(s->st_body);
    }
    return 0;
}

/* Run a plan of groups through FTS5 inside one read transaction, so the
 * ranking and the snippets see the same version of the index. */
static int run_plan(ks_search *s, const sr_plan *plan, size_t limit, ks_search_results *r) {
    ks_buf match = {0};
    int rc;
    sr_plan_match(plan, &match);
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK) {
        rc = run_fts(s, plan, match.data, limit, r);
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    } else {
        rc = KS_INDEX_ERR_DB;
    }
    ks_buf_free(&match);
    return rc;
}

#define FEW_RESULTS 3

int ks_search_query(ks_search *s, const char *text, size_t limit, ks_search_results **out) {
    ks_search_results *r = ks_calloc(1, sizeof *r);
    sr_plan *plan;
    int rc;
    *out = r;
    if (!s || !text) return 0;
    if (limit == 0) limit = 10;
    if ((rc = refresh(s)) != 0) return rc;
    plan = ks_malloc(sizeof *plan);
    sr_plan_make(s, text, strlen(text), 0, plan);
    if (plan->corrected) r->corrected = ks_strdup(plan->corrected_text);
    if (plan->short_prefix[0]) {
        run_short(s, plan->short_prefix, limit, r);
    } else if (plan->n_groups) {
        rc = run_plan(s, plan, limit, r);
        /* Few exact matches: try the typo variants of the words that were
         * found as typed too, ranked below what was found exactly. */
        if (rc == 0 && r->n < FEW_RESULTS && r->n < limit) {
            sr_plan_make(s, text, strlen(text), 1, plan);
            if (plan->widened) {
                ks_search_results *more = ks_calloc(1, sizeof *more);
                rc = run_plan(s, plan, limit, more);
                double floor = r->n ? r->hits[r->n - 1].score : 0.0;
                for (size_t i = 0; i < more->n && r->n < limit; i++) {
                    int dup = 0;
                    for (size_t k = 0; k < r->n && !dup; k++) dup = strcmp(r->hits[k].slug, more->hits[i].slug) == 0;
                    if (dup) continue;
                    if (r->n == 0) r->hits = ks_calloc(limit, sizeof *r->hits);
                    ks_search_hit *h = &r->hits[r->n++];
                    *h = more->hits[i];
                    memset(&more->hits[i], 0, sizeof more->hits[i]); /* moved */
                    if (floor > 0 && h->score >= floor) h->score = floor * 0.99;
                    floor = h->score;
                }
                ks_search_results_free(more);
            }
        }
    }
    free(plan);
    if (r->n == 0 && r->corrected) { /* nothing found: do not suggest */
        free(r->corrected);
        r->corrected = NULL;
    }
    return rc;
}

void ks_search_results_json(const ks_search_results *r, ks_buf *b) {
    ks_buf_putc(b, '[');
    for (size_t i = 0; r && i < r->n; i++) {
        const ks_search_hit *h = &r->hits[i];
        if (i) ks_buf_putc(b, ',');
        ks_buf_puts(b, "{\"slug\":\"");
        ks_buf_json_string(b, h->slug, strlen(h->slug));
        ks_buf_puts(b, "\",\"title\":\"");
        ks_buf_json_string(b, h->title, strlen(h->title));
        ks_buf_puts(b, "\",\"topic\":\"");
        ks_buf_json_string(b, h->topic, strlen(h->topic));
        ks_buf_puts(b, "\",\"section\":\"");
        ks_buf_json_string(b, h->section, strlen(h->section));
        ks_buf_puts(b, "\",\"snippet\":\"");
        ks_buf_json_string(b, h->snippet, strlen(h->snippet));
        ks_buf_puts(b, "\",\"highlights\":[");
        for (size_t k = 0; k < h->n_highlights; k++)
            ks_buf_printf(b, "%s[%zu,%zu]", k ? "," : "", h->highlights[k].start, h->highlights[k].end);
        ks_buf_printf(b, "],\"score\":%.4f", h->score == h->score ? h->score : 0.0);
        if (r->corrected) {
            ks_buf_puts(b, ",\"corrected\":\"");
            ks_buf_json_string(b, r->corrected, strlen(r->corrected));
            ks_buf_putc(b, '"');
        }
        ks_buf_putc(b, '}');
    }
    ks_buf_putc(b, ']');
}

size_t ks_search_complete(ks_search *s, const char *text, char **out, size_t max) {
    char w[SR_WORD_CAP] = "", t[SR_WORD_CAP];
    size_t pos = 0, end = 0, len, n = 0;
    if (!s || !text || max == 0 || refresh(s) != 0) return 0;
    len = strlen(text);
    if (len > KS_SEARCH_MAX_INPUT) return 0;
    while (ks_index_next_word(text, len, &pos, t, sizeof t, NULL, &end)) memcpy(w, t, sizeof w);
    if (!w[0] || end != len) return 0;
    const sr_word *c[16];
    n = sr_completions(&s->vocab, w, c, max < 16 ? max : 16);
    for (size_t i = 0; i < n; i++) out[i] = ks_strdup(c[i]->word);
    return n;
}
