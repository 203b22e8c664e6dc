/* staff: the staff status screen, shown after the staff gesture and PIN when
 * the app gives a status (ks_ui_hooks.staff_status). A panel over the
 * kiosk, like the PIN pad: the status text the app writes (when content last
 * changed, topics and pages, problems with file and line, index size,
 * uptime, usage counts), then three buttons: reset the usage counts, leave
 * the kiosk, back to the kiosk.
 *
 * The text is asked for again on every build, so a content change while
 * the screen is open shows at once. Long text is cut to what fits: the full
 * list is in `kiosk check` and `kiosk stats`.
 */
#include "widgets.h"

#include "kiosk/base.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ui_staff_open(ks_ui *ui) {
    ui->panel.pin_open = 0;
    ui->panel.pin[0] = '\0';
    ui->panel.staff_open = 1;
    ui->panel.staff_reset_done = 0;
    ui_invalidate(ui, UI_REBUILD);
    ks_log("staff status opened");
}

void ui_staff_close(ks_ui *ui) {
    ui->panel.staff_open = 0;
    ui->panel.staff_reset_done = 0;
    ui_invalidate(ui, UI_REBUILD);
}

void ui_staff_tap(ks_ui *ui, int tag) {
    switch (tag) {
    case TAG_STAFF_RESET:
        if (ui->hooks.staff_reset) ui->hooks.staff_reset(ui->hooks.ctx);
        ui->panel.staff_reset_done = 1;
        ks_log("staff reset the usage counts");
        break;
    case TAG_STAFF_EXIT:
        ui->quit = 1;
        ks_log("staff exit");
        break;
    case TAG_STAFF_BACK: ui_staff_close(ui); return;
    default: return;
    }
    ui_invalidate(ui, UI_REBUILD);
}

/* One wrapped block of the theme's text; returns its height. */
static int block(const ks_ui *ui, ks_display_list *over, const char *s, ks_rect box, ks_face face) {
    ui_pen pen = {face, box.h, ui->look.theme->text, ui->look.theme->background, KS_ALIGN_LEFT};
    box.h = 0;
    return ui_text_ex(ui, over, s, box, &pen);
}

/* The staff screen's body text px: the theme's at scale 1, at least 28. */
static int staff_px(const ks_ui *ui) {
    int B = ks_layout_body_px(ui->look.theme, 1.0);
    return B < UI_MIN_BODY_PX ? UI_MIN_BODY_PX : B;
}

static void staff_button(const ks_ui *ui, ks_display_list *over, ks_rect r, const char *label, ui_act act, int primary) {
    const ks_theme *th = ui->look.theme;
    int size = staff_px(ui);
    ks_color fill = primary ? th->accent : th->surface, fg = primary ? th->on_accent : th->on_surface;
    ui_pen pen = {KS_FACE_BOLD, size, fg, fill, KS_ALIGN_CENTER};
    int th_h = ui_text_h(ui, label, r.w - size, KS_FACE_BOLD, size);
    if (r.h < th_h + size / 2) r.h = th_h + size / 2;
    ui_box(ui, over, r, fill, th->radius); /* outlined in high contrast (widgets.c) */
    ui_text_ex(ui, over, label, (ks_rect){r.x + size / 2, r.y + (r.h - th_h) / 2, r.w - size, 0}, &pen);
    ui_link(over, r, act);
}

void ui_build_staff(const ks_ui *ui, ks_display_list *over) {
    const ks_theme *th = ui->look.theme;
    int B = ks_layout_body_px(th, 1.0), small, margin = ks_layout_margin(ui->w, 1.0), x, w, y, bh, gap;
    int room, bw;
    char *app_status = ui->hooks.staff_status ? ui->hooks.staff_status(ui->hooks.ctx) : NULL;
    char *status = NULL;
    if (app_status && ui->rd) {
        /* What the screen's caches hold, after the app's status. */
        ks_render_stats rs;
        ks_render_get_stats(ui->rd, &rs);
        char *line = ks_sprintf("Picture cache: %.1f MB of %.0f MB (%zu picture%s)   Text cache: %.1f MB\n",
                                (double)rs.image_bytes / (1024.0 * 1024.0), (double)rs.image_budget / (1024.0 * 1024.0),
                                rs.images, rs.images == 1 ? "" : "s", (double)rs.text_bytes / (1024.0 * 1024.0));
        /* After the index size line when there is one (before the long lists). */
        const char *at = strstr(app_status, "Index size:");
        const char *nl = at ? strchr(at, '\n') : NULL;
        size_t cut = nl ? (size_t)(nl + 1 - app_status) : strlen(app_status);
        status = ks_sprintf("%.*s%s%s", (int)cut, app_status, line, app_status + cut);
        free(line);
        free(app_status);
    } else {
        status = app_status;
    }

    if (B < 28) B = 28;
    small = B * 3 / 4 < 20 ? 20 : B * 3 / 4;
    if (margin < 16) margin = 16;
    x = margin;
    w = ui->w - 2 * margin;
    gap = B / 2;
    bh = (int)lround(64.0 * 1.25);
    ks_layout_list_add_rect(over, (ks_rect){0, 0, ui->w, ui->h}, th->background, 0);
    ks_layout_list_add_link(over, (ks_rect){0, 0, ui->w, ui->h}, NULL, TAG_NOTHING);
    y = margin;
    y += block(ui, over, "Staff status", (ks_rect){x, y, w, B * 8 / 5}, KS_FACE_BOLD);
    y += gap;

    /* The status, line by line while it fits above the buttons. */
    room = ui->h - margin - 3 * (bh + gap) - gap - y;
    for (const char *p = status ? status : "No status available.\n"; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = ks_strndup(p, n);
        int indent = line[0] == ' ' ? B : 0, before = indent || y == 0 ? 0 : small / 3;
        int lh = ui_text_h(ui, line, w - indent, indent ? KS_FACE_REGULAR : KS_FACE_BOLD, small) + before;
        if (lh > room) {
            free(line);
            block(ui, over, "(more: run 'kiosk check' and 'kiosk stats')", (ks_rect){x, y, w, small}, KS_FACE_REGULAR);
            break;
        }
        y += before;
        y += block(ui, over, line, (ks_rect){x + indent, y, w - indent, small}, indent ? KS_FACE_REGULAR : KS_FACE_BOLD);
        room -= lh;
        free(line);
        p += n + (nl ? 1 : 0);
    }
    free(status);

    /* The buttons, at the bottom. */
    bw = w;
    y = ui->h - margin - 3 * bh - 2 * gap;
    staff_button(ui, over, (ks_rect){x, y, bw, bh}, ui->panel.staff_reset_done ? "Usage counts reset" : "Reset usage counts", (ui_act){TAG_STAFF_RESET, NULL}, 0);
    y += bh + gap;
    staff_button(ui, over, (ks_rect){x, y, bw, bh}, "Leave the kiosk (staff exit)", (ui_act){TAG_STAFF_EXIT, NULL}, 0);
    y += bh + gap;
    staff_button(ui, over, (ks_rect){x, y, bw, bh}, "Back to the kiosk", (ui_act){TAG_STAFF_BACK, NULL}, 1);
}
