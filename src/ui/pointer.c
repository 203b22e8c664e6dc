/* pointer: what a touch does. The ui's pointer, wheel and key calls (the
 * input driver in src/app/input.c and scripts feed them), hit-testing the
 * laid-out display lists, taps, press feedback, scrolling, the staff
 * corner and PIN pad; and the points scripts tap (keys, the field). */
#include "ui_int.h"

#include "kiosk/base.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The staff corner: a square at the top-left, this many px. */
#define STAFF_CORNER 120

/* ------------------------------------------------------------ taps */

static void pin_tap(ks_ui *ui, int tag) {
    size_t n = strlen(ui->panel.pin);
    assert(n < sizeof ui->panel.pin);
    ui_invalidate(ui, UI_REBUILD);
    if (tag >= TAG_PIN_DIGIT && tag < TAG_PIN_DIGIT + 10) {
        if (n + 1 < sizeof ui->panel.pin) {
            ui->panel.pin[n] = (char)('0' + tag - TAG_PIN_DIGIT);
            ui->panel.pin[n + 1] = '\0';
        }
        ui->panel.pin_wrong = 0;
    } else if (tag == TAG_PIN_DELETE) {
        if (n) ui->panel.pin[n - 1] = '\0';
    } else if (tag == TAG_PIN_CANCEL) {
        ui->panel.pin_open = 0;
        ui->panel.pin[0] = '\0';
        ui_announce(ui);
    } else if (tag == TAG_PIN_OK) {
        if (strcmp(ui->panel.pin, ui->cfg.staff_pin) == 0 && ui->hooks.staff_status) {
            ui_staff_open(ui); /* staff.c: status, reset, exit */
            ui_announce(ui);
        } else if (strcmp(ui->panel.pin, ui->cfg.staff_pin) == 0) {
            ui->quit = 1;
            ks_log("staff exit");
        } else {
            ui->panel.pin_wrong = 1;
        }
        ui->panel.pin[0] = '\0';
    }
}

/* The link item under window point (x, y): over, then chrome, then body. */
static const ks_item *hit_at(ks_ui *ui, int x, int y, int *in_body) {
    const ks_item *it;
    ui_ensure_built(ui);
    *in_body = 0;
    if ((it = ks_layout_list_hit(ui->over, x, y))) return it;
    ui_build_fx(ui, ui->fx); /* the "More" button depends on the scroll position */
    if (!ui->panel.prompting && !ui->panel.pin_open && (it = ks_layout_list_hit(ui->fx, x, y))) return it;
    if (ks_layout_list_count(ui->over) && (ui->panel.prompting || ui->panel.pin_open || ui->panel.staff_open)) return NULL;
    if ((it = ks_layout_list_hit(ui->chrome, x, y))) return it;
    if (y >= ui->geom.body_top && y < ui->geom.body_bottom) {
        int py = (int)lroundf((float)(y - ui->geom.body_top) + ui->view.scroll);
        /* A link inside a sentence is only a line high: a finger that lands
         * just above, below or beside it still opens it. */
        int d = (int)lround(16 * ui->look.scale);
        static const int probe[4][2] = {{0, -1}, {0, 1}, {-1, 0}, {1, 0}};
        *in_body = 1;
        if ((it = ks_layout_list_hit(ui->body, x, py))) return it;
        for (int i = 0; i < 4; i++) {
            it = ks_layout_list_hit(ui->body, x + probe[i][0] * d, py + probe[i][1] * d);
            if (it && it->tag == TAG_DOC_LINK) return it;
        }
    }
    return NULL;
}

/* An on-screen key: type, hide the keyboard or switch its layer. */
static void tap_key(ks_ui *ui, const ks_key *k) {
    if (k->kind == KS_KEY_HIDE) {
        ui->find.kb_visible = 0;
        ui_invalidate(ui, UI_KEEP_PLACE);
    } else if (k->kind == KS_KEY_LAYER) { /* "123" / "ABC" */
        ui->find.kb_layer = !ui->find.kb_layer;
        ui_invalidate(ui, UI_KEEP_PLACE);
    } else if (ks_keyboard_apply(k, ui->find.query, sizeof ui->find.query)) {
        ui_run_search(ui);
    }
}

