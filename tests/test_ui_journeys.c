/* Patient journeys on the shipped content, headless: each asserts the
 * screens it passes through and pixels of what was drawn.
 *
 * Targets are found the way a finger finds them: in the display lists the
 * screens were laid out into (white-box, through ui_int.h), scrolled into
 * view with a slow drag and tapped at their centre through the same pointer
 * path as a finger. Screenshots go to ./ui-shots/ (the build folder).
 */
#include "harness_ui.h"

#include "../src/app/input.h" /* the input driver: SDL events -> ks_ui_pointer */

/* A copy of the frame's pixels; the caller frees it. */
static Uint32 *grab(world *w, size_t *n) {
    SDL_Surface *s;
    Uint32 *px;
    ks_ui_draw(w->ui);
    s = ks_render_headless_surface(w->hl);
    *n = (size_t)s->w * (size_t)s->h;
    px = ks_malloc(*n * 4);
    SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++)
        memcpy(px + (size_t)y * (size_t)s->w, (const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch, (size_t)s->w * 4);
    SDL_UnlockSurface(s);
    return px;
}

/* Whether frame b (w x h) is frame a moved by Home's burn-in shift (dx,
 * dy): every pixel of a that is still on screen is where the shift put it. */
static int same_but_shifted(const Uint32 *a, const Uint32 *b, int w, int h, int dx, int dy) {
    for (int y = 0; y < h; y++) {
        int sy = y - dy;
        if (sy < 0 || sy >= h) continue;
        for (int x = 0; x < w; x++) {
            int sx = x - dx;
            if (sx < 0 || sx >= w) continue;
            if (b[(size_t)y * w + x] != a[(size_t)sy * w + sx]) return 0;
        }
    }
    return 1;
}

/* ------------------------------------------------------------ journeys */

static void test_home_topic_page_next_back_home(void) {
    world w;
    size_t n0, n1;
    Uint32 *home0, *home1;
    world_open(&w, 1080, 1920);
    OK(screen_is(&w, "home"));
    home0 = grab(&w, &n0);
    shot(&w, "home");
    OK(tap_link(&w, TAG_TOPIC, "prolotherapy") == 0);
    OK(screen_is(&w, "topic:prolotherapy"));
    shot(&w, "topic");
    /* The six sections, in order, with their patient-facing labels. */
    {
        const char *order[] = {"prolotherapy/what-it-is", "prolotherapy/assessment", "prolotherapy/injection",
                               "prolotherapy/recovery", "prolotherapy/risks", "prolotherapy/candidacy"};
        int last_y = -1;
        for (int i = 0; i < 6; i++) {
            const ks_item *it = find_link(w.ui->body, TAG_PAGE, order[i]);
            OK(it != NULL);
            if (it) OK(it->box.y > last_y);
            if (it) last_y = it->box.y;
        }
    }
    OK(tap_link(&w, TAG_PAGE, "prolotherapy/assessment") == 0);
    OK(screen_is(&w, "page:prolotherapy/assessment"));
    shot(&w, "page");
    /* Next: the following section, at the end of the page. */
    OK(tap_link(&w, TAG_PAGE, "prolotherapy/injection") == 0);
    OK(screen_is(&w, "page:prolotherapy/injection"));
    INT_EQ((int)w.ui->view.scroll, 0); /* a new page starts at its top */
    OK(tap_link(&w, TAG_BACK, NULL) == 0);
    OK(screen_is(&w, "page:prolotherapy/assessment"));
    OK(w.ui->view.scroll > 0); /* back where the patient left it: at the end */
    OK(tap_link(&w, TAG_HOME, NULL) == 0);
    OK(screen_is(&w, "home"));
    /* Home looks exactly as it did. */
    home1 = grab(&w, &n1);
    OK(n0 == n1 && memcmp(home0, home1, n0 * 4) == 0);
    free(home0);
    free(home1);
    world_close(&w);
}

