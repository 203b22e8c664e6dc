/* reuse: page records shared between snapshots, so a load after one edit
 * parses one file.
 *
 * What store_page_load() makes of a file depends only on the file's bytes, its
 * path, its topic folder and the options store_reuse_options_key() covers (a
 * snapshot loaded with other such options is not reused). That part (the "file record": the ks_page as
 * store_page_load returns it, plus the diagnostics store_page_load gave) is kept in a
 * reference-counted page_file and never written again. Each snapshot has
 * its own page_view: a shallow copy of the record's ks_page (same strings,
 * same cmark tree) with its own links array, errors and warnings, which the
 * checks that need every page (links, topics, duplicates, review dates)
 * fill in afresh on every load.
 *
 * A record of the previous snapshot is reused for a file at the same path
 * when
 *   - stat says the same device, inode, size, modification and change
 *     times, and those times were at least REUSE_SETTLE_NS older than the
 *     moment the record was last verified (a write in the same clock tick
 *     as the read would otherwise keep the same times: git's "racy" files),
 *     or else
 *   - the file, read again, has the same content hash (a touch, a copy of
 *     the same text, a file written just before the last load).
 * Records read back from a records file (records.c) are reused the same
 * way; they lack the Markdown, text and tree (see store.h).
 */
#include "store_int.h"

#include "kiosk/config.h"
#include "kiosk/doc.h"

#include <cmark.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Times closer than this to the verification are not trusted alone: larger
 * than any file system's time step (FAT: 2 s) and small clock offsets. */
#define REUSE_SETTLE_NS (2 * 1000000000LL)

