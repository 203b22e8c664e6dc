/* probe: the real decode check of a picture for `kiosk check` and the
 * watcher. The store only reads a picture's header (it never links SDL);
 * through ks_store_options.image_probe it asks this function, which
 * decodes the picture with SDL2_image exactly as the screen will.
 *
 * SDL2_image (and the SDL2, X11, wayland... it brings) is loaded with
 * dlopen() on the first picture that needs decoding, not at start-up: the
 * lean kiosk (check, index, search, stats, sync) does not link SDL at all,
 * and a run that decodes no picture never pays for loading it (README,
 * "Two executables"). The full kiosk links SDL2_image anyway, so there
 * dlopen() only finds the library already loaded: one code path for both. */
#include "app.h"

#include "kiosk/base.h"

#include <SDL.h>
#include <SDL_image.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* SDL2_image's soname (Debian: libsdl2-image-2.0-0); SDL2's functions are
 * found through it, as it depends on libSDL2-2.0.so.0. */
#define PROBE_LIBRARY "libSDL2_image-2.0.so.0"

/* The functions the probe calls, looked up in the loaded library. */
static struct {
    int (*img_init)(int flags);
    SDL_Surface *(*img_load_rw)(SDL_RWops *src, int freesrc);
    SDL_Surface *(*img_load_svg_rw)(SDL_RWops *src);
    SDL_Surface *(*img_load_sized_svg_rw)(SDL_RWops *src, int width, int height);
    SDL_RWops *(*rw_from_const_mem)(const void *mem, int size);
    int (*rw_close)(SDL_RWops *context);
    void (*free_surface)(SDL_Surface *surface);
    const char *(*get_error)(void);
} img;
static char load_problem[160]; /* why loading failed, "" when it worked */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* dlsym into a function pointer (ISO C has no cast between object and
 * function pointers, POSIX guarantees the copy works). */
static int find(void *lib, const char *name, void *fn, size_t size) {
    void *sym = dlsym(lib, name);
    if (!sym) return 0;
    memcpy(fn, &sym, size);
    return 1;
}
#define FIND(lib, name, field) find(lib, name, &img.field, sizeof img.field)

static void load(void) {
    void *lib = dlopen(PROBE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(load_problem, sizeof load_problem, "cannot load %s to decode pictures (%s)", PROBE_LIBRARY,
                 dlerror());
        return;
    }
    if (!FIND(lib, "IMG_Init", img_init) || !FIND(lib, "IMG_Load_RW", img_load_rw) ||
        !FIND(lib, "IMG_LoadSVG_RW", img_load_svg_rw) || !FIND(lib, "IMG_LoadSizedSVG_RW", img_load_sized_svg_rw) ||
        !FIND(lib, "SDL_RWFromConstMem", rw_from_const_mem) || !FIND(lib, "SDL_RWclose", rw_close) ||
        !FIND(lib, "SDL_FreeSurface", free_surface) || !FIND(lib, "SDL_GetError", get_error)) {
        snprintf(load_problem, sizeof load_problem, "%s lacks a function the kiosk needs (%s)", PROBE_LIBRARY,
                 dlerror());
        return; /* the library stays loaded: nothing else can be done with it */
    }
    /* Load the decoders now, once: SDL_image would otherwise do it on
     * first use, from whichever thread comes first. */
    img.img_init(IMG_INIT_PNG | IMG_INIT_JPG | IMG_INIT_WEBP | IMG_INIT_TIF);
}

void app_image_probe_init(void) { pthread_once(&load_once, load); }

int app_image_probe(void *ctx, const void *data, size_t len, ks_image_probe_result *out) {
    (void)ctx;
    if (len > (size_t)INT32_MAX) return KS_ERR_TOO_BIG;
    app_image_probe_init();
    if (load_problem[0]) {
        /* Said once per run on stderr, and on every picture it fails. */
        static atomic_int told;
        if (!atomic_exchange(&told, 1))
            fprintf(stderr, "kiosk: %s: install libsdl2-image-2.0-0\n", load_problem);
        snprintf(out->why, sizeof out->why, "%s", load_problem);
        return KS_ERR_IO;
    }
    SDL_RWops *rw = img.rw_from_const_mem(data, (int)len);
    if (!rw) return KS_ERR_IO;
    int sw = 0, sh = 0;
    int svg = ks_image_sniff(data, len, &sw, &sh) == KS_IMAGE_SVG;
    /* An SVG whose size is written in it is parsed whole but rasterised
     * tiny: drawing a detailed one at full size costs a tenth of a second,
     * on every reload. */
    int sized = svg && sw > 0 && sh > 0;
    SDL_Surface *s = sized ? img.img_load_sized_svg_rw(rw, 16, 16) : svg ? img.img_load_svg_rw(rw) : img.img_load_rw(rw, 0);
    img.rw_close(rw);
    if (!s) {
        snprintf(out->why, sizeof out->why, "%s", img.get_error());
        size_t n = strlen(out->why);
        while (n && (out->why[n - 1] == '.' || out->why[n - 1] == ' ')) out->why[--n] = '\0';
        return KS_ERR_INVALID;
    }
    out->w = sized ? sw : s->w;
    out->h = sized ? sh : s->h;
    img.free_surface(s);
    return 0;
}
