/* layout: places a document (or a screen's own text) on a page of a given
 * width, and writes the result as a display list.
 *
 * The display list is the one currency between layout, the UI and render: a
 * flat array of transparent value items (filled rectangles, text runs,
 * images, link/button hit boxes, heading anchors), all in page coordinates,
 * so scrolling is only a translation when drawing and hit-testing. Layout
 * runs once per page, width, text scale and theme; drawing and touch
 * hit-testing both read the same items.
 *
 * Text is measured through ks_font_metrics, a small table of function
 * pointers: render implements it with SDL2_ttf (the same fonts it draws
 * with), tests with a fake. This module never includes SDL.
 *
 * Depends on base and doc.
 */
#ifndef KIOSK_LAYOUT_H
#define KIOSK_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/doc.h"

/* ------------------------------------------------------------ value types */

typedef struct ks_color {
    uint8_t r, g, b, a; /* a = 255 opaque */
} ks_color;

typedef struct ks_rect {
    int x, y, w, h; /* top-left corner and size, in pixels */
} ks_rect;

/* The font faces: DejaVu Sans regular, bold, oblique, bold oblique, mono. */
typedef enum ks_face {
    KS_FACE_REGULAR = 0,
    KS_FACE_BOLD,
    KS_FACE_ITALIC,
    KS_FACE_BOLD_ITALIC,
    KS_FACE_MONO,
    KS_FACE_COUNT
} ks_face;

/* ---------------------------------------------------------------- themes */

/* Colours and sizes of one look. Every colour pair used for text has a
 * contrast ratio of at least 7:1 (WCAG AAA) in both shipped themes. */
typedef struct ks_theme {
    const char *name;    /* "default", "high-contrast" */
    ks_color background; /* the page */
    ks_color text;       /* body text */
    ks_color muted;      /* secondary text (captions, summaries): still >= 7:1 */
    ks_color heading;    /* headings */
    ks_color link;       /* internal links (also underlined) */
    ks_color accent;     /* tiles, buttons, focus: a calm clear colour */
    ks_color on_accent;  /* text on accent */
    ks_color surface;    /* cards, keys, tiles at rest (on background) */
    ks_color on_surface; /* text on surface */
    ks_color callout_bg; /* block quotes (warnings) */
    ks_color callout_bar;/* the bar at the callout's left edge */
    ks_color code_bg;    /* code blocks and inline code */
    ks_color rule;       /* thematic breaks, separators */
    ks_color highlight;  /* behind search matches (text stays 'text') */
    ks_color placeholder;/* missing image box */
    int body_px;         /* body text size at text scale 1.0 (>= 28) */
    int radius;          /* corner radius for tiles, keys, callouts at scale 1.0 */
} ks_theme;

/* The theme called name ("default" or "high-contrast"), or NULL. The result
 * is static and never freed. */
const ks_theme *ks_layout_theme(const char *name);
/* The names of the shipped themes, NULL-terminated; static. */
const char *const *ks_layout_theme_names(void);
/* The WCAG contrast ratio of two opaque colours (1.0 .. 21.0). */
double ks_layout_contrast(ks_color a, ks_color b);

/* ---------------------------------------------------------- font metrics */

/* How layout measures text. ctx is passed back to every call. All sizes are
 * pixel sizes (the font's point size at 72 dpi, as TTF_OpenFont takes). */
typedef struct ks_font_metrics {
    void *ctx;
    /* Width in pixels of text[0..len) (UTF-8) set in face at size, as it
     * will be drawn (same shaping and kerning). */
    int (*measure)(void *ctx, ks_face face, int size, const char *text, size_t len);
    /* The line height (distance between baselines) and ascent of face at
     * size. A text item's box is one line high; its baseline is at
     * box.y + ascent. */
    void (*line)(void *ctx, ks_face face, int size, int *height, int *ascent);
    /* Natural size of the image at src (relative to the content folder).
     * Returns 0, or a negative KS_ERR_* when it cannot be loaded (layout then
     * places a placeholder). May be NULL: every image is a placeholder. */
    int (*image_size)(void *ctx, const char *src, int *w, int *h);
} ks_font_metrics;

/* ---------------------------------------------------------- display list */

typedef enum ks_item_kind {
    KS_ITEM_RECT = 0, /* box filled with color, corners rounded by radius */
    KS_ITEM_TEXT,     /* text (one line, no line breaks) in face/size/color;
                         box is its measured extent, one line high */
    KS_ITEM_IMAGE,    /* the image at target drawn scaled into box */
    KS_ITEM_LINK,     /* a hit box (not drawn): a tap inside opens target */
    KS_ITEM_ANCHOR    /* not drawn: heading anchor target starts at box.y */
} ks_item_kind;

/* One display-list item. All strings are owned by the list. */
typedef struct ks_item {
    ks_item_kind kind;
    ks_rect box;        /* page coordinates */
    ks_color color;     /* rect fill, text colour */
    ks_color bg;        /* text: the opaque colour behind it (a = 0: unknown,
                           render blends); lets render draw opaque and fast */
    int radius;         /* rect: corner radius in pixels (0: square) */
    ks_face face;       /* text */
    int size;           /* text: pixel size */
    const char *text;   /* text: valid UTF-8, NUL-terminated; else NULL */
    size_t len;         /* bytes in text */
    const char *target; /* link: target; image: src; anchor: anchor; else NULL */
    int tag;            /* free for the caller (UI button ids); layout sets 0 */
    size_t src, src_len;/* text set by ks_layout_doc: the range of ks_doc_text()
                           it shows (runs of spaces there are one space in
                           text); src_len 0: not document text (markers,
                           screens' own text) */
} ks_item;

