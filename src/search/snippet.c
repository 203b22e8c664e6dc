/* snippet: about 20 words of a page around the best match, with the byte
 * ranges of the matched words. Done here rather than with FTS5 snippet():
 * one pass of the word splitter over the plain text is several times
 * cheaper than FTS5's re-tokenising with Porter, and it runs for every
 * result on every keystroke. Words match a term exactly, by a light
 * suffix-stripping stem ("injections" ~ "injection" ~ "injected"), or as a
 * prefix for the word being typed. */
#include "search_int.h"

#include <stdlib.h>
#include <string.h>

#define SCAN_LIMIT (128 * 1024) /* bytes of a page looked at */

/* Length of w without a common English ending (keeping 3 letters). Runs
 * for every word of every snippet: the last letter rules most words out. */
size_t sr_stem_len(const char *w, size_t n) {
    static const struct {
        const char *s;
        size_t len;
    } suffixes[] = {{"ations", 6}, {"ation", 5}, {"ions", 4}, {"ion", 3}, {"ings", 4}, {"ing", 3}, {"ies", 3},
                    {"ied", 3},    {"ers", 3},   {"er", 2},   {"ed", 2},  {"es", 2},   {"ly", 2},  {"s", 1}};
    if (n < 4) return n;
    char last = w[n - 1];
    if (last != 's' && last != 'n' && last != 'g' && last != 'd' && last != 'r' && last != 'y') return n;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = suffixes[i].len;
        if (suffixes[i].s[k - 1] != last || n < k + 3 || memcmp(w + n - k, suffixes[i].s, k) != 0) continue;
        if (k == 1 && w[n - 2] == 's') return n; /* "less", "process" */
        return n - k;
    }
    return n;
}

size_t sr_plan_terms(const sr_plan *plan, sr_term *out, size_t max) {
    size_t n = 0;
    for (size_t g = 0; g < plan->n_groups; g++)
        for (size_t a = 0; a < plan->groups[g].n_alt; a++) {
            const sr_alt *alt = &plan->groups[g].alt[a];
            const char *t = alt->text;
            while (*t && n < max) {
                const char *e = strchr(t, ' ');
                size_t len = e ? (size_t)(e - t) : strlen(t);
                char w[SR_WORD_CAP];
                if (len && len < SR_WORD_CAP) {
                    memcpy(w, t, len);
                    w[len] = '\0';
                }
                /* the stop words of a phrase ("can i have it") would light
                 * up everywhere */
                /* nor does a one-letter prefix ("o" is not "of", "on", "or") */
                if (len && len < SR_WORD_CAP && !(strchr(alt->text, ' ') && sr_is_stop_word(w)) &&
                    !(alt->prefix && !e && len < 2)) {
                    sr_term *term = &out[n++];
                    memcpy(term->w, w, len + 1);
                    term->len = len;
                    term->prefix = alt->prefix && !e;
                    term->group = (int)g;
                    term->stem = sr_stem_len(term->w, len);
                }
                t += len + (e ? 1 : 0);
            }
        }
    return n;
}

/* The term w matches, or -1. first: the first bytes of the terms (every
 * way of matching compares a word's first byte, so a word starting with
 * another one is ruled out at once, as most words of a page are). */
static int match_term(const char *w, size_t n, const sr_term *terms, size_t n_terms, const uint8_t first[256]) {
    size_t st = 0;
    int stem_done = 0;
    if (!first[(unsigned char)w[0]]) return -1;
    for (size_t i = 0; i < n_terms; i++) {
        const sr_term *t = &terms[i];
        if (t->prefix && n >= t->len && memcmp(w, t->w, t->len) == 0) return (int)i;
        if (n == t->len && memcmp(w, t->w, n) == 0) return (int)i;
        if (!stem_done) {
            st = sr_stem_len(w, n);
            stem_done = 1;
        }
        if (st == t->stem && memcmp(w, t->w, st) == 0) return (int)i;
    }
    return -1;
}

