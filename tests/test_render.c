/* render: golden images from the one headless path, the text cache (a
 * scrolled frame rasterises nothing new), byte-identical PNGs, hostile
 * Markdown, missing fonts, pictures.
 *
 * Golden images live in tests/golden/. When a change to the look is meant,
 * regenerate them with scripts/update-golden (which runs this program with
 * KIOSK_UPDATE_GOLDEN=1) and look at them before committing. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/doc.h"
#include "kiosk/layout.h"
#include "kiosk/render.h"

#include <SDL_image.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIX KIOSK_FIXTURES "/render"
#define GOLDEN KIOSK_SOURCE_DIR "/tests/golden"
#define OUT KIOSK_BUILD_DIR "/render-test"

/* A pixel differs when a channel is off by more than this... */
#define CHANNEL_TOLERANCE 24
/* ...and an image differs when more than this fraction of pixels do. */
#define PIXEL_FRACTION 0.001

typedef struct page {
    ks_doc *doc;
    ks_display_list *dl;
    ks_layout_info info;
} page;

static ks_render_options fixture_opts(void) {
    ks_render_options o = {0};
    o.content_dir = FIX;
    return o;
}

static void page_load(page *p, ks_render *rd, const char *file, int width, double scale, const ks_theme *t) {
    char *path = ks_sprintf("%s/%s", FIX, file);
    char *md = harness_read_file(path);
    OK(md != NULL);
    p->doc = ks_doc_parse(md ? md : "", md ? strlen(md) : 0, "constructs");
    p->dl = ks_layout_list_create();
    ks_layout_params lp = {width, scale, t, NULL, 0, 0};
    INT_EQ(ks_layout_doc(p->dl, p->doc, ks_render_metrics(rd), &lp, &p->info), 0);
    free(md);
    free(path);
}

static void page_free(page *p) {
    ks_layout_list_destroy(p->dl);
    ks_doc_destroy(p->doc);
}

/* Pixels of a and b (same size) that differ beyond the tolerance. */
static long differing(SDL_Surface *a, SDL_Surface *b, SDL_Surface *diff) {
    long n = 0;
    for (int y = 0; y < a->h; y++) {
        const uint32_t *ra = (const uint32_t *)((const uint8_t *)a->pixels + (size_t)y * (size_t)a->pitch);
        const uint32_t *rb = (const uint32_t *)((const uint8_t *)b->pixels + (size_t)y * (size_t)b->pitch);
        uint32_t *rd = (uint32_t *)((uint8_t *)diff->pixels + (size_t)y * (size_t)diff->pitch);
        for (int x = 0; x < a->w; x++) {
            int bad = 0;
            for (int s = 0; s < 24; s += 8) {
                int ca = (int)((ra[x] >> s) & 0xff), cb = (int)((rb[x] >> s) & 0xff);
                if (abs(ca - cb) > CHANNEL_TOLERANCE) bad = 1;
            }
            rd[x] = bad ? 0xffff0000u : (0xff000000u | ((ra[x] & 0xfefefe) >> 1 | 0x808080));
            n += bad;
        }
    }
    return n;
}

/* Render fixture file at width (height: the whole page, at most 4000) and
 * compare with tests/golden/name.png, or write it in update mode. */
