/* named: pictures the program itself shows (the clinic's logo), loaded
 * from a path the configuration gives rather than from a page, and kept in
 * the same image cache under a name display lists use as their src. Such
 * an entry is marked named: the cache never looks for it among the content
 * files and never drops it (it could not be read back from a page). */
#include "render_int.h"

#include "kiosk/base.h"

#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>

/* The largest picture file read (a logo is a few kB to a few MB). */
#define MAX_NAMED_BYTES (16u << 20)

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && SDL_strcasecmp(s + n - m, suffix) == 0;
}

static void clear_entry(ks_render *rd, image_entry *e) {
    SDL_DestroyTexture(e->tex);
    SDL_FreeSurface(e->surf);
    free(e->data);
    free(e->src);
    rd->image_bytes -= e->bytes;
    memset(e, 0, sizeof *e);
}

int ks_render_load_image(ks_render *rd, const char *name, const char *path, int *w, int *h) {
    char *full, *data = NULL;
    size_t len = 0;
    int svg, sw = 0, sh = 0, sized = 0;
    SDL_RWops *rw;
    SDL_Surface *s, *conv = NULL;
    image_entry *e = NULL;
    *w = *h = 0;
    if (!name || !*name || !path || !*path) return KS_ERR_INVALID;
    full = path[0] == '/' ? ks_strdup(path) : ks_path_join(rd->assets_dir, path);
    svg = ends_with(full, ".svg");
    if (ks_read_file(full, MAX_NAMED_BYTES, &data, &len) != KS_OK) {
        ks_log("cannot show the picture %s: it cannot be read", full);
        free(full);
        return KS_ERR_NOT_FOUND;
    }
    /* Decoded once here: an SVG to learn its size (it is kept as text and
     * rasterised sharp at each size shown), anything else for its pixels.
     * An SVG whose root element gives its size is only parsed here (made
     * 1x1 px, so a picture nanosvg cannot read is still refused), not
     * rasterised at its natural size, which cost the kiosk's first frame
     * 10-20 ms for the default 512 px logo. */
    if (svg && ks_image_sniff(data, len, &sw, &sh) == KS_IMAGE_SVG && sw > 0 && sh > 0) sized = 1;
    rw = SDL_RWFromConstMem(data, (int)len);
    s = rw ? (svg ? (sized ? IMG_LoadSizedSVG_RW(rw, 1, 1) : IMG_LoadSVG_RW(rw)) : IMG_Load_RW(rw, 0)) : NULL;
    if (rw) SDL_RWclose(rw);
    if (!s) {
        ks_log("cannot show the picture %s: %s", full, IMG_GetError());
        free(full);
        free(data);
        return KS_ERR_NOT_FOUND;
    }
    free(full);
    if (!sized) {
        sw = s->w;
        sh = s->h;
    }
    if (sw <= 0 || sh <= 0 || sw > 4096 || sh > 4096 ||
        (!svg && !(conv = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0)))) {
        SDL_FreeSurface(s);
        free(data);
        return KS_ERR_INVALID;
    }
    *w = sw;
    *h = sh;
    SDL_FreeSurface(s);
    for (size_t i = 0; i < rd->n_images && !e; i++)
        if (rd->images[i].src && strcmp(rd->images[i].src, name) == 0) e = &rd->images[i];
    if (e) {
        clear_entry(rd, e);
    } else {
        if (rd->n_images == rd->cap_images) {
            rd->cap_images = rd->cap_images ? rd->cap_images * 2 : 8;
            rd->images = ks_realloc(rd->images, rd->cap_images * sizeof *rd->images);
        }
        e = &rd->images[rd->n_images++];
        memset(e, 0, sizeof *e);
    }
    e->src = ks_strdup(name);
    e->named = 1;
    e->known = 1;
    e->w = *w;
    e->h = *h;
    if (svg) {
        e->svg = 1;
        e->data = data;
        e->len = len;
    } else {
        e->surf = conv;
        free(data);
    }
    return 0;
}
