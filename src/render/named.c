/* named: pictures the program itself shows (the clinic's logo), loaded
 * from a path the configuration gives rather than from a page, and kept in
 * the same image cache under a name display lists use as their src. */
#include "render_int.h"

#include "kiosk/base.h"

#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>

/* SVGs are rasterised this tall (sharp at any size the kiosk shows them),
 * the width following the picture's shape. */
#define SVG_HEIGHT 512

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && SDL_strcasecmp(s + n - m, suffix) == 0;
}

static SDL_Surface *load(const char *path) {
    if (ends_with(path, ".svg")) {
        SDL_RWops *rw = SDL_RWFromFile(path, "rb");
        SDL_Surface *s = rw ? IMG_LoadSizedSVG_RW(rw, 0, SVG_HEIGHT) : NULL;
        if (rw) SDL_RWclose(rw); /* IMG_LoadSizedSVG_RW leaves it open */
        return s;
    }
    return IMG_Load(path);
}

int ks_render_load_image(ks_render *rd, const char *name, const char *path, int *w, int *h) {
    char *full;
    SDL_Surface *s, *conv;
    image_entry *e = NULL;
    *w = *h = 0;
    if (!name || !*name || !path || !*path) return KS_ERR_INVALID;
    full = path[0] == '/' ? ks_strdup(path) : ks_path_join(rd->assets_dir, path);
    s = load(full);
    if (!s) {
        ks_log("cannot show the picture %s: %s", full, IMG_GetError());
        free(full);
        return KS_ERR_NOT_FOUND;
    }
    free(full);
    if (s->w <= 0 || s->h <= 0 || s->w > 4096 || s->h > 4096 ||
        !(conv = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0))) {
        SDL_FreeSurface(s);
        return KS_ERR_INVALID;
    }
    SDL_FreeSurface(s);
    for (size_t i = 0; i < rd->n_images; i++)
        if (strcmp(rd->images[i].src, name) == 0) e = &rd->images[i];
    if (e) {
        SDL_DestroyTexture(e->tex);
        SDL_FreeSurface(e->surf);
        free(e->src);
    } else {
        if (rd->n_images == rd->cap_images) {
            rd->cap_images = rd->cap_images ? rd->cap_images * 2 : 8;
            rd->images = ks_realloc(rd->images, rd->cap_images * sizeof *rd->images);
        }
        e = &rd->images[rd->n_images++];
    }
    memset(e, 0, sizeof *e);
    e->src = ks_strdup(name);
    e->surf = conv;
    e->w = *w = conv->w;
    e->h = *h = conv->h;
    return 0;
}
