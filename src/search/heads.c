/* heads: the title and keyword words of every page in memory, by their
 * FTS5 stem, so the title-and-keyword query of a search round never runs
 * in FTS5. That query ("{title keywords} : (...)") cost 2-5 ms on the
 * 17,825-page corpus for a common word and a short last word ("using t",
 * "card s"): FTS5 keeps no per-column lists, so its column filter reads
 * the position lists of every page holding the words anywhere, and bm25
 * counts the pages of each word the same way. Here the same answer —
 * the same pages, the same bm25 to the last bit (fts5_aux.c's formula on
 * the same counts), the same order — is a few hash look-ups. */
#include "search_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sr_hnode {
    uint32_t stem, page;
    uint8_t col; /* 0 title, 1 keywords */
};

static uint32_t hash_of(const char *w, size_t n) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

/* The index of stem w in the map, or -1. */
static long stem_find(const sr_heads *h, const char *w, size_t n) {
    if (!h->n_slot) return -1;
    for (size_t i = hash_of(w, n) & (h->n_slot - 1);; i = (i + 1) & (h->n_slot - 1)) {
        uint32_t v = h->slot[i];
        if (!v) return -1;
        const char *t = h->pool.data + h->stem_off[v - 1];
        if (strncmp(t, w, n) == 0 && t[n] == '\0') return (long)(v - 1);
    }
}

static void grow_slots(sr_heads *h) {
    size_t n = h->n_slot ? h->n_slot * 2 : 4096;
    uint32_t *slot = ks_calloc(n, sizeof *slot);
    for (size_t k = 0; k < h->n_stems; k++) {
        const char *t = h->pool.data + h->stem_off[k];
        size_t i = hash_of(t, strlen(t)) & (n - 1);
        while (slot[i]) i = (i + 1) & (n - 1);
        slot[i] = (uint32_t)k + 1;
    }
    free(h->slot);
    h->slot = slot;
    h->n_slot = n;
}

static uint32_t stem_add(sr_heads *h, const char *w, size_t n) {
    long at = stem_find(h, w, n);
    if (at >= 0) return (uint32_t)at;
    if (h->n_stems == h->cap_stems)
        h->stem_off = ks_realloc(h->stem_off, (h->cap_stems = h->cap_stems ? h->cap_stems * 2 : 4096) * sizeof *h->stem_off);
    h->stem_off[h->n_stems] = (uint32_t)h->pool.len;
    ks_buf_append(&h->pool, w, n);
    ks_buf_append(&h->pool, "", 1);
    h->n_stems++;
    if (h->n_stems * 2 > h->n_slot) grow_slots(h);
    else {
        size_t i = hash_of(w, n) & (h->n_slot - 1);
        while (h->slot[i]) i = (i + 1) & (h->n_slot - 1);
        h->slot[i] = (uint32_t)h->n_stems;
    }
    return (uint32_t)(h->n_stems - 1);
}

typedef struct add_ctx {
    sr_heads *h;
    uint32_t page;
    uint8_t col;
} add_ctx;

static void add_token(void *ctx, const char *token, size_t len) {
    add_ctx *k = ctx;
    sr_heads *h = k->h;
    if (h->n_node == h->cap_node)
        h->node = ks_realloc(h->node, (h->cap_node = h->cap_node ? h->cap_node * 2 : 16384) * sizeof *h->node);
    h->node[h->n_node++] = (sr_hnode){.stem = stem_add(h, token, len), .page = k->page, .col = k->col};
}

void sr_heads_add(ks_search *s, uint32_t page, const char *title, const char *keywords) {
    add_ctx k = {&s->heads, page, 0};
    if (ks_index_reader_tokens(s->rd, title, strlen(title), 0, add_token, &k) < 0) return;
    k.col = 1;
    ks_index_reader_tokens(s->rd, keywords, strlen(keywords), 0, add_token, &k);
}

typedef struct size_ctx {
    ks_search *s;
    size_t at;
} size_ctx;

static void add_size(void *ctx, int64_t id, int64_t tokens) {
    size_ctx *k = ctx;
    const ks_search *s = k->s;
    while (k->at < s->n_pages && s->pages[k->at].id < id) k->at++; /* both by id */
    if (k->at < s->n_pages && s->pages[k->at].id == id) s->heads.len[k->at] = tokens > UINT32_MAX ? UINT32_MAX : (uint32_t)tokens;
}

