/* store: scanning the content folder into a snapshot, and the checks that
 * need every page at once (duplicate slugs, links, topics, review dates,
 * reading grade, unused synonyms). */
#include "store_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const ks_standard_sections[KS_SECTION_COUNT] = {
    "what-it-is", "assessment", "injection", "recovery", "risks", "candidacy"};

const char *const ks_icon_names[] = {"info", "clipboard", "needle", "bandage", "warning", "person-check",
                                     "bone", "ozone", "book", "question", NULL};

int ks_icon_known(const char *name) {
    for (size_t i = 0; name && ks_icon_names[i]; i++)
        if (strcmp(name, ks_icon_names[i]) == 0) return 1;
    return 0;
}

const char *ks_section_icon(const char *section) {
    static const char *const icons[KS_SECTION_COUNT] = {"info", "clipboard", "needle", "bandage", "warning",
                                                        "person-check"};
    int r = section ? ks_section_rank(section) : -1;
    return r < 0 ? NULL : icons[r];
}

int ks_section_rank(const char *section) {
    for (int i = 0; i < KS_SECTION_COUNT; i++) /* (the first letter first: 30,000 calls a load) */
        if (section[0] == ks_standard_sections[i][0] && strcmp(section, ks_standard_sections[i]) == 0) return i;
    return -1;
}

/* ------------------------------------------------------------ diagnostics */

void store_diag_add(diag_list *d, const char *path, int line, ks_severity sev, const char *fmt, ...) {
    if (d->count_only) {
        d->counted++;
        d->counted_errors += sev == KS_DIAG_ERROR;
        return;
    }
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = ks_realloc(d->items, d->cap * sizeof(ks_diag));
    }
    ks_diag *x = &d->items[d->len++];
    va_list ap;
    va_start(ap, fmt);
    if (strcmp(fmt, "%s") == 0) { /* a reused record's message, 10,000 times a load: no formatting */
        x->message = ks_strdup(va_arg(ap, const char *));
    } else if (!strchr(fmt, '%')) { /* a fixed message: thousands a load, nothing to format */
        x->message = ks_strdup(fmt);
    } else {
        ks_buf b = {0};
        ks_buf_vprintf(&b, fmt, ap);
        x->message = ks_buf_detach(&b);
    }
    va_end(ap);
    x->path = ks_strdup(path);
    x->line = line < 1 ? 1 : line;
    x->severity = sev;
}

int store_diag_cmp(const void *a, const void *b) {
    const ks_diag *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c) return c;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    return strcmp(x->message, y->message);
}

/* ------------------------------------------------------------ scanning */

typedef struct page_list {
    ks_page **items;
    size_t len, cap;
} page_list;

static void page_list_add(page_list *l, ks_page *p) {
    if (!p) return;
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->items = ks_realloc(l->items, l->cap * sizeof(ks_page *));
    }
    l->items[l->len++] = p;
}

static int is_markdown(const char *name) {
    size_t n = strlen(name);
    return n > 3 && strcasecmp(name + n - 3, ".md") == 0;
}

void store_unknown_add(ks_store *s, const char *rel, int folder) {
    size_t n = strlen(rel);
    char *u = folder ? ks_sprintf("%s/", rel) : ks_strndup(rel, is_markdown(rel) ? n - 3 : n);
    for (char *c = u; *c; c++) *c = (char)tolower((unsigned char)*c);
    s->unknown = ks_realloc(s->unknown, (s->n_unknown + 1) * sizeof *s->unknown);
    s->unknown[s->n_unknown++] = u;
}

int store_meant_as_content(const char *rel) {
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    return is_markdown(base) || strcmp(base, "synonyms.txt") == 0;
}

