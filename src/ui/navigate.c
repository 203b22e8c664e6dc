/* navigate: moving between screens. Opening pages (at an anchor, with
 * words to highlight), topics and the search screen, Back and Home, running
 * the search as letters are typed, and the idle reset that forgets
 * everything a patient did. */
#include "ui_int.h"

#include "kiosk/base.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ navigation */

const char *ks_ui_screen_name(const ks_ui *ui) {
    ks_ui *m = (ks_ui *)ui; /* the name buffer is a cache */
    if (ui->care.asleep) return "screen-off";
    if (ui->panel.pin_open) return "staff-pin";
    if (ui->panel.staff_open) return "staff";
    if (ui->panel.prompting) return "idle-prompt";
    ks_nav_name(ks_nav_top(&m->nav), m->name, sizeof m->name);
    return m->name;
}

void ui_announce(ks_ui *ui) {
    ui->touch.screen_gen++; /* tap hygiene (pointer.c) */
    if (ui->hooks.screen_changed) ui->hooks.screen_changed(ui->hooks.ctx, ks_ui_screen_name(ui));
}

/* The search text left behind found nothing: count it once. */
void ui_flush_empty_search(ks_ui *ui) {
    if (ui->find.empty_pending[0] && ui->hooks.empty_search)
        ui->hooks.empty_search(ui->hooks.ctx, ui->find.empty_pending);
    ui->find.empty_pending[0] = '\0';
}

static void leaving(ks_ui *ui) {
    ui_listen_stop(ui);
    ks_nav_top(&ui->nav)->scroll = ui_scroll_frac(ui);
    if (ks_nav_top(&ui->nav)->screen == KS_SCREEN_SEARCH) ui_flush_empty_search(ui);
    ks_gesture_stop(&ui->touch.g);
}

/* Make the document for slug current (kept if it is already). Returns 0
 * or KS_ERR_NOT_FOUND (then the page screen says it is gone). */
int ui_load_doc(ks_ui *ui, const char *slug) {
    const ks_page *p;
    const ks_topic *t;
    if (ui->page.doc && strcmp(ui->page.doc_slug, slug) == 0) return 0;
    p = ui_find(ui, slug);
    ui_clear_doc(ui);
    if (!p) return KS_ERR_NOT_FOUND;
    ui->page.doc = ks_page_doc(p);
    snprintf(ui->page.doc_slug, sizeof ui->page.doc_slug, "%s", p->slug);
    ui->page.doc_title = ks_strdup(p->title);
    t = p->topic[0] ? ui_find_topic(ui, p->topic) : NULL;
    ui->page.doc_topic_title = ks_strdup(t ? t->title : "");
    ui->page.doc_section = ks_strdup(p->is_topic_index ? "overview" : p->section); /* "Topic › Overview" */
    ui->page.doc_reviewed = ks_strdup(p->reviewed);
    return 0;
}

/* Make the document the screen e shows current: a page's, or on a Topic
 * screen its overview (the topic's index.md), which the screen shows and
 * read aloud reads. */
void ui_load_screen_doc(ks_ui *ui, const ks_nav_entry *e) {
    const ks_topic *t;
    if (e->screen == KS_SCREEN_PAGE) ui_load_doc(ui, e->slug);
    else if (e->screen == KS_SCREEN_TOPIC && (t = ui_find_topic(ui, e->slug)) && t->index) ui_load_doc(ui, t->index->slug);
}

/* Open a page, optionally at an anchor, with words to highlight. */
void ui_open_page(ks_ui *ui, const char *target, char **hl, size_t n_hl) {
    char slug[KS_SLUG_MAX];
    const char *hash = strchr(target, '#');
    size_t n = hash ? (size_t)(hash - target) : strlen(target);
    if (n >= sizeof slug) n = sizeof slug - 1;
    memcpy(slug, target, n);
    slug[n] = '\0';
    if (!slug[0]) { /* "#anchor" within this page */
        if (hash) snprintf(ui->view.want_anchor, sizeof ui->view.want_anchor, "%s", hash + 1);
        ui->view.want_scroll_px = -1;
        ui_invalidate(ui, UI_KEEP_PLACE);
        ui->view.want_scroll_frac = -1;
        return;
    }
    leaving(ui);
    ui_clear_hl(ui);
    for (size_t i = 0; i < n_hl && i < UI_MAX_HL; i++) ui->page.hl[ui->page.n_hl++] = ks_strdup(hl[i]);
    ks_nav_push(&ui->nav, KS_SCREEN_PAGE, slug);
    ui_load_doc(ui, slug);
    if (hash) snprintf(ui->view.want_anchor, sizeof ui->view.want_anchor, "%s", hash + 1);
    if (ui->hooks.page_view && ui->page.doc) ui->hooks.page_view(ui->hooks.ctx, slug); /* not for a missing page */
    ui_invalidate(ui, UI_TO_TOP | UI_ANNOUNCE);
}

void ui_open_screen(ks_ui *ui, ks_screen screen, const char *slug) {
    leaving(ui);
    if (screen != KS_SCREEN_PAGE) ui_clear_hl(ui);
    ks_nav_push(&ui->nav, screen, slug);
    ui_load_screen_doc(ui, ks_nav_peek(&ui->nav));
    if (screen == KS_SCREEN_SEARCH) ui->find.kb_visible = 1;
    ui_invalidate(ui, UI_TO_TOP | UI_ANNOUNCE);
}

