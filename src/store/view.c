/* view: a store snapshot as a ks_store_view (include/kiosk/store.h). */
#include "kiosk/store.h"

static size_t v_page_count(const void *c) { return ks_store_page_count(c); }
static const ks_page *v_page(const void *c, size_t i) { return ks_store_page(c, i); }
static const ks_page *v_find(const void *c, const char *s) { return ks_store_find(c, s); }
static size_t v_topic_count(const void *c) { return ks_store_topic_count(c); }
static const ks_topic *v_topic(const void *c, size_t i) { return ks_store_topic(c, i); }
static const ks_topic *v_find_topic(const void *c, const char *s) { return ks_store_find_topic(c, s); }
static size_t v_home_count(const void *c) { return ks_store_home_count(c); }
static const ks_home_question *v_home_question(const void *c, size_t i) { return ks_store_home_question(c, i); }

ks_store_view ks_store_view_of(const ks_store *store) {
    ks_store_view v = {store, v_page_count, v_page, v_find, v_topic_count, v_topic, v_find_topic, v_home_count, v_home_question};
    return v;
}
