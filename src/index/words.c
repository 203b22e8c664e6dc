/* words: splitting text into folded words, the same way for the vocabulary
 * (index) and for what people type (search). Close to FTS5's unicode61
 * tokenizer with remove_diacritics for Latin text; exotic scripts are kept
 * as written, which only costs typo correction there, never safety. */
#include "kiosk/index.h"

#include "kiosk/base.h"

/* Folds for U+00C0..U+00FF: a letter, '?' to keep the letter (lowercased),
 * '!' for a separator. */
static const char latin1_fold[] = "aaaaaa?ceeeeiiii?nooooo!ouuuuy??"  /* C0..DF */
                                  "aaaaaa?ceeeeiiii?nooooo!ouuuuy?y"; /* E0..FF */
/* Folds for U+0100..U+017F; '?' keeps the letter as written. */
static const char latinA_fold[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii??jjkk?llllllllll"
                                  "nnnnnn???oooooo??rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* ASCII letters and digits: 1 where a byte < 0x80 belongs to a word. */
const unsigned char ks_index_ascii_word[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
    ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

/* Whether code point cp separates words. */
static int is_separator(uint32_t cp) {
    if (cp < 0x80) return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
    if (cp < 0xC0) return 1; /* C1 controls, Latin-1 punctuation and symbols */
    if (cp == 0xD7 || cp == 0xF7) return 1;
    if (cp >= 0x2000 && cp <= 0x2BFF) return 1; /* punctuation, arrows, math, symbols */
    if (cp >= 0x3000 && cp <= 0x303F) return 1;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 1;
    if (cp >= 0xE000 && cp <= 0xF8FF) return 1; /* private use */
    if (cp >= 0xFE00 && cp <= 0xFE0F) return 1; /* variation selectors */
    if (cp == 0xFEFF || cp >= 0xFFF0) {
        if (cp <= 0xFFFF) return 1;
    }
    if (cp >= 0x1F000) return 1; /* emoji and everything above */
    return 0;
}

/* Append the folded form of cp to out[*n] (bounded by cap-1). */
static void put_folded(uint32_t cp, const char *src, size_t srclen, char *out, size_t cap, size_t *n) {
    char tmp[4];
    const char *p = tmp;
    size_t k = 0;
    if (cp < 0x80) {
        tmp[0] = (char)((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp);
        k = 1;
    } else if (cp >= 0x300 && cp <= 0x36F) {
        return; /* combining accents */
    } else if (cp >= 0xC0 && cp <= 0xFF && latin1_fold[cp - 0xC0] != '?') {
        tmp[0] = latin1_fold[cp - 0xC0];
        k = 1;
    } else if (cp >= 0xC0 && cp <= 0xDE) {
        k = ks_utf8_encode(cp + 0x20, tmp);
    } else if (cp >= 0x100 && cp <= 0x17F && latinA_fold[cp - 0x100] != '?') {
        tmp[0] = latinA_fold[cp - 0x100];
        k = 1;
    } else {
        p = src;
        k = srclen;
    }
    if (*n + k >= cap) return; /* too long: keep what fits, whole sequences only */
    for (size_t i = 0; i < k; i++) out[(*n)++] = p[i];
}

size_t ks_index_next_word(const char *s, size_t len, size_t *pos, char *out, size_t cap,
                          size_t *start, size_t *end) {
    size_t i = *pos;
    uint32_t cp;
    if (cap == 0) return 0;
    out[0] = '\0';
    while (i < len) {
        size_t n = 0;
        /* skip separators (invalid bytes decode as U+FFFD, a separator) and
         * stray combining marks */
        while (i < len) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x80) { /* ASCII fast path */
                if (ks_index_ascii_word[c]) break;
                i++;
                continue;
            }
            size_t k = ks_utf8_decode(s + i, len - i, &cp);
            if (!is_separator(cp) && !(cp >= 0x300 && cp <= 0x36F)) break;
            i += k;
        }
        if (i >= len) break;
        size_t w0 = i;
        while (i < len) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x80) {
                if (!ks_index_ascii_word[c]) break;
                if (n + 1 < cap) out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                i++;
                continue;
            }
            size_t k = ks_utf8_decode(s + i, len - i, &cp);
            if (is_separator(cp)) break;
            put_folded(cp, s + i, k, out, cap, &n);
            i += k;
        }
        out[n] = '\0';
        if (n == 0) continue; /* nothing fitted in out: try the next word */
        if (start) *start = w0;
        if (end) *end = i;
        *pos = i;
        return n;
    }
    *pos = len;
    return 0;
}
