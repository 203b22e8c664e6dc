/* screens: each screen laid out once into the render module's display list.
 *
 * Sizes derive from two numbers: B, the body text size for the current text
 * scale (>= 28 px at 100%), and T, the smallest touch target (64 px x the
 * text scale). Text is always wrapped to its box, never cut; anything taller
 * than the window scrolls. The hit boxes (KS_ITEM_LINK, with a TAG_* tag)
 * are the very boxes drawn, so what a finger touches is what it sees.
 */
#include "widgets.h"

#include "kiosk/base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *section;
    const char *label;
} labels[KS_SECTION_COUNT] = {
    {"what-it-is", "What is it?"},
    {"assessment", "Before: the assessment"},
    {"injection", "During: the injection"},
    {"recovery", "After: recovery"},
    {"risks", "Risks"},
    {"candidacy", "Is it right for me?"},
};

const char *ui_section_label(const char *section) {
    for (int i = 0; i < KS_SECTION_COUNT; i++)
        if (strcmp(labels[i].section, section) == 0) return labels[i].label;
    return NULL;
}

const char *ui_page_icon(const ks_page *p) {
    const char *icon = ks_section_icon(p->section);
    return icon ? icon : UI_PAGE_ICON;
}

/* ------------------------------------------------------------ header */

/* Back, Search and Home along the top of every screen but Home. Returns its
 * height. */
static int header(const ks_ui *ui, const ui_geo *g, int with_search, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->chrome;
    int y = g->gap, h = g->bh + 2 * g->gap;
    const char *back = "\xe2\x80\xb9 Back", *home = "Home", *search = "Search";
    int wb = ui_button_w(ui, back, KS_FACE_BOLD, g->B), wh = ui_button_w(ui, home, KS_FACE_BOLD, g->B);
    int ws = ui_button_w(ui, search, KS_FACE_BOLD, g->B);
    int left = g->margin, right = ui->w - g->margin;
    ks_layout_list_add_rect(dl, (ks_rect){0, 0, ui->w, h}, th->surface, 0);
    ks_layout_list_add_rect(dl, (ks_rect){0, h - 2, ui->w, 2}, th->rule, 0);
    ui_button_ex(ui, dl, (ks_rect){left, y, wb, g->bh}, back, (ui_act){TAG_BACK, NULL}, &(ui_button_opt){th->accent, th->on_accent, KS_FACE_BOLD, g->B});
    ui_button_ex(ui, dl, (ks_rect){right - wh, y, wh, g->bh}, home, (ui_act){TAG_HOME, NULL}, &(ui_button_opt){th->accent, th->on_accent, KS_FACE_BOLD, g->B});
    if (with_search && left + wb + g->gap + ws + g->gap + wh <= right)
        ui_button_ex(ui, dl, (ks_rect){right - wh - g->gap - ws, y, ws, g->bh}, search, (ui_act){TAG_SEARCH, NULL}, &(ui_button_opt){th->background, th->text, KS_FACE_BOLD, g->B});
    return h;
}

/* Topic tiles (Home, and the search screen's "nothing found"). */
int ui_topic_tiles(const ks_ui *ui, const ui_geo *g, int y, ui_frame *f) {
    for (size_t i = 0; i < ui_topic_count(ui); i++) {
        const ks_topic *t = ui_topic(ui, i);
        y += ui_tile_ex(ui, f->body, g, y, &(ui_card){NULL, t->title, t->summary, {TAG_TOPIC, t->slug}}, t->icon) + g->gap;
    }
    return y;
}

/* ------------------------------------------------------------ the clinic */

void ui_load_logo(ks_ui *ui) {
    ui->logo_w = ui->logo_h = 0;
    if (!ui->rd) return;
    if (ui->cfg.logo[0]) {
        if (ks_render_load_image(ui->rd, UI_LOGO, ui->cfg.logo, &ui->logo_w, &ui->logo_h) == 0) return;
        ks_log("the clinic's logo %s cannot be shown; showing the default", ui->cfg.logo);
    }
    if (ks_render_load_image(ui->rd, UI_LOGO, UI_DEFAULT_LOGO, &ui->logo_w, &ui->logo_h) != 0)
        ui->logo_w = ui->logo_h = 0; /* the name alone, then */
}

/* The logo's box for a height of at most h px and a width of at most
 * max_w: its own shape, never stretched. 0 0 when there is no logo. */
static void logo_size(const ks_ui *ui, int h, int max_w, int *w_out, int *h_out) {
    int w;
    *w_out = *h_out = 0;
    if (ui->logo_w <= 0 || ui->logo_h <= 0) return;
    w = (int)lround((double)h * ui->logo_w / ui->logo_h);
    if (w > max_w) {
        w = max_w;
        h = (int)lround((double)w * ui->logo_h / ui->logo_w);
    }
    *w_out = w;
    *h_out = h;
}

