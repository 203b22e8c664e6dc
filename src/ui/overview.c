/* overview: the topic's own text (its index.md) at the top of the Topic
 * screen, laid out exactly as the page screen lays it out (ks_layout_doc,
 * the same column, sizes and colours), cut to its opening.
 *
 * What is shown: the document from its start (its title heading too, which
 * stands as the screen's title) to the first later heading, whole blocks
 * while they fit in a bounded height (at most UI_OVERVIEW_LINES body lines
 * or UI_OVERVIEW_SHARE of the view, never less than UI_OVERVIEW_MIN_LINES).
 * When even the first paragraph is taller, it is cut after its last line
 * that fits. Whatever is left out is one "Read more" away: the full
 * overview page. The items kept are layout's own, so their document ranges
 * (ks_item.src) stay true and read aloud marks them as on a page.
 */
#include "widgets.h"

#include <stdint.h>
#include <string.h>

#define UI_OVERVIEW_LINES 10
#define UI_OVERVIEW_MIN_LINES 3
#define UI_OVERVIEW_SHARE 0.4

/* The offset in ks_doc_text of block b's first text (or a child's), or
 * SIZE_MAX when it holds none (a rule). */
static size_t block_start(const ks_doc_block *b) {
    if (b->n_runs) return b->runs[0].offset;
    for (size_t i = 0; i < b->n_children; i++) {
        size_t o = block_start(&b->children[i]);
        if (o != SIZE_MAX) return o;
    }
    return SIZE_MAX;
}

/* The part of the document the opening is made of: [*from, *to) of its
 * text, from the first block after a leading title heading (*lead: 1 when
 * there is one) to the next heading. */
static void opening(const ks_doc *doc, size_t *from, size_t *to, int *lead) {
    size_t n, len = 0, k;
    const ks_doc_block *b = ks_doc_blocks(doc, &n);
    ks_doc_text(doc, &len);
    *lead = n > 0 && b[0].kind == KS_BLOCK_HEADING && b[0].level == 1;
    *from = SIZE_MAX;
    *to = len;
    for (k = (size_t)*lead; k < n && *from == SIZE_MAX; k++) *from = block_start(&b[k]);
    for (k = (size_t)*lead + 1; k < n; k++)
        if (b[k].kind == KS_BLOCK_HEADING && block_start(&b[k]) != SIZE_MAX) {
            *to = block_start(&b[k]);
            break;
        }
    if (*from == SIZE_MAX) *from = len;
}

/* Where to cut the laid-out document (page px): after the last whole block
 * of the opening [from, to) whose bottom is within limit px of its first
 * line, else after the first block's last line that fits (*inside set).
 * The blocks' ends
 * are where a text item starts a new block: its src is at a block start. */
static int cut_at(const ks_display_list *tmp, const ks_doc *doc, size_t from, size_t to, int limit, int *inside) {
    size_t n;
    const ks_doc_block *b = ks_doc_blocks(doc, &n);
    int top = -1, cut = -1, line_cut = -1;
    for (size_t k = 0; k < n; k++) {
        size_t s = block_start(&b[k]), e = to;
        int bottom = -1;
        if (s == SIZE_MAX || s < from || s >= to) continue;
        for (size_t j = k + 1; j < n; j++)
            if (block_start(&b[j]) != SIZE_MAX) {
                e = block_start(&b[j]) < to ? block_start(&b[j]) : to;
                break;
            }
        for (size_t i = 0; i < ks_layout_list_count(tmp); i++) {
            const ks_item *it = ks_layout_list_item(tmp, i);
            if (it->kind != KS_ITEM_TEXT || !it->src_len || it->src < s || it->src >= e) continue;
            if (top < 0 || it->box.y < top) top = it->box.y;
            if (it->box.y + it->box.h > bottom) bottom = it->box.y + it->box.h;
            if (cut < 0 && it->box.y + it->box.h <= top + limit && it->box.y + it->box.h > line_cut)
                line_cut = it->box.y + it->box.h; /* the first block's lines that fit */
        }
        if (bottom < 0) continue;
        if (bottom > top + limit) break;
        cut = bottom;
    }
    *inside = cut < 0;
    if (cut >= 0) return cut;
    return line_cut; /* -1: nothing laid out */
}

/* The last line shown (an index in tmp) when the cut is inside a
 * paragraph, else SIZE_MAX. */
static size_t last_line(const ks_display_list *tmp, int cut) {
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < ks_layout_list_count(tmp); i++) {
        const ks_item *it = ks_layout_list_item(tmp, i), *b;
        if (it->kind != KS_ITEM_TEXT || !it->src_len || it->box.y + it->box.h > cut) continue;
        b = best == SIZE_MAX ? NULL : ks_layout_list_item(tmp, best);
        if (!b || it->box.y > b->box.y || (it->box.y == b->box.y && it->box.x > b->box.x)) best = i;
    }
    return best;
}

/* Add line it to dl ending in "…" within right (page px): words come off
 * its end until the ellipsis fits. */
