/* The in-process kiosk of the ui tests, headless: "a world" is a ks_ui on a
 * headless renderer, driven on the test's own clock by a finger's taps and
 * drags through the same pointer path as a real one. Targets are found the
 * way a finger finds them: in the display lists the screens were laid out
 * into (white-box, through ui_int.h), scrolled into view with a slow drag
 * and tapped at their centre. Screenshots go to ./ui-shots/ (the build
 * folder). As harness.h (which this includes) it is a header of static
 * functions; the words are short because every ui test speaks them:
 *
 *     static void test_x(void) {
 *         world w;
 *         world_open(&w, 1080, 1920);
 *         OK(tap_link(&w, TAG_TOPIC, "prolotherapy") == 0);
 *         OK(screen_is(&w, "topic:prolotherapy"));
 *         world_close(&w);
 *     }
 *     int main(void) {
 *         if (shipped_load("ui-x") != 0) return 1;
 *         RUN(test_x);
 *         shipped_free();
 *         return harness_done();
 *     }
 */
#ifndef KIOSK_TEST_HARNESS_UI_H
#define KIOSK_TEST_HARNESS_UI_H

#include "harness.h"
#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/render.h"
#include "kiosk/search.h"
#include "kiosk/store.h"
#include "kiosk/ui.h"

#include "../src/ui/ui_int.h"

#include <SDL_image.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------- the shipped content */

static ks_store *shipped;   /* content/ of the source tree, loaded once */
static char db_path[256];   /* its search index, when shipped_load built one */
static char shipped_dir[64]; /* the index's folder */

/* shipped_load(index_name): load the shipped content into `shipped`; with
 * index_name (not NULL), also sync its search index into a new folder
 * /tmp/kiosk-INDEX_NAME-XXXXXX (db_path). Sets SDL's dummy video and audio
 * drivers unless set (ctest sets them too): no window, no sound card.
 * Returns 0, or -1 having said why. */
static inline int shipped_load(const char *index_name) {
    int err = 0;
    ks_index *ix;
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    setenv("SDL_AUDIODRIVER", "dummy", 0);
    shipped = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    if (!shipped) {
        fprintf(stderr, "cannot load the shipped content\n");
        return -1;
    }
    if (!index_name) return 0;
    snprintf(shipped_dir, sizeof shipped_dir, "/tmp/kiosk-%s-XXXXXX", index_name);
    if (!mkdtemp(shipped_dir)) {
        fprintf(stderr, "cannot make a folder for the index: %s\n", strerror(errno));
        shipped_dir[0] = '\0';
        return -1;
    }
    snprintf(db_path, sizeof db_path, "%s/index.db", shipped_dir);
    ix = ks_index_open(db_path, &err);
    if (!ix || ks_index_sync(ix, shipped, NULL) != 0) {
        fprintf(stderr, "cannot build the index\n");
        return -1;
    }
    ks_index_close(ix);
    return 0;
}

/* shipped_free(): free the shipped content and remove its index (the
 * database, its journal files and backup) and the index's folder. */
static inline void shipped_free(void) {
    static const char *const suffix[] = {"", "-wal", "-shm", ".backup"};
    ks_store_free(shipped);
    shipped = NULL;
    if (!shipped_dir[0]) return;
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
        unlink(p);
    }
    rmdir(shipped_dir);
}

/* ------------------------------------------------------------ a world */

typedef struct world {
    ks_search *search;       /* NULL: opened without search */
    ks_render_headless *hl;
    ks_ui *ui;
    ks_store_view content;   /* what the ui was opened on */
    double t;                /* the test's clock, ms; starts at 1000 */
} world;

/* What a world is opened with; a zero field means the usual. */
typedef struct world_spec {
    int width, height;            /* the window */
    const ks_ui_config *cfg;      /* NULL: the defaults */
    const ks_store_view *content; /* NULL: the shipped content (a zeroed view: no content at all) */
    int search;                   /* search the shipped index (db_path) */
    const char *theme;            /* the renderer's theme; NULL: "default" */
    double scale;                 /* ks_ui_set_look(scale or 1.0, theme) before the first tick
                                     when scale or theme is set */
    const ks_ui_hooks *hooks;     /* set before the first tick */
    double created;               /* the ui's clock at ks_ui_create */
} world_spec;

/* world_open_spec(w, s): a ks_ui as s says, ticked once at t = 1000. Where
 * no headless renderer can be made, says so and ends the program (1). */
