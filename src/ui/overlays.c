/* overlays: what lies over a screen, laid out into display lists while
 * reading the state: the idle prompt (over, built with the screen; the
 * staff PIN pad is pin.c's) and the frame effects (fx, built each frame: the scroll
 * thumb, "More below", the read-aloud buttons, press feedback). */
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

/* ------------------------------------------------------------ frame effects */

void ui_build_fx(const ks_ui *ui, ks_display_list *fx) {
    const ks_theme *th = ui->look.theme;
    int more_x = ui->w;
    int view = ui->geom.body_bottom - ui->geom.body_top;
    ks_layout_list_clear(fx);
    if (ui->geom.content_h > view && view > 0 && !ui->panel.prompting && !ui->panel.pin_open && !ui->panel.staff_open) {
        /* Where we are on the page: a thumb in a track at the right edge. */
        int bw = (int)lround(10 * ui->look.scale), x = ui->w - bw - 4;
        int th_h = view * view / ui->geom.content_h, max = ui->geom.content_h - view;
        int y;
        if (th_h < 64) th_h = 64;
        y = ui->geom.body_top + (int)((float)(view - th_h) * ui->view.scroll / (float)max);
        ks_layout_list_add_rect(fx, (ks_rect){x, ui->geom.body_top + 4, bw, view - 8}, th->code_bg, bw / 2);
        ks_layout_list_add_rect(fx, (ks_rect){x, y, bw, th_h}, th->muted, bw / 2);
    }
    if (ui->geom.content_h > view && view > 0 && !ui->panel.prompting && !ui->panel.pin_open && !ui->panel.staff_open &&
        ui->view.scroll < (float)(ui->geom.content_h - view) - 8.0f) {
        /* "More below": says there is more, and scrolls for those who find
         * dragging hard. Bottom right, over the page's margin side. */
        ui_geo g = ui_geo_at(ui, ui->look.scale > 1.5 ? 1.5 : ui->look.scale);
        const char *label = "More \xe2\x86\x93";
        int bw = ui_button_w(ui, label, KS_FACE_BOLD, g.B), bh = g.bh;
        ks_rect r = {ui->w - bw - g.margin, ui->geom.body_bottom - bh - g.gap, bw, bh};
        ks_layout_list_add_rect(fx, (ks_rect){r.x - 3, r.y - 3, r.w + 6, r.h + 6}, th->background, th->radius + 3);
        ui_button_ex(ui, fx, r, label, (ui_act){TAG_MORE, NULL}, &(ui_button_opt){th->accent, th->on_accent, KS_FACE_BOLD, g.B});
        more_x = r.x - g.gap;
    }
    ui_listen_build_fx(ui, fx, more_x); /* Listen, Pause/Resume, Stop, Slower (listen.c) */
    if (ui->touch.pressed) {
        ks_rect b = ui->touch.pressed_box;
        int t = 5;
        ks_layout_list_add_rect(fx, (ks_rect){b.x - t, b.y - t, b.w + 2 * t, t}, th->link, 0);
        ks_layout_list_add_rect(fx, (ks_rect){b.x - t, b.y + b.h, b.w + 2 * t, t}, th->link, 0);
        ks_layout_list_add_rect(fx, (ks_rect){b.x - t, b.y, t, b.h}, th->link, 0);
        ks_layout_list_add_rect(fx, (ks_rect){b.x + b.w, b.y, t, b.h}, th->link, 0);
    }
}
