/* The clinic's name and logo on Home and on the idle prompt, headless: the
 * default logo from assets/, a configured PNG in its own shape, and a
 * logo that cannot be read falling back to the default. Checked on pixels.
 */
#include "harness.h"
#include "kiosk/base.h"
#include "kiosk/render.h"
#include "kiosk/store.h"
#include "kiosk/ui.h"

#include "../src/ui/ui_int.h"

#include <SDL_image.h>
#include <stdlib.h>
#include <unistd.h>

#define W 1080
#define H 1920

static ks_store *shipped;
static char tmp[64];

/* The box of the logo image in list dl, or w = 0. */
static ks_rect logo_box(const ks_display_list *dl) {
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind == KS_ITEM_IMAGE && it->target && strcmp(it->target, UI_LOGO) == 0) return it->box;
    }
    return (ks_rect){0, 0, 0, 0};
}

/* Pixels of colour rgb (0xRRGGBB, within 8 a channel) inside r on the surface. */
static long count_near(SDL_Surface *s, ks_rect r, Uint32 rgb) {
    long n = 0;
    SDL_LockSurface(s);
    for (int y = r.y; y < r.y + r.h && y < s->h; y++)
        for (int x = r.x; x < r.x + r.w && x < s->w; x++) {
            Uint32 p = ((const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * s->pitch))[x];
            int dr = (int)((p >> 16) & 255) - (int)((rgb >> 16) & 255);
            int dg = (int)((p >> 8) & 255) - (int)((rgb >> 8) & 255);
            int db = (int)(p & 255) - (int)(rgb & 255);
            n += abs(dr) <= 8 && abs(dg) <= 8 && abs(db) <= 8;
        }
    SDL_UnlockSurface(s);
    return n;
}

typedef struct shown {
    ks_rect home, prompt; /* the logo's box on each screen */
    long home_px, prompt_px; /* pixels of the expected colour in it */
    int title_found;
} shown;

/* Run a kiosk with cfg, look at Home and at the idle prompt. */
static shown look(const ks_ui_config *cfg, Uint32 rgb) {
    shown r;
    int err = 0;
    ks_store_view content = ks_store_view_of(shipped);
    ks_render_headless *hl = ks_render_headless_create(W, H, ks_layout_theme("default"), NULL, &err);
    ks_ui *ui;
    memset(&r, 0, sizeof r);
    OK(hl != NULL);
    if (!hl) return r;
    ui = ks_ui_create(cfg, &content, NULL, ks_render_headless_render(hl), (ks_ui_size){W, H}, 0);
    ks_ui_draw(ui);
    r.home = logo_box(ui->body);
    r.home_px = count_near(ks_render_headless_surface(hl), r.home, rgb);
    for (size_t i = 0; i < ks_layout_list_count(ui->body); i++) {
        const ks_item *it = ks_layout_list_item(ui->body, i);
        if (it->kind == KS_ITEM_TEXT && it->text && (size_t)it->len == strlen(cfg->title) &&
            strncmp(it->text, cfg->title, it->len) == 0)
            r.title_found = 1;
    }
    /* A patient opens a topic and walks away: the prompt. */
    OK(ks_ui_open(ui, "topic:prolotherapy", 0) == 0);
    ks_ui_tick(ui, 1000);
    ks_ui_tick(ui, cfg->idle_seconds * 1000 + 2000);
    OK(strcmp(ks_ui_screen_name(ui), "idle-prompt") == 0);
    ks_ui_draw(ui);
    r.prompt = logo_box(ui->over);
    r.prompt_px = count_near(ks_render_headless_surface(hl), r.prompt, rgb);
    ks_ui_destroy(ui);
    ks_render_headless_destroy(hl);
    return r;
}

static void test_default_logo(void) {
    ks_ui_config c;
    shown s;
    ks_ui_config_defaults(&c);
    snprintf(c.title, sizeof c.title, "Riverside Joint Clinic");
    s = look(&c, 0x0B5563); /* the default mark's teal */
    OK(s.title_found);
    OK(s.home.w > 40 && s.home.w == s.home.h); /* square, as drawn */
    OK(s.home_px > s.home.w * s.home.h / 3);
    OK(s.prompt.w > 40 && s.prompt_px > s.prompt.w * s.prompt.h / 3);
}

static void test_configured_png(void) {
    ks_ui_config c;
    shown s;
    SDL_Surface *img = SDL_CreateRGBSurfaceWithFormat(0, 300, 100, 32, SDL_PIXELFORMAT_ARGB8888);
    ks_ui_config_defaults(&c);
    snprintf(c.logo, sizeof c.logo, "%s/wide.png", tmp);
    OK(img != NULL);
    SDL_FillRect(img, NULL, SDL_MapRGB(img->format, 0xC0, 0x30, 0x30));
    OK(IMG_SavePNG(img, c.logo) == 0);
    SDL_FreeSurface(img);
    s = look(&c, 0xC03030);
    /* Its own shape (3:1), nothing of the default, all of it red. */
    OK(s.home.w > 0 && abs(s.home.w - 3 * s.home.h) <= 3);
    OK(s.home_px >= (long)s.home.w * s.home.h * 95 / 100);
    OK(s.prompt.w > 0 && s.prompt_px >= (long)s.prompt.w * s.prompt.h * 95 / 100);
}

static void test_unreadable_logo_falls_back(void) {
    ks_ui_config c;
    shown s;
    char path[128];
    FILE *f;
    ks_ui_config_defaults(&c);
    snprintf(path, sizeof path, "%s/not-a-picture.png", tmp);
    f = fopen(path, "w");
    OK(f != NULL);
    if (f) {
        fputs("hello", f);
        fclose(f);
    }
    snprintf(c.logo, sizeof c.logo, "%s", path);
    s = look(&c, 0x0B5563);
    OK(s.home.w > 40 && s.home_px > s.home.w * s.home.h / 3);
    snprintf(c.logo, sizeof c.logo, "%s/missing.svg", tmp);
    s = look(&c, 0x0B5563);
    OK(s.home.w > 40 && s.home_px > s.home.w * s.home.h / 3);
}

int main(void) {
    int err = 0;
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    shipped = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    snprintf(tmp, sizeof tmp, "/tmp/kiosk-logo-XXXXXX");
    if (!shipped || !mkdtemp(tmp)) {
        fprintf(stderr, "cannot load the shipped content\n");
        return 1;
    }
    RUN(test_default_logo);
    RUN(test_configured_png);
    RUN(test_unreadable_logo_falls_back);
    ks_store_free(shipped);
    {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    }
    return harness_done();
}
