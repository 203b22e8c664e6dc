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
static int header(ks_ui *ui, const ui_geo *g, int with_search) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->chrome;
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
static int topic_tiles(ks_ui *ui, const ui_geo *g, int y) {
    for (size_t i = 0; i < ui_topic_count(ui); i++) {
        const ks_topic *t = ui_topic(ui, i);
        y += ui_tile(ui, ui->body, g, y, &(ui_card){NULL, t->title, t->summary, {TAG_TOPIC, t->slug}}) + g->gap;
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
static int widest_word(ks_ui *ui, const char *s, int px) {
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
static int clinic_row(ks_ui *ui, const ui_geo *g, int y) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->body;
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
static int clinic_block(ks_ui *ui, ks_display_list *dl, const ui_geo *g, int y) {
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

static int look_controls(ks_ui *ui, const ui_geo *g, int y) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->body;
    static const char *const scales[3] = {"1", "1.5", "2"};
    static const double scale_v[3] = {1.0, 1.5, 2.0};
    const char *label = "Text size:";
    int B1 = ks_layout_body_px(th, 1.0);
    /* The buttons are tall enough for the largest sample "A". */
    int sh = ui_line_h(ui, KS_FACE_BOLD, B1 * 2) + g->pad + 2;
    int x = g->col_x, lw = ui_text_w(ui, label, KS_FACE_BOLD, g->B), row_h = sh > g->bh ? sh : g->bh;
    int end = g->col_x + g->col_w;
    ui_text_ex(ui, dl, label, (ks_rect){x, y + (row_h - ui_line_h(ui, KS_FACE_BOLD, g->B)) / 2, lw + 2, 0}, &(ui_pen){KS_FACE_BOLD, g->B, th->text, th->background, KS_ALIGN_LEFT});
    x += lw + g->gap;
    for (int i = 0; i < 3; i++) {
        int sel = fabs(ui->look.scale - scale_v[i]) < 0.01;
        /* Each "A" is drawn at the body size it chooses: 100%, 150%, 200%. */
        int size = (int)lround(B1 * (1.0 + 0.5 * i));
        int bw = row_h + g->B / 2;
        if (x + bw > end) {
            x = g->col_x;
            y += row_h + g->gap;
        }
        ui_button_ex(ui, dl, (ks_rect){x, y, bw, row_h}, "A", (ui_act){TAG_SIZE, scales[i]}, &(ui_button_opt){sel ? th->accent : th->surface, sel ? th->on_accent : th->on_surface, KS_FACE_BOLD, size});
        x += bw + g->gap / 2;
    }
    {
        const char *c = ui->look.high_contrast ? "Normal contrast" : "High contrast";
        int bw = ui_button_w(ui, c, KS_FACE_BOLD, g->B);
        if (bw > g->col_w) bw = g->col_w;
        x += g->gap;
        if (x + bw > end) {
            x = g->col_x;
            y += row_h + g->gap;
        }
        ui_button_ex(ui, dl, (ks_rect){x, y + (row_h - g->bh) / 2, bw, g->bh}, c, (ui_act){TAG_CONTRAST, NULL}, &(ui_button_opt){th->surface, th->on_surface, KS_FACE_BOLD, g->B});
    }
    return y + row_h;
}

static void build_home(ks_ui *ui, const ui_geo *g) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->body;
    int y = g->margin, fh;
    int n_general = 0;
    ui->geom.body_top = 0;
    ui->geom.body_bottom = ui->h;
    y += clinic_row(ui, g, y);
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
    ui->geom.has_field = 1;
    ui->geom.field_in_body = 1;
    ui->geom.field_x = g->col_x;
    ui->geom.field_y = y;
    ui->geom.field_w = g->col_w;
    ui->geom.field_h = fh;
    y += fh + g->B;
    y = look_controls(ui, g, y) + g->B * 3 / 2;
    if (ui_topic_count(ui)) {
        y += ui_text_ex(ui, dl, "Treatments", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT});
        y += g->gap;
        y = topic_tiles(ui, g, y);
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
    ui->geom.content_h = y + g->margin;
}

/* ------------------------------------------------------------ topic */

static void build_topic(ks_ui *ui, const ui_geo *g, const char *slug) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->body;
    const ks_topic *t = ui_find_topic(ui, slug);
    int y = g->margin;
    if (!t) {
        y += ui_text_ex(ui, dl, "This topic is no longer available.", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT});
        y += g->B;
        y += ui_tile(ui, dl, g, y, &(ui_card){NULL, "Back to the start", NULL, {TAG_HOME, NULL}});
        ui->geom.content_h = y + g->margin;
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
    ui->geom.content_h = y + g->margin;
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
static int review_line(ks_ui *ui, ks_display_list *dl, const ui_geo *g, int y) {
    static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
    char line[96];
    int yy, mm, dd;
    if (!ui->page.doc_reviewed || sscanf(ui->page.doc_reviewed, "%4d-%2d-%2d", &yy, &mm, &dd) != 3 || mm < 1 || mm > 12)
        return 0;
    snprintf(line, sizeof line, "Checked by the clinic: %s %d", months[mm - 1], yy);
    return ui_text_ex(ui, dl, line, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_REGULAR, g->B, ui->look.theme->muted, ui->look.theme->background, KS_ALIGN_LEFT});
}

static void build_page(ks_ui *ui, const ui_geo *g, const char *slug) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->body;
    int y = g->margin;
    ks_layout_params lp;
    ks_layout_info info;
    const ks_page *prev, *next;
    if (!ui->page.doc || strcmp(ui->page.doc_slug, slug) != 0) {
        y += ui_text_ex(ui, dl, "This page is no longer available.", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT});
        y += g->B;
        y += ui_tile(ui, dl, g, y, &(ui_card){NULL, "Back to the start", NULL, {TAG_HOME, NULL}});
        ui->geom.content_h = y + g->margin;
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
        ui->view.want_scroll_px = (float)(info.first_highlight_y - g->B * 2);
        if (ui->view.want_scroll_px < 0) ui->view.want_scroll_px = 0;
    }
    ui->find.to_highlight = 0;
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
    ui->geom.content_h = y + g->margin;
}

