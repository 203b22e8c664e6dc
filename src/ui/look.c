/* look: Home's text-size ("A" at 100, 150, 200 %) and contrast buttons.
 *
 * A patient who taps a size watches the text change; the buttons must stay
 * under the finger to try another (issue 15). So they do not follow the
 * text scale: they are laid out at UI_LOOK_SCALE whatever the patient
 * chose, centred in the window, at the top of Home (nothing above them
 * changes with the text size either), wrapping the contrast button under
 * the sizes only when the window is too narrow for one row (and the
 * "Text size:" label over them when even the sizes are too wide), which
 * depends on the window alone. Each "A" is drawn at the body size it chooses.
 */
#include "widgets.h"

#include <math.h>

/* A button at r exactly (ui_button_ex grows with the patient's text size,
 * these must not): box, label centred on one line, hit box. */
static void look_button(const ks_ui *ui, ks_display_list *dl, ks_rect r, const char *label, ui_act act,
                        const ui_button_opt *o) {
    int lw = ui_text_w(ui, label, o->face, o->size), lh = ui_line_h(ui, o->face, o->size);
    ui_box(ui, dl, r, o->fill, ui->look.theme->radius);
    if (lw > r.w - 8) lw = r.w - 8;
    ui_text_ex(ui, dl, label, (ks_rect){r.x + (r.w - lw) / 2, r.y + (r.h - lh) / 2, lw + 2, 0},
               &(ui_pen){o->face, o->size, o->fg, o->fill, KS_ALIGN_LEFT});
    ui_link(dl, r, act);
}

int ui_look_controls(const ks_ui *ui, ks_display_list *dl) {
    const ks_theme *th = ui->look.theme;
    static const char *const scales[3] = {"1", "1.5", "2"};
    static const double scale_v[3] = {1.0, 1.5, 2.0};
    const ui_geo g = ui_geo_at(ui, UI_LOOK_SCALE);
    const char *label = "Text size:", *hc = "High contrast", *nc = "Normal contrast";
    const char *c = ui->look.high_contrast ? nc : hc;
    int B1 = ks_layout_body_px(th, 1.0);
    /* Tall enough for the largest sample "A"... */
    int row_h = ui_line_h(ui, KS_FACE_BOLD, B1 * 2) + g.pad;
    int lw = ui_text_w(ui, label, KS_FACE_BOLD, g.B), bw, cw, sizes_w, x;
    int cw_hc = ui_text_w(ui, hc, KS_FACE_BOLD, g.B), cw_nc = ui_text_w(ui, nc, KS_FACE_BOLD, g.B);
    int y = g.margin; /* from the top of Home, at the fixed scale's margin */
    if (row_h < g.bh) row_h = g.bh;
    /* As tall as a target at the largest text size: whoever needs 200 %
     * finds them at their size, and they never change. */
    if (row_h < (int)lround(UI_MIN_TARGET_PX * 2.0)) row_h = (int)lround(UI_MIN_TARGET_PX * 2.0);
    bw = row_h * 3 / 4;
    cw = (cw_hc > cw_nc ? cw_hc : cw_nc) + 2 * g.pad; /* the same width either way */
    if (cw > ui->w - 2 * g.margin) cw = ui->w - 2 * g.margin;
    sizes_w = lw + g.gap + 3 * bw + 2 * (g.gap / 2);
    if (sizes_w > ui->w - 2 * g.margin) {
        /* A narrow screen (480 or 540 px in portrait): "Text size:" on a
         * line of its own over the three sizes, or the largest "A" was
         * past the screen's edge. */
        ui_text_ex(ui, dl, label, (ks_rect){(ui->w - lw) / 2, y, lw + 2, 0},
                   &(ui_pen){KS_FACE_BOLD, g.B, th->text, th->background, KS_ALIGN_LEFT});
        y += ui_line_h(ui, KS_FACE_BOLD, g.B) + g.gap / 2;
        x = (ui->w - (sizes_w - lw - g.gap)) / 2;
    } else {
        if (sizes_w + g.gap + cw <= ui->w - 2 * g.margin) x = (ui->w - (sizes_w + g.gap + cw)) / 2;
        else x = (ui->w - sizes_w) / 2;
        ui_text_ex(ui, dl, label, (ks_rect){x, y + (row_h - ui_line_h(ui, KS_FACE_BOLD, g.B)) / 2, lw + 2, 0},
                   &(ui_pen){KS_FACE_BOLD, g.B, th->text, th->background, KS_ALIGN_LEFT});
        x += lw + g.gap;
    }
    for (int i = 0; i < 3; i++) {
        int sel = fabs(ui->look.scale - scale_v[i]) < 0.01;
        int size = (int)lround(B1 * (1.0 + 0.5 * i));
        look_button(ui, dl, (ks_rect){x, y, bw, row_h}, "A", (ui_act){TAG_SIZE, scales[i]},
                     &(ui_button_opt){sel ? th->accent : th->surface, sel ? th->on_accent : th->on_surface, KS_FACE_BOLD, size});
        x += bw + g.gap / 2;
    }
    x += g.gap - g.gap / 2;
    if (x + cw > ui->w - g.margin) {
        x = (ui->w - cw) / 2;
        y += row_h + g.gap;
    }
    look_button(ui, dl, (ks_rect){x, y, cw, row_h}, c, (ui_act){TAG_CONTRAST, NULL},
                 &(ui_button_opt){th->surface, th->on_surface, KS_FACE_BOLD, g.B});
    return y + row_h;
}
