/* Journeys for issue 15's overview and no-pages screen, headless, on the
 * shipped content (and on no content): the Topic screen shows the topic's
 * own text (index.md) above its tiles, cut to its opening with "Read more";
 * Read more and a search result both open the overview page under the
 * breadcrumb "Prolotherapy › Overview"; a kiosk with no page shows "This
 * kiosk has no pages yet" and the staff corner still works over it.
 *
 * Targets are found in the display lists the screens were laid out into
 * (white-box, through ui_int.h) and tapped at their centre through the
 * same pointer path as a finger. Screenshots go to ./ui-shots/overview-*.
 */
#include "harness_ui.h"

/* A kiosk of width x height on content (NULL: no content at all), which
 * searches the shipped index when it has content. */
static void world_open_on(world *w, int width, int height, const ks_store *content) {
    ks_store_view v = {0};
    world_spec s = {.width = width, .height = height, .content = &v, .search = content != NULL};
    if (content) v = ks_store_view_of(content);
    world_open_spec(w, &s);
}

/* The first text item of dl containing s (document text only when doc). */
static const ks_item *text_in(const ks_display_list *dl, const char *s, int doc) {
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind == KS_ITEM_TEXT && it->text && strstr(it->text, s) && (!doc || it->src_len)) return it;
    }
    return NULL;
}

/* Whether the screen's text (every text item of dl, lines joined by a
 * space) holds s: a sentence wrapped over lines is still found. */
static int says(const ks_display_list *dl, const char *s) {
    ks_buf b = {0};
    int found;
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind != KS_ITEM_TEXT || !it->text) continue;
        ks_buf_append(&b, it->text, it->len);
        ks_buf_append(&b, " ", 1);
    }
    found = b.data && strstr(b.data, s) != NULL;
    ks_buf_free(&b);
    return found;
}

/* The window y of page y on the current screen. */
static int on_screen(world *w, int page_y) { return page_y + w->ui->geom.body_top - (int)lroundf(w->ui->view.scroll); }

/* ------------------------------------------------------------ the overview */

static void test_topic_shows_overview_then_read_more(void) {
    world w;
    const ks_theme *th = ks_layout_theme("default");
    const ks_item *first, *more, *tile, *title;
    world_open(&w, 1080, 1920);
    OK(tap_link(&w, TAG_TOPIC, "prolotherapy") == 0);
    OK(screen_is(&w, "topic:prolotherapy"));
    shot(&w, "overview-topic");
    /* The topic's own text, laid out from index.md: its title heading and
     * its first paragraph, as document text (src_len: the same ranges read
     * aloud marks). */
    title = text_in(w.ui->body, "Prolotherapy", 1);
    first = text_in(w.ui->body, "Prolotherapy is a set of shots", 1);
    OK(title != NULL && first != NULL);
    /* Cut to its opening: not its "Read more" list of the same pages the
     * tiles offer, nor the paragraph past the bounded height. */
    OK(text_in(w.ui->body, "Results differ", 1) == NULL);
    OK(find_link(w.ui->body, TAG_DOC_LINK, "prolotherapy/what-it-is") == NULL);
    OK(find_link(w.ui->body, TAG_DOC_LINK, "glossary#dextrose") != NULL); /* its own link works as on the page */
    /* Read more, below the text and above the first tile. */
    more = find_link(w.ui->body, TAG_PAGE, "prolotherapy/index");
    tile = find_link(w.ui->body, TAG_PAGE, "prolotherapy/what-it-is");
    OK(more != NULL && tile != NULL);
    if (!first || !more || !tile || !title) {
        world_close(&w);
        return;
    }
    OK(first->box.y + first->box.h <= more->box.y);
    OK(more->box.y + more->box.h < tile->box.y);
    OK(text_in(w.ui->body, "Read more", 0) != NULL);
    /* Real pixels: the title in the heading colour, the paragraph's text in
     * the text colour, where the display list put them. */
    OK(count_color(&w, th->heading, (ks_rect){title->box.x, on_screen(&w, title->box.y), title->box.w, title->box.h}) > 300);
    OK(count_color(&w, th->text, (ks_rect){first->box.x, on_screen(&w, first->box.y), first->box.w, first->box.h}) > 500);
    /* The same reader layout as the page: the paragraph starts where the
     * page screen puts it, in x and in size. */
    {
        world p;
        const ks_item *pf;
        world_open(&p, 1080, 1920);
        OK(ks_ui_open(p.ui, "page:prolotherapy/index", p.t) == 0);
        ks_ui_tick(p.ui, p.t);
        pf = text_in(p.ui->body, "Prolotherapy is a set of shots", 1);
        OK(pf != NULL);
        if (pf) {
            INT_EQ(pf->box.x, first->box.x);
            INT_EQ(pf->size, first->size);
            STR_EQ(pf->text, first->text);
        }
        world_close(&p);
    }

    /* Read more: the whole overview, under "Prolotherapy › Overview". */
    OK(tap_link(&w, TAG_PAGE, "prolotherapy/index") == 0);
    OK(screen_is(&w, "page:prolotherapy/index"));
    OK(text_in(w.ui->body, "Prolotherapy \xe2\x80\xba Overview", 0) != NULL);
    OK(text_in(w.ui->body, "Prolotherapy \xe2\x80\xba Prolotherapy", 0) == NULL);
    OK(text_in(w.ui->body, "Results differ", 1) != NULL);
    shot(&w, "overview-page");
    /* It goes on to the topic's first section. */
    OK(find_link(w.ui->body, TAG_PAGE, "prolotherapy/what-it-is") != NULL);
    /* Back: the Topic screen with its overview again. */
    OK(tap_link(&w, TAG_BACK, NULL) == 0);
    OK(screen_is(&w, "topic:prolotherapy"));
    OK(text_in(w.ui->body, "Prolotherapy is a set of shots", 1) != NULL);
    OK(find_link(w.ui->body, TAG_PAGE, "prolotherapy/index") != NULL);
    /* A section tile still opens its page. */
    OK(tap_link(&w, TAG_PAGE, "prolotherapy/risks") == 0);
    OK(screen_is(&w, "page:prolotherapy/risks"));
    OK(text_in(w.ui->body, "Prolotherapy \xe2\x80\xba Risks", 0) != NULL);
    world_close(&w);
}

