/* The `kiosk` binary's contract for `check` and for bad usage: what it
 * prints and the exit status outside checks rely on. */
#include "harness.h"
#include "kiosk/base.h"

#include <stdio.h>
#include <stdlib.h>
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

    cmd = ks_sprintf("%s check --content /nonexistent/folder 2>&1", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 2);
    STR_CONTAINS(out, "cannot read the content folder '/nonexistent/folder'");
    free(out), free(cmd);
}

static void test_shipped_content_is_clean(void) {
    char *out, *cmd = ks_sprintf("%s check --content %s/content 2>/dev/null", KIOSK_BIN, KIOSK_SOURCE_DIR);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_EQ(out, ""); /* no errors and no warnings either */
    free(out), free(cmd);
}

static void test_usage_errors(void) {
    char *out, *cmd;
    cmd = ks_sprintf("%s check --frobnicate 2>&1", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 2);
    STR_CONTAINS(out, "unknown option '--frobnicate'");
    free(out), free(cmd);

    cmd = ks_sprintf("%s check --content 2>&1", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 2);
    STR_CONTAINS(out, "--content needs a value");
    free(out), free(cmd);

    cmd = ks_sprintf("%s frobnicate 2>&1", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 2);
    STR_CONTAINS(out, "unknown command 'frobnicate'");
    free(out), free(cmd);

    cmd = ks_sprintf("%s check --help", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "usage: kiosk check");
    free(out), free(cmd);

    cmd = ks_sprintf("%s --help", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "check");
    free(out), free(cmd);
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
    unlink(conf);
    rmdir(dir);
    free(conf);
}

int main(void) {
    RUN(test_check_exit_codes);
    RUN(test_config_file);
    RUN(test_shipped_content_is_clean);
    RUN(test_usage_errors);
    return harness_done();
}
