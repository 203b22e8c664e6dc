/* probe: the real decode check of a picture for `kiosk check` and the
 * watcher. The store only reads a picture's header (it never links SDL);
 * through ks_store_options.image_probe it asks this function, which
 * decodes the picture with SDL2_image exactly as the screen will. */
#include "app.h"

#include "kiosk/base.h"

#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <string.h>

void app_image_probe_init(void) {
    /* Load the decoders once, here on the main thread: SDL_image would
     * otherwise do it on first use, and the watcher's thread may be first. */
    static int done;
    if (!done) IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG | IMG_INIT_WEBP | IMG_INIT_TIF);
    done = 1;
}

int app_image_probe(void *ctx, const void *data, size_t len, ks_image_probe_result *out) {
    (void)ctx;
    if (len > (size_t)INT32_MAX) return KS_ERR_TOO_BIG;
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)len);
    if (!rw) return KS_ERR_IO;
    int sw = 0, sh = 0;
    int svg = ks_image_sniff(data, len, &sw, &sh) == KS_IMAGE_SVG;
    /* An SVG whose size is written in it is parsed whole but rasterised
     * tiny: drawing a detailed one at full size costs a tenth of a second,
     * on every reload. */
    int sized = svg && sw > 0 && sh > 0;
    SDL_Surface *s = sized ? IMG_LoadSizedSVG_RW(rw, 16, 16) : svg ? IMG_LoadSVG_RW(rw) : IMG_Load_RW(rw, 0);
    SDL_RWclose(rw);
    if (!s) {
        snprintf(out->why, sizeof out->why, "%s", IMG_GetError());
        size_t n = strlen(out->why);
        while (n && (out->why[n - 1] == '.' || out->why[n - 1] == ' ')) out->why[--n] = '\0';
        return KS_ERR_INVALID;
    }
    out->w = sized ? sw : s->w;
    out->h = sized ? sh : s->h;
    SDL_FreeSurface(s);
    return 0;
}
