/* widgets: the ui's drawing vocabulary (microui's mu_button / mu_button_ex
 * are the model). Each widget has a short form for the common case and an
 * _ex form taking its options; all read the kiosk's state (const) and add
 * items to the display list given. Sizes derive from two numbers: B, the
 * body text size for the current text scale (>= UI_MIN_BODY_PX), and T, the
 * smallest touch target (UI_MIN_TARGET_PX x the text scale). */
#ifndef KIOSK_UI_WIDGETS_H
#define KIOSK_UI_WIDGETS_H

#include "ui_int.h"

/* Body text never smaller than this (px), whatever the theme says. */
#define UI_MIN_BODY_PX 28
/* The smallest touch target at text scale 1 (px). */
#define UI_MIN_TARGET_PX 64
/* The window edge to content, at least (px). */
#define UI_MIN_MARGIN_PX 16
/* Tiles and the search field span this many em of body text at most. It is
 * layout's text column (KS_LAYOUT_COLUMN_EM) plus two: sharing layout's
 * column exactly would narrow every tile on wide screens, and the kiosk's
 * pictures must not change in this step, so the difference is named here. */
#define UI_TILE_COLUMN_EM (KS_LAYOUT_COLUMN_EM + 2)
/* A tile's icon sits beside its words while they keep at least this many
 * em of body text; else above them (800x600 at 200 %). */
#define UI_TILE_WORDS_MIN_EM 8
/* What stays fixed on screen (header, search field, keyboard) takes about
 * UI_CHROME_PX_AT_1 x the chrome scale + UI_CHROME_PX_FIXED px; it may use
 * UI_CHROME_SHARE of the window's height. */
#define UI_CHROME_PX_AT_1 550.0
#define UI_CHROME_PX_FIXED 56.0
#define UI_CHROME_SHARE 0.75
/* The on-screen keyboard's share of the height at most (percent): the
 * results keep room to be read. */
#define UI_KEYBOARD_PORTRAIT_PCT 45
#define UI_KEYBOARD_LANDSCAPE_PCT 38

/* The icons of tiles that have none from the content: Home's common
 * questions, and pages outside a topic or outside the six sections. */
#define UI_QUESTION_ICON "question"
#define UI_PAGE_ICON KS_TOPIC_ICON_DEFAULT

/* screens.c: the icon of a page's tile: its section's, else UI_PAGE_ICON. */
const char *ui_page_icon(const ks_page *p);

/* Per-build measurements. */
typedef struct ui_geo {
    int B;       /* body text px */
    int T;       /* minimum target side px */
    int pad;     /* inside tiles and buttons */
    int gap;     /* between tiles */
    int margin;  /* window edge to content */
    int col_x, col_w; /* the content column */
    int bh;      /* button height */
} ui_geo;

/* How text looks: the options of ui_text_ex. */
typedef struct ui_pen {
    ks_face face;
    int size;          /* px */
    ks_color fg, bg;
    ks_align align;
} ui_pen;

/* What a target does when tapped: a TAG_* and its target (may be NULL). */
typedef struct ui_act {
    int tag;
    const char *target;
} ui_act;

/* How a button looks: the options of ui_button_ex. */
typedef struct ui_button_opt {
    ks_color fill, fg;
    ks_face face;
    int size;          /* label px */
} ui_button_opt;

/* A tile's words (kicker and summary may be NULL or ""). */
typedef struct ui_card {
    const char *kicker, *title, *summary;
    ui_act act;
} ui_card;

/* The measurements at text scale s, and at the patient's text scale. */
ui_geo ui_geo_at(const ks_ui *ui, double s);
ui_geo ui_geo_now(const ks_ui *ui);
/* The scale for what stays fixed on screen: the text scale, but no more
 * than lets the chrome fit in UI_CHROME_SHARE of the height, never below 1. */
double ui_chrome_scale(const ks_ui *ui);

int ui_line_h(const ks_ui *ui, ks_face face, int size);
int ui_text_w(const ks_ui *ui, const char *s, ks_face face, int size);
/* The height s takes wrapped to w px. */
int ui_text_h(const ks_ui *ui, const char *s, int w, ks_face face, int size);

/* Wrapped text in box (its h is not used); returns its height. The short
 * form is body text: regular, B px, the theme's text on its background,
 * left aligned. */
int ui_text(const ks_ui *ui, ks_display_list *dl, const char *s, ks_rect box);
int ui_text_ex(const ks_ui *ui, ks_display_list *dl, const char *s, ks_rect box, const ui_pen *pen);

