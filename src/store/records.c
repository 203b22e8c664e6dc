/* records: the file records of a snapshot's good pages, saved so that
 * another process (kiosk index) can reuse them with ks_store_load_from.
 *
 * Saved per file: path, stat identity and when it was verified, and the
 * page record without what only the screen and the index's writer need
 * (the Markdown, the plain text, the cmark tree), plus the words of
 * synonyms.txt's page words that the page holds (for the unused-synonym
 * check). Read back, each record is a skeleton page_file: one block for
 * the ks_page, its arrays and strings.
 *
 * Format (native byte order, for this machine only): MAGIC ("ksrec07\n"), u64 key,
 * u64 synonyms hash, u64 options key (store_reuse_options_key), u64 count, the
 * records, then u64 store_sum64 of all that came before. A record: u32
 * keywords, headings, links, diagnostics, synonym words, pictures, u64
 * string bytes; then its fields (strings as u32 length
 * and bytes). Anything that does not add up makes the whole file unused.
 *
 * Then any number of segments appended by ks_store_save_records_from, one
 * per kiosk index run that changed a page: u64 key (it replaces the one
 * before), u64 records, u64 tombstones, the records, the tombstones (a
 * slug each, as a string), and u64 store_sum64 of the segment plus the
 * sum before it times a constant, so a segment torn, lost or out of order
 * fails the check. For a slug, the last record or tombstone written wins.
 * A one-page change appends one record (about 600 bytes) instead of
 * writing 5.6 MB at 10,000 pages (15-30 ms); the file is written anew
 * once superseded records and tombstones are a quarter of it. */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "ksrec07\n" /* 05: a page's icon; 06: store_sum64; 07: segments */

/* ------------------------------------------------------------ checksum */

static uint64_t rotl64(uint64_t x, int r) { return x << r | x >> (64 - r); }

#define SUM_P1 0x9E3779B185EBCA87ULL
#define SUM_P2 0xC2B2AE3D27D4EB4FULL
#define SUM_P3 0x165667B19E3779F9ULL

/* xxHash64's rounds, four words at a time in four independent lanes: about
 * ten times faster than ks_hash64's byte-at-a-time FNV (35 million
 * instructions for a 5.6 MB records file), and as good at catching a torn
 * or damaged file. Not xxHash64's exact values (the tail is mixed byte by
 * byte); only compared with itself. */
uint64_t store_sum64(const void *data, size_t len) {
    const unsigned char *p = data;
    /* the four lanes in four variables, written out: in an array the
     * compiler kept them in memory, one loop turn a word (11 million
     * instructions for a 5.6 MB records file; the same values) */
    uint64_t v0 = SUM_P1 + SUM_P2, v1 = SUM_P2, v2 = 0, v3 = 0 - SUM_P1, w0, w1, w2, w3, w, h;
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        memcpy(&w0, p + i, 8);
        memcpy(&w1, p + i + 8, 8);
        memcpy(&w2, p + i + 16, 8);
        memcpy(&w3, p + i + 24, 8);
        v0 = rotl64(v0 + w0 * SUM_P2, 31) * SUM_P1;
        v1 = rotl64(v1 + w1 * SUM_P2, 31) * SUM_P1;
        v2 = rotl64(v2 + w2 * SUM_P2, 31) * SUM_P1;
        v3 = rotl64(v3 + w3 * SUM_P2, 31) * SUM_P1;
    }
    h = rotl64(v0, 1) + rotl64(v1, 7) + rotl64(v2, 12) + rotl64(v3, 18) + (uint64_t)len;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, p + i, 8);
        h = rotl64(h ^ (rotl64(w * SUM_P2, 31) * SUM_P1), 27) * SUM_P1 + SUM_P3;
    }
    for (; i < len; i++) h = rotl64(h ^ (p[i] * SUM_P3), 11) * SUM_P1;
    h ^= h >> 33;
    h *= SUM_P2;
    h ^= h >> 29;
    h *= SUM_P3;
    return h ^ (h >> 32);
}

