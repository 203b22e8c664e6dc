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
        y += ui_tile(ui, f->body, g, y, &(ui_card){NULL, t->title, t->summary, {TAG_TOPIC, t->slug}}) + g->gap;
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

/* The widest word of s at size px (bold). */
static int widest_word(const ks_ui *ui, const char *s, int px) {
    int best = 0;
    while (*s) {
        size_t n = strcspn(s, " ");
        if (n) {
            char word[128];
            int w;
            snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), s);
            w = ui_text_w(ui, word, KS_FACE_BOLD, px);
            if (w > best) best = w;
        }
        s += n;
        while (*s == ' ') s++;
    }
    return best;
}

/* The clinic's logo and name across the top of Home: the logo two title
 * lines tall at the left, the name beside it; when a word of the name
 * would not fit beside it (large text, a narrow screen), the logo sits
 * above the name instead. Returns the row's height. */
static int clinic_row(const ks_ui *ui, const ui_geo *g, int y, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->body;
    int title_px = g->B * 8 / 5, lw, lh, tx, tw, t_h, y0 = y;
    logo_size(ui, ui_line_h(ui, KS_FACE_BOLD, title_px) * 2, g->col_w / 4, &lw, &lh);
    tx = g->col_x + (lw ? lw + g->gap : 0);
    tw = g->col_x + g->col_w - tx;
    if (lw && widest_word(ui, ui->cfg.title, title_px) > tw) { /* stacked */
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
    int lw, lh, h;
    logo_size(ui, g->B * 3, g->col_w / 2, &lw, &lh);
    h = lw ? lh + g->gap : 0;
    if (dl && lw) ks_layout_list_add_image(dl, (ks_rect){g->col_x + (g->col_w - lw) / 2, y, lw, lh}, UI_LOGO);
    if (dl)
        ui_text_ex(ui, dl, ui->cfg.title, (ks_rect){g->col_x, y + h, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_CENTER});
    return h + ui_text_h(ui, ui->cfg.title, g->col_w, KS_FACE_BOLD, g->B * 5 / 4);
}

/* ------------------------------------------------------------ home */

static void build_home(const ks_ui *ui, const ui_geo *g, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->body;
    int y = g->margin, fh;
    int n_general = 0;
    f->geom.body_top = 0;
    f->geom.body_bottom = ui->h;
    /* The text size and contrast first, where they stay whatever the
     * text size (look.c). */
    y = ui_look_controls(ui, dl) + g->B;
    y += clinic_row(ui, g, y, f);
    y += g->B / 3;
    y += ui_text(ui, dl, "Touch a topic to read about it, or search for a word.", (ks_rect){g->col_x, y, g->col_w, 0});
    y += g->B;
    /* The search field: looks like a box to type in; opens the keyboard. */
    fh = g->bh + g->B / 2;
    ks_layout_list_add_rect(dl, (ks_rect){g->col_x, y, g->col_w, fh}, th->accent, th->radius);
    ks_layout_list_add_rect(dl, (ks_rect){g->col_x + 3, y + 3, g->col_w - 6, fh - 6}, th->background, th->radius);
    {
        int th_ = ui_text_h(ui, "Touch here to search", g->col_w - 2 * g->pad, KS_FACE_REGULAR, g->B);
        ui_text(ui, dl, "Touch here to search", (ks_rect){g->col_x + g->pad, y + (fh - th_) / 2, g->col_w - 2 * g->pad, 0});
        if (th_ + g->pad > fh) fh = th_ + g->pad;
    }
    ui_link(dl, (ks_rect){g->col_x, y, g->col_w, fh}, (ui_act){TAG_SEARCH, NULL});
    f->geom.has_field = 1;
    f->geom.field_in_body = 1;
    f->geom.field_x = g->col_x;
    f->geom.field_y = y;
    f->geom.field_w = g->col_w;
    f->geom.field_h = fh;
    y += fh + g->B * 3 / 2;
    if (ui_topic_count(ui)) {
        y += ui_text_ex(ui, dl, "Treatments", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT});
        y += g->gap;
        y = ui_topic_tiles(ui, g, y, f);
    }
    for (size_t i = 0; i < ui_page_count(ui); i++) {
        const ks_page *p = ui_page(ui, i);
        if (p->topic[0]) continue;
        if (n_general++ == 0) {
            y += g->B;
            y += ui_text_ex(ui, dl, "More information", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT});
            y += g->gap;
        }
        y += ui_tile(ui, dl, g, y, &(ui_card){NULL, p->title, p->summary, {TAG_PAGE, p->slug}}) + g->gap;
    }
    f->geom.content_h = y + g->margin;
}

/* ------------------------------------------------------------ topic */

static void build_topic(const ks_ui *ui, const ui_geo *g, const char *slug, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->body;
    const ks_topic *t = ui_find_topic(ui, slug);
    int y = g->margin;
    if (!t) {
        y += ui_text_ex(ui, dl, "This topic is no longer available.", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT});
        y += g->B;
        y += ui_tile(ui, dl, g, y, &(ui_card){NULL, "Back to the start", NULL, {TAG_HOME, NULL}});
        f->geom.content_h = y + g->margin;
        return;
    }
    y += ui_text_ex(ui, dl, t->title, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 8 / 5, th->heading, th->background, KS_ALIGN_LEFT});
    y += g->B / 3;
    if (t->summary[0]) {
        y += ui_text(ui, dl, t->summary, (ks_rect){g->col_x, y, g->col_w, 0});
        y += g->B;
    }
    y += ui_text_ex(ui, dl, "What would you like to know?", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT});
    y += g->gap;
    /* The store sorts a topic's pages: index, the six sections, the rest. */
    for (size_t i = 0; i < ui_page_count(ui); i++) {
        const ks_page *p = ui_page(ui, i);
        const char *label;
        if (strcmp(p->topic, t->slug) != 0 || p->is_topic_index) continue;
        label = ui_section_label(p->section);
        y += ui_tile(ui, dl, g, y, &(ui_card){NULL, label ? label : p->title, p->summary, {TAG_PAGE, p->slug}}) + g->gap;
    }
    f->geom.content_h = y + g->margin;
}

