/* store: page records, ordering, and every diagnostic `kiosk check` gives.
 *
 * Each folder tests/fixtures/check/<case>/ holds a content/ folder and an
 * expected.txt with the exact lines the store must report for it. */
#include "harness.h"
#include "kiosk/base.h"
#include "kiosk/config.h"
#include "kiosk/doc.h"
#include "kiosk/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static time_t fixed_today(void) {
    struct tm tm = {0};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 10;
    tm.tm_mday = 22;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

static ks_store *load(const char *dir) {
    ks_store_options opts = {.today = fixed_today()};
    int err = 0;
    ks_store *s = ks_store_load(dir, &opts, &err);
    if (!s) fprintf(stderr, "cannot load %s: %d\n", dir, err);
    return s;
}

/* The diagnostics as `kiosk check` prints them. Caller frees. */
static char *diag_text(const ks_store *s) {
    ks_buf b = {0};
    for (size_t i = 0; i < ks_store_diag_count(s); i++) {
        const ks_diag *d = ks_store_diag(s, i);
        ks_buf_printf(&b, "%s:%d: %s: %s\n", d->path, d->line,
                      d->severity == KS_DIAG_ERROR ? "error" : "warning", d->message);
    }
    return ks_buf_detach(&b);
}

static void check_fixture(const char *name) {
    char *dir = ks_sprintf("%s/check/%s/content", KIOSK_FIXTURES, name);
    char *exp_path = ks_sprintf("%s/check/%s/expected.txt", KIOSK_FIXTURES, name);
    char *expected = harness_read_file(exp_path);
    ks_store *s = load(dir);
    OK(s != NULL);
    OK(expected != NULL);
    if (s && expected) {
        char *got = diag_text(s);
        harness_state.current = name;
        STR_EQ(got, expected);
        free(got);
    }
    ks_store_free(s);
    free(expected);
    free(exp_path);
    free(dir);
}