/* ------------------------------------------------------------ writing */

/* Grow b to hold n more bytes (amortised: doubling). */
static void reserve(ks_buf *b, size_t n) {
    if (b->len + n + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    b->data = ks_realloc(b->data, cap);
    b->cap = cap;
}

/* Append n bytes: inline, as a records file is half a million small fields. */
static inline void put(ks_buf *b, const void *v, size_t n) {
    reserve(b, n);
    memcpy(b->data + b->len, v, n);
    b->len += n;
    b->data[b->len] = '\0';
}
static void put_u32(ks_buf *b, uint32_t v) { put(b, &v, sizeof v); }
static void put_u64(ks_buf *b, uint64_t v) { put(b, &v, sizeof v); }
static void put_i64(ks_buf *b, int64_t v) { put(b, &v, sizeof v); }
static void put_str(ks_buf *b, const char *s, uint64_t *bytes) {
    uint32_t n = (uint32_t)strlen(s ? s : "");
    put_u32(b, n);
    put(b, s ? s : "", n);
    *bytes += n;
}

static void put_record(ks_buf *b, const ks_store *s, const ks_page *p) {
    const page_view *v = (const page_view *)p;
    const page_file *f = v->file;
    const ks_page *r = f->base;
    uint64_t *words = NULL, bytes = 0;
    size_t n_words;
    if (f->arena) { /* reused from a records file: the synonyms are the same (see store_reuse_usable_prev) */
        n_words = f->n_syn_words;
        if (n_words) {
            words = ks_malloc(n_words * sizeof *words);
            memcpy(words, f->syn_words, n_words * sizeof *words);
        }
    } else {
        n_words = store_synonyms_page_words(s, r, &words);
    }
    put_u32(b, (uint32_t)r->n_keywords);
    put_u32(b, (uint32_t)r->n_headings);
    put_u32(b, (uint32_t)r->n_links);
    put_u32(b, (uint32_t)f->n_diags);
    put_u32(b, (uint32_t)n_words);
    put_u32(b, (uint32_t)f->n_images);
    size_t bytes_at = b->len; /* the string bytes, filled in below: the reader sizes its block by them */
    put_u64(b, 0);
    put_str(b, r->path, &bytes);
    put_str(b, r->topic, &bytes);
    put_str(b, r->slug, &bytes);
    put_str(b, r->section, &bytes);
    put_str(b, r->title, &bytes);
    put_str(b, r->summary, &bytes);
    put_str(b, r->reviewed, &bytes);
    put_str(b, r->icon, &bytes);
    put_i64(b, r->order);
    put_i64(b, r->is_topic_index);
    put_i64(b, r->body_line);
    put_u64(b, r->hash);
    put_u64(b, f->file_hash);
    put_i64(b, f->help_callout);
    put_i64(b, r->errors);
    put_i64(b, r->warnings);
    put(b, &r->grade, sizeof r->grade);
    put_u64(b, v->id.dev);
    put_u64(b, v->id.ino);
    put_i64(b, v->id.size);
    put_i64(b, v->id.mtime);
    put_i64(b, v->id.ctime);
    put_i64(b, v->verified);
    for (size_t i = 0; i < r->n_keywords; i++) put_str(b, r->keywords[i], &bytes);
    for (size_t i = 0; i < r->n_headings; i++) {
        put_i64(b, r->headings[i].level);
        put_i64(b, r->headings[i].line);
        put_str(b, r->headings[i].text, &bytes);
        put_str(b, r->headings[i].anchor, &bytes);
    }
    for (size_t i = 0; i < r->n_links; i++) {
        put_i64(b, r->links[i].line);
        put_str(b, r->links[i].url, &bytes);
    }
    for (size_t i = 0; i < f->n_diags; i++) {
        put_i64(b, f->diags[i].line);
        put_i64(b, f->diags[i].severity);
        put_str(b, f->diags[i].path, &bytes);
        put_str(b, f->diags[i].message, &bytes);
    }
    for (size_t i = 0; i < f->n_images; i++) {
        put_i64(b, f->images[i].line);
        put_str(b, f->images[i].url, &bytes);
    }
    for (size_t i = 0; i < n_words; i++) put_u64(b, words[i]);
    memcpy(b->data + bytes_at, &bytes, sizeof bytes);
    free(words);
}

/* Write a temporary file beside path and rename it over path. No fsync:
 * the file is a cache with a checksum, and a file lost or torn by a power
 * cut only costs the next run a full load; waiting for the disk would cost
 * every run. */
int store_write_replacing(const char *path, const char *data, size_t len) {
    char *tmp = ks_sprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = fd >= 0 ? KS_OK : KS_ERR_IO;
    for (size_t off = 0; rc == KS_OK && off < len;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno != EINTR) rc = KS_ERR_IO;
        if (n > 0) off += (size_t)n;
    }
    if (fd >= 0 && close(fd) != 0) rc = KS_ERR_IO;
    if (rc == KS_OK && rename(tmp, path) != 0) rc = KS_ERR_IO;
    if (rc != KS_OK) unlink(tmp);
    free(tmp);
    return rc;
}

