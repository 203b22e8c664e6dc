/* flow: greedy line breaking of styled words into a column.
 *
 * Words are measured one by one (the metrics cache makes that cheap), lines
 * are filled greedily, and then each line's runs of equal style are
 * measured as whole strings, exactly as render will draw them. If kerning
 * across the joins made the line wider than the column, its last word moves
 * to the next line, so nothing is ever drawn beyond the right edge. Lines
 * break at spaces and after a hyphen, slash or dash inside a word; a word
 * still wider than the column is cut at the last code point that fits
 * (found by bisection over a bounded prefix, so a 100 kB word costs no more
 * per line than a long one).
 */
#include "layout_int.h"

#include "kiosk/base.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void flow_init(flow *f, ks_display_list *dl, const ks_font_metrics *m, int x, int y, int width,
               ks_color page_bg) {
    memset(f, 0, sizeof *f);
    f->dl = dl;
    f->m = m;
    f->x = x;
    f->y = y;
    f->width = width > 1 ? width : 1;
    f->page_bg = page_bg;
    f->first_hl_y = -1;
}

static flow_atom *push_atom(flow *f) {
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 32;
        f->atoms = ks_realloc(f->atoms, f->cap * sizeof *f->atoms);
    }
    flow_atom *a = &f->atoms[f->n++];
    memset(a, 0, sizeof *a);
    a->w = -1;
    a->src = SIZE_MAX;
    return a;
}

/* Length of an ASCII word without a common English ending, keeping 3
 * letters ("injections", "injected", "injection" -> "inject"). */
static size_t light_stem(const char *w, size_t n) {
    static const char *const endings[] = {"ations", "ation", "ions", "ion", "ings", "ing", "ies", "ied",
                                          "ers",    "er",    "ed",   "es",  "ly",   "s"};
    for (size_t i = 0; i < sizeof endings / sizeof endings[0]; i++) {
        size_t k = strlen(endings[i]);
        if (n >= k + 3 && strncasecmp(w + n - k, endings[i], k) == 0) {
            if (k == 1 && (w[n - 2] == 's' || w[n - 2] == 'S')) return n; /* "less" */
            return n - k;
        }
    }
    return n;
}

static int is_word_byte(unsigned char c) {
    return c >= 0x80 || isalnum(c);
}

/* Whether the word w[0..len) (its letters, without the punctuation around
 * it) is one of the words to highlight or of the same family: "knee" and
 * "knees", "inject" and "injections"; never merely a word that starts the
 * same ("of" for "o", "jointly" for "joint"). */
static int matches_highlight(const char *w, size_t len, const char *const *hl, size_t n_hl) {
    size_t a = 0, b = len;
    while (a < b && !is_word_byte((unsigned char)w[a])) a++;
    while (b > a && !is_word_byte((unsigned char)w[b - 1])) b--;
    if (a == b) return 0;
    size_t n = b - a, st = light_stem(w + a, n);
    for (size_t k = 0; k < n_hl; k++) {
        size_t m = hl[k] ? strlen(hl[k]) : 0;
        if (!m) continue;
        if (m == n && strncasecmp(w + a, hl[k], n) == 0) return 1;
        size_t hs = light_stem(hl[k], m);
        if (hs == st && st >= 3 && strncasecmp(w + a, hl[k], st) == 0) return 1;
    }
    return 0;
}

/* The length of the first piece of word w[0..n): up to and including the
 * first '-', '/', en or em dash that sits between two letters or digits,
 * or n when there is none. */
static size_t word_break(const char *w, size_t n) {
    for (size_t k = 1; k + 1 < n; k++) {
        size_t dash = 0;
        if (w[k] == '-' || w[k] == '/')
            dash = 1;
        else if (k + 3 < n && (unsigned char)w[k] == 0xe2 && (unsigned char)w[k + 1] == 0x80 &&
                 ((unsigned char)w[k + 2] == 0x93 || (unsigned char)w[k + 2] == 0x94))
            dash = 3;
        if (!dash) continue;
        unsigned char before = (unsigned char)w[k - 1], after = (unsigned char)w[k + dash];
        if ((isalnum(before) || before >= 0x80) && (isalnum(after) || after >= 0x80)) return k + dash;
        k += dash - 1;
    }
    return n;
}

