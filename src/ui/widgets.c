/* widgets: text, buttons and tiles laid out into a display list
 * (widgets.h). The hit boxes (KS_ITEM_LINK, with a TAG_* tag) are the very
 * boxes drawn, so what a finger touches is what it sees. */
#include "widgets.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int ui_line_h(const ks_ui *ui, ks_face face, int size) {
    int h = size, asc = size;
    ui->fm->line(ui->fm->ctx, face, size, &h, &asc);
    return h;
}

ui_geo ui_geo_at(const ks_ui *ui, double s) {
    ui_geo g;
    g.B = ks_layout_body_px(ui->look.theme, s);
    if (g.B < UI_MIN_BODY_PX) g.B = UI_MIN_BODY_PX;
    g.T = (int)lround(UI_MIN_TARGET_PX * s);
    g.pad = g.B * 3 / 4;
    g.gap = g.B / 2;
    g.margin = ks_layout_margin(ui->w, s);
    if (g.margin < UI_MIN_MARGIN_PX) g.margin = UI_MIN_MARGIN_PX;
    g.col_w = ui->w - 2 * g.margin;
    if (g.col_w > g.B * UI_TILE_COLUMN_EM) g.col_w = g.B * UI_TILE_COLUMN_EM;
    g.col_x = (ui->w - g.col_w) / 2;
    g.bh = ui_line_h(ui, KS_FACE_BOLD, g.B) + g.B;
    if (g.bh < g.T + 8) g.bh = g.T + 8;
    return g;
}

ui_geo ui_geo_now(const ks_ui *ui) { return ui_geo_at(ui, ui->look.scale); }

double ui_chrome_scale(const ks_ui *ui) {
    double fit = (UI_CHROME_SHARE * ui->h - UI_CHROME_PX_FIXED) / UI_CHROME_PX_AT_1;
    double s = ui->look.scale < fit ? ui->look.scale : fit;
    return s < 1.0 ? 1.0 : s;
}

static ks_text_style style_of(const ui_pen *pen) {
    ks_text_style st;
    memset(&st, 0, sizeof st);
    st.face = pen->face;
    st.size = pen->size;
    st.color = pen->fg;
    st.bg = pen->bg;
    st.align = pen->align;
    return st;
}

int ui_text_ex(const ks_ui *ui, ks_display_list *dl, const char *s, ks_rect box, const ui_pen *pen) {
    ks_text_style st = style_of(pen);
    return ks_layout_text_box(dl, ui->fm, s, box.x, box.y, box.w, &st);
}

int ui_text(const ks_ui *ui, ks_display_list *dl, const char *s, ks_rect box) {
    const ks_theme *th = ui->look.theme;
    int B = ks_layout_body_px(th, ui->look.scale);
    ui_pen pen = {KS_FACE_REGULAR, B < UI_MIN_BODY_PX ? UI_MIN_BODY_PX : B, th->text, th->background, KS_ALIGN_LEFT};
    return ui_text_ex(ui, dl, s, box, &pen);
}

int ui_text_h(const ks_ui *ui, const char *s, int w, ks_face face, int size) {
    ui_pen pen = {face, size, ui->look.theme->text, ui->look.theme->background, KS_ALIGN_LEFT};
    ks_text_style st = style_of(&pen);
    return ks_layout_text_height(ui->fm, s, w, &st);
}

int ui_text_w(const ks_ui *ui, const char *s, ks_face face, int size) {
    return ui->fm->measure(ui->fm->ctx, face, size, s, strlen(s));
}

int ui_outline_px(const ks_ui *ui) {
    return ui->look.high_contrast ? (int)lround(UI_OUTLINE_PX * ui->look.scale) : 0;
}

void ui_box(const ks_ui *ui, ks_display_list *dl, ks_rect r, ks_color fill, int radius) {
    int t = ui_outline_px(ui);
    if (t > 0 && r.w > 2 * t && r.h > 2 * t) {
        ks_layout_list_add_rect(dl, r, ui->look.theme->text, radius);
        r = (ks_rect){r.x + t, r.y + t, r.w - 2 * t, r.h - 2 * t};
        radius = radius > t ? radius - t : 0;
    }
    ks_layout_list_add_rect(dl, r, fill, radius);
}

void ui_link(ks_display_list *dl, ks_rect r, ui_act act) { ks_layout_list_add_link(dl, r, act.target, act.tag); }

