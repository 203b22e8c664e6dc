/* source: where the store's files come from, and the only place it opens
 * them.
 *
 * A folder on disk is opened once as a descriptor; every file and folder
 * under it is opened relative to that descriptor with ks_open_beneath (one
 * component at a time, O_NOFOLLOW), so a symbolic link is followed only
 * while it stays inside, and what is checked (fstat) is the very file that
 * is then read, from the same descriptor. The folder of the last file
 * opened stays open, so the next file in it is looked at with one fstatat
 * (AT_SYMLINK_NOFOLLOW) on that descriptor and opened (O_NOFOLLOW) only when
 * it is read: a plain file there is the same file the walk would reach,
 * and anything else (a link, a folder, a pipe) goes the whole walk as
 * before. At 10,000 pages this is 1 system call per unchanged page instead
 * of 8 (issue 12). A memory source serves files
 * already in memory (the last good versions the watcher recovers from the
 * index), so the same scanning code builds a snapshot from them with no
 * temporary files. */
#define _GNU_SOURCE /* getdents64 */
#include "store_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct store_source {
    int fd;                     /* the content folder, or -1 for a memory source */
    const ks_store_file *files; /* memory: borrowed */
    size_t n_files;
    char *dir_rel;              /* disk: the folder last opened for its files ("" the root), owned */
    int dir_fd;                 /* its descriptor (walked beneath fd), or -1 */
    int dir_listed;             /* dir_fd has been read to its end (rewind before listing it again) */
    store_listings *record;     /* disk: every folder this load listed (kept by the store) */
    store_listings *mem;        /* memory: the names store_source_list handed out */
    /* ks_store_load_changed: the previous load's listings and records are
     * the truth for everything but the files named in changed */
    const store_listings *trusted;
    const ks_store *prev;
    char *const *changed;
    size_t n_changed;
    /* ks_store_load_walked: the stamp's walk of this very folder, whose
     * listings and lstat results stand for the load's own */
    ks_store_walk *walk;
    store_ahead *ahead; /* told of each file read, or NULL */
};

/* ------------------------------------------------------------ listings */

/* One folder's names as listed, each prefixed by its type from the
 * listing: 'f' a regular file, 'd' a folder, '?' anything else (a link, a
 * pipe: looked at for real). Sorted by name. Never changed once made, and
 * shared by reference between the loads that trust it (ks_store_load_changed:
 * 1,800 topic folders a load, not copied name by name). */
typedef struct store_listing {
    atomic_int refs;
    char *rel;
    char **names;
    size_t n;
    int one_block; /* names and the array in one allocation (store_walk_typed) */
} store_listing;

struct store_listings {
    store_listing **items; /* sorted by rel once taken by a store */
    size_t n, cap;
};

static void listing_release(store_listing *L) {
    if (atomic_fetch_sub(&L->refs, 1) != 1) return;
    for (size_t k = 0; !L->one_block && k < L->n; k++) free(L->names[k]);
    free(L->names);
    free(L->rel);
    free(L);
}

void store_listings_free(store_listings *l) {
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) listing_release(l->items[i]);
    free(l->items);
    free(l);
}

static void listings_put(store_listings *l, store_listing *L) {
    if (l->n == l->cap) l->items = ks_realloc(l->items, (l->cap = l->cap ? l->cap * 2 : 64) * sizeof *l->items);
    l->items[l->n++] = L;
}

/* A new listing of rel (typed: taken over; one_block: freed as one
 * allocation, as store_walk_typed makes it), added to l. */
static store_listing *listings_add(store_listings *l, const char *rel, char **typed, size_t n, int one_block) {
    store_listing *L = ks_malloc(sizeof *L);
    atomic_init(&L->refs, 1);
    L->rel = ks_strdup(rel);
    L->names = typed;
    L->n = n;
    L->one_block = one_block;
    listings_put(l, L);
    return L;
}

static int listing_cmp(const void *a, const void *b) {
    return strcmp((*(store_listing *const *)a)->rel, (*(store_listing *const *)b)->rel);
}

static store_listing *listings_find(const store_listings *l, const char *rel) {
    store_listing key = {.rel = (char *)rel}, *kp = &key;
    store_listing **hit = l && l->n ? bsearch(&kp, l->items, l->n, sizeof kp, listing_cmp) : NULL;
    return hit ? *hit : NULL;
}

/* The names of L (without their type letter) as store_source_list hands
 * them out: borrowed from L, which the source or the store keeps. */
static const char **listing_names(const store_listing *L) {
    const char **names = ks_malloc((L->n ? L->n : 1) * sizeof *names);
    for (size_t i = 0; i < L->n; i++) names[i] = L->names[i] + 1;
    return names;
}

