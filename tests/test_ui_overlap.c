/* Nothing covers the text (issue 15): every screen of the shipped content
 * (Home, each topic, each page at its top, middle and end, search with
 * results with and without the keyboard, nothing found, the idle prompt,
 * the PIN pad, the staff screen, a page being read aloud) at 800x600,
 * 1080x1920, 1920x1080, 1280x720, 800x1280 and 3840x2160, each at text
 * sizes 100, 150 and 200 %, is laid out and its display lists are read
 * where they are drawn (body at its scroll and clipped to the body, then
 * chrome, the frame effects and over, in drawing order):
 *
 *   - a text run must not be crossed by a hit box it does not lie inside
 *     (a button's own label lies inside its button), nor
 *   - by anything drawn after it (a rect, picture or text on top of it:
 *     covered), nor
 *   - lie partly on an element drawn before it (a label spilling over the
 *     edge of a button, text over other text).
 *
 * What a panel hides on purpose (the prompt, the PIN pad and the staff
 * screen cover the whole window) is left out: only what is drawn from that
 * panel's full-window background on is checked. The inline hit boxes of
 * links inside a page's sentences (at least 48 px tall, so they reach a
 * little into the lines above and below) belong to the text they run in
 * and are not counted against it, nor is a link's underline (a rect drawn
 * after its text, inside the text's box).
 *
 * A failure names the screen, the size, the scale and the two items.
 */
#include "harness_ui.h"

static long failures; /* overlaps found, all screens */
static long checked;  /* screens checked */

static char *staff_status(void *ctx) {
    (void)ctx;
    return ks_strdup("Content: version 2026-11-29 12:00, 17 pages, 2 topics\n"
                     "Kept from the last good version: prolotherapy/risks.md:12: a link to a page that does not exist\n"
                     "Index: up to date, 412 kB\nUsage since the last reset: 38 page views, 11 searches, 2 found nothing");
}

static void world_open_scale(world *w, int width, int height, double scale) {
    ks_ui_config cfg;
    ks_ui_hooks hooks;
    world_spec s = {.width = width, .height = height, .cfg = &cfg, .search = 1, .scale = scale, .hooks = &hooks};
    ks_ui_config_defaults(&cfg);
    cfg.speech_enabled = 1; /* every page shows its Listen button */
    memset(&hooks, 0, sizeof hooks);
    hooks.staff_status = staff_status;
    world_open_spec(w, &s);
}

/* ------------------------------------------------------------ the check */

/* An item where it is drawn (window px, clipped), with the list it is in. */
typedef struct placed {
    const ks_item *it;
    ks_rect box; /* clipped to where its list is drawn */
    const char *list;
} placed;

#define MAX_PLACED 20000