/* ------------------------------------------------------------ search */

/* A snippet with its matched words on the highlight colour, wrapped to w.
 * Returns its height. */
static int snippet(ks_ui *ui, ks_display_list *dl, const ks_search_hit *hit, int x, int y, int w, int size) {
    const ks_theme *th = ui->look.theme;
    const char *s = hit->snippet;
    size_t n = strlen(s), i = 0;
    int lh = ui_line_h(ui, KS_FACE_REGULAR, size), cx = 0, cy = 0;
    int space = ui->fm->measure(ui->fm->ctx, KS_FACE_REGULAR, size, " ", 1);
    while (i < n) {
        size_t j = i;
        int hl = 0, ww;
        ks_item it;
        while (j < n && s[j] != ' ') j++;
        /* A piece ends at a space or at a highlight's edge, so "ligament."
         * highlights the word and not the full stop. */
        for (size_t k = 0; k < hit->n_highlights; k++) {
            const ks_search_range *r = &hit->highlights[k];
            if (r->start <= i && r->end > i) {
                hl = 1;
                if (r->end < j) j = r->end;
            } else if (r->start > i && r->start < j) {
                j = r->start;
            }
        }
        ww = ui->fm->measure(ui->fm->ctx, hl ? KS_FACE_BOLD : KS_FACE_REGULAR, size, s + i, j - i);
        if (cx > 0 && cx + ww > w && (i == 0 || s[i - 1] == ' ')) {
            cx = 0;
            cy += lh;
        }
        memset(&it, 0, sizeof it);
        it.kind = KS_ITEM_TEXT;
        it.box = (ks_rect){x + cx, y + cy, ww, lh};
        it.face = hl ? KS_FACE_BOLD : KS_FACE_REGULAR;
        it.size = size;
        it.text = s + i;
        it.len = j - i;
        if (!dl) {
            /* measuring only */
        } else if (hl) {
            ks_layout_list_add_rect(dl, (ks_rect){x + cx - 3, y + cy, ww + 6, lh}, th->highlight, 4);
            it.color = th->text;
            it.bg = th->highlight;
        } else {
            it.color = th->on_surface;
            it.bg = th->surface;
        }
        if (dl) ks_layout_list_add(dl, &it);
        cx += ww;
        i = j;
        if (i < n && s[i] == ' ') cx += space;
        while (i < n && s[i] == ' ') i++;
    }
    return n ? cy + lh : 0;
}