void flow_add_words(flow *f, const char *text, size_t len, ks_face face, int size, ks_color color,
                    ks_color bg, const char *link, const char *const *hl, size_t n_hl) {
    size_t i = 0;
    /* A leading space belongs to the previous atom. */
    while (i < len && text[i] == ' ') {
        if (f->n) f->atoms[f->n - 1].space_after = 1;
        i++;
    }
    int word_hl = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != ' ') j++;
        /* A word may also break after a hyphen, slash or dash inside it
         * ("long-term", "and/or", "a—b"): its pieces join with no space. */
        size_t brk = word_break(text + i, j - i);
        int piece = brk < j - i;
        if (piece) j = i + brk;
        flow_atom *a = push_atom(f);
        a->text = text + i;
        a->len = j - i;
        a->face = face;
        a->size = size;
        a->color = color;
        a->bg = bg;
        a->link = link;
        /* Highlight whole words: later pieces follow the first. */
        int starts_word = i == 0 || text[i - 1] == ' ';
        if (starts_word) {
            size_t end = i;
            while (end < len && text[end] != ' ') end++;
            word_hl = hl && matches_highlight(text + i, end - i, hl, n_hl);
            /* the highlight marks the word, not the punctuation around it:
             * "(joint)," becomes three atoms glued together */
            if (word_hl && !piece) {
                size_t full = a->len, s0 = 0, e0 = full;
                while (s0 < e0 && !is_word_byte((unsigned char)a->text[s0])) s0++;
                while (e0 > s0 && !is_word_byte((unsigned char)a->text[e0 - 1])) e0--;
                if (s0 > 0 || e0 < full) {
                    flow_atom tmpl = *a;
                    size_t cuts[4] = {0, s0, e0, full};
                    f->n--; /* replaced by its pieces, glued (no space, no break) */
                    for (int p = 0; p < 3; p++) {
                        if (cuts[p + 1] == cuts[p]) continue;
                        flow_atom *x = push_atom(f);
                        *x = tmpl;
                        x->w = -1;
                        x->text = text + i + cuts[p];
                        x->len = cuts[p + 1] - cuts[p];
                        x->highlighted = p == 1;
                        a = x;
                    }
                    while (j < len && text[j] == ' ') {
                        a->space_after = 1;
                        j++;
                    }
                    i = j;
                    continue;
                }
            }
        }
        a->highlighted = word_hl;
        a->break_after = piece;
        while (!piece && j < len && text[j] == ' ') {
            a->space_after = 1;
            j++;
        }
        i = j;
    }
}

void flow_add_atom(flow *f, const char *text, size_t len, ks_face face, int size, ks_color color,
                   ks_color bg) {
    flow_atom *a = push_atom(f);
    a->text = text;
    a->len = len;
    a->face = face;
    a->size = size;
    a->color = color;
    a->bg = bg;
    a->break_after = 1;
}

void flow_add_break(flow *f) {
    flow_atom *prev = f->n ? &f->atoms[f->n - 1] : NULL;
    ks_face face = prev ? prev->face : KS_FACE_REGULAR;
    int size = prev ? prev->size : 0;
    ks_color color = prev ? prev->color : f->page_bg;
    flow_atom *a = push_atom(f);
    a->text = "";
    a->face = face;
    a->size = size;
    a->color = color;
    a->bg = f->page_bg;
    a->hard_break = 1;
    a->w = 0;
}

static int measure(const flow *f, ks_face face, int size, const char *s, size_t n) {
    if (!n || size <= 0) return 0;
    int w = f->m->measure(f->m->ctx, face, size, s, n);
    return w < 0 ? 0 : w;
}

static int atom_width(flow *f, size_t i) {
    flow_atom *a = &f->atoms[i];
    if (a->w < 0) a->w = measure(f, a->face, a->size, a->text, a->len);
    return a->w;
}

