/* Home's common questions and the tiles' icons (issue 15), headless on the
 * shipped content: each question row opens its page at its heading, at
 * every size and text scale; the rows fill portrait Home's lower part; a
 * live edit of home.txt shows without a restart; every topic, section and
 * question tile carries its icon in the theme's accent colour, beside its
 * words or, on a narrow column, above them, never over them; and the icon's
 * pixels are drawn in the high-contrast accent.
 *
 * Targets are found in the display lists (white-box, through ui_int.h) and
 * tapped at their centre through the same pointer path as a finger, after
 * scrolling them into view with a slow drag. Screenshots go to ./ui-shots/.
 */
#include "harness_ui.h"
#include "kiosk/watch.h"

#include "../src/ui/widgets.h" /* the sizes: UI_MIN_TARGET_PX, UI_MIN_BODY_PX */

#include <limits.h>

static void world_open_on(world *w, const ks_store_view *content, int width, int height) {
    world_spec s = {.width = width, .height = height, .content = content};
    world_open_spec(w, &s);
}

static void go_home(world *w) {
    OK(ks_ui_open(w->ui, "home", w->t) == 0);
    ks_ui_tick(w->ui, w->t);
    OK(screen_is(w, "home"));
}

static int inside(ks_rect in, ks_rect out) {
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w && in.y + in.h <= out.y + out.h;
}

static int overlap(ks_rect a, ks_rect b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* The icon image inside link box r, or NULL. */
static const ks_item *icon_in(const ks_display_list *dl, ks_rect r) {
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind == KS_ITEM_IMAGE && it->target && !strncmp(it->target, "icon:", 5) && inside(it->box, r)) return it;
    }
    return NULL;
}

/* The question's target as Home's row links it: "slug#anchor" or "slug". */
static void question_target(const ks_home_question *q, char *buf, size_t cap) {
    snprintf(buf, cap, "%s%s%s", q->slug, q->anchor ? "#" : "", q->anchor ? q->anchor : "");
}

/* ------------------------------------------------------------ questions */

/* Every question row, at this size and scale: on Home under its heading,
 * at least a touch target tall, and a tap opens its page with its heading
 * at the top of the view (or the page's top when it names no heading). */
static void questions_open_their_heading(int width, int height, double scale, const char *theme) {
    world w;
    size_t n = ks_store_home_count(shipped);
    int deep = 0;
    world_open(&w, width, height);
    OK(ks_ui_set_look(w.ui, scale, theme) == 0);
    ks_ui_tick(w.ui, w.t);
    OK(n >= KS_HOME_MIN && n <= KS_HOME_MAX);
    for (size_t i = 0; i < n; i++) {
        const ks_home_question *q = ks_store_home_question(shipped, i);
        const ks_item *row;
        char target[2 * KS_SLUG_MAX + 2], screen[KS_SLUG_MAX + 8];
        go_home(&w);
        question_target(q, target, sizeof target);
        row = find_link(w.ui->body, TAG_PAGE, target);
        OK(row != NULL);
        if (!row) continue;
        OK(row->box.h >= (int)lround(UI_MIN_TARGET_PX * scale)); /* a large row */
        OK(tap_link(&w, TAG_PAGE, target) == 0);
        snprintf(screen, sizeof screen, "page:%s", q->slug);
        if (!screen_is(&w, screen)) harness_fail(__FILE__, __LINE__, "%s opened %s", q->text, ks_ui_screen_name(w.ui));
        if (q->anchor) {
            int y = ks_layout_list_anchor_y(w.ui->body, q->anchor);
            int B = ks_layout_body_px(w.ui->look.theme, scale);
            float want = (float)(y - B);
            OK(y >= 0);
            if (want > ui_max_scroll(w.ui)) want = ui_max_scroll(w.ui);
            if (want < 0) want = 0;
            /* The heading lands at the top of the view, as a link to it does. */
            if (fabsf(w.ui->view.scroll - want) > 1.0f)
                harness_fail(__FILE__, __LINE__, "%s: scrolled to %.0f, heading at %d", q->text, w.ui->view.scroll, y);
            OK(y >= (int)w.ui->view.scroll && y < (int)w.ui->view.scroll + ui_view_h(w.ui));
            if (w.ui->view.scroll > 0) deep++;
        } else {
            OK(w.ui->view.scroll == 0.0f);
        }
    }
    OK(deep > 0); /* at least one heading was further down than the first screen */
    world_close(&w);
}

