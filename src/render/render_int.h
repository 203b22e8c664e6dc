/* render internals shared by fonts.c (faces, metrics), cache.c (text and
 * corner textures, images), draw.c and headless.c. */
#ifndef KIOSK_RENDER_INT_H
#define KIOSK_RENDER_INT_H

#include "kiosk/render.h"

#include <SDL_ttf.h>
#include <sys/types.h>
#include <time.h>

/* One opened face at one pixel size. */
typedef struct font_slot {
    ks_face face;
    int size;
    TTF_Font *font;
    int height, ascent, skip;
} font_slot;

/* A measured width: (face, size, text hash) -> width. */
typedef struct measure_slot {
    uint64_t key; /* 0: empty */
    int width;
} measure_slot;

/* A rasterised text run. */
typedef struct text_entry {
    struct text_entry *next; /* hash chain */
    uint64_t hash;
    ks_face face;
    int size;
    ks_color fg, bg;
    char *text;
    size_t len;
    SDL_Texture *tex;
    int w, h;
    unsigned long last_used; /* number of the draw call that last drew it */
    int doomed;              /* chosen for eviction */
} text_entry;

/* A picture. What is known of the file (identity, natural size) is kept
 * while its pixels come and go: the pixels are loaded when first drawn,
 * dropped least recently drawn first past the picture budget, and
 * compared with the file again (fstat: size, times, inode) after each
 * ks_render_reload_images, so a replaced picture is drawn anew. Loaded
 * pictures are kept as pixels at most KS_RENDER_KEEP_SIDE a side and
 * turned into a texture at the size they are shown, scaled once with
 * linear filtering, so a frame copies it 1:1; an SVG keeps its text and
 * is rasterised at that size instead (sharp at any text size). */
typedef struct image_entry {
    char *src;
    int known;             /* identity and natural size are filled */
    int missing;           /* cannot be opened, read or decoded */
    int svg;
    dev_t dev;             /* identity of the file, from fstat */
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
    unsigned long checked; /* rd->content_gen when last compared with the file */
    int w, h;              /* natural size */
    char *data;            /* SVG: the file's text, or NULL */
    size_t len;
    SDL_Surface *surf;     /* ARGB8888, or NULL (not loaded, or dropped) */
    SDL_Texture *tex;      /* at tw x th, or NULL */
    int tw, th;
    size_t bytes;          /* data + surf + tex, counted in rd->image_bytes */
    unsigned long last_used; /* the draw call that last drew it */
    int named;             /* loaded by ks_render_load_image (named.c), not a
                              content file: never refreshed, dropped or forgotten */
    int icon;              /* "icon:NAME:RRGGBB" (icons.c): a tinted line icon
                              from assets/icons, read again when dropped */
} image_entry;

#define KS_RENDER_KEEP_SIDE 2048 /* the widest column: 34 em at 200 % is 2040 px */
#define KS_RENDER_MAX_IMAGES 4096 /* entries (most only a name and a size) */

/* A quarter-circle corner mask, tinted. */
typedef struct corner_entry {
    int radius;
    ks_color color;
    int corner; /* 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right */
    SDL_Texture *tex;
} corner_entry;

#define KS_RENDER_MAX_FONTS 48
#define KS_RENDER_MEASURE_SLOTS 16384      /* first size, a power of two */
#define KS_RENDER_MEASURE_MAX (1u << 20)    /* beyond this, start over */

struct ks_render {
    SDL_Renderer *r;
    const ks_theme *theme;
    ks_font_metrics metrics;
    char *content_dir, *assets_dir;
    /* fonts */
    char *font_data[KS_FACE_COUNT]; /* whole font files, read once */
    size_t font_len[KS_FACE_COUNT];
    font_slot fonts[KS_RENDER_MAX_FONTS];
    size_t n_fonts;
    int ttf_inited;
    /* measure cache (open addressing) */
    measure_slot *measures;
    size_t n_measures, cap_measures; /* used and allocated slots */
    /* text textures */
    text_entry **buckets;
    size_t n_buckets, n_texts, text_bytes, budget;
    unsigned long frame;
    size_t rasterised;
    /* images and corners */
    image_entry *images;
    size_t n_images, cap_images;
    size_t image_bytes, image_budget; /* pixels held, and the most to hold */
    unsigned long content_gen;        /* ks_render_reload_images calls */
    unsigned long frame_start;        /* the first draw call of the frame on screen (0: unknown) */
    size_t images_decoded;            /* pictures decoded since creation */
    corner_entry *corners;
    size_t n_corners, cap_corners;
};

/* fonts.c */
int render_fonts_load(ks_render *rd, const char *font_dir);
void render_fonts_free(ks_render *rd);
/* The slot for face at size (opened on first use), or NULL. */
font_slot *render_font(ks_render *rd, ks_face face, int size);
void render_metrics_init(ks_render *rd);

/* cache.c */
/* The texture for this text item (rasterised on first use), or NULL. */
text_entry *render_text(ks_render *rd, const ks_item *it);
void render_texts_evict(ks_render *rd);
void render_texts_free(ks_render *rd);
/* The entry for the picture at src (looked at on first use and after each
 * ks_render_reload_images; not decoded yet), or NULL. Valid until the next
 * render_images_evict. */
image_entry *render_image(ks_render *rd, const char *src);
void render_images_evict(ks_render *rd);
/* The image's texture at w x h (made on first use at that size), or NULL. */
SDL_Texture *render_image_texture(ks_render *rd, image_entry *e, int w, int h);
void render_images_free(ks_render *rd);
/* icons.c */
/* 1 when src names a line icon ("icon:NAME:RRGGBB"). */
int render_is_icon_src(const char *src);
/* Read the icon e->src names from assets/icons, tinted, into e (svg, data,
 * len, natural size). KS_OK, or a negative KS_ERR_* (e unchanged). */
int render_icon_load(ks_render *rd, image_entry *e);
SDL_Texture *render_corner(ks_render *rd, int radius, ks_color color, int corner);
void render_corners_free(ks_render *rd);

#endif
