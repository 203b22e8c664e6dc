/* textbox: wrapped plain text for the UI's own screens (tiles, buttons,
 * search results), through the same line breaker as pages. */
#include "layout_int.h"

#include "kiosk/base.h"

#include <stdlib.h>
#include <string.h>

/* text as valid UTF-8 with control characters (but '\n') turned to spaces;
 * the caller frees the result. */
static char *clean_text(const char *text, size_t *len) {
    ks_buf b = {0};
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = ks_utf8_decode(text + i, n - i, &cp);
        if (cp != '\n' && (cp < 0x20 || cp == 0x7f)) cp = ' ';
        char enc[4];
        ks_buf_append(&b, enc, ks_utf8_encode(cp, enc));
        i += k;
    }
    *len = b.len;
    return ks_buf_detach(&b);
}

static int text_box(ks_display_list *dl, const ks_font_metrics *m, const char *text, int x, int y,
                    int width, const ks_text_style *style) {
    if (!text || !*text || !style || style->size <= 0) return 0;
    size_t len;
    char *clean = clean_text(text, &len);
    flow f;
    flow_init(&f, dl, m, x, y, width, style->bg);
    f.align = style->align;
    f.max_lines = style->max_lines;
    f.line_gap = style->line_gap;
    f.link_color = style->color;
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && clean[j] != '\n') j++;
        if (j > i)
            flow_add_words(&f, clean + i, j - i, style->face, style->size, style->color, style->bg,
                           NULL, NULL, 0);
        if (j < len) {
            if (j == i || f.n == 0) {
                /* An empty line: a break with this style's height. */
                flow_add_atom(&f, "", 0, style->face, style->size, style->color, style->bg);
                f.atoms[f.n - 1].hard_break = 1;
                f.atoms[f.n - 1].w = 0;
            } else {
                f.atoms[f.n - 1].hard_break = 1;
            }
        }
        i = j + 1;
    }
    int h = flow_finish(&f);
    free(clean);
    return h;
}

int ks_layout_text_box(ks_display_list *dl, const ks_font_metrics *m, const char *text, int x, int y,
                       int width, const ks_text_style *style) {
    return text_box(dl, m, text, x, y, width, style);
}

int ks_layout_text_height(const ks_font_metrics *m, const char *text, int width,
                          const ks_text_style *style) {
    return text_box(NULL, m, text, 0, 0, width, style);
}
