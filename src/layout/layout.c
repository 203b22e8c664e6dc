/* layout: a document's blocks placed top to bottom in a column.
 *
 * Sizes all derive from the body size (theme body_px x text scale), so text
 * scale 2.0 doubles everything but the page width. The column is the page
 * width less margins, capped at a comfortable line length (about 34 em) and
 * centred on wide screens. Lists and callouts indent inside the column
 * while there is room; past that, deeper nesting stops indenting, so no
 * depth of nesting can push text out of the column.
 */
#include "layout_int.h"

#include "kiosk/base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ctx {
    ks_display_list *dl;
    const ks_font_metrics *m;
    const ks_theme *t;
    double scale;
    int body;            /* body text px */
    const char *const *hl;
    size_t n_hl;
    int first_hl_y;
    int min_width;       /* narrowest column nesting may leave */
    int col;             /* the page's column width */
} ctx;

int ks_layout_body_px(const ks_theme *theme, double text_scale) {
    if (!theme) theme = ks_layout_theme("default");
    return (int)lround(theme->body_px * text_scale);
}

int ks_layout_margin(int width, double text_scale) {
    int m = (int)lround(width * 0.05);
    int min = (int)lround(24 * text_scale);
    if (m < min) m = min;
    if (m > 160) m = 160;
    if (m * 4 > width) m = width / 4;
    return m;
}

static int px(const ctx *c, double em) { return (int)lround(c->body * em); }

static int line_height(const ctx *c, ks_face face, int size) {
    int h = 0, a = 0;
    c->m->line(c->m->ctx, face, size, &h, &a);
    return h;
}

static ks_face run_face(unsigned style) {
    if (style & KS_RUN_CODE) return KS_FACE_MONO;
    if ((style & KS_RUN_BOLD) && (style & KS_RUN_ITALIC)) return KS_FACE_BOLD_ITALIC;
    if (style & KS_RUN_BOLD) return KS_FACE_BOLD;
    if (style & KS_RUN_ITALIC) return KS_FACE_ITALIC;
    return KS_FACE_REGULAR;
}

/* Set runs as a paragraph in the column; returns its height. */
static int set_runs(ctx *c, const ks_doc_run *runs, size_t n, int x, int y, int width, ks_color bg,
                    int size, ks_color color, int force_bold) {
    flow f;
    flow_init(&f, c->dl, c->m, x, y, width, bg);
    f.link_color = c->t->link;
    f.line_gap = px(c, 0.22);
    f.no_widow = 1;
    for (size_t i = 0; i < n; i++) {
        const ks_doc_run *r = &runs[i];
        if (r->style & KS_RUN_BREAK) {
            flow_add_break(&f);
            continue;
        }
        unsigned style = r->style | (force_bold ? KS_RUN_BOLD : 0u);
        ks_face face = run_face(style);
        ks_color col = r->link ? c->t->link : color;
        ks_color abg = (r->style & KS_RUN_CODE) ? c->t->code_bg : bg;
        size_t before = f.n;
        flow_add_words(&f, r->text, r->len, face, size, col, abg, r->link, c->hl, c->n_hl);
        /* Highlighted words sit on the highlight colour. */
        for (size_t k = before; k < f.n; k++) {
            if (f.atoms[k].highlighted) f.atoms[k].bg = c->t->highlight, f.atoms[k].color = color;
            if (r->offset != SIZE_MAX) f.atoms[k].src = r->offset + (size_t)(f.atoms[k].text - r->text);
        }
    }
    int h = flow_finish(&f);
    if (f.first_hl_y >= 0 && (c->first_hl_y < 0 || f.first_hl_y < c->first_hl_y))
        c->first_hl_y = f.first_hl_y;
    return h;
}

static int layout_blocks(ctx *c, const ks_doc_block *blocks, size_t n, int x, int y, int width,
                         ks_color bg, int tight);

/* Headings grow with the body, but in a narrow column at a large scale a
 * 1.6 em heading would hold only a word a line: cap them at a tenth of the
 * column (never below 1.1 em). */
static int heading_size(const ctx *c, int level) {
    int size = level == 1 ? px(c, 1.6) : level == 2 ? px(c, 1.3) : px(c, 1.1);
    int cap = c->col / 10 > px(c, 1.1) ? c->col / 10 : px(c, 1.1);
    return size < cap ? size : cap;
}