/* Read one topic folder (a folder at the top of content/). */
static void scan_topic(ks_store *store, store_source *src, const char *name, const char **names, size_t n,
                       page_list *pages, int *has_index) {
    *has_index = 0;
    for (size_t i = 0; i < n; i++) {
        const char *entry = names[i];
        if (entry[0] == '_' || entry[0] == '.') continue;
        size_t nl = strlen(name), el = strlen(entry); /* "name/entry": every page of every load */
        char *rel = ks_malloc(nl + el + 2);
        memcpy(rel, name, nl);
        rel[nl] = '/';
        memcpy(rel + nl + 1, entry, el + 1);
        source_entry e;
        int kind = store_source_entry_open(store, src, rel, &e);
        if (kind == 'f' && is_markdown(entry)) {
            if (strcasecmp(entry, "index.md") == 0) *has_index = 1;
            page_list_add(pages, store_page_get(store, &e, rel, name));
        } else if (kind == 'd') {
            size_t sub_n;
            const char **sub = store_source_list(src, rel, &sub_n);
            int md = 0;
            for (size_t k = 0; sub && k < sub_n; k++) md |= is_markdown(sub[k]);
            if (md)
                store_diag_add(&store->diags, rel, 1, KS_DIAG_WARNING,
                         "pages in folders inside a topic are not shown; move them up into '%s'", name);
            free(sub);
        }
        store_source_entry_close(&e);
        free(rel);
    }
}

/* Whether a folder holds any Markdown file (so it is meant as a topic):
 * 1 yes, 0 no, -1 it cannot be read (errno set). Its names (listed once,
 * for scan_topic) in *names, *n: the caller frees the array (the names are
 * the source's, see store_source_list). */
static int folder_has_pages(store_source *src, const char *rel, const char ***names, size_t *n) {
    int md = 0;
    *names = store_source_list(src, rel, n);
    if (!*names) return errno == ENOENT ? 0 : -1;
    for (size_t i = 0; i < *n; i++)
        if ((*names)[i][0] != '_' && (*names)[i][0] != '.' && is_markdown((*names)[i])) md = 1;
    return md;
}

/* ------------------------------------------------------------ sorting */

static int slug_ptr_cmp(const void *a, const void *b) {
    const ks_page *x = *(ks_page *const *)a, *y = *(ks_page *const *)b;
    return strcmp(x->slug, y->slug);
}

static int topic_cmp(const void *a, const void *b) {
    const ks_topic *x = a, *y = b;
    if (x->order != y->order) return x->order < y->order ? -1 : 1;
    return strcmp(x->slug, y->slug);
}

/* Sort keys of a page: topic position, place in topic, order, slug. */
/* The position of a topic in s->topics by its slug, or -1: a binary search
 * in s->topic_by_slug, which lists topic positions in slug order. */
static int topic_rank_of(const ks_store *s, const char *slug) {
    size_t lo = 0, hi = s->n_topics;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(slug, s->topics[s->topic_by_slug[mid]].slug);
        if (c == 0) return (int)s->topic_by_slug[mid];
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return -1;
}

/* The same, remembering the last topic asked: the pages are asked in slug
 * order, so a topic's pages come one after another (20,000 searches a
 * load at 10,000 pages). */
typedef struct topic_memo {
    const char *slug;
    int rank;
} topic_memo;

static int topic_rank_memo(const ks_store *s, const char *slug, topic_memo *m) {
    if (!m->slug || strcmp(m->slug, slug) != 0) {
        m->slug = slug;
        m->rank = topic_rank_of(s, slug);
    }
    return m->rank;
}

/* Fill s->topic_by_slug, once s->topics is in its final order. */
static void index_topics(ks_store *s) {
    s->topic_by_slug = ks_malloc((s->n_topics ? s->n_topics : 1) * sizeof(size_t));
    for (size_t i = 0; i < s->n_topics; i++) s->topic_by_slug[i] = i;
    for (size_t i = 1; i < s->n_topics; i++) /* insertion sort: a handful of topics */
        for (size_t j = i; j > 0 && strcmp(s->topics[s->topic_by_slug[j - 1]].slug,
                                           s->topics[s->topic_by_slug[j]].slug) > 0; j--) {
            size_t t = s->topic_by_slug[j];
            s->topic_by_slug[j] = s->topic_by_slug[j - 1];
            s->topic_by_slug[j - 1] = t;
        }
}

