/* cache: everything render makes once and copies every frame after: text
 * textures, rounded-corner masks, images. */
#include "render_int.h"

#include "kiosk/base.h"

#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>

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

/* Whether src is a plain relative path that cannot climb out. */
static int safe_relative(const char *src) {
    if (!src || !*src || src[0] == '/' || strchr(src, '\\') || strchr(src, ':')) return 0;
    for (const char *p = src; *p;) {
        const char *q = strchr(p, '/');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') return 0;
        if (!q) break;
        p = q + 1;
    }
    return 1;
}

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

static SDL_Surface *load_from(const char *dir, const char *rel) {
    if (!dir) return NULL;
    char *path = ks_path_join(dir, rel);
    SDL_Surface *s = IMG_Load(path);
    free(path);
    return s;
}

image_entry *render_image(ks_render *rd, const char *src) {
    if (!src) return NULL;
    for (size_t i = 0; i < rd->n_images; i++)
        if (strcmp(rd->images[i].src, src) == 0) return &rd->images[i];
    if (rd->n_images == rd->cap_images) {
        rd->cap_images = rd->cap_images ? rd->cap_images * 2 : 8;
        rd->images = ks_realloc(rd->images, rd->cap_images * sizeof *rd->images);
    }
    image_entry *e = &rd->images[rd->n_images++];
    memset(e, 0, sizeof *e);
    e->src = ks_strdup(src);
    if (!safe_relative(src)) return e;
    SDL_Surface *s = load_from(rd->content_dir, src);
    if (!s) s = load_from(rd->assets_dir, src);
    if (!s) {
        /* "assets/x.png" or "../assets/x.png" written in a page. */
        const char *base = strrchr(src, '/');
        if (base) s = load_from(rd->assets_dir, base + 1);
    }
    if (!s) return e;
    if (s->w > 0 && s->h > 0 && s->w <= 32768 && s->h <= 32768) {
        e->w = s->w;
        e->h = s->h;
        e->surf = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
        /* Keep no more than a screen needs: 4096 px a side. */
        if (e->surf && (s->w > 4096 || s->h > 4096)) {
            double k = 4096.0 / (s->w > s->h ? s->w : s->h);
            SDL_Surface *small = scaled(e->surf, (int)(s->w * k), (int)(s->h * k));
            SDL_FreeSurface(e->surf);
            e->surf = small;
        }
    }
    SDL_FreeSurface(s);
    return e;
}

SDL_Texture *render_image_texture(ks_render *rd, image_entry *e, int w, int h) {
    if (!e->surf || w <= 0 || h <= 0 || w > 16384 || h > 16384) return NULL;
    if (e->tex && e->tw == w && e->th == h) return e->tex;
    SDL_DestroyTexture(e->tex);
    e->tex = NULL;
    SDL_Surface *s = (w == e->surf->w && h == e->surf->h) ? e->surf : scaled(e->surf, w, h);
    if (!s) return NULL;
    e->tex = SDL_CreateTextureFromSurface(rd->r, s);
    if (s != e->surf) SDL_FreeSurface(s);
    if (e->tex) {
        SDL_SetTextureBlendMode(e->tex, SDL_BLENDMODE_BLEND);
        e->tw = w;
        e->th = h;
    }
    return e->tex;
}

void render_images_free(ks_render *rd) {
    for (size_t i = 0; i < rd->n_images; i++) {
        SDL_DestroyTexture(rd->images[i].tex);
        SDL_FreeSurface(rd->images[i].surf);
        free(rd->images[i].src);
    }
    free(rd->images);
    rd->images = NULL;
    rd->n_images = rd->cap_images = 0;
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
