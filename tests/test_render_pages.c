/* Every shipped page (whatever ks_store_load finds in content/) renders
 * headlessly at 1080x1920 and 1920x1080, and at 1080x1920 in the
 * high-contrast theme, each at text scales 1.0, 1.5 and 2.0:
 * the PNG has the requested size, is not blank, and no display-list item
 * lies outside the page's text column. The PNGs are left in
 * build/render-pages/ for a person to look at. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/doc.h"
#include "kiosk/layout.h"
#include "kiosk/render.h"
#include "kiosk/store.h"

#include <SDL_image.h>
#include <sys/stat.h>

static const struct {
    int w, h;
    const char *theme;
} looks[] = {{1080, 1920, "default"}, {1920, 1080, "default"}, {1080, 1920, "high-contrast"}};
static const double scales[] = {1.0, 1.5, 2.0};

/* Pixels that differ from the background colour. */
static long ink_pixels(SDL_Surface *s, ks_color bg) {
    long n = 0;
    SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < s->w; x++) {
            uint8_t r, g, b;
            SDL_GetRGB(row[x], s->format, &r, &g, &b);
            if (r != bg.r || g != bg.g || b != bg.b) n++;
        }
    }
    SDL_UnlockSurface(s);
    return n;
}

/* Items outside the column (or the page); prints the first few. */
static int items_outside(const ks_display_list *dl, const ks_layout_info *info, int width, const char *what) {
    int bad = 0;
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        int x0 = it->box.x, x1 = it->box.x + it->box.w;
        if (x0 < info->content.x || x1 > info->content.x + info->content.w || x0 < 0 || x1 > width ||
            it->box.w < 0 || it->box.h < 0) {
            if (bad++ < 3)
                fprintf(stderr, "  %s: item %zu kind %d at x %d..%d outside column %d..%d (%s)\n", what, i,
                        (int)it->kind, x0, x1, info->content.x, info->content.x + info->content.w,
                        it->text ? it->text : "");
        }
    }
    return bad;
}

static void test_every_page(void) {
    int err;
    ks_store *store = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    OK(store != NULL);
    if (!store) return;
    size_t pages = ks_store_page_count(store);
    OK(pages > 0);
    mkdir(KIOSK_BUILD_DIR "/render-pages", 0755);
    for (size_t s = 0; s < sizeof looks / sizeof looks[0]; s++) {
        int w = looks[s].w, h = looks[s].h;
        const ks_theme *theme = ks_layout_theme(looks[s].theme);
        ks_render_options ro = {0};
        ro.content_dir = KIOSK_SOURCE_DIR "/content";
        ks_render_headless *hl = ks_render_headless_create(w, h, theme, &ro, &err);
        OK(hl != NULL);
        if (!hl) continue;
        ks_render *rd = ks_render_headless_render(hl);
        for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++) {
            for (size_t i = 0; i < pages; i++) {
                const ks_page *page = ks_store_page(store, i);
                char what[512];
                snprintf(what, sizeof what, "%s at %dx%d scale %.1f %s", page->slug, w, h, scales[k], theme->name);
                ks_doc *doc = ks_page_doc(page);
                ks_display_list *dl = ks_layout_list_create();
                ks_layout_params lp = {w, scales[k], theme, NULL, 0, 0};
                ks_layout_info info;
                INT_EQ(ks_layout_doc(dl, doc, ks_render_metrics(rd), &lp, &info), 0);
                OK(ks_layout_list_count(dl) > 0);
                int outside = items_outside(dl, &info, w, what);
                if (outside) fprintf(stderr, "%s: %d items outside the column\n", what, outside);
                INT_EQ(outside, 0);
                ks_render_clear(rd, NULL);
                INT_EQ(ks_render_draw(rd, dl, 0, 0, NULL), 0);
                char path[1024], slug[256];
                snprintf(slug, sizeof slug, "%s", page->slug);
                for (char *p = slug; *p; p++)
                    if (*p == '/') *p = '_';
                snprintf(path, sizeof path, KIOSK_BUILD_DIR "/render-pages/%s-%dx%d-%.1f%s.png", slug, w, h, scales[k],
                         s == 2 ? "-hc" : "");
                INT_EQ(ks_render_headless_save_png(hl, path), 0);
                SDL_Surface *png = IMG_Load(path);
                OK(png != NULL);
                if (png) {
                    INT_EQ(png->w, w);
                    INT_EQ(png->h, h);
                    long ink = ink_pixels(png, theme->background);
                    if (ink < 2000) fprintf(stderr, "%s: blank? only %ld pixels of ink\n", what, ink);
                    OK(ink >= 2000);
                    SDL_FreeSurface(png);
                }
                ks_layout_list_destroy(dl);
                ks_doc_destroy(doc);
            }
        }
        ks_render_headless_destroy(hl);
    }
    ks_store_free(store);
}