static inline void world_open_spec(world *w, const world_spec *s) {
    int err = 0;
    memset(w, 0, sizeof *w);
    if (s->search) {
        w->search = ks_search_open(db_path, &err);
        OK(w->search != NULL);
    }
    w->hl = ks_render_headless_create(s->width, s->height, ks_layout_theme(s->theme ? s->theme : "default"), NULL,
                                      &err);
    OK(w->hl != NULL);
    if (!w->hl) exit(harness_done()); /* no renderer: nothing here can be tested */
    w->content = s->content ? *s->content : ks_store_view_of(shipped);
    w->ui = ks_ui_create(s->cfg, &w->content, w->search, ks_render_headless_render(w->hl),
                         (ks_ui_size){s->width, s->height}, s->created);
    if (s->hooks) ks_ui_set_hooks(w->ui, s->hooks);
    w->t = 1000;
    if (s->scale > 0 || s->theme) OK(ks_ui_set_look(w->ui, s->scale > 0 ? s->scale : 1.0, s->theme) == 0);
    ks_ui_tick(w->ui, w->t);
}

/* world_open(w, width, height): the shipped content at width x height,
 * searching its index when shipped_load built one. */
static inline void world_open(world *w, int width, int height) {
    world_spec s = {.width = width, .height = height, .search = db_path[0] != '\0'};
    world_open_spec(w, &s);
}

static inline void world_close(world *w) {
    ks_ui_destroy(w->ui);
    ks_render_headless_destroy(w->hl);
    ks_search_close(w->search);
}

/* step(w, ms): time passes in 16 ms frames, each ticked. */
static inline void step(world *w, double ms) {
    double end = w->t + ms;
    while (w->t < end) {
        w->t += 16;
        ks_ui_tick(w->ui, w->t);
    }
}

static inline int screen_is(world *w, const char *name) { return strcmp(ks_ui_screen_name(w->ui), name) == 0; }

/* body_rect(w): the window rect the scrolling body is drawn in. */
static inline ks_rect body_rect(world *w) {
    return (ks_rect){0, w->ui->geom.body_top, w->ui->w, w->ui->geom.body_bottom - w->ui->geom.body_top};
}

/* ------------------------------------------------------------ a finger */

/* press(w, x, y, hold): a finger down at (x, y) and up after hold ms, as a
 * script's `tap` (pointer.c's double-tap guard applies). */
static inline void press(world *w, float x, float y, double hold) {
    ks_ui_pointer(w->ui, KS_POINTER_DOWN, x, y, w->t);
    step(w, hold);
    ks_ui_pointer(w->ui, KS_POINTER_UP, x, y, w->t);
}

/* tap_at(w, x, y): a patient's tap, who looks at the screen before tapping:
 * after a tap that changed the screen it first waits out the double-tap
 * guard (pointer.c; the touch-safety test taps faster on purpose with
 * press()), then down 50 ms, up, 50 ms. */
static inline void tap_at(world *w, float x, float y) {
    while (w->t < w->ui->touch.guard_until) step(w, 16);
    press(w, x, y, 50);
    step(w, 50);
}

/* drag_by(w, x, y, dy): a slow drag from (x, y) (no fling): the content
 * moves by dy. */
static inline void drag_by(world *w, float x, float y, float dy) {
    int steps = 20;
    ks_ui_pointer(w->ui, KS_POINTER_DOWN, x, y, w->t);
    for (int i = 1; i <= steps; i++) {
        step(w, 30);
        ks_ui_pointer(w->ui, KS_POINTER_MOVE, x, y + dy * (float)i / (float)steps, w->t);
    }
    step(w, 200); /* rest before lifting: no momentum */
    ks_ui_pointer(w->ui, KS_POINTER_UP, x, y + dy, w->t);
    step(w, 50);
}

/* find_link(dl, tag, target): the first link of dl with this tag (and
 * target, unless NULL), or NULL. */
static inline const ks_item *find_link(const ks_display_list *dl, int tag, const char *target) {
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind != KS_ITEM_LINK || it->tag != tag) continue;
        if (!target || (it->target && strcmp(it->target, target) == 0)) return it;
    }
    return NULL;
}

/* find_text(dl, s): the first text item of dl whose text holds s, or NULL. */
static inline const ks_item *find_text(const ks_display_list *dl, const char *s) {
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind == KS_ITEM_TEXT && it->text && strstr(it->text, s)) return it;
    }
    return NULL;
}

/* point_of(w, tag, target, &x, &y): where on the window the link's centre
 * is (Home's burn-in shift included): over and chrome first, else the
 * body's, scrolled into view with slow drags first. 0, or -1 when the
 * screen has no such link. */
