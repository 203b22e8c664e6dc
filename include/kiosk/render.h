/* render: draws a display list on any SDL_Renderer, the same way in the
 * kiosk's window and in a headless software surface.
 *
 * Text is rasterised once per (face, size, colour, background, string) and
 * kept as a texture; a frame that shows text drawn before only copies
 * textures (never TTF_Render* again). Text items with an opaque background
 * are rasterised onto that background and copied without blending, which
 * is what makes a scrolled frame cheap in the software renderer. Pictures
 * are opened beneath the content folder (never through a link that leads
 * out), decoded through SDL2_image when first drawn, and looked at again
 * (size, times, inode) after ks_render_reload_images(). Both caches have a
 * byte budget and drop what was least recently drawn first, never what the
 * last few draw calls (the frame on screen) used.
 *
 * ks_render also implements layout's ks_font_metrics with the very fonts it
 * draws with (HarfBuzz shaping, script "Latn" so DejaVu kerns), so what
 * layout measured is what appears.
 *
 * Headless: ks_render_headless_create() makes a software renderer on an
 * SDL_Surface with no display, no window and no SDL_Init, and saves PNGs
 * byte-identical from run to run. `kiosk render`, golden-image tests and the
 * UI's scripted screenshots all use it.
 *
 * Fonts: DejaVu Sans (regular, bold, oblique, bold oblique) and DejaVu Sans
 * Mono, from $KIOSK_FONT_DIR when set (only there), else the compiled-in
 * KIOSK_FONT_DIR, else /usr/share/fonts/truetype/dejavu. Debian packages:
 * fonts-dejavu-core and fonts-dejavu-extra.
 */
#ifndef KIOSK_RENDER_H
#define KIOSK_RENDER_H

#include <SDL.h>

#include "kiosk/layout.h"

typedef struct ks_render ks_render;

typedef struct ks_render_options {
    const char *font_dir;    /* only this folder; NULL: only $KIOSK_FONT_DIR when
                                set, else the compiled KIOSK_FONT_DIR, then the
                                Debian folder */
    const char *content_dir; /* images are looked up here first (may be NULL) */
    const char *assets_dir;  /* then here (NULL: compiled KIOSK_ASSETS_DIR) */
    size_t cache_bytes;      /* text texture budget (0: 64 MB) */
    size_t image_cache_bytes; /* picture budget: pixels and textures (0: 64 MB) */
} ks_render_options;

/* Prepare to draw on r (borrowed: it must outlive the ks_render) with the
 * default options. Loads the fonts: when one is missing, logs which files
 * and folders were tried and which Debian packages provide them, and
 * returns NULL with *err = KS_ERR_NOT_FOUND. The caller frees the result
 * with ks_render_destroy(). Calls TTF_Init (counted; destroy undoes it). */
ks_render *ks_render_create(SDL_Renderer *r, const ks_theme *theme, int *err);
/* The same with options (NULL: defaults). */
ks_render *ks_render_create_ex(SDL_Renderer *r, const ks_theme *theme,
                               const ks_render_options *opts, int *err);
/* Free the caches and fonts. NULL is fine. */
void ks_render_destroy(ks_render *rd);

/* The theme given at creation (background colour, placeholder); change it
 * for later frames. theme is borrowed. */
void ks_render_set_theme(ks_render *rd, const ks_theme *theme);
/* The content changed (a new snapshot): every picture is compared with its
 * file again (fstat) the next time it is measured or drawn, and loaded
 * anew if it was replaced, added or removed. Cheap: no file is read for a
 * picture that did not change. NULL is fine. */
void ks_render_reload_images(ks_render *rd);
/* Font metrics measuring with this renderer's fonts; valid until
 * ks_render_destroy(). Measurements are cached. */
const ks_font_metrics *ks_render_metrics(ks_render *rd);

/* Fill clip (NULL: the whole target) with the theme's background. */
void ks_render_clear(ks_render *rd, const ks_rect *clip);
/* Draw every item of dl that meets clip, item (x, y) landing on the target
 * at (x + ox, y + oy). clip is in target pixels (NULL: the whole target);
 * nothing is drawn outside it (the renderer's own clip rect is restored
 * afterwards). To show a page scrolled by s inside a view at (vx, vy):
 * ox = vx, oy = vy - s. Returns 0, or a negative KS_ERR_* if SDL failed
 * (the frame may be incomplete). */
