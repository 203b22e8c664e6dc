/* runner: replays a parsed script on a ks_ui with a virtual clock.
 *
 * Taps and drags go through ks_ui_pointer, the same path a finger's events
 * take; `type` taps the on-screen keys where they are laid out; `wait`
 * advances time in 16 ms frames so flings run as they would on screen;
 * `idle` jumps the clock (the idle timer only looks at time).
 */
#include "ui_int.h"

#include "kiosk/base.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FRAME_MS 16.0

static void frame(ks_ui *ui, const ks_ui_script_host *host, double t) {
    ks_ui_tick(ui, t);
    if (host && host->frame) host->frame(host->ctx, ui);
}

/* Advance the clock by ms in frames. */
static void advance(ks_ui *ui, const ks_ui_script_host *host, double *clock, double ms) {
    double end = *clock + ms;
    while (*clock + FRAME_MS < end) {
        *clock += FRAME_MS;
        frame(ui, host, *clock);
    }
    *clock = end;
    frame(ui, host, *clock);
}

static void do_tap(ks_ui *ui, const ks_ui_script_host *host, double *clock, float x, float y) {
    ks_ui_pointer(ui, KS_POINTER_DOWN, x, y, *clock);
    advance(ui, host, clock, 60);
    ks_ui_pointer(ui, KS_POINTER_UP, x, y, *clock);
    advance(ui, host, clock, 40);
}

/* Say what failed; returns code (a negative KS_ERR_*). */
static int fail(ks_ui_script_error *e, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    assert(code < 0);
    return code;
}

/* Tap the keys that type text; opens the keyboard through the search field
 * first when the screen shows a field but no keyboard. */
static int do_type(ks_ui *ui, const ks_ui_script_host *host, double *clock, const char *text,
                   ks_ui_script_error *err) {
    for (const char *c = text; *c; c++) {
        int x, y;
        if (ks_ui_key_point(ui, *c, &x, &y) != 0) {
            int fx, fy;
            if (ks_ui_search_field_point(ui, &fx, &fy) == 0) {
                do_tap(ui, host, clock, (float)fx, (float)fy);
                if (ks_ui_key_point(ui, *c, &x, &y) == 0) goto press;
            }
            if (ks_ui_key_point(ui, 'a', &x, &y) == 0)
                return fail(err, KS_ERR_INVALID, "'type': the on-screen keyboard has no key for '%c'", *c);
            return fail(err, KS_ERR_INVALID, "'type': no on-screen keyboard on screen '%s'", ks_ui_screen_name(ui));
        }
    press:
        do_tap(ui, host, clock, (float)x, (float)y);
    }
    return 0;
}

int ks_ui_run_script(ks_ui *ui, const ks_script *s, const ks_ui_script_host *host, double *clock,
                     ks_ui_script_error *err) {
    for (size_t i = 0; i < ks_script_count(s); i++) {
        const ks_script_cmd *c = ks_script_cmd_at(s, i);
        int rc = 0;
        err->line = c->line;
        err->text[0] = '\0';
        switch (c->op) {
        case KS_SCRIPT_TAP:
            do_tap(ui, host, clock, (float)c->a[0], (float)c->a[1]);
            break;
        case KS_SCRIPT_DRAG: {
            double ms = c->a[4] < FRAME_MS ? FRAME_MS : c->a[4];
            int steps = (int)(ms / FRAME_MS);
            if (steps < 1) steps = 1;
            ks_ui_pointer(ui, KS_POINTER_DOWN, (float)c->a[0], (float)c->a[1], *clock);
            for (int k = 1; k <= steps; k++) {
                double f = (double)k / steps;
                *clock += ms / steps;
                ks_ui_pointer(ui, KS_POINTER_MOVE, (float)(c->a[0] + (c->a[2] - c->a[0]) * f),
                              (float)(c->a[1] + (c->a[3] - c->a[1]) * f), *clock);
                frame(ui, host, *clock);
            }
            ks_ui_pointer(ui, KS_POINTER_UP, (float)c->a[2], (float)c->a[3], *clock);
            frame(ui, host, *clock);
            break;
        }
        case KS_SCRIPT_TYPE:
            rc = do_type(ui, host, clock, c->text, err);
            break;
        case KS_SCRIPT_WAIT:
            advance(ui, host, clock, c->a[0]);
            break;
        case KS_SCRIPT_IDLE:
            *clock += c->a[0] * 1000.0;
            frame(ui, host, *clock);
            break;
        case KS_SCRIPT_SHOT:
            if (!host || !host->shot || host->shot(host->ctx, ui, c->text) != 0)
                rc = fail(err, KS_ERR_IO, "'shot': cannot save %s", c->text);
            break;
        case KS_SCRIPT_EXPECT: {
            const char *now = ks_ui_screen_name(ui);
            if (strcmp(now, c->text) != 0) rc = fail(err, KS_ERR_INVALID, "expected screen '%s', but it is '%s'", c->text, now);
            break;
        }
        case KS_SCRIPT_RESIZE:
            if (!host || !host->resize || host->resize(host->ctx, ui, (int)c->a[0], (int)c->a[1]) != 0)
                rc = fail(err, KS_ERR_IO, "'resize': cannot resize to %dx%d", (int)c->a[0], (int)c->a[1]);
            else
                frame(ui, host, *clock);
            break;
        case KS_SCRIPT_CLOCK: /* the wall clock reads HH:MM now (night schedule) */
            ks_ui_set_wall_clock(ui, c->a[0], *clock);
            frame(ui, host, *clock);
            break;
        case KS_SCRIPT_QUIT:
            return 0;
        }
        if (rc) return rc;
        if (ks_ui_quit_requested(ui)) return 0;
    }
    return 0;
}
