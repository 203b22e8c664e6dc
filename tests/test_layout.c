/* layout: line breaking, block placement, the display list, themes; with a
 * fake font-metrics implementation (no SDL), so every width and scale can be
 * tried quickly. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/doc.h"
#include "kiosk/layout.h"
#include "harness_doc.h"

/* Fake metrics: each code point is 0.55 em (mono 0.6, bold 0.6); a string
 * of several words costs 2 px more per join than its parts, like kerning
 * across a space would, so layout's re-check of whole runs is exercised. */
static int fake_measure(void *ctx, ks_face face, int size, const char *text, size_t len) {
    (void)ctx;
    double em = face == KS_FACE_MONO || face == KS_FACE_BOLD || face == KS_FACE_BOLD_ITALIC ? 0.6 : 0.55;
    size_t cps = 0, joins = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += ks_utf8_decode(text + i, len - i, &cp);
        cps++;
        if (cp == ' ' && i < len && i > 1) joins++;
    }
    return (int)(cps * em * size + 0.5) + 2 * (int)joins;
}

static void fake_line(void *ctx, ks_face face, int size, int *height, int *ascent) {
    (void)ctx;
    (void)face;
    *height = size * 6 / 5;
    *ascent = size * 9 / 10;
}

static int fake_image(void *ctx, const char *src, int *w, int *h) {
    (void)ctx;
    if (strstr(src, "diagram.png")) {
        *w = 320;
        *h = 200;
        return 0;
    }
    return KS_ERR_NOT_FOUND;
}

static const ks_font_metrics metrics = {NULL, fake_measure, fake_line, fake_image};

/* The text items joined by spaces, in order. */
static char *joined_text(const ks_display_list *dl) {
    ks_buf b = {0};
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind != KS_ITEM_TEXT) continue;
        if (b.len) ks_buf_putc(&b, ' ');
        ks_buf_append(&b, it->text, it->len);
    }
    return ks_buf_detach(&b);
}

static int widest_text(const ks_display_list *dl, int *count) {
    int w = 0;
    *count = 0;
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind != KS_ITEM_TEXT) continue;
        (*count)++;
        if (it->box.w > w) w = it->box.w;
    }
    return w;
}

static void test_text_box_wraps(void) {
    ks_display_list *dl = ks_layout_list_create();
    ks_text_style st = {KS_FACE_REGULAR, 20, {0, 0, 0, 255}, {255, 255, 255, 255}, KS_ALIGN_LEFT, 0, 0};
    const char *text = "The quick brown fox jumps over the lazy dog and keeps running through the field";
    int h = ks_layout_text_box(dl, &metrics, text, 10, 50, 300, &st);
    int lines;
    int w = widest_text(dl, &lines);
    OK(lines >= 4);
    OK(w <= 300);
    INT_EQ(h, lines * 24);
    INT_EQ(h, ks_layout_text_height(&metrics, text, 300, &st));
    char *all = joined_text(dl);
    STR_EQ(all, text);
    free(all);
    /* Lines stack, each one line height below the last, starting at y. */
    const ks_item *first = ks_layout_list_item(dl, 0);
    INT_EQ(first->box.y, 50);
    INT_EQ(first->box.x, 10);
    /* Centred lines sit in the middle. */
    ks_layout_list_clear(dl);
    INT_EQ(ks_layout_list_count(dl), 0);
    st.align = KS_ALIGN_CENTER;
    ks_layout_text_box(dl, &metrics, "short", 0, 0, 300, &st);
    const ks_item *it = ks_layout_list_item(dl, 0);
    OK(it && abs((it->box.x + it->box.w / 2) - 150) <= 1);
    /* Hyphens, slashes and dashes inside a word are break chances. */
    ks_layout_list_clear(dl);
    st.align = KS_ALIGN_LEFT;
    ks_layout_text_box(dl, &metrics, "short-lived and/or well\xe2\x80\x94known", 0, 0, 80, &st);
    char *pieces = joined_text(dl);
    STR_EQ(pieces, "short- lived and/or well\xe2\x80\x94 known"); /* and/or fits */
    free(pieces);
    /* Runs of one word stay together: "**strong**," never leaves its comma
     * at the start of the next line. */
    ks_doc *doc = ks_doc_parse("aaaa **bbbb**, cc", 17, "x");
    ks_layout_list_clear(dl);
    /* Body 30 px: a 208 px page has a 160 px column, which fits "aaaa bbbb"
     * (155 px) but not "aaaa bbbb," (172 px). */
    ks_layout_params lp = {208, 1.0, NULL, NULL, 0, 0};
    ks_layout_info info;
    INT_EQ(ks_layout_doc(dl, doc, &metrics, &lp, &info), 0);
    INT_EQ(info.content.w, 160);
    const ks_item *bold = NULL, *comma = NULL, *lead = NULL;
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *t = ks_layout_list_item(dl, i);
        if (t->kind != KS_ITEM_TEXT) continue;
        if (!lead) lead = t;
        if (!strcmp(t->text, "bbbb")) bold = t;
        if (t->text[0] == ',') comma = t;
    }
    OK(lead && !strcmp(lead->text, "aaaa"));
    OK(bold && comma && bold->box.y == comma->box.y && lead->box.y < bold->box.y);
    ks_doc_destroy(doc);
    ks_layout_list_clear(dl);
    ks_layout_text_box(dl, &metrics, "-leading trailing- a--b", 0, 0, 1000, &st);
    INT_EQ(ks_layout_list_count(dl), 1); /* nothing to break, all fits */
    ks_layout_list_destroy(dl);
}

