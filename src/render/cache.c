/* cache: everything render makes once and copies every frame after: text
 * textures, rounded-corner masks, images. */
#include "render_int.h"

#include "kiosk/base.h"

#include <SDL_image.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KIOSK_ASSETS_DIR
#define KIOSK_ASSETS_DIR "assets"
#endif

/* ------------------------------------------------------------ text */

static int same_color(ks_color a, ks_color b) {
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

static uint64_t text_hash(const ks_item *it) {
    uint64_t h = ks_hash64(it->text, it->len);
    uint32_t c1 = (uint32_t)it->color.r << 24 | (uint32_t)it->color.g << 16 | (uint32_t)it->color.b << 8 | it->color.a;
    uint32_t c2 = (uint32_t)it->bg.r << 24 | (uint32_t)it->bg.g << 16 | (uint32_t)it->bg.b << 8 | it->bg.a;
    h ^= (uint64_t)c1 * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)c2 * 0xC2B2AE3D27D4EB4Full;
    h ^= ((uint64_t)(unsigned)it->face << 48) ^ ((uint64_t)(unsigned)it->size << 32);
    return h;
}

static void grow_buckets(ks_render *rd) {
    size_t n = rd->n_buckets ? rd->n_buckets * 2 : 1024;
    text_entry **b = ks_calloc(n, sizeof *b);
    for (size_t i = 0; i < rd->n_buckets; i++) {
        for (text_entry *e = rd->buckets[i], *next; e; e = next) {
            next = e->next;
            e->next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    }
    free(rd->buckets);
    rd->buckets = b;
    rd->n_buckets = n;
}

static SDL_Texture *rasterise(ks_render *rd, const ks_item *it, int *w, int *h) {
    font_slot *s = render_font(rd, it->face, it->size);
    if (!s) return NULL;
    SDL_Color fg = {it->color.r, it->color.g, it->color.b, it->color.a};
    SDL_Surface *surf;
    int opaque = it->bg.a == 255 && it->color.a == 255;
    if (opaque) {
        SDL_Color bg = {it->bg.r, it->bg.g, it->bg.b, 255};
        surf = TTF_RenderUTF8_Shaded(s->font, it->text, fg, bg);
    } else {
        surf = TTF_RenderUTF8_Blended(s->font, it->text, fg);
    }
    if (!surf) return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(rd->r, surf);
    if (tex) {
        SDL_SetTextureBlendMode(tex, opaque ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
        *w = surf->w;
        *h = surf->h;
    }
    SDL_FreeSurface(surf);
    rd->rasterised++;
    return tex;
}

text_entry *render_text(ks_render *rd, const ks_item *it) {
    if (!it->text || !it->len) return NULL;
    uint64_t hash = text_hash(it);
    if (rd->n_buckets) {
        for (text_entry *e = rd->buckets[hash & (rd->n_buckets - 1)]; e; e = e->next) {
            if (e->hash == hash && e->face == it->face && e->size == it->size && e->len == it->len &&
                same_color(e->fg, it->color) && same_color(e->bg, it->bg) && memcmp(e->text, it->text, it->len) == 0) {
                e->last_used = rd->frame;
                return e;
            }
        }
    }
    int w = 0, h = 0;
    SDL_Texture *tex = rasterise(rd, it, &w, &h);
    if (!tex) return NULL;
    if (rd->n_texts >= rd->n_buckets) grow_buckets(rd);
    text_entry *e = ks_calloc(1, sizeof *e);
    e->hash = hash;
    e->face = it->face;
    e->size = it->size;
    e->fg = it->color;
    e->bg = it->bg;
    e->text = ks_strndup(it->text, it->len);
    e->len = it->len;
    e->tex = tex;
    e->w = w;
    e->h = h;
    e->last_used = rd->frame;
    size_t b = hash & (rd->n_buckets - 1);
    e->next = rd->buckets[b];
    rd->buckets[b] = e;
    rd->n_texts++;
    rd->text_bytes += (size_t)w * (size_t)h * 4;
    return e;
}

/* Draw calls a text must have gone unused before it may be dropped: a
 * frame is often several draw calls (page, then header, then keyboard), and
 * none of them may throw out what the others need. */
#define KEEP_CALLS 8

static int by_last_used(const void *a, const void *b) {
    const text_entry *x = *(text_entry *const *)a, *y = *(text_entry *const *)b;
    return x->last_used < y->last_used ? -1 : x->last_used > y->last_used;
}

static void drop_text(ks_render *rd, text_entry *e) {
    rd->text_bytes -= (size_t)e->w * (size_t)e->h * 4;
    rd->n_texts--;
    SDL_DestroyTexture(e->tex);
    free(e->text);
    free(e);
}

/* Over budget: drop the least recently drawn texts until a quarter of the
 * budget is free again (so this runs seldom), sparing those drawn in the
 * last KEEP_CALLS draw calls. */
void render_texts_evict(ks_render *rd) {
    if (rd->text_bytes <= rd->budget) return;
    text_entry **all = ks_malloc((rd->n_texts ? rd->n_texts : 1) * sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < rd->n_buckets; i++)
        for (text_entry *e = rd->buckets[i]; e; e = e->next) all[n++] = e;
    qsort(all, n, sizeof *all, by_last_used);
    unsigned long recent = rd->frame > KEEP_CALLS ? rd->frame - KEEP_CALLS : 0;
    size_t target = rd->budget / 4 * 3, k = 0;
    size_t bytes = rd->text_bytes;
    while (k < n && bytes > target && all[k]->last_used <= recent) {
        bytes -= (size_t)all[k]->w * (size_t)all[k]->h * 4;
        all[k++]->doomed = 1;
    }
    /* Unlink the doomed from their chains, then free them. */
    for (size_t i = 0; i < rd->n_buckets && k; i++) {
        text_entry **pp = &rd->buckets[i];
        while (*pp) {
            if ((*pp)->doomed)
                *pp = (*pp)->next;
            else
                pp = &(*pp)->next;
        }
    }
    for (size_t i = 0; i < k; i++) drop_text(rd, all[i]);
    free(all);
}

void render_texts_free(ks_render *rd) {
    for (size_t i = 0; i < rd->n_buckets; i++) {
        for (text_entry *e = rd->buckets[i], *next; e; e = next) {
            next = e->next;
            SDL_DestroyTexture(e->tex);
            free(e->text);
            free(e);
        }
    }
    free(rd->buckets);
    rd->buckets = NULL;
    rd->n_buckets = rd->n_texts = rd->text_bytes = 0;
}

/* ------------------------------------------------------------ images */

/* Pictures larger than this are not read (kiosk check says so too). */
#define MAX_PICTURE_BYTES (10 * 1024 * 1024)
/* Bytes read to learn a picture's size from its header. */
#define HEAD_BYTES 65536

/* src (ARGB8888) scaled to w x h with linear filtering, or NULL. */
static SDL_Surface *scaled(SDL_Surface *src, int w, int h) {
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    SDL_Surface *dst = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (dst && SDL_SoftStretchLinear(src, NULL, dst, NULL) != 0) {
        /* Linear needs room to sample; tiny sizes fall back to nearest. */
        if (SDL_SoftStretch(src, NULL, dst, NULL) != 0) {
            SDL_FreeSurface(dst);
            dst = NULL;
        }
    }
    return dst;
}

/* Open rel beneath the folder dir (never following a link out of it), or -1. */
static int open_in(const char *dir, const char *rel) {
    if (!dir) return -1;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return -1;
    int fd = ks_open_beneath(dfd, rel, O_RDONLY);
    close(dfd);
    return fd;
}

/* The picture's file, open for reading: in the content folder, then in the
 * assets folder (also by its last name: "assets/x.png" written in a page).
 * Returns -1 when there is none. */
static int open_picture(ks_render *rd, const char *src, struct stat *st) {
    int fd = open_in(rd->content_dir, src);
    if (fd < 0) fd = open_in(rd->assets_dir, src);
    if (fd < 0) {
        const char *base = strrchr(src, '/');
        if (base) fd = open_in(rd->assets_dir, base + 1);
    }
    if (fd >= 0 && (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || st->st_size > MAX_PICTURE_BYTES)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int same_file(const image_entry *e, const struct stat *st) {
    return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
           e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec &&
           e->ctime.tv_sec == st->st_ctim.tv_sec && e->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

static void note_file(image_entry *e, const struct stat *st) {
    e->dev = st->st_dev;
    e->ino = st->st_ino;
    e->size = st->st_size;
    e->mtime = st->st_mtim;
    e->ctime = st->st_ctim;
}

static size_t surface_bytes(const SDL_Surface *s) { return s ? (size_t)s->h * (size_t)s->pitch : 0; }

/* Drop what is held of e's pixels (its name and size stay). */
static void drop_pixels(ks_render *rd, image_entry *e) {
    SDL_DestroyTexture(e->tex);
    SDL_FreeSurface(e->surf);
    free(e->data);
    e->tex = NULL;
    e->surf = NULL;
    e->data = NULL;
    e->len = 0;
    e->tw = e->th = 0;
    rd->image_bytes -= e->bytes;
    e->bytes = 0;
}

static void count_bytes(ks_render *rd, image_entry *e) {
    size_t b = e->len + surface_bytes(e->surf) + (e->tex ? (size_t)e->tw * (size_t)e->th * 4 : 0);
    rd->image_bytes = rd->image_bytes - e->bytes + b;
    e->bytes = b;
}

/* Read fd whole (at most MAX_PICTURE_BYTES), or NULL. */
static char *read_all(int fd, size_t *len) {
    char *data;
    if (ks_read_fd(fd, MAX_PICTURE_BYTES, &data, len) != KS_OK) return NULL;
    return data;
}

/* Decode data (consumed) into e: an SVG keeps its text (and its natural
 * size), any other picture becomes pixels, at most KS_RENDER_KEEP_SIDE a
 * side. Returns 0, or KS_ERR_NOT_FOUND (as render.h calls a picture that
 * cannot be shown) when it is not a picture SDL2_image can read. */
static int decode(ks_render *rd, image_entry *e, char *data, size_t len) {
    if (!data) return KS_ERR_NOT_FOUND;
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)len);
    if (!rw) {
        free(data);
        return KS_ERR_NOT_FOUND;
    }
    int svg = ks_image_sniff(data, len, NULL, NULL) == KS_IMAGE_SVG;
    SDL_Surface *s = svg ? IMG_LoadSVG_RW(rw) : IMG_Load_RW(rw, 0);
    SDL_RWclose(rw);
    rd->images_decoded++;
    if (s && (s->w <= 0 || s->h <= 0 || s->w > 32768 || s->h > 32768)) {
        SDL_FreeSurface(s);
        s = NULL;
    }
    if (!s) {
        free(data);
        return KS_ERR_NOT_FOUND;
    }
    e->w = s->w;
    e->h = s->h;
    e->svg = svg;
    if (svg) {
        SDL_FreeSurface(s);
        e->data = data;
        e->len = len;
        return 0;
    }
    e->surf = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(s);
    if (e->surf && (e->surf->w > KS_RENDER_KEEP_SIDE || e->surf->h > KS_RENDER_KEEP_SIDE)) {
        double k = (double)KS_RENDER_KEEP_SIDE / (e->surf->w > e->surf->h ? e->surf->w : e->surf->h);
        SDL_Surface *small = scaled(e->surf, (int)(e->surf->w * k), (int)(e->surf->h * k));
        SDL_FreeSurface(e->surf);
        e->surf = small;
    }
    free(data);
    return e->surf ? 0 : -1;
}

/* Look at the file again when the content changed since: a new file (or
 * none) drops the pixels and learns the size again, from the header when
 * it tells, else by decoding. */
static void refresh(ks_render *rd, image_entry *e) {
    if (e->named) return; /* no file of the content behind it */
    if (e->icon || (!e->known && render_is_icon_src(e->src))) { /* the program's own, not content */
        if (!e->known) {
            e->known = 1;
            e->missing = render_icon_load(rd, e) != KS_OK;
            count_bytes(rd, e);
        }
        return;
    }
    if (e->known && e->checked == rd->content_gen) return;
    e->checked = rd->content_gen;
    struct stat st;
    int fd = open_picture(rd, e->src, &st);
    if (fd < 0) {
        drop_pixels(rd, e);
        e->known = 1;
        e->missing = 1;
        e->w = e->h = 0;
        return;
    }
    size_t len = 0;
    if (e->known && !e->missing && same_file(e, &st)) {
        close(fd);
        return;
    }
    drop_pixels(rd, e);
    note_file(e, &st);
    e->known = 1;
    e->missing = 0;
    e->svg = 0;
    char head[512];
    ssize_t n = pread(fd, head, sizeof head, 0);
    int w = 0, h = 0;
    ks_image_type t = n > 0 ? ks_image_sniff(head, (size_t)n, &w, &h) : KS_IMAGE_UNKNOWN;
    if (t == KS_IMAGE_JPEG && (!w || !h)) { /* the frame header may follow a long EXIF block */
        char *big = ks_malloc(HEAD_BYTES);
        ssize_t m = pread(fd, big, HEAD_BYTES, 0);
        if (m > 0) ks_image_sniff(big, (size_t)m, &w, &h);
        free(big);
    }
    if (t != KS_IMAGE_UNKNOWN && t != KS_IMAGE_SVG && w > 0 && h > 0) {
        e->w = w; /* decoded when first drawn */
        e->h = h;
    } else if (t == KS_IMAGE_SVG && w > 0 && h > 0) {
        /* Its size is written in it: read when first drawn, and rasterised
         * only at the size shown (never a 4096 x 4096 surface just to learn
         * the size). */
        e->svg = 1;
        e->w = w;
        e->h = h;
    } else {
        char *data = read_all(fd, &len);
        if (decode(rd, e, data, len) != 0) {
            e->missing = 1;
            e->w = e->h = 0;
        }
        count_bytes(rd, e);
    }
    close(fd);
}

image_entry *render_image(ks_render *rd, const char *src) {
    if (!src) return NULL;
    image_entry *e = NULL;
    for (size_t i = 0; i < rd->n_images && !e; i++)
        if (strcmp(rd->images[i].src, src) == 0) e = &rd->images[i];
    if (!e) {
        if (rd->n_images == rd->cap_images) {
            rd->cap_images = rd->cap_images ? rd->cap_images * 2 : 8;
            rd->images = ks_realloc(rd->images, rd->cap_images * sizeof *rd->images);
        }
        e = &rd->images[rd->n_images++];
        memset(e, 0, sizeof *e);
        e->src = ks_strdup(src);
    }
    e->last_used = rd->frame;
    refresh(rd, e);
    return e;
}

/* Pixels for e when it has none (dropped or never loaded): read and decode
 * the file now. A file replaced since refresh is taken as it is now. */
static int ensure_pixels(ks_render *rd, image_entry *e) {
    if (e->missing) return KS_ERR_NOT_FOUND;
    if (e->surf || e->data) return 0;
    if (e->icon) { /* dropped past the budget: read it again */
        if (render_icon_load(rd, e) != KS_OK) {
            e->missing = 1;
            return -1;
        }
        count_bytes(rd, e);
        return 0;
    }
    struct stat st;
    int fd = open_picture(rd, e->src, &st);
    if (fd < 0) {
        e->missing = 1;
        return KS_ERR_NOT_FOUND;
    }
    note_file(e, &st);
    size_t len = 0;
    char *data = read_all(fd, &len);
    close(fd);
    if (e->svg && data) { /* kept as text, rasterised at each size shown */
        e->data = data;
        e->len = len;
        count_bytes(rd, e);
        return 0;
    }
    if (decode(rd, e, data, len) != 0) {
        e->missing = 1;
        return KS_ERR_NOT_FOUND;
    }
    count_bytes(rd, e);
    return 0;
}

SDL_Texture *render_image_texture(ks_render *rd, image_entry *e, int w, int h) {
    if (w <= 0 || h <= 0 || w > 16384 || h > 16384) return NULL;
    e->last_used = rd->frame;
    if (e->tex && e->tw == w && e->th == h) return e->tex;
    if (ensure_pixels(rd, e) != 0) return NULL;
    SDL_DestroyTexture(e->tex);
    e->tex = NULL;
    e->tw = e->th = 0;
    SDL_Surface *s;
    if (e->svg) {
        /* Rasterised at the size shown: sharp lines at any text size. */
        SDL_RWops *rw = SDL_RWFromConstMem(e->data, (int)e->len);
        SDL_Surface *raw = rw ? IMG_LoadSizedSVG_RW(rw, w, h) : NULL;
        if (rw) SDL_RWclose(rw);
        s = raw && (raw->w != w || raw->h != h) ? NULL : raw;
        if (raw && !s) { /* nanosvg kept the aspect ratio: fit it exactly */
            SDL_Surface *argb = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
            s = argb ? scaled(argb, w, h) : NULL;
            SDL_FreeSurface(argb);
            SDL_FreeSurface(raw);
        }
    } else {
        s = (w == e->surf->w && h == e->surf->h) ? e->surf : scaled(e->surf, w, h);
    }
    if (!s) {
        count_bytes(rd, e);
        return NULL;
    }
    e->tex = SDL_CreateTextureFromSurface(rd->r, s);
    if (s != e->surf) SDL_FreeSurface(s);
    if (e->tex) {
        SDL_SetTextureBlendMode(e->tex, SDL_BLENDMODE_BLEND);
        e->tw = w;
        e->th = h;
    }
    count_bytes(rd, e);
    return e->tex;
}

static int image_by_last_used(const void *a, const void *b) {
    const image_entry *x = *(image_entry *const *)a, *y = *(image_entry *const *)b;
    return x->last_used < y->last_used ? -1 : x->last_used > y->last_used;
}

/* Over the picture budget: drop the pixels of the least recently drawn
 * pictures until a quarter of the budget is free, sparing those the frame
 * on screen drew (since the last whole-target ks_render_clear, else in the
 * last KEEP_CALLS draw calls). Past KS_RENDER_MAX_IMAGES entries, the
 * oldest are forgotten altogether. */
void render_images_evict(ks_render *rd) {
    int over_bytes = rd->image_bytes > rd->image_budget, over_count = rd->n_images > KS_RENDER_MAX_IMAGES;
    if (!over_bytes && !over_count) return;
    image_entry **all = ks_malloc((rd->n_images ? rd->n_images : 1) * sizeof *all);
    for (size_t i = 0; i < rd->n_images; i++) all[i] = &rd->images[i];
    qsort(all, rd->n_images, sizeof *all, image_by_last_used);
    unsigned long recent = rd->frame_start ? rd->frame_start - 1 : rd->frame > KEEP_CALLS ? rd->frame - KEEP_CALLS : 0;
    size_t target = rd->image_budget / 4 * 3;
    for (size_t k = 0; k < rd->n_images && rd->image_bytes > target && all[k]->last_used <= recent; k++)
        if (!all[k]->named) drop_pixels(rd, all[k]);
    if (over_count) {
        /* Forget the oldest entries (no pixels left on them, or spared). */
        size_t extra = rd->n_images - KS_RENDER_MAX_IMAGES * 3 / 4;
        for (size_t k = 0; k < rd->n_images && extra; k++) {
            if (all[k]->last_used > recent) break;
            if (all[k]->named) continue;
            drop_pixels(rd, all[k]);
            free(all[k]->src);
            all[k]->src = NULL;
            extra--;
        }
        size_t kept = 0;
        for (size_t i = 0; i < rd->n_images; i++)
            if (rd->images[i].src) rd->images[kept++] = rd->images[i];
        rd->n_images = kept;
    }
    free(all);
}

void render_images_free(ks_render *rd) {
    for (size_t i = 0; i < rd->n_images; i++) {
        drop_pixels(rd, &rd->images[i]);
        free(rd->images[i].src);
    }
    free(rd->images);
    rd->images = NULL;
    rd->n_images = rd->cap_images = 0;
    rd->image_bytes = 0;
}

void ks_render_reload_images(ks_render *rd) {
    if (rd) rd->content_gen++;
}

/* ------------------------------------------------------------ corners */

/* An anti-aliased quarter disc of radius r in color, for one corner. */
static SDL_Texture *make_corner(ks_render *rd, int r, ks_color color, int corner) {
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, r, r, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) return NULL;
    for (int y = 0; y < r; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < r; x++) {
            /* Coverage by 4x4 supersampling; the disc's centre is at the
             * inner corner of this square. */
            int hits = 0;
            for (int sy = 0; sy < 4; sy++)
                for (int sx = 0; sx < 4; sx++) {
                    double px = x + (sx + 0.5) / 4.0, py = y + (sy + 0.5) / 4.0;
                    double dx = (corner & 1) ? px : r - px;
                    double dy = (corner & 2) ? py : r - py;
                    if (dx * dx + dy * dy <= (double)r * r) hits++;
                }
            uint32_t a = (uint32_t)(color.a * hits / 16);
            row[x] = a << 24 | (uint32_t)color.r << 16 | (uint32_t)color.g << 8 | color.b;
        }
    }
    SDL_Texture *t = SDL_CreateTextureFromSurface(rd->r, s);
    SDL_FreeSurface(s);
    if (t) SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    return t;
}

SDL_Texture *render_corner(ks_render *rd, int radius, ks_color color, int corner) {
    for (size_t i = 0; i < rd->n_corners; i++) {
        corner_entry *e = &rd->corners[i];
        if (e->radius == radius && e->corner == corner && same_color(e->color, color)) return e->tex;
    }
    if (rd->n_corners == rd->cap_corners) {
        rd->cap_corners = rd->cap_corners ? rd->cap_corners * 2 : 16;
        rd->corners = ks_realloc(rd->corners, rd->cap_corners * sizeof *rd->corners);
    }
    corner_entry *e = &rd->corners[rd->n_corners++];
    e->radius = radius;
    e->color = color;
    e->corner = corner;
    e->tex = make_corner(rd, radius, color, corner);
    return e->tex;
}

void render_corners_free(ks_render *rd) {
    for (size_t i = 0; i < rd->n_corners; i++) SDL_DestroyTexture(rd->corners[i].tex);
    free(rd->corners);
    rd->corners = NULL;
    rd->n_corners = rd->cap_corners = 0;
}
