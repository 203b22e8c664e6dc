/* ui: the kiosk's state machine. Input in (pointer, time), navigation and
 * search, the idle reset and staff exit; the screens themselves are laid
 * out by screens.c into display lists, and this file draws and hit-tests
 * those same lists.
 */
#include "ui_int.h"

#include "kiosk/base.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The staff corner: a square at the top-left, this many px. */
#define STAFF_CORNER 120

/* ------------------------------------------------------------ config */

void ks_ui_config_defaults(ks_ui_config *c) {
    memset(c, 0, sizeof *c);
    c->idle_seconds = 90;
    c->prompt_seconds = 30;
    c->staff_hold_seconds = 5;
    snprintf(c->staff_pin, sizeof c->staff_pin, "2580");
    snprintf(c->title, sizeof c->title, "Clinic information");
    c->screen_off_minutes = 30;
    c->night_from = c->night_to = -1;
    c->speech_enabled = 0;
    snprintf(c->speech_voice, sizeof c->speech_voice, "en-us");
    c->speech_rate = 150;
    c->speech_volume = 100;
}

/* ------------------------------------------------------------ lifetime */

static void set_theme(ks_ui *ui) {
    ui->theme = ks_layout_theme(ui->high_contrast ? "high-contrast" : "default");
    if (!ui->theme) ui->theme = ks_layout_theme("default");
    if (ui->rd) ks_render_set_theme(ui->rd, ui->theme);
}

/* ------------------------------------------------------------ content */

static size_t st_page_count(const void *c) { return ks_store_page_count(c); }
static const ks_page *st_page(const void *c, size_t i) { return ks_store_page(c, i); }
static const ks_page *st_find(const void *c, const char *s) { return ks_store_find(c, s); }
static size_t st_topic_count(const void *c) { return ks_store_topic_count(c); }
static const ks_topic *st_topic(const void *c, size_t i) { return ks_store_topic(c, i); }
static const ks_topic *st_find_topic(const void *c, const char *s) { return ks_store_find_topic(c, s); }

ks_ui_content ks_ui_content_of_store(const ks_store *store) {
    ks_ui_content c = {store, st_page_count, st_page, st_find, st_topic_count, st_topic, st_find_topic};
    return c;
}

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

ks_ui *ks_ui_create(const ks_ui_config *cfg, const ks_ui_content *content, ks_search *search,
                    ks_render *rd, int w, int h, double now) {
    ks_ui *ui = ks_calloc(1, sizeof *ui);
    if (cfg) ui->cfg = *cfg;
    else ks_ui_config_defaults(&ui->cfg);
    if (content) ui->content = *content;
    ui->search = search;
    ui->rd = rd;
    ui->fm = ks_render_metrics(rd);
    ui->w = w;
    ui->h = h;
    ui->scale = 1.0;
    ui_load_logo(ui);
    set_theme(ui);
    ui->chrome = ks_layout_list_create();
    ui->body = ks_layout_list_create();
    ui->over = ks_layout_list_create();
    ui->fx = ks_layout_list_create();
    ks_nav_reset(&ui->nav);
    ks_gesture_init(&ui->g, NULL);
    ks_idle_init(&ui->idle, ui->cfg.idle_seconds, ui->cfg.prompt_seconds, now);
    ui_care_init(ui, now);
    ui->now = now;
    ui->kb_visible = 1;
    ui->hold_start = -1;
    ui->want_scroll_frac = -1;
    ui->want_scroll_px = -1;
    ui->dirty = 1;
    ui_listen_create(ui);
    return ui;
}

static void clear_doc(ks_ui *ui) {
    ui_listen_stop(ui); /* its sentences point into this document */
    ks_doc_destroy(ui->doc);
    ui->doc = NULL;
    ui->doc_slug[0] = '\0';
    free(ui->doc_title);
    free(ui->doc_topic_title);
    free(ui->doc_section);
    free(ui->doc_reviewed);
    ui->doc_title = ui->doc_topic_title = ui->doc_section = ui->doc_reviewed = NULL;
}

static void clear_hl(ks_ui *ui) {
    for (size_t i = 0; i < ui->n_hl; i++) free(ui->hl[i]);
    ui->n_hl = 0;
}