static void add_with_ellipsis(const ks_ui *ui, ks_display_list *dl, ks_item it, int right) {
    static const char ell[] = "\xe2\x80\xa6";
    int ew = ui->fm->measure(ui->fm->ctx, KS_FACE_REGULAR, it.size, ell, 3);
    size_t len = it.len;
    while (it.box.x + ui->fm->measure(ui->fm->ctx, it.face, it.size, it.text, len) + ew > right) {
        size_t sp = len;
        while (sp > 0 && it.text[sp - 1] != ' ') sp--;
        while (sp > 0 && it.text[sp - 1] == ' ') sp--;
        if (sp == 0) break; /* one word: the ellipsis may stand past it */
        len = sp;
    }
    it.src_len -= it.src_len > it.len - len ? it.len - len : 0;
    it.len = len;
    it.box.w = ui->fm->measure(ui->fm->ctx, it.face, it.size, it.text, len);
    ks_layout_list_add(dl, &it);
    it.box.x += it.box.w;
    it.box.w = ew;
    it.text = ell;
    it.len = 3;
    it.src = it.src_len = 0;
    it.face = KS_FACE_REGULAR;
    ks_layout_list_add(dl, &it);
}

/* The items of tmp above cut into dl (boxes reaching past it are cut
 * short); when the cut is inside a paragraph, its last line shown ends in
 * "…" within right. Returns 1 when some text was left out. */
static int copy_above(const ks_ui *ui, ks_display_list *dl, const ks_display_list *tmp, int cut, int right) {
    int left_out = 0;
    size_t last = SIZE_MAX;
    for (size_t i = 0; i < ks_layout_list_count(tmp); i++) {
        const ks_item *it = ks_layout_list_item(tmp, i);
        if (it->kind == KS_ITEM_TEXT && it->box.y + it->box.h > cut) left_out = 1;
    }
    if (right > 0 && left_out) last = last_line(tmp, cut);
    for (size_t i = 0; i < ks_layout_list_count(tmp); i++) {
        ks_item it = *ks_layout_list_item(tmp, i);
        int whole = it.box.y + it.box.h <= cut;
        if (it.kind == KS_ITEM_TEXT || it.kind == KS_ITEM_IMAGE) {
            if (!whole) continue;
        } else if (it.box.y >= cut) {
            continue;
        } else if (!whole) {
            it.box.h = cut - it.box.y; /* a link's tall box, a callout's background */
        }
        if (i == last) add_with_ellipsis(ui, dl, it, right);
        else ks_layout_list_add(dl, &it);
    }
    return left_out;
}

int ui_overview(const ks_ui *ui, const ui_geo *g, int y, ui_frame *f, const ks_topic *t) {
    const ks_theme *th = ui->look.theme;
    const ks_doc *doc = ui_screen_doc(ui);
    ks_display_list *tmp, *dl = f->body;
    ks_layout_params lp;
    ks_layout_info info;
    size_t from, to;
    int lead, cut, inside = 0, more = 0, line = ui_line_h(ui, KS_FACE_REGULAR, g->B);
    int limit = (int)((f->geom.body_bottom - f->geom.body_top) * UI_OVERVIEW_SHARE);
    if (!doc) return y;
    opening(doc, &from, &to, &lead);
    if (!lead) /* no title heading of its own: the topic's title stands */
        y += ui_text_ex(ui, dl, t->title, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 8 / 5, th->heading, th->background, KS_ALIGN_LEFT});
    if (limit > UI_OVERVIEW_LINES * line) limit = UI_OVERVIEW_LINES * line;
    if (limit < UI_OVERVIEW_MIN_LINES * line) limit = UI_OVERVIEW_MIN_LINES * line;
    memset(&lp, 0, sizeof lp);
    lp.width = ui->w;
    lp.text_scale = ui->look.scale;
    lp.theme = th;
    lp.top = lead ? y - ks_layout_body_px(th, ui->look.scale) : y; /* layout adds an em above */
    tmp = ks_layout_list_create();
    if (ks_layout_doc(tmp, doc, ui->fm, &lp, &info) == 0 && (cut = cut_at(tmp, doc, from, to, limit, &inside)) > 0) {
        more = copy_above(ui, dl, tmp, cut, inside ? info.content.x + info.content.w : 0);
        y = cut;
    }
    ks_layout_list_destroy(tmp);
    if (more) { /* the rest is the overview page, a tap away; under the text it follows */
        const char *label = "Read more";
        int bw = ui_button_w(ui, label, KS_FACE_BOLD, g->B), x = info.content.w > 0 ? info.content.x : g->col_x;
        int w = info.content.w > 0 ? info.content.w : g->col_w;
        if (bw > w) bw = w;
        y += g->gap;
        y += ui_button_ex(ui, dl, (ks_rect){x, y, bw, g->bh}, label, (ui_act){TAG_PAGE, t->index->slug}, &(ui_button_opt){th->surface, th->on_surface, KS_FACE_BOLD, g->B});
    }
    return y;
}
