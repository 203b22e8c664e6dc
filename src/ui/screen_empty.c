/* screen_empty: what a patient sees when the kiosk has no page at all (the
 * content folder does not exist, cannot be read, or holds no page): the
 * clinic's logo and name (when the window has room for them too) and one
 * calm sentence, in place of an empty Home.
 * Why there is nothing is for staff, not patients: the app logs it
 * (ks_watch_snapshot_empty_reason) and the staff corner still opens the
 * PIN pad over this screen. New content replaces it with Home. */
#include "widgets.h"

/* The sentence, and the one after it. */
#define UI_NO_PAGES "This kiosk has no pages yet \xe2\x80\x94 please tell the front desk."
#define UI_NO_PAGES_SORRY "Sorry for the trouble."

void ui_build_no_pages(const ks_ui *ui, const ui_geo *g, ui_frame *f) {
    const ks_theme *th = ui->look.theme;
    ks_display_list *dl = f->body;
    ui_pen big = {KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_CENTER};
    ui_pen calm = {KS_FACE_REGULAR, g->B, th->muted, th->background, KS_ALIGN_CENTER};
    int clinic = ui_clinic_block(ui, NULL, g, 0) + g->B * 2;
    int h = ui_text_h(ui, UI_NO_PAGES, g->col_w, big.face, big.size) + g->B / 2 +
            ui_text_h(ui, UI_NO_PAGES_SORRY, g->col_w, calm.face, calm.size);
    int y;
    if (h + clinic > ui->h - 2 * g->margin) clinic = 0; /* too small a window: the sentence alone */
    y = (ui->h - h - clinic) / 2; /* centred: nothing else is on the screen */
    if (y < g->margin) y = g->margin;
    f->geom.body_top = 0;
    f->geom.body_bottom = ui->h;
    if (clinic) y += ui_clinic_block(ui, dl, g, y) + g->B * 2;
    y += ui_text_ex(ui, dl, UI_NO_PAGES, (ks_rect){g->col_x, y, g->col_w, 0}, &big) + g->B / 2;
    y += ui_text_ex(ui, dl, UI_NO_PAGES_SORRY, (ks_rect){g->col_x, y, g->col_w, 0}, &calm);
    f->geom.content_h = y + g->margin;
}
