/* snapshot: merged views of the content (last good versions kept), shared by
 * reference between the watch thread and the UI thread; and the logger that
 * reports each problem once per change. */
#include "watch_int.h"

#include "kiosk/base.h"

#include <errno.h>
#include <stdio.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ------------------------------------------------------------ store refs */

wstore *wstore_new(ks_store *store) {
    wstore *w = ks_calloc(1, sizeof *w);
    w->store = store;
    atomic_init(&w->refs, 1);
    return w;
}

void wstore_retain(wstore *w) {
    if (!w) return;
    int refs = atomic_fetch_add(&w->refs, 1);
    assert(refs >= 1); /* only a holder retains */
    (void)refs;
}

void wstore_release(wstore *w) {
    if (!w) return;
    int refs = atomic_fetch_sub(&w->refs, 1);
    assert(refs >= 1);
    if (refs == 1) {
        ks_store_free(w->store);
        free(w);
    }
}

/* ------------------------------------------------------------ snapshots */

struct ks_watch_snapshot {
    atomic_int refs;
    uint64_t gen;
    wstore *latest;        /* the newest load (one reference), or NULL */
    const ks_page **pages; /* shown pages, store order */
    wstore **owner;        /* the store each page lives in (one reference each) */
    unsigned char *stale;  /* 1: a kept last good version */
    size_t n_pages;
    ks_topic *topics;      /* strings borrowed from latest or from a page owner */
    wstore **topic_owner;  /* a reference keeping each topic's strings alive */
    size_t n_topics;
    struct slug_ix *ix;    /* pages sorted by slug, for lookups */
    ks_watch_status status;
    const char *empty_reason; /* static; NULL: ks_store_empty_reason of latest */
};

ks_watch_snapshot *wsnap_empty(uint64_t gen) {
    ks_watch_snapshot *s = ks_calloc(1, sizeof *s);
    atomic_init(&s->refs, 1);
    s->gen = gen;
    return s;
}

ks_watch_snapshot *ks_watch_snapshot_retain(ks_watch_snapshot *s) {
    if (!s) return s;
    int refs = atomic_fetch_add(&s->refs, 1);
    assert(refs >= 1); /* only a holder retains */
    (void)refs;
    return s;
}

void ks_watch_snapshot_release(ks_watch_snapshot *s) {
    if (!s) return;
    int refs = atomic_fetch_sub(&s->refs, 1);
    assert(refs >= 1);
    if (refs != 1) return;
    for (size_t i = 0; i < s->n_pages; i++) wstore_release(s->owner[i]);
    for (size_t i = 0; i < s->n_topics; i++) wstore_release(s->topic_owner[i]);
    wstore_release(s->latest);
    free(s->pages);
    free(s->owner);
    free(s->stale);
    free(s->topics);
    free(s->topic_owner);
    free(s->ix);
    free(s);
}

uint64_t ks_watch_snapshot_generation(const ks_watch_snapshot *s) { return s ? s->gen : 0; }

void wsnap_set_empty_reason(ks_watch_snapshot *s, const char *why) { s->empty_reason = why; }

const char *ks_watch_snapshot_empty_reason(const ks_watch_snapshot *s) {
    if (!s) return ks_store_empty_reason(NULL, 0);
    if (s->n_pages) return NULL;
    if (s->empty_reason) return s->empty_reason;
    if (s->latest) {
        const char *why = ks_store_empty_reason(s->latest->store, 0);
        return why ? why : "every page has an error (see kiosk check) and none has a last good version to show";
    }
    return ks_store_empty_reason(NULL, 0);
}
void wsnap_set_generation(ks_watch_snapshot *s, uint64_t gen) { s->gen = gen; }
ks_watch_status *wsnap_status(ks_watch_snapshot *s) { return &s->status; }

void ks_watch_snapshot_status(const ks_watch_snapshot *s, ks_watch_status *out) {
    if (s) *out = s->status;
    else memset(out, 0, sizeof *out);
}

size_t ks_watch_snapshot_page_count(const ks_watch_snapshot *s) { return s ? s->n_pages : 0; }

const ks_page *ks_watch_snapshot_page(const ks_watch_snapshot *s, size_t i) {
    return s && i < s->n_pages ? s->pages[i] : NULL;
}