int64_t store_reuse_clock_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void store_file_id_of(const struct stat *st, file_id *id) {
    memset(id, 0, sizeof *id);
    id->dev = (uint64_t)st->st_dev;
    id->ino = (uint64_t)st->st_ino;
    id->size = (int64_t)st->st_size;
    id->mtime = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    id->ctime = (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
}

static int same_id(const file_id *a, const file_id *b) {
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime == b->mtime &&
           a->ctime == b->ctime;
}

int store_file_id_trusted(const file_id *id, int64_t verified) {
    int64_t newest = id->mtime > id->ctime ? id->mtime : id->ctime;
    return newest + REUSE_SETTLE_NS < verified;
}

/* ------------------------------------------------------------ records */

static page_file *file_new(ks_page *base, const ks_diag *diags, size_t n) {
    page_file *f = ks_calloc(1, sizeof *f);
    atomic_init(&f->refs, 1);
    f->base = base;
    f->n_diags = n;
    f->diags = ks_calloc(n ? n : 1, sizeof *f->diags);
    for (size_t i = 0; i < n; i++) {
        f->diags[i] = diags[i];
        f->diags[i].path = ks_strdup(diags[i].path);
        f->diags[i].message = ks_strdup(diags[i].message);
    }
    return f;
}

static void file_release(page_file *f) {
    if (!f) return;
    int refs = atomic_fetch_sub(&f->refs, 1);
    assert(refs >= 1); /* one reference per view; released once per view */
    if (refs != 1) return;
    if (f->arena) { /* a skeleton: one block, f's own (records.c) */
        free(f);
        return;
    }
    store_page_free(f->base);
    free(f->grade_msg);
    free(f->reviewed_msg);
    for (size_t i = 0; i < f->n_images; i++) free(f->images[i].url);
    free(f->images);
    for (size_t i = 0; i < f->n_diags; i++) {
        free(f->diags[i].path);
        free(f->diags[i].message);
    }
    free(f->diags);
    free(f);
}

ks_page *store_view_new(page_file *f, const file_id *id, int64_t verified) {
    /* the links array in the same block (two allocations a page, 20,000 a
     * kiosk index at 10,000 pages, were a tenth of its freeing) */
    page_view *v = ks_calloc(1, sizeof *v + (f->base->n_links ? f->base->n_links : 1) * sizeof(ks_link));
    v->page = *f->base;
    v->page.links = (ks_link *)(void *)(v + 1);
    for (size_t i = 0; i < f->base->n_links; i++) {
        v->page.links[i].url = f->base->links[i].url;
        v->page.links[i].line = f->base->links[i].line;
    }
    atomic_init(&v->refs, 1);
    v->file = f;
    v->id = *id;
    v->verified = verified;
    return &v->page;
}

void store_page_retain(ks_page *p) {
    int refs = atomic_fetch_add(&((page_view *)p)->refs, 1);
    assert(refs >= 1); /* only a holder retains */
    (void)refs;
}

void store_page_release(ks_page *p) {
    if (!p) return;
    page_view *v = (page_view *)p;
    int refs = atomic_fetch_sub(&v->refs, 1);
    assert(refs >= 1);
    if (refs != 1) return;
    for (size_t i = 0; i < p->n_links; i++) {
        free(p->links[i].slug);
        free(p->links[i].fragment);
    }
    file_release(v->file); /* (the links array is in v's block) */
    free(v);
}

/* The previous snapshot's view of the file at rel_path in topic, or NULL.
 * The page after the one found last is tried first: files come folder by
 * folder, mostly in slug order (a search of 10,000 slugs a page was 4 %
 * of kiosk index); the same path is the same slug, so the same page. */
static page_view *previous(ks_store *s, const char *rel_path, const char *topic) {
    const ks_store *prev = s->prev;
    size_t n = strlen(rel_path), at = s->prev_next;
    if (!prev || n < 3) return NULL;
    const ks_page *p = at < prev->n_pages && strcmp(prev->by_slug[at]->path, rel_path) == 0
                           ? prev->by_slug[at]
                           : store_find_slug_at(prev, rel_path, n - 3, &at);
    if (!p || strcmp(p->path, rel_path) != 0 || strcmp(p->topic, topic) != 0) return NULL;
    s->prev_next = at + 1;
    return (page_view *)p;
}

const ks_page *store_reuse_prev_stat(const ks_store *prev, const char *rel, struct stat *st) {
    size_t n = strlen(rel);
    if (!prev || n < 3) return NULL;
    const ks_page *p = store_find_slug(prev, rel, n - 3);
    if (!p || strcmp(p->path, rel) != 0) return NULL;
    const page_view *v = (const page_view *)p;
    if (v->file->file_hash == 0 || v->id.size < 0) return NULL;
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFREG | 0644;
    st->st_dev = (dev_t)v->id.dev;
    st->st_ino = (ino_t)v->id.ino;
    st->st_size = (off_t)v->id.size;
    st->st_mtim.tv_sec = (time_t)(v->id.mtime / 1000000000LL);
    st->st_mtim.tv_nsec = (long)(v->id.mtime % 1000000000LL);
    st->st_ctim.tv_sec = (time_t)(v->id.ctime / 1000000000LL);
    st->st_ctim.tv_nsec = (long)(v->id.ctime % 1000000000LL);
    return p;
}

/* Reuse v's record for this load: its diagnostics go to the store again. */
static ks_page *reuse(ks_store *s, page_view *v, const file_id *id, int64_t verified) {
    page_file *f = v->file;
    if (f->arena) s->has_skeletons = 1;
    for (size_t i = 0; i < f->n_diags; i++)
        store_diag_add(&s->diags, f->diags[i].path, f->diags[i].line, f->diags[i].severity, "%s", f->diags[i].message);
    s->n_reused++;
    /* A view read from a records file that no load has taken yet is what
     * store_view_new would make here (the record's links, unresolved, and
     * its own counts: no check has run on it) and only the records
     * snapshot holds it: this load takes it over, and its checks fill it
     * in, instead of copying it (10,000 views a kiosk index at 10,000
     * pages). Taken once: a later load from the same records copies. */
    if (s->prev && s->prev->is_records && !v->taken && verified == v->verified && same_id(&v->id, id) &&
        atomic_load(&v->refs) == 1) {
        v->taken = 1;
        store_page_retain(&v->page);
        return &v->page;
    }
    int refs = atomic_fetch_add(&f->refs, 1);
    assert(refs >= 1); /* prev's view holds one: a record in use is never freed */
    (void)refs;
    return store_view_new(f, id, verified);
}

uint64_t store_reuse_options_key(const ks_store_options *opts) {
    /* store_page_load fills placeholders from the configuration: the values
     * used are what a record depends on (none given: the fallbacks). */
    static const ks_config no_config;
    const ks_config *cfg = opts && opts->config ? opts->config : &no_config;
    ks_buf b = {0};
    for (const char *const *k = ks_config_placeholder_names; *k; k++) {
        const char *v = "";
        ks_config_placeholder(cfg, *k, &v);
        ks_buf_printf(&b, "%s=%s\n", *k, v);
    }
    uint64_t h = ks_hash64(b.data ? b.data : "", b.len) | 1;
    ks_buf_free(&b);
    return h;
}

const ks_store *store_reuse_usable_prev(const ks_store *s, const char *dir, const ks_store *prev) {
    if (prev && prev->page_opts_key != s->page_opts_key) return NULL;
    if (!prev || !(prev->is_records || prev->has_skeletons)) return prev;
    /* A skeleton knows which words of synonyms.txt it holds only for the
     * synonyms.txt it was saved with; the store's synonyms hash also covers
     * intents.txt (store.c), so the same sum is made here. */
    char *path = ks_path_join(dir, "synonyms.txt"), *data = NULL;
    size_t len = 0;
    uint64_t h = ks_read_file(path, KS_STORE_MAX_FILE, &data, &len) == KS_OK ? ks_hash64(data, len) : 0;
    free(path);
    free(data);
    data = NULL;
    path = ks_path_join(dir, "intents.txt");
    if (ks_read_file(path, KS_STORE_MAX_FILE, &data, &len) == KS_OK) h = h * 31 + ks_hash64(data, len) + 1;
    free(path);
    free(data);
    return h == prev->synonyms_hash ? prev : NULL;
}

/* The pictures of f's tree, once. */
static void find_images(page_file *f) {
    size_t cap = 0;
    if (f->arena || !store_page_tree(f->base)) return;
    cmark_iter *it = cmark_iter_new(store_page_tree(f->base));
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_IMAGE) continue;
        if (f->n_images == cap) f->images = ks_realloc(f->images, (cap = cap ? cap * 2 : 4) * sizeof(ks_link));
        ks_link *l = &f->images[f->n_images++];
        memset(l, 0, sizeof *l);
        l->url = ks_strdup(cmark_node_get_url(n) ? cmark_node_get_url(n) : "");
        l->line = cmark_node_get_start_line(n);
    }
    cmark_iter_free(it);
}

