/* gesture: one pointer in, tap / scroll out.
 *
 * A press becomes a drag once the finger has moved more than the slop from
 * where it went down; a drag never taps. Releasing a drag that was still
 * moving starts a fling whose speed decays exponentially (friction^ms), and
 * ks_gesture_step integrates that decay exactly, so the distance travelled
 * does not depend on the frame rate (a scripted run may step 16 ms or 90 s).
 */
#include "kiosk/touch.h"

#include <math.h>

/* A finger that rested this long before lifting has stopped: no fling. */
#define STILL_MS 80.0

ks_gesture_params ks_gesture_defaults(void) {
    ks_gesture_params p;
    p.slop = 24.0f;
    p.fling_min = 0.25f;
    p.fling_stop = 0.02f;
    p.friction = 0.997f;
    p.fling_max = 8.0f;
    return p;
}

void ks_gesture_init(ks_gesture *g, const ks_gesture_params *p) {
    ks_gesture zero = {0};
    *g = zero;
    g->p = p ? *p : ks_gesture_defaults();
}

static ks_gesture_event none(void) {
    ks_gesture_event e = {KS_GESTURE_NONE, 0, 0, 0, 0};
    return e;
}

static ks_gesture_event scroll(float dx, float dy) {
    ks_gesture_event e = {KS_GESTURE_SCROLL, 0, 0, dx, dy};
    return e;
}

int ks_gesture_animating(const ks_gesture *g) { return g->flinging; }

void ks_gesture_stop(ks_gesture *g) {
    g->flinging = 0;
    g->vx = g->vy = 0;
}

ks_gesture_event ks_gesture_down(ks_gesture *g, float x, float y, double t) {
    ks_gesture_event e = none();
    if (g->down) return e;
    g->caught = g->flinging;
    ks_gesture_stop(g);
    g->down = 1;
    g->dragging = 0;
    g->x0 = g->lx = x;
    g->y0 = g->ly = y;
    g->t_last = t;
    e.kind = KS_GESTURE_PRESS;
    e.x = x;
    e.y = y;
    return e;
}

ks_gesture_event ks_gesture_move(ks_gesture *g, float x, float y, double t) {
    float dx, dy;
    double dt;
    if (!g->down) return none();
    dx = x - g->lx;
    dy = y - g->ly;
    if (dx == 0 && dy == 0) return none();
    dt = t - g->t_last;
    if (dt > 0) {
        float ivx = (float)(dx / dt), ivy = (float)(dy / dt);
        if (dt > 100.0) { /* a stale estimate says nothing about now */
            g->vx = ivx;
            g->vy = ivy;
        } else {
            g->vx = 0.4f * g->vx + 0.6f * ivx;
            g->vy = 0.4f * g->vy + 0.6f * ivy;
        }
        g->t_last = t;
    }
    g->lx = x;
    g->ly = y;
    if (!g->dragging) {
        float mx = x - g->x0, my = y - g->y0;
        if (mx * mx + my * my <= g->p.slop * g->p.slop) return none();
        g->dragging = 1;
        return scroll(mx, my); /* the content catches up with the finger */
    }
    return scroll(dx, dy);
}

ks_gesture_event ks_gesture_up(ks_gesture *g, float x, float y, double t) {
    ks_gesture_event e = none();
    float speed;
    if (!g->down) return e;
    e = ks_gesture_move(g, x, y, t);
    g->down = 0;
    if (!g->dragging) {
        if (g->caught) return none();
        e.kind = KS_GESTURE_TAP;
        e.x = g->x0;
        e.y = g->y0;
        e.dx = e.dy = 0;
        return e;
    }
    if (t - g->t_last > STILL_MS) g->vx = g->vy = 0;
    speed = sqrtf(g->vx * g->vx + g->vy * g->vy);
    if (speed >= g->p.fling_min) {
        if (speed > g->p.fling_max) {
            g->vx *= g->p.fling_max / speed;
            g->vy *= g->p.fling_max / speed;
        }
        g->flinging = 1;
        g->t_fling = t;
    } else {
        g->vx = g->vy = 0;
    }
    return e; /* the last bit of the drag, or NONE */
}

ks_gesture_event ks_gesture_step(ks_gesture *g, double t) {
    double dt, decay, lnf, k;
    float dx, dy;
    if (!g->flinging) return none();
    dt = t - g->t_fling;
    if (dt <= 0) return none();
    g->t_fling = t;
    lnf = log((double)g->p.friction);
    {
        /* Stop exactly where the speed falls to fling_stop, so a long step
         * travels no further than many short ones. */
        double speed = sqrt((double)g->vx * g->vx + (double)g->vy * g->vy);
        double t_stop = speed > g->p.fling_stop ? log(g->p.fling_stop / speed) / lnf : 0;
        if (dt > t_stop) dt = t_stop;
    }
    decay = exp(lnf * dt);
    k = (decay - 1.0) / lnf; /* integral of friction^s ds over [0, dt] */
    dx = (float)(g->vx * k);
    dy = (float)(g->vy * k);
    g->vx = (float)(g->vx * decay);
    g->vy = (float)(g->vy * decay);
    if (sqrtf(g->vx * g->vx + g->vy * g->vy) <= g->p.fling_stop * 1.0001f) ks_gesture_stop(g);
    if (dx == 0 && dy == 0) return none();
    return scroll(dx, dy);
}
