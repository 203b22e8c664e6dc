/* The monkey (issue 13): 20,000 random events on the kiosk with the
 * shipped content, headless, as a restless child or a broken touchscreen
 * would give them: taps anywhere, drags and flings, typing on the
 * on-screen keyboard, waits, idle jumps past the prompt and the reset, and
 * window resizes from 600x600 to 3840x2160. Nothing may crash (the suite
 * runs it under ASan + UBSan too), every draw must succeed, the screen must
 * always be one the kiosk knows, and the kiosk must still work afterwards
 * (Home, a search that finds pages). Fixed seed; KIOSK_MONKEY_EVENTS=N for
 * a longer run, KIOSK_MONKEY_SEED=S for another sequence. */
#include "harness_ui.h"

#include <stdint.h>

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}
static float rndf(float lo, float hi) { return lo + (hi - lo) * (float)(rnd() % 10001) / 10000.0f; }

typedef struct monkey {
    world kiosk;
    int w, h; /* the window now */
    size_t draws, draw_failures, odd_screens;
} monkey;

static void tap(monkey *m, float x, float y) {
    ks_ui_pointer(m->kiosk.ui, KS_POINTER_DOWN, x, y, m->kiosk.t);
    step(&m->kiosk, rnd() % 120);
    ks_ui_pointer(m->kiosk.ui, KS_POINTER_UP, x + rndf(-4, 4), y + rndf(-4, 4), m->kiosk.t);
}

static void drag(monkey *m) {
    float x = rndf(-20, (float)m->w + 20), y = rndf(-20, (float)m->h + 20);
    float dx = rndf(-400, 400), dy = rndf(-(float)m->h, (float)m->h);
    int steps = 1 + (int)(rnd() % 12);
    ks_ui_pointer(m->kiosk.ui, KS_POINTER_DOWN, x, y, m->kiosk.t);
    for (int i = 1; i <= steps; i++) {
        step(&m->kiosk, 8 + rnd() % 40);
        ks_ui_pointer(m->kiosk.ui, KS_POINTER_MOVE, x + dx * (float)i / (float)steps, y + dy * (float)i / (float)steps,
                      m->kiosk.t);
    }
    if (rnd() % 4 == 0) step(&m->kiosk, 200); /* rest: no fling */
    ks_ui_pointer(m->kiosk.ui, KS_POINTER_UP, x + dx, y + dy, m->kiosk.t);
}

static void type_one(monkey *m) {
    static const char keys[] = "abcdefghijklmnopqrstuvwxyz      \b";
    int x, y;
    if (ks_ui_key_point(m->kiosk.ui, keys[rnd() % (sizeof keys - 1)], &x, &y) == 0) tap(m, (float)x, (float)y);
    else if (ks_ui_search_field_point(m->kiosk.ui, &x, &y) == 0) tap(m, (float)x, (float)y);
    else tap(m, rndf(0, (float)m->w), rndf(0, (float)m->h / 4)); /* the header's Search, perhaps */
}

static int resize(monkey *m) {
    static const int sizes[][2] = {{600, 600}, {800, 600}, {1080, 1920}, {1920, 1080}, {768, 1024}, {3840, 2160},
                                   {1280, 800}, {700, 2000}};
    int k = (int)(rnd() % 8), err = 0;
    int w = sizes[k][0] + (int)(rnd() % 64), h = sizes[k][1] + (int)(rnd() % 64);
    ks_render_headless *nhl = ks_render_headless_create(w, h, ks_layout_theme("default"), NULL, &err);
    if (!nhl) return -1;
    ks_ui_set_render(m->kiosk.ui, ks_render_headless_render(nhl), w, h);
    ks_render_headless_destroy(m->kiosk.hl);
    m->kiosk.hl = nhl;
    m->w = w;
    m->h = h;
    return 0;
}

static int known_screen(const char *name) {
    static const char *const prefixes[] = {"home", "topic:", "page:", "search", "idle-prompt", "staff-pin", "staff"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) return 1;
    return 0;
}

