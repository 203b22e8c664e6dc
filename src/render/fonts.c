/* fonts: the DejaVu faces, opened per pixel size, and layout's font metrics
 * measured with them (HarfBuzz shaping, script "Latn" so that DejaVu's
 * kerning applies, exactly as drawn). */
#include "render_int.h"

#include "kiosk/base.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef KIOSK_FONT_DIR
#define KIOSK_FONT_DIR "/usr/share/fonts/truetype/dejavu"
#endif

static const char *const face_files[KS_FACE_COUNT] = {
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
    "DejaVuSansMono.ttf",
};

static const char *const face_packages[KS_FACE_COUNT] = {
    "fonts-dejavu-core", "fonts-dejavu-core", "fonts-dejavu-extra", "fonts-dejavu-extra",
    "fonts-dejavu-core",
};

/* Whether the face in data can open and measure and draw text: a damaged
 * or truncated file may open and then give no glyphs, which would leave
 * every heading of a page silently blank. On failure, why in *why. */
static int face_works(const char *data, size_t len, const char **why) {
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)len);
    TTF_Font *font = rw ? TTF_OpenFontRW(rw, 1, 30) : NULL;
    SDL_Color fg = {0, 0, 0, 255}, bg = {255, 255, 255, 255};
    SDL_Surface *surf;
    int w = 0, h = 0, ok;
    if (!font) {
        *why = TTF_GetError();
        return 0;
    }
    ok = TTF_SizeUTF8(font, "Clinic kiosk Ag", &w, &h) == 0 && w > 0 && h > 0 && TTF_FontHeight(font) > 0;
    surf = ok ? TTF_RenderUTF8_Shaded(font, "Ag", fg, bg) : NULL;
    if (!ok) *why = "it cannot measure text";
    else if (!surf) *why = "it cannot draw text";
    ok = ok && surf && surf->w > 0;
    SDL_FreeSurface(surf);
    TTF_CloseFont(font);
    return ok;
}

int render_fonts_load(ks_render *rd, const char *font_dir) {
    const char *dirs[4];
    size_t n_dirs = 0;
    const char *env = getenv("KIOSK_FONT_DIR");
    /* A folder asked for (option, then environment) is the only one tried,
     * so a wrong setting is reported rather than quietly bypassed. */
    if (font_dir && *font_dir) {
        dirs[n_dirs++] = font_dir;
    } else if (env && *env) {
        dirs[n_dirs++] = env;
    } else {
        dirs[n_dirs++] = KIOSK_FONT_DIR;
        if (strcmp(KIOSK_FONT_DIR, "/usr/share/fonts/truetype/dejavu") != 0)
            dirs[n_dirs++] = "/usr/share/fonts/truetype/dejavu";
    }
    for (int f = 0; f < KS_FACE_COUNT; f++) {
        for (size_t d = 0; d < n_dirs && !rd->font_data[f]; d++) {
            char *path = ks_path_join(dirs[d], face_files[f]);
            const char *why = "";
            if (ks_read_file(path, 64u << 20, &rd->font_data[f], &rd->font_len[f]) != KS_OK) {
                rd->font_data[f] = NULL;
            } else if (!face_works(rd->font_data[f], rd->font_len[f], &why)) {
                ks_log("the font %s is damaged or not a font (%s): reinstall the Debian package %s "
                       "(apt-get install --reinstall %s), or set KIOSK_FONT_DIR to a folder with good copies",
                       path, why, face_packages[f], face_packages[f]);
                free(path);
                return KS_ERR_NOT_FOUND; /* as good as missing: never draw pages with blank headings */
            }
            free(path);
        }
        if (!rd->font_data[f]) {
            ks_buf where = {0};
            for (size_t d = 0; d < n_dirs; d++) ks_buf_printf(&where, "%s%s", d ? ", " : "", dirs[d]);
            ks_log("cannot find the font %s (looked in %s): install the Debian package %s "
                   "(fonts-dejavu-core and fonts-dejavu-extra give every face), or set KIOSK_FONT_DIR "
                   "to the folder holding DejaVuSans*.ttf",
                   face_files[f], where.data, face_packages[f]);
            ks_buf_free(&where);
            return KS_ERR_NOT_FOUND;
        }
    }
    return KS_OK;
}

void render_fonts_free(ks_render *rd) {
    for (size_t i = 0; i < rd->n_fonts; i++) TTF_CloseFont(rd->fonts[i].font);
    rd->n_fonts = 0;
    for (int f = 0; f < KS_FACE_COUNT; f++) {
        free(rd->font_data[f]);
        rd->font_data[f] = NULL;
    }
}