/* A load that only counts its diagnostics (ks_store_options.count_diags)
 * counts those a parse added from first on, once its record has copied
 * them, and drops them from the list. */
static void count_from(ks_store *s, size_t first) {
    if (!s->diags.count_only) return;
    for (size_t k = first; k < s->diags.len; k++) {
        s->diags.counted++;
        s->diags.counted_errors += s->diags.items[k].severity == KS_DIAG_ERROR;
        free(s->diags.items[k].path);
        free(s->diags.items[k].message);
    }
    s->diags.len = first;
}

ks_page *store_page_get(ks_store *s, source_entry *e, const char *rel_path, const char *topic) {
    struct stat st;
    file_id id;
    int have_id = store_source_entry_stat(e, &st) == 0;
    if (have_id) {
        store_file_id_of(&st, &id);
    } else {
        memset(&id, 0, sizeof id);
        id.size = -1; /* in memory, or fstat failed: never the same */
    }
    page_view *v = NULL;
    if (have_id && e->prev_page && s->prev && strcmp(e->prev_page->topic, topic) == 0)
        v = (page_view *)e->prev_page; /* found already by the trusted listing (source.c) */
    else if (have_id)
        v = previous(s, rel_path, topic);
    size_t first = s->diags.len;
    int count_only = s->diags.count_only; /* a parse keeps its diagnostics for the record (file_new) */
    ks_page *base = NULL;
    s->last_file_hash = 0;
    /* file_hash 0: the record of a file that could not be read; read it again */
    if (v && v->file->file_hash != 0) {
        if (same_id(&v->id, &id) && store_file_id_trusted(&v->id, v->verified)) return reuse(s, v, &id, v->verified);
        if (id.size == v->id.size) {
            char *data = NULL;
            size_t len = 0;
            if (store_source_entry_read(e, KS_STORE_MAX_FILE, &data, &len) == KS_OK) {
                if (ks_hash64(data, len) == v->file->file_hash) {
                    free(data);
                    return reuse(s, v, &id, s->load_ns);
                }
                s->diags.count_only = 0;
                base = store_page_parse(s, data, len, rel_path, topic); /* read once, parsed at once */
            } else {
                if (e->fd >= 0) (void)lseek(e->fd, 0, SEEK_SET); /* store_page_load reads it again and says what failed */
            }
            free(data);
        }
    }
    if (!base) {
        s->diags.count_only = 0;
        base = store_page_load(s, e, rel_path, topic);
    }
    s->diags.count_only = count_only;
    if (!base) {
        count_from(s, first);
        return NULL;
    }
    s->n_parsed++;
    /* the diagnostics this file added (none: the list may still be NULL) */
    page_file *f = file_new(base, s->diags.len > first ? s->diags.items + first : NULL, s->diags.len - first);
    count_from(s, first);
    f->file_hash = s->last_file_hash;
    /* only recovery and risks pages are asked (store.c's check_pages) */
    f->help_callout = (!strcmp(base->section, "recovery") || !strcmp(base->section, "risks")) &&
                      store_page_has_callout(base, "When to get help");
    find_images(f);
    if (base->grade > 8.0)
        f->grade_msg = ks_sprintf(STORE_GRADE_MSG, base->grade);
    if (base->reviewed[0]) f->reviewed_msg = ks_sprintf(STORE_REVIEWED_MSG, base->reviewed);
    /* Times taken before the read: a write after it changes them. */
    return store_view_new(f, &id, s->load_ns);
}

