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

/* The entry of w (whose hash_of is hash) in t, or -1. */
static long tab_find_h(const sr_strtab *t, const char *w, size_t n, uint32_t hash) {
    if (!t->n_slot) return -1;
    for (size_t i = hash & (t->n_slot - 1);; i = (i + 1) & (t->n_slot - 1)) {
        uint32_t v = t->slot[i];
        if (!v) return -1;
        const char *e = t->pool.data + t->off[v - 1];
        if (memcmp(e, w, n) == 0 && e[n] == '\0') return (long)(v - 1);
    }
}

static long tab_find(const sr_strtab *t, const char *w, size_t n) {
    return tab_find_h(t, w, n, hash_of(w, n));
}

static void tab_grow(sr_strtab *t) {
    size_t n = t->n_slot ? t->n_slot * 2 : 4096;
    uint32_t *slot = ks_calloc(n, sizeof *slot);
    for (size_t k = 0; k < t->n; k++) {
        const char *e = t->pool.data + t->off[k];
        size_t i = hash_of(e, strlen(e)) & (n - 1);
        while (slot[i]) i = (i + 1) & (n - 1);
        slot[i] = (uint32_t)k + 1;
    }
    free(t->slot);
    t->slot = slot;
    t->n_slot = n;
}

/* The entry of w in t, added (with value val) when new. */
static uint32_t tab_add(sr_strtab *t, const char *w, size_t n, uint32_t val) {
    long at = tab_find(t, w, n);
    if (at >= 0) return (uint32_t)at;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4096;
        t->off = ks_realloc(t->off, t->cap * sizeof *t->off);
        t->val = ks_realloc(t->val, t->cap * sizeof *t->val);
    }
    t->off[t->n] = (uint32_t)t->pool.len;
    t->val[t->n] = val;
    ks_buf_append(&t->pool, w, n);
    ks_buf_append(&t->pool, "", 1);
    t->n++;
    if (t->n * 2 > t->n_slot) tab_grow(t);
    else {
        size_t i = hash_of(w, n) & (t->n_slot - 1);
        while (t->slot[i]) i = (i + 1) & (t->n_slot - 1);
        t->slot[i] = (uint32_t)t->n;
    }
    return (uint32_t)(t->n - 1);
}

static void tab_free(sr_strtab *t) {
    ks_buf_free(&t->pool);
    free(t->off);
    free(t->val);
    free(t->slot);
    memset(t, 0, sizeof *t);
}

/* What unicode61 makes of an ASCII byte: the letter folded to lower
 * case, the digit, or 0 for a separator. */
static inline unsigned char fold_ascii(unsigned char c) {
    unsigned char l = c | 0x20;
    return (unsigned)(l - 'a') < 26u ? l : (unsigned)(c - '0') < 10u ? c : 0;
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
    h->node[h->n_node++] = (sr_hnode){.stem = tab_add(&h->stems, token, len, 0), .page = k->page, .col = k->col};
}

/* The tokens of text into the map: FTS5's tokenizer, but for plain ASCII
 * (what unicode61 makes of it is the runs of letters and digits, folded
 * to lower case) each distinct word is stemmed once, not every time:
 * a quarter of the work of opening the handle. */