static void test_long_word_and_utf8(void) {
    ks_display_list *dl = ks_layout_list_create();
    ks_text_style st = {KS_FACE_REGULAR, 20, {0, 0, 0, 255}, {255, 255, 255, 255}, KS_ALIGN_LEFT, 0, 0};
    size_t n = 10000;
    char *word = ks_malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++) memcpy(word + 2 * i, "\xc3\xa9", 2); /* é */
    word[2 * n] = '\0';
    ks_layout_text_box(dl, &metrics, word, 0, 0, 200, &st);
    int lines;
    int w = widest_text(dl, &lines);
    OK(w <= 200);
    OK(lines >= (int)(n * 11 / 200)); /* 11 px a letter */
    ks_buf b = {0};
    int all_valid = 1;
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        all_valid &= ks_utf8_valid(it->text, it->len, NULL);
        ks_buf_append(&b, it->text, it->len);
    }
    OK(all_valid);
    STR_EQ(b.data, word);
    ks_buf_free(&b);
    free(word);
    /* Invalid UTF-8 and control characters come out clean. */
    ks_layout_list_clear(dl);
    ks_layout_text_box(dl, &metrics, "bad \xff\xfe byte\x01s", 0, 0, 1000, &st);
    char *all = joined_text(dl);
    STR_EQ(all, "bad \xef\xbf\xbd\xef\xbf\xbd byte s");
    free(all);
    /* A word wider than a tiny box still makes progress, one letter a line. */
    ks_layout_list_clear(dl);
    int h = ks_layout_text_box(dl, &metrics, "abc", 0, 0, 1, &st);
    INT_EQ(h, 3 * 24);
    ks_layout_list_destroy(dl);
}

static void test_newlines_and_ellipsis(void) {
    ks_display_list *dl = ks_layout_list_create();
    ks_text_style st = {KS_FACE_BOLD, 20, {0, 0, 0, 255}, {255, 255, 255, 255}, KS_ALIGN_LEFT, 0, 4};
    int h = ks_layout_text_box(dl, &metrics, "one\n\nthree", 0, 0, 500, &st);
    INT_EQ(h, 3 * 24 + 2 * 4);
    int lines;
    widest_text(dl, &lines);
    INT_EQ(lines, 2);
    INT_EQ(ks_layout_list_item(dl, 1)->box.y, 2 * 28);
    ks_layout_list_clear(dl);
    st.max_lines = 2;
    st.line_gap = 0;
    const char *text = "word word word word word word word word word word word word word word word word word";
    h = ks_layout_text_box(dl, &metrics, text, 0, 0, 200, &st);
    INT_EQ(h, 48);
    int w = widest_text(dl, &lines);
    INT_EQ(lines, 2);
    OK(w <= 200);
    const ks_item *last = ks_layout_list_item(dl, ks_layout_list_count(dl) - 1);
    OK(last->len >= 3 && !memcmp(last->text + last->len - 3, "\xe2\x80\xa6", 3));
    /* Text that fits needs no ellipsis. */
    ks_layout_list_clear(dl);
    ks_layout_text_box(dl, &metrics, "word word", 0, 0, 200, &st);
    char *all = joined_text(dl);
    STR_EQ(all, "word word");
    free(all);
    ks_layout_list_destroy(dl);
}

