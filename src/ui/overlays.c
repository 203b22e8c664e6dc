/* overlays: what lies over a screen, laid out into display lists while
 * reading the state: the idle prompt and the staff PIN pad (over, built
 * with the screen) and the frame effects (fx, built each frame: the bottom
 * bar of bar.c with the track, "More" and the read-aloud buttons; press
 * feedback). */
#include "widgets.h"

#include "kiosk/base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ overlays */

void ui_build_prompt(const ks_ui *ui, const ui_geo *g, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->over;
    int secs = (int)ceil(ks_idle_due_in(&ui->idle, ui->now) / 1000.0), y, h;
    char msg[400];
    f->geom.prompt_secs_shown = secs;
    snprintf(msg, sizeof msg,
             "If you have finished, this screen will go back to the start in %d second%s, so the next "
             "person cannot see what you read.", secs, secs == 1 ? "" : "s");
    /* Measure the panel first to centre it. */
    h = ui_clinic_block(ui, NULL, g, 0) + g->B * 3 / 2 +
        ui_text_h(ui, "Are you still reading?", g->col_w, KS_FACE_BOLD, g->B * 8 / 5) + g->B +
        ui_text_h(ui, msg, g->col_w, KS_FACE_REGULAR, g->B) + g->B * 2 + g->bh * 2;
    y = (ui->h - h) / 2;
    if (y < g->margin) y = g->margin;
    ks_layout_list_add_rect(dl, (ks_rect){0, 0, ui->w, ui->h}, th->background, 0);
    ui_link(dl, (ks_rect){0, 0, ui->w, ui->h}, (ui_act){TAG_NOTHING, NULL});
    y += ui_clinic_block(ui, dl, g, y) + g->B * 3 / 2;
    y += ui_text_ex(ui, dl, "Are you still reading?", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 8 / 5, th->heading, th->background, KS_ALIGN_CENTER});
    y += g->B;
    y += ui_text_ex(ui, dl, msg, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_REGULAR, g->B, th->text, th->background, KS_ALIGN_CENTER});
    y += g->B * 2;
    ui_button_ex(ui, dl, (ks_rect){g->col_x, y, g->col_w, g->bh * 2}, "Yes, keep reading", (ui_act){TAG_CONTINUE, NULL}, &(ui_button_opt){th->accent, th->on_accent, KS_FACE_BOLD, g->B * 5 / 4});
}

void ui_build_pin(const ks_ui *ui, const ui_geo *g, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->over;
    static const char *const keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "Delete", "0", "OK"};
    static const char *const digits[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    int y = g->margin, kw = g->col_w / 3 - g->gap, kh = g->bh + g->B / 2;
    char dots[64] = "";
    if (kw > g->T * 3) kw = g->T * 3;
    ks_layout_list_add_rect(dl, (ks_rect){0, 0, ui->w, ui->h}, th->background, 0);
    ui_link(dl, (ks_rect){0, 0, ui->w, ui->h}, (ui_act){TAG_NOTHING, NULL});
    y += ui_text_ex(ui, dl, "Staff exit", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 8 / 5, th->heading, th->background, KS_ALIGN_LEFT});
    y += g->gap;
    y += ui_text(ui, dl, ui->panel.pin_wrong ? "That PIN is not right. Try again, or touch Cancel." : "Type the staff PIN, then OK.", (ks_rect){g->col_x, y, g->col_w, 0});
    y += g->gap;
    for (size_t i = 0; ui->panel.pin[i] && i < 15; i++) strcat(dots, "\xe2\x97\x8f ");
    y += ui_text_ex(ui, dl, dots[0] ? dots : " ", (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, g->B * 3 / 2, th->text, th->background, KS_ALIGN_LEFT});
    y += g->gap;
    for (int i = 0; i < 12; i++) {
        int col = i % 3, row = i / 3, tag;
        ks_rect r = {g->col_x + col * (kw + g->gap), y + row * (kh + g->gap), kw, kh};
        const char *target = NULL;
        if (i == 9) tag = TAG_PIN_DELETE;
        else if (i == 11) tag = TAG_PIN_OK;
        else {
            int d = keys[i][0] - '0';
            tag = TAG_PIN_DIGIT + d;
            target = digits[d];
        }
        ui_button_ex(ui, dl, r, keys[i], (ui_act){tag, target}, &(ui_button_opt){i == 11 ? th->accent : th->surface, i == 11 ? th->on_accent : th->on_surface, KS_FACE_BOLD, g->B});
    }
    y += 4 * (kh + g->gap) + g->gap;
    ui_button(ui, dl, (ks_rect){g->col_x, y, 3 * kw + 2 * g->gap, g->bh}, "Cancel", (ui_act){TAG_PIN_CANCEL, NULL});
}

/* ------------------------------------------------------------ frame effects */

void ui_build_fx(const ks_ui *ui, ks_display_list *fx) {
    const ks_theme *th = ui->look.theme;
    ks_layout_list_clear(fx);
    /* Where the reader is, More, Listen: in the bottom bar (bar.c), never
     * over the text. */
    ui_bar_build_fx(ui, fx);
    if (ui->touch.pressed) {
        ks_rect b = ui->touch.pressed_box;
        int t = 5;
        ks_layout_list_add_rect(fx, (ks_rect){b.x - t, b.y - t, b.w + 2 * t, t}, th->link, 0);
        ks_layout_list_add_rect(fx, (ks_rect){b.x - t, b.y + b.h, b.w + 2 * t, t}, th->link, 0);
        ks_layout_list_add_rect(fx, (ks_rect){b.x - t, b.y, t, b.h}, th->link, 0);
        ks_layout_list_add_rect(fx, (ks_rect){b.x + b.w, b.y, t, b.h}, th->link, 0);
    }
}
