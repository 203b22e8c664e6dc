/* The clinic's own details in the pages ({{clinic.phone}} and the like),
 * through the commands: `kiosk check` reports an unknown placeholder with
 * its line, `kiosk render` draws the configured words, and `kiosk index` /
 * `kiosk search` find them and forget them when the configuration
 * changes (no stale text left in the index). */
#include "harness.h"
#include "kiosk/base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp[] = "/tmp/kiosk-test-placeholders-XXXXXX";

static char *write_conf(const char *name, const char *text) {
    char *path = ks_path_join(tmp, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(char **out, const char *fmt, ...) {
    va_list ap;
    ks_buf b = {0};
    int rc;
    va_start(ap, fmt);
    ks_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    rc = harness_run(b.data, out);
    ks_buf_free(&b);
    return rc;
}

static int same_file(const char *a, const char *b) {
    char *cmd = ks_sprintf("cmp -s '%s' '%s'", a, b);
    int rc = system(cmd);
    free(cmd);
    return rc == 0;
}

static void test_check(void) {
    char *out;
    char *conf = write_conf("a.conf", "[clinic]\nphone = 555-0100\n");
    INT_EQ(run(&out, "%s check --content %s/check/placeholders/content --config %s 2>/dev/null", KIOSK_BIN,
               KIOSK_FIXTURES, conf),
           1);
    STR_EQ(out, "about.md:12: error: '{{clinic.fax}}' is not a placeholder the kiosk can fill in (it knows "
                "{{clinic.name}}, {{clinic.phone}}, {{clinic.urgent_phone}}, {{clinic.emergency_number}})\n");
    free(out);
    INT_EQ(run(&out, "%s check --content %s/placeholders/content --config %s 2>/dev/null", KIOSK_BIN,
               KIOSK_FIXTURES, conf),
           0);
    STR_EQ(out, "");
    free(out);
    free(conf);
}

static void test_render(void) {
    char *out;
    char *a = write_conf("a.conf", "[clinic]\nname = Riverside Clinic\nurgent_phone = 555-0199\n");
    char *b = write_conf("b.conf", "[clinic]\nname = Riverside Clinic\nurgent_phone = 555-0777\n");
    char *pa = ks_path_join(tmp, "a.png"), *pa2 = ks_path_join(tmp, "a2.png"), *pb = ks_path_join(tmp, "b.png"),
         *pn = ks_path_join(tmp, "none.png");
    const char *content = KIOSK_FIXTURES "/placeholders/content";
    INT_EQ(run(&out, "%s render help --content %s --config %s -o %s", KIOSK_BIN, content, a, pa), 0);
    free(out);
    INT_EQ(run(&out, "%s render help --content %s --config %s -o %s", KIOSK_BIN, content, a, pa2), 0);
    free(out);
    INT_EQ(run(&out, "%s render help --content %s --config %s -o %s", KIOSK_BIN, content, b, pb), 0);
    free(out);
    char *empty = write_conf("empty.conf", "# nothing set\n");
    INT_EQ(run(&out, "%s render help --content %s --config %s -o %s", KIOSK_BIN, content, empty, pn), 0);
    free(empty);
    free(out);
    /* the same configuration draws the same pixels; another number, others */
    OK(same_file(pa, pa2));
    OK(!same_file(pa, pb));
    OK(!same_file(pa, pn));
    /* and the page screen too */
    INT_EQ(run(&out, "%s render page:help --content %s --config %s -o %s", KIOSK_BIN, content, a, pa), 0);
    free(out);
    INT_EQ(run(&out, "%s render page:help --content %s --config %s -o %s", KIOSK_BIN, content, b, pb), 0);
    free(out);
    OK(!same_file(pa, pb));
    free(a), free(b), free(pa), free(pa2), free(pb), free(pn);
}

static void test_index_and_search(void) {
    char *out;
    char *a = write_conf("a.conf", "[clinic]\nname = Riverside Clinic\nurgent_phone = 555-0199\n");
    char *b = write_conf("b.conf", "[clinic]\nname = Riverside Clinic\nurgent_phone = 555-0777\n");
    char *db = ks_path_join(tmp, "index.db");
    const char *content = KIOSK_FIXTURES "/placeholders/content";

    INT_EQ(run(&out, "%s index --content %s --config %s --db %s", KIOSK_BIN, content, a, db), 0);
    free(out);
    INT_EQ(run(&out, "%s search --db %s 0199", KIOSK_BIN, db), 0);
    STR_CONTAINS(out, "(help)");
    STR_CONTAINS(out, "Call 555\xE2\x80\x91[0199] now"); /* a no-break hyphen: the number stays whole */
    free(out);
    INT_EQ(run(&out, "%s search --db %s riverside", KIOSK_BIN, db), 0);
    STR_CONTAINS(out, "Calling Riverside Clinic  (help)");
    free(out);

    /* the same configuration again: nothing to do */
    INT_EQ(run(&out, "%s index --content %s --config %s --db %s", KIOSK_BIN, content, a, db), 0);
    STR_CONTAINS(out, "nothing written");
    free(out);

    /* a new urgent number: the page that shows it is rewritten, the other
     * is not, and the old number is gone from the index */
    INT_EQ(run(&out, "%s index --content %s --config %s --db %s", KIOSK_BIN, content, b, db), 0);
    STR_CONTAINS(out, "changed   help\n");
    STR_CONTAINS(out, "0 added, 1 changed, 0 removed, 1 unchanged");
    free(out);
    INT_EQ(run(&out, "%s search --db %s 0199", KIOSK_BIN, db), 0);
    OK(strstr(out, "(help)") == NULL);
    free(out);
    INT_EQ(run(&out, "%s search --db %s 0777", KIOSK_BIN, db), 0);
    STR_CONTAINS(out, "Call 555\xE2\x80\x91[0777] now");
    free(out);

    /* no configuration at all: the words that always work */
    char *empty = write_conf("empty.conf", "# nothing set\n");
    INT_EQ(run(&out, "%s index --content %s --config %s --db %s", KIOSK_BIN, content, empty, db), 0);
    free(empty);
    free(out);
    INT_EQ(run(&out, "%s search --db %s emergency", KIOSK_BIN, db), 0);
    STR_CONTAINS(out, "Call the front desk now if you have a fever. In an [emergency], call your local [emergency]");
    free(out);
    free(a), free(b), free(db);
}

/* The running kiosk: the page it shows and the index its watcher keeps. */
static void test_run(void) {
    char *out;
    char *a = write_conf("a.conf", "[clinic]\nname = Riverside Clinic\nurgent_phone = 555-0199\n");
    char *db = ks_path_join(tmp, "run.db");
    INT_EQ(run(&out,
               "printf 'open page:help\\nshown\\nquit\\n' | SDL_VIDEODRIVER=dummy %s run --script - --content %s "
               "--config %s --db %s 2>/dev/null",
               KIOSK_BIN, KIOSK_FIXTURES "/placeholders/content", a, db),
           0);
    STR_CONTAINS(out, "help stale=0 Calling Riverside Clinic For questions, call the front desk. When to get help "
                      "Call 555\xE2\x80\x91" "0199 now if you have a fever.");
    free(out);
    INT_EQ(run(&out, "%s search --db %s 0199", KIOSK_BIN, db), 0);
    STR_CONTAINS(out, "(help)");
    free(out);
    free(a), free(db);
}

int main(void) {
    char *cmd;
    if (!mkdtemp(tmp)) return 2;
    RUN(test_check);
    RUN(test_render);
    RUN(test_index_and_search);
    RUN(test_run);
    cmd = ks_sprintf("rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    free(cmd);
    return harness_done();
}