/* Lay out doc at width and scale; count items outside the column. */
static int outside(const ks_doc *doc, int width, double scale, const ks_theme *t, ks_layout_info *info) {
    ks_display_list *dl = ks_layout_list_create();
    ks_layout_params p = {width, scale, t, NULL, 0, 0};
    int rc = ks_layout_doc(dl, doc, &metrics, &p, info);
    int bad = rc != 0;
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->box.x < info->content.x || it->box.x + it->box.w > info->content.x + info->content.w ||
            it->box.w < 0 || it->box.h < 0 || it->box.y < 0 || it->box.y + it->box.h > info->height) {
            if (bad++ < 3)
                fprintf(stderr, "  width %d scale %.2f: item %zu kind %d x %d..%d y %d outside %d..%d h %d '%s'\n",
                        width, scale, i, (int)it->kind, it->box.x, it->box.x + it->box.w, it->box.y,
                        info->content.x, info->content.x + info->content.w, info->height,
                        it->text ? it->text : "");
        }
    }
    OK(info->content.x >= ks_layout_margin(width, scale) - 1);
    OK(info->content.x + info->content.w <= width - ks_layout_margin(width, scale) + 1);
    ks_layout_list_destroy(dl);
    return bad;
}

static void test_margins_every_width(void) {
    const char *files[] = {"constructs.md", "lists.md", "more.md", "hostile.md"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        ks_doc *doc = parse_file(files[f], "prolotherapy/risks");
        int bad = 0;
        for (int w = 600; w <= 3840; w += (w < 1200 ? 37 : 301)) {
            for (double s = 1.0; s <= 2.0001; s += 0.25) {
                ks_layout_info info;
                bad += outside(doc, w, s, ks_layout_theme(s > 1.6 ? "high-contrast" : "default"), &info);
                OK(info.height > 0);
            }
        }
        if (bad) fprintf(stderr, "%s: %d items outside the column\n", files[f], bad);
        INT_EQ(bad, 0);
        ks_doc_destroy(doc);
    }
}

static const ks_item *find_text(const ks_display_list *dl, const char *text) {
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind == KS_ITEM_TEXT && strcmp(it->text, text) == 0) return it;
    }
    return NULL;
}