static int layout_heading(ctx *c, const ks_doc_block *b, int x, int y, int width, ks_color bg) {
    ks_item a = {0};
    a.kind = KS_ITEM_ANCHOR;
    a.box = (ks_rect){x, y, width, 0};
    a.target = b->anchor ? b->anchor : "";
    if (c->dl) ks_layout_list_add(c->dl, &a);
    return set_runs(c, b->runs, b->n_runs, x, y, width, bg, heading_size(c, b->level), c->t->heading, 1);
}

static int layout_code(ctx *c, const ks_doc_block *b, int x, int y, int width) {
    int pad = px(c, 0.5);
    int size = px(c, 0.95);
    if (width - 2 * pad < c->min_width / 2) pad = 0;
    size_t rect = c->dl ? ks_layout_list_add_rect(c->dl, (ks_rect){x, y, width, 0}, c->t->code_bg, px(c, 0.25)) : 0;
    flow f;
    flow_init(&f, c->dl, c->m, x + pad, y + pad, width - 2 * pad, c->t->code_bg);
    f.min_line = line_height(c, KS_FACE_MONO, size);
    const char *text = b->n_runs ? b->runs[0].text : "";
    size_t len = b->n_runs ? b->runs[0].len : 0;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && text[j] != '\n') j++;
        /* Each word keeps the spaces after it (and the first its indent),
         * so a line reads exactly as written yet may wrap between words. */
        size_t k = i;
        do {
            size_t e = k;
            while (e < j && text[e] == ' ') e++;
            while (e < j && text[e] != ' ') e++;
            while (e < j && text[e] == ' ') e++;
            flow_add_atom(&f, text + k, e - k, KS_FACE_MONO, size, c->t->text, c->t->code_bg);
            if (e == k) f.atoms[f.n - 1].w = 0;
            if (b->n_runs) f.atoms[f.n - 1].src = b->runs[0].offset + k;
            k = e;
        } while (k < j);
        f.atoms[f.n - 1].hard_break = 1;
        i = j + 1;
    }
    int h = flow_finish(&f) + 2 * pad;
    if (c->dl) ks_layout_list_item_mut(c->dl, rect)->box.h = h;
    return h;
}

static int layout_quote(ctx *c, const ks_doc_block *b, int x, int y, int width) {
    int pad = px(c, 0.7);
    int bar = px(c, 0.25) > 4 ? px(c, 0.25) : 4;
    int inner_x = x + bar + pad, inner_w = width - bar - 2 * pad;
    if (inner_w < c->min_width) { /* too deep to indent again */
        pad = px(c, 0.2);
        bar = 0;
        inner_x = x + pad;
        inner_w = width - 2 * pad;
        if (inner_w < c->min_width) {
            pad = 0;
            inner_x = x;
            inner_w = width;
        }
    }
    size_t bg_rect = 0, bar_rect = 0;
    if (c->dl) {
        bg_rect = ks_layout_list_add_rect(c->dl, (ks_rect){x, y, width, 0}, c->t->callout_bg, px(c, 0.3));
        bar_rect = ks_layout_list_add_rect(c->dl, (ks_rect){x, y, bar, 0}, c->t->callout_bar, bar / 2);
    }
    int h = layout_blocks(c, b->children, b->n_children, inner_x, y + pad, inner_w, c->t->callout_bg, 0);
    h += 2 * pad;
    if (c->dl) {
        ks_layout_list_item_mut(c->dl, bg_rect)->box.h = h;
        ks_layout_list_item_mut(c->dl, bar_rect)->box.h = bar ? h : 0;
    }
    return h;
}

static const char *bullet_for(int depth) {
    static const char *const bullets[] = {"\xe2\x80\xa2", "\xe2\x97\xa6", "\xe2\x96\xaa"}; /* • ◦ ▪ */
    return bullets[depth % 3];
}