int sr_heads_finish(ks_search *s) {
    sr_heads *h = &s->heads;
    int64_t tokens = 0;
    size_ctx k = {s, 0};
    h->len = ks_calloc(s->n_pages + 1, sizeof *h->len);
    h->mark = ks_calloc(s->n_pages + 1, sizeof *h->mark);
    int rc = ks_index_reader_sizes(s->rd, &h->rows, &tokens, add_size, &k);
    if (rc != 0) return rc;
    /* the postings: count each stem's pages, then fill in page order
     * (the nodes came page by page) */
    uint32_t *last = ks_calloc(h->n_stems + 1, sizeof *last);
    h->stem_at = ks_calloc(h->n_stems + 1, sizeof *h->stem_at);
    for (size_t i = 0; i < h->n_node; i++) {
        const sr_hnode *d = &h->node[i];
        if (last[d->stem] != d->page + 1) h->stem_at[d->stem + 1]++;
        last[d->stem] = d->page + 1;
    }
    for (size_t i = 0; i < h->n_stems; i++) h->stem_at[i + 1] += h->stem_at[i];
    h->post = ks_calloc(h->stem_at[h->n_stems] + 1, sizeof *h->post);
    memcpy(last, h->stem_at, h->n_stems * sizeof *last); /* now: where the next posting goes */
    for (size_t i = 0; i < h->n_node; i++) {
        const sr_hnode *d = &h->node[i];
        uint32_t at = last[d->stem];
        if (at == h->stem_at[d->stem] || h->post[at - 1].page != d->page) h->post[last[d->stem]++] = (sr_hpost){.page = d->page};
        sr_hpost *p = &h->post[last[d->stem] - 1];
        if (d->col == 0 && p->title < UINT16_MAX) p->title++;
        if (d->col == 1 && p->kw < UINT16_MAX) p->kw++;
    }
    free(last);
    free(h->node);
    h->node = NULL;
    h->n_node = h->cap_node = 0;
    h->avgdl = (double)tokens / (double)h->rows; /* as fts5_aux.c */
    h->ready = h->rows > 0;
    return 0;
}

void sr_heads_free(sr_heads *h) {
    ks_buf_free(&h->pool);
    free(h->stem_off);
    free(h->stem_at);
    free(h->slot);
    free(h->node);
    free(h->post);
    free(h->len);
    free(h->mark);
    memset(h, 0, sizeof *h);
}

#define MAX_PHRASES (SR_MAX_WORDS * SR_MAX_ALTS)

typedef struct phrase {
    long stem; /* or -1: on no page's title or keywords */
    int group;
    double idf;
} phrase;

typedef struct one_token {
    char w[SR_WORD_CAP * 4];
    size_t len;
} one_token;

static void keep_token(void *ctx, const char *token, size_t len) {
    one_token *t = ctx;
    if (len < sizeof t->w) {
        memcpy(t->w, token, len);
        t->len = len;
    }
}

/* The plan's phrases of mask, in the order of the match expression, each
 * one FTS5 token: their count, or -1 when one is not (FTS5 answers). */
static int phrases_of(ks_search *s, const sr_plan *plan, uint32_t mask, phrase *ph) {
    const sr_heads *h = &s->heads;
    int n = 0;
    for (size_t g = 0; g < plan->n_groups && g < 32; g++) {
        if (!(mask & (1u << g))) continue;
        for (size_t a = 0; a < plan->groups[g].n_alt; a++) {
            const sr_alt *alt = &plan->groups[g].alt[a];
            one_token t = {.len = 0};
            if (alt->prefix || n == MAX_PHRASES) return -1;
            if (ks_index_reader_tokens(s->rd, alt->text, strlen(alt->text), 1, keep_token, &t) != 1 || !t.len) return -1;
            long st = stem_find(h, t.w, t.len);
            int64_t hit = st < 0 ? 0 : (int64_t)(h->stem_at[st + 1] - h->stem_at[st]);
            double idf = log((h->rows - hit + 0.5) / (hit + 0.5)); /* fts5_aux.c, bm25 */
            if (idf <= 0.0) idf = 1e-6;
            ph[n++] = (phrase){.stem = st, .group = (int)g, .idf = idf};
        }
    }
    return n;
}

