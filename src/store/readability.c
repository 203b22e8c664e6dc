/* readability: the Flesch-Kincaid grade of a page's plain text.
 *
 *     grade = 0.39 * words/sentences + 11.8 * syllables/words - 15.59
 *
 * A sentence ends at '.', '!' or '?' followed by a space or the end, and at
 * every line end (headings and list items are sentences of their own).
 * Syllables are counted the usual way for English: groups of vowels, less a
 * silent final 'e', at least one per word. */
#include "store_int.h"

#include <ctype.h>
#include <string.h>

/* A table, not tolower() and six compares: every letter of every page
 * passes here (a tenth of a first build's parsing). Bytes from 0x80 are
 * no vowels, as tolower() leaves them in any locale this runs in. */
static const unsigned char vowels[256] = {['a'] = 1, ['e'] = 1, ['i'] = 1, ['o'] = 1, ['u'] = 1, ['y'] = 1,
                                          ['A'] = 1, ['E'] = 1, ['I'] = 1, ['O'] = 1, ['U'] = 1, ['Y'] = 1};

static int is_vowel(int c) { return vowels[(unsigned char)c]; }

/* Syllables in the ASCII letters of w[0..n). */
static int syllables(const char *w, size_t n) {
    int count = 0, prev = 0;
    for (size_t i = 0; i < n; i++) {
        int v = is_vowel((unsigned char)w[i]);
        if (v && !prev) count++;
        prev = v;
    }
    /* silent final e ("make"), but not "-le" ("table") */
    if (n > 2 && tolower((unsigned char)w[n - 1]) == 'e' && !is_vowel((unsigned char)w[n - 2]) &&
        !(tolower((unsigned char)w[n - 2]) == 'l' && !is_vowel((unsigned char)w[n - 3])) && count > 1)
        count--;
    /* "-es"/"-ed" endings rarely add a syllable ("takes", "used") */
    if (n > 3 && tolower((unsigned char)w[n - 2]) == 'e' &&
        (tolower((unsigned char)w[n - 1]) == 's' || tolower((unsigned char)w[n - 1]) == 'd') &&
        !is_vowel((unsigned char)w[n - 3]) && strchr("tdscxzgh", tolower((unsigned char)w[n - 3])) == NULL &&
        count > 1)
        count--;
    return count < 1 ? 1 : count;
}

double ks_reading_grade(const char *text) {
    long words = 0, sentences = 0, syl = 0;
    int in_sentence = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        if (isalnum(*p) || *p >= 0x80) {
            const unsigned char *w = p;
            int letters = 0;
            while (isalnum(*p) || *p >= 0x80 || ((*p == '\'' || *p == '-') && isalpha(p[1]))) {
                if (isalpha(*p)) letters++;
                p++;
            }
            words++;
            syl += letters ? syllables((const char *)w, (size_t)(p - w)) : 1;
            in_sentence = 1;
            continue;
        }
        if (*p == '\n' || ((*p == '.' || *p == '!' || *p == '?') &&
                           (p[1] == '\0' || isspace(p[1]) || p[1] == '"' || p[1] == ')'))) {
            if (in_sentence) sentences++;
            in_sentence = 0;
        }
        p++;
    }
    if (in_sentence) sentences++;
    if (words == 0 || sentences == 0) return 0.0;
    return 0.39 * (double)words / (double)sentences + 11.8 * (double)syl / (double)words - 15.59;
}
