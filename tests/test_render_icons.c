/* Line icons (assets/icons, issue 15), headless, looking at real pixels:
 * every icon the store names has its file and every file is named; each
 * icon drawn at 24, 64 and 160 px in the default theme's text colour and
 * in high contrast's accent lands inside its box, reaches across most of
 * it (the size asked for), is neither empty nor a filled blob (strokes),
 * and holds only the colour asked for blended with the background (the
 * tint replaced currentColor); drawn through a display list it gives the
 * same pixels; an unknown name draws nothing. A sheet of every icon in
 * both themes is saved in build/render-icons/ to look at. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/render.h"
#include "kiosk/store.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static ks_render_options opts(void) {
    ks_render_options o;
    memset(&o, 0, sizeof o);
    o.font_dir = KIOSK_FONT_DIR;
    o.assets_dir = KIOSK_ASSETS_DIR;
    return o;
}

static ks_color px(SDL_Surface *s, int x, int y) {
    Uint32 v = ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
    ks_color c = {(Uint8)(v >> 16), (Uint8)(v >> 8), (Uint8)v, 255};
    return c;
}

static int same(ks_color a, ks_color b, int tol) {
    return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

/* c lies on the line from bg to fg (each channel between, in the same
 * proportion within tol): a blend of the two, no third colour. */
static int blend_of(ks_color c, ks_color bg, ks_color fg, int tol) {
    int d[3] = {fg.r - bg.r, fg.g - bg.g, fg.b - bg.b}, v[3] = {c.r - bg.r, c.g - bg.g, c.b - bg.b};
    int k = abs(d[0]) >= abs(d[1]) ? (abs(d[0]) >= abs(d[2]) ? 0 : 2) : (abs(d[1]) >= abs(d[2]) ? 1 : 2);
    double t = d[k] ? (double)v[k] / d[k] : 0;
    if (t < -0.02 || t > 1.02) return 0;
    for (int i = 0; i < 3; i++)
        if (abs(v[i] - (int)(t * d[i])) > tol) return 0;
    return 1;
}

typedef struct look {
    int inked, full, outside, foreign;
    int x0, y0, x1, y1; /* bounds of inked pixels */
} look;

static look look_at(SDL_Surface *s, ks_rect box, ks_color bg, ks_color fg) {
    look l = {0, 0, 0, 0, s->w, s->h, -1, -1};
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            ks_color c = px(s, x, y);
            if (same(c, bg, 2)) continue;
            int in = x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h;
            if (!in) {
                l.outside++;
                continue;
            }
            l.inked++;
            if (same(c, fg, 8)) l.full++;
            if (!blend_of(c, bg, fg, 6)) l.foreign++;
            if (x < l.x0) l.x0 = x;
            if (y < l.y0) l.y0 = y;
            if (x > l.x1) l.x1 = x;
            if (y > l.y1) l.y1 = y;
        }
    return l;
}

static void test_names_and_files(void) {
    DIR *d = opendir(KIOSK_ASSETS_DIR "/icons");
    struct dirent *e;
    size_t files = 0, named = 0;
    OK(d != NULL);
    while (d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".svg") != 0) continue;
        char *name = ks_strndup(e->d_name, n - 4);
        if (!ks_icon_known(name)) harness_fail(__FILE__, __LINE__, "assets/icons/%s is not in ks_icon_names", e->d_name);
        free(name);
        files++;
    }
    if (d) closedir(d);
    for (size_t i = 0; ks_icon_names[i]; i++) {
        char *path = ks_sprintf("%s/icons/%s.svg", KIOSK_ASSETS_DIR, ks_icon_names[i]);
        struct stat st;
        if (stat(path, &st) != 0) harness_fail(__FILE__, __LINE__, "%s is missing", path);
        free(path);
        named++;
    }
    INT_EQ(files, named);
    /* every standard section has one, and the default topic icon exists */
    for (int i = 0; i < KS_SECTION_COUNT; i++) OK(ks_icon_known(ks_section_icon(ks_standard_sections[i])));
    OK(ks_section_icon("glossary") == NULL);
    OK(ks_icon_known(KS_TOPIC_ICON_DEFAULT));
}