/* The posting of page in stem st's, or NULL. */
static const sr_hpost *posting(const sr_heads *h, long st, uint32_t page) {
    size_t a = h->stem_at[st], b = h->stem_at[st + 1];
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (h->post[mid].page < page) a = mid + 1;
        else b = mid;
    }
    return a < h->stem_at[st + 1] && h->post[a].page == page ? &h->post[a] : NULL;
}

/* bm25(fts, 10.0, 6.0, 3.0, 1.0) of a page for these phrases, computed as
 * fts5_aux.c does (k1 1.2, b 0.75), with the instances the column filter
 * leaves: the title's and the keywords'. */
static double bm25_of(const sr_heads *h, const phrase *ph, int n, uint32_t page) {
    const double k1 = 1.2, b = 0.75;
    double D = (double)h->len[page], score = 0.0;
    for (int i = 0; i < n; i++) {
        double f = 0.0;
        const sr_hpost *p = ph[i].stem >= 0 ? posting(h, ph[i].stem, page) : NULL;
        if (p) f = 10.0 * p->title + 6.0 * p->kw;
        score += ph[i].idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * D / h->avgdl)));
    }
    return -1.0 * score;
}

typedef struct hit {
    uint32_t page;
    double r; /* bm25 as FTS5 returns it: lower is better */
} hit;

static int cmp_hit_page(const void *a, const void *b) {
    const hit *x = a, *y = b;
    return x->page < y->page ? -1 : x->page > y->page;
}

static int cmp_hit_rank(const void *a, const void *b) {
    const hit *x = a, *y = b;
    if (x->r != y->r) return x->r < y->r ? -1 : 1;
    return x->page < y->page ? -1 : x->page > y->page;
}

/* The pages holding, in title or keywords, a phrase of every group of
 * mask, by page; their count. *out is malloc'd. */
static size_t matching_pages(sr_heads *h, const phrase *ph, int n, uint32_t mask, hit **out) {
    size_t n_hit = 0, cap = 0;
    hit *hits = NULL;
    for (int i = 0; i < n; i++) {
        if (ph[i].stem < 0) continue;
        for (uint32_t k = h->stem_at[ph[i].stem]; k < h->stem_at[ph[i].stem + 1]; k++) {
            uint32_t page = h->post[k].page;
            if (!h->mark[page]) {
                if (n_hit == cap) hits = ks_realloc(hits, (cap = cap ? cap * 2 : 256) * sizeof *hits);
                hits[n_hit++].page = page;
            }
            h->mark[page] |= 1u << ph[i].group;
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < n_hit; i++) {
        if ((h->mark[hits[i].page] & mask) == mask) hits[kept++] = hits[i];
        h->mark[hits[i].page] = 0;
    }
    if (kept > 1) qsort(hits, kept, sizeof *hits, cmp_hit_page);
    *out = hits;
    return kept;
}

int sr_heads_match(ks_search *s, const sr_plan *plan, uint32_t mask, unsigned flags, size_t limit,
                   ks_index_match_fn fn, void *ctx) {
    sr_heads *h = &s->heads;
    phrase ph[MAX_PHRASES];
    hit *hits = NULL;
    if (!h->ready) return 0;
    int n = phrases_of(s, plan, mask, ph);
    if (n <= 0) return 0;
    uint32_t need = 0;
    for (int i = 0; i < n; i++) need |= 1u << ph[i].group;
    size_t n_hit = matching_pages(h, ph, n, need, &hits);
    int scored = (flags & (KS_INDEX_MATCH_RANKED | KS_INDEX_MATCH_SCORED)) != 0;
    for (size_t i = 0; i < n_hit; i++) hits[i].r = scored ? bm25_of(h, ph, n, hits[i].page) : 0.0;
    if ((flags & KS_INDEX_MATCH_RANKED) && n_hit > 1) qsort(hits, n_hit, sizeof *hits, cmp_hit_rank);
    for (size_t i = 0; i < n_hit && i < limit; i++)
        if (fn(ctx, s->pages[hits[i].page].id, -hits[i].r)) break;
    free(hits);
    return 1;
}