/* Sort keys of a page: topic position, place in topic, order, slug. */
static void page_keys(const ks_store *s, const ks_page *p, int *topic_rank, int *place, topic_memo *m) {
    *topic_rank = -1;
    if (p->topic[0]) {
        *topic_rank = topic_rank_memo(s, p->topic, m);
        if (*topic_rank < 0) *topic_rank = (int)s->n_topics; /* topic without index */
    }
    int r = ks_section_rank(p->section);
    *place = p->is_topic_index ? 0 : r >= 0 ? 1 + r : 100;
}

/* A page with its sort keys worked out once. */
typedef struct sort_item {
    ks_page *page;
    int topic_rank, place;
} sort_item;

static int sort_item_cmp(const void *a, const void *b) {
    const sort_item *x = a, *y = b;
    if (x->topic_rank != y->topic_rank) return x->topic_rank < y->topic_rank ? -1 : 1;
    if (x->place != y->place) return x->place < y->place ? -1 : 1;
    if (x->page->order != y->page->order) return x->page->order < y->page->order ? -1 : 1;
    return strcmp(x->page->slug, y->page->slug);
}

/* Put s->pages in the public order (see store.h). */
static void sort_pages(ks_store *s) {
    sort_item *items = ks_malloc(s->n_pages * sizeof(sort_item));
    topic_memo memo = {0};
    for (size_t i = 0; i < s->n_pages; i++) {
        items[i].page = s->pages[i];
        page_keys(s, s->pages[i], &items[i].topic_rank, &items[i].place, &memo);
    }
    if (s->n_pages) qsort(items, s->n_pages, sizeof(sort_item), sort_item_cmp);
    for (size_t i = 0; i < s->n_pages; i++) s->pages[i] = items[i].page;
    free(items);
}

/* ------------------------------------------------------------ checks */

/* Whether the date "YYYY-MM-DD" is more than 12 months before today. */
static int older_than_a_year_uncached(const char *date, time_t today);

/* The same, remembering the last date asked: pages share a few dates, and
 * mktime reads the time zone file again on every call. */
static int older_than_a_year(const char *date, ks_store *s) {
    if (strlen(date) >= sizeof s->review_memo_date) return older_than_a_year_uncached(date, s->today);
    if (strcmp(date, s->review_memo_date) != 0) {
        snprintf(s->review_memo_date, sizeof s->review_memo_date, "%s", date);
        s->review_memo_old = older_than_a_year_uncached(date, s->today);
    }
    return s->review_memo_old;
}

