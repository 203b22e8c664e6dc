/* script: what of a document is spoken, in sentences with their ranges of
 * the document's text.
 *
 * Each text block (heading, paragraph, caption, code) is one range of
 * ks_doc_text(); it is cut into sentences after '.', '!', '?' or '…'
 * (with any closing quotes or brackets) when a space follows and the next
 * word does not start with a small letter ("e.g. the knee" stays one) and
 * the word before is not a title such as "Dr.". A block always ends a
 * sentence, so a heading or a list item without a full stop is still read
 * as its own sentence, with espeak-ng's pause after it.
 */
#include "kiosk/speech.h"

#include "kiosk/base.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct ks_speech_script {
    ks_speech_sentence *v;
    size_t n, cap;
    int words;
};

static int count_words(const char *t) {
    int n = 0, in = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        int w = isalnum(*p) || *p >= 0x80 || *p == '\'';
        if (w && !in) n++;
        in = w;
    }
    return n;
}

/* The bytes of a separator inside a number at t[i] (i < e): a hyphen, a
 * no-break space (U+00A0), a no-break hyphen (U+2011) or an en dash
 * (U+2013); 0 when none. */
static size_t number_sep(const char *t, size_t i, size_t e, int *dash) {
    const unsigned char *p = (const unsigned char *)t + i;
    *dash = 1;
    if (p[0] == '-') return 1;
    if (p[0] == 0xe2 && i + 2 < e && p[1] == 0x80 && (p[2] == 0x91 || p[2] == 0x93)) return 3;
    *dash = 0;
    if (p[0] == 0xc2 && i + 1 < e && p[1] == 0xa0) return 2;
    return 0;
}

/* Numbers as a listener expects them, where espeak-ng would say them
 * otherwise: a phone number (digit groups joined by hyphens or no-break
 * spaces, 7 digits or more; the store joins a configured number's groups
 * with no-break characters) digit by digit, "555, 0 1 0 0" rather than
 * "five hundred fifty-five dash zero one hundred"; a range "8-9" as "8 to
 * 9" rather than "8 dash 9". Returns the bytes of t used at i (0: not such
 * a number, say it as written). */
static size_t say_number(ks_buf *b, const char *t, size_t i, size_t e) {
    size_t gs[8], gl[8], n = 0, j = i, digits = 0;
    int all_dash = 1;
    while (n < 8) {
        size_t k = j;
        while (k < e && t[k] >= '0' && t[k] <= '9') k++;
        if (k == j) break;
        gs[n] = j;
        gl[n] = k - j;
        digits += k - j;
        n++;
        j = k;
        int dash;
        size_t sep = j < e ? number_sep(t, j, e, &dash) : 0;
        if (!sep || j + sep >= e || t[j + sep] < '0' || t[j + sep] > '9') break;
        all_dash &= dash;
        j += sep;
    }
    if (n >= 2 && digits >= 7) {
        for (size_t g = 0; g < n; g++) {
            if (g) ks_buf_append(b, ", ", 2);
            for (size_t d = 0; d < gl[g]; d++) {
                if (d) ks_buf_putc(b, ' ');
                ks_buf_putc(b, t[gs[g] + d]);
            }
        }
        return gs[n - 1] + gl[n - 1] - i;
    }
    if (n == 2 && all_dash && gl[0] <= 3 && gl[1] <= 3) {
        ks_buf_append(b, t + gs[0], gl[0]);
        ks_buf_append(b, " to ", 4);
        ks_buf_append(b, t + gs[1], gl[1]);
        return gs[1] + gl[1] - i;
    }
    return 0;
}

/* The spoken form of doc text [s, e): newlines and no-break spaces become
 * spaces, no-break hyphens hyphens, runs of spaces one space, phone numbers
 * and ranges as say_number says them. */
static char *spoken(const char *prefix, const char *t, size_t s, size_t e) {
    ks_buf b = {0};
    if (prefix) ks_buf_append(&b, prefix, strlen(prefix));
    for (size_t i = s; i < e; i++) {
        const unsigned char *p = (const unsigned char *)t + i;
        char c = (char)*p;
        if (c >= '0' && c <= '9' && (i == s || !isalnum(p[-1]))) {
            size_t used = say_number(&b, t, i, e);
            if (used) {
                i += used - 1;
                continue;
            }
        }
        if (c == '\n' || c == '\t') c = ' ';
        if (p[0] == 0xc2 && i + 1 < e && p[1] == 0xa0) { /* U+00A0 */
            c = ' ';
            i += 1;
        } else if (p[0] == 0xe2 && i + 2 < e && p[1] == 0x80 && p[2] == 0x91) { /* U+2011 */
            c = '-';
            i += 2;
        }
        if (c == ' ' && (b.len == 0 || b.data[b.len - 1] == ' ')) continue;
        ks_buf_putc(&b, c);
    }
    while (b.len && b.data[b.len - 1] == ' ') b.data[--b.len] = '\0';
    if (!b.data) return ks_strdup("");
    return ks_buf_detach(&b);
}

