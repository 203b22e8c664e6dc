/* Journeys for touch safety (issue 15), headless on the shipped content:
 * a double tap acts once on every Home tile and every topic tile, and a
 * deliberate second tap after 400 ms still works; a tap on a fling stops it
 * and does nothing else; the PIN pad's keys never move, its corner hold
 * shows a filling ring, five wrong PINs make it wait 60 s (also through
 * the idle reset); the staff screen at three sizes and two text scales,
 * with the default-PIN warning in red; an empty search the patient
 * cleared is counted once. Screenshots go to ./ui-shots/.
 */
#include "harness_ui.h"

/* What the ui's hooks were told, since the world was opened. */
static struct {
    int changes;          /* screen_changed calls */
    int empty;            /* empty_search calls */
    char last_empty[128];
} heard;

static void on_screen(void *ctx, const char *name) {
    (void)ctx;
    (void)name;
    heard.changes++;
}
static void on_empty(void *ctx, const char *text) {
    (void)ctx;
    heard.empty++;
    snprintf(heard.last_empty, sizeof heard.last_empty, "%s", text);
}
static char *on_status(void *ctx) {
    (void)ctx;
    return ks_strdup("# Content\nContent version: 1a2b3c4 of 2026-11-29 14:02 \"Recovery: two days of rest\"\n"
                     "Last sync: 2026-11-29 14:05: fetched and switched to 1a2b3c4\n"
                     "Content last changed: 2026-11-29 14:05:10 (last checked 2026-11-29 14:05:10)\n"
                     "Topics: 3\nPages: 24 (1 shown from their last good version)\n"
                     "# Pages kept from their last good version: 1\n"
                     "  prolotherapy/risks.md:3: 'title' should be plain text, not a list\n"
                     "# Problems found in the last check: 1 error, 1 warning\n"
                     "  ozone-therapy/recovery.md:1: warning: reviewed 2024-01-15, more than 12 months ago\n"
                     "# Index\nSearch: working\nWatching: inotify\nIndex size: 1.4 MB\nUptime: 0d 02h 13m\n"
                     "# Usage\nPage views: 42\n  17  prolotherapy/injection\n  9  ozone-therapy\n"
                     "Searches that found nothing: 2\n  1  zzqx\n  1  knee brace\n");
}

/* The shipped content with search, its hooks heard from now on. */
static void world_open_heard(world *w, int width, int height, const ks_ui_config *cfg) {
    ks_ui_hooks h;
    world_spec s = {.width = width, .height = height, .cfg = cfg, .search = 1, .hooks = &h};
    memset(&heard, 0, sizeof heard);
    memset(&h, 0, sizeof h);
    h.screen_changed = on_screen;
    h.empty_search = on_empty;
    world_open_spec(w, &s);
}

/* ------------------------------------------------------------ double taps */

/* Double tap the target (second press 200 ms after the first, in the
 * script's clock) from screen `from`: exactly one screen change, to `to`. */
static void double_tap_once(world *w, const char *from, int tag, const char *target, const char *to) {
    float x, y;
    int before;
    OK(ks_ui_open(w->ui, from, w->t) == 0);
    step(w, 500);
    if (point_of(w, tag, target, &x, &y) != 0) {
        OK(!"target on screen");
        return;
    }
    step(w, 500); /* the drags' own taps are long gone */
    before = heard.changes;
    press(w, x, y, 60);   /* 0 .. 60 ms */
    step(w, 140);         /* the second press 200 ms after the first */
    press(w, x, y, 60);
    step(w, 500);
    if (heard.changes - before != 1 || !screen_is(w, to))
        fprintf(stderr, "double tap on %s %s: %d changes, now %s\n", from, target, heard.changes - before,
                ks_ui_screen_name(w->ui));
    INT_EQ(heard.changes - before, 1);
    OK(screen_is(w, to));
}

