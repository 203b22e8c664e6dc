/* ui: the kiosk's state machine. Input in (pointer, time), navigation and
 * search, the idle reset and staff exit; the screens themselves are laid
 * out by screens.c into display lists, and this file draws and hit-tests
 * those same lists.
 */
#include "ui_int.h"

#include "kiosk/base.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(KS_SLUG_MAX == KS_STORE_MAX_SLUG + 1, "touch.h's slug size must hold every slug the store accepts");

/* ------------------------------------------------------------ config */

void ks_ui_config_defaults(ks_ui_config *c) {
    memset(c, 0, sizeof *c);
    c->idle_seconds = 90;
    c->prompt_seconds = 30;
    c->staff_hold_seconds = 5;
    snprintf(c->staff_pin, sizeof c->staff_pin, "2580");
    c->staff_pin_is_default = 1;
    snprintf(c->title, sizeof c->title, "Clinic information");
    c->screen_off_minutes = 30;
    c->night_from = c->night_to = -1;
    c->speech_enabled = 0;
    snprintf(c->speech_voice, sizeof c->speech_voice, "en-us");
    c->speech_rate = 150;
    c->speech_volume = 100;
}

/* ------------------------------------------------------------ lifetime */

void ui_set_theme(ks_ui *ui) {
    ui->look.theme = ks_layout_theme(ui->look.high_contrast ? "high-contrast" : "default");
    if (!ui->look.theme) ui->look.theme = ks_layout_theme("default");
    if (ui->rd) ks_render_set_theme(ui->rd, ui->look.theme);
}

/* ------------------------------------------------------------ content */

size_t ui_page_count(const ks_ui *ui) { return ui->content.ctx ? ui->content.page_count(ui->content.ctx) : 0; }
const ks_page *ui_page(const ks_ui *ui, size_t i) { return ui->content.page(ui->content.ctx, i); }
const ks_page *ui_find(const ks_ui *ui, const char *slug) {
    return ui->content.ctx ? ui->content.find(ui->content.ctx, slug) : NULL;
}
size_t ui_topic_count(const ks_ui *ui) { return ui->content.ctx ? ui->content.topic_count(ui->content.ctx) : 0; }
const ks_topic *ui_topic(const ks_ui *ui, size_t i) { return ui->content.topic(ui->content.ctx, i); }
const ks_topic *ui_find_topic(const ks_ui *ui, const char *slug) {
    return ui->content.ctx ? ui->content.find_topic(ui->content.ctx, slug) : NULL;
}
size_t ui_home_count(const ks_ui *ui) {
    return ui->content.ctx && ui->content.home_count ? ui->content.home_count(ui->content.ctx) : 0;
}
const ks_home_question *ui_home_question(const ks_ui *ui, size_t i) {
    return ui->content.ctx && ui->content.home_question ? ui->content.home_question(ui->content.ctx, i) : NULL;
}

ks_ui *ks_ui_create(const ks_ui_config *cfg, const ks_store_view *content, ks_search *search, ks_render *rd,
                    ks_ui_size size, double now) {
    ks_ui *ui = ks_calloc(1, sizeof *ui);
    if (cfg) ui->cfg = *cfg;
    else ks_ui_config_defaults(&ui->cfg);
    if (content) ui->content = *content;
    ui->search = search;
    ui->rd = rd;
    ui->fm = ks_render_metrics(rd);
    ui->w = size.w;
    ui->h = size.h;
    ui->look.scale = 1.0;
    ui_load_logo(ui);
    ui_set_theme(ui);
    ui->chrome = ks_layout_list_create();
    ui->body = ks_layout_list_create();
    ui->over = ks_layout_list_create();
    ui->fx = ks_layout_list_create();
    ks_nav_reset(&ui->nav);
    ks_gesture_init(&ui->touch.g, NULL);
    ks_idle_init(&ui->idle, ui->cfg.idle_seconds, ui->cfg.prompt_seconds, now);
    ui_care_init(ui, now);
    ui->now = now;
    ui->find.kb_visible = 1;
    ui->touch.hold_start = -1;
    ui->touch.ring_shown = -1;
    ui->touch.guard_until = -1;
    ui->view.want_scroll_frac = -1;
    ui->view.want_scroll_px = -1;
    ui->view.src_at = -1;
    ui->view.dirty = 1;
    if (!ui->cfg.speech_later) ui_listen_create(ui);
    return ui;
}

