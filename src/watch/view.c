/* view: a watcher snapshot as a ks_store_view (include/kiosk/store.h). */
#include "kiosk/watch.h"

static size_t v_page_count(const void *c) { return ks_watch_snapshot_page_count(c); }
static const ks_page *v_page(const void *c, size_t i) { return ks_watch_snapshot_page(c, i); }
static const ks_page *v_find(const void *c, const char *s) { return ks_watch_snapshot_find(c, s); }
static size_t v_topic_count(const void *c) { return ks_watch_snapshot_topic_count(c); }
static const ks_topic *v_topic(const void *c, size_t i) { return ks_watch_snapshot_topic(c, i); }
static const ks_topic *v_find_topic(const void *c, const char *s) { return ks_watch_snapshot_find_topic(c, s); }
/* Home's questions come from the newest store loaded: home.txt is read
 * with every load, and a question whose page is gone is left out there. */
static size_t v_home_count(const void *c) { return ks_store_home_count(ks_watch_snapshot_store(c)); }
static const ks_home_question *v_home_question(const void *c, size_t i) {
    return ks_store_home_question(ks_watch_snapshot_store(c), i);
}

ks_store_view ks_watch_snapshot_view(const ks_watch_snapshot *s) {
    ks_store_view v = {s, v_page_count, v_page, v_find, v_topic_count, v_topic, v_find_topic, v_home_count, v_home_question};
    return v;
}
