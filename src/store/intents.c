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
    size_t cap = store->n_synonyms + 16;
    store->synonyms = ks_realloc(store->synonyms, cap * sizeof(ks_synonym));
    store_lines it = {text, len, 0, 0};
    const char *s;
    size_t n;
    while (store_lines_next(&it, &s, &n)) {
        int line = it.line;
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
        char *to = ks_sprintf("@%s", section);
        store_synonyms_add_list(store, &cap, s, eq, to, line);
        free(to);
        free(section);
    }
}
