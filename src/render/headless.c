/* headless: a software renderer on a plain surface. No display, no window,
 * no SDL_Init: SDL_CreateSoftwareRenderer draws straight into the surface's
 * pixels, and IMG_SavePNG writes them (no timestamp, so the bytes are the
 * same on every run). */
#include "render_int.h"

#include "kiosk/base.h"

#include <SDL_image.h>
#include <stdlib.h>

struct ks_render_headless {
    SDL_Surface *surface;
    SDL_Renderer *renderer;
    ks_render *render;
};

ks_render_headless *ks_render_headless_create(int w, int h, const ks_theme *theme,
                                              const ks_render_options *opts, int *err) {
    int dummy;
    if (!err) err = &dummy;
    if (w <= 0 || h <= 0 || w > 16384 || h > 16384) {
        *err = KS_ERR_INVALID;
        return NULL;
    }
    ks_render_headless *hl = ks_calloc(1, sizeof *hl);
    hl->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (hl->surface) hl->renderer = SDL_CreateSoftwareRenderer(hl->surface);
    if (!hl->renderer) {
        ks_log("cannot make a %dx%d software renderer: %s", w, h, SDL_GetError());
        *err = KS_ERR_IO;
        ks_render_headless_destroy(hl);
        return NULL;
    }
    hl->render = ks_render_create_ex(hl->renderer, theme, opts, err);
    if (!hl->render) {
        ks_render_headless_destroy(hl);
        return NULL;
    }
    ks_render_clear(hl->render, NULL);
    *err = KS_OK;
    return hl;
}

void ks_render_headless_destroy(ks_render_headless *hl) {
    if (!hl) return;
    ks_render_destroy(hl->render);
    if (hl->renderer) SDL_DestroyRenderer(hl->renderer);
    if (hl->surface) SDL_FreeSurface(hl->surface);
    free(hl);
}

ks_render *ks_render_headless_render(ks_render_headless *hl) { return hl->render; }

SDL_Renderer *ks_render_headless_renderer(ks_render_headless *hl) { return hl->renderer; }

SDL_Surface *ks_render_headless_surface(ks_render_headless *hl) {
    SDL_RenderFlush(hl->renderer);
    return hl->surface;
}

int ks_render_headless_save_png(ks_render_headless *hl, const char *path) {
    SDL_Surface *s = ks_render_headless_surface(hl);
    if (IMG_SavePNG(s, path) != 0) {
        ks_log("cannot write %s: %s", path, IMG_GetError());
        return KS_ERR_IO;
    }
    return KS_OK;
}
