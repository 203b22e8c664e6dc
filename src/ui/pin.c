/* pin: the staff PIN pad and the corner hold that opens it.
 *
 * The pad's keys never move: the message and the dots each have a row of
 * their own, reserved at the height of the longest message and of a row of
 * dots, so a fast PIN lands every digit where the finger aimed. After
 * UI_PIN_TRIES wrong PINs in a row the pad waits UI_PIN_LOCK_MS (it says so
 * and counts down; keys stay where they are, dimmed, and do nothing but
 * Cancel); the idle reset does not end the wait. While a finger holds the
 * staff corner, a ring beside it fills over the hold time.
 */
#include "widgets.h"

#include "kiosk/base.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The hold ring: this many steps, shown once the hold has lasted
 * RING_DELAY_MS (a quick tap on Back, in the same corner, shows nothing). */
#define RING_STEPS 48
#define RING_DELAY_MS 300.0
#define RING_PI 3.14159265358979323846

int ui_pin_locked(const ks_ui *ui, double now) {
    return ui->panel.pin_locked_until > 0 && now < ui->panel.pin_locked_until;
}

/* Whole seconds of the wait left (0: not locked). */
static int lock_secs(const ks_ui *ui, double now) {
    return ui_pin_locked(ui, now) ? (int)ceil((ui->panel.pin_locked_until - now) / 1000.0) : 0;
}

int ui_pin_secs_left(const ks_ui *ui, double now) { return lock_secs(ui, now); }

static void pin_check(ks_ui *ui) {
    if (strcmp(ui->panel.pin, ui->cfg.staff_pin) == 0) {
        ui->panel.pin_fails = 0;
        if (ui->hooks.staff_status) {
            ui_staff_open(ui); /* staff.c: status, reset, exit */
            ui_announce(ui);
        } else {
            ui->quit = 1;
            ks_log("staff exit");
        }
    } else {
        ui->panel.pin_wrong = 1;
        if (++ui->panel.pin_fails >= UI_PIN_TRIES) {
            ui->panel.pin_fails = 0;
            ui->panel.pin_locked_until = ui->now + UI_PIN_LOCK_MS;
            ks_log("staff PIN: %d wrong in a row; the pad waits %.0f seconds", UI_PIN_TRIES, UI_PIN_LOCK_MS / 1000.0);
        }
    }
    ui->panel.pin[0] = '\0';
}

void ui_pin_tap(ks_ui *ui, int tag) {
    size_t n = strlen(ui->panel.pin);
    assert(n < sizeof ui->panel.pin);
    if (ui->panel.pin_locked_until > 0 && !ui_pin_locked(ui, ui->now)) {
        ui->panel.pin_locked_until = 0; /* the wait is over */
        ui->panel.pin_wrong = 0;
    }
    ui_invalidate(ui, UI_REBUILD);
    if (tag == TAG_PIN_CANCEL) {
        ui->panel.pin_open = 0;
        ui->panel.pin[0] = '\0';
        ui_announce(ui);
    } else if (ui_pin_locked(ui, ui->now)) {
        return; /* the pad says how long to wait */
    } else if (tag >= TAG_PIN_DIGIT && tag < TAG_PIN_DIGIT + 10) {
        if (n + 1 < sizeof ui->panel.pin) {
            ui->panel.pin[n] = (char)('0' + tag - TAG_PIN_DIGIT);
            ui->panel.pin[n + 1] = '\0';
        }
        ui->panel.pin_wrong = 0;
    } else if (tag == TAG_PIN_DELETE) {
        if (n) ui->panel.pin[n - 1] = '\0';
    } else if (tag == TAG_PIN_OK) {
        pin_check(ui);
    }
}

/* ------------------------------------------------------------ the pad */

/* The message above the dots, for the state at ui->now. */
static void pin_message(const ks_ui *ui, char *out, size_t n) {
    int secs = lock_secs(ui, ui->now);
    if (secs)
        snprintf(out, n, "Too many wrong PINs. The pad opens again in %d second%s.", secs, secs == 1 ? "" : "s");
    else
        snprintf(out, n, "%s", ui->panel.pin_wrong && !ui->panel.pin_locked_until ? "That PIN is not right. Try again, or touch Cancel."
                                                   : "Type the staff PIN, then OK.");
}

/* The message row's height: the tallest message it may show, so the rows
 * under it never move. */
static int message_h(const ks_ui *ui, int w, int B) {
    static const char *const all[] = {"Type the staff PIN, then OK.", "That PIN is not right. Try again, or touch Cancel.",
                                      "Too many wrong PINs. The pad opens again in 60 seconds."};
    int h = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        int t = ui_text_h(ui, all[i], w, KS_FACE_REGULAR, B);
        if (t > h) h = t;
    }
    return h;
}

/* One dot per digit typed, in a row of its own (d px high). */
static void dots(const ks_ui *ui, ks_display_list *dl, int x, int y, int w, int d) {
    const ks_theme *th = ui->look.theme;
    int step = d + d / 2;
    for (int i = 0; ui->panel.pin[i] && (i + 1) * step <= w; i++)
        ks_layout_list_add_rect(dl, (ks_rect){x + i * step, y, d, d}, th->text, d / 2);
}