static void tap(ks_ui *ui, float fx, float fy) {
    int in_body;
    const ks_item *it;
    int tag;
    char target[2 * KS_SLUG_MAX]; /* slug#anchor */
    if (ui->panel.prompting) { /* any touch on the prompt means "still here" */
        ui->panel.prompting = 0;
        ks_idle_touch(&ui->idle, ui->now);
        ui_invalidate(ui, UI_KEEP_PLACE);
        ui_announce(ui);
        return;
    }
    it = hit_at(ui, (int)fx, (int)fy, &in_body);
    if (!it) return;
    tag = it->tag;
    assert(tag >= 0); /* every hit box the ui lays out carries a TAG_* */
    snprintf(target, sizeof target, "%s", it->target ? it->target : "");
    if (ui->panel.pin_open) {
        pin_tap(ui, tag);
        return;
    }
    if (ui->panel.staff_open) {
        ui_staff_tap(ui, tag);
        if (!ui->panel.staff_open) ui_announce(ui);
        return;
    }
    if (tag >= TAG_KEY && tag < TAG_KEY + ui->geom.kb.n_keys) {
        tap_key(ui, &ui->geom.kb.keys[tag - TAG_KEY]);
        return;
    }
    if (tag >= TAG_RESULT && tag < TAG_RESULT + UI_MAX_RESULTS) {
        ui_open_result(ui, (size_t)(tag - TAG_RESULT));
        return;
    }
    switch (tag) {
    case TAG_DOC_LINK:
    case TAG_PAGE: ui_open_page(ui, target, NULL, 0); break;
    case TAG_BACK: ui_go_back(ui); break;
    case TAG_HOME: ui_go_home(ui); break;
    case TAG_SEARCH:
        if (ks_nav_top(&ui->nav)->screen == KS_SCREEN_SEARCH) {
            ui->find.kb_visible = 1;
            ui_invalidate(ui, UI_KEEP_PLACE);
        } else {
            ui_open_screen(ui, KS_SCREEN_SEARCH, NULL);
        }
        break;
    case TAG_TOPIC: ui_open_screen(ui, KS_SCREEN_TOPIC, target); break;
    case TAG_SIZE:
        ui->look.scale = atof(target);
        if (ui->look.scale < 1.0 || ui->look.scale > 2.0) ui->look.scale = 1.0;
        ui->view.want_scroll_px = ui->view.scroll; /* the buttons stay under the finger (look.c) */
        ui_invalidate(ui, UI_KEEP_PLACE);
        break;
    case TAG_CONTRAST:
        ui->look.high_contrast = !ui->look.high_contrast;
        ui_set_theme(ui);
        ui_invalidate(ui, UI_KEEP_PLACE);
        break;
    case TAG_DID_YOU_MEAN:
        if (ui->find.results && ui->find.results->corrected) {
            snprintf(ui->find.query, sizeof ui->find.query, "%s", ui->find.results->corrected);
            ui_run_search(ui);
        }
        break;
    case TAG_TOP:
        ui->view.scroll = 0;
        ui->view.dirty = 1;
        break;
    case TAG_LISTEN:
    case TAG_LISTEN_PAUSE:
    case TAG_LISTEN_STOP:
    case TAG_LISTEN_SLOWER: ui_listen_tap(ui, tag); break;
    case TAG_MORE: /* for those who find dragging hard: most of a screen down */
        ui_apply_scroll(ui, -0.8f * (float)ui_view_h(ui));
        break;
    default: break;
    }
}

/* ------------------------------------------------------------ pointer */

static void set_pressed(ks_ui *ui, float x, float y) {
    int in_body;
    const ks_item *it = hit_at(ui, (int)x, (int)y, &in_body);
    ui->touch.pressed = 0;
    if (!it || it->tag == TAG_NOTHING) return;
    ui->touch.pressed = 1;
    ui->touch.pressed_box = it->box;
    if (in_body) ui->touch.pressed_box.y += ui->geom.body_top - (int)lroundf(ui->view.scroll);
    ui->view.dirty = 1;
}

void ui_apply_scroll(ks_ui *ui, float dy) {
    float s = ui->view.scroll - dy, m = ui_max_scroll(ui);
    if (s < 0) s = 0;
    if (s > m) s = m;
    if ((s == 0 || s == m) && ks_gesture_animating(&ui->touch.g)) ks_gesture_stop(&ui->touch.g);
    if (s != ui->view.scroll) {
        ui->view.scroll = s;
        ui->view.dirty = 1;
    }
}

static int in_staff_corner(const ks_ui *ui, float x, float y) {
    (void)ui;
    return x < STAFF_CORNER && y < STAFF_CORNER;
}