static int result_tile(ks_ui *ui, const ui_geo *g, int y, size_t idx) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->body;
    const ks_search_hit *hit = &ui->find.results->hits[idx];
    const ks_topic *t = hit->topic[0] ? ui_find_topic(ui, hit->topic) : NULL;
    const char *label = strcmp(hit->section, "overview") == 0 ? "Overview" : ui_section_label(hit->section);
    char where[300];
    int x = g->col_x + g->pad, w = g->col_w - 2 * g->pad, ty, h;
    int title_px = g->B * 6 / 5;
    if (t) snprintf(where, sizeof where, "%s \xc2\xb7 %s", t->title, label ? label : hit->title);
    else snprintf(where, sizeof where, "General information");
    h = g->pad + ui_text_h(ui, hit->title, w, KS_FACE_BOLD, title_px) +
        ui_text_h(ui, where, w, KS_FACE_ITALIC, g->B) + g->B / 3 + snippet(ui, NULL, hit, x, 0, w, g->B) + g->pad;
    ks_layout_list_add_rect(dl, (ks_rect){g->col_x, y, g->col_w, h}, th->surface, th->radius);
    ty = y + g->pad;
    ty += ui_text_ex(ui, dl, hit->title, (ks_rect){x, ty, w, 0}, &(ui_pen){KS_FACE_BOLD, title_px, th->on_surface, th->surface, KS_ALIGN_LEFT});
    ty += ui_text_ex(ui, dl, where, (ks_rect){x, ty, w, 0}, &(ui_pen){KS_FACE_ITALIC, g->B, th->on_surface, th->surface, KS_ALIGN_LEFT});
    ty += g->B / 3;
    snippet(ui, dl, hit, x, ty, w, g->B);
    ui_link(dl, (ks_rect){g->col_x, y, g->col_w, h}, (ui_act){TAG_RESULT + (int)idx, hit->slug});
    return h;
}

static void keyboard(ks_ui *ui, const ui_geo *g) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->over;
    /* At most 45% of a portrait screen, 38% of a landscape one, so the
     * results keep room to be read. */
    ks_keyboard_layout_layer(&ui->geom.kb, ui->w, ui->h * (ui->w > ui->h ? 38 : 45) / 100, (float)(g->T / 64.0),
                             ui->find.kb_layer);
    ui->geom.kb_top = ui->h - ui->geom.kb.height;
    ks_layout_list_add_rect(dl, (ks_rect){0, ui->geom.kb_top, ui->w, ui->geom.kb.height}, th->code_bg, 0);
    ks_layout_list_add_rect(dl, (ks_rect){0, ui->geom.kb_top, ui->w, 2}, th->rule, 0);
    for (int i = 0; i < ui->geom.kb.n_keys; i++) {
        const ks_key *k = &ui->geom.kb.keys[i];
        ks_rect r = {k->x, ui->geom.kb_top + k->y, k->w, k->h};
        int special = k->kind != KS_KEY_CHAR;
        ks_color fill = special ? th->accent : th->background, fg = special ? th->on_accent : th->text;
        ks_face face = KS_FACE_BOLD;
        int size = ui_fit_size(ui, k->label, face, special ? g->B : g->B * 6 / 5, k->w - 8);
        while (size > 16 && ui_line_h(ui, face, size) > k->h - 4) size = size * 9 / 10;
        int lh = ui_line_h(ui, face, size);
        ks_rect hit = {r.x - 5, r.y - 5, r.w + 10, r.h + 10}; /* rows tile: half a gap each side */
        ks_layout_list_add_rect(dl, r, fill, th->radius);
        ui_text_ex(ui, dl, k->label, (ks_rect){r.x + 2, r.y + (r.h - lh) / 2, r.w - 4, 0}, &(ui_pen){face, size, fg, fill, KS_ALIGN_CENTER});
        ui_link(dl, hit, (ui_act){TAG_KEY + i, NULL});
    }
}

