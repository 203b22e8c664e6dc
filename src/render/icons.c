/* icons: the program's line icons (assets/icons/NAME.svg), drawn in any
 * colour at any size.
 *
 * Each icon is an SVG of strokes only, drawn in "currentColor". nanosvg
 * (SDL2_image's SVG loader) has no notion of a current colour, so the
 * colour is written into the text before rasterising: "icon:NAME:RRGGBB"
 * is a picture of the image cache like any other, kept as tinted SVG text
 * and rasterised at each size it is drawn (IMG_LoadSizedSVG_RW), under the
 * picture budget, least recently drawn dropped first (and read again from
 * the file when drawn again). So a theme change or high contrast is only
 * another colour, and 200 % text gets sharp lines, never a scaled bitmap. */
#include "render_int.h"

#include "kiosk/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICON_PREFIX "icon:"
#define MAX_ICON_BYTES (64u * 1024)

/* A plain icon name: lowercase letters, digits and '-', 1..40 bytes. */
static int plain_name(const char *s, size_t n) {
    if (n == 0 || n > 40) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) return 0;
    return 1;
}

const char *ks_render_icon_src(char *buf, size_t cap, const char *name, ks_color color) {
    if (!buf || !name || !plain_name(name, strlen(name))) return NULL;
    int n = snprintf(buf, cap, ICON_PREFIX "%s:%02x%02x%02x", name, color.r, color.g, color.b);
    return n > 0 && (size_t)n < cap ? buf : NULL;
}

int render_is_icon_src(const char *src) { return strncmp(src, ICON_PREFIX, strlen(ICON_PREFIX)) == 0; }

/* text with every "currentColor" replaced by colour ("#rrggbb"). */
static char *tinted(const char *text, size_t len, const char *colour, size_t *out_len) {
    static const char key[] = "currentColor";
    const size_t klen = sizeof key - 1;
    ks_buf b = {0};
    size_t i = 0;
    while (i < len) {
        if (len - i >= klen && memcmp(text + i, key, klen) == 0) {
            ks_buf_puts(&b, colour);
            i += klen;
        } else {
            ks_buf_putc(&b, text[i++]);
        }
    }
    *out_len = b.len;
    return ks_buf_detach(&b);
}

int render_icon_load(ks_render *rd, image_entry *e) {
    const char *name = e->src + strlen(ICON_PREFIX), *colon = strrchr(name, ':');
    char colour[8], *path, *rel, *data = NULL, *svg;
    size_t len = 0, slen = 0;
    int w = 0, h = 0;
    if (!colon || strlen(colon + 1) != 6 || !plain_name(name, (size_t)(colon - name))) return KS_ERR_INVALID;
    for (const char *c = colon + 1; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) return KS_ERR_INVALID;
    snprintf(colour, sizeof colour, "#%s", colon + 1);
    rel = ks_sprintf("icons/%.*s.svg", (int)(colon - name), name);
    path = ks_path_join(rd->assets_dir, rel);
    free(rel);
    int rc = ks_read_file(path, MAX_ICON_BYTES, &data, &len);
    if (rc != KS_OK) {
        if (!e->known) ks_log("cannot draw the icon %s: %s cannot be read", name, path);
        free(path);
        return KS_ERR_NOT_FOUND;
    }
    free(path);
    if (ks_image_sniff(data, len, &w, &h) != KS_IMAGE_SVG || w <= 0 || h <= 0) {
        free(data);
        return KS_ERR_NOT_FOUND;
    }
    svg = tinted(data, len, colour, &slen);
    free(data);
    e->svg = 1;
    e->icon = 1;
    e->data = svg;
    e->len = slen;
    e->w = w;
    e->h = h;
    return KS_OK;
}

int ks_render_icon(ks_render *rd, const char *name, ks_rect box, ks_color color) {
    char src[64];
    if (!rd || box.w <= 0 || box.h <= 0 || !ks_render_icon_src(src, sizeof src, name, color)) return KS_ERR_INVALID;
    rd->frame++; /* a draw call of its own, for the caches' "recently drawn" */
    image_entry *e = render_image(rd, src);
    SDL_Texture *t = e && !e->missing ? render_image_texture(rd, e, box.w, box.h) : NULL;
    if (!t) return KS_ERR_NOT_FOUND;
    SDL_Rect d = {box.x, box.y, box.w, box.h};
    int rc = SDL_RenderCopy(rd->r, t, NULL, &d);
    render_images_evict(rd);
    return rc == 0 ? KS_OK : KS_ERR_IO;
}