static void test_links_anchors_markers(void) {
    ks_doc *doc = parse_file("constructs.md", "prolotherapy/risks");
    ks_display_list *dl = ks_layout_list_create();
    ks_layout_params p = {1080, 1.0, NULL, NULL, 0, 0};
    ks_layout_info info;
    INT_EQ(ks_layout_doc(dl, doc, &metrics, &p, &info), 0);
    int links = 0, external = 0;
    const ks_item *recovery = NULL;
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind != KS_ITEM_LINK) continue;
        links++;
        if (strchr(it->target, ':')) external++;
        if (!strcmp(it->target, "prolotherapy/recovery")) recovery = it;
    }
    INT_EQ(links, 4);
    INT_EQ(external, 0);
    OK(recovery != NULL);
    if (recovery) {
        const ks_item *hit = ks_layout_list_hit(dl, recovery->box.x + recovery->box.w / 2,
                                                recovery->box.y + recovery->box.h / 2);
        OK(hit == recovery);
        OK(recovery->box.h >= 30); /* a finger-sized line */
    }
    OK(ks_layout_list_hit(dl, 1, 1) == NULL);
    /* Headings: anchors in page order. */
    int y1 = ks_layout_list_anchor_y(dl, "links-level-two");
    int y2 = ks_layout_list_anchor_y(dl, "lists-of-things");
    int y3 = ks_layout_list_anchor_y(dl, "LISTS-OF-THINGS");
    OK(y1 > 0);
    OK(y2 > y1);
    INT_EQ(y3, y2);
    INT_EQ(ks_layout_list_anchor_y(dl, "no-such-heading"), -1);
    /* Numbers are right-aligned in their column; bullets by depth. */
    const ks_item *seven = find_text(dl, "7."), *ten = find_text(dl, "10.");
    OK(seven && ten);
    if (seven && ten) {
        INT_EQ(seven->box.x + seven->box.w, ten->box.x + ten->box.w);
        OK(ten->box.y > seven->box.y);
    }
    OK(find_text(dl, "\xe2\x80\xa2") != NULL);
    OK(find_text(dl, "\xe2\x97\xa6") != NULL);
    OK(find_text(dl, "\xe2\x96\xaa") != NULL);
    /* No text on a page is smaller than 28 px at text scale 1.0 (captions
     * and code included). */
    int small = 0;
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind == KS_ITEM_TEXT && it->size < 28) small++;
    }
    INT_EQ(small, 0);
    /* Nothing from raw HTML or from link URLs appears. */
    char *all = joined_text(dl);
    OK(strstr(all, "raw html block") == NULL);
    OK(strstr(all, "javascript") == NULL);
    STR_CONTAINS(all, "a script");
    free(all);
    /* The missing and the broken picture are placeholders; the good one an
     * image no wider than the column. */
    int images = 0, placeholders = 0;
    const ks_theme *t = ks_layout_theme("default");
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind == KS_ITEM_IMAGE) {
            images++;
            OK(it->box.w <= info.content.w);
            INT_EQ(it->box.w * 200, it->box.h * 320);
        }
        if (it->kind == KS_ITEM_RECT && !memcmp(&it->color, &t->placeholder, sizeof t->placeholder)) placeholders++;
    }
    INT_EQ(images, 2);
    INT_EQ(placeholders, 2);
    ks_layout_list_destroy(dl);
    ks_doc_destroy(doc);
}

static void test_highlight(void) {
    ks_doc *doc = parse_file("constructs.md", "about");
    ks_display_list *dl = ks_layout_list_create();
    const char *words[] = {"CALLOUT"};
    ks_layout_params p = {1080, 1.0, NULL, words, 1, 0};
    ks_layout_info info;
    INT_EQ(ks_layout_doc(dl, doc, &metrics, &p, &info), 0);
    int anchor = ks_layout_list_anchor_y(dl, "callouts-and-code");
    OK(info.first_highlight_y >= anchor);
    OK(anchor > 0);
    const ks_theme *t = ks_layout_theme("default");
    int rects = 0;
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind == KS_ITEM_RECT && !memcmp(&it->color, &t->highlight, sizeof t->highlight)) {
            rects++;
            if (rects == 1) INT_EQ(it->box.y, info.first_highlight_y);
        }
        if (it->kind == KS_ITEM_TEXT && !memcmp(&it->bg, &t->highlight, sizeof t->highlight))
            OK(strncasecmp(it->text, "callout", 7) == 0);
    }
    INT_EQ(rects, 4); /* "Callouts", "callout" and "callout." twice */
    /* No words: no highlight. */
    ks_layout_list_clear(dl);
    p.n_highlight = 0;
    p.highlight = NULL;
    ks_layout_doc(dl, doc, &metrics, &p, &info);
    INT_EQ(info.first_highlight_y, -1);
    ks_layout_list_destroy(dl);
    ks_doc_destroy(doc);
}