static inline int point_of(world *w, int tag, const char *target, float *x, float *y) {
    ks_ui *ui = w->ui;
    const ks_item *it;
    int sx, sy;
    ks_ui_tick(ui, w->t);
    ks_ui_shift(ui, &sx, &sy);
    if ((it = find_link(ui->over, tag, target)) || (it = find_link(ui->chrome, tag, target))) {
        *x = (float)(it->box.x + it->box.w / 2 + sx);
        *y = (float)(it->box.y + it->box.h / 2 + sy);
        return 0;
    }
    for (int tries = 0; tries < 60; tries++) {
        int mid = (ui->geom.body_top + ui->geom.body_bottom) / 2, yy;
        float want, lim = (float)(ui->geom.body_bottom - ui->geom.body_top) / 3;
        if (!(it = find_link(ui->body, tag, target))) return -1;
        yy = it->box.y + it->box.h / 2 + ui->geom.body_top - (int)lroundf(ui->view.scroll);
        if (yy > ui->geom.body_top + 8 && yy < ui->geom.body_bottom - 8) {
            ks_ui_shift(ui, &sx, &sy);
            *x = (float)(it->box.x + it->box.w / 2 + sx);
            *y = (float)(yy + sy);
            return 0;
        }
        want = (float)(mid - yy);
        if (want > lim) want = lim;
        if (want < -lim) want = -lim;
        drag_by(w, (float)ui->w / 2, (float)mid, want);
    }
    return -1;
}

/* tap_link(w, tag, target): a patient's tap on that link (point_of).
 * 0, or -1 when the screen has no such link. */
static inline int tap_link(world *w, int tag, const char *target) {
    float x, y;
    if (point_of(w, tag, target, &x, &y) != 0) return -1;
    tap_at(w, x, y);
    return 0;
}

/* type_text(w, s): s typed on the on-screen keyboard, a tap a key. */
static inline void type_text(world *w, const char *s) {
    for (; *s; s++) {
        int x, y;
        OK(ks_ui_key_point(w->ui, *s, &x, &y) == 0);
        tap_at(w, (float)x, (float)y);
    }
}

/* ------------------------------------------------------------ pixels */

/* shot(w, name): the frame drawn now, saved as ui-shots/NAME.png. */
static inline void shot(world *w, const char *name) {
    char path[256];
    mkdir("ui-shots", 0755);
    snprintf(path, sizeof path, "ui-shots/%s.png", name);
    ks_ui_draw(w->ui);
    OK(ks_render_headless_save_png(w->hl, path) == 0);
}

/* count_color(w, c, r): draw, then the pixels of exactly colour c within
 * window rect r (clipped to the window). */
static inline long count_color(world *w, ks_color c, ks_rect r) {
    SDL_Surface *s;
    long n = 0;
    ks_ui_draw(w->ui);
    s = ks_render_headless_surface(w->hl);
    SDL_LockSurface(s);
    for (int y = r.y < 0 ? 0 : r.y; y < r.y + r.h && y < s->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = r.x < 0 ? 0 : r.x; x < r.x + r.w && x < s->w; x++) {
            Uint8 pr, pg, pb;
            SDL_GetRGB(row[x], s->format, &pr, &pg, &pb);
            if (pr == c.r && pg == c.g && pb == c.b) n++;
        }
    }
    SDL_UnlockSurface(s);
    return n;
}

/* differ_from_png(w, png): draw, then the pixels of the frame whose colour
 * differs from the PNG's (for instance one `kiosk render` made, through
 * ks_ui_render_screen); -1 when it cannot be read or is another size. */
static inline long differ_from_png(world *w, const char *png) {
    SDL_Surface *raw = IMG_Load(png), *p = raw ? SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    SDL_Surface *s;
    long n = -1;
    ks_ui_draw(w->ui);
    s = ks_render_headless_surface(w->hl);
    if (p && p->w == s->w && p->h == s->h) {
        n = 0;
        SDL_LockSurface(s);
        for (int y = 0; y < s->h; y++) {
            const Uint32 *a = (const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
            const Uint32 *b = (const Uint32 *)((const Uint8 *)p->pixels + (size_t)y * (size_t)p->pitch);
            for (int x = 0; x < s->w; x++) {
                Uint8 ar, ag, ab, br, bg, bb;
                SDL_GetRGB(a[x], s->format, &ar, &ag, &ab);
                SDL_GetRGB(b[x], p->format, &br, &bg, &bb);
                n += ar != br || ag != bg || ab != bb;
            }
        }
        SDL_UnlockSurface(s);
    }
    SDL_FreeSurface(p);
    SDL_FreeSurface(raw);
    return n;
}

#endif