static void build_search(ks_ui *ui, const ui_geo *g, const ui_geo *gc, int hdr) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->body, *ch = ui->chrome;
    int fy = hdr + gc->gap, fh = gc->bh + gc->B / 2, y = g->gap;
    const char *shown = ui->find.query[0] ? ui->find.query : "Type a word";
    int fpx = gc->B * 6 / 5, tw, tlh = ui_line_h(ui, KS_FACE_BOLD, fpx);
    /* The field, fixed under the header: what was typed, and a caret. */
    ks_layout_list_add_rect(ch, (ks_rect){0, hdr, ui->w, fh + 2 * gc->gap}, th->background, 0);
    ks_layout_list_add_rect(ch, (ks_rect){gc->col_x, fy, gc->col_w, fh}, th->accent, th->radius);
    ks_layout_list_add_rect(ch, (ks_rect){gc->col_x + 4, fy + 4, gc->col_w - 8, fh - 8}, th->background, th->radius);
    {
        /* Long text shows its end, like a phone's field. */
        const char *s = shown;
        int avail = gc->col_w - 3 * gc->pad -
                    (ui->find.kb_visible ? 0 : ui_button_w(ui, "Keyboard", KS_FACE_BOLD, gc->B) + 8);
        while (*s && ui_text_w(ui, s, KS_FACE_BOLD, fpx) > avail) s++;
        while ((*s & 0xC0) == 0x80) s++;
        tw = ui_text_w(ui, s, KS_FACE_BOLD, fpx);
        ui_text_ex(ui, ch, s, (ks_rect){gc->col_x + gc->pad, fy + (fh - tlh) / 2, avail + 4, 0}, &(ui_pen){ui->find.query[0] ? KS_FACE_BOLD : KS_FACE_REGULAR, fpx, ui->find.query[0] ? th->text : th->muted, th->background, KS_ALIGN_LEFT});
        if (ui->find.query[0])
            ks_layout_list_add_rect(ch, (ks_rect){gc->col_x + gc->pad + tw + 4, fy + (fh - tlh) / 2, 4, tlh}, th->text, 0);
    }
    if (!ui->find.kb_visible) {
        /* The keyboard was hidden: say how to get it back. */
        const char *kb = "Keyboard";
        int bw = ui_button_w(ui, kb, KS_FACE_BOLD, gc->B), bh = fh - 16;
        ui_button_ex(ui, ch, (ks_rect){gc->col_x + gc->col_w - bw - 8, fy + 8, bw, bh}, kb, (ui_act){TAG_SEARCH, NULL}, &(ui_button_opt){th->accent, th->on_accent, KS_FACE_BOLD, gc->B});
    }
    ui_link(ch, (ks_rect){gc->col_x, fy, gc->col_w, fh}, (ui_act){TAG_SEARCH, NULL});
    ui->geom.has_field = 1;
    ui->geom.field_in_body = 0;
    ui->geom.field_x = gc->col_x;
    ui->geom.field_y = fy;
    ui->geom.field_w = gc->col_w;
    ui->geom.field_h = fh;
    ui->geom.body_top = fy + fh + gc->gap;
    if (ui->find.kb_visible) {
        keyboard(ui, gc);
        ui->geom.body_bottom = ui->geom.kb_top;
    } else {
        ui->geom.body_bottom = ui->h;
    }
    if (!ui->find.query[0]) {
        y += ui_text(ui, dl, "Use the keyboard to type a word, for example knee, needle or pain. Results appear as you type.", (ks_rect){g->col_x, y, g->col_w, 0});
        ui->geom.content_h = y + g->margin;
        return;
    }
    if (ui->find.results && ui->find.results->corrected) {
        char dym[UI_QUERY_MAX + 64];
        int bw;
        y += ui_text(ui, dl, "Did you mean:", (ks_rect){g->col_x, y, g->col_w, 0});
        y += g->gap / 2;
        snprintf(dym, sizeof dym, "%s?", ui->find.results->corrected);
        bw = ui_button_w(ui, dym, KS_FACE_BOLD, g->B);
        if (bw > g->col_w) bw = g->col_w;
        y += ui_button(ui, dl, (ks_rect){g->col_x, y, bw, g->bh}, dym, (ui_act){TAG_DID_YOU_MEAN, NULL});
        y += g->B;
    }
    if (!ui->find.results || ui->find.results->n == 0) {
        char msg[UI_QUERY_MAX + 64];
        snprintf(msg, sizeof msg, "Nothing found for \xe2\x80\x9c%s\xe2\x80\x9d.", ui->find.query);
        y += ui_text_ex(ui, dl, msg, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT});
        y += g->B / 3;
        y += ui_text(ui, dl, "That is all right. Check the spelling, try a shorter word, or choose a topic:", (ks_rect){g->col_x, y, g->col_w, 0});
        y += g->B;
        y = topic_tiles(ui, g, y);
        ui->geom.content_h = y + g->margin;
        return;
    }
    {
        char msg[64];
        snprintf(msg, sizeof msg, ui->find.results->n == 1 ? "1 page found. Touch it to read it." : "%zu pages found. Touch one to read it.",
                 ui->find.results->n);
        y += ui_text(ui, dl, msg, (ks_rect){g->col_x, y, g->col_w, 0});
        y += g->gap;
    }
    for (size_t i = 0; i < ui->find.results->n; i++) y += result_tile(ui, g, y, i) + g->gap;
    ui->geom.content_h = y + g->margin;
}