static int typed_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a + 1, *(char *const *)b + 1); }

/* The type letter of name in a listing, or 0 when it is not there. */
static char listing_type(const store_listing *L, const char *name) {
    size_t lo = 0, hi = L->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, L->names[mid] + 1);
        if (c == 0) return L->names[mid][0];
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return 0;
}

/* Whether a file named in changed is directly in the folder rel. */
static int folder_changed(const store_source *s, const char *rel, size_t len) {
    for (size_t i = 0; i < s->n_changed; i++) {
        const char *c = s->changed[i], *slash = strrchr(c, '/');
        size_t n = slash ? (size_t)(slash - c) : 0;
        if (n == len && memcmp(c, rel, len) == 0) return 1;
    }
    return 0;
}

static int is_changed(const store_source *s, const char *rel) {
    for (size_t i = 0; i < s->n_changed; i++)
        if (strcmp(s->changed[i], rel) == 0) return 1;
    return 0;
}

void store_source_trust(store_source *s, const ks_store *prev, char *const *changed, size_t n_changed) {
    s->trusted = prev->listings;
    s->prev = prev;
    s->changed = changed;
    s->n_changed = n_changed;
}

int store_source_use_walk(store_source *s, ks_store_walk *walk) {
    struct stat st;
    if (s->fd < 0 || fstat(s->fd, &st) != 0 || !store_walk_is_root(walk, &st)) return 0;
    s->walk = walk;
    return 1;
}

store_listings *store_source_take_listings(store_source *s) {
    store_listings *l = s->record;
    s->record = NULL;
    if (l && l->n) qsort(l->items, l->n, sizeof *l->items, listing_cmp);
    return l;
}

/* Whether a load reads the name (see store_source_relist_same). */
static int read_by_load(const char *typed, int top) {
    const char *name = typed + 1;
    size_t n = strlen(name);
    if (name[0] == '_' || name[0] == '.') return 0;
    if (typed[0] != 'f') return 1;
    if (n > 3 && strcasecmp(name + n - 3, ".md") == 0) return 1;
    return top && (!strcmp(name, "synonyms.txt") || !strcmp(name, "intents.txt") || !strcmp(name, "home.txt"));
}

int store_source_relist_same(store_source *s, const store_listings *prev, const char *rel) {
    const store_listing *P = listings_find(prev, rel), *N;
    size_t n;
    const char **names = store_source_list(s, rel, &n);
    if (!names || !P) {
        free(names);
        return 0;
    }
    free(names);
    N = s->record && s->record->n ? s->record->items[s->record->n - 1] : NULL; /* the one just made */
    if (!N || strcmp(N->rel, rel) != 0) return 0;
    size_t i = 0, k = 0;
    int top = !*rel;
    for (;;) {
        while (i < P->n && !read_by_load(P->names[i], top)) i++;
        while (k < N->n && !read_by_load(N->names[k], top)) k++;
        if (i == P->n || k == N->n) return i == P->n && k == N->n;
        if (strcmp(P->names[i], N->names[k]) != 0) return 0;
        i++;
        k++;
    }
}

store_listings *store_source_patch_listings(store_source *s, const store_listings *prev) {
    store_listings *l = ks_calloc(1, sizeof *l);
    for (size_t i = 0; prev && i < prev->n; i++) {
        store_listing *L = prev->items[i];
        int relisted = 0;
        for (size_t k = 0; s->record && k < s->record->n; k++)
            if (strcmp(s->record->items[k]->rel, L->rel) == 0) relisted = 1;
        if (relisted) continue;
        atomic_fetch_add(&L->refs, 1);
        listings_put(l, L);
    }
    for (size_t k = 0; s->record && k < s->record->n; k++) {
        atomic_fetch_add(&s->record->items[k]->refs, 1);
        listings_put(l, s->record->items[k]);
    }
    if (l->n) qsort(l->items, l->n, sizeof *l->items, listing_cmp);
    return l;
}

store_source *store_source_open_dir(const char *dir, int *err) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        *err = e == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO;
        errno = e;
        return NULL;
    }
    store_source *s = ks_calloc(1, sizeof *s);
    s->fd = fd;
    s->dir_fd = -1;
    s->record = ks_calloc(1, sizeof *s->record);
    return s;
}

store_source *store_source_memory(const ks_store_file *files, size_t n) {
    store_source *s = ks_calloc(1, sizeof *s);
    s->fd = -1;
    s->dir_fd = -1;
    s->files = files;
    s->n_files = n;
    s->mem = ks_calloc(1, sizeof *s->mem);
    return s;
}