/* The clinic's name at px, or smaller when a word of it is wider than the
 * column: a word is never cut in two ("informatio" / "n" at 200 % on a
 * 720 px screen, "informati" / "on" on the idle prompt at 540 px). Not
 * below body text at 100 %: on a 480 px screen at 200 % the body text's
 * size was not enough (the name is a name: a little smaller than the text
 * under it reads better than a broken word). */
static int name_px(const ks_ui *ui, const ui_geo *g, int px) {
    int min = ks_layout_body_px(ui->look.theme, 1.0);
    return ui_fit_words_px(ui, ui->cfg.title, KS_FACE_BOLD, px, min < UI_MIN_BODY_PX ? UI_MIN_BODY_PX : min, g->col_w);
}

/* The clinic's logo and name across the top of Home: the logo two title
 * lines tall at the left, the name beside it; when a word of the name
 * would not fit beside it (large text, a narrow screen), the logo sits
 * above the name instead. Returns the row's height. */
static int clinic_row(const ks_ui *ui, const ui_geo *g, int y, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->body;
    int title_px = name_px(ui, g, g->B * 8 / 5), lw, lh, tx, tw, t_h, y0 = y;
    logo_size(ui, ui_line_h(ui, KS_FACE_BOLD, title_px) * 2, g->col_w / 4, &lw, &lh);
    tx = g->col_x + (lw ? lw + g->gap : 0);
    tw = g->col_x + g->col_w - tx;
    if (lw && ui_widest_word(ui, ui->cfg.title, KS_FACE_BOLD, title_px) > tw) { /* stacked */
        ks_layout_list_add_image(dl, (ks_rect){g->col_x, y, lw, lh}, UI_LOGO);
        y += lh + g->gap;
        return y - y0 + ui_text_ex(ui, dl, ui->cfg.title, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, title_px, th->heading, th->background, KS_ALIGN_LEFT});
    }
    t_h = ui_text_h(ui, ui->cfg.title, tw, KS_FACE_BOLD, title_px);
    if (lw) ks_layout_list_add_image(dl, (ks_rect){g->col_x, y, lw, lh}, UI_LOGO);
    ui_text_ex(ui, dl, ui->cfg.title, (ks_rect){tx, y + (t_h < lh ? (lh - t_h) / 2 : 0), tw, 0}, &(ui_pen){KS_FACE_BOLD, title_px, th->heading, th->background, KS_ALIGN_LEFT});
    return t_h > lh ? t_h : lh;
}

/* The logo centred with the clinic's name under it (the idle prompt). With
 * dl NULL, only measures. Returns the height. */
int ui_clinic_block(const ks_ui *ui, ks_display_list *dl, const ui_geo *g, int y) {
    const ks_theme *th = ui->look.theme;
    int lw, lh, h, px = name_px(ui, g, g->B * 5 / 4);
    logo_size(ui, g->B * 3, g->col_w / 2, &lw, &lh);
    h = lw ? lh + g->gap : 0;
    if (dl && lw) ks_layout_list_add_image(dl, (ks_rect){g->col_x + (g->col_w - lw) / 2, y, lw, lh}, UI_LOGO);
    if (dl)
        ui_text_ex(ui, dl, ui->cfg.title, (ks_rect){g->col_x, y + h, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, px, th->heading, th->background, KS_ALIGN_CENTER});
    return h + ui_text_h(ui, ui->cfg.title, g->col_w, KS_FACE_BOLD, px);
}

/* ------------------------------------------------------------ home */

/* A heading over a part of Home ("Treatments"); returns its height and
 * the gap under it. */
static int home_heading(const ks_ui *ui, const ui_geo *g, int y, const char *text, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    return ui_text_ex(ui, f->body, text, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT}) + g->gap;
}

/* Home's common questions (content/home.txt) as large rows, each opening
 * its page at its heading ("slug#anchor"). Returns the y after them (y
 * itself when there are none). */
static int home_questions(const ks_ui *ui, const ui_geo *g, int y, ui_frame *f) {
    size_t n = ui_home_count(ui);
    if (n == 0) return y;
    y += home_heading(ui, g, y, "Common questions", f);
    for (size_t i = 0; i < n && i < KS_HOME_MAX; i++) {
        const ks_home_question *q = ui_home_question(ui, i);
        char target[2 * KS_SLUG_MAX + 2];
        if (!q) continue;
        snprintf(target, sizeof target, "%s%s%s", q->slug, q->anchor ? "#" : "", q->anchor ? q->anchor : "");
        y += ui_tile_ex(ui, f->body, g, y, &(ui_card){NULL, q->text, NULL, {TAG_PAGE, target}}, UI_QUESTION_ICON) + g->gap;
    }
    return y + g->B;
}

/* The pages outside any topic ("More information"). Returns the y after
 * them. */