static void test_search_prolo_then_typo(void) {
    world w;
    const ks_theme *th = ks_layout_theme("default");
    world_open(&w, 1080, 1920);
    OK(tap_link(&w, TAG_SEARCH, NULL) == 0);
    OK(screen_is(&w, "search"));
    type_text(&w, "prolo");
    STR_EQ(w.ui->find.query, "prolo");
    OK(w.ui->find.results && w.ui->find.results->n > 0);
    /* Matched words are highlighted in the result snippets. */
    OK(count_color(&w, th->highlight, body_rect(&w)) > 500);
    shot(&w, "search-prolo");
    /* Clear, then a typo. */
    for (int i = 0; i < w.ui->geom.kb.n_keys; i++)
        if (w.ui->geom.kb.keys[i].kind == KS_KEY_CLEAR) OK(tap_link(&w, TAG_KEY + i, NULL) == 0);
    STR_EQ(w.ui->find.query, "");
    type_text(&w, "ligamnet");
    OK(w.ui->find.results && w.ui->find.results->n > 0);
    OK(w.ui->find.results && w.ui->find.results->corrected && strstr(w.ui->find.results->corrected, "ligament"));
    OK(find_link(w.ui->body, TAG_DID_YOU_MEAN, NULL) != NULL);
    shot(&w, "search-ligamnet");
    /* Open the first result: its page, scrolled to the first match, with
     * the match highlighted on screen. */
    {
        char slug[KS_SLUG_MAX];
        snprintf(slug, sizeof slug, "page:%s", w.ui->find.results->hits[0].slug);
        OK(tap_link(&w, TAG_RESULT + 0, NULL) == 0);
        OK(screen_is(&w, slug));
        OK(w.ui->page.n_hl > 0);
        OK(count_color(&w, th->highlight, body_rect(&w)) > 200);
        shot(&w, "search-result-page");
    }
    /* Back returns to the results, query intact. */
    OK(tap_link(&w, TAG_BACK, NULL) == 0);
    OK(screen_is(&w, "search"));
    STR_EQ(w.ui->find.query, "ligamnet");
    /* "Did you mean" replaces the text. */
    OK(tap_link(&w, TAG_DID_YOU_MEAN, NULL) == 0);
    OK(strncmp(w.ui->find.query, "ligament", 8) == 0);
    world_close(&w);
}

static void test_no_results(void) {
    world w;
    world_open(&w, 1080, 1920);
    ks_ui_open(w.ui, "search", w.t);
    type_text(&w, "zzqx");
    OK(w.ui->find.results && w.ui->find.results->n == 0);
    /* A friendly message and the topic tiles. */
    OK(find_link(w.ui->body, TAG_TOPIC, "prolotherapy") != NULL);
    OK(find_link(w.ui->body, TAG_TOPIC, "ozone-therapy") != NULL);
    shot(&w, "search-nothing");
    OK(tap_link(&w, TAG_TOPIC, "ozone-therapy") == 0);
    OK(screen_is(&w, "topic:ozone-therapy"));
    world_close(&w);
}