static void test_fixtures(void) {
    static const char *const cases[] = {
        "good", "no-front-matter", "unclosed-front-matter", "bad-yaml", "missing-fields",
        "wrong-type", "invalid-utf8", "empty-body", "duplicate-slug", "broken-link",
        "topic-without-index", "raw-html", "reviewed", "missing-sections", "reading-grade",
        "unused-synonym", "colon-in-value", "no-help-callout", "broken-risks-page", "placeholders", "pictures", "home", "icons"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_fixture(cases[i]);
}

/* Home's common questions (home.txt): the good lines, in order, with
 * their page and heading; the bad ones are errors (fixture "home"). */
static void test_home_questions(void) {
    char *dir = ks_sprintf("%s/check/home/content", KIOSK_FIXTURES);
    int err = 0;
    ks_store *st = ks_store_load(dir, NULL, &err);
    OK(st != NULL);
    INT_EQ(ks_store_home_count(st), KS_HOME_MAX);
    const ks_home_question *q = ks_store_home_question(st, 0);
    STR_EQ(q->text, "Can I drive after the visit?");
    STR_EQ(q->slug, "knee/recovery");
    STR_EQ(q->anchor, "can-i-drive");
    INT_EQ(q->line, 2);
    q = ks_store_home_question(st, 1);
    STR_EQ(q->slug, "about");
    STR_EQ(q->anchor, "need-help");
    q = ks_store_home_question(st, 2); /* a topic folder opens its overview */
    STR_EQ(q->slug, "knee/index");
    OK(q->anchor == NULL);
    q = ks_store_home_question(st, 3); /* the last '=' splits */
    STR_EQ(q->text, "A = B?");
    INT_EQ(q->line, 11);
    OK(ks_store_home_question(st, KS_HOME_MAX) == NULL);
    ks_store_free(st);
    free(dir);
    /* the shipped content: 3 to 5 questions, every one opening a page */
    dir = ks_sprintf("%s/content", KIOSK_SOURCE_DIR);
    st = ks_store_load(dir, NULL, &err);
    OK(st && ks_store_home_count(st) >= KS_HOME_MIN && ks_store_home_count(st) <= KS_HOME_MAX);
    for (size_t i = 0; st && i < ks_store_home_count(st); i++)
        OK(ks_store_find(st, ks_store_home_question(st, i)->slug) != NULL);
    ks_store_free(st);
    free(dir);
}

/* A topic's icon from its index.md (`icon: bone`), else the default; an
 * unknown name is an error (fixture "icons") and the topic keeps the
 * default. */
static void test_topic_icons(void) {
    int err = 0;
    char *dir = ks_sprintf("%s/check/icons/content", KIOSK_FIXTURES);
    ks_store *st = ks_store_load(dir, NULL, &err);
    OK(st != NULL);
    STR_EQ(ks_store_find_topic(st, "ankle")->icon, "bone");
    STR_EQ(ks_store_find_topic(st, "knee")->icon, KS_TOPIC_ICON_DEFAULT);
    STR_EQ(ks_store_find(st, "ankle/recovery")->icon, "needle"); /* kept, but only a warning: unused */
    ks_store_free(st);
    free(dir);
    dir = ks_sprintf("%s/content", KIOSK_SOURCE_DIR);
    st = ks_store_load(dir, NULL, &err);
    OK(st != NULL);
    STR_EQ(ks_store_find_topic(st, "prolotherapy")->icon, "bone");
    STR_EQ(ks_store_find_topic(st, "ozone-therapy")->icon, "ozone");
    ks_store_free(st);
    free(dir);
    STR_EQ(ks_section_icon("injection"), "needle");
    STR_EQ(ks_section_icon("risks"), "warning");
}

static void test_good_records(void) {
    char *dir = ks_sprintf("%s/check/good/content", KIOSK_FIXTURES);
    ks_store *s = load(dir);
    free(dir);
    if (!s) return;
    INT_EQ(ks_store_error_count(s), 0);
    /* _notes.md, .hidden.md and picture.txt are not pages. */
    INT_EQ(ks_store_page_count(s), 9);
    /* general pages first, then the topic: index, then the six sections */
    STR_EQ(ks_store_page(s, 0)->slug, "about");
    STR_EQ(ks_store_page(s, 2)->slug, "topic/index");
    STR_EQ(ks_store_page(s, 3)->slug, "topic/what-it-is");
    STR_EQ(ks_store_page(s, 8)->slug, "topic/candidacy");
    INT_EQ(ks_store_topic_count(s), 1);
    const ks_topic *t = ks_store_topic(s, 0);
    STR_EQ(t->slug, "topic");
    STR_EQ(t->title, "Topic");
    OK(t->index == ks_store_find(s, "topic/index"));

    const ks_page *idx = ks_store_find(s, "TOPIC/Index");
    OK(idx != NULL);
    if (idx) {
        STR_EQ(idx->topic, "topic");
        STR_EQ(idx->section, "overview");
        INT_EQ(idx->is_topic_index, 1);
        INT_EQ(idx->order, 1);
        INT_EQ(idx->body_line, 7);
        INT_EQ(idx->n_links, 2);
        STR_EQ(idx->links[0].slug, "topic/what-it-is");
        STR_EQ(idx->links[1].slug, "glossary");
        STR_EQ(idx->links[1].fragment, "dextrose");
        INT_EQ(idx->links[1].line, 10);
        INT_EQ(idx->n_headings, 1);
        STR_EQ(idx->headings[0].text, "Topic");
        INT_EQ(idx->headings[0].line, 8);
        /* the document's lines are lines of the file, not of the body */
        ks_doc *doc = ks_page_doc(idx);
        size_t nb = 0;
        const ks_doc_block *blocks = ks_doc_blocks(doc, &nb);
        OK(nb > 0);
        INT_EQ(blocks[0].line, 8);
        ks_doc_destroy(doc);
        STR_CONTAINS(idx->text, "See the first page and the word.");
    }
    const ks_page *g = ks_store_find(s, "glossary");
    OK(g && g->n_headings == 2 && strcmp(g->headings[1].anchor, "dextrose") == 0);
    INT_EQ(ks_store_synonym_count(s), 1);
    STR_EQ(ks_store_synonym(s, 0)->from, "sugar water");
    STR_EQ(ks_store_synonym(s, 0)->to, "dextrose");
    INT_EQ(ks_store_synonym(s, 0)->line, 2);
    OK(ks_store_synonyms_hash(s) != 0);
    OK(ks_store_find(s, "nothing") == NULL);
    ks_store_free(s);
}

static void test_keywords_and_hash(void) {
    char *dir = ks_sprintf("%s/check/wrong-type/content", KIOSK_FIXTURES);
    ks_store *s = load(dir);
    free(dir);
    if (!s) return;
    const ks_page *p = ks_store_find(s, "about");
    OK(p && p->errors > 0);
    OK(p && p->hash != ks_hash64("", 0)); /* the hash of the file, not of nothing */
    ks_store_free(s);
}

/* Cases made at run time: a file over 1 MiB, symbolic links. */
/* The check and the screen share one link grammar: a link to another kind
 * of file or out of the folder is text on screen, so for the check it is a
 * warning, never an error that would hide the page. */
static void test_links_not_to_pages(void) {
    char tmpl[] = "/tmp/kiosk-store-links-XXXXXX";
    char *root = mkdtemp(tmpl);
    OK(root != NULL);
    if (!root) return;
    const char *a = "---\ntitle: A\nsection: general\nsummary: S.\nreviewed: 2026-11-01\n---\n\n"
                    "A [leaflet](leaflet.pdf), [up](../../x.md), [web](https://example.org), "
                    "[side](#Side%20Effects).\n\n## Side effects\n\nSore.\n";
    char *pa = ks_path_join(root, "a.md");
    ks_write_file_atomic(pa, a, strlen(a));
    ks_store *s = load(root);
    if (s) {
        char *got = diag_text(s);
        STR_EQ(got, "a.md:8: warning: the link '../../x.md' is not to a page (another kind of file, or outside "
                    "the content folder); it is shown as plain text\n"
                    "a.md:8: warning: the link 'leaflet.pdf' is not to a page (another kind of file, or outside "
                    "the content folder); it is shown as plain text\n");
        const ks_page *p = ks_store_find(s, "a");
        OK(p && p->errors == 0 && p->n_links == 4);
        if (p && p->n_links == 4) {
            STR_EQ(p->links[3].slug, "a"); /* "#Side%20Effects" is this page's "side-effects" */
            STR_EQ(p->links[3].fragment, "side-effects");
        }
        free(got);
        ks_store_free(s);
    }
    unlink(pa);
    rmdir(root);
    free(pa);
}

static void test_runtime_cases(void) {
    char tmpl[] = "/tmp/kiosk-store-XXXXXX";
    char *root = mkdtemp(tmpl);
    OK(root != NULL);
    if (!root) return;
    char *content = ks_path_join(root, "content");
    char *outside = ks_path_join(root, "outside.md");
    mkdir(content, 0755);
    const char *page = "---\ntitle: T\nsection: general\nsummary: S.\nreviewed: 2026-11-01\n---\n\nThis is a short page.\n";
    ks_write_file_atomic(outside, page, strlen(page));
    char *big = ks_path_join(content, "big.md");
    ks_buf b = {0};
    ks_buf_puts(&b, page);
    while (b.len <= KS_STORE_MAX_FILE) ks_buf_puts(&b, "More words in a very long page.\n");
    ks_write_file_atomic(big, b.data, b.len);
    ks_buf_free(&b);
    char *inside = ks_path_join(content, "inside.md");
    ks_write_file_atomic(inside, page, strlen(page));
    char *l1 = ks_path_join(content, "escape.md"), *l2 = ks_path_join(content, "alias.md"),
         *l3 = ks_path_join(content, "loop.md");
    OK(symlink(outside, l1) == 0);
    OK(symlink("inside.md", l2) == 0);
    OK(symlink("loop.md", l3) == 0);

    ks_store *s = load(content);
    char *got = diag_text(s);
    STR_EQ(got,
           "big.md:1: error: the file is larger than 1 MiB; it is not read\n"
           "escape.md:1: error: this symbolic link leads outside the content folder; it is not followed\n"
           "loop.md:1: error: this symbolic link loops; it is not followed\n");
    /* The big page is a flagged record (so the index keeps its last good
     * version); the link inside the folder is followed. */
    const ks_page *p = ks_store_find(s, "big");
    OK(p && p->errors == 1);
    OK(ks_store_find(s, "alias") != NULL);
    OK(ks_store_find(s, "escape") == NULL);
    INT_EQ(ks_store_error_count(s), 3);
    free(got);
    ks_store_free(s);

    /* Not a folder: NULL with an error, nothing else. */
    int err = 0;
    OK(ks_store_load(outside, NULL, &err) == NULL);
    OK(err < 0);
    OK(ks_store_load("/nonexistent/kiosk", NULL, &err) == NULL);
    INT_EQ(err, KS_ERR_NOT_FOUND);

    unlink(l1), unlink(l2), unlink(l3), unlink(inside), unlink(big), unlink(outside);
    rmdir(content);
    rmdir(root);
    free(l1), free(l2), free(l3), free(inside), free(big), free(outside), free(content);
}

/* A percent-encoded link names the file the kiosk opens ("my%20b.md" is
 * "my b.md"), so the check must not call it broken (and hide the page). */
static void test_percent_encoded_link(void) {
    char tmpl[] = "/tmp/kiosk-store-pct-XXXXXX";
    char *root = mkdtemp(tmpl);
    OK(root != NULL);
    if (!root) return;
    const char *a = "---\ntitle: A\nsection: general\nsummary: S.\nreviewed: 2026-11-01\n---\n\n"
                    "See [the other page](my%20b.md) and [this](a.md%2F..%2Fx.md).\n";
    const char *b = "---\ntitle: B\nsection: general\nsummary: S.\nreviewed: 2026-11-01\n---\n\nThis is a short page.\n";
    char *pa = ks_path_join(root, "a.md"), *pb = ks_path_join(root, "my b.md");
    ks_write_file_atomic(pa, a, strlen(a));
    ks_write_file_atomic(pb, b, strlen(b));
    ks_store *s = load(root);
    OK(s != NULL);
    if (s) {
        char *got = diag_text(s);
        /* not an error (the page stays shown); a warning that it is text */
        STR_EQ(got, "a.md:8: warning: the link 'a.md%2F..%2Fx.md' is not to a page (another kind of file, "
                    "or outside the content folder); it is shown as plain text\n");
        const ks_page *p = ks_store_find(s, "a");
        OK(p && p->errors == 0 && p->n_links == 2);
        if (p && p->n_links == 2) {
            STR_EQ(p->links[0].slug, "my b");
            OK(p->links[1].slug == NULL); /* an encoded '/' is not a path step: shown as text */
        }
        free(got);
        ks_store_free(s);
    }
    unlink(pa), unlink(pb);
    rmdir(root);
    free(pa), free(pb);
}

/* The stamp of dir, which ks_store_stamp_cached must give too, with its
 * cache of folder listings beside dir (listed anew or taken from it). */
static uint64_t stamp_of(const char *dir) {
    uint64_t st = 0, cached = 0;
    char *cache = ks_sprintf("%s.folders", dir);
    INT_EQ(ks_store_stamp(dir, &st), KS_OK);
    OK(st != 0);
    INT_EQ(ks_store_stamp_cached(dir, cache, &cached), KS_OK);
    OK(cached == st);
    free(cache);
    return st;
}

/* The stamp moves with every change a load could see, and only then. */
static void test_stamp(void) {
    char tmpl[] = "/tmp/kiosk-stamp-XXXXXX";
    char *root = mkdtemp(tmpl);
    OK(root != NULL);
    if (!root) return;
    char *topic = ks_path_join(root, "knee"), *page = ks_path_join(root, "knee/what-it-is.md"),
         *other = ks_path_join(root, "about.md");
    mkdir(topic, 0755);
    ks_write_file_atomic(page, "one", 3);
    uint64_t a = stamp_of(root);
    INT_EQ(stamp_of(root), a); /* nothing happened */
    ks_write_file_atomic(page, "two", 3); /* same size, new content (a new inode) */
    uint64_t b = stamp_of(root);
    OK(b != a);
    FILE *f = fopen(page, "r+"); /* in place, same size */
    if (f) fputs("TWO", f), fclose(f);
    uint64_t c = stamp_of(root);
    OK(c != b);
    ks_write_file_atomic(other, "x", 1); /* a page added at the top */
    uint64_t d = stamp_of(root);
    OK(d != c);
    unlink(other); /* and removed again */
    OK(stamp_of(root) != d);

    /* Folders that have not changed for 2 s are taken from the cache of
     * listings, not listed: the stamp must still see every change. */
    usleep(2100 * 1000);
    uint64_t e = stamp_of(root); /* listed: the folders' times are old enough now */
    INT_EQ(stamp_of(root), e);   /* from the cache */
    f = fopen(page, "r+");       /* in place, in a folder taken from the cache */
    if (f) fputs("Two", f), fclose(f);
    uint64_t g = stamp_of(root);
    OK(g != e);
    char *added = ks_path_join(root, "knee/recovery.md"); /* a name added: the folder's times move */
    ks_write_file_atomic(added, "r", 1);
    uint64_t h = stamp_of(root);
    OK(h != g);
    unlink(added);
    OK(stamp_of(root) != h);
    free(added);
    char *cache = ks_sprintf("%s.folders", root);
    ks_write_file_atomic(cache, "ksstc01\n garbage", 16); /* damaged: listed again */
    OK(stamp_of(root) != h);
    unlink(cache);
    free(cache);
    uint64_t none = 1;
    INT_EQ(ks_store_stamp("/nonexistent/kiosk", &none), KS_ERR_NOT_FOUND);
    INT_EQ(none, 0);
    unlink(page);
    rmdir(topic);
    rmdir(root);
    free(page), free(topic), free(other);
}

static void test_reading_grade(void) {
    /* 6 one-syllable words in one sentence: 0.39*6 + 11.8 - 15.59 */
    double g = ks_reading_grade("The cat sat on the mat.");
    OK(g > -1.46 && g < -1.44);
    OK(ks_reading_grade("") == 0.0);
    OK(ks_reading_grade("Prolotherapy is an injection treatment for chronic musculoskeletal pain "
                        "involving ligaments and tendons.") > 12.0);
    /* a line end closes a sentence (list items, headings) */
    OK(ks_reading_grade("Knee\nBack\nNeck\n") < ks_reading_grade("Knee back neck"));
}

static void test_sections(void) {
    INT_EQ(ks_section_rank("what-it-is"), 0);
    INT_EQ(ks_section_rank("candidacy"), 5);
    INT_EQ(ks_section_rank("faq"), -1);
}

/* Files given in memory load as a folder would, with no file touched;
 * a page name longer than the kiosk keeps is refused with a message. */
static void test_load_files(void) {
    static const char page[] = "---\ntitle: In memory\nsection: risks\nsummary: A page.\nreviewed: 2026-11-01\n---\n\n"
                               "# In memory\n\nSee [the other page](other.md).\n";
    static const char topic[] = "---\ntitle: Topic\nsummary: A topic.\nreviewed: 2026-11-01\n---\n\n# Topic\n\nText.\n";
    char *long_name = ks_malloc(600);
    memset(long_name, 'x', 590);
    memcpy(long_name + 590, ".md", 4);
    char *long_path = ks_sprintf("t/%s", long_name);
    ks_store_file files[] = {{"t/index.md", topic, sizeof topic - 1},
                             {"t/risks.md", page, sizeof page - 1},
                             {"t/other.md", "", 0},
                             {long_path, page, sizeof page - 1}};
    ks_store_options opts = {.today = fixed_today(), .no_grade = 1};
    ks_store *s = ks_store_load_files("memory", files, 4, &opts);
    OK(s != NULL);
    if (!s) return;
    const ks_page *p = ks_store_find(s, "t/risks");
    OK(p && p->errors == 0);
    if (p) STR_EQ(p->title, "In memory");
    OK(ks_store_find_topic(s, "t") != NULL);
    char *text = diag_text(s);
    STR_CONTAINS(text, "t/other.md:1: error: the page has no text after the front matter\n");
    char *want = ks_sprintf("%s:1: error: the page name is 592 bytes long; the kiosk shows names up to 511 bytes: "
                            "shorten the file name\n", long_path);
    STR_CONTAINS(text, want);
    free(want);
    free(text);
    ks_store_free(s);
    free(long_path);
    free(long_name);
}

/* A picture replaced (same name) changes the snapshot's picture stamp, so
 * the watcher posts new content even though no page changed. */
static void test_pictures_hash(void) {
    char dir[] = "/tmp/kiosk-store-pic-XXXXXX";
    OK(mkdtemp(dir) != NULL);
    char *md = ks_sprintf("%s/about.md", dir), *pic = ks_sprintf("%s/p.svg", dir);
    FILE *f = fopen(md, "w");
    if (f) {
        fputs("---\ntitle: A\nsection: general\nsummary: B.\nreviewed: 2026-11-01\n---\n\n# A\n\n![x](p.svg)\n", f);
        fclose(f);
    }
    f = fopen(pic, "w");
    if (f) {
        fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>\n", f);
        fclose(f);
    }
    ks_store_options opts = {.today = fixed_today(), .no_grade = 1};
    int err;
    ks_store *a = ks_store_load(dir, &opts, &err), *b;
    OK(a && ks_store_picture_count(a) == 1 && ks_store_error_count(a) == 0);
    b = ks_store_load(dir, &opts, &err);
    OK(b && ks_store_pictures_hash(a) == ks_store_pictures_hash(b));
    ks_store_free(b);
    char *tmp = ks_sprintf("%s.new", pic);
    f = fopen(tmp, "w");
    if (f) {
        fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"10\"></svg>\n", f);
        fclose(f);
    }
    OK(rename(tmp, pic) == 0);
    b = ks_store_load(dir, &opts, &err);
    OK(b && ks_store_pictures_hash(a) != ks_store_pictures_hash(b));
    ks_store_free(b);
    unlink(pic);
    b = ks_store_load(dir, &opts, &err);
    OK(b && ks_store_pictures_hash(a) != ks_store_pictures_hash(b) && ks_store_error_count(b) == 1);
    ks_store_free(b);
    ks_store_free(a);
    unlink(md);
    rmdir(dir);
    free(md), free(pic), free(tmp);
}

