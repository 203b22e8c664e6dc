/* Read aloud on the shipped content, headless (SDL's dummy audio driver:
 * no sound card): tap Listen, advance the clock, and check the sentence
 * marked (in the highlight colour, on screen), the scroll that keeps it in
 * view, Pause/Resume, Stop, Slower, reading from the first line on screen,
 * and that leaving the page, the idle prompt and the idle reset stop it.
 *
 * Synthesis runs on its own thread in real time while the test drives the
 * UI's clock: before each step the test waits (really) until the audio for
 * that step has been made, so what it sees does not depend on the speed of
 * the machine. Screenshots go to ./ui-shots/listen-*.png.
 */
#include "harness_ui.h"
#include "kiosk/speech.h"
#include "harness_speech.h"

static void world_open_speech(world *w, int width, int height, int speech) {
    ks_ui_config cfg;
    world_spec s = {.width = width, .height = height, .cfg = &cfg};
    ks_ui_config_defaults(&cfg);
    cfg.speech_enabled = speech;
    world_open_spec(w, &s);
}

static ks_ui_listen_info info_of(world *w) {
    ks_ui_listen_info in;
    ks_ui_listen_info_get(w->ui, &in);
    return in;
}

/* A world with speech on: 1, or 0 (a failed check, the world closed) when
 * its speech cannot be made. */
static int open_speaking(world *w, int width, int height) {
    world_open_speech(w, width, height, 1);
    OK(info_of(w).available);
    if (info_of(w).available) return 1;
    world_close(w);
    return 0;
}

/* Advance the UI's clock by ms in 16 ms frames, each only once the speech
 * for it has been made (real time, at most 20 s a step). */
static void play(world *w, double ms) {
    double end = w->t + ms;
    while (w->t < end) {
        for (int i = 0; i < 2000; i++) {
            ks_ui_listen_info in = info_of(w);
            if (in.state != KS_LISTEN_PLAYING || in.made_all || in.made_ms >= in.pos_ms + 16) break;
            usleep(10000);
        }
        w->t += 16;
        ks_ui_tick(w->ui, w->t);
    }
}

/* A tap while the voice plays (its frames wait for the speech, as play). */
static void tap_playing(world *w, int x, int y) {
    ks_ui_pointer(w->ui, KS_POINTER_DOWN, (float)x, (float)y, w->t);
    play(w, 48);
    ks_ui_pointer(w->ui, KS_POINTER_UP, (float)x, (float)y, w->t);
    play(w, 16);
}

static int tap_button(world *w, const char *which) {
    int x, y;
    ks_ui_tick(w->ui, w->t);
    /* A patient looks before tapping again: wait out the double-tap guard
     * of the last tap (pointer.c), as a tap 400 ms later would. */
    while (w->t < w->ui->touch.guard_until) play(w, 16);
    if (ks_ui_listen_point(w->ui, which, &x, &y) != 0) return -1;
    tap_playing(w, x, y);
    return 0;
}

