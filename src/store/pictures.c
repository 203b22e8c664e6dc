/* pictures: the check of every picture a page shows.
 *
 * Each picture is opened beneath the content folder (ks_open_beneath, so a
 * link that leads out is refused, never followed), checked from that one
 * descriptor (a regular file, at most KS_STORE_MAX_PICTURE_BYTES), read,
 * and recognised by its header (ks_image_sniff: PNG, JPEG, GIF, BMP, WebP,
 * SVG) with its size at most KS_STORE_MAX_PICTURE_SIDE a side. When the
 * caller gave an image probe (the app passes one that decodes with
 * SDL2_image; the store never links SDL), the picture is also decoded, so
 * a damaged file is caught too. What each picture is (size, times, inode)
 * goes into ks_store_pictures_hash, so a picture replaced while the kiosk
 * runs makes a new snapshot and is drawn anew. */
#include "store_int.h"

#include <cmark.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One distinct picture, checked once per load. */
typedef struct picture {
    char *path;    /* relative to the content folder */
    char *problem; /* NULL: fine; else the message's end ("does not exist ...") */
    struct stat st;
    int found;
} picture;

typedef struct picture_set {
    picture *items;
    size_t n, cap;
} picture_set;

static char *check_one(ks_store *store, int root, const char *path, struct stat *st, int *found) {
    int fd = ks_open_beneath(root, path, O_RDONLY);
    *found = 0;
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT) return ks_sprintf("does not exist (looked for %s in the content folder)", path);
        if (e == EXDEV) return ks_strdup("is reached through a symbolic link that leads outside the content folder; it is not shown");
        if (e == ELOOP) return ks_strdup("is reached through a symbolic link that loops; it is not shown");
        return ks_sprintf("cannot be opened: %s", strerror(e));
    }
    char *problem = NULL, *data = NULL;
    size_t len = 0;
    if (fstat(fd, st) != 0) {
        problem = ks_sprintf("cannot be read: %s", strerror(errno));
        goto out;
    }
    *found = 1;
    if (!S_ISREG(st->st_mode)) {
        problem = ks_strdup("is not a file");
        goto out;
    }
    int rc = ks_read_fd(fd, KS_STORE_MAX_PICTURE_BYTES, &data, &len);
    if (rc == KS_ERR_TOO_BIG) {
        problem = ks_sprintf("is %.1f MB; the largest picture the kiosk shows is %d MB: make it smaller",
                             (double)st->st_size / (1024.0 * 1024.0), KS_STORE_MAX_PICTURE_BYTES / (1024 * 1024));
        goto out;
    }
    if (rc != KS_OK) {
        problem = ks_sprintf("cannot be read: %s", strerror(errno));
        goto out;
    }
    int w = 0, h = 0;
    ks_image_type t = ks_image_sniff(data, len, &w, &h);
    if (t == KS_IMAGE_UNKNOWN) {
        problem = ks_strdup("is not a picture the kiosk can show (use PNG, JPEG or SVG)");
        goto out;
    }
    if (store->opts.image_probe) {
        ks_image_probe_result pr = {0, 0, ""};
        if (store->opts.image_probe(store->opts.image_probe_ctx, data, len, &pr) < 0) {
            problem = ks_sprintf("looks like %s but cannot be read as a picture%s%s: save it again or use another file",
                                 ks_image_type_name(t), pr.why[0] ? ": " : "", pr.why);
            goto out;
        }
        w = pr.w;
        h = pr.h;
    }
    if (w > KS_STORE_MAX_PICTURE_SIDE || h > KS_STORE_MAX_PICTURE_SIDE)
        problem = ks_sprintf("is %d x %d pixels; the largest the kiosk shows is %d x %d: make it smaller", w, h,
                             KS_STORE_MAX_PICTURE_SIDE, KS_STORE_MAX_PICTURE_SIDE);
out:
    free(data);
    close(fd);
    return problem;
}

/* The checked picture at path (checked now if it is new). */
static picture *picture_at(ks_store *store, picture_set *set, int root, const char *path) {
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->items[i].path, path) == 0) return &set->items[i];
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 16;
        set->items = ks_realloc(set->items, set->cap * sizeof *set->items);
    }
    picture *p = &set->items[set->n++];
    memset(p, 0, sizeof *p);
    p->path = ks_strdup(path);
    p->problem = check_one(store, root, path, &p->st, &p->found);
    return p;
}

static void check_page(ks_store *store, picture_set *set, int root, ks_page *page) {
    /* the pictures from the page's record (reuse.c), not its tree: a page
     * reused from a records file has no tree */
    size_t n_images;
    const ks_link *images = store_page_images(page, &n_images);
    for (size_t k = 0; k < n_images; k++) {
        const char *url = images[k].url;
        int line = images[k].line;
        /* Resolved against the folder of the file as it is on disk. */
        char *path = ks_link_resolve_image(page->path, url);
        if (!path) {
            if (ks_link_is_external(url))
                store_diag_add(&store->diags, page->path, line, KS_DIAG_ERROR,
                         "the picture '%s' is on the web, and the kiosk is offline: copy it into the content folder and link to the file",
                         url);
            else
                store_diag_add(&store->diags, page->path, line, KS_DIAG_ERROR,
                         "the picture '%s' is outside the content folder; it is not shown", url);
            page->errors++;
            continue;
        }
        picture *p = picture_at(store, set, root, path);
        if (p->problem) {
            store_diag_add(&store->diags, page->path, line, KS_DIAG_ERROR, "the picture '%s' %s", url, p->problem);
            page->errors++;
        }
        free(path);
    }
}

static int picture_cmp(const void *a, const void *b) {
    return strcmp(((const picture *)a)->path, ((const picture *)b)->path);
}

void store_pictures_check(ks_store *store, store_source *src) {
    if (!store_source_is_disk(src)) return;
    picture_set set = {0};
    for (size_t i = 0; i < store->n_pages; i++)
        check_page(store, &set, store_source_fd(src), store->pages[i]);
    /* The fingerprint: every picture's path and what the file system says
     * of it, in path order. */
    if (set.n) qsort(set.items, set.n, sizeof *set.items, picture_cmp);
    ks_buf b = {0};
    for (size_t i = 0; i < set.n; i++) {
        const picture *p = &set.items[i];
        ks_buf_printf(&b, "%s|%d|%lld|%lld.%09ld|%lld.%09ld|%llu\n", p->path, p->found, (long long)p->st.st_size,
                      (long long)p->st.st_mtim.tv_sec, p->st.st_mtim.tv_nsec, (long long)p->st.st_ctim.tv_sec,
                      p->st.st_ctim.tv_nsec, (unsigned long long)p->st.st_ino);
        free(p->path);
        free(p->problem);
    }
    store->pictures_hash = b.len ? ks_hash64(b.data, b.len) : 0;
    store->n_pictures = set.n;
    ks_buf_free(&b);
    free(set.items);
}

size_t ks_store_picture_count(const ks_store *store) { return store->n_pictures; }
uint64_t ks_store_pictures_hash(const ks_store *store) { return store->pictures_hash; }