int ks_store_save_records(const ks_store *s, const char *path, uint64_t key) {
    ks_buf b = {0};
    uint64_t n = 0;
    put(&b, MAGIC, 8);
    put_u64(&b, key);
    put_u64(&b, s->synonyms_hash);
    put_u64(&b, s->page_opts_key);
    size_t count_at = b.len;
    put_u64(&b, 0);
    for (size_t i = 0; i < s->n_pages; i++) { /* in slug order: the reader's sort has nothing to do */
        /* Only good pages: a caller that reuses a skeleton must already
         * have its content (kiosk index: the index holds every good page). */
        const ks_page *p = s->by_slug ? s->by_slug[i] : s->pages[i];
        if (p->errors) continue;
        put_record(&b, s, p);
        n++;
    }
    memcpy(b.data + count_at, &n, sizeof n);
    put_u64(&b, store_sum64(b.data, b.len));
    int rc = store_write_replacing(path, b.data, b.len);
    ks_buf_free(&b);
    return rc;
}

/* Whether the store's page p is saved in prev exactly as it would be
 * saved now: the same shared record (reused from prev, not parsed again),
 * the same stat identity and verification time. */
static int saved_as_is(const ks_page *p, const ks_page *q) {
    const page_view *v = (const page_view *)p, *w = (const page_view *)q;
    return v->file == w->file && v->verified == w->verified && !memcmp(&v->id, &w->id, sizeof v->id);
}

/* The segment to append to prev's file for s: the good pages of s not saved
 * as they are, and a tombstone for each slug prev holds that s has no good
 * page for (removed, or broken now: only good pages may be reused). Both
 * lists are in slug order. */
static void put_segment(ks_buf *b, const ks_store *s, const ks_store *prev, uint64_t key) {
    ks_buf tombs = {0};
    uint64_t n_rec = 0, n_tomb = 0, bytes = 0;
    put_u64(b, key);
    size_t counts_at = b->len;
    put_u64(b, 0);
    put_u64(b, 0);
    for (size_t i = 0, k = 0; i < s->n_pages || k < prev->n_pages;) {
        const ks_page *p = i < s->n_pages ? s->by_slug[i] : NULL, *q = k < prev->n_pages ? prev->pages[k] : NULL;
        int c = !p ? 1 : !q ? -1 : strcmp(p->slug, q->slug);
        if (c <= 0 && !p->errors && !(c == 0 && saved_as_is(p, q))) {
            put_record(b, s, p);
            n_rec++;
        } else if (c > 0 || (c == 0 && p->errors)) {
            put_str(&tombs, q->slug, &bytes);
            n_tomb++;
        }
        if (c <= 0) i++;
        if (c >= 0) k++;
    }
    put(b, tombs.data ? tombs.data : "", tombs.len);
    ks_buf_free(&tombs);
    memcpy(b->data + counts_at, &n_rec, sizeof n_rec);
    memcpy(b->data + counts_at + 8, &n_tomb, sizeof n_tomb);
}

