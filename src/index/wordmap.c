/* wordmap: an open-addressing string map with two counters, used to count
 * each page's distinct words into vocabulary deltas.
 *
 * A sync of 15,000 pages counts about 4 million distinct (page, word)
 * pairs, so the per-page map never visits its empty slots (clearing walks
 * the list of occupied ones) and, when pooled, takes its keys from large
 * blocks rather than one malloc and free per word and page. */
#include "index_int.h"

#include "kiosk/base.h"

#include <stdlib.h>
#include <string.h>

/* Keys of a pooled map come from blocks of this size (a word is at most
 * 63 bytes: see add_text). */
#define POOL_BLOCK 16384

static uint32_t hash_bytes(const char *s, size_t len) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void grow(ix_wordmap *m) {
    size_t ncap = m->cap ? m->cap * 2 : 256;
    ix_word *ns = ks_calloc(ncap, sizeof *ns);
    /* half full at most, so the order list never outgrows ncap / 2 */
    uint32_t *order = ks_malloc(ncap / 2 * sizeof *order);
    for (size_t k = 0; k < m->n; k++) {
        const ix_word *w = &m->slots[m->order[k]];
        size_t j = w->hash & (ncap - 1);
        while (ns[j].word) j = (j + 1) & (ncap - 1);
        ns[j] = *w;
        order[k] = (uint32_t)j;
    }
    free(m->slots);
    free(m->order);
    m->slots = ns;
    m->order = order;
    m->cap = ncap;
}

static char *key_copy(ix_wordmap *m, const char *word, size_t len) {
    if (!m->pooled) return ks_strndup(word, len);
    char *k;
    if (m->n_pool == 0 || m->pool_used + len + 1 > POOL_BLOCK) {
        /* a new block (never smaller than POOL_BLOCK, so any may be kept) */
        size_t size = len + 1 > POOL_BLOCK ? len + 1 : POOL_BLOCK;
        m->pool = ks_realloc(m->pool, (m->n_pool + 1) * sizeof *m->pool);
        m->pool[m->n_pool++] = ks_malloc(size);
        m->pool_used = 0;
    }
    k = m->pool[m->n_pool - 1] + m->pool_used;
    memcpy(k, word, len);
    k[len] = '\0';
    m->pool_used += len + 1; /* past POOL_BLOCK for an outsized key: the block is full */
    return k;
}

/* The entry for word (hash h), inserted with zero counters when new. */
static ix_word *find_or_add(ix_wordmap *m, const char *word, size_t len, uint32_t h) {
    if ((m->n + 1) * 2 > m->cap) grow(m);
    size_t j = h & (m->cap - 1);
    ix_word *w;
    while ((w = &m->slots[j])->word) {
        if (w->hash == h && w->len == len && memcmp(w->word, word, len) == 0) return w;
        j = (j + 1) & (m->cap - 1);
    }
    w->word = key_copy(m, word, len);
    w->len = (uint32_t)len;
    w->hash = h;
    w->df = 0;
    w->hdf = 0;
    m->order[m->n++] = (uint32_t)j;
    return w;
}

ix_word *ix_wordmap_add(ix_wordmap *m, const char *word, size_t len, int ddf, int dhdf) {
    ix_word *w = find_or_add(m, word, len, hash_bytes(word, len));
    w->df += ddf;
    w->hdf += dhdf;
    return w;
}

void ix_wordmap_merge(ix_wordmap *to, const ix_wordmap *from) {
    for (size_t k = 0; k < from->n; k++) {
        const ix_word *e = &from->slots[from->order[k]];
        ix_word *w = find_or_add(to, e->word, e->len, e->hash);
        w->df += e->df;
        w->hdf += e->hdf;
    }
}

void ix_wordmap_clear(ix_wordmap *m) {
    for (size_t k = 0; k < m->n; k++) {
        ix_word *w = &m->slots[m->order[k]];
        if (!m->pooled) free(w->word);
        w->word = NULL;
    }
    m->n = 0;
    /* keep the first block for the next page */
    for (size_t i = 1; i < m->n_pool; i++) free(m->pool[i]);
    if (m->n_pool > 1) m->n_pool = 1;
    m->pool_used = 0;
}

void ix_wordmap_free(ix_wordmap *m) {
    if (!m) return;
    ix_wordmap_clear(m);
    for (size_t i = 0; i < m->n_pool; i++) free(m->pool[i]);
    free(m->pool);
    free(m->slots);
    free(m->order);
    m->pool = NULL;
    m->n_pool = 0;
    m->slots = NULL;
    m->order = NULL;
    m->cap = 0;
}

static void add_text(ix_wordmap *page, const char *text, int head) {
    char w[64];
    size_t pos = 0, len = strlen(text), n;
    while ((n = ks_index_next_word(text, len, &pos, w, sizeof w, NULL, NULL)) > 0) {
        ix_word *e = ix_wordmap_add(page, w, n, 0, 0);
        e->df = 1;
        if (head) e->hdf = 1;
    }
}

void ix_count_words(const ix_columns *cols, int sign, ix_wordmap *page, ix_wordmap *vocab) {
    ix_wordmap_clear(page);
    add_text(page, cols->title ? cols->title : "", 1);
    add_text(page, cols->keywords ? cols->keywords : "", 1);
    add_text(page, cols->head ? cols->head : "", 0);
    add_text(page, cols->body ? cols->body : "", 0);
    for (size_t k = 0; k < page->n; k++) {
        const ix_word *e = &page->slots[page->order[k]];
        ix_word *w = find_or_add(vocab, e->word, e->len, e->hash);
        w->df += sign * e->df;
        w->hdf += sign * e->hdf;
    }
}