/* ------------------------------------------------------------ page */

/* The pages before and after slug in its topic (index pages left out). */
static void neighbours(const ks_ui *ui, const char *slug, const ks_page **prev, const ks_page **next) {
    const ks_page *cur = ui_find(ui, slug), *last = NULL;
    int found = 0;
    *prev = *next = NULL;
    if (!cur || !cur->topic[0]) return;
    for (size_t i = 0; i < ui_page_count(ui); i++) {
        const ks_page *p = ui_page(ui, i);
        if (strcmp(p->topic, cur->topic) != 0 || p->is_topic_index) continue;
        if (found) {
            *next = p;
            return;
        }
        if (p == cur) {
            *prev = last;
            found = 1;
        }
        last = p;
    }
}

static const char *page_label(const ks_page *p) {
    const char *l = ui_section_label(p->section);
    return l ? l : p->title;
}

/* "Checked by the clinic: November 2026" from the page's 'reviewed' date,
 * at the end of the page (the About page promises it). A page past its
 * review date shows its date all the same. Returns the height drawn, 0
 * when the page has no date. */
static int review_line(const ks_ui *ui, ks_display_list *dl, const ui_geo *g, int y) {
    static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
    char line[96];
    int yy, mm, dd;
    if (!ui->page.doc_reviewed || sscanf(ui->page.doc_reviewed, "%4d-%2d-%2d", &yy, &mm, &dd) != 3 || mm < 1 || mm > 12)
        return 0;
    snprintf(line, sizeof line, "Checked by the clinic: %s %d", months[mm - 1], yy);
    return ui_text_ex(ui, dl, line, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_REGULAR, g->B, ui->look.theme->muted, ui->look.theme->background, KS_ALIGN_LEFT});
}

static void build_page(const ks_ui *ui, const ui_geo *g, const char *slug, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->body;
    int y = g->margin;
    ks_layout_params lp;
    ks_layout_info info;
    const ks_page *prev, *next;
    if (!ui->page.doc || strcmp(ui->page.doc_slug, slug) != 0) {
        y += ui_text_ex(ui, dl, "This page is no longer available.", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT});
        y += g->B;
        y += ui_tile(ui, dl, g, y, &(ui_card){NULL, "Back to the start", NULL, {TAG_HOME, NULL}});
        f->geom.content_h = y + g->margin;
        return;
    }
    memset(&lp, 0, sizeof lp);
    memset(&info, 0, sizeof info);
    if (ui->page.doc_topic_title && ui->page.doc_topic_title[0]) {
        char crumb[512];
        const char *label = ui_section_label(ui->page.doc_section ? ui->page.doc_section : "");
        snprintf(crumb, sizeof crumb, "%s \xe2\x80\xba %s", ui->page.doc_topic_title, label ? label : ui->page.doc_title);
        y += ui_text_ex(ui, dl, crumb, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_REGULAR, g->B, th->muted, th->background, KS_ALIGN_LEFT});
    }
    lp.width = ui->w;
    lp.text_scale = ui->look.scale;
    lp.theme = ui->look.theme;
    lp.highlight = (const char *const *)ui->page.hl;
    lp.n_highlight = ui->page.n_hl;
    lp.top = y;
    if (ks_layout_doc(dl, ui->page.doc, ui->fm, &lp, &info) != 0) info.height = y;
    if (ui->find.to_highlight && info.first_highlight_y >= 0) {
        f->geom.highlight_px = (float)(info.first_highlight_y - g->B * 2);
        if (f->geom.highlight_px < 0) f->geom.highlight_px = 0;
    }
    f->geom.highlight_seen = 1;
    y = info.height + g->B;
    {
        int h = review_line(ui, dl, g, y);
        if (h) y += h + g->B;
    }
    neighbours(ui, slug, &prev, &next);
    if (next) y += ui_tile(ui, dl, g, y, &(ui_card){"Next:", page_label(next), NULL, {TAG_PAGE, next->slug}}) + g->gap;
    if (prev) y += ui_tile(ui, dl, g, y, &(ui_card){"Previous:", page_label(prev), NULL, {TAG_PAGE, prev->slug}}) + g->gap;
    {
        const char *top = "Back to the top of this page";
        int bw = ui_button_w(ui, top, KS_FACE_BOLD, g->B);
        if (bw > g->col_w) bw = g->col_w;
        y += g->gap;
        y += ui_button_ex(ui, dl, (ks_rect){g->col_x, y, bw, g->bh}, top, (ui_act){TAG_TOP, NULL}, &(ui_button_opt){th->surface, th->on_surface, KS_FACE_BOLD, g->B});
    }
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
    case KS_SCREEN_HOME: build_home(ui, &g, f); break;
    case KS_SCREEN_TOPIC: build_topic(ui, &g, e->slug, f); break;
    case KS_SCREEN_PAGE: build_page(ui, &g, e->slug, f); break;
    case KS_SCREEN_SEARCH: ui_build_search(ui, &g, &gc, hdr, f); break;
    }
    ui_bar_reserve(ui, f); /* bar.c: the bottom bar's place, under the body */
    if (ui->panel.prompting) ui_build_prompt(ui, &g, f);
    else if (ui->panel.pin_open) ui_build_pin(ui, &g, f);
    else if (ui->panel.staff_open) ui_build_staff(ui, f->over);
}