static void test_no_speech_no_button(void) {
    world w;
    world_open_speech(&w, 800, 600, 0);
    OK(ks_ui_open(w.ui, "page:prolotherapy/risks", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    OK(!info_of(&w).available);
    int x, y;
    OK(ks_ui_listen_point(w.ui, "listen", &x, &y) == KS_ERR_NOT_FOUND);
    world_close(&w);
}

static void test_listen_follows_the_voice(void) {
    world w;
    if (!open_speaking(&w, 800, 600)) return;
    ks_ui_listen_info in = info_of(&w);
    int x, y;
    /* Home has no Listen button; a page does. */
    OK(ks_ui_listen_point(w.ui, "listen", &x, &y) == KS_ERR_NOT_FOUND);
    OK(ks_ui_open(w.ui, "page:prolotherapy/risks", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    OK(ks_ui_listen_point(w.ui, "listen", &x, &y) == 0);
    OK(ks_ui_listen_point(w.ui, "stop", &x, &y) == KS_ERR_NOT_FOUND);
    shot(&w, "listen-page");

    OK(tap_button(&w, "listen") == 0);
    in = info_of(&w);
    INT_EQ(in.state, KS_LISTEN_PLAYING);
    INT_EQ(in.sentence, 0);
    STR_EQ(in.text, "Risks and side effects");
    OK(in.sentences > 30);
    OK(ks_ui_listen_point(w.ui, "pause", &x, &y) == 0);
    OK(ks_ui_listen_point(w.ui, "stop", &x, &y) == 0);

    /* The heading is marked: highlight colour behind its words. */
    play(&w, 300);
    in = info_of(&w);
    OK(count_color(&w, w.ui->look.theme->highlight, in.box) > 200);
    shot(&w, "listen-heading");

    /* The sentences follow one another in order, each lasting about as
     * long as its words take at 150 a minute. */
    size_t last = 0;
    double since = w.t;
    int changes = 0;
    while (changes < 6) {
        play(&w, 100);
        in = info_of(&w);
        OK(in.state == KS_LISTEN_PLAYING);
        if (in.state != KS_LISTEN_PLAYING) break;
        if (in.sentence != last) {
            INT_EQ(in.sentence, last + 1); /* none skipped */
            changes++;
            last = in.sentence;
            since = w.t;
            /* The new sentence is on screen, marked. */
            OK(in.box.y >= w.ui->geom.body_top && in.box.y + in.box.h <= w.ui->geom.body_bottom);
            OK(count_color(&w, w.ui->look.theme->highlight, in.box) > 50);
        }
        OK(w.t - since < 15000); /* no sentence of this page takes 15 s */
        if (w.t - since >= 15000) break;
    }
    shot(&w, "listen-sentence-6");
    /* By now the page has scrolled to keep up (800x600 shows little). */
    float scrolled = w.ui->view.scroll;
    OK(scrolled > 0);

    /* Pause: the clock moves, the reading does not. */
    OK(tap_button(&w, "pause") == 0);
    in = info_of(&w);
    INT_EQ(in.state, KS_LISTEN_PAUSED);
    size_t paused_at = in.sentence;
    double pos = in.pos_ms;
    play(&w, 5000);
    in = info_of(&w);
    INT_EQ(in.sentence, paused_at);
    OK(fabs(in.pos_ms - pos) < 1);
    shot(&w, "listen-paused");
    /* Resume goes on from there. */
    OK(tap_button(&w, "pause") == 0);
    INT_EQ(info_of(&w).state, KS_LISTEN_PLAYING);
    play(&w, 8000);
    OK(info_of(&w).sentence > paused_at);

    /* Stop: nothing marked any more. */
    OK(tap_button(&w, "stop") == 0);
    in = info_of(&w);
    INT_EQ(in.state, KS_LISTEN_OFF);
    OK(ks_ui_listen_point(w.ui, "listen", &x, &y) == 0);
    OK(count_color(&w, w.ui->look.theme->highlight, body_rect(&w)) == 0);

    /* Listen again starts from the first line on screen, not the top. */
    OK(tap_button(&w, "listen") == 0);
    in = info_of(&w);
    OK(in.sentence > 0);
    OK(in.box.y >= w.ui->geom.body_top && in.box.y < w.ui->geom.body_top + 200);

    /* Leaving the page stops it at once. */
    ks_ui_tick(w.ui, w.t);
    const ks_item *back = find_link(w.ui->chrome, TAG_BACK, NULL);
    OK(back != NULL);
    if (back) tap_playing(&w, back->box.x + back->box.w / 2, back->box.y + back->box.h / 2);
    INT_EQ(info_of(&w).state, KS_LISTEN_OFF);
    world_close(&w);
}

static void test_slower_and_idle(void) {
    world w;
    if (!open_speaking(&w, 1080, 1920)) return;
    OK(ks_ui_open(w.ui, "page:glossary", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    /* Time the first two sentences at 150, then at 120 words a minute. */
    double at150 = 0, at120 = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            OK(tap_button(&w, "slower") == 0);
            OK(info_of(&w).slower);
        }
        OK(tap_button(&w, "listen") == 0);
        double start = w.t;
        while (info_of(&w).sentence < 2 && w.t - start < 30000) play(&w, 16);
        *(pass ? &at120 : &at150) = w.t - start;
        OK(tap_button(&w, "stop") == 0);
    }
    OK(at120 > at150 * 1.1);

    /* Slower while reading goes on from the same sentence. */
    OK(tap_button(&w, "listen") == 0);
    play(&w, 4000);
    size_t s = info_of(&w).sentence;
    OK(tap_button(&w, "slower") == 0);
    OK(!info_of(&w).slower);
    INT_EQ(info_of(&w).sentence, s);
    INT_EQ(info_of(&w).state, KS_LISTEN_PLAYING);

    /* Listening counts as use: no "Are you still reading?" meanwhile. */
    play(&w, 2000);
    OK(tap_button(&w, "slower") == 0); /* Slower on again, for the reset to forget */
    w.t += 91000;
    ks_ui_tick(w.ui, w.t);
    OK(strcmp(ks_ui_screen_name(w.ui), "idle-prompt") != 0);
    /* Paused, the idle prompt comes, and it stops the speech at once. */
    OK(tap_button(&w, "pause") == 0);
    w.t += 91000;
    ks_ui_tick(w.ui, w.t);
    STR_EQ(ks_ui_screen_name(w.ui), "idle-prompt");
    INT_EQ(info_of(&w).state, KS_LISTEN_OFF);
    OK(info_of(&w).slower); /* still set until the reset */
    w.t += 31000;
    ks_ui_tick(w.ui, w.t);
    STR_EQ(ks_ui_screen_name(w.ui), "home");
    OK(!info_of(&w).slower); /* the reset forgets it */

    world_close(&w);
}

/* The Topic screen's overview is read as a page is: Listen is there, reads
 * the part shown sentence by sentence with the mark on screen, ends at its
 * end, and leaving and the idle prompt stop it (issue 17). */
static void test_listen_topic_overview(void) {
    world w;
    if (!open_speaking(&w, 1080, 1920)) return;
    int x, y;
    /* The whole overview page has more sentences than the Topic shows. */
    OK(ks_ui_open(w.ui, "page:prolotherapy/index", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    OK(tap_button(&w, "listen") == 0);
    size_t whole = info_of(&w).sentences;
    OK(tap_button(&w, "stop") == 0);

    OK(ks_ui_open(w.ui, "topic:prolotherapy", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    STR_EQ(ks_ui_screen_name(w.ui), "topic:prolotherapy");
    OK(ks_ui_listen_point(w.ui, "listen", &x, &y) == 0);
    shot(&w, "listen-topic");
    OK(tap_button(&w, "listen") == 0);
    ks_ui_listen_info in = info_of(&w);
    INT_EQ(in.state, KS_LISTEN_PLAYING);
    INT_EQ(in.sentence, 0);
    STR_EQ(in.text, "Prolotherapy"); /* the overview's title heading */
    OK(in.sentences >= 3 && in.sentences < whole);
    play(&w, 300);
    in = info_of(&w);
    OK(count_color(&w, w.ui->look.theme->highlight, in.box) > 200);

    /* The next sentence: the overview's first, marked where it is shown. */
    double start = w.t;
    while (info_of(&w).sentence < 1 && w.t - start < 15000) play(&w, 50);
    in = info_of(&w);
    INT_EQ(in.sentence, 1);
    OK(in.text && strncmp(in.text, "Prolotherapy is a set of shots", 30) == 0);
    OK(in.box.y >= w.ui->geom.body_top && in.box.y + in.box.h <= w.ui->geom.body_bottom);
    OK(count_color(&w, w.ui->look.theme->highlight, in.box) > 500);
    shot(&w, "listen-topic-sentence-1");
    /* Nothing below the overview is marked (the tiles are not read). */
    {
        const ks_item *tile = find_link(w.ui->body, TAG_PAGE, "prolotherapy/what-it-is");
        OK(tile != NULL);
        if (tile) {
            int ty = tile->box.y + w.ui->geom.body_top - (int)lroundf(w.ui->view.scroll);
            OK(count_color(&w, w.ui->look.theme->highlight, (ks_rect){0, ty, 1080, w.ui->geom.body_bottom - ty}) == 0);
        }
    }

    /* It ends with the last sentence shown, and Listen is back. */
    start = w.t;
    while (info_of(&w).state == KS_LISTEN_PLAYING && w.t - start < 120000) play(&w, 250);
    INT_EQ(info_of(&w).state, KS_LISTEN_OFF);
    OK(ks_ui_listen_point(w.ui, "listen", &x, &y) == 0);

    /* Leaving the Topic screen (a tile) stops it at once. */
    OK(tap_button(&w, "listen") == 0);
    play(&w, 500);
    INT_EQ(info_of(&w).state, KS_LISTEN_PLAYING);
    OK(ks_ui_open(w.ui, "page:prolotherapy/risks", w.t) == 0);
    INT_EQ(info_of(&w).state, KS_LISTEN_OFF);
    /* Back on the Topic, paused: the idle prompt stops it, the reset goes
     * Home, where there is no Listen. */
    ks_ui_tick(w.ui, w.t);
    const ks_item *back = find_link(w.ui->chrome, TAG_BACK, NULL);
    OK(back != NULL);
    if (back) tap_playing(&w, back->box.x + back->box.w / 2, back->box.y + back->box.h / 2);
    STR_EQ(ks_ui_screen_name(w.ui), "topic:prolotherapy");
    OK(tap_button(&w, "listen") == 0);
    OK(tap_button(&w, "pause") == 0);
    INT_EQ(info_of(&w).state, KS_LISTEN_PAUSED);
    w.t += 91000;
    ks_ui_tick(w.ui, w.t);
    STR_EQ(ks_ui_screen_name(w.ui), "idle-prompt");
    INT_EQ(info_of(&w).state, KS_LISTEN_OFF);
    w.t += 31000;
    ks_ui_tick(w.ui, w.t);
    STR_EQ(ks_ui_screen_name(w.ui), "home");
    OK(ks_ui_listen_point(w.ui, "listen", &x, &y) == KS_ERR_NOT_FOUND);
    world_close(&w);
}

int main(void) {
    setenv("SDL_AUDIODRIVER", "dummy", 0);
    if (!harness_espeak_can_start()) return harness_done();
    if (shipped_load(NULL) != 0) return 1;
    RUN(test_no_speech_no_button);
    RUN(test_listen_follows_the_voice);
    RUN(test_slower_and_idle);
    RUN(test_listen_topic_overview);
    shipped_free();
    return harness_done();
}