static int meets(ks_rect a, ks_rect b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static int inside(ks_rect a, ks_rect b) {
    return a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
}

static ks_rect clip(ks_rect r, ks_rect c) {
    int x0 = r.x > c.x ? r.x : c.x, y0 = r.y > c.y ? r.y : c.y;
    int x1 = r.x + r.w < c.x + c.w ? r.x + r.w : c.x + c.w, y1 = r.y + r.h < c.y + c.h ? r.y + r.h : c.y + c.h;
    return (ks_rect){x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
}

static size_t place(placed *out, size_t n, const ks_display_list *dl, const char *name, int dy, ks_rect view) {
    for (size_t i = 0; i < ks_layout_list_count(dl) && n < MAX_PLACED; i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        ks_rect b = it->box;
        if (it->kind == KS_ITEM_ANCHOR) continue;
        b.y += dy;
        b = clip(b, view);
        if (b.w <= 0 || b.h <= 0) continue;
        out[n++] = (placed){it, b, name};
    }
    return n;
}

static const char *kind_name(const ks_item *it) {
    switch (it->kind) {
    case KS_ITEM_RECT: return "rect";
    case KS_ITEM_TEXT: return "text";
    case KS_ITEM_IMAGE: return "image";
    case KS_ITEM_LINK: return "hit box";
    default: return "item";
    }
}

static void describe(char *buf, size_t n, const placed *p) {
    if (p->it->kind == KS_ITEM_TEXT)
        snprintf(buf, n, "text '%.*s' (%s) at %d,%d %dx%d", (int)(p->it->len > 40 ? 40 : p->it->len), p->it->text,
                 p->list, p->box.x, p->box.y, p->box.w, p->box.h);
    else
        snprintf(buf, n, "%s%s%d (%s) at %d,%d %dx%d", kind_name(p->it), p->it->kind == KS_ITEM_LINK ? " tag " : "",
                 p->it->kind == KS_ITEM_LINK ? p->it->tag : 0, p->list, p->box.x, p->box.y, p->box.w, p->box.h);
}

/* Whether text t (at index i) and item o (at index j) clash. */
static int clash(const placed *t, size_t i, const placed *o, size_t j) {
    if (!meets(t->box, o->box)) return 0;
    if (o->it->kind == KS_ITEM_LINK) {
        /* A link inside a sentence belongs to the lines it runs in. */
        if (o->it->tag == TAG_DOC_LINK && t->list == o->list) return 0;
        return !inside(t->box, o->box);
    }
    /* A link's underline, drawn after its text inside its box, is the
     * text's own. */
    if (j > i && t->list == o->list && o->it->kind == KS_ITEM_RECT && inside(o->box, t->box)) return 0;
    if (j > i) return 1;                            /* drawn over the text */
    if (o->it->kind == KS_ITEM_TEXT) return 1;       /* text on text */
    return !inside(t->box, o->box);                  /* partly on an element below */
}

/* Check the screen as laid out now; what names it in messages. */
static void check(world *w, const char *what) {
    static placed items[MAX_PLACED];
    ks_ui *ui = w->ui;
    ks_rect win = {0, 0, ui->w, ui->h}, body;
    size_t n = 0, from = 0;
    int found = 0;
    ks_ui_tick(ui, w->t);
    ui_ensure_built(ui);
    ui_build_fx(ui, ui->fx);
    body = (ks_rect){0, ui->geom.body_top, ui->w, ui->geom.body_bottom - ui->geom.body_top};
    n = place(items, n, ui->body, "body", ui->geom.body_top - (int)lroundf(ui->view.scroll), body);
    n = place(items, n, ui->chrome, "chrome", 0, win);
    n = place(items, n, ui->fx, "fx", 0, win);
    n = place(items, n, ui->over, "over", 0, win);
    /* A panel's full-window background hides what is below it. */
    for (size_t j = 0; j < n; j++)
        if (items[j].it->kind == KS_ITEM_RECT && inside(win, items[j].box)) from = j;
    for (size_t i = from; i < n; i++) {
        if (items[i].it->kind != KS_ITEM_TEXT) continue;
        for (size_t j = from; j < n; j++) {
            char a[160], b[160];
            if (j == i || !clash(&items[i], i, &items[j], j)) continue;
            if (found++ < 3) {
                describe(a, sizeof a, &items[i]);
                describe(b, sizeof b, &items[j]);
                fprintf(stderr, "  %dx%d @%.0f%% %s: %s covered by %s\n", ui->w, ui->h, ui->look.scale * 100, what, a, b);
            }
        }
    }
    if (found > 3)
        fprintf(stderr, "  %dx%d @%.0f%% %s: ... %d overlaps in all\n", ui->w, ui->h, ui->look.scale * 100, what, found);
    failures += found;
    checked++;
}

/* The screen at its top, middle and end (when it scrolls). */
static void check_scrolled(world *w, const char *what) {
    char name[200];
    ks_ui_tick(w->ui, w->t);
    w->ui->view.scroll = 0;
    snprintf(name, sizeof name, "%s at the top", what);
    check(w, name);
    if (ui_max_scroll(w->ui) <= 0) return;
    w->ui->view.scroll = floorf(ui_max_scroll(w->ui) / 2);
    snprintf(name, sizeof name, "%s scrolled half way", what);
    check(w, name);
    w->ui->view.scroll = ui_max_scroll(w->ui);
    snprintf(name, sizeof name, "%s at its end", what);
    check(w, name);
}

static void every_screen(int width, int height, double scale) {
    world w;
    char name[200];
    world_open_scale(&w, width, height, scale);
    check_scrolled(&w, "home");
    for (size_t i = 0; i < ks_store_topic_count(shipped); i++) {
        const ks_topic *t = ks_store_topic(shipped, i);
        snprintf(name, sizeof name, "topic:%s", t->slug);
        OK(ks_ui_open(w.ui, name, w.t) == 0);
        check_scrolled(&w, name);
    }
    for (size_t i = 0; i < ks_store_page_count(shipped); i++) {
        const ks_page *p = ks_store_page(shipped, i);
        snprintf(name, sizeof name, "page:%s", p->slug);
        OK(ks_ui_open(w.ui, name, w.t) == 0);
        check_scrolled(&w, name);
    }
    OK(ks_ui_open(w.ui, "search:ligament", w.t) == 0);
    OK(w.ui->find.kb_visible);
    check_scrolled(&w, "search:ligament with the keyboard");
    w.ui->find.kb_visible = 0;
    ui_invalidate(w.ui, UI_REBUILD);
    check_scrolled(&w, "search:ligament, keyboard hidden");
    w.ui->find.kb_visible = 1;
    OK(ks_ui_open(w.ui, "search:zzzqqq", w.t) == 0);
    check_scrolled(&w, "search:zzzqqq (nothing found) with the keyboard");
    /* A page read aloud: Pause, Stop and Slower. */
    OK(ks_ui_open(w.ui, "page:prolotherapy/risks", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    ui_listen_tap(w.ui, TAG_LISTEN);
    {
        ks_listen_state st = KS_LISTEN_OFF;
        int slower = 0;
        OK(ui_listen_status(w.ui, &st, &slower) == 0 && st == KS_LISTEN_PLAYING);
    }
    check_scrolled(&w, "page:prolotherapy/risks read aloud");
    ui_listen_stop(w.ui);
    /* The PIN pad with two digits typed, the staff screen, the prompt. */
    w.ui->panel.pin_open = 1;
    snprintf(w.ui->panel.pin, sizeof w.ui->panel.pin, "25");
    ui_invalidate(w.ui, UI_REBUILD);
    check(&w, "PIN pad");
    ui_staff_open(w.ui);
    check(&w, "staff screen");
    ui_staff_close(w.ui);
    w.t += 91000;
    ks_ui_tick(w.ui, w.t);
    OK(strcmp(ks_ui_screen_name(w.ui), "idle-prompt") == 0);
    check(&w, "idle prompt");
    world_close(&w);
}

static void test_nothing_covers_text(void) {
    static const int sizes[][2] = {{800, 600}, {1080, 1920}, {1920, 1080}, {1280, 720}, {800, 1280}, {3840, 2160}};
    static const double scales[] = {1.0, 1.5, 2.0};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t k = 0; k < 3; k++) every_screen(sizes[s][0], sizes[s][1], scales[k]);
    fprintf(stderr, "  %ld screens checked, %ld overlaps\n", checked, failures);
    OK(checked > 1000);
    INT_EQ(failures, 0);
}

/* The check itself sees a button laid over text (so the test can fail). */
static void test_check_sees_a_cover(void) {
    world w;
    long before = failures;
    world_open_scale(&w, 1080, 1920, 1.0);
    OK(ks_ui_open(w.ui, "page:prolotherapy/risks", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    {
        /* A button over the page's first lines, drawn in over. */
        const ks_theme *th = w.ui->look.theme;
        ks_layout_list_add_rect(w.ui->over, (ks_rect){100, w.ui->geom.body_top + 40, 300, 200}, th->accent, 8);
    }
    /* check() builds fx again but keeps over as it is (already built). */
    check(&w, "page with a rect laid over it on purpose");
    OK(failures > before);
    failures = before;
    checked--;
    world_close(&w);
}

int main(void) {
    if (shipped_load("overlap") != 0) return 1;
    RUN(test_check_sees_a_cover);
    RUN(test_nothing_covers_text);
    shipped_free();
    return harness_done();
}
