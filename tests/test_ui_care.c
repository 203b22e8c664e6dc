/* Screen care, headless on the shipped content: the screen goes black after
 * screen_off_minutes without a touch (and at night), a touch wakes it to
 * Home without acting on what is under the finger, and Home moves a little
 * once a minute against burn-in. Also the rotation's point map. Every
 * "black" or "moved" is checked on the drawn pixels.
 */
#include "harness_ui.h"

#define W 1080
#define H 1920
#define MIN 60000.0

/* A W x H kiosk with cfg (NULL: the defaults), created at t = 1000. */
static void world_open_cfg(world *w, const ks_ui_config *cfg) {
    world_spec s = {.width = W, .height = H, .cfg = cfg, .created = 1000};
    world_open_spec(w, &s);
}

/* Time passes with no touch; the ui is ticked as the loop would (it may
 * sleep up to its timeout, but at least twice a second). */
static void pass(world *w, double ms) {
    double end = w->t + ms;
    while (w->t < end) {
        w->t += 500;
        if (w->t > end) w->t = end;
        ks_ui_tick(w->ui, w->t);
    }
}

/* A touch as the kiosk's loop sees it while it sleeps: one tick at the
 * press and one at the release (not harness_ui.h's 16 ms frames). */
static void tap(world *w, float x, float y) {
    ks_ui_pointer(w->ui, KS_POINTER_DOWN, x, y, w->t);
    w->t += 60;
    ks_ui_tick(w->ui, w->t);
    ks_ui_pointer(w->ui, KS_POINTER_UP, x, y, w->t);
    w->t += 40;
    ks_ui_tick(w->ui, w->t);
}

/* Draw, then the share of pixels (0..1) that are pure black. */
static double black_share(world *w) {
    SDL_Surface *s;
    long n = 0;
    ks_ui_draw(w->ui);
    s = ks_render_headless_surface(w->hl);
    SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < s->w; x++) n += (row[x] & 0xFFFFFF) == 0;
    }
    SDL_UnlockSurface(s);
    return (double)n / ((double)s->w * s->h);
}

/* The first topic tile's centre on Home (window px, shift included). */
static void topic_point(world *w, float *x, float *y) {
    ks_ui *ui = w->ui;
    int sx, sy;
    ks_ui_draw(ui);
    ks_ui_shift(ui, &sx, &sy);
    *x = *y = -1;
    for (size_t i = 0; i < ks_layout_list_count(ui->body); i++) {
        const ks_item *it = ks_layout_list_item(ui->body, i);
        if (it->kind == KS_ITEM_LINK && it->tag == TAG_TOPIC) {
            *x = (float)(it->box.x + it->box.w / 2 + sx);
            *y = (float)(it->box.y + it->box.h / 2 + ui->geom.body_top - (int)lroundf(ui->view.scroll) + sy);
            return;
        }
    }
}

static void test_off_after_30_minutes_and_wake_to_home(void) {
    world w;
    float x, y;
    world_open_cfg(&w, NULL); /* defaults: 30 minutes */
    topic_point(&w, &x, &y);
    OK(x > 0 && y > 0 && y < H);
    tap(&w, x, y);
    OK(strncmp(ks_ui_screen_name(w.ui), "topic:", 6) == 0);
    OK(black_share(&w) < 0.01);
    /* 29 minutes: still on (the idle reset went back to Home on the way). */
    pass(&w, 29 * MIN);
    OK(!ks_ui_screen_off(w.ui));
    OK(black_share(&w) < 0.01);
    /* 30: black, every pixel, and the kiosk sleeps (no timer but the night). */
    pass(&w, 1 * MIN + 1000);
    OK(ks_ui_screen_off(w.ui));
    OK(screen_is(&w, "screen-off"));
    OK(black_share(&w) == 1.0);
    INT_EQ(ks_ui_timeout_ms(w.ui, w.t), -1);
    OK(!ks_ui_needs_frame(w.ui));
    /* A touch where a topic tile is on Home wakes the screen, on Home: the
     * tile under the finger does not open. */
    topic_point(&w, &x, &y); /* (asleep: laid out for Home anyway) */
    tap(&w, x, y);
    OK(!ks_ui_screen_off(w.ui));
    OK(screen_is(&w, "home"));
    OK(black_share(&w) < 0.01);
    /* The next touch acts. */
    topic_point(&w, &x, &y);
    tap(&w, x, y);
    OK(strncmp(ks_ui_screen_name(w.ui), "topic:", 6) == 0);
    world_close(&w);
}

static void test_off_never(void) {
    world w;
    ks_ui_config c;
    ks_ui_config_defaults(&c);
    c.screen_off_minutes = 0;
    world_open_cfg(&w, &c);
    pass(&w, 24 * 60 * MIN);
    OK(!ks_ui_screen_off(w.ui));
    OK(screen_is(&w, "home"));
    OK(black_share(&w) < 0.01);
    world_close(&w);
}

