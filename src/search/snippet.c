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

/* The first of the terms listed in which[0..n_which) (ascending) that w
 * (len n) matches, or -1: exactly, as a prefix for the word being typed,
 * or by its stem. Every way compares the first byte, so only the terms
 * that start as w does need to be listed. */
static int match_term(const char *w, size_t n, const sr_term *terms, const uint8_t *which, size_t n_which) {
    size_t st = 0;
    int stem_done = 0;
    for (size_t k = 0; k < n_which; k++) {
        const sr_term *t = &terms[which[k]];
        if (t->prefix && n >= t->len && memcmp(w, t->w, t->len) == 0) return which[k];
        if (n == t->len && memcmp(w, t->w, n) == 0) return which[k];
        if (!stem_done) {
            st = sr_stem_len(w, n);
            stem_done = 1;
        }
        if (st == t->stem && memcmp(w, t->w, st) == 0) return which[k];
    }
    return -1;
}

/* A plain ASCII byte folded as the index's splitter folds it. */
static inline unsigned char ascii_fold(char ch) {
    unsigned char c = (unsigned char)ch;
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

void sr_split_free(sr_split *sp) {
    free(sp->own);
    free(sp->w);
    free(sp->by_first);
    memset(sp, 0, sizeof *sp);
}

void sr_texts_free(sr_texts *t) {
    if (!t) return;
    for (size_t i = 0; i < SR_TEXTS; i++) sr_split_free(&t->sp[i]);
    memset(t, 0, sizeof *t);
}

void sr_split_text(const char *text, size_t len, int copy, sr_split *sp) {
    enum { MAX_SCAN_WORDS = 20000 };
    size_t n = 0, cap = 256, pos = 0, k, s, e;
    char w[SR_WORD_CAP];
    if (len > SCAN_LIMIT) { /* stop before the word the limit falls in */
        len = ks_utf8_floor(text, len, SCAN_LIMIT);
        while (len > 0 && text[len - 1] != ' ' && text[len - 1] != '\n') len--;
    }
    memset(sp, 0, sizeof *sp);
    if (copy) {
        sp->own = ks_malloc(len + 1);
        memcpy(sp->own, text, len);
        sp->own[len] = '\0';
        text = sp->own;
    }
    sr_word_at *words = ks_malloc(sizeof *words * cap);
    while (n < MAX_SCAN_WORDS && pos < len) {
        unsigned char c = (unsigned char)text[pos];
        uint8_t fb, slow = 0;
        if (c < 0x80 && !ks_index_ascii_word[c]) { /* between words */
            pos++;
            continue;
        }
        s = pos;
        while (pos < len && (c = (unsigned char)text[pos]) < 0x80 && ks_index_ascii_word[c]) pos++;
        if (c >= 0x80 && pos < len) { /* not plain ASCII: the index's own splitter, from the word's start */
            pos = s;
            if ((k = ks_index_next_word(text, len, &pos, w, sizeof w, &s, &e)) == 0) break;
            fb = (uint8_t)w[0];
            slow = 1;
        } else { /* plain ASCII: its folded form is its bytes, folded */
            e = pos;
            fb = ascii_fold(text[s]);
        }
        if (n == cap) words = ks_realloc(words, sizeof *words * (cap *= 2));
        words[n++] = (sr_word_at){.start = (uint32_t)s, .end = (uint32_t)e, .first = fb, .slow = slow};
    }
    sp->text = text;
    sp->len = len;
    sp->w = words;
    sp->n = n;
    /* the words by their first letter, each letter's in text order */
    sp->by_first = ks_malloc((n + 257) * sizeof *sp->by_first);
    sp->first_at = sp->by_first + n;
    uint32_t at[257] = {0};
    for (size_t i = 0; i < n; i++) at[words[i].first + 1]++;
    for (int f = 0; f < 256; f++) at[f + 1] += at[f];
    memcpy(sp->first_at, at, sizeof at);
    for (size_t i = 0; i < n; i++) sp->by_first[at[words[i].first]++] = (uint32_t)i;
}

void sr_snippet(const char *text, size_t len, const sr_term *terms, size_t n_terms, size_t max_words,
                ks_search_hit *hit) {
    sr_split sp;
    sr_split_text(text, len, 0, &sp);
    sr_snippet_of(&sp, terms, n_terms, max_words, hit);
    sr_split_free(&sp);
}

/* A word of a split text that matches a term. */
typedef struct matched {
    uint32_t word; /* its index in the split */
    int term;
} matched;

static int cmp_matched(const void *a, const void *b) {
    const matched *x = a, *y = b;
    return x->word < y->word ? -1 : x->word > y->word;
}

/* The words of sp that match a term, in text order: only the words whose
 * first letter is some term's are folded and compared (every way of
 * matching compares it). Returns the count; *out is malloc'd. */
static size_t match_words(const sr_split *sp, const sr_term *terms, size_t n_terms, matched **out) {
    char w[SR_WORD_CAP];
    uint8_t first[256] = {0};
    size_t n = 0, cap = 0;
    matched *m = NULL;
    for (size_t i = 0; i < n_terms; i++) first[(unsigned char)terms[i].w[0]] = 1;
    for (unsigned f = 0; f < 256; f++) {
        uint8_t which[256];
        size_t n_which = 0;
        if (!first[f]) continue;
        for (size_t i = 0; i < n_terms && i < sizeof which; i++)
            if ((unsigned char)terms[i].w[0] == f) which[n_which++] = (uint8_t)i;
        for (uint32_t k = sp->first_at[f]; k < sp->first_at[f + 1]; k++) {
            const sr_word_at *a = &sp->w[sp->by_first[k]];
            size_t len = 0, pos = a->start;
            if (a->slow) {
                len = ks_index_next_word(sp->text, sp->len, &pos, w, sizeof w, NULL, NULL);
            } else {
                len = a->end - a->start < sizeof w - 1 ? a->end - a->start : sizeof w - 1;
                for (size_t j = 0; j < len; j++) w[j] = (char)ascii_fold(sp->text[a->start + j]);
                w[len] = '\0';
            }
            int t = len && (unsigned char)w[0] == f ? match_term(w, len, terms, which, n_which) : -1;
            if (t < 0) continue;
            if (n == cap) m = ks_realloc(m, (cap = cap ? cap * 2 : 64) * sizeof *m);
            m[n++] = (matched){.word = sp->by_first[k], .term = t};
        }
    }
    if (n > 1) qsort(m, n, sizeof *m, cmp_matched);
    *out = m;
    return n;
}

/* The first of m[0..n) at word `from` or after. */
static size_t first_match(const matched *m, size_t n, size_t from) {
    size_t a = 0, b = n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (m[mid].word < from) a = mid + 1;
        else b = mid;
    }
    return a;
}