static int space_width(const flow *f, const flow_atom *a) {
    return measure(f, a->face, a->size, " ", 1);
}

/* Cut atom i so that its first part fits width: the rest becomes a new atom
 * right after it. At least one code point stays, however narrow width is. */
static void split_atom(flow *f, size_t i, int width) {
    flow_atom *a = &f->atoms[i];
    /* No glyph of these fonts is narrower than a fifth of the size (a space
     * is ~0.32 em, 'i' and 'l' ~0.28 em), so this bounds the search. */
    int min_glyph = a->size / 5 > 0 ? a->size / 5 : 1;
    size_t max_cps = (size_t)(width / min_glyph) + 2;
    size_t *offs = ks_malloc((max_cps + 1) * sizeof *offs);
    size_t n_cps = 0, pos = 0;
    offs[0] = 0;
    while (pos < a->len && n_cps < max_cps) {
        uint32_t cp;
        pos += ks_utf8_decode(a->text + pos, a->len - pos, &cp);
        offs[++n_cps] = pos;
    }
    /* Largest k in [1, n_cps] whose prefix fits. */
    size_t lo = 1, hi = n_cps;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (measure(f, a->face, a->size, a->text, offs[mid]) <= width)
            lo = mid;
        else
            hi = mid - 1;
    }
    size_t cut = offs[lo];
    free(offs);
    if (cut >= a->len) return;
    flow_atom rest = *a;
    rest.text = a->text + cut;
    rest.len = a->len - cut;
    rest.w = -1;
    if (a->src != SIZE_MAX) rest.src = a->src + cut;
    a->len = cut;
    a->w = -1;
    a->space_after = 0;
    a->hard_break = 0;
    a->break_after = 1; /* the cut itself */
    push_atom(f);
    memmove(&f->atoms[i + 2], &f->atoms[i + 1], (f->n - i - 2) * sizeof *f->atoms);
    f->atoms[i + 1] = rest;
}

/* Whether atom a cannot fit width whatever the font: it has more code
 * points (at least len / 4) than width holds of the narrowest glyph. */
static int certainly_too_wide(const flow_atom *a, int width) {
    int min_glyph = a->size / 5 > 0 ? a->size / 5 : 1;
    return a->w < 0 && a->len / 4 > (size_t)(width / min_glyph) + 2;
}

/* Whether a line may end after atom k: at a space, a hyphen inside a word,
 * a hard break; not between two runs of one word ("**strong**," keeps its
 * comma). */
static int may_break_after(const flow_atom *a) {
    return a->space_after || a->break_after || a->hard_break;
}

/* Atoms i .. result-1 fill one line of width. */
static size_t fill_line(flow *f, size_t i, int width) {
    size_t j = i, last_ok = i;
    int w = 0;
    while (j < f->n) {
        if (f->atoms[j].hard_break && f->atoms[j].len == 0) return j + 1;
        int sp = (j > i && f->atoms[j - 1].space_after) ? space_width(f, &f->atoms[j - 1]) : 0;
        /* A huge atom (a 100 kB word) is certainly too wide: do not measure
         * all of it, only the pieces split_atom cuts. */
        int aw = certainly_too_wide(&f->atoms[j], width) ? width + 1 : atom_width(f, j);
        if (j > i && w + sp + aw > width) {
            /* Back up to the last place a line may end; a chain of runs
             * longer than the line has none and breaks here. */
            if (!may_break_after(&f->atoms[j - 1]) && last_ok > i) return last_ok;
            break;
        }
        if (j == i && aw > width) {
            split_atom(f, j, width);
            aw = atom_width(f, j);
        }
        w += sp + aw;
        j++;
        if (may_break_after(&f->atoms[j - 1])) last_ok = j;
        if (f->atoms[j - 1].hard_break) break;
    }
    return j > i ? j : i + 1;
}

