/* The `kiosk` binary's contract for `check` and for bad usage: what it
 * prints and the exit status outside checks rely on. */
#include "harness.h"
#include "kiosk/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_check_exit_codes(void) {
    char *out, *cmd;
    cmd = ks_sprintf("%s check --content %s/check/good/content 2>/dev/null", KIOSK_BIN, KIOSK_FIXTURES);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_EQ(out, "");
    free(out), free(cmd);

    cmd = ks_sprintf("%s check --content=%s/check/broken-link/content 2>/dev/null", KIOSK_BIN, KIOSK_FIXTURES);
    INT_EQ(harness_run(cmd, &out), 1);
    STR_CONTAINS(out, "about.md:10: error: the link 'risks.md' leads to a page that does not exist\n");
    free(out), free(cmd);

    /* warnings alone do not fail the check */
    cmd = ks_sprintf("%s check --content %s/check/raw-html/content 2>/dev/null", KIOSK_BIN, KIOSK_FIXTURES);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_EQ(out, "about.md:10: warning: raw HTML is not shown on the kiosk; use Markdown instead\n");
    free(out), free(cmd);

    /* a folder that is not there, or holds no page: an error (issue 15),
     * not "0 errors" for a kiosk that would show nothing */
    cmd = ks_sprintf("%s check --content /nonexistent/folder 2>&1", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 1);
    STR_CONTAINS(out, "cannot read the content folder '/nonexistent/folder'");
    STR_CONTAINS(out, "/nonexistent/folder:1: error: the content folder does not exist: give the right folder");
    free(out), free(cmd);
    {
        char dir[] = "/tmp/kiosk-check-empty-XXXXXX";
        OK(mkdtemp(dir) != NULL);
        cmd = ks_sprintf("%s check --content %s 2>/dev/null", KIOSK_BIN, dir);
        INT_EQ(harness_run(cmd, &out), 1);
        char *want = ks_sprintf("%s:1: error: the content folder holds no pages (no .md file at its top or in a "
                                "topic folder): the kiosk has nothing to show\n", dir);
        STR_EQ(out, want);
        free(want), free(out), free(cmd);
        /* notes and drafts only (names starting with '_') are no pages either */
        char *note = ks_sprintf("%s/_notes.md", dir);
        FILE *f = fopen(note, "w");
        if (f) fputs("---\ntitle: Notes\n---\n\nDraft.\n", f), fclose(f);
        cmd = ks_sprintf("%s check --content %s 2>&1", KIOSK_BIN, dir);
        INT_EQ(harness_run(cmd, &out), 1);
        STR_CONTAINS(out, "holds no pages");
        STR_CONTAINS(out, "kiosk check: 0 pages in 0 topics, 1 errors");
        free(out), free(cmd);
        unlink(note);
        free(note);
        rmdir(dir);
    }
}

/* `kiosk run` on a folder that is not there or holds no page still runs
 * (the ui says "This kiosk has no pages yet") and logs why, for staff. */
static void test_run_logs_why_empty(void) {
    char dir[] = "/tmp/kiosk-run-empty-XXXXXX";
    char *out, *cmd, *script, *empty;
    OK(mkdtemp(dir) != NULL);
    script = ks_sprintf("%s/script.txt", dir);
    empty = ks_sprintf("%s/content", dir);
    OK(mkdir(empty, 0755) == 0);
    FILE *f = fopen(script, "w");
    if (f) fputs("wait 10\n", f), fclose(f);
    cmd = ks_sprintf("%s run --script %s --content %s --db %s/index.db 2>&1 >/dev/null", KIOSK_BIN, script, empty, dir);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "/content:1: error: the content folder holds no pages");
    /* issue 15: the default staff PIN is said at start ... */
    STR_CONTAINS(out, "kiosk: warning: the staff PIN is still the default (2580)");
    free(out), free(cmd);
    {
        /* ... and not once it is changed */
        char *conf = ks_sprintf("%s/kiosk.conf", dir);
        f = fopen(conf, "w");
        if (f) fputs("[staff]\npin = 7391\n", f), fclose(f);
        cmd = ks_sprintf("%s run --config %s --script %s --content %s --db %s/index.db 2>&1 >/dev/null", KIOSK_BIN, conf,
                         script, empty, dir);
        INT_EQ(harness_run(cmd, &out), 0);
        OK(!strstr(out, "staff PIN"));
        free(out), free(cmd), free(conf);
    }
    cmd = ks_sprintf("%s run --script %s --content %s/missing --db %s/index.db 2>&1 >/dev/null", KIOSK_BIN, script, dir,
                     dir);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "/missing:1: error: the content folder does not exist\n");
    OK(!strstr(out, "keeping the last good content")); /* there was none */
    free(out), free(cmd);
    cmd = ks_sprintf("rm -rf '%s'", dir);
    OK(system(cmd) == 0);
    free(cmd), free(empty), free(script);
}

