/* Hostile pages just under the store's 1 MiB limit, shared by
 * test_store_bounds (each is checked and gives the right error) and
 * bench_store_hostile (each is checked in at most 200 ms): the shapes that
 * make parsers slow (deep nesting in the header and the body, long runs of
 * delimiters, unclosed brackets, many links, one endless line).
 *
 * hostile_page(i, &name) writes page i into a new string the caller frees,
 * or returns NULL past the last one. */
#ifndef KIOSK_TEST_HOSTILE_PAGES_H
#define KIOSK_TEST_HOSTILE_PAGES_H

#include "kiosk/base.h"

#include <string.h>

#define HOSTILE_LIMIT (1024 * 1024 - 64) /* just under KS_STORE_MAX_FILE */

static const char hostile_header[] = "---\ntitle: Hostile\nsection: hostile\nsummary: A hostile page.\n";

/* Append unit to b until it is about limit bytes long. */
static void hostile_fill(ks_buf *b, const char *unit, size_t limit) {
    size_t n = strlen(unit);
    while (b->len + n < limit) ks_buf_puts(b, unit);
}

static char *hostile_page(int i, const char **name) {
    ks_buf b = {0};
    ks_buf_puts(&b, hostile_header);
    switch (i) {
    case 0: /* 50,000-deep flow nesting in the header (libyaml: seconds) */
        *name = "header-flow-50000";
        ks_buf_puts(&b, "keywords: ");
        for (int k = 0; k < 50000; k++) ks_buf_putc(&b, '[');
        for (int k = 0; k < 50000; k++) ks_buf_putc(&b, ']');
        ks_buf_puts(&b, "\n---\n\nText.\n");
        break;
    case 1: /* just under 64 KB of nesting, then the limit in body text */
        *name = "header-flow-60k";
        ks_buf_puts(&b, "keywords: ");
        for (int k = 0; k < 30000; k++) ks_buf_putc(&b, '[');
        for (int k = 0; k < 30000; k++) ks_buf_putc(&b, ']');
        ks_buf_puts(&b, "\n---\n\n");
        hostile_fill(&b, "Plain words in a long body. ", HOSTILE_LIMIT);
        break;
    case 2: /* nested mappings */
        *name = "header-maps";
        ks_buf_puts(&b, "keywords: ");
        for (int k = 0; k < 10000; k++) ks_buf_puts(&b, "{a: ");
        ks_buf_puts(&b, "1");
        for (int k = 0; k < 10000; k++) ks_buf_putc(&b, '}');
        ks_buf_puts(&b, "\n---\n\nText.\n");
        break;
    case 3: /* block nesting by indentation */
        *name = "header-blocks";
        ks_buf_puts(&b, "keywords:\n");
        for (int k = 0; k < 300; k++) {
            for (int s = 0; s < k; s++) ks_buf_putc(&b, ' ');
            ks_buf_puts(&b, "-\n");
        }
        ks_buf_puts(&b, "---\n\nText.\n");
        break;
    case 4: /* a flat header of 60 KB: valid, 4,000 keywords */
        *name = "header-flat-60k";
        ks_buf_puts(&b, "keywords: [");
        for (int k = 0; k < 4000; k++) ks_buf_printf(&b, "%s\"word %d\"", k ? ", " : "", k);
        ks_buf_puts(&b, "]\n---\n\nText.\n");
        break;
    case 5: /* 1 MiB of nested block quotes */
        *name = "body-quotes";
        ks_buf_puts(&b, "---\n\n");
        hostile_fill(&b, "> ", HOSTILE_LIMIT);
        break;
    case 6: /* 1 MiB of nested list items, one per line */
        *name = "body-lists";
        ks_buf_puts(&b, "---\n\n");
        for (int k = 0; b.len < HOSTILE_LIMIT - 2000; k++) {
            for (int s = 0; s < (k % 400) * 2; s++) ks_buf_putc(&b, ' ');
            ks_buf_puts(&b, "- x\n");
        }
        break;
    case 7: /* emphasis delimiters that never match */
        *name = "body-emphasis";
        ks_buf_puts(&b, "---\n\n");
        hostile_fill(&b, "*a **b _c __d ", HOSTILE_LIMIT);
        break;
    case 8: /* unclosed link brackets */
        *name = "body-brackets";
        ks_buf_puts(&b, "---\n\n");
        hostile_fill(&b, "[a](", HOSTILE_LIMIT);
        break;
    case 9: /* 50,000 links to pages that do not exist */
        *name = "body-links";
        ks_buf_puts(&b, "---\n\n");
        hostile_fill(&b, "[see](missing.md#part) ", HOSTILE_LIMIT);
        break;
    case 10: /* one line of 1 MiB */
        *name = "body-one-line";
        ks_buf_puts(&b, "---\n\n");
        hostile_fill(&b, "x", HOSTILE_LIMIT);
        break;
    case 11: /* backticks of every length */
        *name = "body-backticks";
        ks_buf_puts(&b, "---\n\n");
        for (int k = 1; b.len < HOSTILE_LIMIT - 200; k = k % 60 + 1) {
            for (int t = 0; t < k; t++) ks_buf_putc(&b, '`');
            ks_buf_puts(&b, " a ");
        }
        break;
    case 12: /* 100,000 headings */
        *name = "body-headings";
        ks_buf_puts(&b, "---\n\n");
        hostile_fill(&b, "# Head\n", HOSTILE_LIMIT);
        break;
    case 13: /* raw HTML and entities */
        *name = "body-html";
        ks_buf_puts(&b, "---\n\n");
        hostile_fill(&b, "<div><span>&amp;&#x41;&nbsp;", HOSTILE_LIMIT);
        break;
    case 14: /* nested brackets in the body */
        *name = "body-nested-brackets";
        ks_buf_puts(&b, "---\n\n");
        hostile_fill(&b, "[", HOSTILE_LIMIT / 2);
        hostile_fill(&b, "]", HOSTILE_LIMIT);
        break;
    case 15: /* words of prose: the reading grade and plain text */
        *name = "body-prose";
        ks_buf_puts(&b, "---\n\n");
        hostile_fill(&b, "The knee is a joint. Rest helps it heal after an injection. ", HOSTILE_LIMIT);
        break;
    /* just under each bound of src/store/bounds.c, then prose to 1 MiB:
     * the worst a page that passes the bounds can do */
    case 16:
        *name = "edge-close-brackets";
        ks_buf_puts(&b, "---\n\n");
        for (int k = 0; k < 9990; k++) ks_buf_puts(&b, "a]");
        hostile_fill(&b, "\nPlain words. ", HOSTILE_LIMIT);
        break;
    case 17:
        *name = "edge-open-links";
        ks_buf_puts(&b, "---\n\n");
        for (int k = 0; k < 4990; k++) ks_buf_puts(&b, "[a](");
        hostile_fill(&b, " plain words", HOSTILE_LIMIT);
        break;
    case 18:
        *name = "edge-emphasis";
        ks_buf_puts(&b, "---\n\n");
        for (int k = 0; k < 3300; k++) ks_buf_puts(&b, "*a **b _c __d ");
        hostile_fill(&b, "plain words ", HOSTILE_LIMIT);
        break;
    case 19:
        *name = "edge-html";
        ks_buf_puts(&b, "---\n\n");
        for (int k = 0; k < 9990; k++) ks_buf_puts(&b, "<a href=\"");
        hostile_fill(&b, "plain words ", HOSTILE_LIMIT);
        break;
    case 20:
        *name = "edge-backticks";
        ks_buf_puts(&b, "---\n\n");
        for (int k = 0; k < 19990; k++) ks_buf_puts(&b, "`a");
        hostile_fill(&b, "plain words ", HOSTILE_LIMIT);
        break;
    case 21:
        *name = "edge-deep-lines";
        ks_buf_puts(&b, "---\n\n");
        for (int line = 0; line < 620; line++) { /* 19,840 containers */
            for (int k = 0; k < 16; k++) ks_buf_puts(&b, "> - ");
            ks_buf_puts(&b, "x\n");
        }
        hostile_fill(&b, "plain words ", HOSTILE_LIMIT);
        break;
    case 22:
        *name = "edge-many-lines";
        ks_buf_puts(&b, "---\n\n");
        for (int k = 0; k < 19990 && b.len < HOSTILE_LIMIT - 100; k++) ks_buf_puts(&b, k % 2 ? "# Head\n" : "- item\n");
        hostile_fill(&b, "plain words ", HOSTILE_LIMIT);
        break;
    case 23:
        *name = "edge-everything";
        ks_buf_puts(&b, "---\n\n");
        for (int k = 0; k < 2400; k++) ks_buf_puts(&b, "a] [a]( *a _b <a href=\" `c\n");
        hostile_fill(&b, "plain words ", HOSTILE_LIMIT);
        break;
    default: ks_buf_free(&b); return NULL;
    }
    return ks_buf_detach(&b);
}

#endif