/* ------------------------------------------------------------ overlays */

static void build_prompt(ks_ui *ui, const ui_geo *g) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->over;
    int secs = (int)ceil(ks_idle_due_in(&ui->idle, ui->now) / 1000.0), y, h;
    char msg[400];
    ui->geom.prompt_secs_shown = secs;
    snprintf(msg, sizeof msg,
             "If you have finished, this screen will go back to the start in %d second%s, so the next "
             "person cannot see what you read.", secs, secs == 1 ? "" : "s");
    /* Measure the panel first to centre it. */
    h = clinic_block(ui, NULL, g, 0) + g->B * 3 / 2 +
        ui_text_h(ui, "Are you still reading?", g->col_w, KS_FACE_BOLD, g->B * 8 / 5) + g->B +
        ui_text_h(ui, msg, g->col_w, KS_FACE_REGULAR, g->B) + g->B * 2 + g->bh * 2;
    y = (ui->h - h) / 2;
    if (y < g->margin) y = g->margin;
    ks_layout_list_add_rect(dl, (ks_rect){0, 0, ui->w, ui->h}, th->background, 0);
    ui_link(dl, (ks_rect){0, 0, ui->w, ui->h}, (ui_act){TAG_NOTHING, NULL});
    y += clinic_block(ui, dl, g, y) + g->B * 3 / 2;
    y += ui_text_ex(ui, dl, "Are you still reading?", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 8 / 5, th->heading, th->background, KS_ALIGN_CENTER});
    y += g->B;
    y += ui_text_ex(ui, dl, msg, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_REGULAR, g->B, th->text, th->background, KS_ALIGN_CENTER});
    y += g->B * 2;
    ui_button_ex(ui, dl, (ks_rect){g->col_x, y, g->col_w, g->bh * 2}, "Yes, keep reading", (ui_act){TAG_CONTINUE, NULL}, &(ui_button_opt){th->accent, th->on_accent, KS_FACE_BOLD, g->B * 5 / 4});
}

static void build_pin(ks_ui *ui, const ui_geo *g) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = ui->over;
    static const char *const keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "Delete", "0", "OK"};
    static const char *const digits[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    int y = g->margin, kw = g->col_w / 3 - g->gap, kh = g->bh + g->B / 2;
    char dots[64] = "";
    if (kw > g->T * 3) kw = g->T * 3;
    ks_layout_list_add_rect(dl, (ks_rect){0, 0, ui->w, ui->h}, th->background, 0);
    ui_link(dl, (ks_rect){0, 0, ui->w, ui->h}, (ui_act){TAG_NOTHING, NULL});
    y += ui_text_ex(ui, dl, "Staff exit", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 8 / 5, th->heading, th->background, KS_ALIGN_LEFT});
    y += g->gap;
    y += ui_text(ui, dl, ui->panel.pin_wrong ? "That PIN is not right. Try again, or touch Cancel." : "Type the staff PIN, then OK.", (ks_rect){g->col_x, y, g->col_w, 0});
    y += g->gap;
    for (size_t i = 0; ui->panel.pin[i] && i < 15; i++) strcat(dots, "\xe2\x97\x8f ");
    y += ui_text_ex(ui, dl, dots[0] ? dots : " ", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 3 / 2, th->text, th->background, KS_ALIGN_LEFT});
    y += g->gap;
    for (int i = 0; i < 12; i++) {
        int col = i % 3, row = i / 3, tag;
        ks_rect r = {g->col_x + col * (kw + g->gap), y + row * (kh + g->gap), kw, kh};
        const char *target = NULL;
        if (i == 9) tag = TAG_PIN_DELETE;
        else if (i == 11) tag = TAG_PIN_OK;
        else {
            int d = keys[i][0] - '0';
            tag = TAG_PIN_DIGIT + d;
            target = digits[d];
        }
        ui_button_ex(ui, dl, r, keys[i], (ui_act){tag, target}, &(ui_button_opt){i == 11 ? th->accent : th->surface, i == 11 ? th->on_accent : th->on_surface, KS_FACE_BOLD, g->B});
    }
    y += 4 * (kh + g->gap) + g->gap;
    ui_button(ui, dl, (ks_rect){g->col_x, y, 3 * kw + 2 * g->gap, g->bh}, "Cancel", (ui_act){TAG_PIN_CANCEL, NULL});
}

