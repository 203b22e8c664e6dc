/* patch: the next snapshot made from the previous one when the only change
 * is pages edited in place (issue 12: one saved page at 10,000 pages).
 *
 * ks_store_load_changed trusts the previous load for every file inotify did
 * not name. When each named file is a page the previous load had, still a
 * regular file in a folder whose listing is as it was, and the new version
 * has the same shape (section, order, headings, pictures; not a topic's
 * index.md) and no error, nothing another page is checked against has
 * changed: every other page's record, checks and problems are what they
 * were. So the new snapshot shares the previous one's views of those pages
 * (reference-counted, never changed once their load is over), its topics,
 * order and problems, and only the named pages are read and checked. The
 * problems of the snapshot are the previous ones without those of the
 * named pages, plus theirs; the unused-synonyms check, which looks at every
 * page's words, runs again when there is a synonyms.txt.
 *
 * Pages whose file times were too close to their reading to be trusted
 * alone (reuse.c) are read again as a full load would, and kept as they
 * were when their bytes are the same. Anything else (a page added, removed,
 * renamed or broken, a changed heading, the review dates crossing a day,
 * too many files) returns NULL, and the caller loads. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* More files than this: a load is as quick. */
#define PATCH_MAX 64

/* Whether every review-date answer (store.c: is noon, local time, of the
 * date a year on before today?) is the same at now as at then: they change
 * only at a local noon. */
static int review_answers_same(time_t then, time_t now) {
    struct tm tm;
    if (now < then || !localtime_r(&then, &tm)) return 0;
    tm.tm_hour = 12;
    tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    time_t noon = mktime(&tm);
    if (noon < then) {
        tm.tm_mday++;
        tm.tm_hour = 12;
        tm.tm_min = tm.tm_sec = 0;
        tm.tm_isdst = -1;
        noon = mktime(&tm);
    }
    return noon != (time_t)-1 && now <= noon;
}

/* Whether two versions of a page agree on all that other pages, the
 * topics and the order depend on. */
static int same_shape(const ks_page *a, const ks_page *b) {
    size_t na, nb;
    const ks_link *ia = store_page_images(a, &na), *ib = store_page_images(b, &nb);
    if (strcmp(a->section, b->section) != 0 || a->order != b->order || a->is_topic_index != b->is_topic_index ||
        strcmp(a->topic, b->topic) != 0 || strcmp(a->path, b->path) != 0 || a->n_headings != b->n_headings ||
        na != nb)
        return 0;
    for (size_t i = 0; i < a->n_headings; i++)
        if (strcmp(a->headings[i].anchor, b->headings[i].anchor) != 0) return 0;
    for (size_t i = 0; i < na; i++)
        if (strcmp(ia[i].url, ib[i].url) != 0) return 0;
    return 1;
}

/* The pages to look at again: old, their previous views; fresh, the new
 * ones (NULL: kept as they were). */
typedef struct patch_set {
    const ks_page *old[PATCH_MAX];
    ks_page *fresh[PATCH_MAX];
    size_t n;
} patch_set;

static int set_add(patch_set *r, const ks_page *old) {
    for (size_t i = 0; i < r->n; i++)
        if (r->old[i] == old) return 1;
    if (r->n == PATCH_MAX) return 0;
    r->old[r->n] = old;
    r->fresh[r->n++] = NULL;
    return 1;
}

/* Which pages to read: the files named, each a page prev had (whose
 * folders are listed again and must read as before), and prev's pages
 * whose times it could not trust. 0: not a patch. */
static int choose(store_source *src, const ks_store *prev, char *const *changed, size_t n_changed, patch_set *r) {
    for (size_t i = 0; i < n_changed; i++) {
        const char *c = changed[i], *slash = strrchr(c, '/');
        size_t n = strlen(c);
        const ks_page *old = n > 3 ? store_find_slug(prev, c, n - 3) : NULL;
        if (!old || strcmp(old->path, c) != 0 || !set_add(r, old)) return 0;
        char *folder = ks_strndup(c, slash ? (size_t)(slash - c) : 0);
        int listed = 0;
        for (size_t k = 0; k < i && !listed; k++) { /* each folder once */
            const char *o = changed[k], *os = strrchr(o, '/');
            listed = (size_t)(os ? os - o : 0) == strlen(folder) && memcmp(o, folder, strlen(folder)) == 0;
        }
        int same = listed || store_source_relist_same(src, prev->listings, folder);
        free(folder);
        if (!same) return 0;
    }
    for (size_t i = 0; i < prev->n_untrusted; i++)
        if (!set_add(r, prev->untrusted[i])) return 0;
    return 1;
}