static void drop_folder(store_source *s);

void store_source_close(store_source *s) {
    if (!s) return;
    if (s->fd >= 0) close(s->fd);
    drop_folder(s);
    free(s->dir_rel);
    store_listings_free(s->record);
    store_listings_free(s->mem);
    free(s);
}

int store_source_is_disk(const store_source *s) { return s->fd >= 0; }
int store_source_fd(const store_source *s) { return s->fd; }

static int cached_folder(store_source *s, const char *dir, size_t n);

static void drop_folder(store_source *s) {
    if (s->dir_fd >= 0) close(s->dir_fd);
    s->dir_listed = 0;
    s->dir_fd = -1;
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void add_name(char ***names, size_t *n, size_t *cap, const char *name, size_t len) {
    for (size_t i = 0; i < *n; i++)
        if (strlen((*names)[i]) == len && memcmp((*names)[i], name, len) == 0) return;
    if (*n == *cap) *names = ks_realloc(*names, (*cap *= 2) * sizeof(char *));
    (*names)[(*n)++] = ks_strndup(name, len);
}

const char **store_source_list(store_source *s, const char *rel, size_t *count) {
    size_t cap = 16, n = 0;
    char **names;
    if (s->fd < 0) {
        size_t rl = strlen(rel);
        names = ks_malloc(cap * sizeof(char *));
        for (size_t i = 0; i < s->n_files; i++) {
            const char *p = s->files[i].path;
            if (rl) {
                if (strncmp(p, rel, rl) != 0 || p[rl] != '/') continue;
                p += rl + 1;
            }
            add_name(&names, &n, &cap, p, strcspn(p, "/"));
        }
    } else {
        /* Listed with getdents64 on the descriptor the folder's files are
         * then opened from (kept open): opendir/fdopendir would add an
         * open, an fstat and two fcntl per folder, 1,800 topic folders a
         * load. The content folder itself through a descriptor of its own. */
        store_listing *L = s->trusted && !folder_changed(s, rel, strlen(rel)) ? listings_find(s->trusted, rel) : NULL;
        if (L) { /* nothing changed in it: the last load's listing, shared */
            atomic_fetch_add(&L->refs, 1);
            listings_put(s->record, L);
            *count = L->n;
            return listing_names(L);
        }
        char **walked = s->walk ? store_walk_typed(s->walk, rel, &n) : NULL;
        if (walked) { /* the stamp listed it (or vouched for its cached names) a moment ago */
            *count = n;
            return listing_names(listings_add(s->record, rel, walked, n, 1));
        }
        int dfd = cached_folder(s, rel, strlen(rel)), own = !*rel;
        char buf[32768] __attribute__((aligned(8)));
        ssize_t got;
        if (dfd < 0) return NULL;
        int fd = own ? openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : dfd;
        if (fd < 0) return NULL;
        if (!own && s->dir_listed && lseek(fd, 0, SEEK_SET) != 0) return NULL;
        if (!own) s->dir_listed = 1;
        char **typed = ks_malloc(cap * sizeof(char *));
        while ((got = getdents64(fd, buf, sizeof buf)) > 0) {
            for (ssize_t off = 0; off < got;) {
                struct dirent64 *e = (struct dirent64 *)(void *)(buf + off);
                off += e->d_reclen;
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
                if (n == cap) typed = ks_realloc(typed, (cap *= 2) * sizeof(char *));
                typed[n++] = ks_sprintf("%c%s", e->d_type == DT_REG ? 'f' : e->d_type == DT_DIR ? 'd' : '?', e->d_name);
            }
        }
        if (got < 0) {
            int e = errno;
            for (size_t i = 0; i < n; i++) free(typed[i]);
            free(typed);
            if (own) close(fd);
            errno = e;
            return NULL;
        }
        if (own) close(fd);
        if (n) qsort(typed, n, sizeof(char *), typed_cmp);
        *count = n;
        return listing_names(listings_add(s->record, rel, typed, n, 0));
    }
    if (n) qsort(names, n, sizeof(char *), name_cmp);
    /* kept by the source as a listing (type '?'), so the names are borrowed as on disk */
    for (size_t i = 0; i < n; i++) {
        char *t = ks_sprintf("?%s", names[i]);
        free(names[i]);
        names[i] = t;
    }
    *count = n;
    return listing_names(listings_add(s->mem, rel, names, n, 0));
}

void store_source_entry_close(source_entry *e) {
    if (e->fd >= 0) close(e->fd);
    e->fd = -1;
}

/* The descriptor of the folder named by the first n bytes of dir (kept
 * open for the next file in it); -1 (errno set) when it cannot be opened. */
static int cached_folder(store_source *s, const char *dir, size_t n) {
    if (!n) return s->fd;
    if (s->dir_fd >= 0 && strlen(s->dir_rel) == n && memcmp(s->dir_rel, dir, n) == 0) return s->dir_fd;
    drop_folder(s);
    free(s->dir_rel);
    s->dir_rel = ks_strndup(dir, n);
    /* A topic folder (one plain name, no link): opened at once; anything
     * else (a link, a deeper path) by the walk. */
    if (!memchr(dir, '/', n) && strcmp(s->dir_rel, ".") && strcmp(s->dir_rel, "..")) {
        s->dir_fd = openat(s->fd, s->dir_rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s->dir_fd >= 0 || errno == ENOENT || errno == EACCES) return s->dir_fd;
    }
    s->dir_fd = ks_open_beneath(s->fd, s->dir_rel, O_RDONLY | O_DIRECTORY);
    return s->dir_fd;
}

/* The descriptor of rel's folder and rel's last component in *base. */
static int folder_of(store_source *s, const char *rel, const char **base) {
    const char *slash = strrchr(rel, '/');
    *base = slash ? slash + 1 : rel;
    return cached_folder(s, rel, slash ? (size_t)(slash - rel) : 0);
}

/* rel by what lstat said of it (out->st): a plain file, opened when it is
 * read; a folder at the top (top: rel is in the content folder itself), a
 * topic folder listed (or said unreadable) next; anything else 0 (look
 * the whole way). */
static int entry_by_stat(store_source *s, const char *rel, source_entry *out, int top) {
    if (S_ISDIR(out->st.st_mode) && top) {
        out->kind = 'd';
        return 'd';
    }
    if (!S_ISREG(out->st.st_mode)) return 0;
    out->have_st = 1;
    out->src = s;
    out->rel = rel;
    out->kind = 'f';
    return 'f';
}

/* A plain file in an open folder: stat it now, open it when it is read. */
static int entry_quick(store_source *s, const char *rel, source_entry *out) {
    const char *base;
    int dfd = folder_of(s, rel, &base);
    if (dfd < 0 || !*base || !strcmp(base, ".") || !strcmp(base, "..")) return 0;
    if (fstatat(dfd, base, &out->st, AT_SYMLINK_NOFOLLOW) != 0) return 0;
    return entry_by_stat(s, rel, out, dfd == s->fd);
}

/* ks_store_load_changed: a name that did not change, in a folder where
 * nothing changed, as the last load saw it, with no system call: a folder,
 * or a page file with the identity of its record (read, and so opened,
 * only when reuse.c cannot trust that identity). 0: look for real. */
static int entry_trusted(store_source *s, const char *rel, source_entry *out) {
    const char *slash = strrchr(rel, '/'), *base = slash ? slash + 1 : rel;
    size_t len = slash ? (size_t)(slash - rel) : 0;
    if (!s->trusted || is_changed(s, rel) || folder_changed(s, rel, len)) return 0;
    char small[256], *dir = len < sizeof small ? small : ks_malloc(len + 1); /* every page of a load */
    memcpy(dir, rel, len);
    dir[len] = 0;
    const store_listing *L = listings_find(s->trusted, dir);
    char type = L ? listing_type(L, base) : 0;
    if (dir != small) free(dir);
    if (type == 'd') {
        out->kind = 'd';
    } else if (type == 'f' && (out->prev_page = store_reuse_prev_stat(s->prev, rel, &out->st)) != NULL) {
        out->have_st = 1;
        out->src = s;
        out->rel = rel;
        out->kind = 'f';
    }
    return out->kind;
}

/* ks_store_load_walked: what the stamp's walk said of rel (lstat, through
 * real folders only) instead of a stat now: a plain file (opened when it
 * is read, as entry_quick's) or a topic folder. 0: look for real. */
static int entry_walked(store_source *s, const char *rel, source_entry *out) {
    if (!s->walk || !store_walk_stat(s->walk, rel, &out->st)) return 0;
    return entry_by_stat(s, rel, out, !strchr(rel, '/'));
}

/* Open an entry entry_quick only looked at; KS_OK or KS_ERR_* (errno set). */
static int entry_lazy_open(source_entry *e) {
    const char *base;
    struct stat st;
    int dfd = folder_of(e->src, e->rel, &base);
    int fd = dfd >= 0 ? openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
                      : ks_open_beneath(e->src->fd, e->rel, O_RDONLY);
    if (fd < 0) return errno == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) { /* replaced since the stat: read it next time */
        close(fd);
        errno = EAGAIN;
        return KS_ERR_IO;
    }
    e->fd = fd;
    e->src = NULL;
    return KS_OK;
}

