/* sync: bring the index in line with a set of pages in one transaction,
 * writing only what changed (by content hash). */
#include "index_int.h"

#include "kiosk/base.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct old_row {
    int64_t id;
    char *slug;   /* in sync_body's one block of slugs (set once all are read) */
    size_t at;    /* where in that block */
    uint64_t hash;
    uint64_t bad_hash;
    int seen;
} old_row;

static int cmp_old(const void *a, const void *b) {
    return strcmp(((const old_row *)a)->slug, ((const old_row *)b)->slug);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_push(ks_index_list *l, const char *slug) {
    if ((l->n & (l->n - 1)) == 0) l->slugs = ks_realloc(l->slugs, (l->n ? l->n * 2 : 1) * sizeof *l->slugs);
    l->slugs[l->n++] = ks_strdup(slug);
}

static void list_sort(ks_index_list *l) {
    if (l->n > 1 && l->slugs) qsort(l->slugs, l->n, sizeof *l->slugs, cmp_str);
}

/* The FTS columns of a page, in bufs the caller frees. */
typedef struct page_text {
    ks_buf keywords, head;
    ix_columns cols;
} page_text;

static void page_text_make(page_text *t, const ks_page *p) {
    ks_buf_clear(&t->keywords);
    ks_buf_clear(&t->head);
    for (size_t i = 0; i < p->n_keywords; i++) {
        if (i) ks_buf_putc(&t->keywords, '\n');
        ks_buf_puts(&t->keywords, p->keywords[i] ? p->keywords[i] : "");
    }
    for (size_t i = 0; i < p->n_headings; i++) {
        ks_buf_puts(&t->head, p->headings[i].text ? p->headings[i].text : "");
        ks_buf_putc(&t->head, '\n');
    }
    ks_buf_puts(&t->head, p->summary ? p->summary : "");
    t->cols.title = p->title ? p->title : "";
    t->cols.keywords = t->keywords.data ? t->keywords.data : "";
    t->cols.head = t->head.data ? t->head.data : "";
    t->cols.body = p->text ? p->text : "";
}

enum { ST_OLD_TEXT, ST_INS_PAGE, ST_UPD_PAGE, ST_UPD_BAD, ST_DEL_PAGE, ST_DEL_FTS, ST_INS_FTS,
       ST_VOCAB, ST_PUT_SOURCE, ST_DEL_SOURCE, ST_COUNT };

static const char *const stmt_sql[ST_COUNT] = {
    [ST_OLD_TEXT] = "SELECT title, keywords, head, body FROM fts WHERE rowid = ?",
    [ST_INS_PAGE] = "INSERT INTO pages(slug, hash, bad_hash, topic, section, title, summary, reviewed,"
                    " ord, is_topic_index, keywords, id)"
                    " VALUES(?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?13)",
    [ST_UPD_PAGE] = "UPDATE pages SET slug = ?1, hash = ?2, bad_hash = 0, topic = ?3, section = ?4,"
                    " title = ?5, summary = ?6, reviewed = ?7, ord = ?8, is_topic_index = ?9,"
                    " keywords = ?10 WHERE id = ?13",
    [ST_PUT_SOURCE] = "INSERT OR REPLACE INTO sources(id, markdown, body_line) VALUES(?, ?, ?)",
    [ST_DEL_SOURCE] = "DELETE FROM sources WHERE id = ?",
    [ST_UPD_BAD] = "UPDATE pages SET bad_hash = ?1 WHERE id = ?2",
    [ST_DEL_PAGE] = "DELETE FROM pages WHERE id = ?",
    [ST_DEL_FTS] = "DELETE FROM fts WHERE rowid = ?",
    [ST_INS_FTS] = "INSERT INTO fts(rowid, title, keywords, head, body) VALUES(?, ?, ?, ?, ?)",
    [ST_VOCAB] = ("INSERT INTO vocab(word, df, hdf) VALUES(?1, ?2, ?3)"
                  " ON CONFLICT(word) DO UPDATE SET df = df + ?2, hdf = hdf + ?3"),
};

typedef struct sync_state {
    ks_index *ix;
    const char *const *unknown; /* what the caller could not read (see ks_index_sync_pages_ex) */
    size_t n_unknown;
    sqlite3_stmt *st[ST_COUNT];
    ix_wordmap vocab; /* deltas */
    ix_wordmap scratch;
    page_text text;
    const unsigned char *trusted; /* per page: taken as indexed (ks_index_set_trust_reused), or NULL */
} sync_state;

static int step_done(sync_state *s, int which) {
    sqlite3_stmt *st = s->st[which];
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return ix_fail(s->ix, stmt_sql[which]);
    return 0;
}

/* Subtract the words of the indexed version of page id from the vocabulary. */
static int uncount_old(sync_state *s, int64_t id) {
    sqlite3_stmt *st = s->st[ST_OLD_TEXT];
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        ix_columns c = {(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                        (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3)};
        ix_count_words(&c, -1, &s->scratch, &s->vocab);
        rc = SQLITE_DONE;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : ix_fail(s->ix, "reading a page's old text");
}

static int delete_fts(sync_state *s, int64_t id) {
    sqlite3_bind_int64(s->st[ST_DEL_FTS], 1, id);
    return step_done(s, ST_DEL_FTS);
}

/* Insert (id < 0) or update the page row and its FTS row. */
static int write_page(sync_state *s, const ks_page *p, int64_t id) {
    int which = id < 0 ? ST_INS_PAGE : ST_UPD_PAGE, rc;
    sqlite3_stmt *st = s->st[which];
    page_text_make(&s->text, p);
    sqlite3_bind_text(st, 1, p->slug, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)p->hash);
    sqlite3_bind_text(st, 3, p->topic ? p->topic : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p->section ? p->section : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->text.cols.title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, p->summary ? p->summary : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, p->reviewed ? p->reviewed : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, p->order);
    sqlite3_bind_int(st, 9, p->is_topic_index);
    sqlite3_bind_text(st, 10, s->text.cols.keywords, -1, SQLITE_STATIC);
    if (id >= 0) sqlite3_bind_int64(st, 13, id);
    if ((rc = step_done(s, which)) != 0) return rc;
    if (id < 0) id = sqlite3_last_insert_rowid(s->ix->db);
    st = s->st[ST_PUT_SOURCE];
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, p->markdown ? p->markdown : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, p->body_line);
    if ((rc = step_done(s, ST_PUT_SOURCE)) != 0) return rc;
    st = s->st[ST_INS_FTS];
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, s->text.cols.title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->text.cols.keywords, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->text.cols.head, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->text.cols.body, -1, SQLITE_STATIC);
    return step_done(s, ST_INS_FTS); /* its words are counted apart: see counter */
}