static void test_double_tap_every_tile(void) {
    world w;
    int home_tiles = 0, topic_tiles = 0;
    char to[300];
    world_open_heard(&w, 1080, 1920, NULL);
    /* Every tile on Home: topics and the general pages. */
    for (size_t i = 0; i < ks_layout_list_count(w.ui->body); i++) {
        const ks_item *it = ks_layout_list_item(w.ui->body, i);
        char target[256];
        int tag;
        if (it->kind != KS_ITEM_LINK || (it->tag != TAG_TOPIC && it->tag != TAG_PAGE) || !it->target) continue;
        tag = it->tag;
        snprintf(target, sizeof target, "%s", it->target);
        snprintf(to, sizeof to, "%s:%.250s", tag == TAG_TOPIC ? "topic" : "page", strtok(target, "#"));
        snprintf(target, sizeof target, "%s", it->target);
        double_tap_once(&w, "home", tag, target, to);
        home_tiles++;
        ks_ui_open(w.ui, "home", w.t); /* the body list is Home's again for the loop */
        ks_ui_tick(w.ui, w.t);
    }
    OK(home_tiles >= 5);
    /* Every tile of every topic. */
    for (size_t k = 0; k < ks_store_topic_count(shipped); k++) {
        const ks_topic *t = ks_store_topic(shipped, k);
        char from[300];
        size_t n;
        char targets[32][256];
        snprintf(from, sizeof from, "topic:%.250s", t->slug);
        OK(ks_ui_open(w.ui, from, w.t) == 0);
        ks_ui_tick(w.ui, w.t);
        n = 0;
        for (size_t i = 0; i < ks_layout_list_count(w.ui->body) && n < 32; i++) {
            const ks_item *it = ks_layout_list_item(w.ui->body, i);
            if (it->kind == KS_ITEM_LINK && it->tag == TAG_PAGE && it->target)
                snprintf(targets[n++], sizeof targets[0], "%s", it->target);
        }
        OK(n >= 1);
        for (size_t i = 0; i < n; i++) {
            snprintf(to, sizeof to, "page:%.250s", targets[i]);
            double_tap_once(&w, from, TAG_PAGE, targets[i], to);
            topic_tiles++;
        }
    }
    OK(topic_tiles >= 12);
    fprintf(stderr, "double taps: %d Home tiles and %d topic tiles, one screen change each\n", home_tiles, topic_tiles);
    world_close(&w);
}

/* Back, in the same place on every screen: a double tap goes back once; a
 * deliberate second tap 400 ms or more after the first goes back again; a
 * quick tap elsewhere right after is not eaten by the guard. */
static void test_second_tap_after_400ms(void) {
    world w;
    float x, y, tx, ty;
    int before;
    world_open_heard(&w, 1080, 1920, NULL);
    OK(ks_ui_open(w.ui, "topic:prolotherapy", w.t) == 0);
    OK(ks_ui_open(w.ui, "page:prolotherapy/risks", w.t) == 0);
    step(&w, 500);
    OK(point_of(&w, TAG_BACK, NULL, &x, &y) == 0);
    before = heard.changes;
    press(&w, x, y, 60); /* back to the topic */
    step(&w, 140);
    press(&w, x, y, 60); /* 200 ms later: the same finger again, ignored */
    step(&w, 100);
    INT_EQ(heard.changes - before, 1);
    OK(screen_is(&w, "topic:prolotherapy"));
    OK(ks_ui_open(w.ui, "page:prolotherapy/risks", w.t) == 0);
    step(&w, 500);
    before = heard.changes;
    press(&w, x, y, 60); /* up at +60 ms: the topic */
    step(&w, 400);       /* the second press 460 ms after the first */
    press(&w, x, y, 60);
    step(&w, 100);
    INT_EQ(heard.changes - before, 2);
    OK(screen_is(&w, "home"));
    /* A quick tap elsewhere (a tile, below the header) right after Back. */
    OK(ks_ui_open(w.ui, "topic:prolotherapy", w.t) == 0);
    OK(ks_ui_open(w.ui, "page:prolotherapy/risks", w.t) == 0);
    step(&w, 500);
    press(&w, x, y, 60);
    OK(screen_is(&w, "topic:prolotherapy"));
    {
        const ks_item *it = find_link(w.ui->body, TAG_PAGE, NULL);
        OK(it != NULL);
        if (!it) {
            world_close(&w);
            return;
        }
    }
    OK(point_of(&w, TAG_PAGE, NULL, &tx, &ty) == 0);
    before = heard.changes;
    step(&w, 90); /* 150 ms after the Back tap */
    press(&w, tx, ty, 60);
    step(&w, 100);
    INT_EQ(heard.changes - before, 1);
    OK(strncmp(ks_ui_screen_name(w.ui), "page:prolotherapy/", 18) == 0);
    world_close(&w);
}