/* Read the chosen pages: a page whose record is the same is kept as it was
 * (its problems given again are dropped); another version must have the
 * same shape and the previous one no error. 0: not a patch. */
static int read_chosen(ks_store *s, store_source *src, patch_set *r) {
    for (size_t i = 0; i < r->n; i++) {
        const ks_page *old = r->old[i];
        size_t mark = s->diags.len;
        source_entry e;
        int kind = store_source_entry_open(s, src, old->path, &e);
        ks_page *p = kind == 'f' ? store_page_get(s, &e, old->path, old->topic) : NULL;
        store_source_entry_close(&e);
        if (!p) return 0;
        if (store_same_record(p, old)) {
            store_page_release(p);
            for (size_t k = mark; k < s->diags.len; k++) {
                free(s->diags.items[k].path);
                free(s->diags.items[k].message);
            }
            s->diags.len = mark;
            continue;
        }
        r->fresh[i] = p;
        if (!same_shape(old, p) || old->errors || old->is_topic_index || p->errors) return 0;
    }
    return 1;
}

/* prev's pages, topics, synonyms and Home, with the new versions in place
 * of the old (same slug, same place in both orders). */
static void copy_structure(ks_store *s, const ks_store *prev, const patch_set *r) {
    size_t n = prev->n_pages;
    s->pages = ks_malloc(n * sizeof *s->pages);
    s->by_slug = ks_malloc(n * sizeof *s->by_slug);
    memcpy(s->pages, prev->pages, n * sizeof *s->pages);
    memcpy(s->by_slug, prev->by_slug, n * sizeof *s->by_slug);
    s->n_pages = n;
    for (size_t i = 0; i < n; i++) store_page_retain(s->pages[i]);
    for (size_t k = 0; k < r->n; k++) {
        if (!r->fresh[k]) continue;
        for (size_t i = 0; i < n; i++)
            if (s->pages[i] == r->old[k]) {
                store_page_release(s->pages[i]);
                s->pages[i] = r->fresh[k];
            }
        for (size_t i = 0; i < n; i++)
            if (s->by_slug[i] == r->old[k]) s->by_slug[i] = r->fresh[k];
    }
    s->n_topics = prev->n_topics;
    s->topics = ks_malloc((s->n_topics ? s->n_topics : 1) * sizeof *s->topics);
    s->topic_by_slug = ks_malloc((s->n_topics ? s->n_topics : 1) * sizeof *s->topic_by_slug);
    for (size_t t = 0; t < s->n_topics; t++) {
        s->topics[t] = prev->topics[t]; /* title, summary, icon: from the shared index views */
        s->topics[t].slug = ks_strdup(prev->topics[t].slug);
        if (prev->topics[t].title == prev->topics[t].slug) s->topics[t].title = s->topics[t].slug;
        s->topic_by_slug[t] = prev->topic_by_slug[t];
    }
    s->n_synonyms = prev->n_synonyms;
    s->synonyms = ks_malloc((s->n_synonyms ? s->n_synonyms : 1) * sizeof *s->synonyms);
    for (size_t i = 0; i < s->n_synonyms; i++) {
        s->synonyms[i].from = ks_strdup(prev->synonyms[i].from);
        s->synonyms[i].to = ks_strdup(prev->synonyms[i].to);
        s->synonyms[i].line = prev->synonyms[i].line;
    }
    s->synonyms_hash = prev->synonyms_hash;
    s->n_home = prev->n_home;
    s->home = s->n_home ? ks_malloc(s->n_home * sizeof *s->home) : NULL;
    for (size_t i = 0; i < s->n_home; i++) {
        s->home[i] = prev->home[i];
        s->home[i].text = ks_strdup(prev->home[i].text);
        s->home[i].slug = ks_strdup(prev->home[i].slug);
        s->home[i].anchor = prev->home[i].anchor ? ks_strdup(prev->home[i].anchor) : NULL;
    }
    s->pictures_hash = prev->pictures_hash; /* the pictures' files are as they were: else no patch */
    s->n_pictures = prev->n_pictures;
}

/* Whether prev's diagnostic d stays: not one of a page read again, nor of
 * the unused-synonyms check when that runs again. */
static int diag_stays(const ks_diag *d, const patch_set *r, int synonyms_again) {
    if (synonyms_again && d->severity == KS_DIAG_WARNING && strcmp(d->path, "synonyms.txt") == 0) return 0;
    for (size_t k = 0; k < r->n; k++)
        if (r->fresh[k] && strcmp(d->path, r->old[k]->path) == 0) return 0;
    return 1;
}

/* The snapshot's diagnostics: prev's that stay and the new ones (in
 * s->diags), merged in order, every string in one block (a path shared by
 * the diagnostics of one file). */