/* doc resolves links the way the store does: every link the store found
 * to a page is a hit box with that page (and anchor) as its target, every
 * heading of the store is an anchor in the display list, and nothing else
 * is a link. */
static void test_links_agree_with_store(void) {
    int err;
    ks_store *store = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    OK(store != NULL);
    if (!store) return;
    ks_render_headless *hl = ks_render_headless_create(1080, 400, NULL, NULL, &err);
    OK(hl != NULL);
    if (!hl) {
        ks_store_free(store);
        return;
    }
    ks_render *rd = ks_render_headless_render(hl);
    size_t checked = 0;
    for (size_t i = 0; i < ks_store_page_count(store); i++) {
        const ks_page *page = ks_store_page(store, i);
        ks_doc *doc = ks_page_doc(page);
        ks_display_list *dl = ks_layout_list_create();
        ks_layout_params lp = {1080, 1.0, NULL, NULL, 0, 0};
        ks_layout_doc(dl, doc, ks_render_metrics(rd), &lp, NULL);
        for (size_t k = 0; k < page->n_links; k++) {
            const ks_link *l = &page->links[k];
            if (!l->slug) continue;
            char *want = l->fragment ? ks_sprintf("%s#%s", l->slug, l->fragment) : ks_strdup(l->slug);
            int found = 0;
            for (size_t j = 0; j < ks_layout_list_count(dl) && !found; j++) {
                const ks_item *it = ks_layout_list_item(dl, j);
                if (it->kind != KS_ITEM_LINK) continue;
                /* The store turns a folder into its index; doc leaves that
                 * to the UI (it cannot know which folders are topics). */
                char *idx = ks_sprintf("%s/index", it->target);
                found = !strcmp(it->target, want) || !strcmp(idx, want);
                free(idx);
            }
            if (!found) fprintf(stderr, "%s: link '%s' (store: %s) has no hit box\n", page->slug, l->url, want);
            OK(found);
            checked++;
            free(want);
        }
        for (size_t j = 0; j < ks_layout_list_count(dl); j++) {
            const ks_item *it = ks_layout_list_item(dl, j);
            if (it->kind != KS_ITEM_LINK) continue;
            int known = 0;
            for (size_t k = 0; k < page->n_links && !known; k++) {
                char *t = NULL;
                known = ks_link_resolve(page->slug, page->links[k].url, &t) && !strcmp(t, it->target);
                free(t);
            }
            if (!known) fprintf(stderr, "%s: hit box to '%s' is no link the store knows\n", page->slug, it->target);
            OK(known);
        }
        for (size_t h = 0; h < page->n_headings; h++) {
            int y = ks_layout_list_anchor_y(dl, page->headings[h].anchor);
            if (y < 0) fprintf(stderr, "%s: heading anchor '%s' missing\n", page->slug, page->headings[h].anchor);
            OK(y >= 0);
        }
        ks_layout_list_destroy(dl);
        ks_doc_destroy(doc);
    }
    OK(checked > 10);
    ks_render_headless_destroy(hl);
    ks_store_free(store);
}

int main(void) {
    RUN(test_links_agree_with_store);
    RUN(test_every_page);
    return harness_done();
}
