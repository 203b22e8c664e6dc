/* layout internals shared by flow.c (line breaking), textbox.c and
 * layout.c (documents). */
#ifndef KIOSK_LAYOUT_INT_H
#define KIOSK_LAYOUT_INT_H

#include "kiosk/layout.h"

#include <stdint.h>

/* A word (or an unbreakable piece) waiting to be set on a line. */
typedef struct flow_atom {
    const char *text;  /* borrowed: valid until flow_finish */
    size_t len;
    ks_face face;
    int size;
    ks_color color;
    ks_color bg;       /* behind this atom (inline code, highlight) or the page bg */
    const char *link;  /* borrowed link target or NULL */
    int space_after;   /* a breakable space follows */
    int break_after;   /* the line may end after it with no space (after a
                          hyphen inside a word, between code words) */
    int hard_break;    /* the line ends after this atom (len may be 0) */
    int highlighted;
    int w;             /* measured width, -1 until measured */
    size_t src;        /* where text starts in the doc's text (ks_doc_text), or
                          SIZE_MAX when it is not document text */
} flow_atom;

/* One paragraph being set: atoms in, lines of display items out. */
typedef struct flow {
    ks_display_list *dl; /* NULL: measure only */
    const ks_font_metrics *m;
    int x, y, width;    /* the column and the top of the first line */
    ks_color page_bg;   /* the colour behind the paragraph */
    ks_color link_color;/* underline colour for links */
    ks_align align;
    int max_lines;      /* 0: unlimited */
    int line_gap;       /* extra pixels between lines */
    int min_line;       /* minimum line height (an empty paragraph's height) */
    int no_widow;       /* never leave one word alone on the last line */
    flow_atom *atoms;
    size_t n, cap;
    int first_hl_y;     /* out: top of the first line with a highlight, or -1 */
    int lines;          /* out: lines set */
} flow;

void flow_init(flow *f, ks_display_list *dl, const ks_font_metrics *m, int x, int y, int width,
               ks_color page_bg);
/* Split text at spaces into atoms with this style. Highlight words (may be
 * NULL) mark atoms that start with one of them. A text that is one atom
 * (code lines) is added with flow_add_atom. */
void flow_add_words(flow *f, const char *text, size_t len, ks_face face, int size, ks_color color,
                    ks_color bg, const char *link, const char *const *hl, size_t n_hl);
/* Add text as one unbreakable-at-spaces atom (broken only when too long). */
void flow_add_atom(flow *f, const char *text, size_t len, ks_face face, int size, ks_color color,
                   ks_color bg);
void flow_add_break(flow *f);
/* Set the lines; returns the height used. Frees the atoms. */
int flow_finish(flow *f);

/* dlist.c: change an already added item. */
ks_item *ks_layout_list_item_mut(ks_display_list *dl, size_t i);

#endif