static void test_scale_grows_text(void) {
    ks_doc *doc = parse_file("lists.md", "x");
    ks_layout_info a, b;
    ks_layout_params p = {1080, 1.0, NULL, NULL, 0, 0};
    ks_layout_doc(NULL, doc, &metrics, &p, &a); /* NULL list: measure only */
    p.text_scale = 2.0;
    ks_layout_doc(NULL, doc, &metrics, &p, &b);
    OK(a.body_px >= 28);
    INT_EQ(b.body_px, a.body_px * 2);
    OK(b.height > a.height * 3 / 2);
    p.width = 100;
    INT_EQ(ks_layout_doc(NULL, doc, &metrics, &p, &a), KS_ERR_INVALID);
    p.width = 1080;
    p.text_scale = 0;
    INT_EQ(ks_layout_doc(NULL, doc, &metrics, &p, &a), KS_ERR_INVALID);
    ks_doc_destroy(doc);
}

static void test_themes(void) {
    for (const char *const *name = ks_layout_theme_names(); *name; name++) {
        const ks_theme *t = ks_layout_theme(*name);
        OK(t != NULL);
        if (!t) continue;
        STR_EQ(t->name, *name);
        OK(ks_layout_body_px(t, 1.0) >= 28);
        struct {
            ks_color fg, bg;
            const char *what;
        } pairs[] = {
            {t->text, t->background, "text"},         {t->muted, t->background, "muted"},
            {t->heading, t->background, "heading"},   {t->link, t->background, "link"},
            {t->on_accent, t->accent, "on_accent"},   {t->on_surface, t->surface, "on_surface"},
            {t->text, t->callout_bg, "callout text"}, {t->link, t->callout_bg, "callout link"},
            {t->text, t->code_bg, "code"},            {t->link, t->code_bg, "link on code"},
            {t->text, t->highlight, "highlight"},     {t->muted, t->placeholder, "placeholder"},
            {t->heading, t->callout_bg, "callout heading"},
        };
        for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
            double c = ks_layout_contrast(pairs[i].fg, pairs[i].bg);
            if (c < 7.0) fprintf(stderr, "%s: %s contrast %.2f\n", t->name, pairs[i].what, c);
            OK(c >= 7.0);
        }
    }
    OK(ks_layout_theme("no-such") == NULL);
    OK(ks_layout_theme(NULL) == ks_layout_theme("default"));
    ks_color black = {0, 0, 0, 255}, white = {255, 255, 255, 255};
    OK(ks_layout_contrast(black, white) > 20.9 && ks_layout_contrast(white, black) < 21.1);
}

static void test_display_list(void) {
    ks_display_list *dl = ks_layout_list_create();
    ks_rect r = {10, 20, 100, 50};
    ks_color c = {1, 2, 3, 255};
    INT_EQ(ks_layout_list_add_rect(dl, r, c, 8), 0);
    INT_EQ(ks_layout_list_add_link(dl, (ks_rect){0, 0, 500, 500}, "under", 1), 1);
    INT_EQ(ks_layout_list_add_link(dl, (ks_rect){10, 10, 50, 50}, "over", 2), 2);
    char target[] = "pic.png";
    INT_EQ(ks_layout_list_add_image(dl, (ks_rect){200, 300, 10, 10}, target), 3);
    target[0] = 'X'; /* the list keeps its own copy */
    STR_EQ(ks_layout_list_item(dl, 3)->target, "pic.png");
    ks_layout_list_set_tag(dl, 0, 42);
    INT_EQ(ks_layout_list_item(dl, 0)->tag, 42);
    INT_EQ(ks_layout_list_item(dl, 0)->radius, 8);
    OK(ks_layout_list_item(dl, 99) == NULL);
    const ks_item *hit = ks_layout_list_hit(dl, 20, 20);
    OK(hit && !strcmp(hit->target, "over") && hit->tag == 2);
    hit = ks_layout_list_hit(dl, 400, 400);
    OK(hit && !strcmp(hit->target, "under"));
    OK(ks_layout_list_hit(dl, 600, 600) == NULL);
    ks_rect b = ks_layout_list_bounds(dl);
    INT_EQ(b.x, 10);
    INT_EQ(b.y, 20);
    INT_EQ(b.w, 200);
    INT_EQ(b.h, 290);
    /* Many strings: the arena grows and keeps earlier ones intact. */
    for (int i = 0; i < 5000; i++) {
        char s[64];
        snprintf(s, sizeof s, "text number %d", i);
        ks_item it = {0};
        it.kind = KS_ITEM_TEXT;
        it.text = s;
        it.len = strlen(s);
        ks_layout_list_add(dl, &it);
    }
    STR_EQ(ks_layout_list_item(dl, 4)->text, "text number 0");
    STR_EQ(ks_layout_list_item(dl, 5003)->text, "text number 4999");
    ks_layout_list_clear(dl);
    INT_EQ(ks_layout_list_count(dl), 0);
    b = ks_layout_list_bounds(dl);
    INT_EQ(b.w, 0);
    ks_layout_list_destroy(dl);
    ks_layout_list_destroy(NULL);
}