int ks_render_draw(ks_render *rd, const ks_display_list *dl, int ox, int oy, const ks_rect *clip);

/* Cache figures, for the benchmark and the staff status screen. */
typedef struct ks_render_stats {
    size_t text_textures;  /* cached text textures */
    size_t text_bytes;     /* their pixels, in bytes */
    size_t rasterised;     /* text items rasterised since creation */
    size_t images;         /* pictures holding pixels */
    size_t image_bytes;    /* their pixels and textures, in bytes */
    size_t image_budget;   /* the most image_bytes should hold */
    size_t images_decoded; /* pictures decoded since creation */
} ks_render_stats;
void ks_render_get_stats(const ks_render *rd, ks_render_stats *out);

/* A picture the program shows by name (the clinic's logo): loads path (PNG,
 * JPEG or SVG; absolute, or relative to the assets folder) and keeps it as
 * the image called name, which display lists then show with
 * ks_layout_list_add_image(dl, box, name). An SVG is drawn sharp at up to
 * 512 px tall. Sets *w, *h to its size and returns 0; or logs why and
 * returns KS_ERR_NOT_FOUND (cannot be read or is not a picture) or
 * KS_ERR_INVALID (bad arguments, larger than 4096 px a side). A second
 * call with the same name replaces the picture. */
int ks_render_load_image(ks_render *rd, const char *name, const char *path, int *w, int *h);

/* ---------------------------------------------------------- icons */

/* Line icons: assets/icons/NAME.svg (the assets folder of the options),
 * strokes only, drawn in "currentColor", which is replaced by the colour
 * asked for before the SVG is rasterised, at exactly the size asked for.
 * So one file serves every theme (high contrast too) and text size. Kept
 * in the picture cache (its budget, least recently drawn dropped first),
 * keyed by name and colour, with one texture at the size last drawn.
 * The names the kiosk ships and which section or topic uses which are in
 * store.h (ks_icon_names, ks_section_icon, ks_topic.icon). */

/* The display-list source for icon name in color, for
 * ks_layout_list_add_image(dl, box, src): "icon:NAME:RRGGBB" written into
 * buf (cap bytes; 64 is enough). Returns buf, or NULL when name is not an
 * icon name (lowercase letters, digits, '-'). A page cannot name such a
 * source (a link with a scheme is never a picture of a page). */
const char *ks_render_icon_src(char *buf, size_t cap, const char *name, ks_color color);
/* Draw icon name in color, filling box (target pixels; a square box keeps
 * the icon's shape). Returns KS_OK, KS_ERR_NOT_FOUND when there is no such
 * icon (or it is not an SVG SDL2_image reads; logged once), KS_ERR_INVALID
 * for a bad name or box, KS_ERR_IO when SDL failed. */
int ks_render_icon(ks_render *rd, const char *name, ks_rect box, ks_color color);

/* ---------------------------------------------------------- headless */

typedef struct ks_render_headless ks_render_headless;

/* A w x h ARGB8888 surface with a software renderer and a ks_render on it.
 * Needs no display and no SDL_Init. opts may be NULL. Returns NULL with
 * *err set (KS_ERR_NOT_FOUND: fonts missing, KS_ERR_INVALID: bad size,
 * KS_ERR_IO: SDL failed). Free with ks_render_headless_destroy(). */
ks_render_headless *ks_render_headless_create(int w, int h, const ks_theme *theme,
                                              const ks_render_options *opts, int *err);
void ks_render_headless_destroy(ks_render_headless *hl);
/* Borrowed pointers, valid until ks_render_headless_destroy(). */
ks_render *ks_render_headless_render(ks_render_headless *hl);
SDL_Renderer *ks_render_headless_renderer(ks_render_headless *hl);
/* The surface drawn on (flushed: every draw so far is in its pixels). */
SDL_Surface *ks_render_headless_surface(ks_render_headless *hl);
/* Save what was drawn as a PNG (deterministic bytes). Returns 0 or KS_ERR_IO. */
int ks_render_headless_save_png(ks_render_headless *hl, const char *path);

#endif