/* ------------------------------------------------------------ entry points */

void ui_build(ks_ui *ui) {
    ui_geo g = ui_geo_now(ui), gc = ui_geo_at(ui, ui_chrome_scale(ui));
    ks_nav_entry *e = ks_nav_top(&ui->nav);
    int hdr = 0;
    ks_layout_list_clear(ui->chrome);
    ks_layout_list_clear(ui->body);
    ks_layout_list_clear(ui->over);
    ui->geom.has_field = 0;
    ui->geom.field_in_body = 0;
    if (e->screen != KS_SCREEN_HOME) hdr = header(ui, &gc, e->screen != KS_SCREEN_SEARCH);
    ui->geom.body_top = hdr;
    ui->geom.body_bottom = ui->h;
    switch (e->screen) {
    case KS_SCREEN_HOME: build_home(ui, &g); break;
    case KS_SCREEN_TOPIC: build_topic(ui, &g, e->slug); break;
    case KS_SCREEN_PAGE: build_page(ui, &g, e->slug); break;
    case KS_SCREEN_SEARCH: build_search(ui, &g, &gc, hdr); break;
    }
    if (ui->panel.prompting) build_prompt(ui, &g);
    else if (ui->panel.pin_open) build_pin(ui, &g);
    else if (ui->panel.staff_open) ui_build_staff(ui);
}

void ui_build_fx(ks_ui *ui) {
    const ks_theme *th = ui->look.theme;
    int more_x = ui->w;
    int view = ui->geom.body_bottom - ui->geom.body_top;
    ks_layout_list_clear(ui->fx);
    if (ui->geom.content_h > view && view > 0 && !ui->panel.prompting && !ui->panel.pin_open && !ui->panel.staff_open) {
        /* Where we are on the page: a thumb in a track at the right edge. */
        int bw = (int)lround(10 * ui->look.scale), x = ui->w - bw - 4;
        int th_h = view * view / ui->geom.content_h, max = ui->geom.content_h - view;
        int y;
        if (th_h < 64) th_h = 64;
        y = ui->geom.body_top + (int)((float)(view - th_h) * ui->view.scroll / (float)max);
        ks_layout_list_add_rect(ui->fx, (ks_rect){x, ui->geom.body_top + 4, bw, view - 8}, th->code_bg, bw / 2);
        ks_layout_list_add_rect(ui->fx, (ks_rect){x, y, bw, th_h}, th->muted, bw / 2);
    }
    if (ui->geom.content_h > view && view > 0 && !ui->panel.prompting && !ui->panel.pin_open && !ui->panel.staff_open &&
        ui->view.scroll < (float)(ui->geom.content_h - view) - 8.0f) {
        /* "More below": says there is more, and scrolls for those who find
         * dragging hard. Bottom right, over the page's margin side. */
        ui_geo g = ui_geo_at(ui, ui->look.scale > 1.5 ? 1.5 : ui->look.scale);
        const char *label = "More \xe2\x86\x93";
        int bw = ui_button_w(ui, label, KS_FACE_BOLD, g.B), bh = g.bh;
        ks_rect r = {ui->w - bw - g.margin, ui->geom.body_bottom - bh - g.gap, bw, bh};
        ks_layout_list_add_rect(ui->fx, (ks_rect){r.x - 3, r.y - 3, r.w + 6, r.h + 6}, th->background, th->radius + 3);
        ui_button_ex(ui, ui->fx, r, label, (ui_act){TAG_MORE, NULL}, &(ui_button_opt){th->accent, th->on_accent, KS_FACE_BOLD, g.B});
        more_x = r.x - g.gap;
    }
    ui_listen_build_fx(ui, more_x); /* Listen, Pause/Resume, Stop, Slower (listen.c) */
    if (ui->touch.pressed) {
        ks_rect b = ui->touch.pressed_box;
        int t = 5;
        ks_layout_list_add_rect(ui->fx, (ks_rect){b.x - t, b.y - t, b.w + 2 * t, t}, th->link, 0);
        ks_layout_list_add_rect(ui->fx, (ks_rect){b.x - t, b.y + b.h, b.w + 2 * t, t}, th->link, 0);
        ks_layout_list_add_rect(ui->fx, (ks_rect){b.x - t, b.y, t, b.h}, th->link, 0);
        ks_layout_list_add_rect(ui->fx, (ks_rect){b.x + b.w, b.y, t, b.h}, th->link, 0);
    }
}
