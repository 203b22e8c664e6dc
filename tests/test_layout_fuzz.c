/* layout fuzz: thousands of random Markdown documents built from the
 * pieces CommonMark's constructs are made of (markers, delimiters, HTML,
 * entities, links, breaks, multibyte and invalid bytes, NULs), each turned
 * into a doc and laid out at a random width (600..3840) and text scale
 * (1..2). Nothing may crash (run under ASan/UBSan too), every text run must
 * be clean UTF-8, and no item may leave the text column. Fixed seed, so a
 * failure names the case that reproduces it. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/doc.h"
#include "kiosk/layout.h"

#include "fuzz_doc.h"

#include "fuzz_metrics.h"


static int clean_runs(const ks_doc_block *b, size_t n) {
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < b[i].n_runs; k++) {
            const ks_doc_run *r = &b[i].runs[k];
            if (!ks_utf8_valid(r->text, r->len, NULL) || strlen(r->text) != r->len) bad++;
            if (r->link && strchr(r->link, ':')) bad++;
        }
        bad += clean_runs(b[i].children, b[i].n_children);
    }
    return bad;
}

static void test_fuzz(void) {
    int cases = 2500;
    const char *env = getenv("KIOSK_FUZZ_CASES");
    if (env && atoi(env) > 0) cases = atoi(env);
    ks_display_list *dl = ks_layout_list_create();
    int failures = 0;
    for (int c = 0; c < cases; c++) {
        size_t len;
        char *md = random_doc(&len);
        ks_doc *doc = ks_doc_parse(md, len, (rnd() & 1) ? "topic/page" : "page");
        size_t nb;
        const ks_doc_block *blocks = ks_doc_blocks(doc, &nb);
        int bad = clean_runs(blocks, nb);
        ks_layout_params p = {600 + (int)(rnd() % 3241), 1.0 + (rnd() % 101) / 100.0,
                              ks_layout_theme((rnd() & 1) ? "default" : "high-contrast"), NULL, 0, 0};
        const char *hl[] = {"word", "e"};
        if (rnd() & 1) {
            p.highlight = hl;
            p.n_highlight = 2;
        }
        ks_layout_info info;
        ks_layout_list_clear(dl);
        if (ks_layout_doc(dl, doc, &fuzz_metrics, &p, &info) != 0) bad++;
        for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
            const ks_item *it = ks_layout_list_item(dl, i);
            if (it->box.x < info.content.x || it->box.x + it->box.w > info.content.x + info.content.w ||
                it->box.w < 0 || it->box.h < 0 || it->box.y < 0)
                bad++;
            if (it->kind == KS_ITEM_TEXT && (!it->text || !ks_utf8_valid(it->text, it->len, NULL))) bad++;
        }
        if (bad && failures++ < 5) {
            fprintf(stderr, "case %d (width %d, scale %.2f): %d problems\n", c, p.width, p.text_scale, bad);
            /* Keep the input to reproduce it. */
            char *path = ks_sprintf("%s/fuzz-case-%d.md", KIOSK_BUILD_DIR, c);
            FILE *f = fopen(path, "wb");
            if (f) {
                fwrite(md, 1, len, f);
                fclose(f);
                fprintf(stderr, "  input saved in %s\n", path);
            }
            free(path);
            for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
                const ks_item *it = ks_layout_list_item(dl, i);
                if (it->box.x < info.content.x || it->box.x + it->box.w > info.content.x + info.content.w ||
                    it->box.w < 0 || it->box.h < 0 || it->box.y < 0)
                    fprintf(stderr, "  item %zu kind %d box %d,%d %dx%d column %d..%d\n", i, (int)it->kind,
                            it->box.x, it->box.y, it->box.w, it->box.h, info.content.x,
                            info.content.x + info.content.w);
            }
        }
        ks_doc_destroy(doc);
        free(md);
    }
    INT_EQ(failures, 0);
    ks_layout_list_destroy(dl);
}

int main(void) {
    RUN(test_fuzz);
    return harness_done();
}
