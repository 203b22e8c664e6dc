/* stamp: a fingerprint of the content folder from stat alone (see
 * ks_store_stamp), so `kiosk index` can tell "nothing changed" without
 * reading a page.
 *
 * The walk stats every file (an edit in place changes only the file) but
 * need not list every folder: a folder's modification time changes
 * whenever a name is added, removed or renamed in it. With a cache
 * (ks_store_stamp_cached), each folder's sorted names are kept with its
 * inode and times; a folder whose inode and times are the same, and were
 * already more than STAMP_SETTLE_NS old when it was listed (a change in
 * the same clock tick as the listing would keep them), is taken as
 * listed. At 10,000 pages in 1,774 folders, listing them was 35 of the
 * stamp's 50 ms (an open, two getdents and a close each). The stamp is the
 * same with or without the cache.
 *
 * Cache file (native byte order, this machine only): "ksstc01\n", u64
 * folders, then per folder: string rel ("" the content folder), u64 inode,
 * i64 mtime, ctime and listed (ns), u32 names and the names (strings as
 * u32 length and bytes); u64 store_sum64 of all before. Replaced by
 * rename, not synced: a cache lost or torn only costs listing again. */
#include "store_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STAMP_MAGIC "ksstc01\n"
#define STAMP_SETTLE_NS 2000000000LL
#define STAMP_MAX_DEPTH 2 /* the content folder 0, topics 1, folders inside topics 2 (listed, as the load does) */

typedef struct stamp_folder {
    char *rel;      /* "" for the content folder, "topic", "topic/sub" */
    uint64_t ino;
    int64_t mtime, ctime, listed; /* ns; listed: when the names were read */
    char **names;   /* sorted, owned */
    size_t n;
    /* the walk (not the cache file): what lstat said of each name (ok[i]
     * 0: not looked at, a name the load skips or one gone), and whether
     * the folder was reached through real folders only (no link) */
    struct stat *st;
    unsigned char *ok;
    int plain;
    int in_block;   /* bits: 1 rel, 2 the names are in the cache's block (not each freed) */
} stamp_folder;

typedef struct stamp_cache {
    stamp_folder *items; /* sorted by rel (the walk's order is not: looked up by bsearch) */
    size_t n, cap;
    char *block;         /* the strings read from the cache file, one after another
                            (13,500 at 10,000 pages: one allocation, not one each) */
} stamp_cache;

static void cache_free(stamp_cache *c) {
    for (size_t i = 0; i < c->n; i++) {
        for (size_t k = 0; !(c->items[i].in_block & 2) && k < c->items[i].n; k++) free(c->items[i].names[k]);
        free(c->items[i].names);
        if (!(c->items[i].in_block & 1)) free(c->items[i].rel);
        free(c->items[i].st);
        free(c->items[i].ok);
    }
    free(c->items);
    free(c->block);
    memset(c, 0, sizeof *c);
}

static int folder_cmp(const void *a, const void *b) {
    return strcmp(((const stamp_folder *)a)->rel, ((const stamp_folder *)b)->rel);
}

static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int64_t ns_of(struct timespec t) { return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec; }

/* ------------------------------------------------------------ cache file */

typedef store_reader rd;
#define rd_get store_read

/* The next string, copied to *at in the block (which has room: the file
 * holds each string's length before it, so the block of the file's size
 * holds every string and its '\0'). */
static char *rd_str(rd *r, char **at) {
    uint32_t n = 0;
    rd_get(r, &n, 4);
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    char *s = *at;
    memcpy(s, r->p, n);
    s[n] = '\0';
    *at += n + 1;
    r->p += n;
    return s;
}

