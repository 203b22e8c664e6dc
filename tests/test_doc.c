/* doc: the cmark tree turned into blocks and runs; links resolved; what must
 * never show (raw HTML, links out of the kiosk) gone; hostile input
 * survived. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/doc.h"
#include "harness_doc.h"

#include <cmark.h>

static char *resolve(const char *base, const char *url) {
    char *t = NULL;
    int r = ks_link_resolve(base, url, &t);
    if (!r) OK(t == NULL);
    return t;
}

static void check_link(const char *base, const char *url, const char *want) {
    char *t = resolve(base, url);
    STR_EQ(t, want);
    free(t);
}

static void test_resolve_links(void) {
    check_link("prolotherapy/risks", "recovery.md", "prolotherapy/recovery");
    check_link("prolotherapy/risks", "./recovery.md", "prolotherapy/recovery");
    check_link("prolotherapy/risks", "../glossary.md#Dextrose", "glossary#dextrose");
    check_link("prolotherapy/risks", "../Ozone-Therapy/Risks.MD", "ozone-therapy/risks");
    check_link("prolotherapy/risks", "#side-effects", "prolotherapy/risks#side-effects");
    check_link("glossary", "prolotherapy/", "prolotherapy/index");
    check_link("glossary", "/prolotherapy/injection.md", "prolotherapy/injection");
    check_link("glossary", "questions", "questions");
    check_link("glossary", "my%20page.md", "my page");
    check_link(NULL, "about.md", "about");
    check_link("prolotherapy/risks", "#Side%20Effects", "prolotherapy/risks#side-effects");
    check_link("prolotherapy/risks", "a/b:c.md", NULL);
    check_link("prolotherapy/risks", "](x)</div>y", NULL);
    /* Leaving the kiosk, climbing out, or not a page: plain text. */
    check_link("prolotherapy/risks", "https://example.com/x.md", NULL);
    check_link("prolotherapy/risks", "mailto:a@b.c", NULL);
    check_link("prolotherapy/risks", "javascript:alert(1)", NULL);
    check_link("prolotherapy/risks", "JaVaScRiPt:alert(1)", NULL);
    check_link("prolotherapy/risks", "//evil.example/x.md", NULL);
    check_link("prolotherapy/risks", "../../etc/passwd.md", NULL);
    check_link("prolotherapy/risks", "%2e%2e%2f%2e%2e%2fx.md", NULL);
    check_link("prolotherapy/risks", "leaflet.pdf", NULL);
    check_link("prolotherapy/risks", "", NULL);
    check_link("prolotherapy/risks", "#", NULL);
    check_link("", "#top", NULL); /* no page to point into */
}

static void test_resolve_images(void) {
    char *p = ks_link_resolve_image("prolotherapy/injection", "knee.png");
    STR_EQ(p, "prolotherapy/knee.png");
    free(p);
    p = ks_link_resolve_image("prolotherapy/injection", "../assets/knee.png");
    STR_EQ(p, "assets/knee.png");
    free(p);
    p = ks_link_resolve_image("about", "/pics/a.jpg");
    STR_EQ(p, "pics/a.jpg");
    free(p);
    OK(ks_link_resolve_image("about", "../../x.png") == NULL);
    OK(ks_link_resolve_image("about", "https://e.com/x.png") == NULL);
    OK(ks_link_resolve_image("about", "javascript:x") == NULL);
    OK(ks_link_resolve_image("about", "") == NULL);
    char *a = ks_link_anchor("What is in the shot?", 20);
    STR_EQ(a, "what-is-in-the-shot");
    free(a);
}

/* All the text of a block tree, runs joined with '|' between runs. */
static void collect(ks_buf *b, const ks_doc_block *blocks, size_t n) {
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < blocks[i].n_runs; k++) {
            ks_buf_append(b, blocks[i].runs[k].text, blocks[i].runs[k].len);
            ks_buf_putc(b, '|');
        }
        collect(b, blocks[i].children, blocks[i].n_children);
    }
}

static const ks_doc_run *find_run(const ks_doc_block *blocks, size_t n, const char *text) {
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < blocks[i].n_runs; k++)
            if (strstr(blocks[i].runs[k].text, text)) return &blocks[i].runs[k];
        const ks_doc_run *r = find_run(blocks[i].children, blocks[i].n_children, text);
        if (r) return r;
    }
    return NULL;
}