static void test_shipped_content_is_clean(void) {
    char *out, *cmd = ks_sprintf("%s check --content %s/content 2>/dev/null", KIOSK_BIN, KIOSK_SOURCE_DIR);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_EQ(out, ""); /* no errors and no warnings either */
    free(out), free(cmd);
}

static void test_usage_errors(void) {
    static const struct {
        const char *args; /* after the kiosk's path */
        int status;       /* the exit status */
        const char *says; /* in its output */
    } cases[] = {
        {"check --frobnicate 2>&1", 2, "unknown option '--frobnicate'"},
        {"check --content 2>&1", 2, "--content needs a value"},
        {"frobnicate 2>&1", 2, "unknown command 'frobnicate'"},
        {"check --help", 0, "usage: kiosk check"},
        {"--help", 0, "check"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *out, *cmd = ks_sprintf("%s %s", KIOSK_BIN, cases[i].args);
        int failed = harness_state.failed;
        INT_EQ(harness_run(cmd, &out), cases[i].status);
        STR_CONTAINS(out, cases[i].says);
        if (harness_state.failed != failed) fprintf(stderr, "  (kiosk %s)\n", cases[i].args);
        free(out), free(cmd);
    }
}

/* Every command reads the one configuration file: a bad one stops it with
 * FILE:LINE, and [paths] content names the folder to use. */
static void test_config_file(void) {
    char dir[] = "/tmp/kiosk-cli-config-XXXXXX", *out, *cmd, *conf, *text;
    OK(mkdtemp(dir) != NULL);
    conf = ks_path_join(dir, "kiosk.conf");
    text = ks_sprintf("[paths]\ncontent = %s/check/broken-link/content\n", KIOSK_FIXTURES);
    OK(ks_write_file_atomic(conf, text, strlen(text)) == KS_OK);
    cmd = ks_sprintf("%s check --config %s 2>/dev/null", KIOSK_BIN, conf);
    INT_EQ(harness_run(cmd, &out), 1);
    STR_CONTAINS(out, "about.md:10: error:");
    free(out), free(cmd), free(text);
    /* --content still wins over the file. */
    cmd = ks_sprintf("%s check --config %s --content %s/check/good/content 2>/dev/null", KIOSK_BIN, conf, KIOSK_FIXTURES);
    INT_EQ(harness_run(cmd, &out), 0);
    free(out), free(cmd);
    /* $KIOSK_CONFIG is read when --config is not given. */
    OK(ks_write_file_atomic(conf, "[screen]\nrotate = 45\n", 21) == KS_OK);
    cmd = ks_sprintf("KIOSK_CONFIG=%s %s check --content %s/check/good/content 2>&1", conf, KIOSK_BIN, KIOSK_FIXTURES);
    INT_EQ(harness_run(cmd, &out), 2);
    STR_CONTAINS(out, "kiosk.conf:2: rotate: 0, 90, 180 or 270");
    free(out), free(cmd);
    cmd = ks_sprintf("%s render home -o %s/x.png --config %s 2>&1", KIOSK_BIN, dir, conf);
    INT_EQ(harness_run(cmd, &out), 2);
    STR_CONTAINS(out, "kiosk.conf:2: rotate:");
    free(out), free(cmd);
    /* kiosk render draws Home with the configured clinic name, as the kiosk does. */
    {
        char *a = ks_path_join(dir, "a.png"), *b = ks_path_join(dir, "b.png"), *pa = NULL, *pb = NULL;
        size_t la = 0, lb = 0;
        OK(ks_write_file_atomic(conf, "[clinic]\nname = Riverside Clinic\n", 33) == KS_OK);
        cmd = ks_sprintf("%s render home -o %s --content %s/content 2>/dev/null && %s render home -o %s --content %s/content "
                         "--config %s 2>/dev/null",
                         KIOSK_BIN, a, KIOSK_SOURCE_DIR, KIOSK_BIN, b, KIOSK_SOURCE_DIR, conf);
        INT_EQ(harness_run(cmd, &out), 0);
        OK(ks_read_file(a, 1 << 24, &pa, &la) == KS_OK && ks_read_file(b, 1 << 24, &pb, &lb) == KS_OK);
        OK(la > 0 && lb > 0 && (la != lb || memcmp(pa, pb, la) != 0));
        free(out), free(cmd), free(pa), free(pb);
        unlink(a), unlink(b), free(a), free(b);
    }
    unlink(conf);
    rmdir(dir);
    free(conf);
}

int main(void) {
    RUN(test_check_exit_codes);
    RUN(test_run_logs_why_empty);
    RUN(test_config_file);
    RUN(test_shipped_content_is_clean);
    RUN(test_usage_errors);
    return harness_done();
}