static int cmp_word_ptr(const void *a, const void *b) {
    return strcmp((*(const ix_word *const *)a)->word, (*(const ix_word *const *)b)->word);
}

/* Write the vocabulary deltas in the table's own order (SQLite's binary
 * order is strcmp's for UTF-8), so a first build appends to the b-tree
 * instead of inserting 100,000 words at random places. */
static int apply_vocab(sync_state *s) {
    int any_negative = 0, rc = 0;
    const ix_word **w = ks_malloc((s->vocab.n ? s->vocab.n : 1) * sizeof *w);
    size_t n = 0;
    for (size_t k = 0; k < s->vocab.n; k++) {
        const ix_word *e = &s->vocab.slots[s->vocab.order[k]];
        if (e->df != 0 || e->hdf != 0) w[n++] = e;
    }
    qsort(w, n, sizeof *w, cmp_word_ptr);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (w[i]->df < 0 || w[i]->hdf < 0) any_negative = 1;
        sqlite3_bind_text(s->st[ST_VOCAB], 1, w[i]->word, (int)w[i]->len, SQLITE_STATIC);
        sqlite3_bind_int(s->st[ST_VOCAB], 2, w[i]->df);
        sqlite3_bind_int(s->st[ST_VOCAB], 3, w[i]->hdf);
        rc = step_done(s, ST_VOCAB);
    }
    free(w);
    if (rc == 0 && any_negative) rc = ix_exec(s->ix, "DELETE FROM vocab WHERE df <= 0");
    return rc;
}