static int layout_list(ctx *c, const ks_doc_block *b, int x, int y, int width, ks_color bg) {
    int size = c->body;
    /* The marker column fits the widest marker. */
    int marker_w;
    if (b->ordered) {
        int last = b->number + (int)b->n_children - 1;
        char widest[32];
        snprintf(widest, sizeof widest, "%d.", last > b->number ? last : b->number);
        /* Digits are equally wide in DejaVu: the longest number is widest. */
        marker_w = c->m->measure(c->m->ctx, KS_FACE_REGULAR, size, widest, strlen(widest));
    } else {
        marker_w = c->m->measure(c->m->ctx, KS_FACE_REGULAR, size, "\xe2\x80\xa2", 3);
    }
    int gap = px(c, 0.5);
    int indent = marker_w + gap + (b->ordered ? 0 : px(c, 0.3));
    if (width - indent < c->min_width) indent = 0; /* too deep: markers inline-left, no indent */
    int item_gap = b->tight ? px(c, 0.3) : px(c, 0.6);
    int h = 0;
    for (size_t i = 0; i < b->n_children; i++) {
        const ks_doc_block *item = &b->children[i];
        if (i) h += item_gap;
        int top = y + h;
        char marker[32];
        if (b->ordered)
            snprintf(marker, sizeof marker, "%d.", item->number);
        else
            snprintf(marker, sizeof marker, "%s", bullet_for(b->depth));
        int body_h;
        if (indent) {
            /* Right-align numbers, centre bullets, in the marker column. */
            if (c->dl) {
                int mw = c->m->measure(c->m->ctx, KS_FACE_REGULAR, size, marker, strlen(marker));
                int mx = b->ordered ? x + marker_w - mw : x + px(c, 0.15) + (marker_w - mw) / 2;
                if (mx < x) mx = x;
                int lh = 0, asc = 0;
                c->m->line(c->m->ctx, KS_FACE_REGULAR, size, &lh, &asc);
                ks_item it = {0};
                it.kind = KS_ITEM_TEXT;
                it.box = (ks_rect){mx, top, mw, lh};
                it.color = c->t->text;
                it.bg = bg;
                it.face = KS_FACE_REGULAR;
                it.size = size;
                it.text = marker;
                it.len = strlen(marker);
                ks_layout_list_add(c->dl, &it);
            }
            body_h = layout_blocks(c, item->children, item->n_children, x + indent, top, width - indent, bg,
                                   b->tight);
        } else {
            /* No room to indent: the marker is a line of its own. */
            ks_doc_run r = {marker, strlen(marker), 0, NULL, SIZE_MAX}; /* not document text */
            int mh = set_runs(c, &r, 1, x, top, width, bg, size, c->t->text, 0);
            body_h = mh + layout_blocks(c, item->children, item->n_children, x, top + mh, width, bg, b->tight);
        }
        if (body_h < line_height(c, KS_FACE_REGULAR, size)) body_h = line_height(c, KS_FACE_REGULAR, size);
        h += body_h;
    }
    return h;
}

static int layout_image(ctx *c, const ks_doc_block *b, int x, int y, int width, ks_color bg) {
    int iw = 0, ih = 0;
    int ok = b->src && c->m->image_size && c->m->image_size(c->m->ctx, b->src, &iw, &ih) == 0 && iw > 0 &&
             ih > 0;
    int h = 0;
    if (ok) {
        /* Fit the column; never taller than the column is wide. Small
         * images grow with the text scale but not beyond the column. */
        double s = c->scale;
        if (iw * s > width) s = (double)width / iw;
        if (ih * s > width) s = (double)width / ih;
        int w = (int)floor(iw * s), hh = (int)floor(ih * s);
        if (w < 1) w = 1;
        if (hh < 1) hh = 1;
        if (c->dl) {
            ks_layout_list_add_image(c->dl, (ks_rect){x, y, w, hh}, b->src);
            if (b->link) ks_layout_list_add_link(c->dl, (ks_rect){x, y, w, hh}, b->link, 0);
        }
        h = hh;
    } else {
        int ph = px(c, 3.2);
        size_t rect = c->dl ? ks_layout_list_add_rect(c->dl, (ks_rect){x, y, width, ph}, c->t->placeholder,
                                                      px(c, 0.3))
                            : 0;
        int pad = px(c, 0.6) * 2 < width / 2 ? px(c, 0.6) : 0;
        ks_text_style st = {KS_FACE_ITALIC, px(c, 0.95), c->t->muted, c->t->placeholder, KS_ALIGN_CENTER, 0, 0};
        const char *msg = "Picture not available";
        int th = ks_layout_text_height(c->m, msg, width - 2 * pad, &st);
        if (th + 2 * pad > ph) ph = th + 2 * pad;
        int ty = y + (ph - th) / 2;
        if (c->dl) {
            ks_layout_text_box(c->dl, c->m, msg, x + pad, ty, width - 2 * pad, &st);
            ks_layout_list_item_mut(c->dl, rect)->box.h = ph;
            if (b->link) ks_layout_list_add_link(c->dl, (ks_rect){x, y, width, ph}, b->link, 0);
        }
        h = ph;
    }
    /* The alt text as a caption. */
    if (b->n_runs) {
        h += px(c, 0.3);
        h += set_runs(c, b->runs, b->n_runs, x, y + h, width, bg, px(c, 0.95), c->t->muted, 0);
    }
    return h;
}

