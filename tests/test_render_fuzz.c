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

#include "fuzz_doc.h"

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