int ui_button_ex(const ks_ui *ui, ks_display_list *dl, ks_rect r, const char *label, ui_act act,
                 const ui_button_opt *opt) {
    const ui_geo g = ui_geo_now(ui);
    int inner = r.w - 2 * (g.pad / 2);
    int th = ui_text_h(ui, label, inner, opt->face, opt->size);
    ui_pen pen = {opt->face, opt->size, opt->fg, opt->fill, KS_ALIGN_CENTER};
    if (r.h < th + g.pad) r.h = th + g.pad;
    ui_box(ui, dl, r, opt->fill, ui->look.theme->radius * (int)lround(ui->look.scale));
    ui_text_ex(ui, dl, label, (ks_rect){r.x + g.pad / 2, r.y + (r.h - th) / 2, inner, 0}, &pen);
    ui_link(dl, r, act);
    return r.h;
}

int ui_button(const ks_ui *ui, ks_display_list *dl, ks_rect r, const char *label, ui_act act) {
    const ks_theme *th = ui->look.theme;
    ui_button_opt opt = {th->accent, th->on_accent, KS_FACE_BOLD, ui_geo_now(ui).B};
    return ui_button_ex(ui, dl, r, label, act, &opt);
}

int ui_button_w(const ks_ui *ui, const char *label, ks_face face, int size) {
    const ui_geo g = ui_geo_now(ui);
    int w = ui_text_w(ui, label, face, size) + 2 * g.pad;
    return w < g.T ? g.T : w;
}

/* The widest word of s at size px in face. */
int ui_widest_word(const ks_ui *ui, const char *s, ks_face face, int px) {
    int best = 0;
    while (*s) {
        size_t n = strcspn(s, " ");
        if (n) {
            char word[128];
            int w;
            snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), s);
            w = ui_text_w(ui, word, face, px);
            if (w > best) best = w;
        }
        s += n;
        while (*s == ' ') s++;
    }
    return best;
}

/* The largest size, at most px and at least min_px, at which no word of s
 * in face is wider than w. Widths grow about in proportion to the size, so
 * one guess and a step or two down find it: few sizes measured, few fonts
 * opened. min_px when even that is too wide (the layout then breaks the
 * word, as it must). */
int ui_fit_words_px(const ks_ui *ui, const char *s, ks_face face, int px, int min_px, int w) {
    int widest = ui_widest_word(ui, s, face, px);
    if (widest <= w || px <= min_px) return px;
    px = (int)((long)px * w / widest);
    while (px > min_px && ui_widest_word(ui, s, face, px) > w) px--;
    return px < min_px ? min_px : px;
}

/* Where a tile's parts go. */
typedef struct tile_plan {
    int bar;          /* the accent edge's width */
    int chev_px, chev_w; /* the chevron at the right */
    int x, w;         /* the words' column */
    int side;         /* the icon's side; 0: no icon */
    int above;        /* 1: the icon sits above the words, 0: beside them */
    int title_px;     /* the title's size: 6/5 of body text, less if a word would be cut */
    char src[64];     /* the icon's display-list source */
} tile_plan;

/* The icon beside the words takes twice the body text size (a little more
 * than the bold title's line: the tile's mark, not a picture) and a gap.
 * When that would leave the words fewer than UI_TILE_WORDS_MIN_EM (a
 * narrow window at a large text size: the same for every tile of the
 * screen), the icon goes above the words instead. A title word wider than
 * its column is set smaller, down to body size, rather than cut; only a
 * word that does not fit even then moves that tile's icon above. */
static void tile_plan_of(const ks_ui *ui, const ui_geo *g, const ui_card *c, const char *icon, tile_plan *p) {
    const char *chevron = "\xe2\x80\xba";
    int room = 0;
    p->bar = (int)lround(10 * ui->look.scale);
    p->chev_px = g->B * 3 / 2;
    p->chev_w = ui_text_w(ui, chevron, KS_FACE_BOLD, p->chev_px);
    p->x = g->col_x + p->bar + g->pad;
    p->w = g->col_w - p->bar - 3 * g->pad - p->chev_w;
    p->side = icon && ks_render_icon_src(p->src, sizeof p->src, icon, ui->look.theme->accent) ? g->B * 2 : 0;
    p->above = 0;
    p->title_px = g->B * 6 / 5;
    if (p->side) {
        room = p->side + g->pad * 2 / 3;
        p->above = p->w - room < g->B * UI_TILE_WORDS_MIN_EM ||
                   ui_widest_word(ui, c->title, KS_FACE_BOLD, g->B) > p->w - room;
    }
    if (p->side && !p->above) {
        p->x += room;
        p->w -= room;
    }
    while (p->title_px > g->B && ui_widest_word(ui, c->title, KS_FACE_BOLD, p->title_px) > p->w) p->title_px--;
}