/* The page placeholders: filled from the configuration in every field a
 * consumer reads, Markdown punctuation in a value shown as typed, the
 * source kept as written, and the hash moving with the values used. */
static ks_store *load_with(const char *dir, const char *ini) {
    ks_config cfg;
    char err[256];
    ks_store_options opts = {.today = fixed_today()};
    int e = 0;
    ks_config_defaults(&cfg);
    if (ini && ks_config_parse(&cfg, ini, "test.conf", err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    opts.config = &cfg;
    return ks_store_load(dir, &opts, &e); /* cfg is read while loading only */
}

static void test_placeholders(void) {
    char *dir = ks_sprintf("%s/placeholders/content", KIOSK_FIXTURES);
    ks_store *none = load(dir); /* no configuration: the fallback words */
    ks_store *a = load_with(dir, "[clinic]\nname = Smith & *Jones* [North]\nphone = 555-0100\n"
                                 "urgent_phone = 555-0199\nemergency_number = 911\n");
    ks_store *b = load_with(dir, "[clinic]\nname = Smith & *Jones* [North]\nphone = 555-0100\n"
                                 "urgent_phone = 555-0777\nemergency_number = 911\n");
    OK(none && a && b);
    if (none && a && b) {
        const ks_page *pn = ks_store_find(none, "help"), *pa = ks_store_find(a, "help"),
                      *pb = ks_store_find(b, "help");
        INT_EQ(ks_store_error_count(a), 0);
        STR_EQ(pn->title, "Calling this clinic");
        STR_CONTAINS(pn->text, "For questions, call the front desk.");
        STR_CONTAINS(pn->text, "Call the front desk now if you have a fever. In an emergency, call your local "
                               "emergency number.");
        STR_EQ(pa->title, "Calling Smith & *Jones* [North]");
        STR_EQ(pa->summary, "How to reach Smith & *Jones* [North] when something worries you.");
        STR_EQ(pa->keywords[1], "555-0100");
        /* Markdown punctuation in a value is text, not emphasis or a link */
        STR_CONTAINS(pa->text, "Calling Smith & *Jones* [North]\n");
        /* a number is kept whole on screen: no-break hyphen (U+2011) */
        STR_CONTAINS(pa->text, "Call 555\xE2\x80\x91" "0199 now if you have a fever. In an emergency, call 911.");
        STR_EQ(pa->headings[0].text, "Calling Smith & *Jones* [North]");
        INT_EQ(pa->n_links, 0);
        /* lines stay the file's lines */
        INT_EQ(pa->headings[0].line, 9);
        /* the source as written, for the index to keep */
        STR_CONTAINS(pa->markdown, "call {{clinic.phone}}.");
        /* a changed value changes the hash of the pages that use it only */
        OK(pa->hash != pb->hash);
        OK(pa->hash != pn->hash);
        OK(ks_store_find(a, "other")->hash == ks_store_find(b, "other")->hash);
        OK(ks_store_find(a, "other")->hash == ks_store_find(none, "other")->hash);
    }
    ks_store_free(none);
    ks_store_free(a);
    ks_store_free(b);
    free(dir);
}

int main(void) {
    RUN(test_fixtures);
    RUN(test_placeholders);
    RUN(test_good_records);
    RUN(test_home_questions);
    RUN(test_topic_icons);
    RUN(test_keywords_and_hash);
    RUN(test_runtime_cases);
    RUN(test_links_not_to_pages);
    RUN(test_percent_encoded_link);
    RUN(test_stamp);
    RUN(test_reading_grade);
    RUN(test_sections);
    RUN(test_load_files);
    RUN(test_pictures_hash);
    return harness_done();
}
