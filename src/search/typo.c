/* typo: vocabulary look-ups, stop words and the bounded edit distance that
 * finds what a patient meant ("ligamnet" -> "ligament"). */
#include "search_int.h"

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

size_t sr_typo_candidates(const sr_vocab *v, const char *word, size_t len, int prefix, sr_candidate *out,
                          size_t max) {
    int k = sr_typo_budget(len);
    size_t count = 0;
    if (k == 0 || max == 0 || len == 0) return 0;
    if (k == 1) {
        /* a different first letter already costs 2: only words starting
         * with the same letter can be within 1 */
        char first[2] = {word[0], '\0'};
        size_t lo, hi;
        sr_vocab_prefix_range(v, first, &lo, &hi);
        for (size_t i = lo; i < hi; i++) {
            const sr_word *w = &v->w[i];
            if (!prefix && (w->len + 1 < len || w->len > len + 1)) continue;
            if (prefix && w->len + 1 < len) continue;
            int d = sr_typo_distance(word, len, w->word, w->len, k, prefix);
            if (d <= k && d > 0) consider(out, &count, max, w, d);
        }
        return count;
    }
    for (size_t i = 0; i < v->n; i++) {
        const sr_word *w = &v->w[i];
        if (!prefix && (w->len + 2 < len || w->len > len + 2)) continue;
        if (prefix && w->len + 2 < len) continue;
        if (w->word[0] != word[0] && w->len >= 2 && len >= 2 && w->word[1] != word[1] &&
            w->word[1] != word[0] && w->word[0] != word[1])
            continue; /* two edits spent on the first letters already */
        int d = sr_typo_distance(word, len, w->word, w->len, k, prefix);
        if (d <= k && d > 0) consider(out, &count, max, w, d);
    }
    return count;
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
