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
#include "ui_int.h"

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

/* One wrapped block of text; returns its height. */
static int block(ks_ui *ui, const char *s, int x, int y, int w, ks_face face, int size) {
    ks_text_style st;
    memset(&st, 0, sizeof st);
    st.face = face;
    st.size = size;
    st.color = ui->look.theme->text;
    st.bg = ui->look.theme->background;
    st.align = KS_ALIGN_LEFT;
    return ks_layout_text_box(ui->over, ui->fm, s, x, y, w, &st);
}

static int block_height(ks_ui *ui, const char *s, int w, ks_face face, int size) {
    ks_text_style st;
    memset(&st, 0, sizeof st);
    st.face = face;
    st.size = size;
    st.color = ui->look.theme->text;
    st.bg = ui->look.theme->background;
    return ks_layout_text_height(ui->fm, s, w, &st);
}

static void staff_button(ks_ui *ui, ks_rect r, const char *label, int primary, int tag, int size) {
    const ks_theme *th = ui->look.theme;
    ks_color fill = primary ? th->accent : th->surface, fg = primary ? th->on_accent : th->on_surface;
    ks_text_style st;
    int th_h;
    memset(&st, 0, sizeof st);
    st.face = KS_FACE_BOLD;
    st.size = size;
    st.color = fg;
    st.bg = fill;
    st.align = KS_ALIGN_CENTER;
    th_h = ks_layout_text_height(ui->fm, label, r.w - size, &st);
    if (r.h < th_h + size / 2) r.h = th_h + size / 2;
    ks_layout_list_add_rect(ui->over, r, fill, th->radius);
    ks_layout_text_box(ui->over, ui->fm, label, r.x + size / 2, r.y + (r.h - th_h) / 2, r.w - size, &st);
    ks_layout_list_add_link(ui->over, r, NULL, tag);
}

void ui_build_staff(ks_ui *ui) {
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
    ks_layout_list_add_rect(ui->over, (ks_rect){0, 0, ui->w, ui->h}, th->background, 0);
    ks_layout_list_add_link(ui->over, (ks_rect){0, 0, ui->w, ui->h}, NULL, TAG_NOTHING);
    y = margin;
    y += block(ui, "Staff status", x, y, w, KS_FACE_BOLD, B * 8 / 5);
    y += gap;

    /* The status, line by line while it fits above the buttons. */
    room = ui->h - margin - 3 * (bh + gap) - gap - y;
    for (const char *p = status ? status : "No status available.\n"; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = ks_strndup(p, n);
        int indent = line[0] == ' ' ? B : 0, before = indent || y == 0 ? 0 : small / 3;
        int lh = block_height(ui, line, w - indent, indent ? KS_FACE_REGULAR : KS_FACE_BOLD, small) + before;
        if (lh > room) {
            free(line);
            block(ui, "(more: run 'kiosk check' and 'kiosk stats')", x, y, w, KS_FACE_REGULAR, small);
            break;
        }
        y += before;
        y += block(ui, line, x + indent, y, w - indent, indent ? KS_FACE_REGULAR : KS_FACE_BOLD, small);
        room -= lh;
        free(line);
        p += n + (nl ? 1 : 0);
    }
    free(status);

    /* The buttons, at the bottom. */
    bw = w;
    y = ui->h - margin - 3 * bh - 2 * gap;
    staff_button(ui, (ks_rect){x, y, bw, bh},
                 ui->panel.staff_reset_done ? "Usage counts reset" : "Reset usage counts", 0, TAG_STAFF_RESET, B);
    y += bh + gap;
    staff_button(ui, (ks_rect){x, y, bw, bh}, "Leave the kiosk (staff exit)", 0, TAG_STAFF_EXIT, B);
    y += bh + gap;
    staff_button(ui, (ks_rect){x, y, bw, bh}, "Back to the kiosk", 1, TAG_STAFF_BACK, B);
}