/* A tap on a moving (flinging) list stops it and does nothing else. */
static void test_tap_on_fling(void) {
    world w;
    float s0, y0;
    world_open_heard(&w, 800, 600, NULL);
    y0 = (float)w.ui->geom.body_bottom - 20; /* in the scrolling body, above any bottom bar */
    ks_ui_pointer(w.ui, KS_POINTER_DOWN, 400, y0, w.t);
    for (int i = 1; i <= 6; i++) {
        w.t += 10;
        ks_ui_pointer(w.ui, KS_POINTER_MOVE, 400, y0 - 30.0f * (float)i, w.t);
    }
    ks_ui_pointer(w.ui, KS_POINTER_UP, 400, y0 - 180, w.t);
    step(&w, 48);
    OK(ks_gesture_animating(&w.ui->touch.g));
    press(&w, 400, y0 - 100, 60); /* on whatever tile is passing */
    step(&w, 100);
    OK(!ks_gesture_animating(&w.ui->touch.g));
    s0 = w.ui->view.scroll;
    step(&w, 200);
    OK(w.ui->view.scroll == s0);
    OK(screen_is(&w, "home"));
    world_close(&w);
}

/* ------------------------------------------------------------ PIN pad */

/* Hold the staff corner until the pad opens, then lift. */
static void open_pad(world *w) {
    ks_ui_pointer(w->ui, KS_POINTER_DOWN, 30, 30, w->t);
    step(w, w->ui->cfg.staff_hold_seconds * 1000 + 100);
    ks_ui_pointer(w->ui, KS_POINTER_UP, 30, 30, w->t);
    step(w, 50);
}

/* The pad's target boxes: ten digits, Delete, OK, Cancel. */
static void pad_boxes(world *w, ks_rect out[13]) {
    static const int tags[13] = {TAG_PIN_DIGIT + 0, TAG_PIN_DIGIT + 1, TAG_PIN_DIGIT + 2, TAG_PIN_DIGIT + 3,
                                 TAG_PIN_DIGIT + 4, TAG_PIN_DIGIT + 5, TAG_PIN_DIGIT + 6, TAG_PIN_DIGIT + 7,
                                 TAG_PIN_DIGIT + 8, TAG_PIN_DIGIT + 9, TAG_PIN_DELETE, TAG_PIN_OK, TAG_PIN_CANCEL};
    ks_ui_tick(w->ui, w->t);
    for (int i = 0; i < 13; i++) {
        const ks_item *it = find_link(w->ui->over, tags[i], NULL);
        OK(it != NULL);
        out[i] = it ? it->box : (ks_rect){0, 0, 0, 0};
    }
}

static int over_says(world *w, const char *words) {
    ks_ui_tick(w->ui, w->t);
    return find_text(w->ui->over, words) != NULL;
}

/* Type digits quickly (150 ms apart, as a fast hand), then OK. */
static void type_pin(world *w, const char *digits) {
    for (const char *d = digits; *d; d++) {
        float x, y;
        OK(point_of(w, TAG_PIN_DIGIT + (*d - '0'), NULL, &x, &y) == 0);
        press(w, x, y, 60);
        step(w, 90);
    }
    OK(tap_link(w, TAG_PIN_OK, NULL) == 0);
}

/* The accent colour's pixels in window rows [y0, y1) and columns [x0, x1). */
static long accent_px(world *w, int x0, int y0, int x1, int y1) {
    return count_color(w, w->ui->look.theme->accent, (ks_rect){x0, y0, x1 - x0, y1 - y0});
}