static int home_general(const ks_ui *ui, const ui_geo *g, int y, ui_frame *f) {
    int n = 0;
    for (size_t i = 0; i < ui_page_count(ui); i++) {
        const ks_page *p = ui_page(ui, i);
        if (p->topic[0]) continue;
        if (n++ == 0) y += home_heading(ui, g, y, "More information", f);
        y += ui_tile_ex(ui, f->body, g, y, &(ui_card){NULL, p->title, p->summary, {TAG_PAGE, p->slug}}, UI_PAGE_ICON) + g->gap;
    }
    return y;
}

/* The search field: looks like a box to type in; opens the keyboard.
 * Returns its height. */
static int home_field(const ks_ui *ui, const ui_geo *g, int y, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->body;
    int fh = g->bh + g->B / 2;
    int th_ = ui_text_h(ui, "Touch here to search", g->col_w - 2 * g->pad, KS_FACE_REGULAR, g->B);
    ks_layout_list_add_rect(dl, (ks_rect){g->col_x, y, g->col_w, fh}, th->accent, th->radius);
    ks_layout_list_add_rect(dl, (ks_rect){g->col_x + 3, y + 3, g->col_w - 6, fh - 6}, th->background, th->radius);
    ui_text(ui, dl, "Touch here to search", (ks_rect){g->col_x + g->pad, y + (fh - th_) / 2, g->col_w - 2 * g->pad, 0});
    if (th_ + g->pad > fh) fh = th_ + g->pad;
    ui_link(dl, (ks_rect){g->col_x, y, g->col_w, fh}, (ui_act){TAG_SEARCH, NULL});
    f->geom.has_field = 1;
    f->geom.field_in_body = 1;
    f->geom.field_x = g->col_x;
    f->geom.field_y = y;
    f->geom.field_w = g->col_w;
    f->geom.field_h = fh;
    return fh;
}

/* Home: the text size and contrast controls, the clinic, the search
 * field, then the treatments, the common questions and the other pages, in
 * one scrolling column. The questions come straight after the treatments:
 * they are what a patient most often came to ask, and in portrait they fill
 * what was the empty lower part of the screen. */
static void build_home(const ks_ui *ui, const ui_geo *g, ui_frame *f) {
    ks_display_list *dl = f->body;
    int y;
    f->geom.body_top = 0;
    f->geom.body_bottom = ui->h;
    /* The text size and contrast first, where they stay whatever the
     * text size (look.c). */
    y = ui_look_controls(ui, dl) + g->B;
    y += clinic_row(ui, g, y, f);
    y += g->B / 3;
    y += ui_text(ui, dl, "Touch a topic to read about it, or search for a word.", (ks_rect){g->col_x, y, g->col_w, 0});
    y += g->B;
    y += home_field(ui, g, y, f) + g->B * 3 / 2;
    if (ui_topic_count(ui)) {
        y += home_heading(ui, g, y, "Treatments", f);
        y = ui_topic_tiles(ui, g, y, f) + g->B;
    }
    y = home_questions(ui, g, y, f);
    y = home_general(ui, g, y, f);
    f->geom.content_h = y + g->margin;
}

/* ------------------------------------------------------------ entry points */

void ui_build(const ks_ui *ui, ui_frame *f) {
    ui_geo g = ui_geo_now(ui), gc = ui_geo_at(ui, ui_chrome_scale(ui));
    const ks_nav_entry *e = ks_nav_peek(&ui->nav);
    int hdr = 0;
    ks_layout_list_clear(f->chrome);
    ks_layout_list_clear(f->body);
    ks_layout_list_clear(f->over);
    f->geom.has_field = 0;
    f->geom.field_in_body = 0;
    if (e->screen != KS_SCREEN_HOME) hdr = header(ui, &gc, e->screen != KS_SCREEN_SEARCH, f);
    f->geom.body_top = hdr;
    f->geom.body_bottom = ui->h;
    switch (e->screen) {
    case KS_SCREEN_HOME:
        if (ui_page_count(ui)) build_home(ui, &g, f);
        else ui_build_no_pages(ui, &g, f); /* screen_empty.c: nothing to show */
        break;
    case KS_SCREEN_TOPIC: ui_build_topic(ui, &g, e->slug, f); break;
    case KS_SCREEN_PAGE: ui_build_page(ui, &g, e->slug, f); break;
    case KS_SCREEN_SEARCH: ui_build_search(ui, &g, &gc, hdr, f); break;
    }
    ui_bar_reserve(ui, f); /* bar.c: the bottom bar's place, under the body */
    if (ui->panel.prompting) ui_build_prompt(ui, &g, f);
    else if (ui->panel.pin_open) ui_build_pin(ui, &g, f);
    else if (ui->panel.staff_open) ui_build_staff(ui, f);
}

