/* libFuzzer harness: the search query planner, end to end. An index of the
 * shipped content is built once (KIOSK_SOURCE_DIR/content) in a temporary
 * file; every input is one query as a patient could type it (any bytes),
 * run through ks_search_query: word splitting, stop words, prefixes, typo
 * correction, synonyms, FTS5 query building, ranking, snippets. Nothing may
 * crash; every highlight must lie inside its snippet and every snippet be
 * valid UTF-8. */
#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/search.h"
#include "kiosk/store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ks_search *search;

static void setup(void) {
    char db[64];
    int err = 0;
    snprintf(db, sizeof db, "/tmp/kiosk-fuzz-search-%d.db", (int)getpid());
    ks_store *st = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    ks_index *ix = st ? ks_index_open(db, &err) : NULL;
    if (!ix || ks_index_sync(ix, st, NULL) != 0) abort();
    ks_index_close(ix);
    ks_store_free(st);
    search = ks_search_open(db, &err);
    if (!search) abort();
    /* the file stays open; nothing else needs the name */
    char *side = ks_sprintf("%s.backup", db);
    unlink(side);
    free(side);
    unlink(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!search) setup();
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    ks_search_results *r = NULL;
    if (ks_search_query(search, text, 10, &r) == 0 && r) {
        for (size_t i = 0; i < r->n; i++) {
            const ks_search_hit *h = &r->hits[i];
            size_t n = strlen(h->snippet);
            if (!ks_utf8_valid(h->snippet, n, NULL)) abort();
            for (size_t k = 0; k < h->n_highlights; k++)
                if (h->highlights[k].start > h->highlights[k].end || h->highlights[k].end > n) abort();
        }
    }
    ks_search_results_free(r);
    free(text);
    return 0;
}