static int older_than_a_year_uncached(const char *date, time_t today) {
    struct tm tm = {0};
    if (sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return 0;
    tm.tm_year = tm.tm_year - 1900 + 1;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    return mktime(&tm) < today;
}

/* STORE_GRADE_MSG for grade, exactly as printf makes it, without printf's
 * floating point: a page read back from a records file has no message
 * made with its record, and formatting 6,000 of them was a tenth of
 * kiosk index's instructions at 10,000 pages. One decimal, rounded as
 * printf rounds the exact value; near a tie (where grade * 10 may be off
 * by its last bit), or out of range, printf itself. Into buf[cap]. */
static const char *grade_msg(char *buf, size_t cap, double grade) {
    static const char fmt[] = STORE_GRADE_MSG;
    const char *at = strstr(fmt, "%.1f");
    if (!at || !(grade >= 0.0 && grade < 1e6) || cap < sizeof fmt + 16) {
        snprintf(buf, cap, STORE_GRADE_MSG, grade);
        return buf;
    }
    double t = grade * 10.0, frac = t - (double)(long)t;
    if (frac > 0.5 - 1e-6 && frac < 0.5 + 1e-6) {
        snprintf(buf, cap, STORE_GRADE_MSG, grade);
        return buf;
    }
    long k = (long)t + (frac > 0.5);
    char digits[24];
    size_t n = 0, pre = (size_t)(at - fmt);
    digits[n++] = (char)('0' + k % 10);
    digits[n++] = '.';
    for (long w = k / 10; n == 2 || w > 0; w /= 10) digits[n++] = (char)('0' + w % 10);
    memcpy(buf, fmt, pre);
    for (size_t i = 0; i < n; i++) buf[pre + i] = digits[n - 1 - i];
    memcpy(buf + pre + n, at + 4, strlen(at + 4) + 1);
    return buf;
}

/* The checks of one page that depend on the others only through their
 * names and headings (links), on today (review date) and on the options:
 * problems to s->diags, counted in p->errors and p->warnings. */
void store_check_page(ks_store *s, ks_page *p) {
    store_page_check_links(s, p);
    if (p->errors) return;
    if (!p->reviewed[0]) {
        store_diag_add(&s->diags, p->path, 1, KS_DIAG_WARNING,
                 "no 'reviewed' date: add the date the page was last checked, like 'reviewed: 2026-11-01'");
        p->warnings++;
    } else if (older_than_a_year(p->reviewed, s)) {
        const char *m = store_page_reviewed_msg(p);
        if (m) store_diag_add(&s->diags, p->path, 1, KS_DIAG_WARNING, "%s", m);
        else store_diag_add(&s->diags, p->path, 1, KS_DIAG_WARNING, STORE_REVIEWED_MSG, p->reviewed);
        p->warnings++;
    }
    if ((!strcmp(p->section, "recovery") || !strcmp(p->section, "risks")) &&
        !store_page_has_help_callout(p)) {
        store_diag_add(&s->diags, p->path, 1, KS_DIAG_WARNING,
                 "a %s page needs a 'When to get help' callout: lines starting with '>', the first "
                 "'> **When to get help**', then when to call the clinic and when to call the "
                 "emergency number",
                 p->section);
        p->warnings++;
    }
    if (!s->no_grade && p->grade > 8.0) {
        const char *m = store_page_grade_msg(p);
        if (m) store_diag_add(&s->diags, p->path, p->body_line, KS_DIAG_WARNING, "%s", m);
        else {
            char buf[256];
            store_diag_add(&s->diags, p->path, p->body_line, KS_DIAG_WARNING, "%s", grade_msg(buf, sizeof buf, p->grade));
        }
        p->warnings++;
    }
}

static void check_pages(ks_store *s) {
    for (size_t i = 0; i < s->n_pages; i++) store_check_page(s, s->pages[i]);
    /* Which standard sections each topic has: one pass over the pages. */
    unsigned *have = ks_calloc(s->n_topics ? s->n_topics : 1, sizeof(unsigned));
    topic_memo memo = {0};
    for (size_t i = 0; i < s->n_pages; i++) {
        int t = s->pages[i]->topic[0] ? topic_rank_memo(s, s->pages[i]->topic, &memo) : -1;
        int r = ks_section_rank(s->pages[i]->section);
        if (r < 0 && s->pages[i]->errors && !s->pages[i]->section[0]) {
            /* A broken page whose section could not be read: its file name
             * says which section it is, and its own error says what is
             * wrong, so "the topic has no 'risks' page" would only mislead. */
            const char *base = strrchr(s->pages[i]->slug, '/');
            r = ks_section_rank(base ? base + 1 : s->pages[i]->slug);
        }
        if (t >= 0 && r >= 0) have[t] |= 1u << r;
    }
    /* the six messages made once, not once per topic (thousands a load) */
    char *missing[KS_SECTION_COUNT];
    for (int k = 0; k < KS_SECTION_COUNT; k++)
        missing[k] = ks_sprintf("the topic has no '%s' page (a page with 'section: %s')", ks_standard_sections[k],
                                ks_standard_sections[k]);
    for (size_t t = 0; t < s->n_topics; t++) {
        if (have[t] == (1u << KS_SECTION_COUNT) - 1) continue; /* nothing missing: no path to make */
        /* (only counted: no path either) */
        char *path = s->diags.count_only ? NULL : ks_sprintf("%s/index.md", s->topics[t].slug);
        for (int k = 0; k < KS_SECTION_COUNT; k++)
            if (!(have[t] & (1u << k)))
                store_diag_add(&s->diags, path ? path : "", 1, KS_DIAG_WARNING, "%s", missing[k]);
        free(path);
    }
    for (int k = 0; k < KS_SECTION_COUNT; k++) free(missing[k]);
    free(have);
}

/* ------------------------------------------------------------ loading */

/* Scan and check the files of src into a new snapshot named dir, reusing
 * the records of prev for unchanged files (reuse.c; prev may be NULL). */
static ks_store *load_from(store_source *src, const char *dir, const ks_store *prev, const ks_store_options *opts,
                           int *err, const ks_store_walk *walk) {
    /* before any stat (see reuse.c): a walk's stats began at its clock */
    int64_t load_ns = walk ? store_walk_clock(walk) : store_reuse_clock_ns();
    size_t n;
    const char **names = store_source_list(src, "", &n);
    if (!names) {
        int e = errno;
        if (err) *err = KS_ERR_IO;
        errno = e;
        return NULL;
    }

    ks_store *s = ks_calloc(1, sizeof *s);
    s->dir = ks_strdup(dir);
    s->today = opts && opts->today ? opts->today : time(NULL);
    s->no_grade = opts ? opts->no_grade : 0;
    s->diags.count_only = opts ? opts->count_diags != 0 : 0;
    if (opts) s->opts = *opts;
    s->config = opts ? opts->config : NULL; /* NULL: the fallback words */
    s->page_opts_key = store_reuse_options_key(opts);
    s->prev = store_reuse_usable_prev(s, dir, prev);
    s->load_ns = load_ns;
    page_list pages = {0};
    size_t topic_cap = 8;
    s->topics = ks_calloc(topic_cap, sizeof(ks_topic));
    char *synonyms_text = NULL, *intents_text = NULL, *home_text = NULL;
    size_t synonyms_len = 0, intents_len = 0, home_len = 0;
    /* every page is read (no snapshot to reuse): read ahead of the parser */
    store_ahead *ahead = s->prev ? NULL : store_ahead_start(store_source_fd(src), names, n);
    store_source_set_ahead(src, ahead);

    for (size_t i = 0; i < n; i++) {
        const char *name = names[i];
        if (name[0] == '_' || name[0] == '.') continue;
        source_entry e;
        int kind = store_source_entry_open(s, src, name, &e);
        const char **topic_names = NULL;
        size_t topic_n = 0;
        int has_pages = kind == 'd' ? folder_has_pages(src, name, &topic_names, &topic_n) : 0, read_errno = errno;
        if (kind == 'f' && is_markdown(name)) {
            page_list_add(&pages, store_page_get(s, &e, name, ""));
        } else if (kind == 'f' && strcmp(name, "synonyms.txt") == 0) {
            int rc = store_source_entry_read(&e, KS_STORE_MAX_FILE, &synonyms_text, &synonyms_len);
            if (rc != KS_OK && rc != KS_ERR_NOT_FOUND) {
                store_diag_add(&s->diags, name, 1, KS_DIAG_ERROR, "cannot read synonyms.txt: %s; the last synonyms stay",
                         rc == KS_ERR_TOO_BIG ? "larger than 1 MiB" : strerror(errno));
                store_unknown_add(s, name, 0);
            }
        } else if (kind == 'f' && strcmp(name, "intents.txt") == 0) {
            int rc = store_source_entry_read(&e, KS_STORE_MAX_FILE, &intents_text, &intents_len);
            if (rc != KS_OK && rc != KS_ERR_NOT_FOUND)
                store_diag_add(&s->diags, name, 1, KS_DIAG_ERROR, "cannot read intents.txt: %s",
                         rc == KS_ERR_TOO_BIG ? "larger than 1 MiB" : strerror(errno));
        } else if (kind == 'f' && strcmp(name, "home.txt") == 0) {
            int rc = store_source_entry_read(&e, KS_STORE_MAX_FILE, &home_text, &home_len);
            if (rc != KS_OK && rc != KS_ERR_NOT_FOUND)
                store_diag_add(&s->diags, name, 1, KS_DIAG_ERROR, "cannot read home.txt: %s",
                         rc == KS_ERR_TOO_BIG ? "larger than 1 MiB" : strerror(errno));
        } else if (has_pages < 0) {
            store_diag_add(&s->diags, name, 1, KS_DIAG_ERROR,
                     "cannot read this folder: %s; its pages stay as they were", strerror(read_errno));
            store_unknown_add(s, name, 1);
        } else if (has_pages > 0) {
            size_t first = pages.len;
            int has_index;
            scan_topic(s, src, name, topic_names, topic_n, &pages, &has_index);
            if (!has_index) {
                char *path = ks_sprintf("%s/index.md", name);
                store_diag_add(&s->diags, path, 1, KS_DIAG_ERROR,
                         "the topic folder '%s' has no index.md (title, summary, order), so it is not shown",
                         name);
                free(path);
                for (size_t k = first; k < pages.len; k++) pages.items[k]->errors++;
            } else {
                if (s->n_topics == topic_cap)
                    s->topics = ks_realloc(s->topics, (topic_cap *= 2) * sizeof(ks_topic));
                ks_topic *t = &s->topics[s->n_topics++];
                memset(t, 0, sizeof *t);
                t->slug = ks_strdup(name);
            }
        }
        free(topic_names);
        store_source_entry_close(&e);
    }
    store_source_set_ahead(src, NULL);
    store_ahead_stop(ahead); /* before names, which it borrows */
    free(names);
    s->prev = NULL; /* the caller may free it once we return */

    /* Page names the kiosk cannot keep (the screens hold a slug of at most
     * KS_STORE_MAX_SLUG bytes). */
    for (size_t i = 0; i < pages.len; i++) {
        size_t len = strlen(pages.items[i]->slug);
        if (len > KS_STORE_MAX_SLUG) {
            store_diag_add(&s->diags, pages.items[i]->path, 1, KS_DIAG_ERROR,
                     "the page name is %zu bytes long; the kiosk shows names up to %d bytes: shorten the file name",
                     len, KS_STORE_MAX_SLUG);
            pages.items[i]->errors++;
        }
    }

    /* Duplicate slugs: keep the first, report and drop the others. */
    if (pages.len) qsort(pages.items, pages.len, sizeof(ks_page *), slug_ptr_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < pages.len; i++) {
        if (kept && strcmp(pages.items[kept - 1]->slug, pages.items[i]->slug) == 0) {
            store_diag_add(&s->diags, pages.items[i]->path, 1, KS_DIAG_ERROR,
                     "two files give the page name '%s' (names ignore upper and lower case): rename one (the other is %s)",
                     pages.items[i]->slug, pages.items[kept - 1]->path);
            store_page_release(pages.items[i]);
            continue;
        }
        pages.items[kept++] = pages.items[i];
    }
    s->n_pages = kept;
    s->by_slug = pages.items; /* sorted by slug: ks_store_find() searches it */
    s->pages = ks_malloc((kept ? kept : 1) * sizeof(ks_page *));
    if (kept) memcpy(s->pages, s->by_slug, kept * sizeof(ks_page *));

    /* Topics take their title, summary and order from index.md. */
    for (size_t t = 0; t < s->n_topics; t++) {
        ks_topic *topic = &s->topics[t];
        ks_buf slug = {0}; /* not ks_sprintf: 1,774 topics a load at 10,000 pages */
        ks_buf_puts(&slug, topic->slug);
        ks_buf_puts(&slug, "/index");
        topic->index = store_find_slug(s, slug.data, slug.len);
        ks_buf_free(&slug);
        topic->title = topic->index && topic->index->title[0] ? topic->index->title : topic->slug;
        topic->summary = topic->index ? topic->index->summary : "";
        topic->order = topic->index ? topic->index->order : 100;
        topic->icon = topic->index && topic->index->icon[0] ? topic->index->icon : KS_TOPIC_ICON_DEFAULT;
    }
    if (s->n_topics) qsort(s->topics, s->n_topics, sizeof(ks_topic), topic_cmp);
    index_topics(s);

    if (synonyms_text) {
        s->synonyms_hash = ks_hash64(synonyms_text, synonyms_len);
        store_synonyms_parse(s, synonyms_text, synonyms_len);
        free(synonyms_text);
    }
    if (intents_text) { /* section intents ride along with the synonyms (target "@section") */
        s->synonyms_hash = s->synonyms_hash * 31 + ks_hash64(intents_text, intents_len) + 1;
        store_intents_parse(s, intents_text, intents_len);
        free(intents_text);
    }
    check_pages(s);
    if (home_text) { /* after check_pages: the pages and their headings are known */
        store_home_parse(s, home_text, home_len);
        free(home_text);
    }
    store_synonyms_check_used(s);
    store_pictures_check(s, src);

    sort_pages(s);

    if (s->diags.len) qsort(s->diags.items, s->diags.len, sizeof(ks_diag), store_diag_cmp);
    s->n_errors = s->diags.counted_errors;
    for (size_t i = 0; i < s->diags.len; i++)
        if (s->diags.items[i].severity == KS_DIAG_ERROR) s->n_errors++;
    s->config = NULL; /* the configuration is only read while loading */
    s->listings = store_source_take_listings(src);
    if (s->listings) store_note_untrusted(s);
    if (err) *err = KS_OK;
    return s;
}

ks_store *ks_store_load(const char *dir, const ks_store_options *opts, int *err) {
    return ks_store_load_from(dir, NULL, opts, err);
}

ks_store *ks_store_load_from(const char *dir, const ks_store *prev, const ks_store_options *opts, int *err) {
    store_source *src = store_source_open_dir(dir, err);
    if (!src) return NULL;
    ks_store *s = load_from(src, dir, prev, opts, err, NULL);
    int e = errno;
    store_source_close(src);
    errno = e;
    return s;
}

ks_store *ks_store_load_walked(const char *dir, const ks_store *prev, ks_store_walk *walk,
                               const ks_store_options *opts, int *err) {
    store_source *src = store_source_open_dir(dir, err);
    if (!src) return NULL;
    if (walk && !store_source_use_walk(src, walk)) walk = NULL; /* another folder: look for real */
    ks_store *s = load_from(src, dir, prev, opts, err, walk);
    int e = errno;
    store_source_close(src);
    errno = e;
    return s;
}

ks_store *ks_store_load_changed(const char *dir, const ks_store *prev, char *const *changed, size_t n_changed,
                                const ks_store_options *opts, int *err) {
    /* prev must have been loaded from a folder, whole, with these options,
     * and with nothing it could not read (an unreadable file or folder is
     * looked at again by a full load only). */
    if (!prev || !prev->listings || prev->is_records || prev->has_skeletons || prev->n_unknown ||
        prev->diags.count_only || (opts && opts->count_diags) ||
        prev->page_opts_key != store_reuse_options_key(opts)) {
        if (err) *err = KS_ERR_INVALID;
        return NULL;
    }
    store_source *src = store_source_open_dir(dir, err);
    if (!src) return NULL;
    store_source_trust(src, prev, changed, n_changed);
    /* the pages a change cannot touch shared with prev (patch.c), or when
     * the change is more than pages edited in place, a load that trusts
     * prev for the rest */
    ks_store *s = store_patch(src, dir, prev, changed, n_changed, opts);
    if (s) {
        if (err) *err = KS_OK;
        store_source_close(src);
        return s;
    }
    store_source_close(src);
    if (!(src = store_source_open_dir(dir, err))) return NULL;
    store_source_trust(src, prev, changed, n_changed);
    s = load_from(src, dir, prev, opts, err, NULL);
    int e = errno;
    store_source_close(src);
    errno = e;
    return s;
}

ks_store *ks_store_load_files(const char *name, const ks_store_file *files, size_t n,
                              const ks_store_options *opts) {
    store_source *src = store_source_memory(files, n);
    ks_store *s = load_from(src, name, NULL, opts, NULL, NULL);
    store_source_close(src);
    return s;
}

void ks_store_free(ks_store *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n_pages; i++) store_page_release(s->pages[i]);
    free(s->pages);
    free(s->by_slug);
    for (size_t i = 0; i < s->n_topics; i++) free((char *)s->topics[i].slug);
    free(s->topics);
    free(s->topic_by_slug);
    for (size_t i = 0; i < s->n_synonyms; i++) {
        free(s->synonyms[i].from);
        free(s->synonyms[i].to);
    }
    free(s->synonyms);
    store_home_free(s);
    for (size_t i = 0; !s->diag_arena && i < s->diags.len; i++) {
        free(s->diags.items[i].path);
        free(s->diags.items[i].message);
    }
    free(s->diag_arena);
    free(s->diags.items);
    free(s->untrusted);
    for (size_t i = 0; i < s->n_unknown; i++) free(s->unknown[i]);
    free(s->unknown);
    store_listings_free(s->listings);
    free(s->records_file);
    free(s->dir);
    free(s);
}

