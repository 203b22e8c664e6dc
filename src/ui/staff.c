/* staff: the staff status screen, shown after the staff gesture and PIN when
 * the app gives a status (ks_ui_hooks.staff_status). It is a screen of the
 * kiosk's own kind, in place of the screen under it: the kiosk's header
 * (Back, and the title), the status in sections that scroll like a page,
 * and a bar at the bottom with "Reset usage counts" and "Leave the kiosk".
 *
 * The status is the app's text (see ks_ui_hooks.staff_status for its
 * lines: "# Section", "Label: value" rows, "  details", "! warnings"),
 * asked for again on every build, so a content change while the screen is
 * open shows at once; the screen adds its caches' sizes, and, first and in
 * red, a warning while the staff PIN is still the default.
 */
#include "widgets.h"

#include "kiosk/base.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A warning's band: white on a dark red, 7:1 (and on black in high contrast). */
static const ks_color WARN_FILL = {176, 0, 32, 255};
static const ks_color WARN_TEXT = {255, 255, 255, 255};

void ui_staff_open(ks_ui *ui) {
    ui->panel.pin_open = 0;
    ui->panel.pin[0] = '\0';
    ui->panel.staff_under_scroll = ui_scroll_frac(ui); /* given back on Back */
    ui->panel.staff_open = 1;
    ui->panel.staff_reset_done = 0;
    ui_invalidate(ui, UI_TO_TOP);
    ks_log("staff status opened");
}

void ui_staff_close(ks_ui *ui) {
    ui->panel.staff_open = 0;
    ui->panel.staff_reset_done = 0;
    ui->view.want_scroll_px = -1;
    ui->view.want_scroll_frac = ui->panel.staff_under_scroll;
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
    ui_invalidate(ui, UI_KEEP_PLACE);
}

/* The app's status with the screen's caches after its "Index size:" line
 * (or at the end). A new string the caller frees, or NULL. */
static char *status_text(const ks_ui *ui) {
    char *app = ui->hooks.staff_status ? ui->hooks.staff_status(ui->hooks.ctx) : NULL, *out, *line;
    const char *at, *nl;
    size_t cut;
    ks_render_stats rs;
    if (!app || !ui->rd) return app;
    ks_render_get_stats(ui->rd, &rs);
    line = ks_sprintf("Picture cache: %.1f MB of %.0f MB (%zu picture%s)\nText cache: %.1f MB\n",
                      (double)rs.image_bytes / (1024.0 * 1024.0), (double)rs.image_budget / (1024.0 * 1024.0), rs.images,
                      rs.images == 1 ? "" : "s", (double)rs.text_bytes / (1024.0 * 1024.0));
    at = strstr(app, "Index size:");
    nl = at ? strchr(at, '\n') : NULL;
    cut = nl ? (size_t)(nl + 1 - app) : strlen(app);
    out = ks_sprintf("%.*s%s%s%s", (int)cut, app, cut && app[cut - 1] != '\n' ? "\n" : "", line, app + cut);
    free(line);
    free(app);
    return out;
}

/* A red band with white text across the column; returns its height. */
static int warning(const ks_ui *ui, const ui_geo *g, ks_display_list *dl, int y, const char *s) {
    ui_pen pen = {KS_FACE_BOLD, g->B, WARN_TEXT, WARN_FILL, KS_ALIGN_LEFT};
    int h = ui_text_h(ui, s, g->col_w - 2 * g->pad, KS_FACE_BOLD, g->B) + g->pad;
    ks_layout_list_add_rect(dl, (ks_rect){g->col_x, y, g->col_w, h}, WARN_FILL, ui->look.theme->radius);
    ui_text_ex(ui, dl, s, (ks_rect){g->col_x + g->pad, y + g->pad / 2, g->col_w - 2 * g->pad, 0}, &pen);
    return h;
}

/* "Label: value": the label bold in a column of its own (beside the value
 * where the column is wide, above it where not); returns the height. */