void ui_go_back(ks_ui *ui) {
    ks_nav_entry *e;
    leaving(ui);
    if (!ks_nav_back(&ui->nav)) return;
    e = ks_nav_top(&ui->nav);
    ui_load_screen_doc(ui, e);
    if (e->screen != KS_SCREEN_PAGE) ui_clear_hl(ui);
    ui->view.want_scroll_frac = e->scroll; /* where it was left */
    ui->view.want_scroll_px = -1;
    ui_invalidate(ui, UI_REBUILD | UI_ANNOUNCE);
}

void ui_go_home(ks_ui *ui) {
    leaving(ui);
    ks_nav_push(&ui->nav, KS_SCREEN_HOME, NULL);
    ui_clear_hl(ui);
    ui_invalidate(ui, UI_TO_TOP | UI_ANNOUNCE);
}

/* Run the search for the current query (on every keystroke). */
void ui_run_search(ks_ui *ui) {
    char was[UI_QUERY_MAX]; /* the text not yet counted that found nothing */
    ks_search_results_free(ui->find.results);
    ui->find.results = NULL;
    /* Text that found nothing is counted once, when the patient gives up on
     * it: clears it (Clear, or Delete down to nothing), leaves the screen or
     * is reset. Typing on replaces it (the new text, if it finds nothing
     * too); deleting letters of it keeps the whole text it was; a text that
     * finds something drops it. */
    if (!ui->find.query[0]) ui_flush_empty_search(ui);
    snprintf(was, sizeof was, "%s", ui->find.empty_pending);
    ui->find.empty_pending[0] = '\0';
    if (ui->find.query[0] && ui->search) {
        if (ks_search_query(ui->search, ui->find.query, 8, &ui->find.results) != 0) {
            ks_log("search failed for the text typed; showing no results");
        } else if (ui->find.results && ui->find.results->n == 0) { /* a failure is not a search that found nothing */
            int deleting = was[0] && strncmp(was, ui->find.query, strlen(ui->find.query)) == 0;
            snprintf(ui->find.empty_pending, sizeof ui->find.empty_pending, "%s", deleting ? was : ui->find.query);
        }
    }
    ui_invalidate(ui, UI_TO_TOP);
}

/* Whether the kiosk is as a new patient finds it: Home at the top, nothing
 * typed, normal text and colours. Then the idle prompt has nothing to
 * protect and is not shown. */
int ui_untouched(ks_ui *ui) {
    return ui->nav.depth == 1 && strcmp(ks_ui_screen_name(ui), "home") == 0 && !ui->find.query[0] &&
           ui->look.scale == 1.0 && !ui->look.high_contrast && ui->view.scroll == 0;
}

/* Forget everything a patient did: the next patient starts fresh. */
void ui_reset_all(ks_ui *ui) {
    leaving(ui);
    ui_listen_reset(ui);
    ks_nav_reset(&ui->nav);
    ui_clear_doc(ui);
    ui_clear_hl(ui);
    ui->find.query[0] = '\0';
    ks_search_results_free(ui->find.results);
    ui->find.results = NULL;
    ui->find.kb_visible = 1;
    ui->look.scale = 1.0;
    ui->look.high_contrast = 0;
    ui_set_theme(ui);
    ui->panel.prompting = 0;
    ui->panel.pin_open = 0;
    ui->panel.pin[0] = '\0';
    ui->panel.pin_wrong = 0;
    ui->panel.staff_open = 0;
    ui->view.want_anchor[0] = '\0';
    ui->touch.pressed = 0;
    ks_gesture_init(&ui->touch.g, NULL);
    ui_invalidate(ui, UI_TO_TOP | UI_ANNOUNCE);
}

int ks_ui_open(ks_ui *ui, const char *spec, double now) {
    ui->now = now;
    if (strcmp(spec, "home") == 0) {
        ui_go_home(ui);
        return 0;
    }
    if (strncmp(spec, "topic:", 6) == 0) {
        if (!ui_find_topic(ui, spec + 6)) return KS_ERR_NOT_FOUND;
        ui_open_screen(ui, KS_SCREEN_TOPIC, spec + 6);
        return 0;
    }
    if (strncmp(spec, "page:", 5) == 0 || ui_find(ui, spec)) {
        const char *slug = strncmp(spec, "page:", 5) == 0 ? spec + 5 : spec;
        if (!ui_find(ui, slug)) return KS_ERR_NOT_FOUND;
        ui_open_page(ui, slug, NULL, 0);
        return 0;
    }
    if (strcmp(spec, "search") == 0 || strncmp(spec, "search:", 7) == 0) {
        ui_open_screen(ui, KS_SCREEN_SEARCH, NULL);
        snprintf(ui->find.query, sizeof ui->find.query, "%s", spec[6] ? spec + 7 : "");
        ui_run_search(ui);
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

void ui_open_result(ks_ui *ui, size_t i) {
    char *words[UI_MAX_HL];
    size_t n;
    const ks_search_hit *hit;
    if (!ui->find.results || i >= ui->find.results->n) return;
    hit = &ui->find.results->hits[i];
    n = result_words(hit, words, UI_MAX_HL);
    if (hit->anchor && hit->anchor[0]) { /* a glossary entry: the page at that heading */
        char *target = ks_sprintf("%s#%s", hit->slug, hit->anchor);
        ui_open_page(ui, target, words, n);
        free(target);
    } else {
        ui_open_page(ui, hit->slug, words, n);
    }
    for (size_t k = 0; k < n; k++) free(words[k]);
    ui->find.to_highlight = n > 0; /* screens.c scrolls to the first match */
}