static int sync_synonyms(sync_state *s, const ks_synonym *syn, size_t n, uint64_t hash, int *changed) {
    sqlite3_stmt *st;
    int64_t old = 0;
    int rc;
    *changed = 0;
    if (sqlite3_prepare_v2(s->ix->db, "SELECT value FROM meta WHERE key = 'synonyms_hash'", -1, &st, NULL) !=
        SQLITE_OK)
        return ix_fail(s->ix, "reading the synonyms hash");
    if (sqlite3_step(st) == SQLITE_ROW) old = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if ((uint64_t)old == hash) return 0;
    *changed = 1;
    if ((rc = ix_exec(s->ix, "DELETE FROM synonyms")) != 0) return rc;
    if (sqlite3_prepare_v2(s->ix->db, "INSERT INTO synonyms(phrase, target, line) VALUES(?, ?, ?)", -1, &st,
                           NULL) != SQLITE_OK)
        return ix_fail(s->ix, "writing synonyms");
    for (size_t i = 0; i < n; i++) {
        if (!syn[i].from || !syn[i].to) continue;
        sqlite3_bind_text(st, 1, syn[i].from, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, syn[i].to, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, syn[i].line);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            rc = ix_fail(s->ix, "writing synonyms");
            sqlite3_finalize(st);
            return rc;
        }
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(s->ix->db, "UPDATE meta SET value = ? WHERE key = 'synonyms_hash'", -1, &st, NULL) !=
        SQLITE_OK)
        return ix_fail(s->ix, "writing the synonyms hash");
    sqlite3_bind_int64(st, 1, (int64_t)hash);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ix_fail(s->ix, "writing the synonyms hash");
    sqlite3_finalize(st);
    return rc;
}

/* Whether slug (or "synonyms.txt") is under something that could not be
 * read: an exact entry, or a folder prefix ending in '/'. */
static int is_unknown(const sync_state *s, const char *slug) {
    for (size_t i = 0; i < s->n_unknown; i++) {
        const char *u = s->unknown[i];
        size_t n = u ? strlen(u) : 0;
        if (!n) continue;
        if (u[n - 1] == '/' ? strncmp(slug, u, n) == 0 : strcmp(slug, u) == 0) return 1;
    }
    return 0;
}

/* A sync writing more pages than this (a first build) sets FTS5's
 * pending-terms limit high and merges the index into one segment at the
 * end ('optimize'). */
#define BIG_SYNC 1000

/* FTS5 collects the terms of the rows written in a hash table and writes
 * it out as a new segment when it holds more than 'hashsize' bytes
 * (1 MB by default), merging segments as they pile up, and 'optimize'
 * merges them all again. With 64 MB a first build of 15,000 real pages
 * writes its index as one segment at the end (optimize then has nothing
 * to merge): callgrind, the whole process, 13.9 G instructions with 16 MB
 * and 12.3 G with 64 MB (the sync's own thread 5.7 G -> 4.1 G), and a
 * smaller file; the build's peak memory went from 213 to 234 MB (188 MB
 * with 1 MB and no counting thread). The table only grows as terms come;
 * the setting is kept in the index (fts_config), and only a sync of
 * thousands of pages comes near it. */
#define FTS_HASHSIZE_SQL "INSERT INTO fts(fts, rank) VALUES('hashsize', 67108864)"

/* Every row of pages, sorted by slug (the index's order, SQLite's byte
 * order: the same as strcmp for UTF-8), into *old with the slugs in one
 * block. */
static int read_rows(ks_index *ix, old_row **old_out, size_t *n_out, ks_buf *slugs) {
    old_row *old = NULL;
    size_t n_old = 0, cap_old = 0;
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(ix->db, "SELECT id, slug, hash, bad_hash FROM pages INDEXED BY pages_sync ORDER BY slug",
                           -1, &st, NULL) != SQLITE_OK)
        return ix_fail(ix, "reading the pages");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n_old == cap_old) old = ks_realloc(old, (cap_old = cap_old ? cap_old * 2 : 64) * sizeof *old);
        old[n_old].id = sqlite3_column_int64(st, 0);
        const char *slug = (const char *)sqlite3_column_text(st, 1);
        old[n_old].at = slugs->len;
        ks_buf_append(slugs, slug ? slug : "", strlen(slug ? slug : "") + 1);
        old[n_old].hash = (uint64_t)sqlite3_column_int64(st, 2);
        old[n_old].bad_hash = (uint64_t)sqlite3_column_int64(st, 3);
        old[n_old].seen = 0;
        n_old++;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n_old; i++) old[i].slug = slugs->data + old[i].at; /* the block moved no more */
    *old_out = old;
    *n_out = n_old;
    return rc == SQLITE_DONE ? 0 : ix_fail(ix, "reading the pages");
}