static void test_questions_open_their_heading(void) {
    questions_open_their_heading(1080, 1920, 1.0, "default");
    questions_open_their_heading(1920, 1080, 2.0, "high-contrast");
    questions_open_their_heading(800, 600, 2.0, "default");
    questions_open_their_heading(3840, 2160, 1.0, "default");
}

/* In portrait, the questions follow the treatments under their own heading
 * and fill what was Home's empty lower third; in landscape at 200 % they
 * follow in the scrolling body. */
static void test_questions_fill_portrait(void) {
    world w;
    const ks_item *first, *last, *topic;
    char target[2 * KS_SLUG_MAX + 2];
    size_t n = ks_store_home_count(shipped);
    int heading = 0;
    world_open(&w, 1080, 1920);
    question_target(ks_store_home_question(shipped, 0), target, sizeof target);
    first = find_link(w.ui->body, TAG_PAGE, target);
    question_target(ks_store_home_question(shipped, n - 1), target, sizeof target);
    last = find_link(w.ui->body, TAG_PAGE, target);
    topic = find_link(w.ui->body, TAG_TOPIC, ks_store_topic(shipped, ks_store_topic_count(shipped) - 1)->slug);
    OK(first && last && topic);
    if (first && last && topic) {
        OK(first->box.y > topic->box.y + topic->box.h); /* after the treatments */
        OK(last->box.y > first->box.y);                 /* in home.txt's order */
        OK(first->box.y < 1920 && first->box.y > 1920 / 3);
        OK(last->box.y + last->box.h > 1920 * 2 / 3 && last->box.y < 1920); /* the lower third is used */
        OK(w.ui->geom.content_h > 1920);
    }
    for (size_t i = 0; i < ks_layout_list_count(w.ui->body); i++) {
        const ks_item *it = ks_layout_list_item(w.ui->body, i);
        if (it->kind == KS_ITEM_TEXT && it->text && !strcmp(it->text, "Common questions") && first &&
            it->box.y < first->box.y && it->box.y > topic->box.y)
            heading = 1;
    }
    OK(heading);
    shot(&w, "home-questions-1080x1920");
    world_close(&w);
    world_open(&w, 1920, 1080);
    OK(ks_ui_set_look(w.ui, 2.0, "default") == 0);
    ks_ui_tick(w.ui, w.t);
    question_target(ks_store_home_question(shipped, 0), target, sizeof target);
    first = find_link(w.ui->body, TAG_PAGE, target);
    OK(first && first->box.y > 1080); /* below the first screen: scrolled to */
    OK(tap_link(&w, TAG_PAGE, target) == 0 || !first);
    shot(&w, "home-questions-1920x1080-200-tapped");
    world_close(&w);
}

/* A home.txt without questions (or without the file): no heading, no rows,
 * the treatments and the other pages as before. */
static void test_no_questions(void) {
    world w;
    ks_store_view v = ks_store_view_of(shipped);
    v.home_count = NULL; /* a view that has no questions */
    v.home_question = NULL;
    world_open_on(&w, &v, 1080, 1920);
    for (size_t i = 0; i < ks_layout_list_count(w.ui->body); i++) {
        const ks_item *it = ks_layout_list_item(w.ui->body, i);
        OK(!(it->kind == KS_ITEM_TEXT && it->text && !strcmp(it->text, "Common questions")));
    }
    OK(find_link(w.ui->body, TAG_PAGE, "about") != NULL);
    OK(find_link(w.ui->body, TAG_TOPIC, "prolotherapy") != NULL);
    world_close(&w);
}

/* A kiosk on a copy of the shipped content under the content watcher, as
 * `kiosk run` shows it: the world shows the watcher's latest snapshot. */
typedef struct live {
    char dir[64];         /* the copy */
    ks_watch *wa;
    ks_watch_snapshot *s; /* the snapshot shown */
    ks_store_view v;      /* its view */
    uint64_t gen;         /* its generation */
    world w;
} live;

/* live_start(l, name): copy the content to /tmp/kiosk-NAME-XXXXXX, watch
 * it, show its first snapshot at 1080x1920. 0, or -1 (the watcher did not
 * start; nothing to stop). */
static int live_start(live *l, const char *name) {
    char cmd[600];
    ks_watch_options o;
    int err = 0;
    memset(l, 0, sizeof *l);
    snprintf(l->dir, sizeof l->dir, "/tmp/kiosk-%s-XXXXXX", name);
    OK(mkdtemp(l->dir) != NULL);
    snprintf(cmd, sizeof cmd, "cp -r '%s/content/.' '%s/'", KIOSK_SOURCE_DIR, l->dir);
    OK(system(cmd) == 0);
    memset(&o, 0, sizeof o);
    o.quiet_log = 1;
    l->wa = ks_watch_start(l->dir, &o, &err);
    OK(l->wa != NULL);
    if (!l->wa) return -1;
    l->s = ks_watch_take(l->wa, 0);
    l->gen = ks_watch_snapshot_generation(l->s);
    l->v = ks_watch_snapshot_view(l->s);
    world_open_on(&l->w, &l->v, 1080, 1920);
    return 0;
}