static void test_constructs(void) {
    ks_doc *doc = parse_file("constructs.md", "prolotherapy/risks");
    size_t n;
    const ks_doc_block *b = ks_doc_blocks(doc, &n);
    OK(n > 20);
    INT_EQ(b[0].kind, KS_BLOCK_HEADING);
    INT_EQ(b[0].level, 1);
    STR_EQ(b[0].anchor, "every-construct-heading-level-one");
    int saw_h4_as_3 = 0, saw_setext = 0, saw_rule = 0, saw_code = 0, saw_quote = 0, images = 0;
    for (size_t i = 0; i < n; i++) {
        if (b[i].kind == KS_BLOCK_HEADING && b[i].n_runs && strstr(b[i].runs[0].text, "Level four"))
            saw_h4_as_3 = b[i].level == 3;
        if (b[i].kind == KS_BLOCK_HEADING && b[i].n_runs && strstr(b[i].runs[0].text, "Setext"))
            saw_setext = b[i].level == 2;
        saw_rule += b[i].kind == KS_BLOCK_RULE;
        if (b[i].kind == KS_BLOCK_CODE) {
            saw_code++;
            if (saw_code == 1) {
                STR_CONTAINS(b[i].runs[0].text, "line one\n    tab-indented line\n");
                OK(b[i].runs[0].text[b[i].runs[0].len - 1] != '\n');
            }
        }
        if (b[i].kind == KS_BLOCK_QUOTE) {
            saw_quote++;
            /* paragraph, list, nested quote */
            INT_EQ(b[i].n_children, 3);
            if (b[i].n_children == 3) {
                INT_EQ(b[i].children[1].kind, KS_BLOCK_LIST);
                INT_EQ(b[i].children[2].kind, KS_BLOCK_QUOTE);
            }
        }
        if (b[i].kind == KS_BLOCK_IMAGE) {
            images++;
            if (images == 1) {
                STR_EQ(b[i].src, "prolotherapy/diagram.png");
                INT_EQ(b[i].n_runs, 1);
                STR_EQ(b[i].runs[0].text, "A diagram of the knee");
            }
        }
        if (b[i].kind == KS_BLOCK_LIST && b[i].ordered) {
            /* 7, 8, 9 (with a nested 1, 2), 10 */
            INT_EQ(b[i].n_children, 4);
            INT_EQ(b[i].children[0].number, 7);
            INT_EQ(b[i].children[3].number, 10);
            const ks_doc_block *nine = &b[i].children[2];
            INT_EQ(nine->n_children, 2);
            if (nine->n_children == 2) {
                INT_EQ(nine->children[1].kind, KS_BLOCK_LIST);
                INT_EQ(nine->children[1].depth, 1);
                INT_EQ(nine->children[1].children[1].number, 2);
            }
        }
    }
    OK(saw_h4_as_3);
    OK(saw_setext);
    INT_EQ(saw_rule, 1);
    INT_EQ(saw_code, 2);
    INT_EQ(saw_quote, 1);
    INT_EQ(images, 4); /* three block pictures and the inline one */

    const ks_doc_run *r = find_run(b, n, "emphasis");
    OK(r && r->style == KS_RUN_ITALIC);
    r = find_run(b, n, "strong words");
    OK(r && r->style == KS_RUN_BOLD);
    r = find_run(b, n, "both at once");
    OK(r && r->style == (KS_RUN_BOLD | KS_RUN_ITALIC));
    r = find_run(b, n, "inline code");
    OK(r && r->style == KS_RUN_CODE);
    r = find_run(b, n, "soft break right here that joins");
    OK(r != NULL);
    r = find_run(b, n, "the recovery page");
    OK(r && r->link && !strcmp(r->link, "prolotherapy/recovery"));
    r = find_run(b, n, "the glossary entry");
    OK(r && r->link && !strcmp(r->link, "glossary#dextrose"));
    r = find_run(b, n, "a heading on this page");
    OK(r && r->link && !strcmp(r->link, "prolotherapy/risks#lists-of-things"));
    r = find_run(b, n, "a website");
    OK(r && r->link == NULL);
    r = find_run(b, n, "a script");
    OK(r && r->link == NULL);
    r = find_run(b, n, "https://example.org/autolink");
    OK(r && r->link == NULL);

    ks_buf all = {0};
    collect(&all, b, n);
    OK(strstr(all.data, "raw html block") == NULL);
    OK(strstr(all.data, "<b>") == NULL);
    STR_CONTAINS(all.data, "Inline raw html tags are dropped"); /* the words stay */
    STR_CONTAINS(all.data, "& \xc2\xa9 \xc2\xbd \xe2\x80\x94"); /* entities decoded */
    /* Hard breaks are runs of their own. */
    int breaks = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < b[i].n_runs; k++) breaks += (b[i].runs[k].style & KS_RUN_BREAK) != 0;
    INT_EQ(breaks, 2);
    ks_buf_free(&all);
    ks_doc_destroy(doc);
}

static int max_depth(const ks_doc_block *b, size_t n) {
    int d = 0;
    for (size_t i = 0; i < n; i++) {
        int c = b[i].n_children ? 1 + max_depth(b[i].children, b[i].n_children) : 0;
        if (c > d) d = c;
    }
    return d;
}