void ks_ui_start_speech(ks_ui *ui) {
    if (ui->listen || !ui->cfg.speech_enabled) return;
    ui_listen_create(ui);
    if (ui->listen) ui->view.dirty = 1; /* a page on screen gains its Listen button */
}

void ui_clear_doc(ks_ui *ui) {
    ui_listen_stop(ui); /* its sentences point into this document */
    ui->view.src_at = -1;
    ks_doc_destroy(ui->page.doc);
    ui->page.doc = NULL;
    ui->page.doc_slug[0] = '\0';
    free(ui->page.doc_title);
    free(ui->page.doc_topic_title);
    free(ui->page.doc_section);
    free(ui->page.doc_reviewed);
    ui->page.doc_title = ui->page.doc_topic_title = ui->page.doc_section = ui->page.doc_reviewed = NULL;
}

void ui_clear_hl(ks_ui *ui) {
    for (size_t i = 0; i < ui->page.n_hl; i++) free(ui->page.hl[i]);
    ui->page.n_hl = 0;
}

void ks_ui_destroy(ks_ui *ui) {
    if (!ui) return;
    ui_listen_destroy(ui);
    ui_clear_doc(ui);
    ui_clear_hl(ui);
    ks_search_results_free(ui->find.results);
    ks_layout_list_destroy(ui->chrome);
    ks_layout_list_destroy(ui->body);
    ks_layout_list_destroy(ui->over);
    ks_layout_list_destroy(ui->fx);
    free(ui);
}

void ks_ui_set_hooks(ks_ui *ui, const ks_ui_hooks *hooks) {
    if (hooks) ui->hooks = *hooks;
    else memset(&ui->hooks, 0, sizeof ui->hooks);
}

int ui_view_h(const ks_ui *ui) { return ui->geom.body_bottom - ui->geom.body_top; }

float ui_max_scroll(const ks_ui *ui) {
    int m = ui->geom.content_h - ui_view_h(ui);
    return m > 0 ? (float)m : 0.0f;
}

float ui_scroll_frac(const ks_ui *ui) {
    return ui->geom.content_h > 0 ? ui->view.scroll / (float)ui->geom.content_h : 0.0f;
}

void ui_invalidate(ks_ui *ui, int what) {
    assert((what & ~(UI_REBUILD | UI_KEEP_PLACE | UI_TO_TOP | UI_ANNOUNCE)) == 0);
    if ((what & UI_KEEP_PLACE) && ui->view.built && ui->view.want_scroll_frac < 0 && ui->view.want_scroll_px < 0)
        ui->view.want_scroll_frac = ui_scroll_frac(ui);
    if (what & UI_TO_TOP) {
        ui->view.src_at = -1;
        ui->view.scroll = 0;
        ui->view.want_scroll_px = 0;
        ui->view.want_scroll_frac = -1;
    }
    if (what & (UI_REBUILD | UI_KEEP_PLACE | UI_TO_TOP)) ui->view.built = 0;
    ui->view.dirty = 1;
    if (what & UI_ANNOUNCE) ui_announce(ui);
}

/* The first run of the page's own text whose top is in view (the line the
 * patient reads from), or NULL: none in view, or a screen without a page. */
static const ks_item *ui_top_item(const ks_ui *ui) {
    const ks_item *best = NULL;
    size_t n = ui->page.doc ? ks_layout_list_count(ui->body) : 0;
    for (size_t i = 0; i < n; i++) {
        const ks_item *it = ks_layout_list_item(ui->body, i);
        if (it->kind != KS_ITEM_TEXT || !it->src_len || (float)it->box.y < ui->view.scroll) continue;
        if (!best || it->box.y < best->box.y || (it->box.y == best->box.y && it->src < best->src)) best = it;
    }
    return best && (float)best->box.y < ui->view.scroll + (float)ui_view_h(ui) ? best : NULL;
}

/* After a build at a new size: the text that was at the top (src_at) goes
 * back to the same distance below the view's top; the run holding it, else
 * the first run after it. */