/* Append seg to path, when path is still the file prev was read from. */
static int append_to(const char *path, const records_file *rf, const char *seg, size_t len) {
    struct stat st;
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return KS_ERR_IO;
    int rc = fstat(fd, &st) == 0 && st.st_dev == (dev_t)rf->dev && st.st_ino == (ino_t)rf->ino &&
                     st.st_size == (off_t)rf->size
                 ? KS_OK
                 : KS_ERR_INVALID;
    for (size_t off = 0; rc == KS_OK && off < len;) {
        ssize_t n = write(fd, seg + off, len - off);
        if (n < 0 && errno != EINTR) rc = KS_ERR_IO;
        if (n > 0) off += (size_t)n;
    }
    if (close(fd) != 0 && rc == KS_OK) rc = KS_ERR_IO;
    return rc;
}

int ks_store_save_records_from(const ks_store *s, const ks_store *prev, const char *path, uint64_t key) {
    const records_file *rf = prev && prev->is_records ? prev->records_file : NULL;
    if (!rf || prev->synonyms_hash != s->synonyms_hash || prev->page_opts_key != s->page_opts_key)
        return ks_store_save_records(s, path, key);
    ks_buf b = {0};
    put_segment(&b, s, prev, key);
    /* records superseded, and tombstones, are dead weight in every later
     * load: write the file anew once what was appended is a quarter of
     * what was written whole */
    if ((uint64_t)rf->size + b.len + 8 - rf->base_len > rf->base_len / 4) {
        ks_buf_free(&b);
        return ks_store_save_records(s, path, key);
    }
    put_u64(&b, store_sum64(b.data, b.len) + rf->sum * SUM_P1);
    int rc = append_to(path, rf, b.data, b.len);
    ks_buf_free(&b);
    return rc == KS_OK ? rc : ks_store_save_records(s, path, key);
}

/* ------------------------------------------------------------ reading */

void store_read(store_reader *r, void *out, size_t n) {
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p, n);
    r->p += n;
}

typedef store_reader reader;
static void get(reader *r, void *out, size_t n) { store_read(r, out, n); }
static uint32_t get_u32(reader *r) { uint32_t v; get(r, &v, sizeof v); return v; }
static uint64_t get_u64(reader *r) { uint64_t v; get(r, &v, sizeof v); return v; }
static int64_t get_i64(reader *r) { int64_t v; get(r, &v, sizeof v); return v; }
static int get_int(reader *r) {
    int64_t v = get_i64(r);
    if (v < -1000000000LL || v > 1000000000LL) r->bad = 1;
    return (int)v;
}

/* A bump allocator over one block. */
typedef struct arena {
    char *base;
    size_t used, cap;
    int bad;
} arena;

static void *take(arena *a, size_t n, size_t align) {
    size_t at = (a->used + align - 1) & ~(align - 1);
    if (at + n > a->cap) {
        a->bad = 1;
        return NULL;
    }
    a->used = at + n;
    return a->base + at;
}

static char *get_str(reader *r, arena *a) {
    uint32_t n = get_u32(r);
    char *s = r->bad ? NULL : take(a, (size_t)n + 1, 1);
    if (!s || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return (char *)"";
    }
    memcpy(s, r->p, n);
    s[n] = '\0';
    r->p += n;
    return s;
}