font_slot *render_font(ks_render *rd, ks_face face, int size) {
    if ((unsigned)face >= KS_FACE_COUNT || size <= 0 || size > 2000 || !rd->font_data[face]) return NULL;
    for (size_t i = 0; i < rd->n_fonts; i++)
        if (rd->fonts[i].face == face && rd->fonts[i].size == size) return &rd->fonts[i];
    if (rd->n_fonts == KS_RENDER_MAX_FONTS) {
        /* Rare (many sizes in play): drop the oldest. Text textures made
         * from it stay valid; measurements are keyed by size, still right. */
        TTF_CloseFont(rd->fonts[0].font);
        memmove(&rd->fonts[0], &rd->fonts[1], (KS_RENDER_MAX_FONTS - 1) * sizeof rd->fonts[0]);
        rd->n_fonts--;
    }
    SDL_RWops *rw = SDL_RWFromConstMem(rd->font_data[face], (int)rd->font_len[face]);
    TTF_Font *font = rw ? TTF_OpenFontRW(rw, 1, size) : NULL;
    if (!font) {
        ks_log("cannot open %s at %d px: %s", face_files[face], size, TTF_GetError());
        return NULL;
    }
    TTF_SetFontScriptName(font, "Latn");
    TTF_SetFontKerning(font, 1);
    font_slot *s = &rd->fonts[rd->n_fonts++];
    s->face = face;
    s->size = size;
    s->font = font;
    s->height = TTF_FontHeight(font);
    s->ascent = TTF_FontAscent(font);
    s->skip = TTF_FontLineSkip(font);
    return s;
}

static uint64_t measure_key(ks_face face, int size, const char *text, size_t len) {
    uint64_t h = ks_hash64(text, len);
    h ^= ((uint64_t)(unsigned)face << 56) ^ ((uint64_t)(unsigned)size << 40) ^ ((uint64_t)len << 1);
    return h ? h : 1;
}

/* The slot for key in the table (its own, or the empty one to fill). */
static measure_slot *measure_find(measure_slot *slots, size_t cap, uint64_t key) {
    size_t mask = cap - 1;
    for (size_t i = (size_t)(key >> 7) & mask;; i = (i + 1) & mask)
        if (slots[i].key == key || slots[i].key == 0) return &slots[i];
}

/* Keep the table at most 3/4 full: double it, or start over past the cap. */
static void measure_make_room(ks_render *rd) {
    if ((rd->n_measures + 1) * 4 < rd->cap_measures * 3) return;
    size_t cap = rd->cap_measures * 2;
    if (cap > KS_RENDER_MEASURE_MAX) {
        memset(rd->measures, 0, rd->cap_measures * sizeof *rd->measures);
        rd->n_measures = 0;
        return;
    }
    measure_slot *slots = ks_calloc(cap, sizeof *slots);
    for (size_t i = 0; i < rd->cap_measures; i++)
        if (rd->measures[i].key) *measure_find(slots, cap, rd->measures[i].key) = rd->measures[i];
    free(rd->measures);
    rd->measures = slots;
    rd->cap_measures = cap;
}

static int measure(void *ctx, ks_face face, int size, const char *text, size_t len) {
    ks_render *rd = ctx;
    if (!len) return 0;
    uint64_t key = measure_key(face, size, text, len);
    measure_slot *slot = measure_find(rd->measures, rd->cap_measures, key);
    if (slot->key == key) return slot->width;
    font_slot *s = render_font(rd, face, size);
    if (!s) return 0;
    char small[256];
    char *buf = len < sizeof small ? small : ks_malloc(len + 1);
    memcpy(buf, text, len);
    buf[len] = '\0';
    int w = 0, h = 0;
    if (TTF_SizeUTF8(s->font, buf, &w, &h) != 0) w = 0;
    if (buf != small) free(buf);
    measure_make_room(rd);
    slot = measure_find(rd->measures, rd->cap_measures, key);
    slot->key = key;
    slot->width = w;
    rd->n_measures++;
    return w;
}

static void line(void *ctx, ks_face face, int size, int *height, int *ascent) {
    font_slot *s = render_font(ctx, face, size);
    if (!s) {
        *height = size > 0 ? size : 0;
        *ascent = size > 0 ? size * 4 / 5 : 0;
        return;
    }
    *height = s->skip > s->height ? s->skip : s->height;
    *ascent = s->ascent;
}

static int image_size(void *ctx, const char *src, int *w, int *h) {
    image_entry *e = render_image(ctx, src);
    if (!e || e->missing || e->w <= 0 || e->h <= 0) return KS_ERR_NOT_FOUND;
    *w = e->w;
    *h = e->h;
    return KS_OK;
}

void render_metrics_init(ks_render *rd) {
    rd->cap_measures = KS_RENDER_MEASURE_SLOTS;
    rd->measures = ks_calloc(rd->cap_measures, sizeof *rd->measures);
    rd->metrics.ctx = rd;
    rd->metrics.measure = measure;
    rd->metrics.line = line;
    rd->metrics.image_size = image_size;
}