static void cache_read(const char *path, stamp_cache *c) {
    char *data = NULL;
    size_t len = 0;
    uint64_t n = 0, sum;
    if (!path || ks_read_file(path, (size_t)1 << 28, &data, &len) != KS_OK) return;
    if (len < 24 || memcmp(data, STAMP_MAGIC, 8) != 0) {
        free(data);
        return;
    }
    memcpy(&sum, data + len - 8, 8);
    rd r = {(const unsigned char *)data + 8, (const unsigned char *)data + len - 8, 0};
    rd_get(&r, &n, 8);
    if (sum != store_sum64(data, len - 8) || n > len / 32) r.bad = 1;
    if (!r.bad) c->items = ks_calloc(n ? n : 1, sizeof *c->items);
    char *at = c->block = r.bad ? NULL : ks_malloc(len);
    for (uint64_t i = 0; i < n && !r.bad; i++) {
        stamp_folder *f = &c->items[c->n++];
        uint32_t names = 0;
        f->in_block = 1 | 2;
        f->rel = rd_str(&r, &at);
        rd_get(&r, &f->ino, 8);
        rd_get(&r, &f->mtime, 8);
        rd_get(&r, &f->ctime, 8);
        rd_get(&r, &f->listed, 8);
        rd_get(&r, &names, 4);
        if (r.bad || names > (size_t)(r.end - r.p) / 4) {
            r.bad = 1;
            break;
        }
        f->names = ks_calloc(names ? names : 1, sizeof *f->names);
        for (uint32_t k = 0; k < names && !r.bad; k++) {
            f->names[k] = rd_str(&r, &at);
            if (f->names[k]) f->n++;
        }
    }
    free(data);
    if (r.bad || r.p != r.end) cache_free(c);
}

static void put_str(ks_buf *b, const char *s) {
    uint32_t n = (uint32_t)strlen(s);
    ks_buf_append(b, &n, 4);
    ks_buf_append(b, s, n);
}

static void cache_write(const char *path, stamp_cache *c) {
    ks_buf b = {0};
    uint64_t n = c->n;
    ks_buf_append(&b, STAMP_MAGIC, 8);
    ks_buf_append(&b, &n, 8);
    for (size_t i = 0; i < c->n; i++) {
        const stamp_folder *f = &c->items[i];
        uint32_t names = (uint32_t)f->n;
        put_str(&b, f->rel);
        ks_buf_append(&b, &f->ino, 8);
        ks_buf_append(&b, &f->mtime, 8);
        ks_buf_append(&b, &f->ctime, 8);
        ks_buf_append(&b, &f->listed, 8);
        ks_buf_append(&b, &names, 4);
        for (size_t k = 0; k < f->n; k++) put_str(&b, f->names[k]);
    }
    uint64_t sum = store_sum64(b.data, b.len);
    ks_buf_append(&b, &sum, 8);
    if (store_write_replacing(path, b.data, b.len) != KS_OK) unlink(path); /* a stale cache is only slower */
    ks_buf_free(&b);
}

/* ------------------------------------------------------------ the walk */

typedef struct walk {
    int root;               /* the content folder */
    ks_buf b;               /* what the stamp hashes, since the last stamp_fold */
    uint64_t sum;           /* the sums of what was folded */
    stamp_cache *old;       /* may be empty; the names of the folders trusted are taken from it */
    stamp_cache now;        /* the folders as this walk saw them */
    int64_t clock;          /* when the walk began (ns, wall clock) */
    int listed;             /* folders listed for real (else the cache needs no writing) */
} walk;

/* What the stamp hashes is summed 64 KiB at a time (the sums chained),
 * not kept whole: 1.5 MB at 10,000 pages, 400 page faults of fresh
 * memory. The same entries in the same order give the same stamp. */
#define STAMP_CHUNK (64 * 1024)

static void stamp_fold(walk *w) {
    w->sum = w->sum * 0x9E3779B185EBCA87ULL + store_sum64(w->b.data ? w->b.data : "", w->b.len);
    w->b.len = 0;
}

/* Mix one entry (its path, rel_dir/name, and what stat says of it) into
 * the stamp: binary, not printf, as this runs once per file on every
 * `kiosk index`. */
static void stamp_entry(walk *w, const char *rel_dir, const char *name, const struct stat *st) {
    ks_buf *b = &w->b;
    int64_t v[8] = {(int64_t)st->st_size, (int64_t)st->st_mtim.tv_sec, (int64_t)st->st_mtim.tv_nsec,
                    (int64_t)st->st_ctim.tv_sec, (int64_t)st->st_ctim.tv_nsec, (int64_t)st->st_ino,
                    (int64_t)st->st_mode, (int64_t)st->st_dev};
    if (rel_dir) {
        ks_buf_puts(b, rel_dir);
        ks_buf_putc(b, '/');
    }
    ks_buf_append(b, name, strlen(name) + 1);
    ks_buf_append(b, v, sizeof v);
    if (b->len >= STAMP_CHUNK) stamp_fold(w);
}

/* The names in the folder rel (sorted, "." and ".." left out), NULL when
 * it cannot be listed. */