void ks_ui_destroy(ks_ui *ui) {
    if (!ui) return;
    ui_listen_destroy(ui);
    clear_doc(ui);
    clear_hl(ui);
    ks_search_results_free(ui->results);
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

int ui_view_h(const ks_ui *ui) { return ui->body_bottom - ui->body_top; }

static float max_scroll(const ks_ui *ui) {
    int m = ui->content_h - ui_view_h(ui);
    return m > 0 ? (float)m : 0.0f;
}

static float scroll_frac(const ks_ui *ui) {
    return ui->content_h > 0 ? ui->scroll / (float)ui->content_h : 0.0f;
}

/* Relayout keeping the reading position (as a fraction of the page). */
static void relayout(ks_ui *ui) {
    if (ui->built && ui->want_scroll_frac < 0 && ui->want_scroll_px < 0)
        ui->want_scroll_frac = scroll_frac(ui);
    ui->built = 0;
    ui->dirty = 1;
}

static void ensure_built(ks_ui *ui) {
    if (ui->built) return;
    ui_build(ui);
    ui->built = 1;
    ui->dirty = 1;
    if (ui->want_anchor[0]) {
        int y = ks_layout_list_anchor_y(ui->body, ui->want_anchor);
        if (y >= 0) {
            /* Land with the entry a little below the header, and mark it
             * with a bar at its left so the eye finds where it landed. */
            int B = ks_layout_body_px(ui->theme, ui->scale);
            int m = ks_layout_margin(ui->w, ui->scale);
            ui->want_scroll_px = (float)(y - B);
            if (ui->want_scroll_px < 0) ui->want_scroll_px = 0;
            ks_layout_list_add_rect(ui->body, (ks_rect){m > 24 ? m - 20 : 4, y, 8, B * 2}, ui->theme->accent, 4);
        }
        ui->want_anchor[0] = '\0';
    }
    if (ui->want_scroll_px >= 0) ui->scroll = ui->want_scroll_px;
    else if (ui->want_scroll_frac >= 0) ui->scroll = ui->want_scroll_frac * (float)ui->content_h;
    ui->want_scroll_px = ui->want_scroll_frac = -1;
    if (ui->scroll > max_scroll(ui)) ui->scroll = max_scroll(ui);
    if (ui->scroll < 0) ui->scroll = 0;
}

void ks_ui_resize(ks_ui *ui, int w, int h) {
    if (w == ui->w && h == ui->h) return;
    ui->w = w;
    ui->h = h;
    relayout(ui);
}

void ks_ui_set_render(ks_ui *ui, ks_render *rd, int w, int h) {
    ui->rd = rd;
    ui->fm = ks_render_metrics(rd);
    ui_load_logo(ui);
    set_theme(ui);
    ui->w = w;
    ui->h = h;
    relayout(ui);
}

int ks_ui_set_look(ks_ui *ui, double text_scale, const char *theme) {
    if (!(text_scale >= 1.0 && text_scale <= 2.0)) return KS_ERR_INVALID; /* NaN too */
    if (theme && strcmp(theme, "default") != 0 && strcmp(theme, "high-contrast") != 0) return KS_ERR_INVALID;
    ui->scale = text_scale;
    if (theme) ui->high_contrast = strcmp(theme, "high-contrast") == 0;
    set_theme(ui);
    relayout(ui);
    return 0;
}

/* ------------------------------------------------------------ navigation */

const char *ks_ui_screen_name(const ks_ui *ui) {
    ks_ui *m = (ks_ui *)ui; /* the name buffer is a cache */
    if (ui->care.asleep) return "screen-off";
    if (ui->pin_open) return "staff-pin";
    if (ui->staff_open) return "staff";
    if (ui->prompting) return "idle-prompt";
    ks_nav_name(ks_nav_top(&m->nav), m->name, sizeof m->name);
    return m->name;
}

static void announce(ks_ui *ui) {
    if (ui->hooks.screen_changed) ui->hooks.screen_changed(ui->hooks.ctx, ks_ui_screen_name(ui));
}

void ui_announce(ks_ui *ui) { announce(ui); }

/* The search text left behind found nothing: count it once. */
static void flush_empty_search(ks_ui *ui) {
    if (ui->empty_pending[0] && ui->hooks.empty_search)
        ui->hooks.empty_search(ui->hooks.ctx, ui->empty_pending);
    ui->empty_pending[0] = '\0';
}

static void leaving(ks_ui *ui) {
    ui_listen_stop(ui);
    ks_nav_top(&ui->nav)->scroll = scroll_frac(ui);
    if (ks_nav_top(&ui->nav)->screen == KS_SCREEN_SEARCH) flush_empty_search(ui);
    ks_gesture_stop(&ui->g);
}

/* Make the document for slug current (kept if it is already). Returns 0
 * or KS_ERR_NOT_FOUND (then the page screen says it is gone). */
static int load_doc(ks_ui *ui, const char *slug) {
    const ks_page *p;
    const ks_topic *t;
    if (ui->doc && strcmp(ui->doc_slug, slug) == 0) return 0;
    p = ui_find(ui, slug);
    clear_doc(ui);
    if (!p) return KS_ERR_NOT_FOUND;
    ui->doc = ks_page_doc(p);
    snprintf(ui->doc_slug, sizeof ui->doc_slug, "%s", p->slug);
    ui->doc_title = ks_strdup(p->title);
    t = p->topic[0] ? ui_find_topic(ui, p->topic) : NULL;
    ui->doc_topic_title = ks_strdup(t ? t->title : "");
    ui->doc_section = ks_strdup(p->section);
    ui->doc_reviewed = ks_strdup(p->reviewed);
    return 0;
}

/* Open a page, optionally at an anchor, with words to highlight. */
static void open_page(ks_ui *ui, const char *target, char **hl, size_t n_hl) {
    char slug[KS_SLUG_MAX];
    const char *hash = strchr(target, '#');
    size_t n = hash ? (size_t)(hash - target) : strlen(target);
    if (n >= sizeof slug) n = sizeof slug - 1;
    memcpy(slug, target, n);
    slug[n] = '\0';
    if (!slug[0]) { /* "#anchor" within this page */
        if (hash) snprintf(ui->want_anchor, sizeof ui->want_anchor, "%s", hash + 1);
        ui->want_scroll_px = -1;
        relayout(ui);
        ui->want_scroll_frac = -1;
        return;
    }
    leaving(ui);
    clear_hl(ui);
    for (size_t i = 0; i < n_hl && i < UI_MAX_HL; i++) ui->hl[ui->n_hl++] = ks_strdup(hl[i]);
    ks_nav_push(&ui->nav, KS_SCREEN_PAGE, slug);
    load_doc(ui, slug);
    ui->scroll = 0;
    ui->want_scroll_frac = -1;
    ui->want_scroll_px = 0;
    if (hash) snprintf(ui->want_anchor, sizeof ui->want_anchor, "%s", hash + 1);
    ui->built = 0;
    ui->dirty = 1;
    if (ui->hooks.page_view && ui->doc) ui->hooks.page_view(ui->hooks.ctx, slug); /* not for a missing page */
    announce(ui);
}

static void open_screen(ks_ui *ui, ks_screen screen, const char *slug) {
    leaving(ui);
    if (screen != KS_SCREEN_PAGE) clear_hl(ui);
    ks_nav_push(&ui->nav, screen, slug);
    if (screen == KS_SCREEN_SEARCH) ui->kb_visible = 1;
    ui->scroll = 0;
    ui->want_scroll_px = 0;
    ui->built = 0;
    ui->dirty = 1;
    announce(ui);
}

static void go_back(ks_ui *ui) {
    ks_nav_entry *e;
    leaving(ui);
    if (!ks_nav_back(&ui->nav)) return;
    e = ks_nav_top(&ui->nav);
    if (e->screen == KS_SCREEN_PAGE) load_doc(ui, e->slug);
    if (e->screen != KS_SCREEN_PAGE) clear_hl(ui);
    ui->want_scroll_frac = e->scroll;
    ui->want_scroll_px = -1;
    ui->built = 0;
    ui->dirty = 1;
    announce(ui);
}

static void go_home(ks_ui *ui) {
    leaving(ui);
    ks_nav_push(&ui->nav, KS_SCREEN_HOME, NULL);
    clear_hl(ui);
    ui->scroll = 0;
    ui->want_scroll_px = 0;
    ui->built = 0;
    ui->dirty = 1;
    announce(ui);
}

/* Run the search for the current query (on every keystroke). */
static void run_search(ks_ui *ui) {
    ks_search_results_free(ui->results);
    ui->results = NULL;
    ui->empty_pending[0] = '\0';
    if (ui->query[0] && ui->search) {
        if (ks_search_query(ui->search, ui->query, 8, &ui->results) != 0) {
            ks_log("search failed for the text typed; showing no results");
        } else if (ui->results && ui->results->n == 0) { /* a failure is not a search that found nothing */
            snprintf(ui->empty_pending, sizeof ui->empty_pending, "%s", ui->query);
        }
    }
    ui->scroll = 0;
    ui->want_scroll_px = 0;
    ui->built = 0;
    ui->dirty = 1;
}

/* Whether the kiosk is as a new patient finds it: Home at the top, nothing
 * typed, normal text and colours. Then the idle prompt has nothing to
 * protect and is not shown. */
static int untouched(ks_ui *ui) {
    return ui->nav.depth == 1 && strcmp(ks_ui_screen_name(ui), "home") == 0 && !ui->query[0] &&
           ui->scale == 1.0 && !ui->high_contrast && ui->scroll == 0;
}

/* Forget everything a patient did: the next patient starts fresh. */
static void full_reset(ks_ui *ui) {
    leaving(ui);
    ui_listen_reset(ui);
    ks_nav_reset(&ui->nav);
    clear_doc(ui);
    clear_hl(ui);
    ui->query[0] = '\0';
    ks_search_results_free(ui->results);
    ui->results = NULL;
    ui->kb_visible = 1;
    ui->scale = 1.0;
    ui->high_contrast = 0;
    set_theme(ui);
    ui->prompting = 0;
    ui->pin_open = 0;
    ui->pin[0] = '\0';
    ui->pin_wrong = 0;
    ui->staff_open = 0;
    ui->scroll = 0;
    ui->want_scroll_px = 0;
    ui->want_scroll_frac = -1;
    ui->want_anchor[0] = '\0';
    ui->pressed = 0;
    ui->finger_down = 0;
    ks_gesture_init(&ui->g, NULL);
    ui->built = 0;
    ui->dirty = 1;
    announce(ui);
}

void ui_reset_all(ks_ui *ui) { full_reset(ui); }

int ks_ui_open(ks_ui *ui, const char *spec, double now) {
    ui->now = now;
    if (strcmp(spec, "home") == 0) {
        go_home(ui);
        return 0;
    }
    if (strncmp(spec, "topic:", 6) == 0) {
        if (!ui_find_topic(ui, spec + 6)) return KS_ERR_NOT_FOUND;
        open_screen(ui, KS_SCREEN_TOPIC, spec + 6);
        return 0;
    }
    if (strncmp(spec, "page:", 5) == 0 || ui_find(ui, spec)) {
        const char *slug = strncmp(spec, "page:", 5) == 0 ? spec + 5 : spec;
        if (!ui_find(ui, slug)) return KS_ERR_NOT_FOUND;
        open_page(ui, slug, NULL, 0);
        return 0;
    }
    if (strcmp(spec, "search") == 0 || strncmp(spec, "search:", 7) == 0) {
        open_screen(ui, KS_SCREEN_SEARCH, NULL);
        snprintf(ui->query, sizeof ui->query, "%s", spec[6] ? spec + 7 : "");
        run_search(ui);
        return 0;
    }
    return KS_ERR_NOT_FOUND;
}

/* The words of result i's snippet that matched, to highlight on its page. */
static size_t result_words(const ks_search_hit *hit, char **out, size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < hit->n_highlights && n < max; i++) {
        const ks_search_range *r = &hit->highlights[i];
        char *w;
        int dup = 0;
        if (r->end <= r->start || r->end > strlen(hit->snippet)) continue;
        w = ks_strndup(hit->snippet + r->start, r->end - r->start);
        for (char *c = w; *c; c++) *c = (char)tolower((unsigned char)*c);
        for (size_t j = 0; j < n; j++) dup |= strcmp(out[j], w) == 0;
        if (dup) free(w);
        else out[n++] = w;
    }
    return n;
}