static void check_icon(ks_render_headless *hl, const char *name, int size, ks_color bg, ks_color fg) {
    ks_render *rd = ks_render_headless_render(hl);
    SDL_Surface *s = ks_render_headless_surface(hl);
    ks_rect box = {20, 30, size, size};
    ks_render_clear(rd, NULL);
    INT_EQ(ks_render_icon(rd, name, box, fg), KS_OK);
    s = ks_render_headless_surface(hl);
    look l = look_at(s, box, bg, fg);
    int area = size * size;
    if (l.outside) harness_fail(__FILE__, __LINE__, "%s at %d px: %d pixels outside its box", name, size, l.outside);
    if (l.foreign)
        harness_fail(__FILE__, __LINE__, "%s at %d px: %d pixels of another colour than the tint", name, size, l.foreign);
    /* not empty, and strokes rather than a filled shape */
    if (l.inked < area / 25 || l.inked > area * 55 / 100)
        harness_fail(__FILE__, __LINE__, "%s at %d px: %d of %d pixels inked", name, size, l.inked, area);
    /* fully the tint somewhere (lines at least 1.75/24 of the size wide) */
    if (size >= 64 && l.full < area / 50)
        harness_fail(__FILE__, __LINE__, "%s at %d px: only %d pixels of the full colour", name, size, l.full);
    /* as big as asked: it spans most of the box one way, and fits the other */
    int w = l.x1 - l.x0 + 1, h = l.y1 - l.y0 + 1;
    if ((w > h ? w : h) < size * 7 / 10)
        harness_fail(__FILE__, __LINE__, "%s at %d px: spans only %dx%d", name, size, w, h);

    /* the same through a display list */
    {
        char src[64];
        ks_display_list *dl = ks_layout_list_create();
        SDL_Surface *copy = SDL_ConvertSurface(s, s->format, 0);
        OK(ks_render_icon_src(src, sizeof src, name, fg) != NULL);
        ks_layout_list_add_image(dl, box, src);
        ks_render_clear(rd, NULL);
        INT_EQ(ks_render_draw(rd, dl, 0, 0, NULL), KS_OK);
        s = ks_render_headless_surface(hl);
        int diff = 0;
        for (int y = 0; y < s->h; y++) diff += memcmp((Uint8 *)s->pixels + y * s->pitch, (Uint8 *)copy->pixels + y * copy->pitch, (size_t)s->w * 4) != 0;
        if (diff) harness_fail(__FILE__, __LINE__, "%s at %d px: the display list draws %d rows differently", name, size, diff);
        SDL_FreeSurface(copy);
        ks_layout_list_destroy(dl);
    }
}

static void test_every_icon(void) {
    static const char *const themes[] = {"default", "high-contrast"};
    static const int sizes[] = {24, 64, 160};
    ks_render_options o = opts();
    for (size_t t = 0; t < 2; t++) {
        const ks_theme *th = ks_layout_theme(themes[t]);
        int err = 0;
        ks_render_headless *hl = ks_render_headless_create(220, 220, th, &o, &err);
        OK(hl != NULL);
        if (!hl) return;
        ks_color fg = t == 0 ? th->text : th->accent;
        for (size_t i = 0; ks_icon_names[i]; i++)
            for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) check_icon(hl, ks_icon_names[i], sizes[k], th->background, fg);
        ks_render_headless_destroy(hl);
    }
}

static void test_unknown_and_bad(void) {
    ks_render_options o = opts();
    int err = 0;
    const ks_theme *th = ks_layout_theme("default");
    ks_render_headless *hl = ks_render_headless_create(100, 100, th, &o, &err);
    OK(hl != NULL);
    if (!hl) return;
    ks_render *rd = ks_render_headless_render(hl);
    ks_rect box = {10, 10, 48, 48};
    char buf[64];
    ks_render_clear(rd, NULL);
    INT_EQ(ks_render_icon(rd, "no-such-icon", box, th->text), KS_ERR_NOT_FOUND);
    INT_EQ(ks_render_icon(rd, "../logo", box, th->text), KS_ERR_INVALID);
    INT_EQ(ks_render_icon(rd, "Info", box, th->text), KS_ERR_INVALID);
    OK(ks_render_icon_src(buf, sizeof buf, "a/b", th->text) == NULL);
    STR_EQ(ks_render_icon_src(buf, sizeof buf, "needle", th->text), "icon:needle:1f1d1a");
    look l = look_at(ks_render_headless_surface(hl), box, th->background, th->text);
    INT_EQ(l.inked + l.outside, 0);
    ks_render_headless_destroy(hl);
}

/* Every icon at 96 px on each theme, in a row per theme, with the section
 * or topic it stands for: build/render-icons/icons.png. */
static void test_sheet(void) {
    ks_render_options o = opts();
    const int n = 9, cell = 128;
    int err = 0;
    mkdir(KIOSK_BUILD_DIR "/render-icons", 0755);
    ks_render_headless *hl = ks_render_headless_create(n * cell, 2 * cell, ks_layout_theme("default"), &o, &err);
    OK(hl != NULL);
    if (!hl) return;
    ks_render *rd = ks_render_headless_render(hl);
    ks_render_clear(rd, NULL);
    const ks_theme *hc = ks_layout_theme("high-contrast");
    ks_display_list *dl = ks_layout_list_create();
    ks_rect dark = {0, cell, n * cell, cell};
    ks_layout_list_add_rect(dl, dark, hc->background, 0);
    ks_render_draw(rd, dl, 0, 0, NULL);
    ks_layout_list_destroy(dl);
    for (int i = 0; i < n && ks_icon_names[i]; i++) {
        ks_rect a = {i * cell + 16, 16, 96, 96}, b = {i * cell + 16, cell + 16, 96, 96};
        INT_EQ(ks_render_icon(rd, ks_icon_names[i], a, ks_layout_theme("default")->text), KS_OK);
        INT_EQ(ks_render_icon(rd, ks_icon_names[i], b, hc->accent), KS_OK);
    }
    INT_EQ(ks_render_headless_save_png(hl, KIOSK_BUILD_DIR "/render-icons/icons.png"), 0);
    ks_render_headless_destroy(hl);
}

int main(void) {
    RUN(test_names_and_files);
    RUN(test_every_icon);
    RUN(test_unknown_and_bad);
    RUN(test_sheet);
    return harness_done();
}