/* A slug-sorted index of a snapshot's pages, for lookups while merging. */
typedef struct slug_ix {
    const char *slug;
    size_t i;
} slug_ix;

static int cmp_slug_ix(const void *a, const void *b) {
    return strcasecmp(((const slug_ix *)a)->slug, ((const slug_ix *)b)->slug);
}

static slug_ix *build_slug_ix(const ks_watch_snapshot *s) {
    slug_ix *v = ks_malloc((s ? s->n_pages : 0) * sizeof *v + 1);
    for (size_t i = 0; s && i < s->n_pages; i++) {
        v[i].slug = s->pages[i]->slug;
        v[i].i = i;
    }
    if (s && s->n_pages) qsort(v, s->n_pages, sizeof *v, cmp_slug_ix);
    return v;
}

static long lookup(const slug_ix *v, size_t n, const char *slug) {
    slug_ix key = {slug, 0};
    const slug_ix *hit = n ? bsearch(&key, v, n, sizeof *v, cmp_slug_ix) : NULL;
    return hit ? (long)hit->i : -1;
}

static long find_index(const ks_watch_snapshot *s, const char *slug) {
    if (!s || !slug || !s->ix) return -1;
    return lookup(s->ix, s->n_pages, slug);
}

const ks_page *ks_watch_snapshot_find(const ks_watch_snapshot *s, const char *slug) {
    long i = find_index(s, slug);
    return i < 0 ? NULL : s->pages[i];
}

int ks_watch_snapshot_is_stale(const ks_watch_snapshot *s, const char *slug) {
    long i = find_index(s, slug);
    return i < 0 ? 0 : s->stale[i];
}

size_t ks_watch_snapshot_topic_count(const ks_watch_snapshot *s) { return s ? s->n_topics : 0; }

const ks_topic *ks_watch_snapshot_topic(const ks_watch_snapshot *s, size_t i) {
    return s && i < s->n_topics ? &s->topics[i] : NULL;
}

const ks_topic *ks_watch_snapshot_find_topic(const ks_watch_snapshot *s, const char *slug) {
    if (!s || !slug) return NULL;
    for (size_t i = 0; i < s->n_topics; i++)
        if (strcasecmp(s->topics[i].slug, slug) == 0) return &s->topics[i];
    return NULL;
}

const ks_store *ks_watch_snapshot_store(const ks_watch_snapshot *s) {
    return s && s->latest ? s->latest->store : NULL;
}

size_t ks_watch_snapshot_diag_count(const ks_watch_snapshot *s) {
    const ks_store *st = ks_watch_snapshot_store(s);
    return st ? ks_store_diag_count(st) : 0;
}

const ks_diag *ks_watch_snapshot_diag(const ks_watch_snapshot *s, size_t i) {
    const ks_store *st = ks_watch_snapshot_store(s);
    return st && i < ks_store_diag_count(st) ? ks_store_diag(st, i) : NULL;
}

/* ------------------------------------------------------------ merging */

static void push_page(ks_watch_snapshot *s, size_t *cap, const ks_page *p, wstore *owner, int stale) {
    if (s->n_pages == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        s->pages = ks_realloc(s->pages, *cap * sizeof *s->pages);
        s->owner = ks_realloc(s->owner, *cap * sizeof *s->owner);
        s->stale = ks_realloc(s->stale, *cap);
    }
    wstore_retain(owner);
    s->pages[s->n_pages] = p;
    s->owner[s->n_pages] = owner;
    s->stale[s->n_pages] = (unsigned char)stale;
    s->n_pages++;
}

/* Put a kept page the load did not see after the last shown page of its
 * topic (general pages after the last general page), not at the very end. */
static void insert_kept(ks_watch_snapshot *s, size_t *cap, const ks_page *p, wstore *owner) {
    size_t at = s->n_pages;
    for (size_t i = s->n_pages; i-- > 0;)
        if (strcasecmp(s->pages[i]->topic, p->topic) == 0) {
            at = i + 1;
            break;
        }
    push_page(s, cap, p, owner, 1);
    if (at == s->n_pages - 1) return;
    memmove(&s->pages[at + 1], &s->pages[at], (s->n_pages - 1 - at) * sizeof *s->pages);
    memmove(&s->owner[at + 1], &s->owner[at], (s->n_pages - 1 - at) * sizeof *s->owner);
    memmove(&s->stale[at + 1], &s->stale[at], s->n_pages - 1 - at);
    s->pages[at] = p;
    s->owner[at] = owner;
    s->stale[at] = 1;
}