/* The overview's height is bounded on a small screen at large text: a cut
 * paragraph ends in "…", and the tiles are still near. */
static void test_overview_bounded_small_screen(void) {
    world w;
    int top = -1, bottom = -1, line;
    const ks_item *more;
    world_open(&w, 800, 600);
    OK(ks_ui_set_look(w.ui, 2.0, "default") == 0);
    OK(ks_ui_open(w.ui, "topic:ozone-therapy", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    shot(&w, "overview-topic-800x600-200");
    for (size_t i = 0; i < ks_layout_list_count(w.ui->body); i++) {
        const ks_item *it = ks_layout_list_item(w.ui->body, i);
        if (it->kind != KS_ITEM_TEXT || !it->src_len || it->size > ks_layout_body_px(w.ui->look.theme, 2.0)) continue;
        if (top < 0) top = it->box.y; /* the first line after the title */
        if (it->box.y + it->box.h > bottom) bottom = it->box.y + it->box.h;
    }
    line = text_in(w.ui->body, "\xe2\x80\xa6", 0) ? text_in(w.ui->body, "\xe2\x80\xa6", 0)->box.h : 0;
    OK(line > 0); /* the ellipsis */
    OK(top > 0 && bottom > top);
    /* At most 40 % of the view, or three lines when that is less. */
    {
        int view = w.ui->geom.body_bottom - w.ui->geom.body_top, lim = (int)(view * 0.4);
        if (lim < 3 * line) lim = 3 * line;
        OK(bottom - top <= lim);
    }
    more = find_link(w.ui->body, TAG_PAGE, "ozone-therapy/index");
    OK(more != NULL);
    OK(find_link(w.ui->body, TAG_PAGE, "ozone-therapy/what-it-is") != NULL);
    world_close(&w);
}

/* A search result that is the overview opens it as before, with the new
 * breadcrumb. */
static void test_search_result_opens_overview(void) {
    world w;
    size_t hit = SIZE_MAX;
    world_open(&w, 1080, 1920);
    OK(ks_ui_open(w.ui, "search:prolotherapy", w.t) == 0);
    ks_ui_tick(w.ui, w.t);
    OK(w.ui->find.results != NULL);
    for (size_t i = 0; w.ui->find.results && i < w.ui->find.results->n; i++)
        if (strcmp(w.ui->find.results->hits[i].slug, "prolotherapy/index") == 0) hit = i;
    OK(hit != SIZE_MAX);
    if (hit == SIZE_MAX) {
        world_close(&w);
        return;
    }
    OK(tap_link(&w, TAG_RESULT + (int)hit, NULL) == 0);
    OK(screen_is(&w, "page:prolotherapy/index"));
    OK(text_in(w.ui->body, "Prolotherapy \xe2\x80\xba Overview", 0) != NULL);
    world_close(&w);
}

/* ------------------------------------------------------------ no pages */

static void check_no_pages(world *w, const char *name) {
    const ks_theme *th = w->ui->look.theme;
    const ks_item *msg;
    ks_ui_tick(w->ui, w->t);
    OK(screen_is(w, "home"));
    msg = text_in(w->ui->body, "This kiosk", 0);
    OK(msg != NULL);
    OK(says(w->ui->body, "This kiosk has no pages yet \xe2\x80\x94 please tell the front desk."));
    /* Nothing else to touch: no search field, no topics, no controls. */
    OK(find_link(w->ui->body, TAG_SEARCH, NULL) == NULL);
    OK(find_link(w->ui->body, TAG_TOPIC, NULL) == NULL);
    OK(find_link(w->ui->body, TAG_SIZE, NULL) == NULL);
    OK(!w->ui->geom.has_field);
    /* Real pixels: the sentence in the heading colour where the list put
     * it, on screen without scrolling. */
    if (msg) OK(on_screen(w, msg->box.y) >= 0 && on_screen(w, msg->box.y) + msg->box.h <= w->ui->h);
    if (msg)
        OK(count_color(w, th->heading, (ks_rect){msg->box.x, on_screen(w, msg->box.y), msg->box.w, msg->box.h}) > 500);
    shot(w, name);
}

static void test_no_pages_screen(void) {
    world w;
    world_open_on(&w, 1080, 1920, NULL);
    check_no_pages(&w, "overview-no-pages");
    /* Taps do nothing but stay calm. */
    tap_at(&w, 540, 960);
    OK(screen_is(&w, "home"));
    /* The staff corner still opens the PIN pad over it. */
    ks_ui_pointer(w.ui, KS_POINTER_DOWN, 30, 30, w.t);
    step(&w, 5200);
    OK(screen_is(&w, "staff-pin"));
    ks_ui_pointer(w.ui, KS_POINTER_UP, 30, 30, w.t);
    step(&w, 50);
    OK(tap_link(&w, TAG_PIN_CANCEL, NULL) == 0);
    OK(screen_is(&w, "home"));
    /* Pages arrive (the watcher): Home as usual. */
    {
        ks_store_view v = ks_store_view_of(shipped);
        ks_ui_set_content(w.ui, &v);
        ks_ui_tick(w.ui, w.t);
        OK(!says(w.ui->body, "no pages yet"));
        OK(find_link(w.ui->body, TAG_TOPIC, "prolotherapy") != NULL);
    }
    world_close(&w);

    /* A folder that exists but holds no page: the same screen, in landscape
     * at large text too. */
    {
        char dir[] = "/tmp/kiosk-ui-empty-XXXXXX";
        int err = 0;
        ks_store *empty;
        OK(mkdtemp(dir) != NULL);
        empty = ks_store_load(dir, NULL, &err);
        OK(empty != NULL);
        if (empty) {
            INT_EQ(ks_store_page_count(empty), 0);
            world_open_on(&w, 800, 600, empty);
            OK(ks_ui_set_look(w.ui, 2.0, "high-contrast") == 0);
            check_no_pages(&w, "overview-no-pages-800x600-200-hc");
            world_close(&w);
            ks_store_free(empty);
        }
        rmdir(dir);
    }
}

int main(void) {
    if (shipped_load("ui-ov") != 0) return 1;
    RUN(test_topic_shows_overview_then_read_more);
    RUN(test_overview_bounded_small_screen);
    RUN(test_search_result_opens_overview);
    RUN(test_no_pages_screen);
    shipped_free();
    return harness_done();
}