/* live_next(l): wait (10 s at most) for the snapshot after the one shown
 * and show it. The snapshot now shown (the new one, or the old one when
 * none came). */
static ks_watch_snapshot *live_next(live *l) {
    ks_watch_snapshot *s2;
    OK(ks_watch_wait(l->wa, l->gen, 10000) > l->gen);
    s2 = ks_watch_take(l->wa, l->gen);
    OK(s2 != NULL);
    if (s2) {
        l->v = ks_watch_snapshot_view(s2);
        ks_ui_set_content(l->w.ui, &l->v);
        ks_watch_snapshot_release(l->s);
        l->s = s2;
    }
    return s2;
}

static void live_stop(live *l) {
    world_close(&l->w);
    ks_watch_snapshot_release(l->s);
    ks_watch_stop(l->wa);
    OK(harness_rm_rf(l->dir) == 0);
}

/* Staff edit home.txt while the kiosk runs: the content watcher reloads it
 * and Home shows the new questions without a restart. */
static void test_questions_live_edit(void) {
    live l;
    char path[300];
    if (live_start(&l, "ui-home") != 0) return;
    OK(find_link(l.w.ui->body, TAG_PAGE, "prolotherapy/what-it-is#what-is-in-the-shot") != NULL);
    OK(find_link(l.w.ui->body, TAG_PAGE, "glossary#dextrose") == NULL);
    snprintf(path, sizeof path, "%s/home.txt", l.dir);
    OK(harness_write_text(path, "# Edited while the kiosk runs.\nWhat does dextrose mean? = glossary.md#dextrose\n"
                                "Is ozone therapy right for me? = ozone-therapy/candidacy.md\n"
                                "What happens after the shots? = prolotherapy/recovery.md\n") == 0);
    live_next(&l);
    ks_ui_tick(l.w.ui, l.w.t);
    OK(screen_is(&l.w, "home"));
    OK(find_link(l.w.ui->body, TAG_PAGE, "glossary#dextrose") != NULL);
    OK(find_link(l.w.ui->body, TAG_PAGE, "ozone-therapy/candidacy") != NULL);
    OK(find_link(l.w.ui->body, TAG_PAGE, "prolotherapy/what-it-is#what-is-in-the-shot") == NULL);
    OK(tap_link(&l.w, TAG_PAGE, "glossary#dextrose") == 0);
    OK(screen_is(&l.w, "page:glossary"));
    OK(l.w.ui->view.scroll > 0);
    shot(&l.w, "home-questions-live-glossary");
    live_stop(&l);
}

/* The section tiles of the Topic screen, top to bottom, as "slug,slug,...". */
static void section_order(world *w, char *out, size_t cap) {
    const ks_item *seen[16];
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ks_layout_list_count(w->ui->body) && n < 16; i++) {
        const ks_item *it = ks_layout_list_item(w->ui->body, i);
        if (it->kind == KS_ITEM_LINK && it->tag == TAG_PAGE && it->target && strchr(it->target, '/') &&
            !strchr(it->target, '#'))
            seen[n++] = it;
    }
    for (size_t i = 1; i < n; i++) /* by y: the order a patient sees */
        for (size_t j = i; j > 0 && seen[j - 1]->box.y > seen[j]->box.y; j--) {
            const ks_item *t = seen[j];
            seen[j] = seen[j - 1];
            seen[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", i ? "," : "", seen[i]->target);
    }
}

/* Issue 15: an edit that breaks the topic's FIRST page while the kiosk
 * runs. Its last good version is shown, in its own place: the Topic
 * screen's tiles keep their order, and Previous/Next on the pages around it
 * still lead through the topic in order (it used to drop to the end). */
