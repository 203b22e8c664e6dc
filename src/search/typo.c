/* typo: vocabulary look-ups, stop words and the bounded edit distance that
 * finds what a patient meant ("ligamnet" -> "ligament"). */
#include "search_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_key(const void *key, const void *elem) {
    return strcmp((const char *)key, ((const sr_word *)elem)->word);
}

const sr_word *sr_vocab_find(const sr_vocab *v, const char *word) {
    if (!v->n) return NULL;
    return bsearch(word, v->w, v->n, sizeof *v->w, cmp_key);
}

void sr_vocab_prefix_range(const sr_vocab *v, const char *prefix, size_t *lo, size_t *hi) {
    size_t plen = strlen(prefix), a = 0, b = v->n;
    while (a < b) { /* first word >= prefix */
        size_t mid = a + (b - a) / 2;
        if (strcmp(v->w[mid].word, prefix) < 0) a = mid + 1;
        else b = mid;
    }
    *lo = a;
    b = v->n;
    size_t c = a;
    while (c < b) { /* first word after the words starting with prefix */
        size_t mid = c + (b - c) / 2;
        if (strncmp(v->w[mid].word, prefix, plen) <= 0) c = mid + 1;
        else b = mid;
    }
    *hi = c;
}

int sr_typo_budget(size_t len) {
    return len <= 4 ? 0 : len <= 8 ? 1 : 2;
}

int sr_typo_distance(const char *a, size_t m, const char *b, size_t n, int k, int prefix) {
    int rows[3][SR_WORD_CAP + 2];
    int *pp, *prev, *cur;
    int first = (m && n && a[0] != b[0]) ? 1 : 0; /* a wrong first letter costs one more */
    int bound = k - first;
    if (bound < 0 || m >= SR_WORD_CAP) return k + 1;
    if (prefix && n > m + (size_t)bound) n = m + (size_t)bound;
    if (n >= SR_WORD_CAP) return k + 1;
    if (!prefix && (m > n + (size_t)bound || n > m + (size_t)bound)) return k + 1;
    pp = rows[0];
    prev = rows[1];
    cur = rows[2];
    for (size_t j = 0; j <= n; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= m; i++) {
        int row_min;
        cur[0] = (int)i;
        row_min = cur[0];
        for (size_t j = 1; j <= n; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = prev[j - 1] + cost;
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < row_min) row_min = v;
        }
        if (row_min > bound) return k + 1;
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    int d = prev[n];
    if (prefix)
        for (size_t j = 0; j <= n; j++)
            if (prev[j] < d) d = prev[j];
    d += first;
    return d > k ? k + 1 : d;
}

static void consider(sr_candidate *out, size_t *count, size_t max, const sr_word *w, int d) {
    size_t i = *count;
    /* insertion sort by (dist asc, df desc), keeping the best max */
    if (i == max) {
        const sr_candidate *last = &out[max - 1];
        if (d > last->dist || (d == last->dist && w->df <= last->df)) return;
        i = max - 1;
    } else {
        (*count)++;
    }
    while (i > 0 && (out[i - 1].dist > d || (out[i - 1].dist == d && out[i - 1].df < w->df))) {
        out[i] = out[i - 1];
        i--;
    }
    out[i].word = w->word;
    out[i].dist = d;
    out[i].df = w->df;
}

/* Candidates by walking the sorted vocabulary as a trie: one row of the
 * edit-distance table per letter of the candidate, shared by every word
 * with the same beginning, and a whole run of words skipped as soon as
 * their common beginning is already too far from the typed word (the row
 * minimum exceeds the budget). Only a small part of the vocabulary is
 * visited, whatever its size. */