static void add_text(ks_search *s, add_ctx *k, const char *text) {
    sr_heads *h = &s->heads;
    size_t len = strlen(text), from = h->n_node;
    for (size_t i = 0; i < len;) {
        char w[SR_WORD_CAP];
        size_t n = 0, at;
        uint32_t hash = 2166136261u; /* hash_of, as the word is read */
        unsigned char c = 0, f;
        while (i < len && (c = (unsigned char)text[i]) < 0x80 && !fold_ascii(c)) i++;
        for (at = i; i < len && (c = (unsigned char)text[i]) < 0x80 && (f = fold_ascii(c)) != 0; i++)
            if (n < sizeof w) {
                w[n++] = (char)f;
                hash = (hash ^ f) * 16777619u;
            }
        if (i < len && c >= 0x80) { /* not plain ASCII: all of it as FTS5 does */
            h->n_node = from;
            ks_index_reader_tokens(s->rd, text, len, 0, add_token, k);
            return;
        }
        if (i == at) break;
        if (i - at > sizeof w) { /* long: as FTS5 does it */
            ks_index_reader_tokens(s->rd, text + at, i - at, 0, add_token, k);
            continue;
        }
        long e = tab_find_h(&h->words, w, n, hash);
        if (e < 0) {
            size_t before = h->n_node;
            ks_index_reader_tokens(s->rd, w, n, 0, add_token, k);
            if (h->n_node == before + 1) tab_add(&h->words, w, n, h->node[before].stem);
            continue;
        }
        if (h->n_node == h->cap_node)
            h->node = ks_realloc(h->node, (h->cap_node = h->cap_node ? h->cap_node * 2 : 16384) * sizeof *h->node);
        h->node[h->n_node++] = (sr_hnode){.stem = h->words.val[e], .page = k->page, .col = k->col};
    }
}

void sr_heads_add(ks_search *s, uint32_t page, const char *title, const char *keywords) {
    add_ctx k = {&s->heads, page, 0};
    if (ks_index_reader_tokens(s->rd, "", 0, 0, NULL, NULL) < 0) return; /* no tokenizer: FTS5 answers */
    add_text(s, &k, title);
    k.col = 1;
    add_text(s, &k, keywords);
}

int sr_heads_finish(ks_search *s) {
    sr_heads *h = &s->heads;
    int64_t tokens = 0;
    h->len = ks_calloc(s->n_pages + 1, sizeof *h->len);
    h->mark = ks_calloc(s->n_pages + 1, sizeof *h->mark);
    int rc = ks_index_reader_sizes(s->rd, &h->rows, &tokens);
    tab_free(&h->words);
    if (rc != 0) return rc;
    /* the postings: count each stem's pages, then fill in page order
     * (the nodes came page by page) */
    uint32_t *last = ks_calloc(h->stems.n + 1, sizeof *last);
    h->stem_at = ks_calloc(h->stems.n + 1, sizeof *h->stem_at);
    for (size_t i = 0; i < h->n_node; i++) {
        const sr_hnode *d = &h->node[i];
        if (last[d->stem] != d->page + 1) h->stem_at[d->stem + 1]++;
        last[d->stem] = d->page + 1;
    }
    for (size_t i = 0; i < h->stems.n; i++) h->stem_at[i + 1] += h->stem_at[i];
    h->post = ks_calloc(h->stem_at[h->stems.n] + 1, sizeof *h->post);
    memcpy(last, h->stem_at, h->stems.n * sizeof *last); /* now: where the next posting goes */
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
    tab_free(&h->stems);
    tab_free(&h->words);
    free(h->stem_at);
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
            long st = tab_find(&h->stems, t.w, t.len);
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
static double bm25_of(ks_search *s, const phrase *ph, int n, uint32_t page) {
    const double k1 = 1.2, b = 0.75;
    sr_heads *h = &s->heads;
    if (!h->len[page]) { /* read once: reading all 17,825 at open was a twentieth of it */
        int64_t t = ks_index_reader_size(s->rd, s->pages[page].id);
        h->len[page] = t < 0 ? 1 : t >= UINT32_MAX ? UINT32_MAX : (uint32_t)t + 1;
    }
    double D = (double)(h->len[page] - 1), score = 0.0;
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
    for (size_t i = 0; i < n_hit; i++) hits[i].r = scored ? bm25_of(s, ph, n, hits[i].page) : 0.0;
    if ((flags & KS_INDEX_MATCH_RANKED) && n_hit > 1) qsort(hits, n_hit, sizeof *hits, cmp_hit_rank);
    for (size_t i = 0; i < n_hit && i < limit; i++)
        if (fn(ctx, s->pages[hits[i].page].id, -hits[i].r)) break;
    free(hits);
    return 1;
}