/* One record as a skeleton page_file, or NULL when it does not add up. */
static page_file *get_record(reader *r, file_id *id, int64_t *verified) {
    uint32_t nk = get_u32(r), nh = get_u32(r), nl = get_u32(r), nd = get_u32(r), nw = get_u32(r),
             ni = get_u32(r);
    uint64_t bytes = get_u64(r);
    size_t left = (size_t)(r->end - r->p);
    if (r->bad || bytes > left || nk > left || nh > left || nl > left || nd > left || nw > left / 8 || ni > left) {
        r->bad = 1;
        return NULL;
    }
    size_t n_strings = 7 + nk + 2 * (size_t)nh + nl + 2 * (size_t)nd + ni;
    arena a = {0};
    /* the same sizes as taken below (an empty array still takes one), plus
     * alignment: every take is aligned to 16 at most once */
    a.cap = sizeof(ks_page) + (nk ? nk : 1) * sizeof(char *) + (nh ? nh : 1) * sizeof(ks_heading) +
            (nl ? nl : 1) * sizeof(ks_link) + (nd ? nd : 1) * sizeof(ks_diag) + (ni ? ni : 1) * sizeof(ks_link) +
            bytes + n_strings + 6 * 16;
    /* the page_file, the arena and the words in one block: one allocation
     * a record, not three (30,000 a run at 10,000 pages) */
    size_t head = (sizeof(page_file) + 15) & ~(size_t)15, words_at = (head + a.cap + 7) & ~(size_t)7;
    char *block = ks_malloc(words_at + (size_t)nw * sizeof(uint64_t));
    a.base = block + head;
    ks_page *p = take(&a, sizeof *p, 16);
    memset(p, 0, sizeof *p);
    p->keywords = take(&a, (nk ? nk : 1) * sizeof(char *), 16);
    p->headings = take(&a, (nh ? nh : 1) * sizeof(ks_heading), 16);
    p->links = take(&a, (nl ? nl : 1) * sizeof(ks_link), 16);
    ks_diag *diags = take(&a, (nd ? nd : 1) * sizeof(ks_diag), 16);
    ks_link *images = take(&a, (ni ? ni : 1) * sizeof(ks_link), 16);
    if (a.bad) {
        free(block);
        r->bad = 1;
        return NULL;
    }
    p->path = get_str(r, &a);
    p->topic = get_str(r, &a);
    p->slug = get_str(r, &a);
    p->section = get_str(r, &a);
    p->title = get_str(r, &a);
    p->summary = get_str(r, &a);
    p->reviewed = get_str(r, &a);
    p->icon = get_str(r, &a);
    p->order = get_int(r);
    p->is_topic_index = get_int(r);
    p->body_line = get_int(r);
    p->hash = get_u64(r);
    uint64_t file_hash = get_u64(r);
    int help_callout = get_int(r);
    p->errors = get_int(r);
    p->warnings = get_int(r);
    get(r, &p->grade, sizeof p->grade);
    id->dev = get_u64(r);
    id->ino = get_u64(r);
    id->size = get_i64(r);
    id->mtime = get_i64(r);
    id->ctime = get_i64(r);
    *verified = get_i64(r);
    p->markdown = "";
    p->text = "";
    p->n_keywords = nk;
    for (uint32_t i = 0; i < nk; i++) p->keywords[i] = get_str(r, &a);
    p->n_headings = nh;
    for (uint32_t i = 0; i < nh; i++) {
        p->headings[i].level = get_int(r);
        p->headings[i].line = get_int(r);
        p->headings[i].text = get_str(r, &a);
        p->headings[i].anchor = get_str(r, &a);
    }
    p->n_links = nl;
    for (uint32_t i = 0; i < nl; i++) {
        memset(&p->links[i], 0, sizeof p->links[i]);
        p->links[i].line = get_int(r);
        p->links[i].url = get_str(r, &a);
    }
    for (uint32_t i = 0; i < nd; i++) {
        diags[i].line = get_int(r);
        diags[i].severity = get_int(r) == KS_DIAG_WARNING ? KS_DIAG_WARNING : KS_DIAG_ERROR;
        diags[i].path = get_str(r, &a);
        diags[i].message = get_str(r, &a);
    }
    for (uint32_t i = 0; i < ni; i++) {
        memset(&images[i], 0, sizeof images[i]);
        images[i].line = get_int(r);
        images[i].url = get_str(r, &a);
    }
    uint64_t *words = nw ? (uint64_t *)(void *)(block + words_at) : NULL;
    for (uint32_t i = 0; i < nw; i++) words[i] = get_u64(r);
    if (r->bad || a.bad || p->errors != 0) {
        free(block);
        r->bad = 1;
        return NULL;
    }
    page_file *f = (page_file *)(void *)block;
    memset(f, 0, sizeof *f);
    atomic_init(&f->refs, 1);
    f->base = p;
    f->file_hash = file_hash;
    f->help_callout = help_callout != 0;
    f->images = images;
    f->n_images = ni;
    f->diags = diags;
    f->n_diags = nd;
    f->arena = a.base;
    f->syn_words = words;
    f->n_syn_words = nw;
    return f;
}

