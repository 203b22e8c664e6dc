/* A generator of random Markdown documents built from the pieces
 * CommonMark's constructs are made of (markers, delimiters, HTML, entities,
 * links, breaks, multibyte and invalid bytes, NULs), shared by the layout
 * and render fuzz tests. A fixed-seed xorshift, so a failing case number
 * reproduces. Include after "kiosk/base.h". */
#ifndef KIOSK_TEST_FUZZ_DOC_H
#define KIOSK_TEST_FUZZ_DOC_H

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static const char *const pieces[] = {
    "# ", "## ", "### ", "####### ", "> ", ">", "- ", "* ", "+ ", "1. ", "2) ", "10. ", "0. ",
    "999999999. ", "    ", "\t", "```\n", "~~~ js\n", "---\n", "***\n", "___", "*", "_", "**", "__",
    "`", "``", "[", "]", "(", ")", "](x.md)", "](../a/b.md#Frag)", "](http://e.com)",
    "](javascript:alert(1))", "](<a b.md>)", "![", "](img.png)", "](/../../x.png)", "<", ">",
    "<div>\n", "</div>", "<b>", "<!-- c -->", "<?php ?>", "<![CDATA[x]]>", "&amp;", "&#0;",
    "&#x110000;", "&nbsp;", "\\", "\\*", "  \n", "\n", "\n\n", " ", "   ", "word ", "longerword",
    "supercalifragilisticexpialidocious", "\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80",
    "\xff", "\xc3", "\xed\xa0\x80", "|", "<http://a.b>", "<a@b.c>", "===\n", "[ref]: /u.md\n",
    "[ref]", "\x01", "\r\n", "\r", "\xe2\x80\x8b", "\xcc\x81",
};

static char *random_doc(size_t *len) {
    ks_buf b = {0};
    size_t n = 1 + rnd() % 220;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = rnd() % 100;
        if (r < 2) { /* a run of one marker: deep nesting */
            const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
            size_t k = rnd() % 300;
            for (size_t j = 0; j < k; j++) ks_buf_puts(&b, p);
        } else if (r < 4) { /* a long word */
            size_t k = rnd() % 5000;
            for (size_t j = 0; j < k; j++) ks_buf_putc(&b, (char)('a' + j % 26));
        } else if (r < 5) {
            ks_buf_putc(&b, '\0');
        } else {
            ks_buf_puts(&b, pieces[rnd() % (sizeof pieces / sizeof pieces[0])]);
        }
    }
    *len = b.len;
    return ks_buf_detach(&b);
}

#endif