static int same_color(ks_color a, ks_color b) {
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

static int same_run(const flow_atom *a, const flow_atom *b) {
    return a->face == b->face && a->size == b->size && same_color(a->color, b->color) &&
           same_color(a->bg, b->bg) && a->link == b->link && a->highlighted == b->highlighted;
}

typedef struct group {
    size_t s, e;    /* atoms */
    char *text;     /* joined text */
    size_t len;
    int w;          /* measured width */
    int gap;        /* space after it before the next group */
} group;

/* Split atoms [i, end) into runs of one style and measure each; returns the
 * line width. */
static int make_groups(flow *f, size_t i, size_t end, int ellipsis, group *g, size_t *ng) {
    size_t n = 0;
    int total = 0;
    for (size_t k = i; k < end;) {
        if (f->atoms[k].len == 0) {
            k++;
            continue;
        }
        size_t e = k + 1;
        while (e < end && f->atoms[e].len && same_run(&f->atoms[k], &f->atoms[e])) e++;
        ks_buf b = {0};
        for (size_t q = k; q < e; q++) {
            ks_buf_append(&b, f->atoms[q].text, f->atoms[q].len);
            if (q + 1 < e && f->atoms[q].space_after) ks_buf_putc(&b, ' ');
        }
        g[n].s = k;
        g[n].e = e;
        g[n].len = b.len;
        g[n].text = ks_buf_detach(&b);
        g[n].gap = (e < end && f->atoms[e - 1].space_after) ? space_width(f, &f->atoms[e - 1]) : 0;
        n++;
        k = e;
    }
    if (ellipsis && n) {
        group *last = &g[n - 1];
        char *t = ks_sprintf("%s\xe2\x80\xa6", last->text);
        free(last->text);
        last->text = t;
        last->len += 3;
    }
    for (size_t k = 0; k < n; k++) {
        const flow_atom *a = &f->atoms[g[k].s];
        g[k].w = measure(f, a->face, a->size, g[k].text, g[k].len);
        total += g[k].w + (k + 1 < n ? g[k].gap : 0);
    }
    *ng = n;
    return total;
}

static void free_groups(group *g, size_t n) {
    for (size_t k = 0; k < n; k++) free(g[k].text);
}

/* Set atoms [i, end) as one line at y; returns the line height. */
static int emit_line(flow *f, size_t i, size_t end, int y, group *g, size_t ng, int total) {
    int lh = 0, asc = 0;
    for (size_t k = i; k < end; k++) {
        int h = 0, a = 0;
        if (f->atoms[k].size <= 0) continue;
        f->m->line(f->m->ctx, f->atoms[k].face, f->atoms[k].size, &h, &a);
        if (h > lh) lh = h;
        if (a > asc) asc = a;
    }
    if (lh < f->min_line) lh = f->min_line;
    int x = f->x;
    if (f->align == KS_ALIGN_CENTER) x += (f->width - total) / 2;
    if (f->align == KS_ALIGN_RIGHT) x += f->width - total;
    if (x < f->x) x = f->x;
    for (size_t k = 0; k < ng; k++) {
        const flow_atom *a = &f->atoms[g[k].s];
        if (a->highlighted && f->first_hl_y < 0) f->first_hl_y = y;
        if (!f->dl) continue;
        int h = 0, ascent = 0;
        f->m->line(f->m->ctx, a->face, a->size, &h, &ascent);
        if (!same_color(a->bg, f->page_bg))
            ks_layout_list_add_rect(f->dl, (ks_rect){x, y, g[k].w, lh}, a->bg, 0);
        ks_item it = {0};
        it.kind = KS_ITEM_TEXT;
        it.box = (ks_rect){x, y + asc - ascent, g[k].w, h};
        it.color = a->color;
        it.bg = a->bg;
        it.face = a->face;
        it.size = a->size;
        it.text = g[k].text;
        it.len = g[k].len;
        /* Document text: the range of the doc's text this item shows (its
         * atoms are in order; spaces between them may have been several). */
        const flow_atom *last = &f->atoms[g[k].e - 1];
        if (a->src != SIZE_MAX && last->src != SIZE_MAX && last->src + last->len > a->src) {
            it.src = a->src;
            it.src_len = last->src + last->len - a->src;
        }
        ks_layout_list_add(f->dl, &it);
        if (a->link) {
            int thick = a->size / 16 > 1 ? a->size / 16 : 1;
            int uy = y + asc + (a->size / 10 > 2 ? a->size / 10 : 2);
            if (uy + thick > y + lh) uy = y + lh - thick;
            ks_layout_list_add_rect(f->dl, (ks_rect){x, uy, g[k].w, thick}, f->link_color, 0);
            /* A finger needs about 48 px: grow short lines' hit boxes
             * up and down (never sideways, so they stay in the column). */
            int pad = lh < 48 ? (48 - lh + 1) / 2 : 0;
            ks_layout_list_add_link(f->dl, (ks_rect){x, y - pad, g[k].w, lh + 2 * pad}, a->link, 0);
        }
        x += g[k].w + g[k].gap;
    }
    return lh;
}

/* If the line [i, end) would leave a single word alone on the paragraph's
 * last line, end it one word earlier (when it keeps at least two words):
 * a lone short word looks like a mistake and wastes a line of reading. */
static size_t avoid_widow(flow *f, size_t i, size_t end) {
    if (end >= f->n || f->atoms[end - 1].hard_break) return end;
    /* The rest must be one word: no break chance before its last atom. */
    for (size_t k = end; k + 1 < f->n; k++)
        if (may_break_after(&f->atoms[k]) || f->atoms[k].len == 0) return end;
    /* The previous break chance on this line, leaving two words or more. */
    size_t e = end - 1;
    while (e > i && !may_break_after(&f->atoms[e - 1])) e--;
    if (e <= i) return end;
    size_t words = 0;
    for (size_t k = i; k < e; k++) words += may_break_after(&f->atoms[k]);
    if (words < 2) return end;
    /* And the new last line must still be one line. */
    int w = 0;
    for (size_t k = e; k < f->n; k++) {
        if (certainly_too_wide(&f->atoms[k], f->width)) return end;
        w += atom_width(f, k) + (k + 1 < f->n && f->atoms[k].space_after ? space_width(f, &f->atoms[k]) : 0);
    }
    return w <= f->width - 2 ? e : end; /* 2 px for kerning across the joins */
}

int flow_finish(flow *f) {
    int y = f->y;
    size_t i = 0;
    f->lines = 0;
    int ell_w = 0;
    while (i < f->n) {
        int last_allowed = f->max_lines > 0 && f->lines == f->max_lines - 1;
        int width = f->width;
        size_t end = fill_line(f, i, width);
        int ellipsis = 0;
        if (last_allowed && end < f->n) {
            if (!ell_w) ell_w = measure(f, f->atoms[i].face, f->atoms[i].size, "\xe2\x80\xa6", 3);
            width = f->width - ell_w > 1 ? f->width - ell_w : 1;
            end = fill_line(f, i, width);
            ellipsis = 1;
        }
        if (f->no_widow && !ellipsis) end = avoid_widow(f, i, end);
        size_t cap = end - i;
        group *g = ks_malloc((cap ? cap : 1) * sizeof *g);
        size_t ng = 0;
        int total = make_groups(f, i, end, ellipsis, g, &ng);
        /* Kerning across joins may widen the line: move words down. */
        while (total > f->width && end - i > 1) {
            free_groups(g, ng);
            size_t e = end - 1;
            while (e - i > 1 && (f->atoms[e - 1].len == 0 || !may_break_after(&f->atoms[e - 1]))) e--;
            end = e;
            total = make_groups(f, i, end, ellipsis, g, &ng);
        }
        y += emit_line(f, i, end, y, g, ng, total);
        free_groups(g, ng);
        free(g);
        f->lines++;
        i = end;
        if (ellipsis) break;
        if (i < f->n) y += f->line_gap;
    }
    free(f->atoms);
    f->atoms = NULL;
    f->n = f->cap = 0;
    return y - f->y;
}