/* Pages looked up one by one when at most this many are not trusted;
 * more (a first build, a changed setting) read every row. */
#define LOOKUP_MAX 256

/* Per page, 1 when ks_index_set_trust_reused lets the sync take it as the
 * index holds it: good and reused from records. NULL when too few are. */
static unsigned char *trusted_pages(const ks_page *const *pages, size_t n) {
    unsigned char *t = ks_malloc(n ? n : 1);
    size_t others = 0;
    for (size_t i = 0; i < n; i++) {
        t[i] = pages[i]->slug && *pages[i]->slug && pages[i]->errors == 0 && !ks_page_has_body(pages[i]);
        others += !t[i];
    }
    if (others <= LOOKUP_MAX) return t;
    free(t);
    return NULL;
}

/* The rows of the pages not trusted, looked up by slug, sorted by slug
 * into *old (slugs in one block). Returns 1 when these rows and the
 * trusted pages' are every row the index holds (the count of rows says
 * so: slugs are unique), 0 when not (read them all), or an error. */
static int lookup_rows(sync_state *s, const ks_page *const *pages, size_t n, const unsigned char *trusted,
                       old_row **old_out, size_t *n_out, ks_buf *slugs) {
    ks_index *ix = s->ix;
    old_row *old = ks_malloc((n ? n : 1) * sizeof *old);
    size_t n_old = 0, n_trusted = 0;
    sqlite3_stmt *st = NULL, *count = NULL;
    int rc = SQLITE_DONE;
    if (sqlite3_prepare_v2(ix->db, "SELECT id, hash, bad_hash FROM pages WHERE slug = ?", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(ix->db, "SELECT count(*) FROM pages", -1, &count, NULL) != SQLITE_OK)
        rc = SQLITE_ERROR;
    for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
        if (trusted[i]) {
            n_trusted++;
            continue;
        }
        if (!pages[i]->slug || !*pages[i]->slug) continue;
        sqlite3_bind_text(st, 1, pages[i]->slug, -1, SQLITE_STATIC);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            old[n_old] = (old_row){.id = sqlite3_column_int64(st, 0), .at = slugs->len,
                                   .hash = (uint64_t)sqlite3_column_int64(st, 1),
                                   .bad_hash = (uint64_t)sqlite3_column_int64(st, 2)};
            ks_buf_append(slugs, pages[i]->slug, strlen(pages[i]->slug) + 1);
            n_old++;
            rc = SQLITE_DONE;
        }
        sqlite3_reset(st);
    }
    int all = rc == SQLITE_DONE && (rc = sqlite3_step(count)) == SQLITE_ROW &&
              (uint64_t)sqlite3_column_int64(count, 0) == (uint64_t)(n_trusted + n_old);
    if (rc == SQLITE_ROW) rc = SQLITE_DONE;
    sqlite3_finalize(st);
    sqlite3_finalize(count);
    for (size_t i = 0; i < n_old; i++) old[i].slug = slugs->data + old[i].at;
    if (n_old > 1) qsort(old, n_old, sizeof *old, cmp_old);
    *old_out = old;
    *n_out = n_old;
    return rc != SQLITE_DONE ? ix_fail(ix, "reading the pages") : all;
}

/* What the sync does with a page, decided before anything is written. */
enum { ACT_NONE, ACT_ADD, ACT_CHANGE, ACT_SET_BAD, ACT_CLEAR_BAD };

typedef struct plan {
    int act;
    old_row *o; /* the indexed version, or NULL */
} plan;

/* Decide each page's act and fill the report's lists (as the writes will
 * make them true). Returns how many pages will be written whole. */