void ks_ui_pointer(ks_ui *ui, ks_pointer_kind kind, float x, float y, double now) {
    ks_gesture_event e;
    int sx, sy;
    ui->now = now;
    if (ui_care_pointer(ui, kind, now)) return; /* it woke the screen: nothing else */
    ui_ensure_built(ui);
    ks_ui_shift(ui, &sx, &sy); /* Home is drawn shifted against burn-in */
    x -= (float)sx;
    y -= (float)sy;
    if (!ui->panel.prompting) ks_idle_touch(&ui->idle, now);
    switch (kind) {
    case KS_POINTER_DOWN:
        e = ks_gesture_down(&ui->touch.g, x, y, now);
        if (e.kind == KS_GESTURE_PRESS) {
            ui->touch.press_in_body = y >= ui->geom.body_top && y < ui->geom.body_bottom &&
                                !ks_layout_list_hit(ui->over, (int)x, (int)y) &&
                                !ks_layout_list_hit(ui->chrome, (int)x, (int)y);
            ui->touch.hold_start = in_staff_corner(ui, x, y) && !ui->panel.pin_open ? now : -1;
            set_pressed(ui, x, y);
        }
        break;
    case KS_POINTER_MOVE:
        e = ks_gesture_move(&ui->touch.g, x, y, now);
        if (e.kind == KS_GESTURE_SCROLL) {
            ui->touch.hold_start = -1;
            if (ui->touch.pressed) ui->view.dirty = 1;
            ui->touch.pressed = 0;
            if (ui->touch.press_in_body) ui_apply_scroll(ui, e.dy);
        }
        break;
    case KS_POINTER_UP:
        e = ks_gesture_up(&ui->touch.g, x, y, now);
        ui->touch.hold_start = -1;
        if (ui->touch.pressed) ui->view.dirty = 1;
        ui->touch.pressed = 0;
        if (e.kind == KS_GESTURE_SCROLL && ui->touch.press_in_body) ui_apply_scroll(ui, e.dy);
        if (!ui->touch.press_in_body) ks_gesture_stop(&ui->touch.g);
        if (e.kind == KS_GESTURE_TAP) tap(ui, e.x, e.y);
        break;
    }
}

int ks_ui_pointer_down(const ks_ui *ui) { return ui->touch.g.down; }

int ks_ui_wheel(ks_ui *ui, float notches, double now) {
    if (notches == 0 || ks_ui_screen_off(ui)) return 0;
    ui->now = now;
    ks_idle_touch(&ui->idle, now);
    ui->care.last_activity = now;
    /* Three lines a notch, scrolled like a drag. */
    ui_apply_scroll(ui, notches * 3.0f * (float)ks_layout_body_px(ui->look.theme, ui->look.scale) * 1.5f);
    return 1;
}

/* Whether typing goes to the search text now. */
static int typing_allowed(ks_ui *ui) {
    return !ks_ui_screen_off(ui) && !ui->panel.prompting && !ui->panel.pin_open && !ui->panel.staff_open &&
           ks_nav_top(&ui->nav)->screen == KS_SCREEN_SEARCH;
}

int ks_ui_key(ks_ui *ui, ks_key_kind kind, char ch, double now) {
    ks_key k = {kind, ch, "", 0, 0, 0, 0};
    if (!typing_allowed(ui)) return 0;
    ui->now = now;
    ks_idle_touch(&ui->idle, now);
    ui->care.last_activity = now;
    if (kind == KS_KEY_HIDE) {
        ui->find.kb_visible = 0;
        ui_invalidate(ui, UI_KEEP_PLACE);
    } else if (kind == KS_KEY_LAYER) {
        return 0;
    } else if (ks_keyboard_apply(&k, ui->find.query, sizeof ui->find.query)) {
        ui_run_search(ui);
    }
    return 1;
}

int ks_ui_text(ks_ui *ui, const char *utf8, double now) {
    int used = 0;
    for (const char *c = utf8; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u >= 0x80) continue; /* the on-screen keyboard types ASCII only */
        if (u == ' ') used |= ks_ui_key(ui, KS_KEY_SPACE, ' ', now);
        else if (isalnum(u) || ispunct(u)) used |= ks_ui_key(ui, KS_KEY_CHAR, (char)tolower(u), now);
    }
    return used;
}

void ks_ui_redraw(ks_ui *ui) { ui->view.dirty = 1; }

/* ------------------------------------------------------------ script help */

int ks_ui_key_point(ks_ui *ui, char c, int *x, int *y) {
    int k;
    ui_ensure_built(ui);
    if (ks_nav_top(&ui->nav)->screen != KS_SCREEN_SEARCH || !ui->find.kb_visible || ui->panel.prompting || ui->panel.pin_open)
        return -1;
    k = ks_keyboard_find(&ui->geom.kb, c);
    if (k < 0) return -1;
    *x = ui->geom.kb.keys[k].x + ui->geom.kb.keys[k].w / 2;
    *y = ui->geom.kb_top + ui->geom.kb.keys[k].y + ui->geom.kb.keys[k].h / 2;
    return 0;
}

int ks_ui_search_field_point(ks_ui *ui, int *x, int *y) {
    ui_ensure_built(ui);
    int sx, sy;
    if (!ui->geom.has_field || ui->panel.prompting || ui->panel.pin_open || ui->care.asleep) return -1;
    *x = ui->geom.field_x + ui->geom.field_w / 2;
    *y = ui->geom.field_y + ui->geom.field_h / 2;
    if (ui->geom.field_in_body) *y += ui->geom.body_top - (int)lroundf(ui->view.scroll);
    if (*y < ui->geom.body_top || *y >= ui->geom.body_bottom) return -1;
    ks_ui_shift(ui, &sx, &sy);
    *x += sx;
    *y += sy;
    return 0;
}