/* A button's, key's or tile's box, filled. In the high-contrast theme it
 * has an outline in the theme's text colour, UI_OUTLINE_PX x the text
 * scale thick, inside the box, so every target shows its edge on black
 * whatever its fill. */
#define UI_OUTLINE_PX 3
void ui_box(const ks_ui *ui, ks_display_list *dl, ks_rect r, ks_color fill, int radius);
/* The outline's thickness (0 outside the high-contrast theme). */
int ui_outline_px(const ks_ui *ui);

/* A hit box. */
void ui_link(ks_display_list *dl, ks_rect r, ui_act act);

/* A button: filled box, label centred (wrapped if it must), hit box. The
 * box grows to fit its label; returns its height. The short form is the
 * primary look: bold B px, on the accent colour. */
int ui_button(const ks_ui *ui, ks_display_list *dl, ks_rect r, const char *label, ui_act act);
int ui_button_ex(const ks_ui *ui, ks_display_list *dl, ks_rect r, const char *label, ui_act act,
                 const ui_button_opt *opt);
/* The width a one-line button needs for label. */
int ui_button_w(const ks_ui *ui, const char *label, ks_face face, int size);

/* A tile: a calm card with an accent edge, an optional kicker line, a bold
 * title and a summary; the whole card is one target. Returns its height. */
int ui_tile(const ks_ui *ui, ks_display_list *dl, const ui_geo *g, int y, const ui_card *card);
/* The same with a line icon (assets/icons/NAME.svg, ks_render_icon_src)
 * in the theme's accent colour, between the accent edge and the words,
 * vertically centred; above the words when the column is too narrow for
 * both (UI_TILE_WORDS_MIN_EM). icon NULL: none. The target is the whole
 * card, as for ui_tile. */
int ui_tile_ex(const ks_ui *ui, ks_display_list *dl, const ui_geo *g, int y, const ui_card *card, const char *icon);

/* Screen builders shared between files (see ui_frame). */
void ui_build_search(const ks_ui *ui, const ui_geo *g, const ui_geo *gc, int hdr, ui_frame *f);
void ui_build_prompt(const ks_ui *ui, const ui_geo *g, ui_frame *f);
void ui_build_pin(const ks_ui *ui, const ui_geo *g, ui_frame *f);
/* screen_topic.c: the Topic screen and the Page screen of slug. */
void ui_build_topic(const ks_ui *ui, const ui_geo *g, const char *slug, ui_frame *f);
void ui_build_page(const ks_ui *ui, const ui_geo *g, const char *slug, ui_frame *f);
/* screen_empty.c: Home when the kiosk has no page ("This kiosk has no
 * pages yet"). */
void ui_build_no_pages(const ks_ui *ui, const ui_geo *g, ui_frame *f);
/* overview.c: topic t's overview (its index.md, the current screen's
 * document) from y on into f's body, cut to its opening, with a "Read
 * more" button (the overview page) when some of it was left out. Returns
 * the y after it; y itself when there is no overview. */
int ui_overview(const ks_ui *ui, const ui_geo *g, int y, ui_frame *f, const ks_topic *t);
/* The logo centred with the clinic's name under it (the idle prompt). With
 * dl NULL, only measures. Returns the height. */
int ui_clinic_block(const ks_ui *ui, ks_display_list *dl, const ui_geo *g, int y);
/* Topic tiles from y on (Home, and the search screen's "nothing found");
 * returns the y after them. */
int ui_topic_tiles(const ks_ui *ui, const ui_geo *g, int y, ui_frame *f);

/* The widest word of s at size px in face. */
int ui_widest_word(const ks_ui *ui, const char *s, ks_face face, int px);
/* The largest size from px down to min_px at which no word of s in face is
 * wider than w: a name set smaller rather than cut inside a word. */
int ui_fit_words_px(const ks_ui *ui, const char *s, ks_face face, int px, int min_px, int w);
/* look.c: Home's text-size and contrast buttons at the top of Home: the
 * same boxes at every text size (they are laid out at UI_LOOK_SCALE),
 * centred in the window. Returns the y under them. */
#define UI_LOOK_SCALE 1.3
int ui_look_controls(const ks_ui *ui, ks_display_list *dl);

/* The largest size <= size at which label fits w px. */
int ui_fit_size(const ks_ui *ui, const char *label, ks_face face, int size, int w);

#endif