static void open_result(ks_ui *ui, size_t i) {
    char *words[UI_MAX_HL];
    size_t n;
    const ks_search_hit *hit;
    if (!ui->results || i >= ui->results->n) return;
    hit = &ui->results->hits[i];
    n = result_words(hit, words, UI_MAX_HL);
    if (hit->anchor && hit->anchor[0]) { /* a glossary entry: the page at that heading */
        char *target = ks_sprintf("%s#%s", hit->slug, hit->anchor);
        open_page(ui, target, words, n);
        free(target);
    } else {
        open_page(ui, hit->slug, words, n);
    }
    for (size_t k = 0; k < n; k++) free(words[k]);
    ui->to_highlight = n > 0; /* screens.c scrolls to the first match */
}

/* ------------------------------------------------------------ taps */

static void pin_tap(ks_ui *ui, int tag) {
    size_t n = strlen(ui->pin);
    ui->dirty = 1;
    ui->built = 0;
    if (tag >= TAG_PIN_DIGIT && tag < TAG_PIN_DIGIT + 10) {
        if (n + 1 < sizeof ui->pin) {
            ui->pin[n] = (char)('0' + tag - TAG_PIN_DIGIT);
            ui->pin[n + 1] = '\0';
        }
        ui->pin_wrong = 0;
    } else if (tag == TAG_PIN_DELETE) {
        if (n) ui->pin[n - 1] = '\0';
    } else if (tag == TAG_PIN_CANCEL) {
        ui->pin_open = 0;
        ui->pin[0] = '\0';
        announce(ui);
    } else if (tag == TAG_PIN_OK) {
        if (strcmp(ui->pin, ui->cfg.staff_pin) == 0 && ui->hooks.staff_status) {
            ui_staff_open(ui); /* staff.c: status, reset, exit */
            announce(ui);
        } else if (strcmp(ui->pin, ui->cfg.staff_pin) == 0) {
            ui->quit = 1;
            ks_log("staff exit");
        } else {
            ui->pin_wrong = 1;
        }
        ui->pin[0] = '\0';
    }
}