static void test_pin_hold_ring(void) {
    world w;
    long at0, at1, at2, at4;
    world_open_heard(&w, 1080, 1920, NULL);
    at0 = accent_px(&w, 0, 0, 260, 260);
    ks_ui_pointer(w.ui, KS_POINTER_DOWN, 30, 30, w.t);
    step(&w, 100);
    OK(ui_pin_ring_steps(w.ui, w.t) < 0); /* not for a quick tap in the corner */
    step(&w, 900);
    at1 = accent_px(&w, 0, 0, 260, 260);
    step(&w, 1500);
    at2 = accent_px(&w, 0, 0, 260, 260);
    shot(&w, "staff-hold-ring");
    OK(ks_ui_timeout_ms(w.ui, w.t) <= 110); /* wakes for the ring's next step */
    step(&w, 2000);
    at4 = accent_px(&w, 0, 0, 260, 260);
    fprintf(stderr, "ring: accent px %ld, %ld, %ld, %ld\n", at0, at1, at2, at4);
    OK(at2 > at1 && at4 > at2); /* the ring fills */
    OK(screen_is(&w, "home"));
    step(&w, 600);
    OK(screen_is(&w, "staff-pin"));
    ks_ui_pointer(w.ui, KS_POINTER_UP, 30, 30, w.t);
    step(&w, 50);
    OK(ui_pin_ring_steps(w.ui, w.t) < 0);
    world_close(&w);
}

static void test_pin_keys_fixed(void) {
    static const int sizes[3][2] = {{1080, 1920}, {1920, 1080}, {800, 600}};
    for (int k = 0; k < 3; k++) {
        world w;
        ks_rect b0[13], b1[13];
        char name[64];
        world_open_heard(&w, sizes[k][0], sizes[k][1], NULL);
        open_pad(&w);
        OK(screen_is(&w, "staff-pin"));
        pad_boxes(&w, b0);
        snprintf(name, sizeof name, "staff-pin-%dx%d", sizes[k][0], sizes[k][1]);
        shot(&w, name);
        for (int i = 0; i < 13; i++) OK(b0[i].y + b0[i].h <= sizes[k][1] && b0[i].h >= 64 && b0[i].w >= 64);
        if (k == 0) /* the key centres at 1080x1920, for the scripts in test_watch_kiosk and test_cli_sync */
            fprintf(stderr, "pad 1080x1920: 2 at %d %d, 5 at %d %d, 8 at %d %d, 0 at %d %d, OK at %d %d\n",
                    b0[2].x + b0[2].w / 2, b0[2].y + b0[2].h / 2, b0[5].x + b0[5].w / 2, b0[5].y + b0[5].h / 2,
                    b0[8].x + b0[8].w / 2, b0[8].y + b0[8].h / 2, b0[0].x + b0[0].w / 2, b0[0].y + b0[0].h / 2,
                    b0[11].x + b0[11].w / 2, b0[11].y + b0[11].h / 2);
        /* A fast PIN: every digit lands, and no key moves as it is typed. */
        for (const char *d = "2580"; *d; d++) {
            float x, y;
            OK(point_of(&w, TAG_PIN_DIGIT + (*d - '0'), NULL, &x, &y) == 0);
            press(&w, x, y, 60);
            step(&w, 90);
            pad_boxes(&w, b1);
            OK(memcmp(b0, b1, sizeof b0) == 0);
        }
        STR_EQ(w.ui->panel.pin, "2580");
        snprintf(name, sizeof name, "staff-pin-typed-%dx%d", sizes[k][0], sizes[k][1]);
        shot(&w, name);
        /* A wrong PIN's message in the same place too. */
        w.ui->panel.pin[0] = '\0';
        type_pin(&w, "1");
        OK(w.ui->panel.pin_wrong);
        pad_boxes(&w, b1);
        OK(memcmp(b0, b1, sizeof b0) == 0);
        world_close(&w);
    }
}