static int ui_keep_line(ks_ui *ui) {
    const ks_item *best = NULL;
    size_t n = ks_layout_list_count(ui->body);
    long at = ui->view.src_at;
    if (at < 0 || ui->page.doc != ui->view.src_doc || ui->nav.depth != ui->view.src_depth) return 0;
    for (size_t i = 0; i < n; i++) {
        const ks_item *it = ks_layout_list_item(ui->body, i);
        if (it->kind != KS_ITEM_TEXT || !it->src_len || (long)(it->src + it->src_len) <= at) continue;
        if (!best || it->src < best->src) best = it;
    }
    if (!best) return 0;
    ui->view.want_scroll_px = (float)best->box.y - ui->view.src_off;
    if (ui->view.want_scroll_px < 0) ui->view.want_scroll_px = 0;
    return 1;
}

void ui_ensure_built(ks_ui *ui) {
    ui_frame f = {ui->chrome, ui->body, ui->over, ui->geom};
    int kept;
    if (ui->view.built) return;
    f.geom.highlight_px = -1;
    f.geom.highlight_seen = 0;
    ui_build(ui, &f);
    /* Apply what the build laid out. */
    assert(ui->nav.depth >= 1 && ui->nav.depth <= KS_NAV_DEPTH);
    assert(f.geom.body_top <= f.geom.body_bottom && f.geom.content_h >= 0);
    assert(f.geom.kb.n_keys >= 0 && f.geom.kb.n_keys <= KS_KEYBOARD_MAX_KEYS);
    ui->geom = f.geom;
    if (f.geom.highlight_px >= 0) ui->view.want_scroll_px = f.geom.highlight_px;
    if (f.geom.highlight_seen) ui->find.to_highlight = 0;
    ui->view.built = 1;
    ui->view.dirty = 1;
    if (ui->view.want_anchor[0]) {
        int y = ks_layout_list_anchor_y(ui->body, ui->view.want_anchor);
        if (y >= 0) {
            /* Land with the entry a little below the header, and mark it
             * with a bar at its left so the eye finds where it landed. */
            int B = ks_layout_body_px(ui->look.theme, ui->look.scale);
            int m = ks_layout_margin(ui->w, ui->look.scale);
            ui->view.want_scroll_px = (float)(y - B);
            if (ui->view.want_scroll_px < 0) ui->view.want_scroll_px = 0;
            ks_layout_list_add_rect(ui->body, (ks_rect){m > 24 ? m - 20 : 4, y, 8, B * 2}, ui->look.theme->accent, 4);
        }
        ui->view.want_anchor[0] = '\0';
    }
    kept = ui->view.src_pending && !ui->view.want_anchor[0] && ui->view.want_scroll_px < 0 && ui_keep_line(ui);
    ui->view.src_pending = 0;
    if (ui->view.want_scroll_px >= 0) ui->view.scroll = ui->view.want_scroll_px;
    else if (ui->view.want_scroll_frac >= 0) ui->view.scroll = ui->view.want_scroll_frac * (float)ui->geom.content_h;
    ui->view.want_scroll_px = ui->view.want_scroll_frac = -1;
    if (ui->view.scroll > ui_max_scroll(ui)) ui->view.scroll = ui_max_scroll(ui);
    if (ui->view.scroll < 0) ui->view.scroll = 0;
    if (kept) ui->view.src_scroll = ui->view.scroll;
}

/* Before a new size: keep the reading position. On a page the line at the
 * top stays at the top (the text reflows, so the scroll's share alone drifts
 * by lines); screens without a page keep the share (UI_KEEP_PLACE). */
static void ui_note_top_line(ks_ui *ui) {
    const ks_item *top;
    if (!ui->view.built) return;
    ui->view.src_pending = 1;
    if (ui->view.src_at >= 0 && ui->page.doc == ui->view.src_doc && ui->nav.depth == ui->view.src_depth &&
        ui->view.scroll == ui->view.src_scroll)
        return; /* not scrolled since the last size: the same line */
    if ((top = ui_top_item(ui)) == NULL) {
        ui->view.src_at = -1;
        return;
    }
    ui->view.src_at = (long)top->src;
    ui->view.src_off = (float)top->box.y - ui->view.scroll;
    ui->view.src_doc = ui->page.doc;
    ui->view.src_depth = ui->nav.depth;
}

void ks_ui_resize(ks_ui *ui, int w, int h) {
    if (w == ui->w && h == ui->h) return;
    ui_note_top_line(ui);
    ui->w = w;
    ui->h = h;
    ui_invalidate(ui, UI_KEEP_PLACE);
}

