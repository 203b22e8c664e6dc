/* The gesture recogniser: taps with tolerance, drags, flings, and the SDL
 * input layer that turns finger and mouse events into one pointer. */
#include "harness.h"
#include "kiosk/touch.h"

#include <math.h>

static void test_tap_still(void) {
    ks_gesture g;
    ks_gesture_event e;
    ks_gesture_init(&g, NULL);
    e = ks_gesture_down(&g, 100, 200, 0);
    INT_EQ(e.kind, KS_GESTURE_PRESS);
    e = ks_gesture_up(&g, 100, 200, 120);
    INT_EQ(e.kind, KS_GESTURE_TAP);
    INT_EQ((int)e.x, 100);
    INT_EQ((int)e.y, 200);
    OK(!ks_gesture_animating(&g));
}

static void test_tap_with_wobble(void) {
    /* A finger that moves a little (within the slop) still taps, at the place
     * it went down. */
    ks_gesture g;
    ks_gesture_event e;
    ks_gesture_init(&g, NULL);
    ks_gesture_down(&g, 100, 200, 0);
    e = ks_gesture_move(&g, 110, 212, 30);
    INT_EQ(e.kind, KS_GESTURE_NONE);
    e = ks_gesture_move(&g, 104, 215, 60);
    INT_EQ(e.kind, KS_GESTURE_NONE);
    e = ks_gesture_up(&g, 108, 210, 90);
    INT_EQ(e.kind, KS_GESTURE_TAP);
    INT_EQ((int)e.x, 100);
    INT_EQ((int)e.y, 200);
}

static void test_drag_scrolls_and_never_taps(void) {
    ks_gesture g;
    ks_gesture_event e;
    float total = 0;
    ks_gesture_init(&g, NULL);
    ks_gesture_down(&g, 500, 1000, 0);
    e = ks_gesture_move(&g, 500, 990, 16);
    INT_EQ(e.kind, KS_GESTURE_NONE); /* inside the slop */
    e = ks_gesture_move(&g, 500, 960, 32);
    INT_EQ(e.kind, KS_GESTURE_SCROLL);
    total += e.dy;
    /* The first scroll catches up with the finger from where it went down. */
    INT_EQ((int)total, -40);
    e = ks_gesture_move(&g, 500, 900, 48);
    INT_EQ(e.kind, KS_GESTURE_SCROLL);
    total += e.dy;
    INT_EQ((int)total, -100);
    /* It rests, then lifts: no tap and no fling. */
    e = ks_gesture_up(&g, 500, 900, 400);
    OK(e.kind != KS_GESTURE_TAP);
    OK(!ks_gesture_animating(&g));
    e = ks_gesture_step(&g, 500);
    INT_EQ(e.kind, KS_GESTURE_NONE);
}

/* A quick flick: momentum only after the finger lifts, decaying to a stop;
 * the distance does not depend on the step size. */
static float fling_distance(double step_ms) {
    ks_gesture g;
    ks_gesture_event e;
    float moved = 0;
    double t;
    ks_gesture_init(&g, NULL);
    ks_gesture_down(&g, 500, 1500, 0);
    for (int i = 1; i <= 5; i++) {
        e = ks_gesture_move(&g, 500, 1500 - 40 * i, 10.0 * i);
        OK(e.kind == KS_GESTURE_SCROLL || i == 0);
    }
    OK(!ks_gesture_animating(&g)); /* no momentum while the finger is down */
    e = ks_gesture_up(&g, 500, 1300, 50);
    OK(ks_gesture_animating(&g));
    for (t = 50 + step_ms; ks_gesture_animating(&g) && t < 20000; t += step_ms) {
        e = ks_gesture_step(&g, t);
        if (e.kind == KS_GESTURE_SCROLL) {
            OK(e.dy < 0); /* keeps moving the way the finger went */
            moved += e.dy;
        }
    }
    OK(!ks_gesture_animating(&g)); /* friction stops it */
    OK(t < 5000);
    return moved;
}

static void test_fling_inertia(void) {
    float a = fling_distance(16), b = fling_distance(5), c = fling_distance(1000);
    OK(a < -300);  /* 4 px/ms flick travels a good way */
    OK(a > -2000); /* but friction stops it */
    OK(fabsf(a - b) < 2.0f);
    OK(fabsf(a - c) < 2.0f);
}

static void test_catch_fling_no_tap(void) {
    ks_gesture g;
    ks_gesture_event e;
    ks_gesture_init(&g, NULL);
    ks_gesture_down(&g, 500, 1500, 0);
    for (int i = 1; i <= 5; i++) ks_gesture_move(&g, 500, 1500 - 40 * i, 10.0 * i);
    ks_gesture_up(&g, 500, 1300, 50);
    ks_gesture_step(&g, 66);
    OK(ks_gesture_animating(&g));
    /* A finger that stops the moving list does not also press what is under
     * it. */
    e = ks_gesture_down(&g, 300, 700, 80);
    OK(!ks_gesture_animating(&g));
    e = ks_gesture_up(&g, 300, 700, 150);
    INT_EQ(e.kind, KS_GESTURE_NONE);
    /* The next tap taps. */
    ks_gesture_down(&g, 300, 700, 400);
    e = ks_gesture_up(&g, 300, 700, 450);
    INT_EQ(e.kind, KS_GESTURE_TAP);
}

static void test_stray_events(void) {
    ks_gesture g;
    ks_gesture_event e;
    ks_gesture_init(&g, NULL);
    e = ks_gesture_move(&g, 1, 1, 0);
    INT_EQ(e.kind, KS_GESTURE_NONE);
    e = ks_gesture_up(&g, 1, 1, 0);
    INT_EQ(e.kind, KS_GESTURE_NONE);
    ks_gesture_down(&g, 10, 10, 0);
    e = ks_gesture_down(&g, 50, 50, 5); /* a second pointer is ignored */
    INT_EQ(e.kind, KS_GESTURE_NONE);
    e = ks_gesture_up(&g, 10, 10, 20);
    INT_EQ(e.kind, KS_GESTURE_TAP);
    INT_EQ((int)e.x, 10);
}

int main(void) {
    RUN(test_tap_still);
    RUN(test_tap_with_wobble);
    RUN(test_drag_scrolls_and_never_taps);
    RUN(test_fling_inertia);
    RUN(test_catch_fling_no_tap);
    RUN(test_stray_events);
    return harness_done();
}