static void test_broken_page_keeps_its_place(void) {
    live l;
    char path[300], before[1024], after[1024];
    ks_watch_snapshot *s2;
    world *w = &l.w;
    if (live_start(&l, "ui-kept") != 0) return;
    OK(ks_ui_open(w->ui, "topic:prolotherapy", w->t) == 0);
    ks_ui_tick(w->ui, w->t);
    section_order(w, before, sizeof before);
    if (!strstr(before, "prolotherapy/what-it-is,prolotherapy/assessment,")) /* after Read more */
        harness_fail(__FILE__, __LINE__, "tiles before: %s", before);

    snprintf(path, sizeof path, "%s/prolotherapy/what-it-is.md", l.dir);
    OK(harness_write_text(path, "---\ntitle: \"never closed\nsection: what-it-is\n---\n\nBroken.\n") == 0);
    if ((s2 = live_next(&l))) OK(ks_watch_snapshot_is_stale(s2, "prolotherapy/what-it-is"));
    OK(ks_ui_open(w->ui, "topic:prolotherapy", w->t) == 0);
    ks_ui_tick(w->ui, w->t);
    section_order(w, after, sizeof after);
    STR_EQ(after, before);
    /* The kept page leads on to the second, and the second back to it. */
    OK(ks_ui_open(w->ui, "page:prolotherapy/what-it-is", w->t) == 0);
    ks_ui_tick(w->ui, w->t);
    OK(find_link(w->ui->body, TAG_PAGE, "prolotherapy/assessment") != NULL);
    OK(ks_ui_open(w->ui, "page:prolotherapy/assessment", w->t) == 0);
    ks_ui_tick(w->ui, w->t);
    OK(find_link(w->ui->body, TAG_PAGE, "prolotherapy/what-it-is") != NULL);
    OK(find_link(w->ui->body, TAG_PAGE, "prolotherapy/injection") != NULL);
    live_stop(&l);
}

/* ------------------------------------------------------------ icons */

/* Each tile linked with tag between body y0 and y1 on the current screen
 * carries the icon expect(target) in the theme's accent: inside its tile, a square of twice
 * the body size, beside the words (centred on the tile's height) or above
 * them, and never under any text. Returns how many tiles were checked. */
static int check_icons(world *w, int tag, const char *(*expect)(const char *target), int y0, int y1) {
    const ks_theme *th = w->ui->look.theme;
    int B = ks_layout_body_px(th, w->ui->look.scale), n = 0;
    if (B < UI_MIN_BODY_PX) B = UI_MIN_BODY_PX;
    for (size_t i = 0; i < ks_layout_list_count(w->ui->body); i++) {
        const ks_item *it = ks_layout_list_item(w->ui->body, i), *ic;
        char want[64];
        if (it->kind != KS_ITEM_LINK || it->tag != tag || !expect(it->target) || it->box.y < y0 || it->box.y >= y1)
            continue;
        n++;
        ic = icon_in(w->ui->body, it->box);
        if (!ic) {
            harness_fail(__FILE__, __LINE__, "the tile of %s has no icon", it->target);
            continue;
        }
        OK(ks_render_icon_src(want, sizeof want, expect(it->target), th->accent) != NULL);
        if (strcmp(ic->target, want) != 0)
            harness_fail(__FILE__, __LINE__, "the tile of %s shows %s, not %s", it->target, ic->target, want);
        INT_EQ(ic->box.w, B * 2);
        INT_EQ(ic->box.h, B * 2);
        /* Beside the words, centred; or at the top of a narrow tile. */
        OK(abs((ic->box.y + ic->box.h / 2) - (it->box.y + it->box.h / 2)) <= 1 || ic->box.y - it->box.y < B * 2);
        for (size_t k = 0; k < ks_layout_list_count(w->ui->body); k++) {
            const ks_item *t = ks_layout_list_item(w->ui->body, k);
            if (t->kind == KS_ITEM_TEXT && overlap(t->box, ic->box))
                harness_fail(__FILE__, __LINE__, "the icon of %s is under the words \"%s\"", it->target, t->text);
        }
    }
    return n;
}

static const char *topic_icon(const char *slug) {
    const ks_topic *t = ks_store_find_topic(shipped, slug);
    return t ? t->icon : NULL;
}

/* A topic's pages but its overview (the "Read more" button opens that). */
static const char *section_icon(const char *slug) {
    const ks_page *p = ks_store_find(shipped, slug);
    if (p && p->is_topic_index) return NULL;
    const char *icon = p ? ks_section_icon(p->section) : NULL;
    return p ? (icon ? icon : KS_TOPIC_ICON_DEFAULT) : NULL;
}

/* Pages outside a topic: the book. */
static const char *general_icon(const char *slug) {
    const ks_page *p = ks_store_find(shipped, slug);
    return p && !p->topic[0] ? KS_TOPIC_ICON_DEFAULT : NULL;
}