static void apply_scroll(ks_ui *ui, float dy);

/* The link item under window point (x, y): over, then chrome, then body. */
static const ks_item *hit_at(ks_ui *ui, int x, int y, int *in_body) {
    const ks_item *it;
    ensure_built(ui);
    *in_body = 0;
    if ((it = ks_layout_list_hit(ui->over, x, y))) return it;
    ui_build_fx(ui); /* the "More" button depends on the scroll position */
    if (!ui->prompting && !ui->pin_open && (it = ks_layout_list_hit(ui->fx, x, y))) return it;
    if (ks_layout_list_count(ui->over) && (ui->prompting || ui->pin_open || ui->staff_open)) return NULL;
    if ((it = ks_layout_list_hit(ui->chrome, x, y))) return it;
    if (y >= ui->body_top && y < ui->body_bottom) {
        int py = (int)lroundf((float)(y - ui->body_top) + ui->scroll);
        /* A link inside a sentence is only a line high: a finger that lands
         * just above, below or beside it still opens it. */
        int d = (int)lround(16 * ui->scale);
        static const int probe[4][2] = {{0, -1}, {0, 1}, {-1, 0}, {1, 0}};
        *in_body = 1;
        if ((it = ks_layout_list_hit(ui->body, x, py))) return it;
        for (int i = 0; i < 4; i++) {
            it = ks_layout_list_hit(ui->body, x + probe[i][0] * d, py + probe[i][1] * d);
            if (it && it->tag == TAG_DOC_LINK) return it;
        }
    }
    return NULL;
}