size_t sr_typo_candidates(const sr_vocab *v, const char *word, size_t len, int prefix, sr_candidate *out,
                          size_t max) {
    enum { W = SR_WORD_CAP + 1 };
    int k = sr_typo_budget(len);
    size_t count = 0;
    if (k == 0 || max == 0 || len == 0 || len >= SR_WORD_CAP || v->n == 0) return 0;
    int rows[W + 1][W], pm[W + 1]; /* pm[d]: best distance to a beginning of b up to d letters */
    char cur[W];         /* the beginning whose rows are computed */
    size_t valid = 0;    /* rows[0..valid] are for cur[0..valid) */
    const size_t m = len;
    const size_t maxd = m + (size_t)k;
    for (size_t i = 0; i <= m; i++) rows[0][i] = (int)i;
    pm[0] = (int)m;
    size_t i = 0;
    while (i < v->n) {
        const sr_word *w = &v->w[i];
        const char *b = w->word;
        size_t bl = w->len < maxd ? w->len : maxd;
        int bound = k - (b[0] != word[0] ? 1 : 0);
        if (bound < 0 || (!prefix && (w->len + (size_t)bound < m || w->len > m + (size_t)bound))) {
            /* cannot be within budget; but its beginning may still serve
             * the next words, so only move on */
            if (bound < 0) { /* every word with this first letter */
                char f[2] = {b[0], '\0'};
                size_t lo, hi;
                sr_vocab_prefix_range(v, f, &lo, &hi);
                i = hi > i ? hi : i + 1;
                valid = 0;
                continue;
            }
        }
        size_t l = 0;
        while (l < valid && l < bl && cur[l] == b[l]) l++;
        int pruned = 0;
        size_t d;
        for (d = l + 1; d <= bl; d++) {
            int *r = rows[d], *p = rows[d - 1];
            int mn;
            char c = b[d - 1];
            cur[d - 1] = c;
            r[0] = (int)d;
            mn = r[0];
            for (size_t j = 1; j <= m; j++) {
                int x = p[j - 1] + (c == word[j - 1] ? 0 : 1);
                if (p[j] + 1 < x) x = p[j] + 1;
                if (r[j - 1] + 1 < x) x = r[j - 1] + 1;
                if (d > 1 && j > 1 && c == word[j - 2] && b[d - 2] == word[j - 1] && rows[d - 2][j - 2] + 1 < x)
                    x = rows[d - 2][j - 2] + 1;
                r[j] = x;
                if (x < mn) mn = x;
            }
            pm[d] = pm[d - 1] < r[m] ? pm[d - 1] : r[m];
            valid = d;
            if (mn > bound && (!prefix || pm[d] > bound)) {
                pruned = 1;
                break;
            }
        }
        if (pruned) { /* skip every word starting with b[0..d) */
            char pre[W];
            memcpy(pre, b, d);
            pre[d] = '\0';
            size_t lo, hi;
            sr_vocab_prefix_range(v, pre, &lo, &hi);
            valid = d - 1;
            i = hi > i ? hi : i + 1;
            continue;
        }
        int dist;
        if (prefix) {
            dist = pm[bl];
        } else {
            dist = w->len <= maxd ? rows[w->len][m] : k + 1;
        }
        dist += b[0] != word[0] ? 1 : 0;
        if (dist <= k && dist > 0) consider(out, &count, max, w, dist);
        i++;
    }
    return count;
}

static int cmp_complete(const void *a, const void *b) {
    return strcmp(((const sr_complete *)a)->prefix, ((const sr_complete *)b)->prefix);
}

void sr_complete_build(ks_search *s) {
    const sr_vocab *v = &s->vocab;
    size_t cap = 0;
    s->complete = NULL;
    s->n_complete = 0;
    for (size_t L = 1; L <= 3; L++) {
        size_t i = 0;
        while (i < v->n) {
            if (v->w[i].len < L) {
                i++;
                continue;
            }
            size_t j = i + 1;
            while (j < v->n && v->w[j].len >= L && memcmp(v->w[j].word, v->w[i].word, L) == 0) j++;
            sr_complete c = {0};
            memcpy(c.prefix, v->w[i].word, L);
            for (size_t x = i; x < j; x++) {
                const sr_word *w = &v->w[x];
                if (w->stop) continue;
                uint64_t key = (uint64_t)w->hdf * 4 + w->df;
                size_t at = c.n < SR_COMPLETE_MAX ? c.n++ : SR_COMPLETE_MAX;
                if (at == SR_COMPLETE_MAX) {
                    const sr_word *last = &v->w[c.idx[SR_COMPLETE_MAX - 1]];
                    if (key <= (uint64_t)last->hdf * 4 + last->df) continue;
                    at = SR_COMPLETE_MAX - 1;
                }
                while (at > 0 && (uint64_t)v->w[c.idx[at - 1]].hdf * 4 + v->w[c.idx[at - 1]].df < key) {
                    c.idx[at] = c.idx[at - 1];
                    at--;
                }
                c.idx[at] = (uint32_t)x;
            }
            if (c.n) {
                if (s->n_complete == cap) s->complete = ks_realloc(s->complete, (cap = cap ? cap * 2 : 256) * sizeof *s->complete);
                s->complete[s->n_complete++] = c;
            }
            i = j;
        }
    }
    if (s->n_complete > 1) qsort(s->complete, s->n_complete, sizeof *s->complete, cmp_complete);
}

const sr_complete *sr_complete_find(const ks_search *s, const char *prefix) {
    sr_complete key = {0};
    size_t n = strlen(prefix);
    if (n == 0 || n > 3 || !s->n_complete) return NULL;
    memcpy(key.prefix, prefix, n);
    return bsearch(&key, s->complete, s->n_complete, sizeof *s->complete, cmp_complete);
}

/* Short English function words and question words that carry no topic. */
static const char *const stop_words[] = {
    "a", "about", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "get",
    "got", "had", "has", "have", "having", "he", "her", "him", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "me", "might", "much", "must", "my", "of", "on", "or", "our", "she", "should", "so",
    "some", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "to", "too", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why",
    "will", "with", "would", "you", "your",
};

static int cmp_stop(const void *key, const void *elem) {
    return strcmp((const char *)key, *(const char *const *)elem);
}

int sr_is_stop_word(const char *w) {
    return bsearch(w, stop_words, sizeof stop_words / sizeof stop_words[0], sizeof stop_words[0], cmp_stop) !=
           NULL;
}