static char **list_names(int root, const char *rel, size_t *count) {
    int fd = openat(root, rel[0] ? rel : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0) close(fd);
        return NULL;
    }
    size_t cap = 16, n = 0;
    char **names = ks_malloc(cap * sizeof(char *));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == cap) names = ks_realloc(names, (cap *= 2) * sizeof(char *));
        names[n++] = ks_strdup(e->d_name);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof(char *), str_cmp);
    *count = n;
    return names;
}

/* The folder rel, whose stat is st, into w->now: its names from the cache
 * when they can be trusted, else listed. The entry, or NULL when it
 * cannot be listed. */
static stamp_folder *folder_names(walk *w, const char *rel, const struct stat *st) {
    stamp_folder key = {.rel = (char *)rel}, f = {0};
    stamp_folder *old = w->old->n ? bsearch(&key, w->old->items, w->old->n, sizeof key, folder_cmp) : NULL;
    f.ino = (uint64_t)st->st_ino;
    f.mtime = ns_of(st->st_mtim);
    f.ctime = ns_of(st->st_ctim);
    int64_t newest = f.mtime > f.ctime ? f.mtime : f.ctime;
    if (old && old->ino == f.ino && old->mtime == f.mtime && old->ctime == f.ctime &&
        newest + STAMP_SETTLE_NS < old->listed) {
        f.listed = old->listed; /* the names taken over: the old cache is only freed after the walk */
        f.n = old->n;
        f.names = old->names;
        f.in_block = old->in_block & 2; /* (then so is its block: see ks_store_stamp_walk) */
        old->names = NULL;
        old->n = 0;
    } else {
        f.listed = w->clock;
        f.names = list_names(w->root, rel, &f.n);
        if (!f.names) return NULL;
        w->listed++;
    }
    f.rel = ks_strdup(rel);
    if (w->now.n == w->now.cap)
        w->now.items = ks_realloc(w->now.items, (w->now.cap = w->now.cap ? w->now.cap * 2 : 256) * sizeof f);
    w->now.items[w->now.n] = f;
    return &w->now.items[w->now.n++];
}

/* Stamp the entries of the folder rel (depth 0: the content folder, 1: a
 * topic folder, 2: a folder in a topic), with the same names skipped as
 * ks_store_load; each stat'ed from the content folder (one call), a
 * symbolic link also by its target. */
static int stamp_folder_walk(walk *w, const char *rel, const struct stat *st, int depth, int plain) {
    stamp_folder *f = folder_names(w, rel, st);
    if (!f) return KS_ERR_IO;
    size_t at = (size_t)(f - w->now.items); /* w->now moves as folders are added */
    f->plain = plain;
    f->st = ks_malloc((f->n ? f->n : 1) * sizeof *f->st);
    f->ok = ks_calloc(f->n ? f->n : 1, 1);
    ks_buf path = {0};
    for (size_t i = 0; i < w->now.items[at].n; i++) {
        const char *name = w->now.items[at].names[i];
        if (name[0] == '_' || name[0] == '.') continue;
        struct stat lst, tst;
        path.len = 0;
        if (rel[0]) {
            ks_buf_puts(&path, rel);
            ks_buf_putc(&path, '/');
        }
        ks_buf_puts(&path, name);
        if (fstatat(w->root, path.data, &lst, AT_SYMLINK_NOFOLLOW) != 0) continue;
        w->now.items[at].st[i] = lst;
        w->now.items[at].ok[i] = 1;
        stamp_entry(w, rel[0] ? rel : NULL, name, &lst);
        /* a link is followed (or refused) by the target it has now */
        tst = lst;
        if (S_ISLNK(lst.st_mode)) {
            if (fstatat(w->root, path.data, &tst, 0) != 0) continue;
            stamp_entry(w, rel[0] ? rel : NULL, name, &tst);
        }
        if (S_ISDIR(tst.st_mode) && depth < STAMP_MAX_DEPTH) {
            char *sub = ks_strdup(path.data);
            stamp_folder_walk(w, sub, &tst, depth + 1, plain && S_ISDIR(lst.st_mode));
            free(sub);
        }
    }
    ks_buf_free(&path);
    return KS_OK;
}

/* What the walk saw, for a load that trusts it (ks_store_load_walked). */
struct ks_store_walk {
    stamp_cache folders; /* sorted by rel */
    uint64_t dev, ino;   /* the content folder */
    int64_t clock;       /* when the walk began */
    size_t last;         /* the folder store_walk_stat found last (pages come folder by folder) */
};