static void check_clean(const ks_doc_block *b, size_t n, int *bad) {
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < b[i].n_runs; k++) {
            const ks_doc_run *r = &b[i].runs[k];
            if (!ks_utf8_valid(r->text, r->len, NULL)) (*bad)++;
            if (strlen(r->text) != r->len) (*bad)++;
            for (size_t j = 0; j < r->len; j++) {
                unsigned char c = (unsigned char)r->text[j];
                if ((c < 0x20 && !(c == '\n' && b[i].kind == KS_BLOCK_CODE)) || c == 0x7f) (*bad)++;
            }
            if (r->link && (strchr(r->link, ':') || strstr(r->link, ".."))) (*bad)++;
        }
        if (b[i].src && (strchr(b[i].src, ':') || strstr(b[i].src, "..") || b[i].src[0] == '/')) (*bad)++;
        check_clean(b[i].children, b[i].n_children, bad);
    }
}

static void test_hostile(void) {
    ks_doc *doc = parse_file("hostile.md", "prolotherapy/risks");
    size_t n;
    const ks_doc_block *b = ks_doc_blocks(doc, &n);
    OK(n > 5);
    OK(max_depth(b, n) <= KS_DOC_MAX_DEPTH);
    int bad = 0;
    check_clean(b, n, &bad);
    INT_EQ(bad, 0);
    ks_buf all = {0};
    collect(&all, b, n);
    OK(strstr(all.data, "alert('x')") == NULL); /* the script block */
    OK(strstr(all.data, "onerror") == NULL);
    OK(strstr(all.data, "<!--") == NULL);
    STR_CONTAINS(all.data, "a thousand nested bullets");
    STR_CONTAINS(all.data, "a thousand nested numbers");
    STR_CONTAINS(all.data, "deeply quoted");
    STR_CONTAINS(all.data, "\xef\xbf\xbd"); /* invalid bytes became U+FFFD */
    STR_CONTAINS(all.data, "Final paragraph.");
    const ks_doc_run *r = find_run(b, n, "click me");
    OK(r && r->link == NULL);
    r = find_run(b, n, "escape");
    OK(r && r->link == NULL);
    ks_buf_free(&all);
    ks_doc_destroy(doc);
}

static void test_tree_untouched(void) {
    char *md = harness_read_file(FIX "constructs.md");
    OK(md != NULL);
    if (!md) return;
    cmark_node *root = cmark_parse_document(md, strlen(md), CMARK_OPT_SAFE);
    char *before = cmark_render_xml(root, CMARK_OPT_DEFAULT);
    ks_doc *doc = ks_doc_from_cmark(root, "about");
    char *after = cmark_render_xml(root, CMARK_OPT_DEFAULT);
    STR_EQ(after, before);
    ks_doc_destroy(doc);
    free(before);
    free(after);
    cmark_node_free(root);
    free(md);
}

static void test_linked_picture(void) {
    const char *md = "[![Knee](knee.png)](recovery.md) and [![Out](x.png)](https://e.com)";
    ks_doc *doc = ks_doc_parse(md, strlen(md), "prolotherapy/risks");
    size_t n;
    const ks_doc_block *b = ks_doc_blocks(doc, &n);
    int images = 0;
    for (size_t i = 0; i < n; i++) {
        if (b[i].kind != KS_BLOCK_IMAGE) continue;
        images++;
        if (images == 1) STR_EQ(b[i].link, "prolotherapy/recovery");
        if (images == 2) OK(b[i].link == NULL);
    }
    INT_EQ(images, 2);
    ks_doc_destroy(doc);
}

static void test_edges(void) {
    size_t n = 99;
    ks_doc *doc = ks_doc_from_cmark(NULL, NULL);
    OK(ks_doc_blocks(doc, &n) == NULL || n == 0);
    INT_EQ(n, 0);
    STR_EQ(ks_doc_slug(doc), "");
    ks_doc_destroy(doc);
    ks_doc_destroy(NULL);
    doc = ks_doc_parse("", 0, "x");
    ks_doc_blocks(doc, &n);
    INT_EQ(n, 0);
    ks_doc_destroy(doc);
    /* Not NUL-terminated input: only len bytes are read. */
    char buf[4] = {'a', 'b', 'c', 'd'};
    doc = ks_doc_parse(buf, 2, "x");
    const ks_doc_block *b = ks_doc_blocks(doc, &n);
    INT_EQ(n, 1);
    if (n == 1) STR_EQ(b[0].runs[0].text, "ab");
    ks_doc_destroy(doc);
    /* An empty heading and a paragraph of only raw HTML leave nothing. */
    const char *empty = "#\n\n<span></span>\n";
    doc = ks_doc_parse(empty, strlen(empty), "x");
    ks_doc_blocks(doc, &n);
    INT_EQ(n, 0);
    ks_doc_destroy(doc);
}

int main(void) {
    RUN(test_resolve_links);
    RUN(test_resolve_images);
    RUN(test_constructs);
    RUN(test_hostile);
    RUN(test_tree_untouched);
    RUN(test_linked_picture);
    RUN(test_edges);
    return harness_done();
}