const ks_link *store_page_images(const ks_page *p, size_t *n) {
    const page_file *f = ((const page_view *)p)->file;
    *n = f->n_images;
    return f->images;
}

const char *store_page_grade_msg(const ks_page *p) { return ((const page_view *)p)->file->grade_msg; }
const char *store_page_reviewed_msg(const ks_page *p) { return ((const page_view *)p)->file->reviewed_msg; }

int store_page_has_help_callout(const ks_page *p) { return ((const page_view *)p)->file->help_callout; }

/* The tree of a view's record, or NULL for a skeleton (or an unreadable file). */
static const cmark_node *view_tree(const ks_page *p) {
    const page_file *f = ((const page_view *)p)->file;
    return f->arena ? NULL : store_page_tree(f->base);
}

ks_doc *ks_page_doc(const ks_page *p) { return ks_doc_from_cmark(view_tree(p), p->slug); }

int ks_page_has_body(const ks_page *p) { return !((const page_view *)p)->file->arena; }

size_t ks_store_parsed_count(const ks_store *s) { return s->n_parsed; }
size_t ks_store_reused_count(const ks_store *s) { return s->n_reused; }

int store_file_trusted_page(const ks_page *p) {
    const page_view *v = (const page_view *)p;
    return v->file->file_hash != 0 && store_file_id_trusted(&v->id, v->verified);
}

void store_note_untrusted(ks_store *s) {
    free(s->untrusted);
    s->untrusted = NULL;
    s->n_untrusted = 0;
    size_t cap = 0;
    for (size_t i = 0; i < s->n_pages; i++) {
        if (store_file_trusted_page(s->pages[i])) continue;
        if (s->n_untrusted == cap) s->untrusted = ks_realloc(s->untrusted, (cap = cap ? cap * 2 : 16) * sizeof *s->untrusted);
        s->untrusted[s->n_untrusted++] = s->pages[i];
    }
}

int store_same_record(const ks_page *a, const ks_page *b) {
    return ((const page_view *)a)->file == ((const page_view *)b)->file;
}
