/* overlays: what lies over a screen, laid out into display lists while
 * reading the state: the idle prompt (over, built with the screen; the
 * staff PIN pad is pin.c's) and the frame effects (fx, built each frame: the
 * bottom bar of bar.c with the track, "More" and the read-aloud buttons;
 * press feedback). */
#include "widgets.h"

#include "kiosk/base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ overlays */

/* The prompt's question, at most 8/5 of body text, smaller rather than cut
 * inside a word ("reading" / "?" at 200 % on a 540 px screen). */
static const char prompt_q[] = "Are you still reading?";
static int prompt_q_px(const ks_ui *ui, const ui_geo *g) {
    return ui_fit_words_px(ui, prompt_q, KS_FACE_BOLD, g->B * 8 / 5, g->B, g->col_w);
}

/* The prompt's height laid out with g. */
static int prompt_h(const ks_ui *ui, const ui_geo *g, const char *msg) {
    return ui_clinic_block(ui, NULL, g, 0) + g->B * 3 / 2 + ui_text_h(ui, prompt_q, g->col_w, KS_FACE_BOLD, prompt_q_px(ui, g)) +
           g->B + ui_text_h(ui, msg, g->col_w, KS_FACE_REGULAR, g->B) + g->B * 2 + g->bh * 2;
}

/* Whole on the screen, at the patient's text size when it fits: at 200 %
 * on a portrait screen (720x1280 and smaller) the message's end and the
 * button were below the screen's edge. Otherwise at the largest size, down
 * to 100 %, at which it fits; a screen too small even then shows its top. */
void ui_build_prompt(const ks_ui *ui, const ui_geo *g_now, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->over;
    int secs = (int)ceil(ks_idle_due_in(&ui->idle, ui->now) / 1000.0), y, h;
    ui_geo gs = *g_now;
    const ui_geo *g = &gs;
    char msg[400];
    f->geom.prompt_secs_shown = secs;
    snprintf(msg, sizeof msg,
             "If you have finished, this screen will go back to the start in %d second%s, so the next "
             "person cannot see what you read.", secs, secs == 1 ? "" : "s");
    for (double s = ui->look.scale; (h = prompt_h(ui, g, msg)) > ui->h - 2 * g->margin && s > 1.0;) {
        s = s - 0.1 > 1.0 ? s - 0.1 : 1.0;
        gs = ui_geo_at(ui, s);
    }
    y = (ui->h - h) / 2;
    if (y < g->margin) y = g->margin;
    ks_layout_list_add_rect(dl, (ks_rect){0, 0, ui->w, ui->h}, th->background, 0);
    ui_link(dl, (ks_rect){0, 0, ui->w, ui->h}, (ui_act){TAG_NOTHING, NULL});
    y += ui_clinic_block(ui, dl, g, y) + g->B * 3 / 2;
    y += ui_text_ex(ui, dl, prompt_q, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_BOLD, prompt_q_px(ui, g), th->heading, th->background, KS_ALIGN_CENTER});
    y += g->B;
    y += ui_text_ex(ui, dl, msg, (ks_rect){g->col_x, y, g->col_w, 0}, &(ui_pen){KS_FACE_REGULAR, g->B, th->text, th->background, KS_ALIGN_CENTER});
    y += g->B * 2;
    ui_button_ex(ui, dl, (ks_rect){g->col_x, y, g->col_w, g->bh * 2}, "Yes, keep reading", (ui_act){TAG_CONTINUE, NULL}, &(ui_button_opt){th->accent, th->on_accent, KS_FACE_BOLD, g->B * 5 / 4});
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
