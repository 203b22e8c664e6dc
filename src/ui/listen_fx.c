/* listen_fx: the read-aloud buttons (Listen, Pause/Resume, Stop, Slower)
 * laid out into the bottom bar (bar.c) in the frame effects, the bar's
 * button, and where a test taps them. */
#include "widgets.h"

#include "kiosk/base.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------ buttons */

static int label_w(const ks_ui *ui, const char *s, int size) {
    return ui->fm->measure(ui->fm->ctx, KS_FACE_BOLD, size, s, strlen(s));
}

int ui_fx_button(const ks_ui *ui, ks_display_list *fx, ks_rect at, int size, ui_fx_btn b) {
    const char *label = b.label;
    const ks_theme *th = ui->look.theme;
    int pad = size * 3 / 4, w = label_w(ui, label, size) + 2 * pad, h = at.h;
    int lh = 0, asc = 0;
    ks_color fill = b.on ? th->accent : th->surface, fg = b.on ? th->on_accent : th->on_surface;
    if (w < h) w = h;
    if (!fx) return w;
    ui->fm->line(ui->fm->ctx, KS_FACE_BOLD, size, &lh, &asc);
    ui_box(ui, fx, (ks_rect){at.x, at.y, w, h}, fill, th->radius);
    ks_item t = {0};
    t.kind = KS_ITEM_TEXT;
    t.box = (ks_rect){at.x + pad, at.y + (h - lh) / 2, w - 2 * pad, lh};
    t.color = fg;
    t.bg = fill;
    t.face = KS_FACE_BOLD;
    t.size = size;
    t.text = label;
    t.len = strlen(label);
    ks_layout_list_add(fx, &t);
    ks_layout_list_add_link(fx, (ks_rect){at.x, at.y, w, h}, NULL, b.tag);
    return w;
}

/* Whether this screen has the read-aloud buttons at all (whatever the
 * panels over it: the bar keeps its place under them). */
static int listen_here(const ks_ui *ui) {
    ks_listen_state state;
    int slower_on;
    return ui_listen_status(ui, &state, &slower_on) == 0 && ks_nav_peek(&ui->nav)->screen == KS_SCREEN_PAGE && ui->page.doc;
}

int ui_listen_bar_w(const ks_ui *ui, int size, int gap, int h) {
    /* The widest state: Pause, Stop, "Slower" ticked. */
    ks_rect m = {0, 0, 0, h};
    if (!listen_here(ui)) return 0;
    return ui_fx_button(ui, NULL, m, size, (ui_fx_btn){"\xe2\x96\xb6 Resume", 0, 1}) + gap + ui_fx_button(ui, NULL, m, size, (ui_fx_btn){"Stop", 0, 1}) +
           gap + ui_fx_button(ui, NULL, m, size, (ui_fx_btn){"Slower \xe2\x9c\x93", 0, 1});
}

void ui_listen_build_fx(const ks_ui *ui, ks_display_list *fx, ks_rect row, int size) {
    ks_listen_state state;
    int slower_on, x = row.x, gap = size / 2;
    if (!listen_here(ui) || ui_listen_status(ui, &state, &slower_on) != 0 || ui->panel.prompting || ui->panel.pin_open ||
        ui->panel.staff_open)
        return;
    const char *first = state == KS_LISTEN_OFF ? "\xe2\x96\xb6 Listen"
                        : state == KS_LISTEN_PLAYING ? "Pause" : "\xe2\x96\xb6 Resume";
    const char *slower = slower_on ? "Slower \xe2\x9c\x93" : "Slower";
    x += ui_fx_button(ui, fx, (ks_rect){x, row.y, 0, row.h}, size, (ui_fx_btn){first, state == KS_LISTEN_OFF ? TAG_LISTEN : TAG_LISTEN_PAUSE, 1}) + gap;
    if (state != KS_LISTEN_OFF) x += ui_fx_button(ui, fx, (ks_rect){x, row.y, 0, row.h}, size, (ui_fx_btn){"Stop", TAG_LISTEN_STOP, 1}) + gap;
    ui_fx_button(ui, fx, (ks_rect){x, row.y, 0, row.h}, size, (ui_fx_btn){slower, TAG_LISTEN_SLOWER, slower_on});
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