int store_source_entry_stat(source_entry *e, struct stat *st) {
    if (e->have_st) {
        *st = e->st;
        return 0;
    }
    return e->fd >= 0 && fstat(e->fd, st) == 0 ? 0 : -1;
}

int store_source_entry_open(ks_store *store, store_source *s, const char *rel, source_entry *out) {
    memset(out, 0, sizeof *out);
    out->fd = -1;
    if (s->fd < 0) {
        size_t rl = strlen(rel);
        for (size_t i = 0; i < s->n_files; i++) {
            const char *p = s->files[i].path;
            if (strcmp(p, rel) == 0) {
                out->kind = 'f';
                out->data = s->files[i].text;
                out->len = s->files[i].len;
                return 'f';
            }
            if (strncmp(p, rel, rl) == 0 && p[rl] == '/') out->kind = 'd';
        }
        return out->kind;
    }
    if (entry_trusted(s, rel, out) || entry_walked(s, rel, out) || entry_quick(s, rel, out)) return out->kind;
    struct stat st;
    /* Whether the name itself is a link, for the message if it is refused. */
    int seen = fstatat(s->fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
    int is_link = seen && S_ISLNK(st.st_mode), is_dir = seen && S_ISDIR(st.st_mode);
    int fd = ks_open_beneath(s->fd, rel, O_RDONLY);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT && !is_link) return 0; /* vanished: nothing to say */
        if (e == ELOOP)
            store_diag_add(&store->diags, rel, 1, KS_DIAG_ERROR, "this symbolic link loops; it is not followed");
        else if (e == EXDEV)
            store_diag_add(&store->diags, rel, 1, KS_DIAG_ERROR,
                     "this symbolic link leads outside the content folder; it is not followed");
        else if (e == ENOENT)
            store_diag_add(&store->diags, rel, 1, KS_DIAG_ERROR, "this symbolic link leads nowhere; it is not followed");
        else if (e == ENXIO) { /* a socket or a FIFO with no writer: not content, unless named so */
            if (store_meant_as_content(rel)) {
                store_diag_add(&store->diags, rel, 1, KS_DIAG_ERROR,
                         "this is a pipe (FIFO) or socket, not a regular file; it is not read "
                         "(what was shown from it stays)");
                store_unknown_add(store, rel, 0);
            }
        } else if (is_dir) { /* no permission on a folder: its pages are unknown, not deleted */
            store_diag_add(&store->diags, rel, 1, KS_DIAG_ERROR,
                     "cannot read this folder: %s; its pages stay as they were", strerror(e));
            store_unknown_add(store, rel, 1);
        } else { /* no permission, an I/O error: unknown, not deleted */
            store_diag_add(&store->diags, rel, 1, KS_DIAG_ERROR, "cannot open this: %s; what was shown from it stays",
                     strerror(e));
            store_unknown_add(store, rel, 0);
        }
        return 0;
    }
    if (fstat(fd, &st) != 0) {
        close(fd);
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        out->kind = 'd';
    } else if (S_ISREG(st.st_mode)) {
        out->fd = fd;
        out->kind = 'f';
    } else {
        close(fd);
        if (store_meant_as_content(rel)) {
            store_diag_add(&store->diags, rel, 1, KS_DIAG_ERROR,
                     "this is a %s, not a regular file; it is not read (what was shown from it stays)",
                     S_ISFIFO(st.st_mode) ? "pipe (FIFO)" : S_ISSOCK(st.st_mode) ? "socket" : "device");
            store_unknown_add(store, rel, 0);
        }
    }
    return out->kind;
}

void store_source_set_ahead(store_source *s, store_ahead *a) { s->ahead = a; }

int store_source_entry_read(source_entry *e, size_t max, char **data, size_t *len) {
    if (e->src) {
        store_ahead_passed(e->src->ahead);
        int rc = entry_lazy_open(e);
        *data = NULL;
        *len = 0;
        if (rc != KS_OK) return rc;
    }
    if (e->fd < 0) {
        *data = NULL;
        *len = 0;
        if (!e->data && e->kind != 'f') return KS_ERR_NOT_FOUND;
        if (e->len > max) return KS_ERR_TOO_BIG;
        *data = ks_strndup(e->data ? e->data : "", e->len);
        *len = e->len;
        return KS_OK;
    }
    return ks_read_fd(e->fd, max, data, len);
}
