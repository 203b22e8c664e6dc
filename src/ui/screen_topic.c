/* screen_topic: the Topic screen (its tiles) and the Page screen (the
 * breadcrumb, the document as kiosk render draws it, the review date,
 * Next and Previous), split from screens.c. */
#include "widgets.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ topic */

const ks_doc *ui_screen_doc(const ks_ui *ui) {
    const ks_nav_entry *e = ks_nav_peek(&ui->nav);
    const ks_topic *t;
    if (!ui->page.doc) return NULL;
    if (e->screen == KS_SCREEN_PAGE) return strcmp(ui->page.doc_slug, e->slug) == 0 ? ui->page.doc : NULL;
    if (e->screen == KS_SCREEN_TOPIC && (t = ui_find_topic(ui, e->slug)) && t->index &&
        strcmp(t->index->slug, ui->page.doc_slug) == 0)
        return ui->page.doc;
    return NULL;
}

void ui_build_topic(const ks_ui *ui, const ui_geo *g, const char *slug, ui_frame *f) {
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
    if (ui_screen_doc(ui)) { /* the topic's own text, as its page shows it */
        y = ui_overview(ui, g, y, f, t);
        y += g->B * 3 / 2;
    } else { /* no overview (index.md missing): the title and summary */
        y += ui_text_ex(ui, dl, t->title, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 8 / 5, th->heading, th->background, KS_ALIGN_LEFT});
        y += g->B / 3;
        if (t->summary[0]) {
            y += ui_text(ui, dl, t->summary, (ks_rect){g->col_x, y, g->col_w, 0});
            y += g->B;
        }
    }
    y += ui_text_ex(ui, dl, "What would you like to know?", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT});
    y += g->gap;
    /* The store sorts a topic's pages: index, the six sections, the rest. */
    for (size_t i = 0; i < ui_page_count(ui); i++) {
        const ks_page *p = ui_page(ui, i);
        const char *label;
        if (strcmp(p->topic, t->slug) != 0 || p->is_topic_index) continue;
        label = ui_section_label(p->section);
        y += ui_tile_ex(ui, dl, g, y, &(ui_card){NULL, label ? label : p->title, p->summary, {TAG_PAGE, p->slug}}, ui_page_icon(p)) + g->gap;
    }
    f->geom.content_h = y + g->margin;
}

/* ------------------------------------------------------------ page */

/* The pages before and after slug in its topic (index pages left out; the
 * overview, a topic's index, goes on to the topic's first page). */
static void neighbours(const ks_ui *ui, const char *slug, const ks_page **prev, const ks_page **next) {
    const ks_page *cur = ui_find(ui, slug), *last = NULL;
    int found = 0;
    *prev = *next = NULL;
    if (!cur || !cur->topic[0]) return;
    for (size_t i = 0; cur->is_topic_index && i < ui_page_count(ui); i++) {
        const ks_page *p = ui_page(ui, i);
        if (strcmp(p->topic, cur->topic) == 0 && !p->is_topic_index) {
            *next = p;
            return;
        }
    }
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

void ui_build_page(const ks_ui *ui, const ui_geo *g, const char *slug, ui_frame *f) {
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
        const char *sec = ui->page.doc_section ? ui->page.doc_section : "";
        const char *label = strcmp(sec, "overview") == 0 ? "Overview" : ui_section_label(sec);
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