/* A plain ASCII byte folded as the index's splitter folds it. */
static inline unsigned char ascii_fold(char ch) {
    unsigned char c = (unsigned char)ch;
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

typedef struct word_at {
    size_t start, end;
    int term; /* matched term, or -1 */
} word_at;

void sr_snippet(const char *text, size_t len, const sr_term *terms, size_t n_terms, size_t max_words,
                ks_search_hit *hit) {
    enum { MAX_SCAN_WORDS = 20000 };
    static const char ellipsis[] = "\xe2\x80\xa6";
    if (len > SCAN_LIMIT) { /* stop before the word the limit falls in */
        len = ks_utf8_floor(text, len, SCAN_LIMIT);
        while (len > 0 && text[len - 1] != ' ' && text[len - 1] != '\n') len--;
    }
    word_at *words = ks_malloc(sizeof *words * 256);
    size_t n = 0, cap = 256, pos = 0, k, s, e;
    char w[SR_WORD_CAP];
    uint8_t first[256] = {0};
    for (size_t i = 0; i < n_terms; i++) first[(unsigned char)terms[i].w[0]] = 1;
    while (n < MAX_SCAN_WORDS && pos < len) {
        unsigned char c = (unsigned char)text[pos];
        int term = -1;
        if (c < 0x80 && !ks_index_ascii_word[c]) { /* between words */
            pos++;
            continue;
        }
        s = pos;
        while (pos < len && (c = (unsigned char)text[pos]) < 0x80 && ks_index_ascii_word[c]) pos++;
        if (c >= 0x80 && pos < len) { /* not plain ASCII: the index's own splitter, from the word's start */
            pos = s;
            if ((k = ks_index_next_word(text, len, &pos, w, sizeof w, &s, &e)) == 0) break;
            term = match_term(w, k, terms, n_terms, first);
        } else { /* plain ASCII: folded only when its first letter could match */
            e = pos;
            if (first[ascii_fold(text[s])]) {
                k = e - s < sizeof w - 1 ? e - s : sizeof w - 1;
                for (size_t i = 0; i < k; i++) w[i] = (char)ascii_fold(text[s + i]);
                w[k] = '\0';
                term = match_term(w, k, terms, n_terms, first);
            }
        }
        if (n == cap) words = ks_realloc(words, sizeof *words * (cap *= 2));
        words[n].start = s;
        words[n].end = e;
        words[n].term = term;
        n++;
    }
    /* the window of max_words words with the most groups, then matches */
    size_t best = 0, win = max_words < n ? max_words : n;
    long best_score = -1;
    for (size_t i = 0; i + win <= n && n_terms; i++) {
        if (i > 0 && words[i - 1].term < 0 && words[i + win - 1].term < 0 && best_score >= 0) continue;
        unsigned long groups = 0;
        long matches = 0;
        for (size_t j = i; j < i + win; j++)
            if (words[j].term >= 0) {
                groups |= 1UL << (terms[words[j].term].group & 31);
                matches++;
            }
        long score = (long)__builtin_popcountl(groups) * 1000 + matches;
        if (score > best_score) {
            best_score = score;
            best = i;
        }
    }
    /* a little context before the first match */
    for (size_t j = best; j < best + win && j < n; j++) {
        if (words[j].term < 0) continue;
        if (j > best + 3) {
            size_t ns = j - 3;
            int lost = 0;
            for (size_t m = ns + win; m < best + win && m < n; m++) lost |= words[m].term >= 0;
            if (!lost && ns + win <= n) best = ns;
        }
        break;
    }
    ks_buf b = {0};
    ks_search_range *hl = NULL;
    size_t n_hl = 0;
    if (best > 0) ks_buf_puts(&b, ellipsis);
    for (size_t j = best; j < best + win; j++) {
        if (j > best) { /* the text between two words: punctuation kept, spaces collapsed */
            int space = 0, block = 0, punct = 0;
            for (size_t c = words[j - 1].end; c < words[j].start; c++) {
                unsigned char ch = (unsigned char)text[c];
                if (ch == '\n') space = block = 1;
                else if (ch == ' ' || ch == '\t' || ch == '\r') space = 1;
                else if (ch < 0x20 || ch == 0x7f) continue;
                else {
                    if (space) ks_buf_putc(&b, ' ');
                    space = 0;
                    punct |= ch == '.' || ch == '!' || ch == '?' || ch == ':' || ch == ';';
                    ks_buf_putc(&b, (char)ch);
                }
            }
            /* a heading or list item ends without a full stop: mark where
             * one block ends and the next begins, so a list reads as one */
            if (block && !punct) ks_buf_puts(&b, " \xc2\xb7 ");
            else if (space) ks_buf_putc(&b, ' ');
        }
        size_t at = b.len;
        ks_buf_append(&b, text + words[j].start, words[j].end - words[j].start);
        if (words[j].term >= 0) {
            hl = ks_realloc(hl, (n_hl + 1) * sizeof *hl);
            hl[n_hl].start = at;
            hl[n_hl].end = b.len;
            n_hl++;
        }
    }
    if (win > 0) { /* closing punctuation right after the last word */
        size_t c = words[best + win - 1].end;
        while (c < len && strchr(".,;:!?)\"'", text[c]) && text[c]) ks_buf_putc(&b, text[c++]);
        if (best + win < n) ks_buf_puts(&b, ellipsis);
    }
    free(words);
    /* invalid UTF-8 in the page text never reaches a snippet: words are
     * whole sequences, and gaps only keep ASCII and valid sequences */
    if (b.len && !ks_utf8_valid(b.data, b.len, NULL)) {
        ks_buf clean = {0};
        for (size_t i = 0; i < b.len;) {
            uint32_t cp;
            size_t step = ks_utf8_decode(b.data + i, b.len - i, &cp);
            if (!(cp == 0xFFFD && step == 1)) ks_buf_append(&clean, b.data + i, step);
            i += step;
        }
        ks_buf_free(&b);
        b = clean;
        n_hl = 0; /* offsets moved: drop the marks rather than mislead */
    }
    hit->snippet = ks_buf_detach(&b);
    hit->highlights = hl;
    hit->n_highlights = n_hl;
}