static int row(const ks_ui *ui, const ui_geo *g, ks_display_list *dl, int y, const char *line, size_t label_n) {
    const ks_theme *th = ui->look.theme;
    char *label = ks_strndup(line, label_n);
    const char *value = line + label_n + 2;
    int lw = g->col_w * 2 / 5, h, beside = g->col_w >= g->B * 20;
    ui_pen lp = {KS_FACE_BOLD, g->B, th->text, th->background, KS_ALIGN_LEFT};
    ui_pen vp = {KS_FACE_REGULAR, g->B, th->text, th->background, KS_ALIGN_LEFT};
    if (beside) {
        int a = ui_text_ex(ui, dl, label, (ks_rect){g->col_x, y, lw - g->gap, 0}, &lp);
        int b = ui_text_ex(ui, dl, value, (ks_rect){g->col_x + lw, y, g->col_w - lw, 0}, &vp);
        h = a > b ? a : b;
    } else {
        h = ui_text_ex(ui, dl, label, (ks_rect){g->col_x, y, g->col_w, 0}, &lp);
        h += ui_text_ex(ui, dl, value, (ks_rect){g->col_x, y + h, g->col_w, 0}, &vp);
    }
    ks_layout_list_add_rect(dl, (ks_rect){g->col_x, y + h + g->gap / 4, g->col_w, 1}, th->rule, 0);
    free(label);
    return h + g->gap / 2;
}

/* Where "path:LINE" ends in a detail "path:LINE: message" (at the ": "),
 * or NULL when the detail is not a problem's. */
static const char *file_line_end(const char *s) {
    for (const char *c = strchr(s, ':'); c; c = strchr(c + 1, ':')) {
        const char *d = c + 1;
        if (*d < '0' || *d > '9') continue;
        while (*d >= '0' && *d <= '9') d++;
        if (d[0] == ':' && d[1] == ' ') return d;
    }
    return NULL;
}

/* One line of the status; returns the height it took. */
static int status_line(const ks_ui *ui, const ui_geo *g, ks_display_list *dl, int y, const char *line) {
    const ks_theme *th = ui->look.theme;
    const char *colon = strstr(line, ": ");
    if (line[0] == '#') { /* a section */
        const char *s = line + 1 + (line[1] == ' ');
        int top = g->B;
        ui_pen pen = {KS_FACE_BOLD, g->B * 5 / 4, th->heading, th->background, KS_ALIGN_LEFT};
        return top + ui_text_ex(ui, dl, s, (ks_rect){g->col_x, y + top, g->col_w, 0}, &pen) + g->gap / 2;
    }
    if (line[0] == '!') return warning(ui, g, dl, y, line + 1 + (line[1] == ' ')) + g->gap;
    if (line[0] == ' ') { /* a detail: a problem with its file:line, a count */
        const char *s = line, *at;
        int h = 0;
        ui_pen pen = {KS_FACE_REGULAR, g->B, th->text, th->background, KS_ALIGN_LEFT};
        ks_rect box = {g->col_x + g->B, y, g->col_w - g->B, 0};
        while (*s == ' ') s++;
        if ((at = file_line_end(s))) { /* "path:line" bold on a line of its own, then what is wrong */
            char *where = ks_strndup(s, (size_t)(at - s));
            pen.face = KS_FACE_BOLD;
            h = ui_text_ex(ui, dl, where, box, &pen);
            pen.face = KS_FACE_REGULAR;
            box.y += h;
            s = at + 2;
            free(where);
        }
        return h + ui_text_ex(ui, dl, s, box, &pen) + g->gap / 2;
    }
    if (colon && colon > line && colon[2]) return row(ui, g, dl, y, line, (size_t)(colon - line));
    return ui_text(ui, dl, line, (ks_rect){g->col_x, y, g->col_w, 0}) + g->gap / 2;
}