/* One entry of a records file: a record, or a tombstone (page NULL),
 * in the order written. */
typedef struct entry {
    const char *slug;
    ks_page *page; /* a view, or NULL for a tombstone */
    size_t seq;
} entry;

static int entry_cmp(const void *a, const void *b) {
    const entry *x = a, *y = b;
    int c = strcmp(x->slug, y->slug);
    return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct entries {
    entry *items;
    size_t n, cap;
} entries;

static void entries_add(entries *e, const char *slug, ks_page *page) {
    if (e->n == e->cap) e->items = ks_realloc(e->items, (e->cap = e->cap ? e->cap * 2 : 1024) * sizeof *e->items);
    e->items[e->n] = (entry){slug, page, e->n};
    e->n++;
}

/* Sort e by entry_cmp. The file is written in slug order and a segment
 * appended adds a few entries: the sorted run at the start is kept, the
 * rest sorted and merged into it (a sort of the whole was 3 % of a
 * kiosk index at 10,000 pages). */
static void sort_entries(entries *e) {
    size_t run = e->n ? 1 : 0;
    while (run < e->n && entry_cmp(&e->items[run - 1], &e->items[run]) < 0) run++;
    if (run == e->n) return;
    size_t rest = e->n - run;
    qsort(e->items + run, rest, sizeof *e->items, entry_cmp);
    entry *out = ks_malloc(e->n * sizeof *out);
    for (size_t i = 0, k = run, n = 0; n < e->n; n++)
        out[n] = k == e->n || (i < run && entry_cmp(&e->items[i], &e->items[k]) < 0) ? e->items[i++] : e->items[k++];
    free(e->items);
    e->items = out;
    e->cap = e->n;
}

/* n records from r into e; 0 when one does not add up. */
static int get_records(reader *r, uint64_t n, entries *e) {
    if (n > (uint64_t)(r->end - r->p) / 64) return 0;
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        file_id id;
        int64_t verified;
        page_file *f = get_record(r, &id, &verified);
        if (f) {
            ks_page *p = store_view_new(f, &id, verified);
            entries_add(e, p->slug, p);
        }
    }
    return !r->bad;
}

/* The base and the segments appended after it (see the top of the file)
 * into e, checking every checksum. The key of the last part, or 0 when
 * anything does not add up. */