static int has_word(const char *t, size_t s, size_t e) {
    for (size_t i = s; i < e; i++)
        if (isalnum((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80) return 1;
    return 0;
}

static void add(ks_speech_script *sc, const char *t, size_t s, size_t e, const char *prefix) {
    while (s < e && (t[s] == ' ' || t[s] == '\n')) s++;
    while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\n')) e--;
    if (s >= e || !has_word(t, s, e)) return;
    if (sc->n == sc->cap) {
        sc->cap = sc->cap ? sc->cap * 2 : 32;
        sc->v = ks_realloc(sc->v, sc->cap * sizeof *sc->v);
    }
    ks_speech_sentence *x = &sc->v[sc->n++];
    x->text = spoken(prefix, t, s, e);
    x->src = s;
    x->src_len = e - s;
    x->words = count_words(x->text);
    sc->words += x->words;
}

/* Titles after which a full stop does not end a sentence. */
static int is_title(const char *t, size_t s, size_t dot) {
    static const char *const titles[] = {"dr", "mr", "mrs", "ms", "prof", "st", "vs", "approx", "no", "fig",
                                         "e.g", "i.e", "etc"};
    size_t w = dot;
    while (w > s && t[w - 1] != ' ' && t[w - 1] != '\n' && t[w - 1] != '(') w--;
    size_t n = dot - w;
    for (size_t k = 0; k < sizeof titles / sizeof titles[0]; k++)
        if (strlen(titles[k]) == n && strncasecmp(t + w, titles[k], n) == 0) return 1;
    return 0;
}

static int is_closer(unsigned char c) { return c == ')' || c == ']' || c == '"' || c == '\''; }

/* Cut doc text [s, e) into sentences. */
static void split(ks_speech_script *sc, const char *t, size_t s, size_t e, const char *prefix) {
    size_t start = s;
    for (size_t i = s; i < e; i++) {
        unsigned char c = (unsigned char)t[i];
        size_t after = 0;
        if (c == '.' || c == '!' || c == '?')
            after = i + 1;
        else if (c == 0xe2 && i + 2 < e && (unsigned char)t[i + 1] == 0x80 && (unsigned char)t[i + 2] == 0xa6)
            after = i + 3; /* … */
        else
            continue;
        /* Closing quotes and brackets (also ” and ’) belong to the sentence. */
        for (;;) {
            if (after < e && is_closer((unsigned char)t[after])) {
                after++;
            } else if (after + 2 < e && (unsigned char)t[after] == 0xe2 && (unsigned char)t[after + 1] == 0x80 &&
                       ((unsigned char)t[after + 2] == 0x9d || (unsigned char)t[after + 2] == 0x99)) {
                after += 3;
            } else {
                break;
            }
        }
        if (after >= e || (t[after] != ' ' && t[after] != '\n')) continue;
        size_t next = after;
        while (next < e && (t[next] == ' ' || t[next] == '\n')) next++;
        if (next < e && islower((unsigned char)t[next])) continue;
        if (c == '.' && is_title(t, start, i)) continue;
        add(sc, t, start, after, start == s ? prefix : NULL);
        start = after;
        i = after - 1;
    }
    add(sc, t, start, e, start == s ? prefix : NULL);
}

/* The range of doc text a block's runs cover. */
static int block_range(const ks_doc_block *b, size_t *s, size_t *e) {
    if (!b->n_runs) return 0;
    const ks_doc_run *last = &b->runs[b->n_runs - 1];
    *s = b->runs[0].offset;
    *e = last->offset + ((last->style & KS_RUN_BREAK) ? 1 : last->len);
    return *e > *s;
}

/* Depth is bounded by KS_DOC_MAX_DEPTH, so recursion is safe. */
static void walk(ks_speech_script *sc, const char *t, const ks_doc_block *blocks, size_t n, const char *prefix) {
    for (size_t i = 0; i < n; i++) {
        const ks_doc_block *b = &blocks[i];
        size_t s, e;
        switch (b->kind) {
        case KS_BLOCK_HEADING:
        case KS_BLOCK_PARAGRAPH:
        case KS_BLOCK_CODE:
        case KS_BLOCK_IMAGE: /* its caption (the alt text shown under it) */
            if (block_range(b, &s, &e)) {
                split(sc, t, s, e, prefix);
                prefix = NULL;
            }
            break;
        case KS_BLOCK_LIST:
            for (size_t k = 0; k < b->n_children; k++) {
                const ks_doc_block *item = &b->children[k];
                char num[32];
                snprintf(num, sizeof num, "%d. ", item->number);
                walk(sc, t, item->children, item->n_children, b->ordered ? num : NULL);
            }
            break;
        case KS_BLOCK_ITEM:
        case KS_BLOCK_QUOTE:
            walk(sc, t, b->children, b->n_children, prefix);
            prefix = NULL;
            break;
        case KS_BLOCK_RULE:
            break;
        }
    }
}

ks_speech_script *ks_speech_script_from_doc(const ks_doc *doc) {
    ks_speech_script *sc = ks_calloc(1, sizeof *sc);
    size_t n;
    const ks_doc_block *blocks = ks_doc_blocks(doc, &n);
    walk(sc, ks_doc_text(doc, NULL), blocks, n, NULL);
    return sc;
}

void ks_speech_script_destroy(ks_speech_script *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) free((void *)(uintptr_t)s->v[i].text);
    free(s->v);
    free(s);
}

size_t ks_speech_script_count(const ks_speech_script *s) { return s ? s->n : 0; }

const ks_speech_sentence *ks_speech_script_sentence(const ks_speech_script *s, size_t i) {
    return s && i < s->n ? &s->v[i] : NULL;
}

size_t ks_speech_script_find(const ks_speech_script *s, size_t src) {
    if (!s) return 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].src + s->v[i].src_len > src) return i;
    return s->n;
}

int ks_speech_script_words(const ks_speech_script *s) { return s ? s->words : 0; }
