/* care: screen care. The screen goes black after screen_off_minutes without
 * a touch and during the night schedule; a touch wakes it to Home without
 * acting on what is under the finger; Home moves a little once a minute so
 * no pixel shows the same thing for months (burn-in).
 *
 * Only time and touches are looked at, so scripted runs (`idle`, `clock`)
 * drive it exactly as the wall clock does. What SDL can do about the
 * backlight is the app's business (ks_ui_screen_off); see README.
 */
#include "ui_int.h"

#include "kiosk/base.h"

#include <math.h>

#define MINUTE_MS 60000.0
/* At night the screen goes off when the kiosk resets itself anyway; with
 * the idle reset turned off, after this long. */
#define NIGHT_DEFAULT_MS (2 * MINUTE_MS)

void ui_care_init(ks_ui *ui, double now) {
    ui->care.last_activity = now;
    ui->care.asleep = 0;
    ui->care.swallow = 0;
    ui->care.was_night = 0;
    ui->care.wall_at = -1;
    ui->care.wall_min = 0;
    ui->care.shift_step = (long)floor(now / MINUTE_MS);
}

void ks_ui_set_wall_clock(ks_ui *ui, double minute_of_day, double now) {
    ui->care.wall_min = fmod(minute_of_day, 1440.0);
    if (ui->care.wall_min < 0) ui->care.wall_min += 1440.0;
    ui->care.wall_at = now;
}

/* Minute of the day at now, or -1 when the wall clock is unknown. */
static double minute_of_day(const ks_ui *ui, double now) {
    double m;
    if (ui->care.wall_at < 0) return -1;
    m = fmod(ui->care.wall_min + (now - ui->care.wall_at) / MINUTE_MS, 1440.0);
    return m < 0 ? m + 1440.0 : m;
}

static int night_configured(const ks_ui *ui) {
    int f = ui->cfg.night_from, t = ui->cfg.night_to;
    return f >= 0 && t >= 0 && f < 1440 && t < 1440 && f != t;
}

static int is_night(const ks_ui *ui, double now) {
    double m = minute_of_day(ui, now);
    int f = ui->cfg.night_from, t = ui->cfg.night_to;
    if (m < 0 || !night_configured(ui)) return 0;
    return f < t ? (m >= f && m < t) : (m >= f || m < t);
}

/* ms from now until the night schedule changes (a day at most), or -1. */
static double night_edge_in(const ks_ui *ui, double now) {
    double m = minute_of_day(ui, now), d1, d2;
    if (m < 0 || !night_configured(ui)) return -1;
    d1 = fmod(ui->cfg.night_from - m + 1440.0, 1440.0);
    d2 = fmod(ui->cfg.night_to - m + 1440.0, 1440.0);
    if (d1 <= 0) d1 = 1440;
    if (d2 <= 0) d2 = 1440;
    return (d1 < d2 ? d1 : d2) * MINUTE_MS;
}

/* How long without a touch before the screen goes off at now, or -1. */
static double off_after_ms(const ks_ui *ui, double now) {
    double t = ui->cfg.screen_off_minutes > 0 ? ui->cfg.screen_off_minutes * MINUTE_MS : -1;
    if (is_night(ui, now)) {
        double n = ui->cfg.idle_seconds > 0 ? (ui->cfg.idle_seconds + ui->cfg.prompt_seconds) * 1000.0
                                            : NIGHT_DEFAULT_MS;
        if (t < 0 || n < t) t = n;
    }
    return t;
}

static void go_to_sleep(ks_ui *ui) {
    ui_reset_all(ui); /* the next person finds Home, not what was read */
    ui->care.asleep = 1;
    ui->care.swallow = 0;
    ui->view.dirty = 1;
    ks_log("screen care: the screen is off (touch to wake)");
    ui_announce(ui);
}

static void wake(ks_ui *ui, double now, const char *why) {
    ui->care.asleep = 0;
    ui->care.last_activity = now;
    ui->care.shift_step = (long)floor(now / MINUTE_MS);
    ks_idle_touch(&ui->idle, now);
    ui_invalidate(ui, UI_REBUILD);
    ks_log("screen care: the screen is on (%s)", why);
    ui_announce(ui);
}

int ks_ui_screen_off(const ks_ui *ui) { return ui->care.asleep; }