typedef struct ks_display_list ks_display_list;

/* A new empty list; the caller frees it with ks_layout_list_destroy(). */
ks_display_list *ks_layout_list_create(void);
/* Free the list and its strings. NULL is fine. */
void ks_layout_list_destroy(ks_display_list *dl);
/* Forget every item (keeps memory for reuse). Pointers from earlier
 * ks_layout_list_item() calls become invalid. */
void ks_layout_list_clear(ks_display_list *dl);

size_t ks_layout_list_count(const ks_display_list *dl);
/* Item i (< count). The pointer is valid until the list changes. */
const ks_item *ks_layout_list_item(const ks_display_list *dl, size_t i);
/* The bounding box of every drawn item (rect, text, image); {0,0,0,0} when
 * empty. */
ks_rect ks_layout_list_bounds(const ks_display_list *dl);
/* Add a copy of item, copying its text and target strings (text is made
 * valid UTF-8; a text item's len is taken from item->len). Returns the new
 * item's index. */
size_t ks_layout_list_add(ks_display_list *dl, const ks_item *item);
/* Shorthands for ks_layout_list_add; each returns the item's index. */
size_t ks_layout_list_add_rect(ks_display_list *dl, ks_rect box, ks_color color, int radius);
size_t ks_layout_list_add_link(ks_display_list *dl, ks_rect box, const char *target, int tag);
size_t ks_layout_list_add_image(ks_display_list *dl, ks_rect box, const char *src);
/* Set the tag of item i (UI button ids). */
void ks_layout_list_set_tag(ks_display_list *dl, size_t i, int tag);

/* The last-added link item whose box contains page point (x, y), or NULL.
 * Later items win, so a button added over a page wins over the page. */
const ks_item *ks_layout_list_hit(const ks_display_list *dl, int x, int y);
/* The y of the anchor item whose target is anchor (case-insensitive), or
 * -1 when the list has none. */
int ks_layout_list_anchor_y(const ks_display_list *dl, const char *anchor);

/* Which bytes of text item it show the document text [from, to) (offsets
 * in doc_text, the ks_doc_text() of the document it was laid out from):
 * *b0 .. *b1 in it->text. Returns 1, or 0 when the item shows none of it
 * (not document text, or outside the range). */
int ks_layout_item_span(const ks_item *it, const char *doc_text, size_t from, size_t to, size_t *b0,
                        size_t *b1);

/* ---------------------------------------------------------- text boxes */

typedef enum ks_align { KS_ALIGN_LEFT = 0, KS_ALIGN_CENTER, KS_ALIGN_RIGHT } ks_align;

/* How ks_layout_text_box sets text. */
typedef struct ks_text_style {
    ks_face face;
    int size;           /* pixel size */
    ks_color color;
    ks_color bg;        /* the opaque colour the box sits on (a = 0: unknown) */
    ks_align align;
    int max_lines;      /* 0: no limit; else the last line ends in "…" */
    int line_gap;       /* extra pixels between lines (may be 0) */
} ks_text_style;

/* Wrap plain UTF-8 text (NUL-terminated) into lines of at most width pixels
 * starting at (x, y), appending one text item per line. Breaks at spaces,
 * honours '\n', breaks a word longer than a line. Returns the height used
 * (0 for empty text). */
int ks_layout_text_box(ks_display_list *dl, const ks_font_metrics *m, const char *text,
                       int x, int y, int width, const ks_text_style *style);
/* The height ks_layout_text_box would return, appending nothing. */
int ks_layout_text_height(const ks_font_metrics *m, const char *text, int width,
                          const ks_text_style *style);

/* ---------------------------------------------------------- documents */

typedef struct ks_layout_params {
    int width;                 /* page width in pixels (600 .. 3840 tested) */
    double text_scale;         /* 1.0 .. 2.0 */
    const ks_theme *theme;     /* NULL: the default theme */
    const char *const *highlight; /* words to highlight (search terms), or NULL */
    size_t n_highlight;        /* a word in the page is highlighted when it
                                  starts with one of these (case-insensitive) */
    int top;                   /* y of the first block (0: just the margin) */
} ks_layout_params;

typedef struct ks_layout_info {
    int height;          /* page height: last block plus bottom margin */
    ks_rect content;     /* the column text is set in; no item lies outside
                            x .. x + w */
    int first_highlight_y; /* top of the first highlighted word's line, or -1 */
    int body_px;         /* body text size used (theme size x text scale) */
} ks_layout_info;

/* The body text size and page margin for a width and text scale. */
/* The text column's widest measure, in em of body text (a comfortable line
 * length): ks_layout_doc's column is the width less margins, at most this. */
#define KS_LAYOUT_COLUMN_EM 34
int ks_layout_body_px(const ks_theme *theme, double text_scale);
int ks_layout_margin(int width, double text_scale);

/* Lay out doc for params and append its items to dl: text, rectangles,
 * images (or placeholders), a KS_ITEM_LINK over every internal link (at
 * least 48 px tall, target "slug" or "slug#anchor") and a KS_ITEM_ANCHOR at
 * each heading (target = its anchor, as ks_link_anchor and the store make
 * it). dl may be NULL to only measure. info (may be NULL) receives the page
 * height, the text column and the first highlight. doc and dl are borrowed;
 * the items' strings are copies owned by dl. Returns 0, or KS_ERR_INVALID
 * for a width below 200 or a scale outside 0.5 .. 4. */
int ks_layout_doc(ks_display_list *dl, const ks_doc *doc, const ks_font_metrics *m,
                  const ks_layout_params *params, ks_layout_info *info);

#endif