static void tap(ks_ui *ui, float fx, float fy) {
    int in_body;
    const ks_item *it;
    int tag;
    char target[2 * KS_SLUG_MAX]; /* slug#anchor */
    if (ui->prompting) { /* any touch on the prompt means "still here" */
        ui->prompting = 0;
        ks_idle_touch(&ui->idle, ui->now);
        relayout(ui);
        announce(ui);
        return;
    }
    it = hit_at(ui, (int)fx, (int)fy, &in_body);
    if (!it) return;
    tag = it->tag;
    snprintf(target, sizeof target, "%s", it->target ? it->target : "");
    if (ui->pin_open) {
        pin_tap(ui, tag);
        return;
    }
    if (ui->staff_open) {
        ui_staff_tap(ui, tag);
        if (!ui->staff_open) announce(ui);
        return;
    }
    if (tag >= TAG_KEY && tag < TAG_KEY + ui->kb.n_keys) {
        const ks_key *k = &ui->kb.keys[tag - TAG_KEY];
        if (k->kind == KS_KEY_HIDE) {
            ui->kb_visible = 0;
            relayout(ui);
        } else if (k->kind == KS_KEY_LAYER) { /* "123" / "ABC" */
            ui->kb_layer = !ui->kb_layer;
            relayout(ui);
        } else if (ks_keyboard_apply(k, ui->query, sizeof ui->query)) {
            run_search(ui);
        }
        return;
    }
    if (tag >= TAG_RESULT && tag < TAG_RESULT + 100) {
        open_result(ui, (size_t)(tag - TAG_RESULT));
        return;
    }
    switch (tag) {
    case TAG_DOC_LINK:
    case TAG_PAGE: open_page(ui, target, NULL, 0); break;
    case TAG_BACK: go_back(ui); break;
    case TAG_HOME: go_home(ui); break;
    case TAG_SEARCH:
        if (ks_nav_top(&ui->nav)->screen == KS_SCREEN_SEARCH) {
            ui->kb_visible = 1;
            relayout(ui);
        } else {
            open_screen(ui, KS_SCREEN_SEARCH, NULL);
        }
        break;
    case TAG_TOPIC: open_screen(ui, KS_SCREEN_TOPIC, target); break;
    case TAG_SIZE:
        ui->scale = atof(target);
        if (ui->scale < 1.0 || ui->scale > 2.0) ui->scale = 1.0;
        relayout(ui);
        break;
    case TAG_CONTRAST:
        ui->high_contrast = !ui->high_contrast;
        set_theme(ui);
        relayout(ui);
        break;
    case TAG_DID_YOU_MEAN:
        if (ui->results && ui->results->corrected) {
            snprintf(ui->query, sizeof ui->query, "%s", ui->results->corrected);
            run_search(ui);
        }
        break;
    case TAG_TOP:
        ui->scroll = 0;
        ui->dirty = 1;
        break;
    case TAG_LISTEN:
    case TAG_LISTEN_PAUSE:
    case TAG_LISTEN_STOP:
    case TAG_LISTEN_SLOWER: ui_listen_tap(ui, tag); break;
    case TAG_MORE: /* for those who find dragging hard: most of a screen down */
        apply_scroll(ui, -0.8f * (float)ui_view_h(ui));
        break;
    default: break;
    }
}