static void merge_diags(ks_store *s, const ks_store *prev, const patch_set *r) {
    size_t nn = s->diags.len, np = prev->diags.len, bytes = 0, n = 0;
    ks_diag *fresh = s->diags.items;
    if (nn) qsort(fresh, nn, sizeof *fresh, store_diag_cmp);
    ks_diag *out = ks_malloc((np + nn + 1) * sizeof *out);
    for (size_t i = 0, k = 0; i < np || k < nn;) {
        const ks_diag *d;
        if (i < np && !diag_stays(&prev->diags.items[i], r, s->n_synonyms > 0)) {
            i++;
            continue;
        }
        if (k == nn || (i < np && store_diag_cmp(&prev->diags.items[i], &fresh[k]) <= 0)) d = &prev->diags.items[i++];
        else d = &fresh[k++];
        out[n++] = *d;
        bytes += strlen(d->path) + strlen(d->message) + 2;
    }
    char *arena = ks_malloc(bytes + 1), *at = arena;
    const char *last_path = NULL;
    char *last_copy = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t lm = strlen(out[i].message) + 1;
        if (last_path && strcmp(last_path, out[i].path) == 0) {
            last_path = out[i].path;
            out[i].path = last_copy;
        } else {
            size_t lp = strlen(out[i].path) + 1;
            last_path = out[i].path;
            memcpy(at, out[i].path, lp);
            out[i].path = last_copy = at;
            at += lp;
        }
        memcpy(at, out[i].message, lm);
        out[i].message = at;
        at += lm;
    }
    for (size_t k = 0; k < nn; k++) {
        free(fresh[k].path);
        free(fresh[k].message);
    }
    free(fresh);
    s->diags.items = out;
    s->diags.len = s->diags.cap = n;
    s->diag_arena = arena;
    s->n_errors = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i].severity == KS_DIAG_ERROR) s->n_errors++;
}

ks_store *store_patch(store_source *src, const char *dir, const ks_store *prev, char *const *changed,
                      size_t n_changed, const ks_store_options *opts) {
    int64_t load_ns = store_reuse_clock_ns(); /* before any stat: see reuse.c */
    time_t today = opts && opts->today ? opts->today : time(NULL);
    patch_set r;
    r.n = 0;
    if (!prev->n_pages || (opts ? opts->no_grade : 0) != prev->no_grade || !review_answers_same(prev->today, today) ||
        !choose(src, prev, changed, n_changed, &r))
        return NULL;

    ks_store *s = ks_calloc(1, sizeof *s);
    s->dir = ks_strdup(dir);
    s->today = today;
    s->no_grade = prev->no_grade;
    if (opts) s->opts = *opts;
    s->config = opts ? opts->config : NULL;
    s->page_opts_key = prev->page_opts_key;
    s->prev = prev;
    s->load_ns = load_ns;
    int ok = read_chosen(s, src, &r);
    if (!ok) {
        for (size_t k = 0; k < r.n; k++) store_page_release(r.fresh[k]);
        ks_store_free(s);
        return NULL;
    }
    copy_structure(s, prev, &r); /* the new views now belong to s */
    for (size_t k = 0; k < r.n; k++)
        if (r.fresh[k]) {
            store_check_page(s, r.fresh[k]);
            ok &= r.fresh[k]->errors == 0;
        }
    if (!ok) { /* a link of its own now broken: the load says so */
        ks_store_free(s);
        return NULL;
    }
    store_synonyms_check_used(s);
    merge_diags(s, prev, &r);
    s->listings = store_source_patch_listings(src, prev->listings);
    /* still not trusted: prev's that were kept as they were, and the new
     * versions read within the last moments */
    for (size_t i = 0; i < prev->n_untrusted; i++) {
        size_t k = 0;
        while (k < r.n && r.old[k] != prev->untrusted[i]) k++;
        if (k == r.n || !r.fresh[k]) {
            s->untrusted = ks_realloc(s->untrusted, (s->n_untrusted + 1) * sizeof *s->untrusted);
            s->untrusted[s->n_untrusted++] = prev->untrusted[i];
        }
    }
    for (size_t k = 0; k < r.n; k++)
        if (r.fresh[k] && !store_file_trusted_page(r.fresh[k])) {
            s->untrusted = ks_realloc(s->untrusted, (s->n_untrusted + 1) * sizeof *s->untrusted);
            s->untrusted[s->n_untrusted++] = r.fresh[k];
        }
    s->n_reused = s->n_pages - s->n_parsed;
    s->prev = NULL;
    s->config = NULL;
    return s;
}