/* A tile's height for its words (and icon above them). */
static int tile_height(const ks_ui *ui, const ui_geo *g, const ui_card *c, const tile_plan *p) {
    int h = g->pad + ui_text_h(ui, c->title, p->w, KS_FACE_BOLD, p->title_px) + g->pad;
    if (p->above) h += p->side + g->gap / 2;
    if (c->kicker && *c->kicker) h += ui_text_h(ui, c->kicker, p->w, KS_FACE_REGULAR, g->B);
    if (c->summary && *c->summary) h += g->B / 3 + ui_text_h(ui, c->summary, p->w, KS_FACE_REGULAR, g->B);
    return h < g->T + 16 ? g->T + 16 : h;
}

int ui_tile_ex(const ks_ui *ui, ks_display_list *dl, const ui_geo *g, int y, const ui_card *c, const char *icon) {
    const ks_theme *th = ui->look.theme;
    tile_plan p;
    int radius = th->radius * (int)lround(ui->look.scale), h, ty = y + g->pad;
    ui_pen pen = {KS_FACE_REGULAR, g->B, th->on_surface, th->surface, KS_ALIGN_LEFT};
    ui_pen chev;
    tile_plan_of(ui, g, c, icon, &p);
    h = tile_height(ui, g, c, &p);
    chev = (ui_pen){KS_FACE_BOLD, p.chev_px, th->accent, th->surface, KS_ALIGN_LEFT};
    ui_box(ui, dl, (ks_rect){g->col_x, y, g->col_w, h}, th->surface, radius);
    ks_layout_list_add_rect(dl, (ks_rect){g->col_x + radius / 2, y + radius, p.bar, h - 2 * radius}, th->accent, p.bar / 2);
    /* The icon in the accent colour, drawn at exactly its size (sharp at
     * every text size): centred on the tile's height like the chevron, or
     * at the top of the words. */
    if (p.side && p.above) {
        ks_layout_list_add_image(dl, (ks_rect){p.x, ty, p.side, p.side}, p.src);
        ty += p.side + g->gap / 2;
    } else if (p.side) {
        ks_layout_list_add_image(dl, (ks_rect){g->col_x + p.bar + g->pad, y + (h - p.side) / 2, p.side, p.side}, p.src);
    }
    /* A chevron at the right: this card leads somewhere. */
    ui_text_ex(ui, dl, "\xe2\x80\xba",
               (ks_rect){g->col_x + g->col_w - g->pad - p.chev_w, y + (h - ui_line_h(ui, KS_FACE_BOLD, p.chev_px)) / 2,
                         p.chev_w + 2, 0},
               &chev);
    if (c->kicker && *c->kicker) ty += ui_text_ex(ui, dl, c->kicker, (ks_rect){p.x, ty, p.w, 0}, &pen);
    pen.face = KS_FACE_BOLD;
    pen.size = p.title_px;
    ty += ui_text_ex(ui, dl, c->title, (ks_rect){p.x, ty, p.w, 0}, &pen);
    if (c->summary && *c->summary) {
        pen.face = KS_FACE_REGULAR;
        pen.size = g->B;
        ui_text_ex(ui, dl, c->summary, (ks_rect){p.x, ty + g->B / 3, p.w, 0}, &pen);
    }
    ui_link(dl, (ks_rect){g->col_x, y, g->col_w, h}, c->act);
    return h;
}

int ui_tile(const ks_ui *ui, ks_display_list *dl, const ui_geo *g, int y, const ui_card *c) {
    return ui_tile_ex(ui, dl, g, y, c, NULL);
}

int ui_fit_size(const ks_ui *ui, const char *label, ks_face face, int size, int w) {
    while (size > 20 && ui_text_w(ui, label, face, size) > w) size = size * 9 / 10;
    return size;
}
