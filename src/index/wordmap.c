/* wordmap: an open-addressing string map with two counters, used to count
 * each page's distinct words into vocabulary deltas. */
#include "index_int.h"

#include "kiosk/base.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_bytes(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static void grow(ix_wordmap *m) {
    size_t ncap = m->cap ? m->cap * 2 : 256;
    ix_word *ns = ks_calloc(ncap, sizeof *ns);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].word) continue;
        size_t j = hash_bytes(m->slots[i].word, strlen(m->slots[i].word)) & (ncap - 1);
        while (ns[j].word) j = (j + 1) & (ncap - 1);
        ns[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
}

ix_word *ix_wordmap_add(ix_wordmap *m, const char *word, size_t len, int ddf, int dhdf) {
    if ((m->n + 1) * 2 > m->cap) grow(m);
    size_t j = hash_bytes(word, len) & (m->cap - 1);
    while (m->slots[j].word) {
        if (strncmp(m->slots[j].word, word, len) == 0 && m->slots[j].word[len] == '\0') break;
        j = (j + 1) & (m->cap - 1);
    }
    ix_word *w = &m->slots[j];
    if (!w->word) {
        w->word = ks_strndup(word, len);
        w->df = 0;
        w->hdf = 0;
        m->n++;
    }
    w->df += ddf;
    w->hdf += dhdf;
    return w;
}

void ix_wordmap_clear(ix_wordmap *m) {
    if (m->n == 0) return;
    for (size_t i = 0; i < m->cap; i++) {
        free(m->slots[i].word);
        m->slots[i].word = NULL;
    }
    m->n = 0;
}

void ix_wordmap_free(ix_wordmap *m) {
    if (!m) return;
    ix_wordmap_clear(m);
    free(m->slots);
    m->slots = NULL;
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
    for (size_t i = 0; i < page->cap; i++) {
        const ix_word *e = &page->slots[i];
        if (e->word) ix_wordmap_add(vocab, e->word, strlen(e->word), sign * e->df, sign * e->hdf);
    }
}