static void test_night_schedule(void) {
    world w;
    ks_ui_config c;
    ks_ui_config_defaults(&c);
    c.screen_off_minutes = 0; /* only the night */
    c.night_from = 20 * 60;
    c.night_to = 7 * 60;
    world_open_cfg(&w, &c);
    ks_ui_set_wall_clock(w.ui, 19 * 60 + 58, w.t);
    pass(&w, 1 * MIN); /* 19:59 */
    OK(!ks_ui_screen_off(w.ui));
    /* 20:03: night, and no touch for more than the idle reset's 2 minutes. */
    pass(&w, 4 * MIN);
    OK(ks_ui_screen_off(w.ui));
    OK(black_share(&w) == 1.0);
    /* Someone touches at night: on, for as long as the kiosk would take to
     * reset after them, then off again. */
    tap(&w, W / 2.0f, H / 2.0f);
    OK(!ks_ui_screen_off(w.ui));
    OK(screen_is(&w, "home"));
    pass(&w, 1 * MIN);
    OK(!ks_ui_screen_off(w.ui));
    pass(&w, 1.5 * MIN);
    OK(ks_ui_screen_off(w.ui));
    /* The kiosk sleeps until the morning: the loop's timeout is the night's
     * end, within a minute. */
    {
        int t = ks_ui_timeout_ms(w.ui, w.t);
        double m = 20 * 60 + 5.6, left = (7 * 60 + 1440 - m) * MIN;
        OK(t > 0 && fabs(t - left) < MIN);
    }
    /* 07:00: on by itself, Home. */
    pass(&w, 11 * 60 * MIN);
    OK(!ks_ui_screen_off(w.ui));
    OK(screen_is(&w, "home"));
    OK(black_share(&w) < 0.01);
    world_close(&w);
}

/* Pixels of frame b are frame a moved by (dx, dy). */
static int moved_by(const Uint32 *a, const Uint32 *b, int dx, int dy) {
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int sx = x - dx, sy = y - dy;
            if (sx < 0 || sy < 0 || sx >= W || sy >= H) continue;
            if (b[(size_t)y * W + x] != a[(size_t)sy * W + sx]) return 0;
        }
    return 1;
}

static Uint32 *grab(world *w) {
    SDL_Surface *s;
    Uint32 *px = ks_malloc((size_t)W * H * 4);
    ks_ui_draw(w->ui);
    s = ks_render_headless_surface(w->hl);
    SDL_LockSurface(s);
    for (int y = 0; y < H; y++) memcpy(px + (size_t)y * W, (const Uint8 *)s->pixels + (size_t)y * s->pitch, W * 4);
    SDL_UnlockSurface(s);
    return px;
}

static void test_burn_in_shift(void) {
    world w;
    ks_ui_config c;
    Uint32 *a, *b;
    int dx, dy, moves = 0, px, py, fx, fy;
    ks_ui_config_defaults(&c);
    c.screen_off_minutes = 0;
    world_open_cfg(&w, &c);
    w.t = 0;
    pass(&w, 1000);
    ks_ui_shift(w.ui, &dx, &dy);
    a = grab(&w);
    /* Within a minute nothing moves, and nothing is redrawn. */
    pass(&w, 50 * 1000);
    OK(!ks_ui_needs_frame(w.ui));
    /* Over nine minutes it takes nine positions, each at most 0.75 % of a
     * side from the middle, and Home's pixels move with it. */
    for (int i = 0; i < 9; i++) {
        int nx, ny;
        pass(&w, MIN);
        ks_ui_shift(w.ui, &nx, &ny);
        OK(abs(nx) <= W * 3 / 400 + 1 && abs(ny) <= H * 3 / 400 + 1);
        if (nx != dx || ny != dy) moves++;
        dx = nx;
        dy = ny;
    }
    OK(moves >= 8);
    /* Pick a shifted position and compare pixels with the unshifted frame. */
    while (dx == 0 || dy == 0) {
        pass(&w, MIN);
        ks_ui_shift(w.ui, &dx, &dy);
    }
    b = grab(&w);
    OK(moved_by(a, b, dx, dy));
    OK(!moved_by(a, b, 0, 0));
    /* A tap lands on what is drawn: the search field where it is now. */
    OK(ks_ui_search_field_point(w.ui, &fx, &fy) == 0);
    px = fx;
    py = fy;
    tap(&w, (float)px, (float)py);
    OK(screen_is(&w, "search"));
    /* Off Home, nothing moves. */
    ks_ui_shift(w.ui, &dx, &dy);
    OK(dx == 0 && dy == 0);
    free(a);
    free(b);
    world_close(&w);
}

/* Whether p is (x, y), within a thousandth of a pixel. */
static int near(ks_ui_point p, float x, float y) { return fabsf(p.x - x) < 1e-3 && fabsf(p.y - y) < 1e-3; }

static void test_rotation_map(void) {
    int lw, lh;
    ks_ui_point p;
    ks_ui_rotated_size(90, 1920, 1080, &lw, &lh);
    OK(lw == 1080 && lh == 1920);
    ks_ui_rotated_size(180, 1920, 1080, &lw, &lh);
    OK(lw == 1920 && lh == 1080);
    /* 90: the logical top-left corner is at the output's top-right. */
    OK(near(ks_ui_rotate_point(90, 1920, 1080, 1919, 0), 0, 1));
    /* ... and the logical bottom-left at the output's top-left. */
    OK(near(ks_ui_rotate_point(90, 1920, 1080, 0, 0), 0, 1920));
    OK(near(ks_ui_rotate_point(180, 1920, 1080, 10, 20), 1910, 1060));
    /* 270: the logical top-left at the output's bottom-left. */
    OK(near(ks_ui_rotate_point(270, 1920, 1080, 0, 1079), 1, 0));
    p = ks_ui_rotate_point(0, 1920, 1080, 5, 6);
    OK(p.x == 5 && p.y == 6);
}

int main(void) {
    if (shipped_load(NULL) != 0) return 1;
    RUN(test_off_after_30_minutes_and_wake_to_home);
    RUN(test_off_never);
    RUN(test_night_schedule);
    RUN(test_burn_in_shift);
    RUN(test_rotation_map);
    shipped_free();
    return harness_done();
}