int ks_ui_top_line(ks_ui *ui, char *buf, size_t n) {
    const ks_item *top;
    ui_ensure_built(ui);
    top = ui_top_item(ui);
    if (!top || !n) return -1;
    snprintf(buf, n, "%.*s", (int)(top->len < 200 ? top->len : 200), top->text);
    return 0;
}

void ks_ui_set_render(ks_ui *ui, ks_render *rd, int w, int h) {
    ui->rd = rd;
    ui->fm = ks_render_metrics(rd);
    ui_load_logo(ui);
    ui_set_theme(ui);
    if (w != ui->w || h != ui->h) ui_note_top_line(ui);
    ui->w = w;
    ui->h = h;
    ui_invalidate(ui, UI_KEEP_PLACE);
}

int ks_ui_set_look(ks_ui *ui, double text_scale, const char *theme) {
    if (!(text_scale >= 1.0 && text_scale <= 2.0)) return KS_ERR_INVALID; /* NaN too */
    if (theme && strcmp(theme, "default") != 0 && strcmp(theme, "high-contrast") != 0) return KS_ERR_INVALID;
    ui->look.scale = text_scale;
    if (theme) ui->look.high_contrast = strcmp(theme, "high-contrast") == 0;
    ui_set_theme(ui);
    ui_invalidate(ui, UI_KEEP_PLACE);
    return 0;
}

/* ------------------------------------------------------------ time */

void ks_ui_tick(ks_ui *ui, double now) {
    ks_gesture_event e;
    ui->now = now;
    if (ui_care_tick(ui, now)) { /* the screen is off: nothing runs */
        ks_idle_touch(&ui->idle, now);
        return;
    }
    ui_ensure_built(ui);
    e = ks_gesture_step(&ui->touch.g, now);
    if (e.kind == KS_GESTURE_SCROLL) ui_apply_scroll(ui, e.dy);
    if (ui->touch.hold_start >= 0 && ui->touch.g.down && !ui->touch.g.dragging &&
        now - ui->touch.hold_start >= ui->cfg.staff_hold_seconds * 1000.0) {
        ui->touch.hold_start = -1;
        ui->panel.pin_open = 1;
        ui->panel.pin[0] = '\0';
        ui->panel.pin_wrong = 0;
        ui->touch.pressed = 0;
        ui_invalidate(ui, UI_REBUILD | UI_ANNOUNCE);
    }
    {
        int ring = ui_pin_ring_steps(ui, now); /* the hold ring fills (pin.c) */
        if (ring != ui->touch.ring_shown) {
            ui->touch.ring_shown = ring;
            ui->view.dirty = 1;
        }
    }
    if (ui->panel.pin_open && ui_pin_secs_left(ui, now) != ui->geom.pin_secs_shown)
        ui_invalidate(ui, UI_REBUILD); /* the locked pad counts down, then opens */
    /* Someone listening is using the kiosk, though no finger touches it. */
    if (ui_listen_playing(ui)) ks_idle_touch(&ui->idle, now);
    switch (ks_idle_check(&ui->idle, now)) {
    case KS_IDLE_PROMPT:
        ui_listen_stop(ui);
        if (ui_untouched(ui)) { /* nothing to forget: do not ask an empty room */
            ks_idle_touch(&ui->idle, now);
            break;
        }
        ui->panel.prompting = 1;
        ui->panel.pin_open = 0;
        ks_gesture_stop(&ui->touch.g);
        ui_invalidate(ui, UI_KEEP_PLACE);
        ui_announce(ui);
        break;
    case KS_IDLE_RESET:
        ui_flush_empty_search(ui);
        ui_reset_all(ui);
        break;
    case KS_IDLE_NONE: break;
    }
    ui_listen_tick(ui, now);
    if (ui->panel.prompting) { /* the countdown shows whole seconds */
        int left = (int)ceil(ks_idle_due_in(&ui->idle, now) / 1000.0);
        if (left != ui->geom.prompt_secs_shown) ui_invalidate(ui, UI_KEEP_PLACE);
    }
    ui_ensure_built(ui);
}

int ks_ui_needs_frame(const ks_ui *ui) {
    if (ks_ui_screen_off(ui)) return ui->view.dirty; /* one black frame, then nothing */
    return ui->view.dirty || !ui->view.built;
}