/* The kiosk's header: Back and the screen's title. Returns its height. */
static int staff_header(const ks_ui *ui, const ui_geo *gc, ks_display_list *dl) {
    const ks_theme *th = ui->look.theme;
    const char *back = "\xe2\x80\xb9 Back", *title = "Staff status";
    int h = gc->bh + 2 * gc->gap, wb = ui_button_w(ui, back, KS_FACE_BOLD, gc->B), tx = gc->margin + wb + gc->gap * 2;
    int ts = ui_fit_size(ui, title, KS_FACE_BOLD, gc->B * 5 / 4, ui->w - gc->margin - tx);
    ks_layout_list_add_rect(dl, (ks_rect){0, 0, ui->w, h}, th->surface, 0);
    ks_layout_list_add_rect(dl, (ks_rect){0, h - 2, ui->w, 2}, th->rule, 0);
    ui_button_ex(ui, dl, (ks_rect){gc->margin, gc->gap, wb, gc->bh}, back, (ui_act){TAG_STAFF_BACK, NULL},
                 &(ui_button_opt){th->accent, th->on_accent, KS_FACE_BOLD, gc->B});
    ui_text_ex(ui, dl, title, (ks_rect){tx, (h - ui_line_h(ui, KS_FACE_BOLD, ts)) / 2, ui->w - gc->margin - tx, 0},
               &(ui_pen){KS_FACE_BOLD, ts, th->on_surface, th->surface, KS_ALIGN_LEFT});
    return h;
}

/* The bar at the bottom: Reset usage counts and Leave the kiosk, side by
 * side where they fit, else one above the other. Returns its top. */
static int staff_bar(const ks_ui *ui, const ui_geo *gc, ks_display_list *dl) {
    const ks_theme *th = ui->look.theme;
    const char *reset = ui->panel.staff_reset_done ? "Usage counts reset" : "Reset usage counts";
    const char *leave = "Leave the kiosk";
    int wr = ui_button_w(ui, "Reset usage counts", KS_FACE_BOLD, gc->B), wl = ui_button_w(ui, leave, KS_FACE_BOLD, gc->B);
    int side = wr + gc->gap + wl <= ui->w - 2 * gc->margin, rows = side ? 1 : 2;
    int h = rows * gc->bh + (rows + 1) * gc->gap, top = ui->h - h, w = side ? (ui->w - 2 * gc->margin - gc->gap) / 2 : ui->w - 2 * gc->margin;
    ks_layout_list_add_rect(dl, (ks_rect){0, top, ui->w, h}, th->surface, 0);
    ks_layout_list_add_rect(dl, (ks_rect){0, top, ui->w, 2}, th->rule, 0);
    ui_button_ex(ui, dl, (ks_rect){gc->margin, top + gc->gap, w, gc->bh}, reset, (ui_act){TAG_STAFF_RESET, NULL},
                 &(ui_button_opt){th->background, th->text, KS_FACE_BOLD, gc->B});
    ui_button_ex(ui, dl, (ks_rect){side ? ui->w - gc->margin - w : gc->margin, top + gc->gap + (side ? 0 : gc->bh + gc->gap), w, gc->bh},
                 leave, (ui_act){TAG_STAFF_EXIT, NULL}, &(ui_button_opt){th->accent, th->on_accent, KS_FACE_BOLD, gc->B});
    return top;
}

void ui_build_staff(const ks_ui *ui, ui_frame *f) {
    /* Staff read it at the scale the header takes (the patient's text size,
     * no more than fits), so a 200 % left behind does not crowd it. */
    ui_geo g = ui_geo_at(ui, ui_chrome_scale(ui)), gc = g;
    char *status = status_text(ui);
    int y = g.gap;
    /* In place of the screen under it. */
    ks_layout_list_clear(f->chrome);
    ks_layout_list_clear(f->body);
    ks_layout_list_clear(f->over);
    f->geom.has_field = f->geom.field_in_body = 0;
    f->geom.kb.n_keys = 0;
    f->geom.bar_h = 0; /* no reading bar (bar.c): the staff screen has its own */
    f->geom.bar_top = ui->h;
    f->geom.body_top = staff_header(ui, &gc, f->chrome);
    f->geom.body_bottom = staff_bar(ui, &gc, f->chrome);
    if (ui->cfg.staff_pin_is_default)
        y += warning(ui, &g, f->body, y, "The staff PIN is still the default (2580). Set [staff] pin in the "
                                         "configuration.") + g.gap;
    for (const char *p = status ? status : "No status available.\n"; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = ks_strndup(p, n);
        if (line[0]) y += status_line(ui, &g, f->body, y, line);
        free(line);
        p += n + (nl ? 1 : 0);
    }
    free(status);
    f->geom.content_h = y + g.margin;
}