/* Where the window of win words with the most groups (then matches)
 * starts among n words, the earliest such; then a little context before
 * its first match. Only a window with a match at its edge can score other
 * than the one before it, so those alone are scored. */
static size_t best_window(const matched *m, size_t nm, const sr_term *terms, size_t n, size_t win) {
    size_t best = 0;
    long best_score = -1;
    for (size_t c = 0; c <= 2 * nm; c++) { /* 0, then m+1 and m-win+1 for each match, in order */
        size_t i = 0;
        if (c > 0) {
            const matched *x = &m[(c - 1) / 2];
            if ((c - 1) % 2 == 0) {
                if (x->word + 1 < win) continue;
                i = x->word + 1 - win;
            } else {
                i = x->word + 1;
            }
        }
        if (i + win > n || (c > 0 && i == 0)) continue;
        unsigned long groups = 0;
        long matches = 0;
        for (size_t k = first_match(m, nm, i); k < nm && m[k].word < i + win; k++) {
            groups |= 1UL << (terms[m[k].term].group & 31);
            matches++;
        }
        long score = (long)__builtin_popcountl(groups) * 1000 + matches;
        if (score > best_score || (score == best_score && i < best)) {
            best_score = score;
            best = i;
        }
    }
    size_t k = first_match(m, nm, best); /* a little context before the first match */
    if (k < nm && m[k].word < best + win && m[k].word < n && m[k].word > best + 3) {
        size_t ns = m[k].word - 3, l = first_match(m, nm, ns + win);
        int lost = l < nm && m[l].word < best + win && m[l].word < n;
        if (!lost && ns + win <= n) best = ns;
    }
    return best;
}

/* The text between two words into b: punctuation kept, spaces collapsed,
 * and " · " where one block (a heading, a list item) ends without a full
 * stop and the next begins, so a list reads as one. */
static void put_gap(ks_buf *b, const char *text, size_t from, size_t to) {
    int space = 0, block = 0, punct = 0;
    for (size_t c = from; c < to; c++) {
        unsigned char ch = (unsigned char)text[c];
        if (ch == '\n') space = block = 1;
        else if (ch == ' ' || ch == '\t' || ch == '\r') space = 1;
        else if (ch < 0x20 || ch == 0x7f) continue;
        else {
            if (space) ks_buf_putc(b, ' ');
            space = 0;
            punct |= ch == '.' || ch == '!' || ch == '?' || ch == ':' || ch == ';';
            ks_buf_putc(b, (char)ch);
        }
    }
    if (block && !punct) ks_buf_puts(b, " \xc2\xb7 ");
    else if (space) ks_buf_putc(b, ' ');
}

void sr_snippet_of(const sr_split *sp, const sr_term *terms, size_t n_terms, size_t max_words, ks_search_hit *hit) {
    static const char ellipsis[] = "\xe2\x80\xa6";
    const char *text = sp->text;
    const sr_word_at *words = sp->w;
    size_t n = sp->n, len = sp->len, win = max_words < n ? max_words : n;
    matched *m = NULL;
    size_t nm = match_words(sp, terms, n_terms, &m);
    size_t best = best_window(m, nm, terms, n, win), k = first_match(m, nm, best);
    ks_buf b = {0};
    ks_search_range *hl = NULL;
    size_t n_hl = 0;
    if (best > 0) ks_buf_puts(&b, ellipsis);
    for (size_t j = best; j < best + win; j++) {
        if (j > best) put_gap(&b, text, words[j - 1].end, words[j].start);
        size_t at = b.len;
        ks_buf_append(&b, text + words[j].start, words[j].end - words[j].start);
        if (k < nm && m[k].word == j) {
            hl = ks_realloc(hl, (n_hl + 1) * sizeof *hl);
            hl[n_hl].start = at;
            hl[n_hl].end = b.len;
            n_hl++;
            k++;
        }
    }
    if (win > 0) { /* closing punctuation right after the last word */
        size_t c = words[best + win - 1].end;
        while (c < len && strchr(".,;:!?)\"'", text[c]) && text[c]) ks_buf_putc(&b, text[c++]);
        if (best + win < n) ks_buf_puts(&b, ellipsis);
    }
    free(m);
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