static void golden(const char *name, const char *file, int width, double scale, const char *theme) {
    const ks_theme *t = ks_layout_theme(theme);
    ks_render_options o = fixture_opts();
    int err;
    /* Lay out once to learn the height, then draw on a surface that tall. */
    ks_render_headless *probe = ks_render_headless_create(width, 200, t, &o, &err);
    OK(probe != NULL);
    if (!probe) return;
    page p;
    page_load(&p, ks_render_headless_render(probe), file, width, scale, t);
    int height = p.info.height < 4000 ? p.info.height : 4000;
    page_free(&p);
    ks_render_headless_destroy(probe);

    ks_render_headless *hl = ks_render_headless_create(width, height, t, &o, &err);
    OK(hl != NULL);
    if (!hl) return;
    ks_render *rd = ks_render_headless_render(hl);
    page_load(&p, rd, file, width, scale, t);
    ks_render_clear(rd, NULL);
    INT_EQ(ks_render_draw(rd, p.dl, 0, 0, NULL), 0);
    char *gold = ks_sprintf("%s/%s.png", GOLDEN, name);
    const char *update = getenv("KIOSK_UPDATE_GOLDEN");
    if (update && *update == '1') {
        INT_EQ(ks_render_headless_save_png(hl, gold), 0);
        fprintf(stderr, "wrote %s (%dx%d)\n", gold, width, height);
    } else {
        SDL_Surface *want_any = IMG_Load(gold);
        if (!want_any) fprintf(stderr, "%s: missing; run scripts/update-golden\n", gold);
        OK(want_any != NULL);
        SDL_Surface *want = want_any ? SDL_ConvertSurfaceFormat(want_any, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
        SDL_Surface *got = ks_render_headless_surface(hl);
        if (want) {
            INT_EQ(want->w, got->w);
            INT_EQ(want->h, got->h);
            if (want->w == got->w && want->h == got->h) {
                SDL_Surface *diff = SDL_CreateRGBSurfaceWithFormat(0, got->w, got->h, 32, SDL_PIXELFORMAT_ARGB8888);
                long bad = differing(got, want, diff);
                long limit = (long)(PIXEL_FRACTION * got->w * got->h);
                if (bad > limit) {
                    mkdir(OUT, 0755);
                    char *actual = ks_sprintf("%s/%s-actual.png", OUT, name);
                    char *dpath = ks_sprintf("%s/%s-diff.png", OUT, name);
                    ks_render_headless_save_png(hl, actual);
                    IMG_SavePNG(diff, dpath);
                    fprintf(stderr, "%s: %ld pixels differ (limit %ld): see %s and %s\n", name, bad, limit, actual, dpath);
                    free(actual);
                    free(dpath);
                }
                OK(bad <= limit);
                SDL_FreeSurface(diff);
            }
        }
        SDL_FreeSurface(want);
        SDL_FreeSurface(want_any);
    }
    free(gold);
    page_free(&p);
    ks_render_headless_destroy(hl);
}

static void test_golden(void) {
    golden("constructs-1080-default", "constructs.md", 1080, 1.0, "default");
    golden("lists-800-hc-1.5", "lists.md", 800, 1.5, "high-contrast");
    golden("constructs-600-2.0", "constructs.md", 600, 2.0, "default");
    golden("more-1080-default", "more.md", 1080, 1.0, "default");
}

static void test_scrolled_frame_rasterises_nothing(void) {
    int err;
    ks_render_options o = fixture_opts();
    ks_render_headless *hl = ks_render_headless_create(1080, 1920, NULL, &o, &err);
    OK(hl != NULL);
    if (!hl) return;
    ks_render *rd = ks_render_headless_render(hl);
    page p;
    page_load(&p, rd, "constructs.md", 1080, 1.0, NULL);
    OK(p.info.height > 2500);
    ks_render_stats st;
    ks_render_clear(rd, NULL);
    INT_EQ(ks_render_draw(rd, p.dl, 0, 0, NULL), 0);
    ks_render_get_stats(rd, &st);
    size_t first = st.rasterised;
    OK(first > 20);
    /* Scroll down 600 px: only lines that came into view are new. */
    ks_render_clear(rd, NULL);
    INT_EQ(ks_render_draw(rd, p.dl, 0, -600, NULL), 0);
    ks_render_get_stats(rd, &st);
    size_t second = st.rasterised;
    OK(second > first);
    OK(second - first < first);
    /* Anywhere between: nothing new. */
    for (int s = 0; s <= 600; s += 37) {
        ks_render_clear(rd, NULL);
        INT_EQ(ks_render_draw(rd, p.dl, 0, -s, NULL), 0);
    }
    ks_render_get_stats(rd, &st);
    INT_EQ(st.rasterised, second);
    OK(st.text_textures > 0);
    OK(st.images >= 1);
    page_free(&p);
    ks_render_headless_destroy(hl);
}

static void test_cache_budget(void) {
    int err;
    ks_render_options o = fixture_opts();
    o.cache_bytes = 1; /* keep only what the current frame drew */
    ks_render_headless *hl = ks_render_headless_create(1080, 800, NULL, &o, &err);
    OK(hl != NULL);
    if (!hl) return;
    ks_render *rd = ks_render_headless_render(hl);
    page p;
    page_load(&p, rd, "constructs.md", 1080, 1.0, NULL);
    ks_render_stats a, b, c;
    ks_render_draw(rd, p.dl, 0, 0, NULL);
    ks_render_get_stats(rd, &a);
    /* A frame of several draw calls keeps what each of them drew. */
    ks_render_draw(rd, p.dl, 0, -2000, NULL);
    ks_render_get_stats(rd, &b);
    INT_EQ(b.text_textures, a.text_textures + (b.rasterised - a.rasterised));
    ks_render_draw(rd, p.dl, 0, 0, NULL);
    ks_render_get_stats(rd, &c);
    INT_EQ(c.rasterised, b.rasterised);
    /* Texts not drawn for a while go once the budget is exceeded. */
    for (int i = 0; i < 10; i++) ks_render_draw(rd, p.dl, 0, -2000, NULL);
    ks_render_get_stats(rd, &c);
    OK(c.text_textures > 0);
    OK(c.text_textures < b.text_textures);
    INT_EQ(c.text_textures, b.rasterised - a.rasterised); /* just the lines at 2000 */
    page_free(&p);
    ks_render_headless_destroy(hl);
}

static void test_png_bytes_identical(void) {
    char *paths[2];
    for (int run = 0; run < 2; run++) {
        int err;
        ks_render_options o = fixture_opts();
        ks_render_headless *hl = ks_render_headless_create(1080, 1920, NULL, &o, &err);
        OK(hl != NULL);
        if (!hl) return;
        page p;
        page_load(&p, ks_render_headless_render(hl), "constructs.md", 1080, 1.0, NULL);
        ks_render_clear(ks_render_headless_render(hl), NULL);
        ks_render_draw(ks_render_headless_render(hl), p.dl, 0, -300, NULL);
        mkdir(OUT, 0755);
        paths[run] = ks_sprintf("%s/same-%d.png", OUT, run);
        INT_EQ(ks_render_headless_save_png(hl, paths[run]), 0);
        page_free(&p);
        ks_render_headless_destroy(hl);
    }
    size_t la = 0, lb = 0;
    char *a = NULL, *b = NULL;
    INT_EQ(ks_read_file(paths[0], 1u << 26, &a, &la), 0);
    INT_EQ(ks_read_file(paths[1], 1u << 26, &b, &lb), 0);
    OK(la > 1000);
    OK(la == lb && a && b && memcmp(a, b, la) == 0);
    free(a);
    free(b);
    free(paths[0]);
    free(paths[1]);
}

static void test_hostile(void) {
    static const struct {
        int w, h;
        double scale;
    } looks[] = {{1080, 1920, 1.0}, {600, 1000, 2.0}, {3840, 2160, 1.5}};
    for (size_t k = 0; k < sizeof looks / sizeof looks[0]; k++) {
        int err;
        ks_render_options o = fixture_opts();
        ks_render_headless *hl = ks_render_headless_create(looks[k].w, looks[k].h, NULL, &o, &err);
        OK(hl != NULL);
        if (!hl) return;
        ks_render *rd = ks_render_headless_render(hl);
        page p;
        page_load(&p, rd, "hostile.md", looks[k].w, looks[k].scale, ks_layout_theme("high-contrast"));
        OK(p.info.height > looks[k].h);
        /* Top, middle (inside the 100 kB word) and bottom. */
        int stops[] = {0, p.info.height / 3, p.info.height / 2, p.info.height - looks[k].h};
        for (size_t s = 0; s < 4; s++) {
            ks_render_clear(rd, NULL);
            INT_EQ(ks_render_draw(rd, p.dl, 0, -stops[s], NULL), 0);
        }
        for (size_t i = 0; i < ks_layout_list_count(p.dl); i++) {
            const ks_item *it = ks_layout_list_item(p.dl, i);
            if (it->kind == KS_ITEM_LINK) OK(strchr(it->target, ':') == NULL);
            if (it->kind == KS_ITEM_TEXT) OK(strstr(it->text, "<script") == NULL);
            OK(it->box.x >= p.info.content.x && it->box.x + it->box.w <= p.info.content.x + p.info.content.w);
        }
        page_free(&p);
        ks_render_headless_destroy(hl);
    }
}

static void test_missing_fonts(void) {
    char dir[] = "/tmp/kiosk-nofonts-XXXXXX";
    OK(mkdtemp(dir) != NULL);
    ks_render_options o = {0};
    o.font_dir = dir;
    /* Catch the message on stderr. */
    char *log = ks_sprintf("%s/log", dir);
    fflush(stderr);
    int saved = dup(2);
    FILE *f = freopen(log, "w", stderr);
    OK(f != NULL);
    int err = 0;
    ks_render_headless *hl = ks_render_headless_create(800, 600, NULL, &o, &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    OK(hl == NULL);
    INT_EQ(err, KS_ERR_NOT_FOUND);
    char *msg = harness_read_file(log);
    STR_CONTAINS(msg, "DejaVuSans.ttf");
    STR_CONTAINS(msg, dir);
    STR_CONTAINS(msg, "fonts-dejavu-core");
    STR_CONTAINS(msg, "KIOSK_FONT_DIR");
    free(msg);
    unlink(log);
    rmdir(dir);
    free(log);
    ks_render_headless_destroy(NULL);
    ks_render_destroy(NULL);
    OK(ks_render_headless_create(0, 10, NULL, NULL, &err) == NULL);
    INT_EQ(err, KS_ERR_INVALID);
}

static void test_shapes_and_images(void) {
    int err;
    ks_render_options o = fixture_opts();
    ks_render_headless *hl = ks_render_headless_create(400, 300, NULL, &o, &err);
    OK(hl != NULL);
    if (!hl) return;
    ks_render *rd = ks_render_headless_render(hl);
    ks_display_list *dl = ks_layout_list_create();
    ks_color red = {200, 0, 0, 255};
    ks_layout_list_add_rect(dl, (ks_rect){10, 10, 100, 60}, red, 20);
    ks_layout_list_add_image(dl, (ks_rect){150, 10, 160, 100}, "diagram.png");
    ks_layout_list_add_image(dl, (ks_rect){150, 150, 100, 100}, "gone.png");
    ks_layout_list_add_image(dl, (ks_rect){20, 150, 100, 100}, "../../etc/passwd");
    ks_render_clear(rd, NULL);
    INT_EQ(ks_render_draw(rd, dl, 0, 0, NULL), 0);
    SDL_Surface *s = ks_render_headless_surface(hl);
    uint32_t *px = s->pixels;
    int pitch = s->pitch / 4;
    const ks_theme *t = ks_layout_theme("default");
    uint32_t bg = SDL_MapRGB(s->format, t->background.r, t->background.g, t->background.b);
    uint32_t r = SDL_MapRGB(s->format, 200, 0, 0);
    INT_EQ(px[40 * pitch + 60] & 0xffffff, r & 0xffffff);  /* inside */
    INT_EQ(px[10 * pitch + 10] & 0xffffff, bg & 0xffffff); /* the rounded-off corner */
    INT_EQ(px[40 * pitch + 10] & 0xffffff, r & 0xffffff);  /* the straight edge */
    /* The diagram's orange disc centre (160,100 in a 320x200 picture drawn at half size). */
    uint8_t cr, cg, cb;
    SDL_GetRGB(px[(10 + 50) * pitch + 150 + 80], s->format, &cr, &cg, &cb);
    OK(cr == 0xB4 && cg == 0x53 && cb == 0x09);
    /* Missing pictures: a placeholder box, not the background. */
    SDL_GetRGB(px[160 * pitch + 200], s->format, &cr, &cg, &cb);
    OK(cr == t->placeholder.r && cg == t->placeholder.g && cb == t->placeholder.b);
    SDL_GetRGB(px[200 * pitch + 30], s->format, &cr, &cg, &cb);
    OK(!(cr == t->background.r && cg == t->background.g && cb == t->background.b));
    /* Clip: nothing drawn outside it. */
    ks_render_clear(rd, NULL);
    ks_rect clip = {0, 0, 50, 50};
    ks_render_draw(rd, dl, 0, 0, &clip);
    INT_EQ(px[40 * pitch + 60] & 0xffffff, bg & 0xffffff);
    INT_EQ(px[40 * pitch + 40] & 0xffffff, r & 0xffffff);
    /* The renderer's own clip rect survives a draw and a clear. */
    SDL_Renderer *sr = ks_render_headless_renderer(hl);
    SDL_Rect mine = {5, 6, 70, 80}, after;
    SDL_RenderSetClipRect(sr, &mine);
    ks_render_draw(rd, dl, 0, 0, &clip);
    ks_render_clear(rd, NULL);
    SDL_RenderGetClipRect(sr, &after);
    OK(SDL_RenderIsClipEnabled(sr));
    OK(after.x == 5 && after.y == 6 && after.w == 70 && after.h == 80);
    SDL_RenderSetClipRect(sr, NULL);
    ks_render_draw(rd, dl, 0, 0, &clip);
    OK(!SDL_RenderIsClipEnabled(sr));
    ks_layout_list_destroy(dl);
    ks_render_headless_destroy(hl);
}

/* A picture wider than 4096 px is kept smaller, still measured at its
 * natural size, and drawn scaled to its box with linear filtering. */
static void test_big_picture(void) {
    mkdir(OUT, 0755);
    SDL_Surface *big = SDL_CreateRGBSurfaceWithFormat(0, 5000, 100, 32, SDL_PIXELFORMAT_ARGB8888);
    OK(big != NULL);
    if (!big) return;
    SDL_FillRect(big, NULL, SDL_MapRGB(big->format, 0, 128, 0));
    SDL_Rect half = {2500, 0, 2500, 100};
    SDL_FillRect(big, &half, SDL_MapRGB(big->format, 0, 0, 200));
    INT_EQ(IMG_SavePNG(big, OUT "/big.png"), 0);
    SDL_FreeSurface(big);
    int err;
    ks_render_options o = {0};
    o.content_dir = OUT;
    ks_render_headless *hl = ks_render_headless_create(1000, 400, NULL, &o, &err);
    OK(hl != NULL);
    if (!hl) return;
    ks_render *rd = ks_render_headless_render(hl);
    const ks_font_metrics *m = ks_render_metrics(rd);
    int w = 0, h = 0;
    INT_EQ(m->image_size(m->ctx, "big.png", &w, &h), 0);
    INT_EQ(w, 5000);
    INT_EQ(h, 100);
    INT_EQ(m->image_size(m->ctx, "nothing.png", &w, &h), KS_ERR_NOT_FOUND);
    /* JPEG too. */
    SDL_Surface *photo = SDL_CreateRGBSurfaceWithFormat(0, 64, 48, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_FillRect(photo, NULL, SDL_MapRGB(photo->format, 200, 100, 50));
    INT_EQ(IMG_SaveJPG(photo, OUT "/photo.jpg", 90), 0);
    SDL_FreeSurface(photo);
    INT_EQ(m->image_size(m->ctx, "photo.jpg", &w, &h), 0);
    INT_EQ(w, 64);
    INT_EQ(h, 48);
    ks_doc *doc = ks_doc_parse("![wide](big.png)", 16, "page");
    ks_display_list *dl = ks_layout_list_create();
    ks_layout_params lp = {1000, 1.0, NULL, NULL, 0, 0};
    ks_layout_info info;
    ks_layout_doc(dl, doc, m, &lp, &info);
    const ks_item *img = NULL;
    for (size_t i = 0; i < ks_layout_list_count(dl); i++)
        if (ks_layout_list_item(dl, i)->kind == KS_ITEM_IMAGE) img = ks_layout_list_item(dl, i);
    OK(img != NULL);
    if (img) {
        INT_EQ(img->box.w, info.content.w);
        INT_EQ(img->box.h, info.content.w * 100 / 5000);
        ks_render_clear(rd, NULL);
        INT_EQ(ks_render_draw(rd, dl, 0, 0, NULL), 0);
        SDL_Surface *s = ks_render_headless_surface(hl);
        uint8_t r, g, b;
        int y = img->box.y + img->box.h / 2;
        SDL_GetRGB(((uint32_t *)s->pixels)[y * (s->pitch / 4) + img->box.x + img->box.w / 4], s->format, &r, &g, &b);
        OK(r == 0 && g == 128 && b == 0);
        SDL_GetRGB(((uint32_t *)s->pixels)[y * (s->pitch / 4) + img->box.x + img->box.w * 3 / 4], s->format, &r, &g, &b);
        OK(r == 0 && g == 0 && b == 200);
    }
    ks_layout_list_destroy(dl);
    ks_doc_destroy(doc);
    ks_render_headless_destroy(hl);
}

static void test_metrics_match_drawing(void) {
    int err;
    ks_render_headless *hl = ks_render_headless_create(1200, 200, NULL, NULL, &err);
    OK(hl != NULL);
    if (!hl) return;
    ks_render *rd = ks_render_headless_render(hl);
    const ks_font_metrics *m = ks_render_metrics(rd);
    const char *s = "Wave AVAST To \xc3\xa9t\xc3\xa9 \xe2\x80\x94 done";
    int w1 = m->measure(m->ctx, KS_FACE_REGULAR, 30, s, strlen(s));
    int w2 = m->measure(m->ctx, KS_FACE_REGULAR, 30, s, strlen(s)); /* cached */
    INT_EQ(w1, w2);
    OK(w1 > 300 && w1 < 900);
    /* Kerning is on: "AV" is narrower than "A" + "V". */
    int av = m->measure(m->ctx, KS_FACE_REGULAR, 60, "AV", 2);
    int a = m->measure(m->ctx, KS_FACE_REGULAR, 60, "A", 1), v = m->measure(m->ctx, KS_FACE_REGULAR, 60, "V", 1);
    OK(av < a + v);
    /* The drawn texture is exactly as wide as measured. */
    ks_display_list *dl = ks_layout_list_create();
    ks_text_style st = {KS_FACE_BOLD, 30, {0, 0, 0, 255}, ks_layout_theme("default")->background, KS_ALIGN_LEFT, 0, 0};
    ks_layout_text_box(dl, m, s, 10, 10, 1100, &st);
    INT_EQ(ks_layout_list_count(dl), 1);
    ks_render_clear(rd, NULL);
    ks_render_draw(rd, dl, 0, 0, NULL);
    SDL_Surface *surf = ks_render_headless_surface(hl);
    const ks_item *it = ks_layout_list_item(dl, 0);
    int minx = 99999, maxx = -1;
    uint32_t bg = SDL_MapRGB(surf->format, st.bg.r, st.bg.g, st.bg.b) & 0xffffff;
    for (int y = 0; y < surf->h; y++)
        for (int x = 0; x < surf->w; x++) {
            uint32_t p = ((uint32_t *)surf->pixels)[y * (surf->pitch / 4) + x] & 0xffffff;
            if (p != bg) {
                if (x < minx) minx = x;
                if (x > maxx) maxx = x;
            }
        }
    OK(minx >= it->box.x);
    OK(maxx < it->box.x + it->box.w);
    int h, asc;
    m->line(m->ctx, KS_FACE_REGULAR, 30, &h, &asc);
    OK(h >= 30 && asc > 20 && asc < h);
    ks_layout_list_destroy(dl);
    ks_render_headless_destroy(hl);
}

int main(void) {
    RUN(test_metrics_match_drawing);
    RUN(test_shapes_and_images);
    RUN(test_big_picture);
    RUN(test_scrolled_frame_rasterises_nothing);
    RUN(test_cache_budget);
    RUN(test_png_bytes_identical);
    RUN(test_hostile);
    RUN(test_missing_fonts);
    RUN(test_golden);
    return harness_done();
}
