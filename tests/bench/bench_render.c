/* bench_render: how fast pages lay out and draw in the software renderer at
 * 1080x1920, on every shipped page. Prints figures; asserts nothing.
 *
 *   layout (cold)   first layout of a page on a fresh ks_render: fonts open,
 *                   every word measured by SDL_ttf/HarfBuzz
 *   layout (first)  first layout of a page in a running kiosk: fonts already
 *                   open from other pages, this page's words not yet measured
 *   layout (warm)   the same page again (measurements cached), as on a
 *                   relayout after a content change or a text-scale switch
 *   cold render     the first frame of a page: every visible line rasterised
 *   scrolled frame  a frame during a fling (clear + draw at a new offset)
 *                   with the lines already cached
 *
 * Usage: bench_render [CONTENT_DIR] [--frames N] [--scale S] [--size WxH]
 */
#include "kiosk/base.h"
#include "kiosk/doc.h"
#include "kiosk/layout.h"
#include "kiosk/render.h"
#include "kiosk/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>


typedef struct samples {
    double *v;
    size_t n, cap;
} samples;

static void add(samples *s, double x) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = ks_realloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = x;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(samples *s, double p) {
    if (!s->n) return 0;
    qsort(s->v, s->n, sizeof *s->v, cmp);
    size_t i = (size_t)(p * (double)(s->n - 1) + 0.5);
    return s->v[i];
}

static void report(const char *what, samples *s) {
    printf("%-38s median %7.3f ms   p99 %7.3f ms   max %7.3f ms   (n=%zu)\n", what, pct(s, 0.5), pct(s, 0.99),
           pct(s, 1.0), s->n);
}

int main(int argc, char **argv) {
    const char *content = KIOSK_SOURCE_DIR "/content";
    int frames = 240, W = 1080, H = 1920;
    double scale = 1.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--frames") && i + 1 < argc)
            frames = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--scale") && i + 1 < argc)
            scale = atof(argv[++i]);
        else if (!strcmp(argv[i], "--size") && i + 1 < argc && sscanf(argv[i + 1], "%dx%d", &W, &H) == 2)
            i++;
        else
            content = argv[i];
    }
    int err;
    ks_store *store = ks_store_load(content, NULL, &err);
    if (!store) {
        fprintf(stderr, "bench_render: cannot load %s\n", content);
        return 2;
    }
    samples lay_cold = {0}, lay_first = {0}, lay_warm = {0}, cold = {0}, scrolled = {0}, scrolled_hc = {0};
    size_t pages = ks_store_page_count(store);
    /* One renderer kept across pages, as the kiosk keeps one. */
    ks_render_options so = {0};
    so.content_dir = content;
    ks_render_headless *shared = ks_render_headless_create(W, 100, NULL, &so, &err);
    if (!shared) return 2;
    for (size_t i = 0; i < pages; i++) {
        const ks_page *page = ks_store_page(store, pages - 1 - i); /* another order than below */
        ks_doc *doc = ks_page_doc(page);
        ks_display_list *dl = ks_layout_list_create();
        ks_layout_params lp = {W, scale, NULL, NULL, 0, 0};
        double t0 = ks_now_ms();
        ks_layout_doc(dl, doc, ks_render_metrics(ks_render_headless_render(shared)), &lp, NULL);
        if (i) add(&lay_first, ks_now_ms() - t0); /* the first page also opens the fonts */
        ks_layout_list_destroy(dl);
        ks_doc_destroy(doc);
    }
    ks_render_headless_destroy(shared);
    double tallest = 0;
    for (size_t i = 0; i < pages; i++) {
        const ks_page *page = ks_store_page(store, i);
        for (int look = 0; look < 2; look++) {
            const ks_theme *theme = ks_layout_theme(look ? "high-contrast" : "default");
            ks_render_options o = {0};
            o.content_dir = content;
            ks_render_headless *hl = ks_render_headless_create(W, H, theme, &o, &err);
            if (!hl) return 2;
            ks_render *rd = ks_render_headless_render(hl);
            ks_doc *doc = ks_page_doc(page);
            ks_display_list *dl = ks_layout_list_create();
            ks_layout_params lp = {W, scale, theme, NULL, 0, 0};
            ks_layout_info info;
            double t0 = ks_now_ms();
            ks_layout_doc(dl, doc, ks_render_metrics(rd), &lp, &info);
            double t1 = ks_now_ms();
            if (!look) add(&lay_cold, t1 - t0);
            for (int r = 0; r < 5 && !look; r++) {
                ks_layout_list_clear(dl);
                t0 = ks_now_ms();
                ks_layout_doc(dl, doc, ks_render_metrics(rd), &lp, &info);
                add(&lay_warm, ks_now_ms() - t0);
            }
            if (info.height > tallest) tallest = info.height;
            /* First frame: nothing cached. */
            t0 = ks_now_ms();
            ks_render_clear(rd, NULL);
            ks_render_draw(rd, dl, 0, 0, NULL);
            SDL_RenderFlush(ks_render_headless_renderer(hl));
            add(&cold, ks_now_ms() - t0);
            /* Warm the cache over the whole page, then fling through it
             * (down and back) at about 23 px a frame. */
            int max_scroll = info.height > H ? info.height - H : 0;
            for (int s = 0; s <= max_scroll; s += H / 2) ks_render_draw(rd, dl, 0, -s, NULL);
            ks_render_draw(rd, dl, 0, -max_scroll, NULL);
            int s = 0, dir = 23;
            for (int f = 0; f < frames; f++) {
                s += dir;
                if (s > max_scroll) s = max_scroll, dir = -dir;
                if (s < 0) s = 0, dir = -dir;
                t0 = ks_now_ms();
                ks_render_clear(rd, NULL);
                ks_render_draw(rd, dl, 0, -s, NULL);
                SDL_RenderFlush(ks_render_headless_renderer(hl));
                add(look ? &scrolled_hc : &scrolled, ks_now_ms() - t0);
            }
            ks_layout_list_destroy(dl);
            ks_doc_destroy(doc);
            ks_render_headless_destroy(hl);
        }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bench_render: %zu shipped pages at %dx%d, text scale %.1f, software renderer\n", pages, W, H, scale);
    report("layout, cold (fonts, measuring)", &lay_cold);
    report("layout, first time in a running kiosk", &lay_first);
    report("layout, warm", &lay_warm);
    report("first frame, cold text cache", &cold);
    report("scrolled frame, warm cache", &scrolled);
    report("scrolled frame, high-contrast", &scrolled_hc);
    printf("tallest page: %.0f px;  peak memory (max RSS): %.1f MB\n", tallest, ru.ru_maxrss / 1024.0);
    free(lay_cold.v);
    free(lay_first.v);
    free(lay_warm.v);
    free(cold.v);
    free(scrolled.v);
    free(scrolled_hc.v);
    ks_store_free(store);
    return 0;
}