/* ------------------------------------------------------------ pointer */

static void set_pressed(ks_ui *ui, float x, float y) {
    int in_body;
    const ks_item *it = hit_at(ui, (int)x, (int)y, &in_body);
    ui->pressed = 0;
    if (!it || it->tag == TAG_NOTHING) return;
    ui->pressed = 1;
    ui->pressed_box = it->box;
    if (in_body) ui->pressed_box.y += ui->body_top - (int)lroundf(ui->scroll);
    ui->dirty = 1;
}

static void apply_scroll(ks_ui *ui, float dy) {
    float s = ui->scroll - dy, m = max_scroll(ui);
    if (s < 0) s = 0;
    if (s > m) s = m;
    if ((s == 0 || s == m) && ks_gesture_animating(&ui->g)) ks_gesture_stop(&ui->g);
    if (s != ui->scroll) {
        ui->scroll = s;
        ui->dirty = 1;
    }
}

static int in_staff_corner(const ks_ui *ui, float x, float y) {
    (void)ui;
    return x < STAFF_CORNER && y < STAFF_CORNER;
}

void ks_ui_pointer(ks_ui *ui, ks_pointer_kind kind, float x, float y, double now) {
    ks_gesture_event e;
    int sx, sy;
    ui->now = now;
    if (ui_care_pointer(ui, kind, now)) return; /* it woke the screen: nothing else */
    ensure_built(ui);
    ks_ui_shift(ui, &sx, &sy); /* Home is drawn shifted against burn-in */
    x -= (float)sx;
    y -= (float)sy;
    if (!ui->prompting) ks_idle_touch(&ui->idle, now);
    switch (kind) {
    case KS_POINTER_DOWN:
        e = ks_gesture_down(&ui->g, x, y, now);
        if (e.kind == KS_GESTURE_PRESS) {
            ui->press_in_body = y >= ui->body_top && y < ui->body_bottom &&
                                !ks_layout_list_hit(ui->over, (int)x, (int)y) &&
                                !ks_layout_list_hit(ui->chrome, (int)x, (int)y);
            ui->hold_start = in_staff_corner(ui, x, y) && !ui->pin_open ? now : -1;
            set_pressed(ui, x, y);
        }
        break;
    case KS_POINTER_MOVE:
        e = ks_gesture_move(&ui->g, x, y, now);
        if (e.kind == KS_GESTURE_SCROLL) {
            ui->hold_start = -1;
            if (ui->pressed) ui->dirty = 1;
            ui->pressed = 0;
            if (ui->press_in_body) apply_scroll(ui, e.dy);
        }
        break;
    case KS_POINTER_UP:
        e = ks_gesture_up(&ui->g, x, y, now);
        ui->hold_start = -1;
        if (ui->pressed) ui->dirty = 1;
        ui->pressed = 0;
        if (e.kind == KS_GESTURE_SCROLL && ui->press_in_body) apply_scroll(ui, e.dy);
        if (!ui->press_in_body) ks_gesture_stop(&ui->g);
        if (e.kind == KS_GESTURE_TAP) tap(ui, e.x, e.y);
        break;
    }
}