static void test_monkey(void) {
    long events = 20000;
    const char *env = getenv("KIOSK_MONKEY_EVENTS");
    world_spec spec = {.width = 1080, .height = 1920, .search = 1, .created = 1000};
    monkey m = {0};
    if (env && atol(env) > 0) events = atol(env);
    if ((env = getenv("KIOSK_MONKEY_SEED")) && strtoull(env, NULL, 0)) rng = strtoull(env, NULL, 0);
    world_open_spec(&m.kiosk, &spec);
    m.w = spec.width;
    m.h = spec.height;
    size_t counts[7] = {0};
    for (long e = 0; e < events; e++) {
        uint32_t r = rnd() % 100;
        int kind = r < 35 ? 0 : r < 52 ? 1 : r < 75 ? 2 : r < 90 ? 3 : r < 95 ? 4 : r < 97 ? 5 : 6;
        counts[kind]++;
        switch (kind) {
        case 0: tap(&m, rndf(-10, (float)m.w + 10), rndf(-10, (float)m.h + 10)); break;
        case 1: drag(&m); break;
        case 2: type_one(&m); break;
        case 3: step(&m.kiosk, rnd() % 1500); break;
        case 4: /* idle: the clock jumps past the prompt, sometimes the reset */
            m.kiosk.t += 1000.0 * (30 + rnd() % 200);
            ks_ui_tick(m.kiosk.ui, m.kiosk.t);
            break;
        case 5: OK(resize(&m) == 0); break;
        default: /* the staff corner held, or let go too early */
            ks_ui_pointer(m.kiosk.ui, KS_POINTER_DOWN, rndf(0, 100), rndf(0, 100), m.kiosk.t);
            step(&m.kiosk, rnd() % 7000);
            ks_ui_pointer(m.kiosk.ui, KS_POINTER_UP, rndf(0, 100), rndf(0, 100), m.kiosk.t);
            break;
        }
        ks_ui_tick(m.kiosk.ui, m.kiosk.t);
        if (!known_screen(ks_ui_screen_name(m.kiosk.ui))) {
            if (!m.odd_screens++) fprintf(stderr, "odd screen after event %ld: %s\n", e, ks_ui_screen_name(m.kiosk.ui));
        }
        if (e % 8 == 0 || kind == 5) {
            m.draws++;
            if (ks_ui_draw(m.kiosk.ui) != 0) m.draw_failures++;
        }
    }
    INT_EQ(m.draw_failures, 0);
    INT_EQ(m.odd_screens, 0);
    fprintf(stderr, "monkey: %ld events (%zu taps, %zu drags, %zu keys, %zu waits, %zu idle jumps, %zu resizes, "
                    "%zu staff holds), %zu draws, last screen %s\n",
            events, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], m.draws,
            ks_ui_screen_name(m.kiosk.ui));

    /* still a working kiosk: the idle reset brings Home, and search works */
    m.kiosk.t += 1000.0 * 400;
    ks_ui_tick(m.kiosk.ui, m.kiosk.t);
    m.kiosk.t += 1000.0 * 400;
    ks_ui_tick(m.kiosk.ui, m.kiosk.t);
    if (ks_ui_quit_requested(m.kiosk.ui)) fprintf(stderr, "monkey: the staff exit was reached on the way\n");
    OK(ks_ui_open(m.kiosk.ui, "home", m.kiosk.t) == 0);
    STR_EQ(ks_ui_screen_name(m.kiosk.ui), "home");
    OK(ks_ui_open(m.kiosk.ui, "search:knee", m.kiosk.t) == 0);
    OK(ks_ui_draw(m.kiosk.ui) == 0);
    ks_search_results *res = NULL;
    OK(ks_search_query(m.kiosk.search, "prolotherapy", 5, &res) == 0 && res && res->n > 0);
    ks_search_results_free(res);
    world_close(&m.kiosk);
}

int main(void) {
    if (shipped_load("monkey") != 0) return 1;
    RUN(test_monkey);
    shipped_free();
    return harness_done();
}