int ks_store_stamp_walk(const char *dir, const char *cache, uint64_t *stamp, ks_store_walk **out) {
    struct stat st;
    stamp_cache old = {0};
    *stamp = 0;
    if (out) *out = NULL;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return errno == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO;
    walk w = {.root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), .old = &old, .clock = store_reuse_clock_ns()};
    if (w.root < 0) return KS_ERR_IO;
    cache_read(cache, &old);
    stamp_entry(&w, NULL, ".", &st);
    int rc = stamp_folder_walk(&w, "", &st, 0, 1);
    if (rc == KS_OK) {
        stamp_fold(&w);
        *stamp = w.sum | 1; /* never 0 */
    }
    if (rc == KS_OK && w.now.n) qsort(w.now.items, w.now.n, sizeof *w.now.items, folder_cmp);
    if (rc == KS_OK && cache && (w.listed || w.now.n != old.n)) cache_write(cache, &w.now);
    close(w.root);
    w.now.block = old.block; /* names taken over from the cache may be in it */
    old.block = NULL;
    cache_free(&old);
    ks_buf_free(&w.b);
    if (rc == KS_OK && out) {
        ks_store_walk *k = ks_calloc(1, sizeof *k);
        k->folders = w.now;
        k->dev = (uint64_t)st.st_dev;
        k->ino = (uint64_t)st.st_ino;
        k->clock = w.clock;
        *out = k;
    } else {
        cache_free(&w.now);
    }
    return rc;
}

int ks_store_stamp_cached(const char *dir, const char *cache, uint64_t *stamp) {
    return ks_store_stamp_walk(dir, cache, stamp, NULL);
}

int ks_store_stamp(const char *dir, uint64_t *stamp) { return ks_store_stamp_cached(dir, NULL, stamp); }

void ks_store_walk_free(ks_store_walk *w) {
    if (!w) return;
    cache_free(&w->folders);
    free(w);
}

/* ------------------------------------------------------------ trusting the walk */

int64_t store_walk_clock(const ks_store_walk *w) { return w->clock; }

int store_walk_is_root(const ks_store_walk *w, const struct stat *st) {
    return w->dev == (uint64_t)st->st_dev && w->ino == (uint64_t)st->st_ino;
}

/* The folder rel as the walk listed it through real folders only, or NULL. */
static const stamp_folder *walk_folder(ks_store_walk *w, const char *rel, size_t len) {
    const stamp_folder *items = w->folders.items;
    if (w->last < w->folders.n && strlen(items[w->last].rel) == len && !memcmp(items[w->last].rel, rel, len))
        return items[w->last].plain && items[w->last].st ? &items[w->last] : NULL;
    size_t lo = 0, hi = w->folders.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(rel, items[mid].rel, len);
        if (c == 0 && items[mid].rel[len]) c = -1; /* items[mid].rel is longer */
        if (c == 0) {
            w->last = mid;
            return items[mid].plain && items[mid].st ? &items[mid] : NULL;
        }
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

static size_t name_at(const stamp_folder *f, const char *name) {
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, f->names[mid]);
        if (c == 0) return mid;
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return (size_t)-1;
}

int store_walk_stat(ks_store_walk *w, const char *rel, struct stat *st) {
    const char *slash = strrchr(rel, '/'), *base = slash ? slash + 1 : rel;
    const stamp_folder *f = walk_folder(w, rel, slash ? (size_t)(slash - rel) : 0);
    size_t i = f ? name_at(f, base) : (size_t)-1;
    if (i == (size_t)-1 || !f->ok[i]) return 0;
    *st = f->st[i];
    return 1;
}

char **store_walk_typed(ks_store_walk *w, const char *rel, size_t *n) {
    const stamp_folder *f = walk_folder(w, rel, strlen(rel));
    if (!f) return NULL;
    /* the array and its names in one block (11,770 names a load at 10,000 pages) */
    size_t bytes = 0, at = (f->n ? f->n : 1) * sizeof(char *);
    for (size_t i = 0; i < f->n; i++) bytes += strlen(f->names[i]) + 2;
    char **typed = ks_malloc(at + bytes), *block = (char *)typed;
    for (size_t i = 0; i < f->n; i++) {
        size_t len = strlen(f->names[i]);
        char t = !f->ok[i] ? '?' : S_ISREG(f->st[i].st_mode) ? 'f' : S_ISDIR(f->st[i].st_mode) ? 'd' : '?';
        typed[i] = block + at;
        typed[i][0] = t;
        memcpy(typed[i] + 1, f->names[i], len + 1);
        at += len + 2;
    }
    *n = f->n;
    return typed;
}