static void test_pin_lockout(void) {
    world w;
    ks_ui_config cfg;
    ks_rect b0[13], b1[13];
    double locked_at;
    ks_ui_config_defaults(&cfg);
    cfg.idle_seconds = 10; /* so the idle reset comes within the wait */
    cfg.prompt_seconds = 20;
    world_open_heard(&w, 1080, 1920, &cfg);
    open_pad(&w);
    pad_boxes(&w, b0);
    for (int i = 0; i < 4; i++) type_pin(&w, "1111");
    OK(!ui_pin_locked(w.ui, w.t));
    type_pin(&w, "1111");
    locked_at = w.t;
    OK(ui_pin_locked(w.ui, w.t));
    OK(over_says(&w, "opens again in 60 seconds"));
    pad_boxes(&w, b1);
    OK(memcmp(b0, b1, sizeof b0) == 0);
    shot(&w, "staff-pin-locked");
    /* The right PIN does nothing while it waits. */
    type_pin(&w, "2580");
    OK(screen_is(&w, "staff-pin") && !ks_ui_quit_requested(w.ui));
    OK(w.ui->panel.pin[0] == '\0');
    step(&w, 5000);
    OK(over_says(&w, "opens again in 5") || over_says(&w, "opens again in 4")); /* it counts down */
    /* The idle reset goes Home, and does not end the wait. */
    step(&w, 31000);
    OK(screen_is(&w, "home"));
    open_pad(&w);
    OK(screen_is(&w, "staff-pin"));
    OK(ui_pin_locked(w.ui, w.t));
    OK(over_says(&w, "opens again in"));
    type_pin(&w, "2580");
    OK(!ks_ui_quit_requested(w.ui));
    /* 60 s after the fifth wrong PIN it opens again (the idle reset has
     * closed the pad meanwhile: staff hold the corner again). */
    while (w.t < locked_at + 60000) step(&w, 100);
    OK(!ui_pin_locked(w.ui, w.t));
    if (!screen_is(&w, "staff-pin")) {
        step(&w, 31000);
        open_pad(&w);
    }
    OK(over_says(&w, "Type the staff PIN"));
    type_pin(&w, "2580");
    OK(ks_ui_quit_requested(w.ui));
    world_close(&w);
}

/* ------------------------------------------------------------ staff screen */

static void staff_fits(world *w) {
    ks_ui_tick(w->ui, w->t);
    for (int l = 0; l < 2; l++) {
        const ks_display_list *dl = l ? w->ui->body : w->ui->chrome;
        for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
            const ks_item *it = ks_layout_list_item(dl, i);
            OK(it->box.x >= 0 && it->box.x + it->box.w <= w->ui->w);
            if (it->kind == KS_ITEM_LINK) OK(it->box.w >= 64 && it->box.h >= 64);
        }
    }
    OK(find_link(w->ui->chrome, TAG_STAFF_BACK, NULL) && find_link(w->ui->chrome, TAG_STAFF_RESET, NULL) &&
       find_link(w->ui->chrome, TAG_STAFF_EXIT, NULL));
}

static int body_has_color(world *w, ks_color c) {
    for (size_t i = 0; i < ks_layout_list_count(w->ui->body); i++) {
        const ks_item *it = ks_layout_list_item(w->ui->body, i);
        if (it->kind == KS_ITEM_RECT && it->color.r == c.r && it->color.g == c.g && it->color.b == c.b) return 1;
    }
    return 0;
}