static int block_gap_before(const ctx *c, const ks_doc_block *b, int first, int tight) {
    if (first) return 0;
    if (b->kind == KS_BLOCK_HEADING) return b->level == 1 ? px(c, 1.2) : px(c, 1.0);
    if (tight) return px(c, 0.25);
    return px(c, 0.75);
}

static int layout_blocks(ctx *c, const ks_doc_block *blocks, size_t n, int x, int y, int width,
                         ks_color bg, int tight) {
    int h = 0;
    for (size_t i = 0; i < n; i++) {
        const ks_doc_block *b = &blocks[i];
        h += block_gap_before(c, b, i == 0, tight);
        int top = y + h;
        switch (b->kind) {
        case KS_BLOCK_HEADING:
            h += layout_heading(c, b, x, top, width, bg);
            if (i + 1 < n) h += px(c, 0.1); /* headings sit close to their text */
            break;
        case KS_BLOCK_PARAGRAPH:
            h += set_runs(c, b->runs, b->n_runs, x, top, width, bg, c->body, c->t->text, 0);
            break;
        case KS_BLOCK_LIST:
            h += layout_list(c, b, x, top, width, bg);
            break;
        case KS_BLOCK_ITEM: /* only inside lists; a stray one is a plain group */
        case KS_BLOCK_QUOTE:
            h += b->kind == KS_BLOCK_QUOTE ? layout_quote(c, b, x, top, width)
                                           : layout_blocks(c, b->children, b->n_children, x, top, width, bg, tight);
            break;
        case KS_BLOCK_CODE:
            h += layout_code(c, b, x, top, width);
            break;
        case KS_BLOCK_RULE: {
            int thick = (int)lround(2 * c->scale);
            int space = px(c, 0.6);
            if (c->dl) ks_layout_list_add_rect(c->dl, (ks_rect){x, top + space, width, thick}, c->t->rule, 0);
            h += 2 * space + thick;
            break;
        }
        case KS_BLOCK_IMAGE:
            h += layout_image(c, b, x, top, width, bg);
            break;
        }
    }
    return h;
}

int ks_layout_doc(ks_display_list *dl, const ks_doc *doc, const ks_font_metrics *m,
                  const ks_layout_params *params, ks_layout_info *info) {
    if (!params || !m || params->width < 200 || !(params->text_scale >= 0.5 && params->text_scale <= 4))
        return KS_ERR_INVALID;
    ctx c = {0};
    c.dl = dl;
    c.m = m;
    c.t = params->theme ? params->theme : ks_layout_theme("default");
    c.scale = params->text_scale;
    c.body = ks_layout_body_px(c.t, c.scale);
    c.hl = params->highlight;
    c.n_hl = params->highlight ? params->n_highlight : 0;
    c.first_hl_y = -1;
    int margin = ks_layout_margin(params->width, c.scale);
    int col = params->width - 2 * margin;
    int max_col = px(&c, KS_LAYOUT_COLUMN_EM);
    if (col > max_col) col = max_col;
    int x = (params->width - col) / 2;
    c.col = col;
    c.min_width = px(&c, 7) < col / 2 ? px(&c, 7) : col / 2;
    int top = params->top + px(&c, 1.0);
    size_t n;
    const ks_doc_block *blocks = ks_doc_blocks(doc, &n);
    int h = layout_blocks(&c, blocks, n, x, top, col, c.t->background, 0);
    if (info) {
        info->height = top + h + px(&c, 2.0);
        info->content = (ks_rect){x, top, col, h};
        info->first_highlight_y = c.first_hl_y;
        info->body_px = c.body;
    }
    return 0;
}
