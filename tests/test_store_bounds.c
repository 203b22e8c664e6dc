/* store: bounded front matter (issue 13). A header larger than 64 KB or
 * nested deeper than 32 levels is an error with its line before libyaml
 * sees it; every hostile 1 MiB page of tests/hostile_pages.h is checked
 * (its speed is measured by bench_store_hostile, not here). */
#include "harness.h"
#include "hostile_pages.h"
#include "kiosk/base.h"
#include "kiosk/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Load a folder holding the one page text as page.md; the diagnostics as
 * `kiosk check` prints them (a new string) and the page's error count. */
static char *check_one(const char *text, int *errors) {
    char dir[] = "/tmp/kiosk-bounds-XXXXXX";
    ks_buf out = {0};
    *errors = -1;
    if (!mkdtemp(dir)) return ks_strdup("");
    char *page = ks_path_join(dir, "page.md");
    ks_write_file_atomic(page, text, strlen(text));
    int err = 0;
    ks_store_options opts = {.no_grade = 1};
    ks_store *s = ks_store_load(dir, &opts, &err);
    if (s) {
        for (size_t i = 0; i < ks_store_diag_count(s); i++) {
            const ks_diag *d = ks_store_diag(s, i);
            ks_buf_printf(&out, "%s:%d: %s: %s\n", d->path, d->line,
                          d->severity == KS_DIAG_ERROR ? "error" : "warning", d->message);
        }
        const ks_page *p = ks_store_find(s, "page");
        *errors = p ? p->errors : -1;
    }
    ks_store_free(s);
    unlink(page);
    rmdir(dir);
    free(page);
    return ks_buf_detach(&out);
}

static const char *head = "---\ntitle: T\nsection: s\nsummary: S.\n";

static void test_depth_limit(void) {
    int errors;
    ks_buf b = {0};
    /* 32 levels (the field itself is one): fine for the bound; libyaml reads it */
    ks_buf_printf(&b, "%skeywords: ", head);
    for (int i = 0; i < 31; i++) ks_buf_putc(&b, '[');
    ks_buf_puts(&b, "x");
    for (int i = 0; i < 31; i++) ks_buf_putc(&b, ']');
    ks_buf_puts(&b, "\n---\n\nText.\n");
    char *got = check_one(b.data, &errors);
    OK(strstr(got, "nested deeper") == NULL);
    STR_CONTAINS(got, "page.md:5: error: each keyword should be a word or phrase, not a list");
    free(got);

    /* 33: an error on its line, libyaml never runs */
    ks_buf_clear(&b);
    ks_buf_printf(&b, "%skeywords: ", head);
    for (int i = 0; i < 33; i++) ks_buf_putc(&b, '[');
    ks_buf_puts(&b, "x");
    for (int i = 0; i < 33; i++) ks_buf_putc(&b, ']');
    ks_buf_puts(&b, "\n---\n\nText.\n");
    got = check_one(b.data, &errors);
    STR_CONTAINS(got, "page.md:5: error: the front matter is nested deeper than 32 levels");
    INT_EQ(errors, 1);
    free(got);

    /* brackets inside quotes are text, not nesting */
    ks_buf_clear(&b);
    ks_buf_printf(&b, "%skeywords: [\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\", 'it''s [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[']\n"
                      "reviewed: 2026-11-01\n---\n\nText.\n", head);
    got = check_one(b.data, &errors);
    OK(strstr(got, "error") == NULL);
    INT_EQ(errors, 0);
    free(got);

    /* a quote inside a plain word does not hide the brackets after it */
    ks_buf_clear(&b);
    ks_buf_printf(&b, "%skeywords: [don't, ", head);
    for (int i = 0; i < 40; i++) ks_buf_putc(&b, '[');
    for (int i = 0; i < 40; i++) ks_buf_putc(&b, ']');
    ks_buf_puts(&b, "]\n---\n\nText.\n");
    got = check_one(b.data, &errors);
    STR_CONTAINS(got, "page.md:5: error: the front matter is nested deeper than 32 levels");
    free(got);

    /* block nesting: "- - - ..." and indentation */
    ks_buf_clear(&b);
    ks_buf_printf(&b, "%skeywords:\n  ", head);
    for (int i = 0; i < 40; i++) ks_buf_puts(&b, "- ");
    ks_buf_puts(&b, "x\n---\n\nText.\n");
    got = check_one(b.data, &errors);
    STR_CONTAINS(got, "page.md:6: error: the front matter is nested deeper than 32 levels");
    free(got);
    ks_buf_clear(&b);
    ks_buf_printf(&b, "%skeywords:\n", head);
    for (int i = 0; i < 40; i++) {
        for (int s = 0; s <= i; s++) ks_buf_putc(&b, ' ');
        ks_buf_puts(&b, "-\n");
    }
    ks_buf_puts(&b, "---\n\nText.\n");
    got = check_one(b.data, &errors);
    STR_CONTAINS(got, "error: the front matter is nested deeper than 32 levels");
    free(got);
    ks_buf_free(&b);
}

static void test_size_limit(void) {
    int errors;
    ks_buf b = {0};
    ks_buf_printf(&b, "%snotes: \"", head);
    for (int i = 0; i < 70000; i++) ks_buf_putc(&b, 'a');
    ks_buf_puts(&b, "\"\n---\n\nText.\n");
    char *got = check_one(b.data, &errors);
    STR_CONTAINS(got, "page.md:2: error: the front matter is larger than 64 KB (68 KB)");
    INT_EQ(errors, 1);
    free(got);
    ks_buf_free(&b);
}

/* Every hostile page is read, checked and reported; none crashes. */
static void test_hostile_pages(void) {
    const char *name;
    char *text;
    for (int i = 0; (text = hostile_page(i, &name)) != NULL; i++) {
        int errors;
        char *got = check_one(text, &errors);
        harness_state.current = name;
        OK(errors >= 0); /* a record, flagged or not */
        if (strncmp(name, "header-", 7) == 0 && strcmp(name, "header-flat-60k") != 0) OK(errors > 0);
        free(got);
        free(text);
    }
}

int main(void) {
    RUN(test_depth_limit);
    RUN(test_size_limit);
    RUN(test_hostile_pages);
    return harness_done();
}