static const char *question_icon(const char *target) {
    char want[2 * KS_SLUG_MAX + 2];
    for (size_t i = 0; i < ks_store_home_count(shipped); i++) {
        question_target(ks_store_home_question(shipped, i), want, sizeof want);
        if (!strcmp(want, target)) return "question";
    }
    return NULL;
}

/* The body y of the first line of text s on the current screen (a run
 * that is s or, wrapped, its beginning), or -1. */
static int text_y(world *w, const char *s) {
    for (size_t i = 0; i < ks_layout_list_count(w->ui->body); i++) {
        const ks_item *it = ks_layout_list_item(w->ui->body, i);
        if (it->kind == KS_ITEM_TEXT && it->text && it->len && !strncmp(s, it->text, it->len)) return it->box.y;
    }
    return -1;
}

static void icons_at(int width, int height, double scale, const char *theme) {
    world w;
    int questions, more;
    world_open(&w, width, height);
    OK(ks_ui_set_look(w.ui, scale, theme) == 0);
    ks_ui_tick(w.ui, w.t);
    INT_EQ(check_icons(&w, TAG_TOPIC, topic_icon, 0, INT_MAX), (int)ks_store_topic_count(shipped));
    /* A question may open a page that also has a tile of its own under
     * "More information" (the book there): the rows are those between. */
    questions = text_y(&w, "Common questions");
    more = text_y(&w, "More information");
    OK(questions > 0 && more > questions);
    INT_EQ(check_icons(&w, TAG_PAGE, question_icon, questions, more), (int)ks_store_home_count(shipped));
    INT_EQ(check_icons(&w, TAG_PAGE, general_icon, more, INT_MAX), 3);
    for (size_t i = 0; i < ks_store_topic_count(shipped); i++) {
        char spec[KS_SLUG_MAX + 8];
        int sections = 0;
        snprintf(spec, sizeof spec, "topic:%s", ks_store_topic(shipped, i)->slug);
        OK(ks_ui_open(w.ui, spec, w.t) == 0);
        ks_ui_tick(w.ui, w.t);
        for (size_t k = 0; k < ks_store_page_count(shipped); k++) {
            const ks_page *p = ks_store_page(shipped, k);
            sections += !strcmp(p->topic, ks_store_topic(shipped, i)->slug) && !p->is_topic_index;
        }
        INT_EQ(check_icons(&w, TAG_PAGE, section_icon, 0, INT_MAX), sections);
    }
    world_close(&w);
}

static void test_icons_on_tiles(void) {
    static const int sizes[][2] = {{1080, 1920}, {1920, 1080}, {800, 600}, {3840, 2160}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        for (int s = 0; s < 2; s++)
            for (int t = 0; t < 2; t++) icons_at(sizes[i][0], sizes[i][1], s ? 2.0 : 1.0, t ? "high-contrast" : "default");
}

/* The icon is drawn, in the high-contrast theme's accent (yellow), not in
 * the default theme's: strokes of that exact colour inside its box. */
static void test_icon_pixels_high_contrast(void) {
    world w;
    const ks_theme *hc = ks_layout_theme("high-contrast"), *def = ks_layout_theme("default");
    const ks_item *tile, *ic;
    world_open(&w, 1080, 1920);
    OK(ks_ui_set_look(w.ui, 1.0, "high-contrast") == 0);
    ks_ui_tick(w.ui, w.t);
    tile = find_link(w.ui->body, TAG_TOPIC, "prolotherapy");
    ic = tile ? icon_in(w.ui->body, tile->box) : NULL;
    OK(ic != NULL);
    if (ic) {
        long side = ic->box.w, ink = count_color(&w, hc->accent, ic->box);
        /* Line strokes: more than a sliver, far less than a filled square. */
        if (ink < side * side / 40 || ink > side * side / 2)
            harness_fail(__FILE__, __LINE__, "%ld accent pixels in a %ldx%ld icon", ink, side, side);
        INT_EQ(count_color(&w, def->accent, ic->box), 0);
        /* The same box without the icon would be only the tile's surface. */
        OK(count_color(&w, hc->surface, ic->box) + ink < side * side);
    }
    shot(&w, "home-icons-high-contrast");
    world_close(&w);
}

int main(void) {
    if (shipped_load(NULL) != 0) return 1;
    RUN(test_questions_open_their_heading);
    RUN(test_questions_fill_portrait);
    RUN(test_no_questions);
    RUN(test_questions_live_edit);
    RUN(test_broken_page_keeps_its_place);
    RUN(test_icons_on_tiles);
    RUN(test_icon_pixels_high_contrast);
    shipped_free();
    return harness_done();
}