/* ------------------------------------------------------------ accessors */

const char *ks_store_dir(const ks_store *s) { return s->dir; }

const char *ks_store_empty_reason(const ks_store *s, int load_errno) {
    if (s) return s->n_pages ? NULL : "the content folder holds no pages (no .md file at its top or in a topic folder)";
    switch (load_errno) {
    case ENOENT: return "the content folder does not exist";
    case ENOTDIR: return "the content folder is not a folder";
    case EACCES:
    case EPERM: return "the content folder may not be read (permissions)";
    default: return "the content folder cannot be read";
    }
}
size_t ks_store_page_count(const ks_store *s) { return s->n_pages; }
const ks_page *ks_store_page(const ks_store *s, size_t i) { return i < s->n_pages ? s->pages[i] : NULL; }

const ks_page *store_find_slug(const ks_store *s, const char *slug, size_t n) {
    size_t at;
    return store_find_slug_at(s, slug, n, &at);
}

const ks_page *store_find_slug_at(const ks_store *s, const char *slug, size_t n, size_t *at) {
    /* lowercased on the stack: this runs for every page of every load */
    char small[256], *key = n < sizeof small ? small : ks_malloc(n + 1);
    for (size_t i = 0; i < n; i++) key[i] = (char)tolower((unsigned char)slug[i]);
    key[n] = 0;
    size_t lo = 0, hi = s->n_pages;
    const ks_page *found = NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, s->by_slug[mid]->slug);
        if (c == 0) {
            found = s->by_slug[mid];
            *at = mid;
            break;
        }
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    if (key != small) free(key);
    return found;
}