static size_t plan_pages(const sync_state *s, const ks_page *const *pages, size_t n, old_row *old, size_t n_old,
                         plan *pl, ks_index_report *r) {
    const ks_index *ix = s->ix;
    size_t n_write = 0;
    for (size_t i = 0; i < n; i++) {
        const ks_page *p = pages[i];
        old_row key = {.slug = (char *)p->slug}, *o = NULL;
        pl[i].act = ACT_NONE;
        pl[i].o = NULL;
        if (!p->slug || !*p->slug) continue;
        if (s->trusted && s->trusted[i]) { /* as the index holds it: the same hash, not broken */
            if (ix->unchanged_counted) r->unchanged.n++;
            else list_push(&r->unchanged, p->slug);
            continue;
        }
        if (n_old) o = bsearch(&key, old, n_old, sizeof *old, cmp_old);
        if (o && o->seen) continue; /* duplicate slug: the first wins */
        if (o) o->seen = 1;
        pl[i].o = o;
        if (p->errors > 0) {
            list_push(o ? &r->kept : &r->skipped, p->slug);
            if (o && o->bad_hash != p->hash) pl[i].act = ACT_SET_BAD;
        } else if (!o) {
            list_push(&r->added, p->slug);
            pl[i].act = ACT_ADD;
        } else if (o->hash == p->hash) {
            if (ix->unchanged_counted) r->unchanged.n++;
            else list_push(&r->unchanged, p->slug);
            if (o->bad_hash != 0) pl[i].act = ACT_CLEAR_BAD; /* fixed back to the version indexed */
        } else {
            list_push(&r->changed, p->slug);
            pl[i].act = ACT_CHANGE;
        }
        if (pl[i].act == ACT_ADD || pl[i].act == ACT_CHANGE) n_write++;
    }
    return n_write;
}

/* ------------------------------------------------------------ counting
 *
 * The vocabulary counts of the pages written are the sync's one big piece
 * of work outside SQLite (a fifth of a first build): with enough pages it
 * runs on a second thread while this one writes, each with its own maps,
 * and the counts are added together before they are written. The result
 * is the same either way (test_index: test_vocab_threaded). */

/* Pages written at or above this count are counted on a thread. */
#define COUNT_THREAD_MIN 64

typedef struct counter {
    const ks_page **pages; /* the pages written, whose words are added */
    size_t n;
    ix_wordmap vocab, scratch;
    page_text text;
    atomic_int stop; /* the writes failed: the counts will not be used */
} counter;

static void *count_pages(void *arg) {
    counter *c = arg;
    for (size_t i = 0; i < c->n && !atomic_load(&c->stop); i++) {
        page_text_make(&c->text, c->pages[i]);
        ix_count_words(&c->text.cols, +1, &c->scratch, &c->vocab);
    }
    return NULL;
}

static void counter_free(counter *c) {
    free(c->pages);
    ix_wordmap_free(&c->vocab);
    ix_wordmap_free(&c->scratch);
    ks_buf_free(&c->text.keywords);
    ks_buf_free(&c->text.head);
}

/* Carry out the plan: the page rows, sources and FTS rows. */
static int write_pages(sync_state *s, const ks_page *const *pages, size_t n, const plan *pl,
                       ks_index_report *r) {
    ks_index *ix = s->ix;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const ks_page *p = pages[i];
        const old_row *o = pl[i].o;
        switch (pl[i].act) {
        case ACT_SET_BAD:
        case ACT_CLEAR_BAD:
            sqlite3_bind_int64(s->st[ST_UPD_BAD], 1, pl[i].act == ACT_SET_BAD ? (int64_t)p->hash : 0);
            sqlite3_bind_int64(s->st[ST_UPD_BAD], 2, o->id);
            rc = step_done(s, ST_UPD_BAD);
            r->wrote = 1;
            break;
        case ACT_ADD:
            rc = write_page(s, p, -1);
            r->wrote = 1;
            break;
        case ACT_CHANGE:
            if ((rc = uncount_old(s, o->id)) == 0 && (rc = delete_fts(s, o->id)) == 0) rc = write_page(s, p, o->id);
            r->wrote = 1;
            break;
        default: break;
        }
        if (ix->progress) ix->progress(ix->progress_ctx, i + 1, n);
        if (rc == 0 && atomic_load(&ix->interrupted)) { /* between pages too: the statements are short */
            snprintf(ix->errmsg, sizeof ix->errmsg, "interrupted (the kiosk is stopping)");
            rc = KS_INDEX_ERR_INTERRUPTED;
        }
    }
    return rc;
}

/* Write the pages of the plan while their words are counted (on a thread
 * when there are many), then add the counts to s->vocab. */