/* Every text item laid out from a document says which part of the doc's
 * text it shows; spans of a range give exactly the bytes on screen. */
static void test_source_ranges(void) {
    const char *md = "# Glossary term\n\n"
                     "First sentence here.  Second one is **bold and strong** and then goes on "
                     "for a long while so it wraps over several lines.\n\n"
                     "1. An item without a stop\n2. Another item\n\n"
                     "> A callout, read too.\n\n"
                     "    code  with  spaces\n";
    ks_doc *doc = ks_doc_parse(md, strlen(md), "x");
    size_t tlen = 0;
    const char *text = ks_doc_text(doc, &tlen);
    OK(strstr(text, "Glossary term\n") == text);
    OK(strstr(text, "First sentence here.  Second") != NULL);
    ks_display_list *dl = ks_layout_list_create();
    ks_layout_params p = {0};
    p.width = 600;
    p.text_scale = 1.0;
    INT_EQ(ks_layout_doc(dl, doc, &metrics, &p, NULL), 0);
    int sourced = 0, markers = 0;
    ks_buf shown = {0};
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind != KS_ITEM_TEXT) continue;
        if (!it->src_len) {
            markers++; /* "1." and "2." */
            continue;
        }
        sourced++;
        OK(it->src + it->src_len <= tlen);
        /* The item's text is the doc's text, runs of spaces made one
         * (code keeps its spaces). */
        ks_buf b = {0};
        for (size_t k = it->src; k < it->src + it->src_len; k++)
            if (!(text[k] == ' ' && k > it->src && text[k - 1] == ' ' && !strstr(it->text, "  ")))
                ks_buf_putc(&b, text[k]);
        ks_buf_putc(&b, '\0');
        STR_EQ(it->text, b.data);
        ks_buf_free(&b);
        size_t b0, b1;
        OK(ks_layout_item_span(it, text, 0, tlen, &b0, &b1));
        INT_EQ(b0, 0);
        INT_EQ(b1, it->len);
        /* Gather what the second sentence shows. */
        const char *s2 = strstr(text, "Second");
        const char *s2e = strstr(text, "lines.") + 6;
        if (ks_layout_item_span(it, text, (size_t)(s2 - text), (size_t)(s2e - text), &b0, &b1)) {
            if (shown.len) ks_buf_putc(&shown, ' ');
            ks_buf_append(&shown, it->text + b0, b1 - b0);
        }
    }
    OK(sourced > 6);
    INT_EQ(markers, 2);
    ks_buf_putc(&shown, '\0');
    STR_EQ(shown.data, "Second one is bold and strong and then goes on for a long while so it wraps over "
                       "several lines.");
    ks_buf_free(&shown);
    /* Outside any item, or an item with no source: nothing. */
    const ks_item none = {.kind = KS_ITEM_TEXT, .text = "x", .len = 1};
    size_t b0, b1;
    OK(!ks_layout_item_span(&none, text, 0, tlen, &b0, &b1));
    ks_layout_list_destroy(dl);
    ks_doc_destroy(doc);
}

int main(void) {
    RUN(test_text_box_wraps);
    RUN(test_long_word_and_utf8);
    RUN(test_newlines_and_ellipsis);
    RUN(test_margins_every_width);
    RUN(test_links_anchors_markers);
    RUN(test_highlight);
    RUN(test_scale_grows_text);
    RUN(test_themes);
    RUN(test_display_list);
    RUN(test_source_ranges);
    return harness_done();
}