const ks_page *ks_store_find(const ks_store *s, const char *slug) { return store_find_slug(s, slug, strlen(slug)); }

size_t ks_store_topic_count(const ks_store *s) { return s->n_topics; }
const ks_topic *ks_store_topic(const ks_store *s, size_t i) { return i < s->n_topics ? &s->topics[i] : NULL; }

const ks_topic *ks_store_find_topic(const ks_store *s, const char *slug) {
    for (size_t i = 0; i < s->n_topics; i++)
        if (strcasecmp(s->topics[i].slug, slug) == 0) return &s->topics[i];
    return NULL;
}

size_t ks_store_synonym_count(const ks_store *s) { return s->n_synonyms; }
const ks_synonym *ks_store_synonym(const ks_store *s, size_t i) { return i < s->n_synonyms ? &s->synonyms[i] : NULL; }
uint64_t ks_store_synonyms_hash(const ks_store *s) { return s->synonyms_hash; }

size_t ks_store_diag_count(const ks_store *s) { return s->diags.len; }
const ks_diag *ks_store_diag(const ks_store *s, size_t i) { return i < s->diags.len ? &s->diags.items[i] : NULL; }
size_t ks_store_error_count(const ks_store *s) { return s->n_errors; }
size_t ks_store_diag_total(const ks_store *s) { return s->diags.len + s->diags.counted; }
size_t ks_store_unknown_count(const ks_store *s) { return s->n_unknown; }
const char *ks_store_unknown(const ks_store *s, size_t i) { return i < s->n_unknown ? s->unknown[i] : NULL; }