static uint64_t get_parts(const char *data, size_t len, reader *r, entries *e, arena *tombs, uint64_t *sum,
                          uint64_t *base_len) {
    const unsigned char *start = (const unsigned char *)data;
    uint64_t key = get_u64(r), n;
    r->p += 16; /* the synonyms hash and the options key, read by the caller */
    n = get_u64(r);
    if (!get_records(r, n, e) || r->end - r->p < 8) return 0;
    *sum = get_u64(r);
    if (*sum != store_sum64(data, (size_t)(r->p - 8 - start))) return 0;
    *base_len = (uint64_t)(r->p - start);
    while (r->p < r->end && !r->bad) {
        const unsigned char *seg = r->p;
        uint64_t seg_key = get_u64(r), n_rec = get_u64(r), n_tomb = get_u64(r);
        if (r->bad || !get_records(r, n_rec, e) || n_tomb > (uint64_t)(r->end - r->p) / 4) return 0;
        for (uint64_t i = 0; i < n_tomb && !r->bad; i++) entries_add(e, get_str(r, tombs), NULL);
        if (r->bad || tombs->bad || r->end - r->p < 8) return 0;
        uint64_t seg_sum = store_sum64(seg, (size_t)(r->p - seg)) + *sum * SUM_P1;
        if (get_u64(r) != seg_sum) return 0;
        *sum = seg_sum;
        key = seg_key;
    }
    (void)len;
    return r->bad ? 0 : key;
}

ks_store *ks_store_load_records(const char *path, uint64_t key) {
    const char *data = NULL;
    size_t len = 0;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > ((off_t)1 << 30)) {
        close(fd);
        return NULL;
    }
    /* mapped, not read: a read into fresh memory zeroed and copied 5.6 MB
     * at 10,000 pages (1,400 page faults, a tenth of kiosk index's); the
     * mapping shows the page cache itself, all at once (MAP_POPULATE). The
     * file is only ever replaced by a rename or appended to (never
     * truncated in place), so what is mapped stays there; a part appended
     * meanwhile is not seen (each part is checked) */
    len = (size_t)st.st_size;
    void *map = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : MAP_FAILED;
    close(fd);
    if (map == MAP_FAILED) return NULL;
    data = map;
    if (len < 8 + 5 * 8 || memcmp(data, MAGIC, 8) != 0) {
        munmap(map, len);
        return NULL;
    }
    reader r = {(const unsigned char *)data + 8, (const unsigned char *)data + len, 0};
    uint64_t syn_hash, opts_key, sum = 0, base_len = 0;
    memcpy(&syn_hash, data + 16, 8);
    memcpy(&opts_key, data + 24, 8);
    entries e = {0};
    /* the tombstones' slugs: at most the file's size */
    arena tombs = {ks_malloc(len), 0, len, 0};
    int ok = get_parts(data, len, &r, &e, &tombs, &sum, &base_len) == key && key != 0;
    munmap(map, len);
    ks_store *s = ks_calloc(1, sizeof *s);
    s->dir = ks_strdup("");
    s->is_records = 1;
    s->synonyms_hash = syn_hash;
    s->page_opts_key = opts_key;
    s->pages = ks_malloc((e.n ? e.n : 1) * sizeof(ks_page *));
    /* by slug, the last entry written wins: a tombstone drops the slug */
    sort_entries(&e);
    for (size_t i = 0; i < e.n; i++) {
        int last = i + 1 == e.n || strcmp(e.items[i].slug, e.items[i + 1].slug) != 0;
        if (last && ok && e.items[i].page) s->pages[s->n_pages++] = e.items[i].page;
        else store_page_release(e.items[i].page);
    }
    free(e.items);
    free(tombs.base);
    if (!ok) {
        ks_store_free(s);
        return NULL;
    }
    s->by_slug = ks_malloc((s->n_pages ? s->n_pages : 1) * sizeof(ks_page *));
    if (s->n_pages) memcpy(s->by_slug, s->pages, s->n_pages * sizeof(ks_page *));
    s->topic_by_slug = ks_malloc(sizeof(size_t));
    s->records_file = ks_calloc(1, sizeof *s->records_file);
    *s->records_file = (records_file){(uint64_t)st.st_dev, (uint64_t)st.st_ino, (int64_t)len, base_len, sum};
    return s;
}
