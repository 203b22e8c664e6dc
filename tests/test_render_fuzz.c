/* render fuzz: random Markdown (the generator of test_layout_fuzz.c) laid
 * out with the real fonts (HarfBuzz shaping of combining marks, zero-width
 * characters, emoji DejaVu lacks, huge words) and drawn headlessly at
 * random sizes and scrolls. Nothing may crash or trip a sanitizer; every
 * drawn text run stays inside the column. Fixed seed. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/doc.h"
#include "kiosk/layout.h"
#include "kiosk/render.h"

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

static void test_fuzz_render(void) {
    int cases = 150;
    const char *env = getenv("KIOSK_FUZZ_CASES");
    if (env && atoi(env) > 0) cases = atoi(env);
    int err;
    ks_render_options o = {0};
    o.content_dir = KIOSK_FIXTURES "/render";
    o.cache_bytes = 8u << 20; /* small, so eviction runs too */
    ks_render_headless *hl = ks_render_headless_create(1000, 500, NULL, &o, &err);
    OK(hl != NULL);
    if (!hl) return;
    ks_render *rd = ks_render_headless_render(hl);
    ks_display_list *dl = ks_layout_list_create();
    int failures = 0;
    for (int c = 0; c < cases; c++) {
        size_t len;
        char *md = random_doc(&len);
        ks_doc *doc = ks_doc_parse(md, len, "page");
        ks_layout_params p = {600 + (int)(rnd() % 3241), 1.0 + (rnd() % 101) / 100.0,
                              ks_layout_theme((rnd() & 1) ? "default" : "high-contrast"), NULL, 0, 0};
        ks_render_set_theme(rd, p.theme);
        ks_layout_info info;
        ks_layout_list_clear(dl);
        int bad = ks_layout_doc(dl, doc, ks_render_metrics(rd), &p, &info) != 0;
        for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
            const ks_item *it = ks_layout_list_item(dl, i);
            if (it->box.x < info.content.x || it->box.x + it->box.w > info.content.x + info.content.w) bad++;
        }
        /* Draw the top, a random scroll and the bottom, with the page
         * shifted left so wide pages show their right edge too. */
        int ox = -(int)(rnd() % (unsigned)(p.width > 1000 ? p.width - 999 : 1));
        int stops[3] = {0, info.height ? (int)(rnd() % (unsigned)info.height) : 0, info.height - 500};
        for (int s = 0; s < 3; s++) {
            ks_render_clear(rd, NULL);
            if (ks_render_draw(rd, dl, ox, -stops[s], NULL) != 0) bad++;
        }
        if (bad && failures++ < 5)
            fprintf(stderr, "case %d (width %d, scale %.2f): %d problems\n", c, p.width, p.text_scale, bad);
        ks_doc_destroy(doc);
        free(md);
    }
    INT_EQ(failures, 0);
    ks_render_stats st;
    ks_render_get_stats(rd, &st);
    OK(st.text_bytes <= (8u << 20) * 2);
    ks_layout_list_destroy(dl);
    ks_render_headless_destroy(hl);
}

int main(void) {
    RUN(test_fuzz_render);
    return harness_done();
}
