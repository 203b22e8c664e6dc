/* synonyms: content/synonyms.txt, the lay words patients type mapped to the
 * words the pages use. One mapping a line:
 *
 *     shot, jab, needle = injection
 *     # a comment
 *
 * The store only reads and checks the file; search applies it. */
#include "store_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Lowercase s[0..n) with runs of white space folded to one space and the
 * ends trimmed, as a new string. */
static char *normalise(const char *s, size_t n) {
    ks_buf b = {0};
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c)) {
            space = 1;
            continue;
        }
        if (space && b.len) ks_buf_putc(&b, ' ');
        space = 0;
        ks_buf_putc(&b, (char)tolower(c));
    }
    return ks_buf_detach(&b);
}

void synonyms_parse(ks_store *store, const char *text, size_t len) {
    size_t cap = 16, off = 0;
    int line = 0;
    store->synonyms = ks_calloc(cap, sizeof(ks_synonym));
    while (off < len) {
        const char *s = text + off;
        const char *nl = memchr(s, '\n', len - off);
        size_t n = nl ? (size_t)(nl - s) : len - off;
        off += n + 1;
        line++;
        size_t i = 0;
        while (i < n && isspace((unsigned char)s[i])) i++;
        if (i == n || s[i] == '#') continue;
        const char *eq = memchr(s, '=', n);
        char *to = eq ? normalise(eq + 1, n - (size_t)(eq + 1 - s)) : NULL;
        if (!eq || !*to) {
            diag_add(&store->diags, "synonyms.txt", line, KS_DIAG_ERROR,
                     "expected 'lay words = page words', like 'shot, jab = injection'");
            free(to);
            continue;
        }
        const char *p = s, *end = eq;
        int added = 0;
        while (p < end) {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            if (!comma) comma = end;
            char *from = normalise(p, (size_t)(comma - p));
            if (*from) {
                if (store->n_synonyms == cap)
                    store->synonyms = ks_realloc(store->synonyms, (cap *= 2) * sizeof(ks_synonym));
                ks_synonym *syn = &store->synonyms[store->n_synonyms++];
                syn->from = from;
                syn->to = ks_strdup(to);
                syn->line = line;
                added++;
            } else {
                free(from);
            }
            p = comma + 1;
        }
        if (!added) {
            diag_add(&store->diags, "synonyms.txt", line, KS_DIAG_ERROR,
                     "no lay words before '=' on this line");
        }
        free(to);
    }
}

/* Whether word (n bytes, lowercase) occurs as a whole word in text,
 * ignoring case. */
static int has_word(const char *text, const char *word, size_t n) {
    for (const char *p = text; *p; p++) {
        if (strncasecmp(p, word, n) != 0) continue;
        int before = p == text || !isalnum((unsigned char)p[-1]);
        int after = !isalnum((unsigned char)p[n]);
        if (before && after) return 1;
    }
    return 0;
}

void synonyms_check_used(ks_store *store) {
    int last_line = 0;
    for (size_t i = 0; i < store->n_synonyms; i++) {
        const ks_synonym *syn = &store->synonyms[i];
        if (syn->line == last_line) continue; /* one check per line */
        last_line = syn->line;
        /* Every page word must appear somewhere: title, keywords or text. */
        const char *w = syn->to;
        int used = 1;
        while (*w && used) {
            size_t n = strcspn(w, " ");
            char *word = ks_strndup(w, n);
            int found = 0;
            for (size_t k = 0; k < store->n_pages && !found; k++) {
                const ks_page *p = store->pages[k];
                if (p->errors) continue;
                found = has_word(p->text, word, n) || has_word(p->title, word, n);
                for (size_t j = 0; j < p->n_keywords && !found; j++)
                    found = has_word(p->keywords[j], word, n);
            }
            free(word);
            used = found;
            w += n;
            while (*w == ' ') w++;
        }
        if (!used)
            diag_add(&store->diags, "synonyms.txt", syn->line, KS_DIAG_WARNING,
                     "'%s' does not appear on any page, so this line never helps a search", syn->to);
    }
}