int ks_ui_handle_event(ks_ui *ui, const SDL_Event *ev, double now) {
    switch (ev->type) {
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT) return 0;
        ks_ui_pointer(ui, ev->type == SDL_MOUSEBUTTONDOWN ? KS_POINTER_DOWN : KS_POINTER_UP,
                      (float)ev->button.x, (float)ev->button.y, now);
        return 1;
    case SDL_MOUSEMOTION:
        if (ev->motion.which == SDL_TOUCH_MOUSEID || !(ev->motion.state & SDL_BUTTON_LMASK)) return 0;
        ks_ui_pointer(ui, KS_POINTER_MOVE, (float)ev->motion.x, (float)ev->motion.y, now);
        return 1;
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP: {
        /* Finger positions are 0..1 of the window. One finger drives the
         * pointer; a second one (a resting thumb, a child's hand) is
         * ignored until the first lifts. */
        float x = ev->tfinger.x * (float)ui->w, y = ev->tfinger.y * (float)ui->h;
        long long id = (long long)ev->tfinger.fingerId;
        if (ev->type == SDL_FINGERDOWN) {
            if (ui->g.down) return 0;
            ui->finger_down = 1;
            ui->finger_id = id;
            ks_ui_pointer(ui, KS_POINTER_DOWN, x, y, now);
            return 1;
        }
        if (!ui->finger_down || id != ui->finger_id) return 0;
        if (ev->type == SDL_FINGERUP) ui->finger_down = 0;
        ks_ui_pointer(ui, ev->type == SDL_FINGERUP ? KS_POINTER_UP : KS_POINTER_MOVE, x, y, now);
        return 1;
    }
    case SDL_MOUSEWHEEL:
        /* Staff with a mouse: the wheel scrolls like a drag (3 lines). */
        if (ev->wheel.which == SDL_TOUCH_MOUSEID || ev->wheel.y == 0 || ks_ui_screen_off(ui)) return 0;
        ks_idle_touch(&ui->idle, now);
        ui->care.last_activity = now;
        apply_scroll(ui, (float)ev->wheel.y * 3.0f * (float)ks_layout_body_px(ui->theme, ui->scale) * 1.5f);
        return 1;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            ks_ui_resize(ui, ev->window.data1, ev->window.data2);
            return 1;
        }
        if (ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
            ui->dirty = 1;
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------ time */

void ks_ui_tick(ks_ui *ui, double now) {
    ks_gesture_event e;
    ui->now = now;
    if (ui_care_tick(ui, now)) { /* the screen is off: nothing runs */
        ks_idle_touch(&ui->idle, now);
        return;
    }
    ensure_built(ui);
    e = ks_gesture_step(&ui->g, now);
    if (e.kind == KS_GESTURE_SCROLL) apply_scroll(ui, e.dy);
    if (ui->hold_start >= 0 && ui->g.down && !ui->g.dragging &&
        now - ui->hold_start >= ui->cfg.staff_hold_seconds * 1000.0) {
        ui->hold_start = -1;
        ui->pin_open = 1;
        ui->pin[0] = '\0';
        ui->pin_wrong = 0;
        ui->pressed = 0;
        ui->built = 0;
        ui->dirty = 1;
        announce(ui);
    }
    /* Someone listening is using the kiosk, though no finger touches it. */
    if (ui_listen_playing(ui)) ks_idle_touch(&ui->idle, now);
    switch (ks_idle_check(&ui->idle, now)) {
    case KS_IDLE_PROMPT:
        ui_listen_stop(ui);
        if (untouched(ui)) { /* nothing to forget: do not ask an empty room */
            ks_idle_touch(&ui->idle, now);
            break;
        }
        ui->prompting = 1;
        ui->pin_open = 0;
        ks_gesture_stop(&ui->g);
        relayout(ui);
        announce(ui);
        break;
    case KS_IDLE_RESET:
        flush_empty_search(ui);
        full_reset(ui);
        break;
    case KS_IDLE_NONE: break;
    }
    ui_listen_tick(ui, now);
    if (ui->prompting) { /* the countdown shows whole seconds */
        int left = (int)ceil(ks_idle_due_in(&ui->idle, now) / 1000.0);
        if (left != ui->prompt_secs_shown) relayout(ui);
    }
    ensure_built(ui);
}

int ks_ui_needs_frame(const ks_ui *ui) {
    if (ks_ui_screen_off(ui)) return ui->dirty; /* one black frame, then nothing */
    return ui->dirty || !ui->built;
}

int ks_ui_timeout_ms(const ks_ui *ui, double now) {
    double t = -1, d;
    if (ks_gesture_animating(&ui->g)) return 16;
    if (ks_ui_screen_off(ui)) {
        d = ui_care_due_in(ui, now); /* the end of the night */
        return d < 0 ? -1 : (int)ceil(d);
    }
    d = ks_idle_due_in(&ui->idle, now);
    if (d >= 0) t = d;
    if (ui->prompting) { /* wake for the next countdown second */
        double frac = fmod(d, 1000.0);
        t = frac > 0 ? frac : 1000.0;
    }
    if (ui->hold_start >= 0) {
        d = ui->hold_start + ui->cfg.staff_hold_seconds * 1000.0 - now;
        if (d < 0) d = 0;
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
    ensure_built(ui);
    ui_build_fx(ui);
    ks_ui_shift(ui, &sx, &sy); /* 0 0 but on Home (burn-in) */
    view.x = sx;
    view.y = ui->body_top + sy;
    view.h = ui->body_bottom - ui->body_top;
    ks_render_clear(ui->rd, NULL);
    rc = ks_render_draw(ui->rd, ui->body, sx, ui->body_top + sy - (int)lroundf(ui->scroll), &view);
    if (rc == 0) rc = ui_listen_draw(ui, sx, ui->body_top + sy - (int)lroundf(ui->scroll), &view);
    if (rc == 0) rc = ks_render_draw(ui->rd, ui->chrome, sx, sy, NULL);
    if (rc == 0) rc = ks_render_draw(ui->rd, ui->fx, sx, sy, NULL);
    if (rc == 0) rc = ks_render_draw(ui->rd, ui->over, sx, sy, NULL);
    ui->dirty = 0;
    return rc;
}

/* ------------------------------------------------------------ new content */

void ks_ui_set_content(ks_ui *ui, const ks_ui_content *content) {
    ks_nav_entry *e = ks_nav_top(&ui->nav);
    ui->content = *content;
    ks_render_reload_images(ui->rd); /* a picture may have been replaced, added or removed */
    if (e->screen == KS_SCREEN_PAGE && ui->doc && ui_find(ui, ui->doc_slug)) {
        /* Refresh in place: same page, new text, same scroll position. */
        char slug[KS_SLUG_MAX];
        snprintf(slug, sizeof slug, "%s", ui->doc_slug);
        clear_doc(ui);
        load_doc(ui, slug);
    } else if (e->screen != KS_SCREEN_PAGE) {
        clear_doc(ui); /* no store pointers are kept, but no need to hold it */
    }
    /* A page that is gone keeps its doc (our own copy) until left. */
    if (ui->built) ui->want_scroll_px = ui->scroll;
    ui->built = 0;
    ui->dirty = 1;
}

void ks_ui_set_search(ks_ui *ui, ks_search *search) {
    ks_search *before = ui->search;
    ui->search = search;
    if (!before && ks_nav_top(&ui->nav)->screen == KS_SCREEN_SEARCH) run_search(ui);
}

/* ------------------------------------------------------------ script help */

int ks_ui_key_point(ks_ui *ui, char c, int *x, int *y) {
    int k;
    ensure_built(ui);
    if (ks_nav_top(&ui->nav)->screen != KS_SCREEN_SEARCH || !ui->kb_visible || ui->prompting || ui->pin_open)
        return -1;
    k = ks_keyboard_find(&ui->kb, c);
    if (k < 0) return -1;
    *x = ui->kb.keys[k].x + ui->kb.keys[k].w / 2;
    *y = ui->kb_top + ui->kb.keys[k].y + ui->kb.keys[k].h / 2;
    return 0;
}

int ks_ui_search_field_point(ks_ui *ui, int *x, int *y) {
    ensure_built(ui);
    int sx, sy;
    if (!ui->has_field || ui->prompting || ui->pin_open || ui->care.asleep) return -1;
    *x = ui->field_x + ui->field_w / 2;
    *y = ui->field_y + ui->field_h / 2;
    if (ui->field_in_body) *y += ui->body_top - (int)lroundf(ui->scroll);
    if (*y < ui->body_top || *y >= ui->body_bottom) return -1;
    ks_ui_shift(ui, &sx, &sy);
    *x += sx;
    *y += sy;
    return 0;
}