int ui_care_pointer(ks_ui *ui, ks_pointer_kind kind, double now) {
    ui->care.last_activity = now;
    if (ui->care.asleep) {
        if (kind == KS_POINTER_DOWN) {
            wake(ui, now, "touched");
            ui->care.swallow = 1; /* the rest of this touch does nothing */
        }
        return 1;
    }
    if (ui->care.swallow) {
        if (kind == KS_POINTER_UP) ui->care.swallow = 0;
        return 1;
    }
    return 0;
}

int ui_care_tick(ks_ui *ui, double now) {
    int night = is_night(ui, now);
    double off;
    if (ui->care.was_night && !night) {
        /* Morning: the screen comes on by itself and stays on for a full
         * screen_off_minutes. */
        ui->care.last_activity = now;
        if (ui->care.asleep) wake(ui, now, "the night is over");
    }
    ui->care.was_night = night;
    if (ui->care.asleep) return 1;
    off = off_after_ms(ui, now);
    if (off >= 0 && now - ui->care.last_activity >= off && !ui->touch.g.down) {
        go_to_sleep(ui);
        return 1;
    }
    {
        long step = (long)floor(now / MINUTE_MS);
        if (step != ui->care.shift_step) {
            int dx0, dy0, dx1, dy1;
            ks_ui_shift(ui, &dx0, &dy0);
            ui->care.shift_step = step;
            ks_ui_shift(ui, &dx1, &dy1);
            if (dx0 != dx1 || dy0 != dy1) ui->view.dirty = 1;
        }
    }
    return 0;
}

double ui_care_due_in(const ks_ui *ui, double now) {
    double t = -1, d;
    if (!ui->care.asleep) {
        double off = off_after_ms(ui, now);
        if (off >= 0) {
            d = ui->care.last_activity + off - now;
            t = d > 0 ? d : 0;
        }
        if (ks_nav_top((ks_nav *)&ui->nav)->screen == KS_SCREEN_HOME) { /* the next shift */
            d = (floor(now / MINUTE_MS) + 1) * MINUTE_MS - now;
            if (t < 0 || d < t) t = d;
        }
    }
    d = night_edge_in(ui, now);
    if (d >= 0 && (t < 0 || d < t)) t = d;
    return t;
}

/* Nine positions around the centre, one a minute: the middle, then a ring.
 * Amplitude 0.75 % of each side, so the whole movement is 1.5 %. */
void ks_ui_shift(const ks_ui *ui, int *dx, int *dy) {
    static const signed char path[9][2] = {{0, 0},  {1, 0},   {1, 1},  {0, 1}, {-1, 1},
                                           {-1, 0}, {-1, -1}, {0, -1}, {1, -1}};
    long i = ui->care.shift_step % 9;
    *dx = *dy = 0;
    if (ui->care.asleep || ui->panel.prompting || ui->panel.pin_open || ui->panel.staff_open ||
        ks_nav_top((ks_nav *)&ui->nav)->screen != KS_SCREEN_HOME)
        return;
    if (i < 0) i += 9;
    *dx = (int)floor(path[i][0] * ui->w * 0.0075);
    *dy = (int)floor(path[i][1] * ui->h * 0.0075);
}

int ui_care_draw(ks_ui *ui) {
    static const ks_color black = {0, 0, 0, 255};
    if (!ui->care.asleep) return 0;
    ks_layout_list_clear(ui->fx);
    ks_layout_list_add_rect(ui->fx, (ks_rect){0, 0, ui->w, ui->h}, black, 0);
    ks_render_draw(ui->rd, ui->fx, 0, 0, NULL);
    ui->view.dirty = 0;
    return 1;
}

/* ------------------------------------------------------------ rotation */

void ks_ui_rotated_size(int rotate, int win_w, int win_h, int *lw, int *lh) {
    int side = rotate == 90 || rotate == 270;
    *lw = side ? win_h : win_w;
    *lh = side ? win_w : win_h;
}

/* The picture is turned clockwise by rotate: the logical top-left corner
 * lands at the output's top-right (90), bottom-right (180) or bottom-left
 * (270). This is the inverse map. */
ks_ui_point ks_ui_rotate_point(int rotate, int win_w, int win_h, float x, float y) {
    switch (rotate) {
    case 90: return (ks_ui_point){y, (float)win_w - x};
    case 180: return (ks_ui_point){(float)win_w - x, (float)win_h - y};
    case 270: return (ks_ui_point){(float)win_h - y, x};
    default: return (ks_ui_point){x, y};
    }
}
