/* screen_search: the search screen laid out (the field fixed under the
 * header, the on-screen keyboard, "did you mean", the results with their
 * matched words marked), into a ui_frame; reads the state, writes none. */
#include "widgets.h"

#include "kiosk/base.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ search */

/* A snippet with its matched words on the highlight colour, wrapped to w.
 * Returns its height. */
static int snippet(const ks_ui *ui, ks_display_list *dl, const ks_search_hit *hit, ks_rect box, int size) {
    int x = box.x, y = box.y, w = box.w;
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
            /* 3 px of colour beyond the word, but not under a stop or a
             * colon that follows it without a space. */
            int pl = i == 0 || s[i - 1] == ' ' ? 3 : 0, pr = j >= n || s[j] == ' ' ? 3 : 0;
            ks_layout_list_add_rect(dl, (ks_rect){x + cx - pl, y + cy, ww + pl + pr, lh}, th->highlight, 4);
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

static int result_tile(const ks_ui *ui, const ui_geo *g, int y, size_t idx, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->body;
    assert(idx < ui->find.results->n && idx < UI_MAX_RESULTS); /* its tag is TAG_RESULT + idx */
    const ks_search_hit *hit = &ui->find.results->hits[idx];
    const ks_topic *t = hit->topic[0] ? ui_find_topic(ui, hit->topic) : NULL;
    const char *label = strcmp(hit->section, "overview") == 0 ? "Overview" : ui_section_label(hit->section);
    char where[300];
    int x = g->col_x + g->pad, w = g->col_w - 2 * g->pad, ty, h;
    int title_px = g->B * 6 / 5;
    if (t) snprintf(where, sizeof where, "%s \xc2\xb7 %s", t->title, label ? label : hit->title);
    else snprintf(where, sizeof where, "General information");
    h = g->pad + ui_text_h(ui, hit->title, w, KS_FACE_BOLD, title_px) +
        ui_text_h(ui, where, w, KS_FACE_ITALIC, g->B) + g->B / 3 + snippet(ui, NULL, hit, (ks_rect){x, 0, w, 0}, g->B) + g->pad;
    ui_box(ui, dl, (ks_rect){g->col_x, y, g->col_w, h}, th->surface, th->radius);
    ty = y + g->pad;
    ty += ui_text_ex(ui, dl, hit->title, (ks_rect){x, ty, w, 0}, &(ui_pen){KS_FACE_BOLD, title_px, th->on_surface, th->surface, KS_ALIGN_LEFT});
    ty += ui_text_ex(ui, dl, where, (ks_rect){x, ty, w, 0}, &(ui_pen){KS_FACE_ITALIC, g->B, th->on_surface, th->surface, KS_ALIGN_LEFT});
    ty += g->B / 3;
    snippet(ui, dl, hit, (ks_rect){x, ty, w, 0}, g->B);
    ui_link(dl, (ks_rect){g->col_x, y, g->col_w, h}, (ui_act){TAG_RESULT + (int)idx, hit->slug});
    return h;
}

static void keyboard(const ks_ui *ui, const ui_geo *g, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->over;
    /* At most 45% of a portrait screen, 38% of a landscape one, so the
     * results keep room to be read. */
    int pct = ui->w > ui->h ? UI_KEYBOARD_LANDSCAPE_PCT : UI_KEYBOARD_PORTRAIT_PCT;
    ks_keyboard_layout_layer(&f->geom.kb, ui->w, ui->h * pct / 100, (float)(g->T / (double)UI_MIN_TARGET_PX),
                             ui->find.kb_layer);
    f->geom.kb_top = ui->h - f->geom.kb.height;
    ks_layout_list_add_rect(dl, (ks_rect){0, f->geom.kb_top, ui->w, f->geom.kb.height}, th->code_bg, 0);
    ks_layout_list_add_rect(dl, (ks_rect){0, f->geom.kb_top, ui->w, 2}, th->rule, 0);
    for (int i = 0; i < f->geom.kb.n_keys; i++) {
        const ks_key *k = &f->geom.kb.keys[i];
        ks_rect r = {k->x, f->geom.kb_top + k->y, k->w, k->h};
        int special = k->kind != KS_KEY_CHAR;
        ks_color fill = special ? th->accent : th->background, fg = special ? th->on_accent : th->text;
        ks_face face = KS_FACE_BOLD;
        int size = ui_fit_size(ui, k->label, face, special ? g->B : g->B * 6 / 5, k->w - 8);
        while (size > 16 && ui_line_h(ui, face, size) > k->h - 4) size = size * 9 / 10;
        int lh = ui_line_h(ui, face, size);
        ks_rect hit = {r.x - 5, r.y - 5, r.w + 10, r.h + 10}; /* rows tile: half a gap each side */
        ui_box(ui, dl, r, fill, th->radius);
        ui_text_ex(ui, dl, k->label, (ks_rect){r.x + 2, r.y + (r.h - lh) / 2, r.w - 4, 0}, &(ui_pen){face, size, fg, fill, KS_ALIGN_CENTER});
        ui_link(dl, hit, (ui_act){TAG_KEY + i, NULL});
    }
}

void ui_build_search(const ks_ui *ui, const ui_geo *g, const ui_geo *gc, int hdr, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->body, *ch = f->chrome;
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
    f->geom.has_field = 1;
    f->geom.field_in_body = 0;
    f->geom.field_x = gc->col_x;
    f->geom.field_y = fy;
    f->geom.field_w = gc->col_w;
    f->geom.field_h = fh;
    f->geom.body_top = fy + fh + gc->gap;
    if (ui->find.kb_visible) {
        keyboard(ui, gc, f);
        f->geom.body_bottom = f->geom.kb_top;
    } else {
        f->geom.body_bottom = ui->h;
    }
    if (!ui->find.query[0]) {
        y += ui_text(ui, dl, "Use the keyboard to type a word, for example knee, needle or pain. Results appear as you type.", (ks_rect){g->col_x, y, g->col_w, 0});
        f->geom.content_h = y + g->margin;
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
        y = ui_topic_tiles(ui, g, y, f);
        f->geom.content_h = y + g->margin;
        return;
    }
    {
        char msg[64];
        snprintf(msg, sizeof msg, ui->find.results->n == 1 ? "1 page found. Touch it to read it." : "%zu pages found. Touch one to read it.",
                 ui->find.results->n);
        y += ui_text(ui, dl, msg, (ks_rect){g->col_x, y, g->col_w, 0});
        y += g->gap;
    }
    for (size_t i = 0; i < ui->find.results->n; i++) y += result_tile(ui, g, y, i, f) + g->gap;
    f->geom.content_h = y + g->margin;
}
