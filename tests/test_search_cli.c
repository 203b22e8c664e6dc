/* `kiosk index` and `kiosk search` as outside checks use them: exit
 * statuses, what is printed, one JSON array per query, --stdin answering
 * line by line, and hostile input through the command line. Drives the
 * kiosk binary (KIOSK_BIN) on tests/fixtures/search-content. */
#include "harness.h"

#include "kiosk/base.h"

#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[256];

/* Run a shell command; its stdout into *out (caller frees), exit status
 * returned. */
static size_t count_lines(const char *s) {
    size_t n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* Every line is one JSON array: starts with [ and ends with ]. */
static int lines_are_arrays(const char *s) {
    while (*s) {
        const char *nl = strchr(s, '\n');
        if (!nl || s[0] != '[' || nl[-1] != ']') return 0;
        s = nl + 1;
    }
    return 1;
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/kiosk-test-search-cli-XXXXXX");
    if (!mkdtemp(tmpdir)) return 2;
    char *content = ks_path_join(tmpdir, "content");
    char *db = ks_path_join(tmpdir, "index.db");
    char *cmd, *out;
    int rc;

    cmd = ks_sprintf("cp -r '%s/search-content' '%s'", KIOSK_FIXTURES, content);
    INT_EQ(harness_run(cmd, NULL), 0);
    free(cmd);

    /* index: added, then nothing */
    cmd = ks_sprintf("'%s' index --content '%s' --db '%s' 2>&1", KIOSK_BIN, content, db);
    rc = harness_run(cmd, &out);
    INT_EQ(rc, 0);
    STR_CONTAINS(out, "added     prolotherapy/risks");
    STR_CONTAINS(out, "3 added, 0 changed, 0 removed, 0 unchanged");
    free(out);
    rc = harness_run(cmd, &out);
    INT_EQ(rc, 0);
    STR_CONTAINS(out, "0 added, 0 changed, 0 removed, 3 unchanged, 0 kept, 0 skipped; nothing written");
    free(out);

    /* staff break a page: it is kept, named, and the status says so */
    char *risks = ks_path_join(content, "prolotherapy/risks.md");
    FILE *f = fopen(risks, "w");
    if (f) {
        fputs("---\ntitle: [unclosed\n---\n\n# Oops\n", f);
        fclose(f);
    }
    rc = harness_run(cmd, &out);
    INT_EQ(rc, 1);
    STR_CONTAINS(out, "kept      prolotherapy/risks");
    free(out);
    free(cmd);

    /* search: readable list */
    cmd = ks_sprintf("'%s' search --db '%s' sugar water", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, " 1. Prolotherapy  (prolotherapy/index)");
    STR_CONTAINS(out, "[dextrose]");
    free(out);
    free(cmd);
    /* the kept page is still found */
    cmd = ks_sprintf("'%s' search --db '%s' --limit 1 'swelling '", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "prolotherapy/risks");
    free(out);
    free(cmd);
    cmd = ks_sprintf("'%s' search --db '%s' 'ligamnet '", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "Did you mean: ligament");
    free(out);
    free(cmd);
    cmd = ks_sprintf("'%s' search --db '%s' qqqqqq", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "No results");
    free(out);
    free(cmd);

    /* --json: exactly one array per query, "corrected" on each element */
    cmd = ks_sprintf("'%s' search --db '%s' --json blood thinner", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    INT_EQ(count_lines(out), 1);
    OK(lines_are_arrays(out));
    STR_CONTAINS(out, "\"slug\":\"glossary\"");
    STR_CONTAINS(out, "\"highlights\":[[");
    free(out);
    free(cmd);
    cmd = ks_sprintf("'%s' search --db '%s' --json --limit 1 'ligamnet '", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    OK(lines_are_arrays(out));
    STR_CONTAINS(out, "\"corrected\":\"ligament\"");
    free(out);
    free(cmd);
    cmd = ks_sprintf("'%s' search --db '%s' --json qqqqqq", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_EQ(out, "[]\n");
    free(out);
    free(cmd);

    /* --stdin: one line per query, hostile lines included */
    char *input = ks_path_join(tmpdir, "queries.txt");
    f = fopen(input, "wb");
    if (f) {
        fputs("sugar water\n\ndon't\n5% dextrose\nc++\nozone?\n+ozone\nAND\nOR x\nNEAR(\n(x\n\"\n"
              "blood-thinner\nfoo:bar\n*\n\xff\xfe\xc3\n🙂 jab\n\x01\x02\x03\n",
              f);
        for (int i = 0; i < 10240; i++) fputc("ab \"(*"[i % 6], f);
        fputs("\nlast line without newline", f);
        fclose(f);
    }
    cmd = ks_sprintf("'%s' search --db '%s' --stdin --json < '%s'", KIOSK_BIN, db, input);
    INT_EQ(harness_run(cmd, &out), 0);
    INT_EQ(count_lines(out), 20);
    OK(lines_are_arrays(out));
    free(out);
    free(cmd);
    cmd = ks_sprintf("'%s' search --db '%s' --stdin < '%s'", KIOSK_BIN, db, input);
    INT_EQ(harness_run(cmd, &out), 0);
    free(out);
    free(cmd);
    /* hostile text as arguments */
    cmd = ks_sprintf("'%s' search --db '%s' --json -- '-ozone' 'NEAR(' '\"' '*' 'c++'", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    OK(lines_are_arrays(out));
    free(out);
    free(cmd);

    /* usage and missing index */
    cmd = ks_sprintf("'%s' search --db '%s' 2>/dev/null", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, NULL), 2);
    free(cmd);
    cmd = ks_sprintf("'%s' search --db '%s' --limit 0 x 2>/dev/null", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, NULL), 2);
    free(cmd);
    cmd = ks_sprintf("'%s' search --db '%s' --bogus x 2>/dev/null", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, NULL), 2);
    free(cmd);
    cmd = ks_sprintf("'%s' search --db '%s/none.db' x 2>&1", KIOSK_BIN, tmpdir);
    INT_EQ(harness_run(cmd, &out), 2);
    STR_CONTAINS(out, "kiosk index");
    free(out);
    free(cmd);
    cmd = ks_sprintf("'%s' search --help", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "--stdin");
    free(out);
    free(cmd);
    cmd = ks_sprintf("'%s' index --help", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "--db FILE");
    free(out);
    free(cmd);
    cmd = ks_sprintf("'%s' index --content '%s/nonexistent' --db '%s' 2>/dev/null", KIOSK_BIN, tmpdir, db);
    INT_EQ(harness_run(cmd, NULL), 2);
    free(cmd);

    cmd = ks_sprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    free(cmd);
    free(input);
    free(risks);
    free(content);
    free(db);
    return harness_done();
}
