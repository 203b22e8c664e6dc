/* A content folder indexed the way `kiosk index` does it: shared by the
 * search tests that need a real index (heads, relevance). Include after
 * "harness.h", "kiosk/base.h", "kiosk/index.h" and "kiosk/store.h". */
#ifndef KIOSK_TEST_HARNESS_INDEX_H
#define KIOSK_TEST_HARNESS_INDEX_H

/* The pages of content synced into a new index at db (after a failed
 * check when the folder cannot be loaded or the index made). Returns the
 * open index, or NULL; *added (when not NULL) is the number of pages
 * added. */
static inline ks_index *harness_index_content(const char *content, const char *db, size_t *added) {
    int err;
    ks_store *store = ks_store_load(content, NULL, &err);
    OK(store != NULL);
    ks_index *ix = store ? ks_index_open(db, &err) : NULL;
    OK(ix != NULL);
    if (added) *added = 0;
    if (ix) {
        ks_index_report rep;
        INT_EQ(ks_index_sync(ix, store, &rep), 0);
        if (added) *added = rep.added.n;
        ks_index_report_free(&rep);
    }
    ks_store_free(store);
    return ix;
}

#endif
