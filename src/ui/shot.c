/* shot: one screen drawn headlessly to a PNG, for `kiosk render home`. The
 * same ks_ui and the same software renderer a scripted run uses. */
#include "ui_int.h"

#include "kiosk/base.h"

#include <string.h>

static int is_screen_spec(const char *spec) {
    return strcmp(spec, "home") == 0 || strncmp(spec, "topic:", 6) == 0 || strncmp(spec, "page:", 5) == 0 ||
           strcmp(spec, "search") == 0 || strncmp(spec, "search:", 7) == 0 || strcmp(spec, "idle-prompt") == 0;
}

int ks_ui_render_screen(const char *spec, const ks_store_view *content, ks_search *search,
                        const ks_ui_shot_options *opts, const char *png) {
    ks_ui_shot_options o;
    ks_render_options ro;
    ks_render_headless *hl;
    ks_ui *ui;
    int err = 0, rc;
    double t = 1000;
    memset(&o, 0, sizeof o);
    if (opts) o = *opts;
    if (!o.w) o.w = 1080;
    if (!o.h) o.h = 1920;
    if (o.text_scale == 0) o.text_scale = 1.0;
    if (!is_screen_spec(spec)) return KS_ERR_NOT_FOUND;
    if (o.w < 200 || o.h < 200 || o.w > 8192 || o.h > 8192 || !(o.text_scale >= 1.0 && o.text_scale <= 2.0) ||
        (o.theme && !ks_layout_theme(o.theme)))
        return KS_ERR_INVALID;
    memset(&ro, 0, sizeof ro);
    ro.content_dir = o.content_dir;
    hl = ks_render_headless_create(o.w, o.h, ks_layout_theme("default"), &ro, &err);
    if (!hl) {
        ks_log("cannot make a drawing surface (%s)", err == KS_ERR_NOT_FOUND ? "fonts missing" : "SDL failed");
        return KS_ERR_IO;
    }
    ui = ks_ui_create(o.config, content, search, ks_render_headless_render(hl), (ks_ui_size){o.w, o.h}, t);
    rc = ks_ui_set_look(ui, o.text_scale, o.theme ? o.theme : "default");
    if (rc == 0) {
        if (strcmp(spec, "idle-prompt") == 0) {
            /* An untouched Home is never asked (ui.c): ask over the search
             * screen, which the prompt covers whole. */
            rc = ks_ui_open(ui, "search", t);
            if (rc == 0) ks_ui_tick(ui, t + ui->cfg.idle_seconds * 1000.0 + 1);
        } else {
            rc = ks_ui_open(ui, spec, t);
        }
    }
    if (rc == 0) {
        if (strcmp(spec, "idle-prompt") != 0) ks_ui_tick(ui, t + 2);
        if (ks_ui_draw(ui) != 0 || ks_render_headless_save_png(hl, png) != 0) {
            ks_log("cannot draw or write %s", png);
            rc = KS_ERR_IO;
        }
    }
    ks_ui_destroy(ui);
    ks_render_headless_destroy(hl);
    return rc;
}
