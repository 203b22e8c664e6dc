/* reload: opening and closing a search handle, and keeping its caches
 * (caches.c) in step with the index: reloading them in place, or on a
 * loader thread with a connection of its own into a shadow handle whose
 * caches are swapped in at the next query (ks_search_set_background). */
#include "search_int.h"

#include <stdlib.h>
#include <string.h>

/* Exchange the caches of a and b, each keeping its own connection and
 * thread fields. */
static void swap_caches(ks_search *a, ks_search *b) {
    ks_search t = *a;
    *a = *b;
    *b = t;
#define KEEP(f)                                                                                                        \
    do {                                                                                                               \
        __typeof__(a->f) k = a->f;                                                                                     \
        a->f = b->f;                                                                                                   \
        b->f = k;                                                                                                      \
    } while (0)
    KEEP(rd);
    KEEP(path);
    KEEP(background);
    KEEP(bg_failed);
    KEEP(shadow);
    KEEP(loader);
    KEEP(done);
    KEEP(rank_all_max);
    KEEP(heads_off);
    KEEP(texts);
#undef KEEP
}

/* The loader thread: a shadow handle with a connection of its own loads
 * the caches of the index as it is now. */
static void *loader_main(void *arg) {
    ks_search *sh = arg;
    int err = 0;
    sh->rd = ks_index_reader_open(sh->path, &err);
    if (sh->rd && ks_index_reader_begin(sh->rd) == 0) {
        int64_t gen = 0;
        if (ks_index_reader_generation(sh->rd, &gen) == 0 && sr_load_caches(sh) == 0) sh->generation = gen;
        ks_index_reader_end(sh->rd);
    }
    __atomic_store_n(&sh->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void drop_shadow(ks_search *sh) {
    sr_free_caches(sh);
    ks_index_reader_close(sh->rd);
    free(sh);
}

/* Take the shadow's caches when its load has finished (wait when wait).
 * Returns 1 when a load finished (taken or failed). */
static int adopt(ks_search *s, int wait) {
    ks_search *sh = s->shadow;
    if (!sh || (!wait && !__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE))) return 0;
    pthread_join(s->loader, NULL);
    s->shadow = NULL;
    if (sh->loaded) swap_caches(s, sh);
    else s->bg_failed = 1;
    drop_shadow(sh);
    return 1;
}

static void start_loader(ks_search *s) {
    ks_search *sh = ks_calloc(1, sizeof *sh);
    sh->path = s->path;
    if (pthread_create(&s->loader, NULL, loader_main, sh) != 0) {
        free(sh);
        s->bg_failed = 1;
        return;
    }
    s->shadow = sh;
}

/* Keep the caches in step with the index. Cheap when nothing changed: the
 * reader's change check reads shared memory only. When the generation
 * moved, the caches are reloaded here, or (background) on a thread while
 * the queries go on with the caches they have, taken over at the first
 * query after the load. */
int sr_refresh(ks_search *s) {
    int adopted = adopt(s, 0);
    int rc = ks_index_reader_changed(s->rd);
    if (rc < 0) return rc;
    if (rc == 0 && s->loaded && !adopted) return 0;
    if ((rc = ks_index_reader_begin(s->rd)) != 0) return rc;
    int64_t gen = 0;
    rc = ks_index_reader_generation(s->rd, &gen);
    if (rc == 0 && s->loaded && gen != s->generation && s->background && !s->bg_failed) {
        if (!s->shadow) start_loader(s); /* a load under way: checked again when it lands */
    } else if (rc == 0 && (!s->loaded || gen != s->generation)) {
        rc = sr_load_caches(s);
        s->generation = gen;
        s->bg_failed = 0;
    }
    ks_index_reader_end(s->rd);
    return rc;
}

void ks_search_set_background(ks_search *s, int on) {
    if (!s) return;
    s->background = on != 0;
    if (!on) adopt(s, 1);
}

int ks_search_refresh(ks_search *s) { return s ? sr_refresh(s) : KS_ERR_INVALID; }

int ks_search_tune(ks_search *s, int knob, int64_t value) {
    if (!s || value < 0) return KS_ERR_INVALID;
    switch (knob) {
    case KS_SEARCH_TUNE_RANK_ALL_MAX: s->rank_all_max = (uint64_t)value; return 0;
    case KS_SEARCH_TUNE_HEADS_MAP:
        if (value > 1) return KS_ERR_INVALID;
        s->heads_off = !value;
        return 0;
    default: return KS_ERR_INVALID;
    }
}

int ks_search_loading(const ks_search *s) {
    return s && s->shadow != NULL;
}

/* ------------------------------------------------------------ open/close */

int ks_search_frozen(const ks_search *s) { return s ? ks_index_reader_frozen(s->rd) : 0; }

ks_search *ks_search_open(const char *db_path, int *err) {
    int rc = 0;
    if (err) *err = 0;
    ks_index_reader *rd = ks_index_reader_open(db_path, &rc);
    if (!rd) {
        if (err) *err = rc;
        return NULL;
    }
    ks_search *s = ks_calloc(1, sizeof *s);
    s->rd = rd;
    s->path = ks_strdup(db_path);
    s->rank_all_max = SR_RANK_ALL_MAX;
    if ((rc = sr_refresh(s)) != 0) {
        if (err) *err = rc;
        ks_search_close(s);
        return NULL;
    }
    return s;
}

void ks_search_close(ks_search *s) {
    if (!s) return;
    if (s->shadow) { /* let the loader finish, then drop what it loaded */
        pthread_join(s->loader, NULL);
        drop_shadow(s->shadow);
    }
    sr_free_caches(s);
    sr_texts_free(s->texts);
    free(s->texts);
    ks_index_reader_close(s->rd);
    free(s->path);
    free(s);
}