static int write_and_count(sync_state *s, const ks_page *const *pages, size_t n, const plan *pl, size_t n_write,
                           ks_index_report *r) {
    counter c;
    pthread_t thread;
    int threaded = 0, rc;
    memset(&c, 0, sizeof c);
    atomic_init(&c.stop, 0);
    c.scratch.pooled = 1;
    c.pages = ks_malloc((n_write ? n_write : 1) * sizeof *c.pages);
    for (size_t i = 0; i < n; i++)
        if (pl[i].act == ACT_ADD || pl[i].act == ACT_CHANGE) c.pages[c.n++] = pages[i];
    if (c.n >= COUNT_THREAD_MIN) threaded = pthread_create(&thread, NULL, count_pages, &c) == 0;
    rc = write_pages(s, pages, n, pl, r);
    if (threaded) {
        if (rc != 0) atomic_store(&c.stop, 1);
        pthread_join(thread, NULL);
    } else if (rc == 0) {
        count_pages(&c);
    }
    if (rc == 0) ix_wordmap_merge(&s->vocab, &c.vocab);
    counter_free(&c);
    return rc;
}

/* Everything between BEGIN and COMMIT. */
static int sync_body(sync_state *s, const ks_page *const *pages, size_t n, const ks_synonym *syn,
                     size_t n_syn, uint64_t syn_hash, ks_index_report *r) {
    ks_index *ix = s->ix;
    old_row *old = NULL;
    plan *pl = NULL;
    size_t n_old = 0;
    ks_buf slugs = {0}; /* every old slug, one after another: one block, not 10,000 */
    int rc = 0;

    /* (the generation read inside this transaction: no other writer can
     * have moved it since, or move it before the commit) */
    unsigned char *trusted =
        ix->trust_reused >= 0 && ks_index_generation(ix) == ix->trust_reused ? trusted_pages(pages, n) : NULL;
    if (trusted && (rc = lookup_rows(s, pages, n, trusted, &old, &n_old, &slugs)) <= 0) {
        free(trusted); /* rows nothing here accounts for, or too many to look up: read them all */
        trusted = NULL;
        free(old);
        old = NULL;
        n_old = 0;
        ks_buf_free(&slugs);
        if (rc < 0) goto done;
    }
    if (!trusted && (rc = read_rows(ix, &old, &n_old, &slugs)) != 0) goto done;
    rc = 0;
    s->trusted = trusted;

    pl = ks_malloc((n ? n : 1) * sizeof *pl);
    size_t n_write = plan_pages(s, pages, n, old, n_old, pl, r);
    if (n_write > BIG_SYNC) rc = ix_exec(ix, FTS_HASHSIZE_SQL);
    if (rc == 0) rc = write_and_count(s, pages, n, pl, n_write, r);
    for (size_t i = 0; i < n_old && rc == 0; i++) {
        if (old[i].seen) continue;
        if (is_unknown(s, old[i].slug)) { /* unreadable now: unknown, not deleted */
            list_push(&r->kept, old[i].slug);
            continue;
        }
        list_push(&r->removed, old[i].slug);
        if ((rc = uncount_old(s, old[i].id)) == 0 && (rc = delete_fts(s, old[i].id)) == 0) {
            sqlite3_bind_int64(s->st[ST_DEL_PAGE], 1, old[i].id);
            rc = step_done(s, ST_DEL_PAGE);
            sqlite3_bind_int64(s->st[ST_DEL_SOURCE], 1, old[i].id);
            if (rc == 0) rc = step_done(s, ST_DEL_SOURCE);
        }
        r->wrote = 1;
    }
    if (rc == 0 && !is_unknown(s, "synonyms.txt")) rc = sync_synonyms(s, syn, n_syn, syn_hash, &r->synonyms_changed);
    if (r->synonyms_changed) r->wrote = 1;
    if (rc == 0 && r->wrote) rc = apply_vocab(s);
    if (rc == 0 && r->wrote && r->added.n + r->changed.n > BIG_SYNC)
        rc = ix_exec(ix, "INSERT INTO fts(fts) VALUES('optimize')");
    if (rc == 0 && r->wrote)
        rc = ix_exec(ix, "UPDATE meta SET value = value + 1 WHERE key = 'generation'");
    /* Notes describe what was synced (a folder's stamp): a sync that wrote,
     * from whatever folder, makes them untrue. */
    if (rc == 0 && r->wrote) rc = ix_exec(ix, "DELETE FROM meta WHERE key LIKE 'note:%'");
done:
    s->trusted = NULL;
    free(trusted);
    ks_buf_free(&slugs);
    free(old);
    free(pl);
    return rc;
}