static void test_staff_screen(void) {
    static const int sizes[3][2] = {{1080, 1920}, {1920, 1080}, {800, 600}};
    const ks_color red = {176, 0, 32, 255};
    for (int k = 0; k < 3; k++)
        for (int s = 1; s <= 2; s++) {
            world w;
            ks_ui_hooks h;
            char name[64];
            world_open_heard(&w, sizes[k][0], sizes[k][1], NULL);
            h = w.ui->hooks;
            h.staff_status = on_status;
            ks_ui_set_hooks(w.ui, &h);
            OK(ks_ui_open(w.ui, "page:prolotherapy/risks", w.t) == 0);
            ks_ui_set_look(w.ui, (double)s, "default");
            open_pad(&w);
            type_pin(&w, "2580");
            OK(screen_is(&w, "staff"));
            staff_fits(&w);
            OK(body_has_color(&w, red)); /* the default PIN, said in red */
            if (k == 0 && s == 1) { /* the buttons' centres, for the scripts in test_watch_kiosk */
                const ks_item *b = find_link(w.ui->chrome, TAG_STAFF_BACK, NULL), *r = find_link(w.ui->chrome, TAG_STAFF_RESET, NULL);
                if (b && r)
                    fprintf(stderr, "staff 1080x1920: Back at %d %d, Reset at %d %d\n", b->box.x + b->box.w / 2,
                            b->box.y + b->box.h / 2, r->box.x + r->box.w / 2, r->box.y + r->box.h / 2);
            }
            snprintf(name, sizeof name, "staff-%dx%d-%d", sizes[k][0], sizes[k][1], s);
            shot(&w, name);
            if (k == 2 && s == 2) { /* long: it scrolls like a page */
                float before = w.ui->view.scroll;
                ks_ui_pointer(w.ui, KS_POINTER_DOWN, 400, 400, w.t);
                for (int i = 1; i <= 10; i++) step(&w, 30), ks_ui_pointer(w.ui, KS_POINTER_MOVE, 400, 400 - 15.0f * i, w.t);
                step(&w, 200);
                ks_ui_pointer(w.ui, KS_POINTER_UP, 400, 250, w.t);
                OK(w.ui->view.scroll > before + 100);
                shot(&w, "staff-800x600-2-scrolled");
            }
            if (k == 0 && s == 1) { /* high contrast: the warning stays red, the bars outlined by the theme */
                ks_ui_set_look(w.ui, 1.0, "high-contrast");
                OK(screen_is(&w, "staff"));
                OK(body_has_color(&w, red));
                shot(&w, "staff-1080x1920-1-hc");
            }
            OK(tap_link(&w, TAG_STAFF_BACK, NULL) == 0);
            OK(screen_is(&w, "page:prolotherapy/risks"));
            world_close(&w);
        }
    /* A PIN that is not the default: no warning. */
    {
        world w;
        ks_ui_config cfg;
        ks_ui_hooks h;
        ks_ui_config_defaults(&cfg);
        snprintf(cfg.staff_pin, sizeof cfg.staff_pin, "7391");
        cfg.staff_pin_is_default = 0;
        world_open_heard(&w, 1080, 1920, &cfg);
        h = w.ui->hooks;
        h.staff_status = on_status;
        ks_ui_set_hooks(w.ui, &h);
        open_pad(&w);
        type_pin(&w, "7391");
        OK(screen_is(&w, "staff"));
        OK(!body_has_color(&w, red));
        OK(tap_link(&w, TAG_STAFF_EXIT, NULL) == 0);
        OK(ks_ui_quit_requested(w.ui));
        world_close(&w);
    }
}

/* ------------------------------------------------------------ usage counts */

static int key_of(world *w, ks_key_kind kind) {
    for (int i = 0; i < w->ui->geom.kb.n_keys; i++)
        if (w->ui->geom.kb.keys[i].kind == kind) return TAG_KEY + i;
    return -1;
}

static void test_cleared_empty_search_counted(void) {
    world w;
    world_open_heard(&w, 1080, 1920, NULL);
    OK(tap_link(&w, TAG_SEARCH, NULL) == 0 || ks_ui_open(w.ui, "search", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    type_text(&w, "qqzx");
    INT_EQ(heard.empty, 0);
    OK(tap_link(&w, key_of(&w, KS_KEY_CLEAR), NULL) == 0); /* the patient clears it */
    INT_EQ(heard.empty, 1);
    STR_EQ(heard.last_empty, "qqzx");
    OK(tap_link(&w, key_of(&w, KS_KEY_CLEAR), NULL) == 0); /* nothing left to count */
    type_text(&w, "knee");
    OK(tap_link(&w, TAG_HOME, NULL) == 0);
    INT_EQ(heard.empty, 1); /* once */
    /* Deleted letter by letter down to nothing: counted once too. */
    OK(ks_ui_open(w.ui, "search", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    type_text(&w, "zzqx");
    for (int i = 0; i < 4; i++) OK(tap_link(&w, key_of(&w, KS_KEY_BACKSPACE), NULL) == 0);
    INT_EQ(heard.empty, 2);
    STR_EQ(heard.last_empty, "zzqx");
    OK(tap_link(&w, TAG_HOME, NULL) == 0);
    INT_EQ(heard.empty, 2);
    world_close(&w);
}

int main(void) {
    if (shipped_load("ui-touchsafe") != 0) return 1;
    RUN(test_double_tap_every_tile);
    RUN(test_second_tap_after_400ms);
    RUN(test_tap_on_fling);
    RUN(test_pin_hold_ring);
    RUN(test_pin_keys_fixed);
    RUN(test_pin_lockout);
    RUN(test_staff_screen);
    RUN(test_cleared_empty_search_counted);
    shipped_free();
    return harness_done();
}