static void push_topic(ks_watch_snapshot *s, size_t *cap, const ks_topic *t, wstore *owner) {
    if (s->n_topics == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        s->topics = ks_realloc(s->topics, *cap * sizeof *s->topics);
        s->topic_owner = ks_realloc(s->topic_owner, *cap * sizeof *s->topic_owner);
    }
    wstore_retain(owner);
    s->topics[s->n_topics] = *t;
    s->topic_owner[s->n_topics] = owner;
    s->n_topics++;
}

/* Whether the file at dir/path still exists (even if it cannot be read). */
static int file_exists(const char *dir, const char *path) {
    struct stat st;
    char *full = ks_path_join(dir, path);
    int r = lstat(full, &st) == 0 || errno != ENOENT;
    free(full);
    return r;
}

static int cmp_topic(const void *a, const void *b) {
    const ks_topic *x = a, *y = b;
    if (x->order != y->order) return x->order < y->order ? -1 : 1;
    return strcmp(x->slug, y->slug);
}

static int cmp_cstr_ci(const void *a, const void *b) {
    return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* The topics that have a page in s, sorted (case-insensitively), once per
 * merge: asking each topic by a scan of every page cost a second at
 * 10,000 pages. The caller frees the array (not the strings). */
static const char **list_topics(const ks_watch_snapshot *s, size_t *n) {
    const char **v = ks_malloc((s->n_pages + 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < s->n_pages; i++)
        if (k == 0 || strcasecmp(v[k - 1], s->pages[i]->topic) != 0) v[k++] = s->pages[i]->topic;
    if (k) qsort(v, k, sizeof *v, cmp_cstr_ci);
    *n = k;
    return v;
}

static int has_topic(const char **v, size_t n, const char *slug) {
    return n && bsearch(&slug, v, n, sizeof *v, cmp_cstr_ci) != NULL;
}

/* The store's page order (see store.h), worked out again on the pages a
 * snapshot shows, each by its own fields: general pages first, then each
 * topic in s->topics' order (pages of a topic not shown last), its index,
 * the six standard sections, other pages; then order, then slug. */
typedef struct shown_key {
    size_t i;
    int topic_rank, place;
    const ks_page *p;
} shown_key;

static int cmp_shown(const void *a, const void *b) {
    const shown_key *x = a, *y = b;
    if (x->topic_rank != y->topic_rank) return x->topic_rank < y->topic_rank ? -1 : 1;
    if (x->place != y->place) return x->place < y->place ? -1 : 1;
    if (x->p->order != y->p->order) return x->p->order < y->p->order ? -1 : 1;
    return strcasecmp(x->p->slug, y->p->slug);
}

static void sort_shown_pages(ks_watch_snapshot *s) {
    shown_key *k;
    const ks_page **pages;
    wstore **owner;
    unsigned char *stale;
    if (s->n_pages < 2) return;
    slug_ix *tix = ks_malloc((s->n_topics + 1) * sizeof *tix); /* topics by slug: 3,000 topics */
    for (size_t t = 0; t < s->n_topics; t++) {
        tix[t].slug = s->topics[t].slug;
        tix[t].i = t;
    }
    if (s->n_topics) qsort(tix, s->n_topics, sizeof *tix, cmp_slug_ix);
    k = ks_malloc(s->n_pages * sizeof *k);
    for (size_t i = 0; i < s->n_pages; i++) {
        const ks_page *p = s->pages[i];
        int r = ks_section_rank(p->section);
        k[i].i = i;
        k[i].p = p;
        k[i].topic_rank = -1;
        if (p->topic[0]) {
            slug_ix key = {p->topic, 0};
            const slug_ix *hit = s->n_topics ? bsearch(&key, tix, s->n_topics, sizeof *tix, cmp_slug_ix) : NULL;
            k[i].topic_rank = hit ? (int)hit->i : (int)s->n_topics;
        }
        k[i].place = p->is_topic_index ? 0 : r >= 0 ? 1 + r : 100;
    }
    free(tix);
    qsort(k, s->n_pages, sizeof *k, cmp_shown);
    pages = ks_malloc(s->n_pages * sizeof *pages);
    owner = ks_malloc(s->n_pages * sizeof *owner);
    stale = ks_malloc(s->n_pages);
    for (size_t i = 0; i < s->n_pages; i++) {
        pages[i] = s->pages[k[i].i];
        owner[i] = s->owner[k[i].i];
        stale[i] = s->stale[k[i].i];
    }
    free(s->pages);
    free(s->owner);
    free(s->stale);
    s->pages = pages;
    s->owner = owner;
    s->stale = stale;
    free(k);
}

/* The merge when nothing is kept from before: every page of the load is
 * good, prev showed only pages of its own load (none kept), and the load
 * has the same pages in the same order as prev (one page edited in place,
 * the common case): then the merge below would show the load as it is,
 * so its pages and topics are taken as they are, and prev's slug index
 * (same slugs, same places) is reused, with no sort or lookup (at 10,000
 * pages the full merge cost 15-25 ms a reload). Topic slugs with capitals
 * are left to the full merge, which compares them ignoring case. NULL
 * when it does not apply. */
static ks_watch_snapshot *merge_same_pages(const ks_watch_snapshot *prev, wstore *fresh, uint64_t gen) {
    const ks_store *st = fresh->store;
    size_t n = ks_store_page_count(st), nt = ks_store_topic_count(st);
    if (!prev || !prev->ix || prev->n_pages != n || prev->status.n_stale || !n) return NULL;
    for (size_t i = 0; i < n; i++) {
        const ks_page *p = ks_store_page(st, i), *q = prev->pages[i];
        if (p->errors || (p->slug != q->slug && strcmp(p->slug, q->slug) != 0)) return NULL;
        if (p->topic != q->topic && strcmp(p->topic, q->topic) != 0) return NULL;
    }
    for (size_t t = 0; t < nt; t++) {
        const ks_topic *tp = ks_store_topic(st, t);
        for (const char *c = tp->slug; *c; c++)
            if (*c >= 'A' && *c <= 'Z') return NULL;
        if (!tp->index) return NULL;
    }
    ks_watch_snapshot *s = wsnap_empty(gen);
    s->latest = fresh;
    wstore_retain(fresh);
    s->n_pages = n;
    s->pages = ks_malloc(n * sizeof *s->pages);
    s->owner = ks_malloc(n * sizeof *s->owner);
    s->stale = ks_calloc(n, 1);
    for (size_t i = 0; i < n; i++) {
        s->pages[i] = ks_store_page(st, i);
        s->owner[i] = fresh;
    }
    s->n_topics = nt;
    s->topics = ks_malloc((nt ? nt : 1) * sizeof *s->topics);
    s->topic_owner = ks_malloc((nt ? nt : 1) * sizeof *s->topic_owner);
    for (size_t t = 0; t < nt; t++) {
        s->topics[t] = *ks_store_topic(st, t);
        s->topic_owner[t] = fresh;
    }
    atomic_fetch_add(&fresh->refs, (int)(n + nt));
    s->ix = ks_malloc(n * sizeof *s->ix + 1);
    for (size_t i = 0; i < n; i++) {
        s->ix[i].i = prev->ix[i].i;
        s->ix[i].slug = s->pages[s->ix[i].i]->slug;
    }
    s->status.n_pages = n;
    s->status.n_topics = nt;
    s->status.n_errors = ks_store_error_count(st);
    s->status.n_warnings = ks_store_diag_count(st) - s->status.n_errors;
    s->status.folder_ok = 1;
    return s;
}

ks_watch_snapshot *wsnap_merge(const ks_watch_snapshot *prev, wstore *fresh, const char *dir,
                               uint64_t gen, const char **reason) {
    const ks_store *st = fresh ? fresh->store : NULL;
    size_t n_new = st ? ks_store_page_count(st) : 0, n_prev = prev ? prev->n_pages : 0;
    size_t cap = 0, tcap = 0;
    slug_ix *prev_ix;
    unsigned char *seen;
    ks_watch_snapshot *s;
    const char **shown_topics;
    size_t n_shown;

    *reason = NULL;
    if (!st) {
        *reason = "the content folder cannot be read; keeping the last good content";
        return NULL;
    }
    if (n_new == 0 && n_prev > 0) {
        *reason = "the content folder holds no pages; keeping the last good content";
        return NULL;
    }
    if ((s = merge_same_pages(prev, fresh, gen)) != NULL) return s;
    s = wsnap_empty(gen);
    s->latest = fresh;
    wstore_retain(fresh);

    /* prev's own index is kept with it (immutable): no need to sort again */
    prev_ix = prev && prev->ix ? prev->ix : build_slug_ix(prev);
    seen = ks_calloc(n_prev + 1, 1);
    for (size_t i = 0; i < n_new; i++) {
        const ks_page *p = ks_store_page(st, i);
        long old = lookup(prev_ix, n_prev, p->slug);
        if (old >= 0) seen[old] = 1;
        if (p->errors == 0) push_page(s, &cap, p, fresh, 0);
        else if (old >= 0) push_page(s, &cap, prev->pages[old], prev->owner[old], 1);
    }
    /* Pages the load did not see: gone only when their file is gone. */
    for (size_t i = 0; i < n_prev; i++) {
        if (seen[i] || !file_exists(dir, prev->pages[i]->path)) continue;
        insert_kept(s, &cap, prev->pages[i], prev->owner[i]);
    }
    free(seen);
    if (!(prev && prev->ix)) free(prev_ix);

    /* Topics: the load's, with a broken index.md replaced by its last good
     * version; topics whose folder was not seen but whose pages are kept
     * stay too. */
    s->ix = build_slug_ix(s);
    shown_topics = list_topics(s, &n_shown);
    for (size_t i = 0; i < ks_store_topic_count(st); i++) {
        ks_topic t = *ks_store_topic(st, i);
        char *islug = ks_sprintf("%s/index", t.slug);
        long k = lookup(s->ix, s->n_pages, islug);
        wstore *owner = fresh;
        int shown = 0;
        free(islug);
        shown = has_topic(shown_topics, n_shown, t.slug);
        if (!shown) continue; /* nothing in it can be shown */
        if (k >= 0 && s->stale[k]) {
            const ks_page *ip = s->pages[k];
            t.index = ip;
            t.title = ip->title;
            t.summary = ip->summary;
            t.order = ip->order;
            t.icon = ip->icon[0] ? ip->icon : KS_TOPIC_ICON_DEFAULT;
            owner = s->owner[k];
        } else if (k < 0) {
            t.index = NULL;
        }
        push_topic(s, &tcap, &t, owner);
    }
    {
        /* the load's topics by slug: asking each of prev's topics by a scan
         * of them all was 3 million comparisons at 1,800 topics */
        size_t n_have = s->n_topics;
        const char **have_slugs = ks_malloc((n_have + 1) * sizeof *have_slugs);
        for (size_t i = 0; i < n_have; i++) have_slugs[i] = s->topics[i].slug;
        if (n_have) qsort(have_slugs, n_have, sizeof *have_slugs, cmp_cstr_ci);
        for (size_t j = 0; prev && j < prev->n_topics; j++) {
            const ks_topic *t = &prev->topics[j];
            if (has_topic(have_slugs, n_have, t->slug)) continue;
            if (has_topic(shown_topics, n_shown, t->slug)) push_topic(s, &tcap, t, prev->topic_owner[j]);
        }
        free(have_slugs);
    }
    free(shown_topics);
    if (s->n_topics > 1) {
        /* keep each topic's owner beside it while sorting */
        for (size_t i = 1; i < s->n_topics; i++) {
            ks_topic t = s->topics[i];
            wstore *o = s->topic_owner[i];
            size_t j = i;
            while (j > 0 && cmp_topic(&s->topics[j - 1], &t) > 0) {
                s->topics[j] = s->topics[j - 1];
                s->topic_owner[j] = s->topic_owner[j - 1];
                j--;
            }
            s->topics[j] = t;
            s->topic_owner[j] = o;
        }
    }

    /* A kept page goes where its own version belongs: a broken file often
     * has no readable section or order, so the load sorted it to the end
     * of its topic, and tiles and Previous/Next would follow. */
    sort_shown_pages(s);
    free(s->ix);
    s->ix = build_slug_ix(s);

    s->status.n_pages = s->n_pages;
    s->status.n_topics = s->n_topics;
    for (size_t i = 0; i < s->n_pages; i++) s->status.n_stale += s->stale[i];
    s->status.n_errors = ks_store_error_count(st);
    s->status.n_warnings = ks_store_diag_count(st) - s->status.n_errors;
    s->status.folder_ok = 1;
    return s;
}

static int same_diag(const ks_diag *a, const ks_diag *b) {
    return a->line == b->line && a->severity == b->severity && strcmp(a->path, b->path) == 0 &&
           strcmp(a->message, b->message) == 0;
}

int wsnap_same(const ks_watch_snapshot *a, const ks_watch_snapshot *b) {
    const ks_store *sa, *sb;
    if (!a || !b) return 0;
    if (a->n_pages != b->n_pages || a->n_topics != b->n_topics) return 0;
    for (size_t i = 0; i < a->n_pages; i++)
        if (a->pages[i]->hash != b->pages[i]->hash || a->stale[i] != b->stale[i] ||
            strcmp(a->pages[i]->slug, b->pages[i]->slug) != 0)
            return 0;
    for (size_t i = 0; i < a->n_topics; i++)
        if (strcmp(a->topics[i].slug, b->topics[i].slug) != 0 || strcmp(a->topics[i].title, b->topics[i].title) != 0 ||
            a->topics[i].order != b->topics[i].order)
            return 0;
    sa = ks_watch_snapshot_store(a);
    sb = ks_watch_snapshot_store(b);
    if (!sa || !sb) return sa == sb;
    if (ks_store_synonyms_hash(sa) != ks_store_synonyms_hash(sb)) return 0;
    if (ks_store_pictures_hash(sa) != ks_store_pictures_hash(sb)) return 0; /* a picture replaced */
    if (ks_store_home_count(sa) != ks_store_home_count(sb)) return 0; /* Home's questions (home.txt) */
    for (size_t i = 0; i < ks_store_home_count(sa); i++) {
        const ks_home_question *x = ks_store_home_question(sa, i), *y = ks_store_home_question(sb, i);
        if (strcmp(x->text, y->text) != 0 || strcmp(x->slug, y->slug) != 0 ||
            strcmp(x->anchor ? x->anchor : "", y->anchor ? y->anchor : "") != 0)
            return 0;
    }
    if (ks_store_diag_count(sa) != ks_store_diag_count(sb)) return 0;
    for (size_t i = 0; i < ks_store_diag_count(sa); i++)
        if (!same_diag(ks_store_diag(sa, i), ks_store_diag(sb, i))) return 0;
    return 1;
}

/* ------------------------------------------------------------ the logger */

/* What was logged is kept as 64-bit hashes, not as the lines: at 10,000
 * pages a load has tens of thousands of warnings, and formatting each one
 * on every load cost more than the load itself (issue 12). A line is
 * formatted only when it is written. The hashes live in open-addressing
 * tables (not sorted arrays searched by bisection): every reload asks
 * about every line, 17,000 at 10,000 real pages. */
typedef struct htab {
    uint64_t *keys; /* 0: empty (a key of 0 is stored as 1) */
    uint64_t *vals; /* NULL for a set */
    size_t mask;
} htab;

struct wlog {
    htab lines; /* hashes of the lines logged or seen last time */
    htab files; /* path hash -> the file's content hash at the last call */
};

static void htab_init(htab *t, size_t n, int with_vals) {
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    t->keys = ks_calloc(cap, sizeof *t->keys);
    t->vals = with_vals ? ks_calloc(cap, sizeof *t->vals) : NULL;
    t->mask = cap - 1;
}

static void htab_free(htab *t) {
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}

/* The slot of key: where it is, or the empty one where it would go. */
static size_t htab_slot(const htab *t, uint64_t key) {
    size_t i = (size_t)(key ^ (key >> 29)) & t->mask;
    while (t->keys[i] && t->keys[i] != key) i = (i + 1) & t->mask;
    return i;
}

static void htab_put(htab *t, uint64_t key, uint64_t val) {
    size_t i = htab_slot(t, key = key ? key : 1);
    t->keys[i] = key;
    if (t->vals) t->vals[i] = val;
}

/* 1 when key is there (its value in *val), else 0. */
static int htab_get(const htab *t, uint64_t key, uint64_t *val) {
    if (!t->keys) return 0;
    size_t i = htab_slot(t, key = key ? key : 1);
    if (!t->keys[i]) return 0;
    if (val && t->vals) *val = t->vals[i];
    return 1;
}

wlog *wlog_new(void) { return ks_calloc(1, sizeof(wlog)); }

void wlog_free(wlog *l) {
    if (!l) return;
    htab_free(&l->lines);
    htab_free(&l->files);
    free(l);
}

/* The content hash of the file at path in store (a page or synonyms.txt),
 * 0 when it is neither. */
static uint64_t file_hash(const ks_store *store, const char *path, size_t n) {
    if (strcmp(path, "synonyms.txt") == 0) return ks_store_synonyms_hash(store);
    if (n <= 3 || strcasecmp(path + n - 3, ".md") != 0) return 0;
    char small[256], *slug = n < sizeof small ? small : ks_malloc(n);
    memcpy(slug, path, n - 3);
    slug[n - 3] = 0;
    const ks_page *p = ks_store_find(store, slug);
    if (slug != small) free(slug);
    return p && strcmp(p->path, path) == 0 ? p->hash : 0;
}

/* A quick 64-bit hash of a line's text (8 bytes a step): the lines are
 * only compared with those of the last call, never stored elsewhere. */
static uint64_t text_hash(const char *s, size_t n, uint64_t h) {
    h ^= n * 0x9e3779b97f4a7c15ULL;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = (h ^ v) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        s += 8;
        n -= 8;
    }
    uint64_t v = 0;
    memcpy(&v, s, n);
    h = (h ^ v ^ ((uint64_t)n << 56)) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

/* One diagnostic as a hash of its path (ph, already hashed), line,
 * severity and message. */
static uint64_t diag_hash(const ks_diag *d, uint64_t ph) {
    uint64_t h = text_hash(d->message, strlen(d->message), ph);
    h = (h ^ ((uint64_t)(unsigned)d->line << 1 | (uint64_t)d->severity)) * 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 31);
}

size_t wlog_diags(wlog *l, const ks_store *store, int quiet) {
    size_t nd = ks_store_diag_count(store), logged = 0;
    htab lines, files;
    const char *last = NULL;
    uint64_t ph = 0, now_hash = 0, was_hash = 0;
    int first = l->lines.keys == NULL;
    htab_init(&lines, nd, 0);
    /* The hash of each file that has a problem (a file without one is never
     * asked about): not a copy of every page's path on every reload. */
    htab_init(&files, nd / 2 + 1, 1);
    for (size_t i = 0; i < nd; i++) {
        const ks_diag *d = ks_store_diag(store, i);
        if (!last || (d->path != last && strcmp(last, d->path) != 0)) { /* sorted by path: once per file */
            size_t n = strlen(d->path);
            last = d->path;
            ph = text_hash(d->path, n, 0);
            now_hash = file_hash(store, d->path, n);
            htab_put(&files, ph, now_hash);
            was_hash = 0;
            htab_get(&l->files, ph, &was_hash);
        }
        uint64_t h = diag_hash(d, ph);
        int seen = !first && now_hash == was_hash && htab_get(&l->lines, h, NULL);
        htab_put(&lines, h, 0);
        if (seen) continue; /* logged already, and its file has not changed */
        if (!quiet) {
            char *path = ks_escaped(d->path), *msg = ks_escaped(d->message);
            fprintf(stderr, "%s:%d: %s: %s\n", path, d->line, d->severity == KS_DIAG_ERROR ? "error" : "warning", msg);
            free(path);
            free(msg);
        }
        logged++;
    }
    htab_free(&l->lines);
    htab_free(&l->files);
    l->lines = lines;
    l->files = files;
    return logged;
}
