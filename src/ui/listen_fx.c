/* listen_fx: the read-aloud buttons (Listen, Pause/Resume, Stop, Slower)
 * laid out into the frame effects, and where a test taps them. */
#include "ui_int.h"

#include "kiosk/base.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------ buttons */

static int label_w(const ks_ui *ui, const char *s, int size) {
    return ui->fm->measure(ui->fm->ctx, KS_FACE_BOLD, size, s, strlen(s));
}

/* A read-aloud button: its label, what it does, whether it is lit. */
typedef struct fx_button {
    const char *label;
    int tag;
    int on;
} fx_button;

/* The button at (at.x, at.y), at.h tall, label at size px. Returns its width. */
static int add_button(const ks_ui *ui, ks_display_list *fx, ks_rect at, int size, const fx_button *b) {
    const ks_theme *th = ui->look.theme;
    int x = at.x, y = at.y, h = at.h;
    int pad = size * 3 / 4, w = label_w(ui, b->label, size) + 2 * pad;
    int lh = 0, asc = 0;
    ks_color fill = b->on ? th->accent : th->surface, fg = b->on ? th->on_accent : th->on_surface;
    if (w < h) w = h;
    ui->fm->line(ui->fm->ctx, KS_FACE_BOLD, size, &lh, &asc);
    ks_layout_list_add_rect(fx, (ks_rect){x - 3, y - 3, w + 6, h + 6}, th->background, th->radius + 3);
    ks_layout_list_add_rect(fx, (ks_rect){x, y, w, h}, fill, th->radius);
    ks_item t = {0};
    t.kind = KS_ITEM_TEXT;
    t.box = (ks_rect){x + pad, y + (h - lh) / 2, w - 2 * pad, lh};
    t.color = fg;
    t.bg = fill;
    t.face = KS_FACE_BOLD;
    t.size = size;
    t.text = b->label;
    t.len = strlen(b->label);
    ks_layout_list_add(fx, &t);
    ks_layout_list_add_link(fx, (ks_rect){x, y, w, h}, NULL, b->tag);
    return w;
}

void ui_listen_build_fx(const ks_ui *ui, ks_display_list *fx, int x_limit) {
    ks_listen_state state;
    int slower_on;
    if (ui_listen_status(ui, &state, &slower_on) != 0 || ks_nav_peek(&ui->nav)->screen != KS_SCREEN_PAGE || !ui->page.doc || ui->panel.prompting || ui->panel.pin_open ||
        ui->panel.staff_open)
        return;
    /* Sizes as the More button's: the text scale, at most 1.5. */
    double s = ui->look.scale > 1.5 ? 1.5 : ui->look.scale;
    int size = ks_layout_body_px(ui->look.theme, s);
    int lh = 0, asc = 0;
    ui->fm->line(ui->fm->ctx, KS_FACE_BOLD, size, &lh, &asc);
    int h = lh + size;
    if (h < (int)lround(64 * s) + 8) h = (int)lround(64 * s) + 8;
    int gap = size / 2, margin = ks_layout_margin(ui->w, s);
    if (margin < 16) margin = 16;
    const char *first = state == KS_LISTEN_OFF ? "\xe2\x96\xb6 Listen"
                        : state == KS_LISTEN_PLAYING ? "Pause" : "\xe2\x96\xb6 Resume";
    const char *slower = slower_on ? "Slower \xe2\x9c\x93" : "Slower";
    int pad = size * 3 / 4;
    int total = label_w(ui, first, size) + 2 * pad + gap + label_w(ui, slower, size) + 2 * pad;
    if (state != KS_LISTEN_OFF) total += gap + label_w(ui, "Stop", size) + 2 * pad;
    int y = ui->geom.body_bottom - h - gap;
    if (margin + total + gap > x_limit) y -= h + gap; /* beside More there is no room: the row above */
    int x = margin;
    x += add_button(ui, fx, (ks_rect){x, y, 0, h}, size,
                    &(fx_button){first, state == KS_LISTEN_OFF ? TAG_LISTEN : TAG_LISTEN_PAUSE, 1}) + gap;
    if (state != KS_LISTEN_OFF) x += add_button(ui, fx, (ks_rect){x, y, 0, h}, size, &(fx_button){"Stop", TAG_LISTEN_STOP, 1}) + gap;
    add_button(ui, fx, (ks_rect){x, y, 0, h}, size, &(fx_button){slower, TAG_LISTEN_SLOWER, slower_on});
}

int ks_ui_listen_point(ks_ui *ui, const char *which, int *x, int *y) {
    int tag = !strcmp(which, "listen") ? TAG_LISTEN
              : !strcmp(which, "pause") ? TAG_LISTEN_PAUSE
              : !strcmp(which, "stop")  ? TAG_LISTEN_STOP
              : !strcmp(which, "slower") ? TAG_LISTEN_SLOWER : -1;
    ui_build_fx(ui, ui->fx);
    for (size_t i = 0; i < ks_layout_list_count(ui->fx); i++) {
        const ks_item *it = ks_layout_list_item(ui->fx, i);
        if (it->kind == KS_ITEM_LINK && it->tag == tag) {
            *x = it->box.x + it->box.w / 2;
            *y = it->box.y + it->box.h / 2;
            return 0;
        }
    }
    return KS_ERR_NOT_FOUND;
}