static void test_link_inside_page(void) {
    world w;
    const ks_item *it = NULL;
    char target[256], want[300], *hash;
    world_open(&w, 1080, 1920);
    OK(ks_ui_open(w.ui, "page:prolotherapy/assessment", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    /* The first link to the glossary with an anchor. */
    for (size_t i = 0; i < ks_layout_list_count(w.ui->body); i++) {
        const ks_item *c = ks_layout_list_item(w.ui->body, i);
        if (c->kind == KS_ITEM_LINK && c->tag == TAG_DOC_LINK && c->target && strncmp(c->target, "glossary#", 9) == 0) {
            it = c;
            break;
        }
    }
    OK(it != NULL);
    if (!it) {
        world_close(&w);
        return;
    }
    snprintf(target, sizeof target, "%s", it->target);
    /* A finger landing a little below the link still opens it. */
    {
        int x = it->box.x + it->box.w / 2, y = it->box.y + it->box.h + 10 + w.ui->geom.body_top - (int)w.ui->view.scroll;
        OK(y < w.ui->geom.body_bottom);
        tap_at(&w, (float)x, (float)y);
    }
    hash = strchr(target, '#');
    *hash = '\0';
    snprintf(want, sizeof want, "page:%s", target);
    OK(screen_is(&w, want));
    /* Landed at the entry: its anchor is at the top of the view. */
    {
        int y = ks_layout_list_anchor_y(w.ui->body, hash + 1);
        OK(y > 0);
        OK(w.ui->view.scroll > 0);
        OK(fabsf(w.ui->view.scroll - (float)y) < 64 || w.ui->view.scroll >= (float)(w.ui->geom.content_h - (w.ui->geom.body_bottom - w.ui->geom.body_top)) - 1);
    }
    shot(&w, "glossary-link");
    OK(tap_link(&w, TAG_BACK, NULL) == 0);
    OK(screen_is(&w, "page:prolotherapy/assessment"));
    world_close(&w);
}

/* Nothing cut off: every text item inside the window's width, every target
 * at least 64 px, body text at least 28 px x the scale. */
static void check_fit(world *w, const char *what) {
    ks_ui *ui = w->ui;
    /* Targets grow with the text size at 1080x1920; in short windows the
     * fixed header and keyboard stay at a size that leaves room to read
     * (>= 64 px still). Text is >= 28 px everywhere, and the page text
     * keeps the full scale. */
    int portrait = ui->w == 1080 && ui->h == 1920;
    const ks_display_list *lists[3] = {ui->chrome, ui->body, ui->over};
    int bad = 0;
    ks_ui_tick(ui, w->t);
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < ks_layout_list_count(lists[l]); i++) {
            const ks_item *it = ks_layout_list_item(lists[l], i);
            if (it->kind == KS_ITEM_TEXT && (it->box.x < 0 || it->box.x + it->box.w > ui->w)) {
                if (bad++ < 5)
                    fprintf(stderr, "  %s: text '%.*s' at x %d..%d outside 0..%d\n", what, (int)it->len, it->text,
                            it->box.x, it->box.x + it->box.w, ui->w);
            }
            /* (The three "A" buttons show fixed sample sizes.) */
            if (it->kind == KS_ITEM_TEXT && it->size < (l == 1 || portrait ? (int)(28 * ui->look.scale * 0.7) : 28) &&
                !(it->len == 1 && it->text[0] == 'A')) {
                if (bad++ < 5) fprintf(stderr, "  %s: text '%.*s' only %d px\n", what, (int)it->len, it->text, it->size);
            }
            if (it->kind == KS_ITEM_LINK && it->tag != TAG_DOC_LINK && it->tag != TAG_NOTHING &&
                (it->box.w < 64 || it->box.h < 64)) {
                if (bad++ < 5) fprintf(stderr, "  %s: target tag %d is %dx%d\n", what, it->tag, it->box.w, it->box.h);
            }
            if (it->kind == KS_ITEM_LINK && it->tag != TAG_DOC_LINK && it->tag != TAG_NOTHING &&
                (it->tag < TAG_KEY || it->tag >= TAG_RESULT) && it->box.h < (l == 1 || portrait ? (int)(64 * ui->look.scale) : 64)) {
                if (bad++ < 5) fprintf(stderr, "  %s: button tag %d only %d tall\n", what, it->tag, it->box.h);
            }
        }
    if (bad) fprintf(stderr, "  %s: %d problems\n", what, bad);
    OK(bad == 0);
}

/* check_fit on the screen shown, and its screenshot TAG-NAME. */
static void fits_and_shot(world *w, const char *what, const char *tag, const char *name) {
    char file[128];
    check_fit(w, what);
    snprintf(file, sizeof file, "%s-%s", tag, name);
    shot(w, file);
}

static void all_screens_fit(int width, int height, double scale, const char *tag) {
    world w;
    world_open(&w, width, height);
    OK(ks_ui_set_look(w.ui, scale, NULL) == 0);
    OK(ks_ui_set_look(w.ui, NAN, NULL) == KS_ERR_INVALID); /* refused, look kept */
    OK(w.ui->look.scale == scale);
    fits_and_shot(&w, "home", tag, "home");
    ks_ui_open(w.ui, "topic:prolotherapy", w.t);
    fits_and_shot(&w, "topic", tag, "topic");
    ks_ui_open(w.ui, "page:prolotherapy/risks", w.t);
    fits_and_shot(&w, "page", tag, "page");
    ks_ui_open(w.ui, "search:ligament", w.t);
    fits_and_shot(&w, "search", tag, "search");
    step(&w, 91000);
    OK(screen_is(&w, "idle-prompt"));
    fits_and_shot(&w, "idle-prompt", tag, "idle");
    world_close(&w);
}

static void test_text_size_200_everywhere(void) {
    all_screens_fit(1080, 1920, 1.0, "s100");
    all_screens_fit(1080, 1920, 1.5, "s150");
    all_screens_fit(1080, 1920, 2.0, "s200");
    all_screens_fit(1920, 1080, 2.0, "land200");
    all_screens_fit(800, 600, 2.0, "small200");
    all_screens_fit(3840, 2160, 1.5, "uhd150");
}

static void test_text_size_control(void) {
    world w;
    int B1, B2;
    world_open(&w, 1080, 1920);
    B1 = ks_layout_body_px(w.ui->look.theme, 1.0);
    OK(B1 >= 28);
    OK(tap_link(&w, TAG_SIZE, "2") == 0);
    OK(fabs(w.ui->look.scale - 2.0) < 1e-9);
    B2 = ks_layout_body_px(w.ui->look.theme, w.ui->look.scale);
    OK(B2 >= 2 * B1 - 2);
    OK(tap_link(&w, TAG_CONTRAST, NULL) == 0);
    OK(w.ui->look.high_contrast);
    STR_EQ(w.ui->look.theme->name, "high-contrast");
    OK(ks_layout_contrast(w.ui->look.theme->text, w.ui->look.theme->background) >= 7.0);
    shot(&w, "home-200-contrast");
    world_close(&w);
}

/* An empty waiting room: Home untouched is never asked "still reading?";
 * one change (a bigger text size) and the prompt comes as usual. */
static void test_idle_untouched_home_not_prompted(void) {
    world w;
    world_open(&w, 1080, 1920);
    step(&w, 91000);
    OK(screen_is(&w, "home"));
    step(&w, 200000);
    OK(screen_is(&w, "home"));
    OK(tap_link(&w, TAG_SIZE, "1.5") == 0);
    step(&w, 91000);
    OK(screen_is(&w, "idle-prompt"));
    world_close(&w);
}

static void test_idle_prompt_continue_and_reset(void) {
    world w;
    size_t n0, n1;
    Uint32 *home0, *home1;
    world_open(&w, 1080, 1920);
    home0 = grab(&w, &n0);
    /* A patient makes the text big, high contrast, searches, reads. */
    OK(tap_link(&w, TAG_SIZE, "1.5") == 0);
    OK(tap_link(&w, TAG_CONTRAST, NULL) == 0);
    OK(tap_link(&w, TAG_SEARCH, NULL) == 0);
    type_text(&w, "needle");
    OK(w.ui->find.results && w.ui->find.results->n > 0);
    OK(tap_link(&w, TAG_RESULT + 0, NULL) == 0);
    OK(strncmp(ks_ui_screen_name(w.ui), "page:", 5) == 0);
    step(&w, 89000);
    OK(strncmp(ks_ui_screen_name(w.ui), "page:", 5) == 0);
    step(&w, 1500);
    OK(screen_is(&w, "idle-prompt"));
    shot(&w, "idle-prompt");
    /* It stays at least 20 s. */
    step(&w, 19500);
    OK(screen_is(&w, "idle-prompt"));
    /* Continue: back to the page, nothing forgotten. */
    OK(tap_link(&w, TAG_CONTINUE, NULL) == 0);
    OK(strncmp(ks_ui_screen_name(w.ui), "page:", 5) == 0);
    STR_EQ(w.ui->find.query, "needle");
    OK(fabs(w.ui->look.scale - 1.5) < 1e-9);
    /* Walk away: prompt, then the full reset. */
    step(&w, 91000);
    OK(screen_is(&w, "idle-prompt"));
    step(&w, 31000);
    OK(screen_is(&w, "home"));
    STR_EQ(w.ui->find.query, "");
    INT_EQ(w.ui->nav.depth, 1);
    OK(fabs(w.ui->look.scale - 1.0) < 1e-9);
    OK(!w.ui->look.high_contrast);
    OK(!w.ui->find.results);
    /* The next patient sees exactly the first screen. */
    home1 = grab(&w, &n1);
    {
        /* Minutes have passed: Home sits a few px off against burn-in. */
        int dx, dy;
        ks_ui_shift(w.ui, &dx, &dy);
        OK(abs(dx) <= 1080 * 3 / 200 && abs(dy) <= 1920 * 3 / 200);
        OK(n0 == n1 && same_but_shifted(home0, home1, 1080, 1920, dx, dy));
    }
    shot(&w, "after-reset");
    /* And the search field is empty. */
    OK(tap_link(&w, TAG_SEARCH, NULL) == 0);
    STR_EQ(w.ui->find.query, "");
    OK(!find_link(w.ui->body, TAG_RESULT, NULL));
    free(home0);
    free(home1);
    world_close(&w);
}

static void test_resize_mid_page(void) {
    world w;
    float frac;
    int err;
    ks_render_headless *land;
    world_open(&w, 1080, 1920);
    ks_ui_open(w.ui, "page:prolotherapy/candidacy", w.t);
    ks_ui_tick(w.ui, w.t);
    drag_by(&w, 540, 1400, -900);
    OK(w.ui->view.scroll > 500);
    frac = w.ui->view.scroll / (float)w.ui->geom.content_h;
    land = ks_render_headless_create(1920, 1080, ks_layout_theme("default"), NULL, &err);
    OK(land != NULL);
    ks_ui_set_render(w.ui, ks_render_headless_render(land), 1920, 1080);
    ks_render_headless_destroy(w.hl);
    w.hl = land;
    ks_ui_tick(w.ui, w.t);
    OK(screen_is(&w, "page:prolotherapy/candidacy"));
    OK(fabsf(w.ui->view.scroll / (float)w.ui->geom.content_h - frac) < 0.05f);
    /* The body ends where the bottom bar (More, the track) starts, and the
     * bar ends at the window's new bottom. */
    INT_EQ(w.ui->geom.body_bottom, w.ui->geom.bar_top);
    INT_EQ(w.ui->geom.bar_top + w.ui->geom.bar_h, 1080);
    OK(w.ui->geom.bar_h > 0);
    check_fit(&w, "landscape page");
    /* The header buttons moved to the new right edge. */
    {
        const ks_item *home = find_link(w.ui->chrome, TAG_HOME, NULL);
        OK(home && home->box.x + home->box.w > 1800);
    }
    shot(&w, "resize-landscape");
    world_close(&w);
}

/* A 1080x1920 world fed through the input driver, and Home's
 * Prolotherapy tile (NULL, the world closed, when Home has none). */
static const ks_item *open_with_input(world *w, app_input *in) {
    const ks_item *it;
    world_open(w, 1080, 1920);
    app_input_init(in, 1080, 1920);
    ks_ui_tick(w->ui, w->t);
    it = find_link(w->ui->body, TAG_TOPIC, "prolotherapy");
    OK(it != NULL);
    if (!it) world_close(w);
    return it;
}

/* Finger events and the mouse events SDL makes from them feed one pointer:
 * one tap, not two. */
static void test_sdl_events_one_pointer(void) {
    world w;
    SDL_Event ev;
    app_input in;
    const ks_item *it;
    if (!(it = open_with_input(&w, &in))) return;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_FINGERDOWN;
    ev.tfinger.x = (float)(it->box.x + it->box.w / 2) / 1080.0f;
    ev.tfinger.y = (float)(it->box.y + it->box.h / 2) / 1920.0f;
    OK(app_input_event(&in, w.ui, &ev, w.t) == 1);
    /* SDL's synthetic mouse press for the same touch: ignored. */
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.which = SDL_TOUCH_MOUSEID;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = it->box.x + it->box.w / 2;
    ev.button.y = it->box.y + it->box.h / 2;
    OK(app_input_event(&in, w.ui, &ev, w.t + 1) == 0);
    step(&w, 60);
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_FINGERUP;
    ev.tfinger.x = (float)(it->box.x + it->box.w / 2) / 1080.0f;
    ev.tfinger.y = (float)(it->box.y + it->box.h / 2) / 1920.0f;
    app_input_event(&in, w.ui, &ev, w.t);
    ev.type = SDL_MOUSEBUTTONUP;
    ev.button.which = SDL_TOUCH_MOUSEID;
    ev.button.button = SDL_BUTTON_LEFT;
    OK(app_input_event(&in, w.ui, &ev, w.t + 1) == 0);
    OK(screen_is(&w, "topic:prolotherapy"));
    INT_EQ(w.ui->nav.depth, 2); /* one tap, one screen */
    /* A real mouse click works too (a staff member with a mouse, xdotool). */
    step(&w, 16);
    it = find_link(w.ui->chrome, TAG_BACK, NULL);
    OK(it != NULL);
    if (it) {
        memset(&ev, 0, sizeof ev);
        ev.type = SDL_MOUSEBUTTONDOWN;
        ev.button.which = 0;
        ev.button.button = SDL_BUTTON_LEFT;
        ev.button.x = it->box.x + 20;
        ev.button.y = it->box.y + 20;
        OK(app_input_event(&in, w.ui, &ev, w.t) == 1);
        ev.type = SDL_MOUSEBUTTONUP;
        OK(app_input_event(&in, w.ui, &ev, w.t + 80) == 1);
        OK(screen_is(&w, "home"));
    }
    world_close(&w);
}

/* A fling keeps the page moving after the finger lifts, then stops; a
 * scroll never taps what was under the finger. */
static void test_fling_no_tap(void) {
    world w;
    float after_lift;
    world_open(&w, 1080, 1920);
    ks_ui_open(w.ui, "page:prolotherapy/candidacy", w.t);
    ks_ui_tick(w.ui, w.t);
    ks_ui_pointer(w.ui, KS_POINTER_DOWN, 540, 1500, w.t);
    for (int i = 1; i <= 6; i++) {
        w.t += 10;
        ks_ui_pointer(w.ui, KS_POINTER_MOVE, 540, 1500 - 40.0f * i, w.t);
    }
    ks_ui_pointer(w.ui, KS_POINTER_UP, 540, 1260, w.t);
    after_lift = w.ui->view.scroll;
    OK(ks_ui_timeout_ms(w.ui, w.t) == 16); /* animating: frames wanted */
    step(&w, 3000);
    OK(w.ui->view.scroll > after_lift + 100);
    OK(screen_is(&w, "page:prolotherapy/candidacy"));
    OK(ks_ui_timeout_ms(w.ui, w.t) > 1000 || ks_ui_timeout_ms(w.ui, w.t) < 0); /* settled: sleeps */
    OK(!ks_ui_needs_frame(w.ui) || (ks_ui_draw(w.ui), !ks_ui_needs_frame(w.ui)));
    world_close(&w);
}

/* Staff exit: hold the corner, then the PIN. */
static void test_staff_exit(void) {
    world w;
    world_open(&w, 1080, 1920);
    ks_ui_pointer(w.ui, KS_POINTER_DOWN, 30, 30, w.t);
    step(&w, 3000);
    OK(screen_is(&w, "home")); /* not yet */
    step(&w, 2100);
    OK(screen_is(&w, "staff-pin"));
    ks_ui_pointer(w.ui, KS_POINTER_UP, 30, 30, w.t);
    step(&w, 50);
    OK(screen_is(&w, "staff-pin")); /* lifting is not a tap on the pad */
    shot(&w, "staff-pin");
    /* Wrong PIN: stays. */
    OK(tap_link(&w, TAG_PIN_DIGIT + 1, NULL) == 0);
    OK(tap_link(&w, TAG_PIN_OK, NULL) == 0);
    OK(!ks_ui_quit_requested(w.ui));
    OK(w.ui->panel.pin_wrong);
    /* The default PIN 2580. */
    OK(tap_link(&w, TAG_PIN_DIGIT + 2, NULL) == 0);
    OK(tap_link(&w, TAG_PIN_DIGIT + 5, NULL) == 0);
    OK(tap_link(&w, TAG_PIN_DIGIT + 8, NULL) == 0);
    OK(tap_link(&w, TAG_PIN_DIGIT + 0, NULL) == 0);
    OK(tap_link(&w, TAG_PIN_OK, NULL) == 0);
    OK(ks_ui_quit_requested(w.ui));
    world_close(&w);
}

/* New content while a patient reads: the page refreshes in place at the
 * same scroll position; a deleted page stays readable until left. Each
 * old store is freed at once (ASan would catch a pointer kept into it). */
static void test_content_swap(void) {
    char dir[] = "/tmp/kiosk-ui-swap-XXXXXX", cmd[512], path[300];
    ks_store *a, *b, *c;
    ks_store_view ca, cb, cc;
    world w;
    float scroll;
    int err = 0;
    FILE *f;
    OK(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof cmd, "cp -r '%s/content/.' '%s/'", KIOSK_SOURCE_DIR, dir);
    OK(system(cmd) == 0);
    a = ks_store_load(dir, NULL, &err);
    OK(a != NULL);
    if (!a) return;
    world_open(&w, 1080, 1920);
    ca = ks_store_view_of(a);
    ks_ui_set_content(w.ui, &ca);
    ks_ui_open(w.ui, "topic:prolotherapy", w.t);
    ks_ui_open(w.ui, "page:prolotherapy/risks", w.t);
    ks_ui_tick(w.ui, w.t);
    drag_by(&w, 540, 1400, -600);
    scroll = w.ui->view.scroll;
    OK(scroll > 300);
    /* Staff add a sentence at the end. */
    snprintf(path, sizeof path, "%s/prolotherapy/risks.md", dir);
    f = fopen(path, "a");
    OK(f != NULL);
    if (f) {
        fputs("\nA sentence staff added while someone was reading.\n", f);
        fclose(f);
    }
    b = ks_store_load(dir, NULL, &err);
    cb = ks_store_view_of(b);
    ks_ui_set_content(w.ui, &cb);
    ks_store_free(a);
    ks_ui_tick(w.ui, w.t);
    OK(screen_is(&w, "page:prolotherapy/risks"));
    OK(fabsf(w.ui->view.scroll - scroll) < 1.0f);
    {
        int found = 0;
        for (size_t i = 0; i < ks_layout_list_count(w.ui->body); i++) {
            const ks_item *it = ks_layout_list_item(w.ui->body, i);
            if (it->kind == KS_ITEM_TEXT && it->text && strstr(it->text, "someone was reading")) found = 1;
        }
        OK(found);
    }
    /* Staff delete the page: it stays on screen until the patient leaves. */
    OK(unlink(path) == 0);
    c = ks_store_load(dir, NULL, &err);
    cc = ks_store_view_of(c);
    ks_ui_set_content(w.ui, &cc);
    ks_store_free(b);
    ks_ui_tick(w.ui, w.t);
    OK(screen_is(&w, "page:prolotherapy/risks"));
    OK(ks_layout_list_count(w.ui->body) > 50);
    OK(ks_ui_draw(w.ui) == 0);
    OK(tap_link(&w, TAG_BACK, NULL) == 0);
    OK(screen_is(&w, "topic:prolotherapy"));
    OK(find_link(w.ui->body, TAG_PAGE, "prolotherapy/risks") == NULL);
    OK(find_link(w.ui->body, TAG_PAGE, "prolotherapy/recovery") != NULL);
    world_close(&w);
    ks_store_free(c);
    OK(harness_rm_rf(dir) == 0);
}

/* "More below" scrolls most of a screen for those who find dragging hard,
 * and is gone at the end of the page. */
static void test_more_button(void) {
    world w;
    const ks_item *it;
    int taps = 0;
    world_open(&w, 1080, 1920);
    ks_ui_open(w.ui, "page:prolotherapy/candidacy", w.t);
    ks_ui_tick(w.ui, w.t);
    ks_ui_draw(w.ui);
    OK(find_link(w.ui->fx, TAG_MORE, NULL) != NULL);
    while ((it = find_link(w.ui->fx, TAG_MORE, NULL)) && taps < 20) {
        float before = w.ui->view.scroll;
        tap_at(&w, (float)(it->box.x + it->box.w / 2), (float)(it->box.y + it->box.h / 2));
        OK(w.ui->view.scroll > before);
        OK(screen_is(&w, "page:prolotherapy/candidacy")); /* never a tap on what is under it */
        taps++;
        ks_ui_draw(w.ui);
    }
    OK(taps >= 1 && taps < 20);
    OK(w.ui->view.scroll >= (float)(w.ui->geom.content_h - (w.ui->geom.body_bottom - w.ui->geom.body_top)) - 9);
    world_close(&w);
}

/* The hooks the app counts with: a page view per page opened, and a search
 * that found nothing counted once, for the text left on the screen. */
typedef struct counts {
    int views, empty;
    char last_view[128], last_empty[128];
} counts;
static void on_view(void *ctx, const char *slug) {
    counts *c = ctx;
    c->views++;
    snprintf(c->last_view, sizeof c->last_view, "%s", slug);
}
static void on_empty(void *ctx, const char *text) {
    counts *c = ctx;
    c->empty++;
    snprintf(c->last_empty, sizeof c->last_empty, "%s", text);
}

static void test_hooks(void) {
    world w;
    counts c;
    ks_ui_hooks h;
    memset(&c, 0, sizeof c);
    memset(&h, 0, sizeof h);
    h.ctx = &c;
    h.page_view = on_view;
    h.empty_search = on_empty;
    world_open(&w, 1080, 1920);
    ks_ui_set_hooks(w.ui, &h);
    OK(tap_link(&w, TAG_TOPIC, "prolotherapy") == 0);
    INT_EQ(c.views, 0);
    OK(tap_link(&w, TAG_PAGE, "prolotherapy/risks") == 0);
    INT_EQ(c.views, 1);
    STR_EQ(c.last_view, "prolotherapy/risks");
    OK(tap_link(&w, TAG_SEARCH, NULL) == 0);
    type_text(&w, "qqzx");
    INT_EQ(c.empty, 0); /* not for every letter */
    OK(tap_link(&w, TAG_HOME, NULL) == 0);
    INT_EQ(c.empty, 1);
    STR_EQ(c.last_empty, "qqzx");
    world_close(&w);
}

/* A second finger is ignored until the first lifts; its lifting does not
 * end the first finger's press. */
static void test_second_finger(void) {
    world w;
    SDL_Event ev;
    app_input in;
    const ks_item *it;
    float fx, fy;
    if (!(it = open_with_input(&w, &in))) return;
    fx = (float)(it->box.x + it->box.w / 2) / 1080.0f;
    fy = (float)(it->box.y + it->box.h / 2) / 1920.0f;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_FINGERDOWN;
    ev.tfinger.fingerId = 1;
    ev.tfinger.x = fx;
    ev.tfinger.y = fy;
    OK(app_input_event(&in, w.ui, &ev, w.t) == 1);
    ev.tfinger.fingerId = 2; /* another finger lands elsewhere */
    ev.tfinger.x = 0.5f;
    ev.tfinger.y = 0.05f;
    OK(app_input_event(&in, w.ui, &ev, w.t + 10) == 0);
    ev.type = SDL_FINGERMOTION; /* and moves a lot */
    ev.tfinger.y = 0.6f;
    OK(app_input_event(&in, w.ui, &ev, w.t + 20) == 0);
    ev.type = SDL_FINGERUP;
    OK(app_input_event(&in, w.ui, &ev, w.t + 30) == 0);
    OK(screen_is(&w, "home"));
    ev.tfinger.fingerId = 1; /* the first finger lifts where it pressed: a tap */
    ev.tfinger.x = fx;
    ev.tfinger.y = fy;
    OK(app_input_event(&in, w.ui, &ev, w.t + 80) == 1);
    step(&w, 20);
    OK(screen_is(&w, "topic:prolotherapy"));
    /* The mouse wheel scrolls. */
    ks_ui_open(w.ui, "page:prolotherapy/candidacy", w.t);
    ks_ui_tick(w.ui, w.t);
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEWHEEL;
    ev.wheel.y = -2;
    OK(app_input_event(&in, w.ui, &ev, w.t) == 1);
    OK(w.ui->view.scroll > 100);
    world_close(&w);
}

/* A physical keyboard (the input driver's text and key events) types into
 * the search text only on the search screen, as the on-screen keys do. */
static void test_physical_keyboard(void) {
    world w;
    SDL_Event ev;
    app_input in;
    world_open(&w, 1080, 1920);
    app_input_init(&in, 1080, 1920);
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    snprintf(ev.text.text, sizeof ev.text.text, "Knee");
    OK(app_input_event(&in, w.ui, &ev, w.t) == 0); /* Home: nothing to type into */
    OK(screen_is(&w, "home"));
    OK(ks_ui_open(w.ui, "search", w.t) == 0);
    OK(app_input_event(&in, w.ui, &ev, w.t) == 1);
    STR_EQ(w.ui->find.query, "knee");
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.keysym.sym = SDLK_BACKSPACE;
    OK(app_input_event(&in, w.ui, &ev, w.t + 10) == 1);
    STR_EQ(w.ui->find.query, "kne");
    ev.key.keysym.sym = SDLK_DELETE;
    OK(app_input_event(&in, w.ui, &ev, w.t + 20) == 1);
    STR_EQ(w.ui->find.query, "");
    world_close(&w);
}

int main(void) {
    if (shipped_load("ui") != 0) return 1;
    RUN(test_home_topic_page_next_back_home);
    RUN(test_search_prolo_then_typo);
    RUN(test_no_results);
    RUN(test_link_inside_page);
    RUN(test_text_size_control);
    RUN(test_text_size_200_everywhere);
    RUN(test_idle_untouched_home_not_prompted);
    RUN(test_idle_prompt_continue_and_reset);
    RUN(test_resize_mid_page);
    RUN(test_sdl_events_one_pointer);
    RUN(test_fling_no_tap);
    RUN(test_staff_exit);
    RUN(test_content_swap);
    RUN(test_more_button);
    RUN(test_hooks);
    RUN(test_second_finger);
    RUN(test_physical_keyboard);
    shipped_free();
    return harness_done();
}