/* The twelve keys and Cancel from (x, y), keys kw x kh. */
static void keypad(const ks_ui *ui, const ui_geo *g, ks_display_list *dl, ks_rect at, int kh) {
    const ks_theme *th = ui->look.theme;
    static const char *const keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "Delete", "0", "OK"};
    static const char *const digits[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    int kw = (at.w - 2 * g->gap) / 3, locked = ui_pin_locked(ui, ui->now);
    for (int i = 0; i < 12; i++) {
        int col = i % 3, row = i / 3, tag, ok = i == 11;
        ks_rect r = {at.x + col * (kw + g->gap), at.y + row * (kh + g->gap), kw, kh};
        const char *target = NULL;
        ui_button_opt o = {ok ? th->accent : th->surface, ok ? th->on_accent : th->on_surface, KS_FACE_BOLD, g->B};
        if (locked) o = (ui_button_opt){th->code_bg, th->muted, KS_FACE_BOLD, g->B};
        o.size = ui_fit_size(ui, keys[i], KS_FACE_BOLD, g->B, kw - g->pad - 2); /* "Delete" on one line */
        if (i == 9) tag = TAG_PIN_DELETE;
        else if (ok) tag = TAG_PIN_OK;
        else {
            int d = keys[i][0] - '0';
            tag = TAG_PIN_DIGIT + d;
            target = digits[d];
        }
        ui_button_ex(ui, dl, r, keys[i], (ui_act){tag, target}, &o);
    }
}

void ui_build_pin(const ks_ui *ui, const ui_geo *g, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->over;
    char msg[160];
    int wide = ui->w >= ui->h * 6 / 5; /* landscape: text left, keys right */
    int text_w = wide ? (g->col_w - g->gap * 2) / 2 : g->col_w, d = g->B * 2 / 3;
    int title_px = g->B * 8 / 5, y = g->margin, top, keys_top, kh = g->bh + g->B / 2, pad_w;
    int head_h = ui_text_h(ui, "Staff exit", text_w, KS_FACE_BOLD, title_px) + g->gap + message_h(ui, text_w, g->B) + g->gap + d + g->gap;
    pin_message(ui, msg, sizeof msg);
    f->geom.pin_secs_shown = lock_secs(ui, ui->now);
    /* Keys as tall as a button and a half, less where the window is short. */
    {
        int room = wide ? ui->h - 2 * g->margin + g->gap : ui->h - 2 * g->margin - head_h - g->bh;
        if (4 * (kh + g->gap) > room) kh = room / 4 - g->gap;
        if (kh < g->T) kh = g->T;
    }
    pad_w = wide ? text_w : g->col_w;
    if (pad_w > 3 * g->T * 3 + 2 * g->gap) pad_w = 3 * g->T * 3 + 2 * g->gap;
    ks_layout_list_add_rect(dl, (ks_rect){0, 0, ui->w, ui->h}, th->background, 0);
    ui_link(dl, (ks_rect){0, 0, ui->w, ui->h}, (ui_act){TAG_NOTHING, NULL});
    top = y;
    y += ui_text_ex(ui, dl, "Staff exit", (ks_rect){g->col_x, y, text_w, 0}, &(ui_pen){KS_FACE_BOLD, title_px, th->heading, th->background, KS_ALIGN_LEFT});
    y += g->gap;
    ui_text(ui, dl, msg, (ks_rect){g->col_x, y, text_w, 0});
    y += message_h(ui, text_w, g->B) + g->gap;
    dots(ui, dl, g->col_x, y, text_w, d);
    y += d + g->gap;
    keys_top = wide ? top : y;
    keypad(ui, g, dl, (ks_rect){wide ? g->col_x + g->col_w - pad_w : g->col_x, keys_top, pad_w, 0}, kh);
    y = wide ? y + g->gap : keys_top + 4 * (kh + g->gap);
    ui_button(ui, dl, (ks_rect){g->col_x, y, wide ? text_w : pad_w, g->bh}, "Cancel", (ui_act){TAG_PIN_CANCEL, NULL});
}

/* ------------------------------------------------------------ the hold ring */

int ui_pin_ring_steps(const ks_ui *ui, double now) {
    double held, hold_ms = ui->cfg.staff_hold_seconds * 1000.0;
    if (ui->touch.hold_start < 0 || !ui->touch.g.down || ui->touch.g.dragging || ui->panel.pin_open) return -1;
    held = now - ui->touch.hold_start;
    if (held < RING_DELAY_MS || hold_ms <= 0) return -1;
    if (held >= hold_ms) return RING_STEPS;
    return (int)(held / hold_ms * RING_STEPS);
}

double ui_pin_ring_step_ms(const ks_ui *ui) {
    double ms = ui->cfg.staff_hold_seconds * 1000.0 / RING_STEPS;
    return ms < 16 ? 16 : ms;
}

void ui_pin_ring_fx(const ks_ui *ui, ks_display_list *fx) {
    const ks_theme *th = ui->look.theme;
    int steps = ui_pin_ring_steps(ui, ui->now), sx, sy;
    int R = (int)lround(72 * ui->look.scale), t = (int)lround(14 * ui->look.scale), cx, cy;
    if (steps < 0) return;
    ks_ui_shift(ui, &sx, &sy); /* fx is drawn shifted on Home; the ring sits where the finger is */
    /* Around the finger, moved in so the whole ring is on screen. */
    cx = (int)lroundf(ui->touch.hold_x) - sx;
    cy = (int)lroundf(ui->touch.hold_y) - sy;
    if (cx < R + t) cx = R + t;
    if (cy < R + t) cy = R + t;
    ks_layout_list_add_rect(fx, (ks_rect){cx - R - t, cy - R - t, 2 * (R + t), 2 * (R + t)}, th->background, R + t);
    for (int k = 0; k < 3 * RING_STEPS; k++) { /* three dots a step, close enough to read as a line */
        double a = -RING_PI / 2 + 2 * RING_PI * (k + 0.5) / (3 * RING_STEPS); /* clockwise from the top */
        int x = cx + (int)lround(R * cos(a)) - t / 2, y = cy + (int)lround(R * sin(a)) - t / 2;
        ks_layout_list_add_rect(fx, (ks_rect){x, y, t, t}, k < 3 * steps ? th->accent : th->rule, t / 2);
    }
}