int ks_ui_timeout_ms(const ks_ui *ui, double now) {
    double t = -1, d;
    if (ks_gesture_animating(&ui->touch.g)) return 16;
    if (ks_ui_screen_off(ui)) {
        d = ui_care_due_in(ui, now); /* the end of the night */
        return d < 0 ? -1 : (int)ceil(d);
    }
    d = ks_idle_due_in(&ui->idle, now);
    if (d >= 0) t = d;
    if (ui->panel.prompting) { /* wake for the next countdown second */
        double frac = fmod(d, 1000.0);
        t = frac > 0 ? frac : 1000.0;
    }
    if (ui->touch.hold_start >= 0) {
        d = ui->touch.hold_start + ui->cfg.staff_hold_seconds * 1000.0 - now;
        if (d > ui_pin_ring_step_ms(ui)) d = ui_pin_ring_step_ms(ui); /* the ring's next step */
        if (d < 0) d = 0;
        if (t < 0 || d < t) t = d;
    }
    if (ui->panel.pin_open && ui_pin_locked(ui, now)) { /* the wait's countdown */
        d = fmod(ui->panel.pin_locked_until - now, 1000.0);
        if (d <= 0) d = 1000.0;
        if (t < 0 || d < t) t = d;
    }
    d = ui_care_due_in(ui, now);
    if (d >= 0 && (t < 0 || d < t)) t = d;
    d = ui_listen_timeout_ms(ui, now);
    if (d >= 0 && (t < 0 || d < t)) t = d;
    if (t < 0) return -1;
    return (int)ceil(t);
}

int ks_ui_quit_requested(const ks_ui *ui) { return ui->quit; }

/* ------------------------------------------------------------ drawing */

int ks_ui_draw(ks_ui *ui) {
    ks_rect view = {0, 0, ui->w, 0};
    int rc, sx, sy;
    if (ui_care_draw(ui)) return 0; /* the screen is off: black */
    ui_ensure_built(ui);
    ui_build_fx(ui, ui->fx);
    ui_pin_ring_fx(ui, ui->fx); /* the staff corner's hold ring (pin.c) */
    ks_ui_shift(ui, &sx, &sy); /* 0 0 but on Home (burn-in) */
    view.x = sx;
    view.y = ui->geom.body_top + sy;
    view.h = ui->geom.body_bottom - ui->geom.body_top;
    ks_render_clear(ui->rd, NULL);
    rc = ks_render_draw(ui->rd, ui->body, sx, ui->geom.body_top + sy - (int)lroundf(ui->view.scroll), &view);
    if (rc == 0) rc = ui_listen_draw(ui, sx, ui->geom.body_top + sy - (int)lroundf(ui->view.scroll), &view);
    if (rc == 0) rc = ks_render_draw(ui->rd, ui->chrome, sx, sy, NULL);
    if (rc == 0) rc = ks_render_draw(ui->rd, ui->fx, sx, sy, NULL);
    if (rc == 0) rc = ks_render_draw(ui->rd, ui->over, sx, sy, NULL);
    ui->view.dirty = 0;
    return rc;
}

/* ------------------------------------------------------------ new content */

void ks_ui_set_content(ks_ui *ui, const ks_store_view *content) {
    ks_nav_entry *e = ks_nav_top(&ui->nav);
    ui->content = *content;
    ks_render_reload_images(ui->rd); /* a picture may have been replaced, added or removed */
    if (e->screen == KS_SCREEN_PAGE && ui->page.doc && ui_find(ui, ui->page.doc_slug)) {
        /* Refresh in place: same page, new text, same scroll position. */
        char slug[KS_SLUG_MAX];
        snprintf(slug, sizeof slug, "%s", ui->page.doc_slug);
        ui_clear_doc(ui);
        ui_load_doc(ui, slug);
    } else if (e->screen != KS_SCREEN_PAGE) {
        ui_clear_doc(ui); /* no store pointers are kept, but no need to hold it */
        ui_load_screen_doc(ui, e); /* a Topic screen's overview, as it is now */
    }
    /* A page that is gone keeps its doc (our own copy) until left. */
    if (ui->view.built) ui->view.want_scroll_px = ui->view.scroll;
    ui_invalidate(ui, UI_REBUILD);
}

void ks_ui_set_search(ks_ui *ui, ks_search *search) {
    ks_search *before = ui->search;
    ui->search = search;
    if (!before && ks_nav_top(&ui->nav)->screen == KS_SCREEN_SEARCH) ui_run_search(ui);
}