int ks_index_sync_pages(ks_index *ix, const ks_page *const *pages, size_t n, const ks_synonym *synonyms,
                        size_t n_synonyms, uint64_t synonyms_hash, ks_index_report *out) {
    return ks_index_sync_pages_ex(ix, pages, n, synonyms, n_synonyms, synonyms_hash, NULL, 0, out);
}

int ks_index_sync_pages_ex(ks_index *ix, const ks_page *const *pages, size_t n, const ks_synonym *synonyms,
                           size_t n_synonyms, uint64_t synonyms_hash, const char *const *unknown,
                           size_t n_unknown, ks_index_report *out) {
    ks_index_report local;
    ks_index_report *r = out ? out : &local;
    sync_state s = {.ix = ix, .unknown = unknown, .n_unknown = n_unknown};
    s.scratch.pooled = 1;
    double t0 = ks_now_ms();
    int rc = 0;

    memset(r, 0, sizeof *r);
    ix->errmsg[0] = '\0';
    if (!ix->db) { /* a repair that could not reopen the file */
        snprintf(ix->errmsg, sizeof ix->errmsg, "the index is not open");
        if (!out) ks_index_report_free(r);
        return KS_INDEX_ERR_DB;
    }
    for (int i = 0; i < ST_COUNT && rc == 0; i++)
        if (sqlite3_prepare_v2(ix->db, stmt_sql[i], -1, &s.st[i], NULL) != SQLITE_OK)
            rc = ix_fail(ix, stmt_sql[i]);
    if (rc == 0 && atomic_load(&ix->interrupted)) { /* ks_index_interrupt: stopping */
        snprintf(ix->errmsg, sizeof ix->errmsg, "interrupted (the kiosk is stopping)");
        rc = KS_INDEX_ERR_INTERRUPTED;
    }
    if (rc == 0) rc = ix_exec(ix, "BEGIN IMMEDIATE");
    if (rc == 0) {
        rc = sync_body(&s, pages, n, synonyms, n_synonyms, synonyms_hash, r);
        if (rc == 0)
            rc = ix_exec(ix, "COMMIT");
        if (rc != 0) sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        else ix_files_note(ix->path, &ix->files); /* the -wal and -shm this write made, if it made them */
    }
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(s.st[i]);
    ix_wordmap_free(&s.vocab);
    ix_wordmap_free(&s.scratch);
    ks_buf_free(&s.text.keywords);
    ks_buf_free(&s.text.head);
    if (rc != 0) {
        ks_index_report_free(r);
        memset(r, 0, sizeof *r);
    } else {
        list_sort(&r->added);
        list_sort(&r->changed);
        list_sort(&r->removed);
        list_sort(&r->unchanged);
        list_sort(&r->skipped);
        list_sort(&r->kept);
    }
    r->generation = ks_index_generation(ix);
    r->ms = ks_now_ms() - t0;
    if (!out) ks_index_report_free(r);
    return rc;
}

int ks_index_sync(ks_index *ix, const ks_store *store, ks_index_report *out) {
    size_t n = ks_store_page_count(store), ns = ks_store_synonym_count(store);
    const ks_page **pages = ks_malloc((n ? n : 1) * sizeof *pages);
    ks_synonym *syn = ks_malloc((ns ? ns : 1) * sizeof *syn);
    for (size_t i = 0; i < n; i++) pages[i] = ks_store_page(store, i);
    for (size_t i = 0; i < ns; i++) syn[i] = *ks_store_synonym(store, i);
    size_t nu = ks_store_unknown_count(store);
    const char **unknown = ks_malloc((nu ? nu : 1) * sizeof *unknown);
    for (size_t i = 0; i < nu; i++) unknown[i] = ks_store_unknown(store, i);
    int rc = ks_index_sync_pages_ex(ix, pages, n, syn, ns, ks_store_synonyms_hash(store), unknown, nu, out);
    free(pages);
    free(syn);
    free(unknown);
    return rc;
}
