/* intents: content/intents.txt, the words and phrases with which a patient
 * asks for one section of a topic ("time off", "can I drive" -> recovery).
 * One line per section, the same grammar as synonyms.txt:
 *
 *     time off, how long, drive, driving = recovery
 *     # a comment
 *
 * The right side is a section name (the `section:` of a page). The store
 * keeps each phrase as a synonym whose target is "@section", so the index
 * stores and search reads both from one table; search lifts that section's
 * page above the topic's overview when a query holds the phrase. */
#include "store_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int known_section(const ks_store *store, const char *section) {
    for (size_t k = 0; k < store->n_pages; k++)
        if (strcmp(store->pages[k]->section, section) == 0) return 1;
    return 0;
}

void store_intents_parse(ks_store *store, const char *text, size_t len) {
    size_t cap = store->n_synonyms + 16, off = 0;
    int line = 0;
    store->synonyms = ks_realloc(store->synonyms, cap * sizeof(ks_synonym));
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
        char *section = eq ? store_synonyms_normalise(eq + 1, n - (size_t)(eq + 1 - s)) : NULL;
        if (!eq || !*section || strchr(section, ' ')) {
            store_diag_add(&store->diags, "intents.txt", line, KS_DIAG_ERROR,
                     "expected 'words = section', like 'time off, drive = recovery'");
            free(section);
            continue;
        }
        if (!known_section(store, section))
            store_diag_add(&store->diags, "intents.txt", line, KS_DIAG_WARNING,
                     "no page has 'section: %s', so this line never helps a search", section);
        const char *p = s, *end = eq;
        while (p < end) {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            if (!comma) comma = end;
            char *from = store_synonyms_normalise(p, (size_t)(comma - p));
            if (*from) {
                if (store->n_synonyms == cap)
                    store->synonyms = ks_realloc(store->synonyms, (cap *= 2) * sizeof(ks_synonym));
                ks_synonym *e = &store->synonyms[store->n_synonyms++];
                e->from = from;
                e->to = ks_sprintf("@%s", section);
                e->line = line;
            } else {
                free(from);
            }
            p = comma + 1;
        }
        free(section);
    }
}
