/* bar: the bottom bar, a place of its own under the scrolling body, so
 * nothing floats over text (issue 15). It holds, from the top:
 *
 *   - a track across the whole width with a thumb: where the reader is in
 *     what scrolls (the thumb's length is the share on screen);
 *   - at the right, "More ↓" (scrolls most of a screen on, for those who
 *     find dragging hard) while there is more below, and at the end the
 *     quiet words "End of the page" (or "of the list") in its place;
 *   - at the left, on a page with speech, Listen (or Pause/Resume, Stop)
 *     and Slower: on the same row when the widest of their states fits
 *     beside "More", else on a row of their own above it.
 *
 * The bar is there on every screen whose body scrolls, and on every page
 * with the read-aloud buttons. Its height depends on the screen and its
 * size only, never on the scroll or on what is playing, so the body, which
 * ends where the bar starts, never jumps. With the on-screen keyboard up
 * (search), the keyboard takes the bar's place: only the track stays, as a
 * strip above the keys; "Hide" gives the results the whole bar back.
 */
#include "widgets.h"

#include <math.h>
#include <string.h>

#define MORE_LABEL "More \xe2\x86\x93"

/* The bar's measurements: the fixed parts' scale, at most 1.5, as the
 * header's. */
typedef struct bar_geo {
    ui_geo g;
    int size;  /* label px */
    int track; /* the track's height */
    int row_h; /* a row of buttons */
} bar_geo;

static bar_geo bar_geo_of(const ks_ui *ui) {
    bar_geo b;
    double s = ui_chrome_scale(ui);
    b.g = ui_geo_at(ui, s > 1.5 ? 1.5 : s);
    b.size = b.g.B;
    b.track = b.g.gap / 2 < 6 ? 6 : b.g.gap / 2;
    b.row_h = b.g.bh;
    return b;
}

static int typing(const ks_ui *ui) {
    return ks_nav_peek(&ui->nav)->screen == KS_SCREEN_SEARCH && ui->find.kb_visible;
}

static const char *end_label(const ks_ui *ui) {
    return ks_nav_peek(&ui->nav)->screen == KS_SCREEN_PAGE ? "End of the page" : "End of the list";
}

/* The right-hand part: More, or the end's words, whichever is wider. */
static int right_w(const ks_ui *ui, const bar_geo *b) {
    int more = ui_fx_button(ui, NULL, (ks_rect){0, 0, 0, b->row_h}, b->size, (ui_fx_btn){MORE_LABEL, TAG_MORE, 1});
    int end = ui_text_w(ui, end_label(ui), KS_FACE_REGULAR, b->size);
    return more > end ? more : end;
}

/* Rows of buttons: 1, or 2 when the read-aloud buttons do not fit beside
 * More. */
static int bar_rows(const ks_ui *ui, const bar_geo *b) {
    int listen = ui_listen_bar_w(ui, b->size, b->size / 2, b->row_h);
    if (!listen) return 1;
    return b->g.margin + listen + 2 * b->g.gap + right_w(ui, b) + b->g.margin <= ui->w ? 1 : 2;
}

void ui_bar_reserve(const ks_ui *ui, ui_frame *f) {
    bar_geo b = bar_geo_of(ui);
    int view = f->geom.body_bottom - f->geom.body_top, h;
    int listen = ui_listen_bar_w(ui, b.size, b.size / 2, b.row_h) > 0;
    f->geom.bar_top = f->geom.body_bottom;
    f->geom.bar_h = 0;
    if (f->geom.content_h <= view && !listen) return; /* nothing scrolls, nothing to hold */
    if (typing(ui)) h = b.track;
    else h = b.track + bar_rows(ui, &b) * (b.row_h + b.g.gap) + b.g.gap;
    f->geom.body_bottom -= h;
    f->geom.bar_top = f->geom.body_bottom;
    f->geom.bar_h = h;
}

/* Where the reader is: a thumb on a track along the bar's top edge. */
static void track(const ks_ui *ui, ks_display_list *fx, const bar_geo *b) {
    const ks_theme *th = ui->look.theme;
    int top = ui->geom.bar_top, view = ui->geom.body_bottom - ui->geom.body_top, content = ui->geom.content_h;
    ks_layout_list_add_rect(fx, (ks_rect){0, top, ui->w, b->track}, th->code_bg, 0);
    ks_layout_list_add_rect(fx, (ks_rect){0, top, ui->w, 2}, th->rule, 0);
    if (content > view && view > 0) {
        int tw = (int)((long)ui->w * view / content), max = content - view, x;
        if (tw < 64) tw = 64;
        x = (int)((float)(ui->w - tw) * ui->view.scroll / (float)max);
        ks_layout_list_add_rect(fx, (ks_rect){x, top, tw, b->track}, th->muted, b->track / 2);
    }
}

void ui_bar_build_fx(const ks_ui *ui, ks_display_list *fx) {
    const ks_theme *th = ui->look.theme;
    bar_geo b = bar_geo_of(ui);
    int rows, view = ui->geom.body_bottom - ui->geom.body_top, y;
    if (ui->geom.bar_h <= 0 || ui->panel.prompting || ui->panel.pin_open || ui->panel.staff_open) return;
    ks_layout_list_add_rect(fx, (ks_rect){0, ui->geom.bar_top, ui->w, ui->geom.bar_h}, th->surface, 0);
    track(ui, fx, &b);
    if (typing(ui)) return;
    rows = bar_rows(ui, &b);
    y = ui->geom.bar_top + b.track + b.g.gap;
    ui_listen_build_fx(ui, fx, (ks_rect){b.g.margin, y, 0, b.row_h}, b.size);
    y += (rows - 1) * (b.row_h + b.g.gap);
    if (ui->geom.content_h > view && ui->view.scroll < (float)(ui->geom.content_h - view) - 8.0f) {
        int w = ui_fx_button(ui, NULL, (ks_rect){0, 0, 0, b.row_h}, b.size, (ui_fx_btn){MORE_LABEL, TAG_MORE, 1});
        ui_fx_button(ui, fx, (ks_rect){ui->w - b.g.margin - w, y, 0, b.row_h}, b.size, (ui_fx_btn){MORE_LABEL, TAG_MORE, 1});
    } else if (ui->geom.content_h > view) {
        /* The end: said quietly where More was; the bar keeps its size. */
        const char *s = end_label(ui);
        int w = ui_text_w(ui, s, KS_FACE_REGULAR, b.size), lh = ui_line_h(ui, KS_FACE_REGULAR, b.size);
        ui_text_ex(ui, fx, s, (ks_rect){ui->w - b.g.margin - w, y + (b.row_h - lh) / 2, w + 2, 0},
                   &(ui_pen){KS_FACE_REGULAR, b.size, th->muted, th->surface, KS_ALIGN_LEFT});
    }
}
