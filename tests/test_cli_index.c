/* `kiosk index` from the command line: what it prints and its exit status,
 * including the quick answer when nothing in the folder changed (no page is
 * read then) and that it still reports the pages kept or skipped. */
#include "harness.h"
#include "kiosk/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *good_page =
    "---\ntitle: Knee pain\nsection: what-it-is\nsummary: About knees.\nreviewed: 2026-11-01\n---\n\n"
    "# Knee pain\n\nThe knee is a joint. It can hurt after a fall.\n";

static int index_run(const char *content, const char *db, char **out) {
    char *cmd = ks_sprintf("%s index --content %s --db %s 2>/dev/null", KIOSK_BIN, content, db);
    int status = harness_run(cmd, out);
    free(cmd);
    return status;
}

static void test_index_runs(void) {
    char tmpl[] = "/tmp/kiosk-cli-index-XXXXXX";
    char *root = mkdtemp(tmpl);
    OK(root != NULL);
    if (!root) return;
    char *content = ks_path_join(root, "content"), *db = ks_path_join(root, "index.db");
    char *about = ks_path_join(content, "about.md"), *extra = ks_path_join(content, "extra.md");
    mkdir(content, 0755);
    ks_write_file_atomic(about, good_page, strlen(good_page));
    char *out;

    INT_EQ(index_run(content, db, &out), 0);
    STR_CONTAINS(out, "added     about\n");
    STR_CONTAINS(out, "1 added, 0 changed, 0 removed, 0 unchanged, 0 kept, 0 skipped (");
    free(out);

    /* nothing changed: the same answer, nothing written */
    INT_EQ(index_run(content, db, &out), 0);
    STR_CONTAINS(out, "0 added, 0 changed, 0 removed, 1 unchanged, 0 kept, 0 skipped; nothing written (");
    free(out);

    /* a new broken page: skipped, exit 1, and the same again on a repeat */
    const char *broken = "---\ntitle: [oops\n---\n\nText.\n";
    ks_write_file_atomic(extra, broken, strlen(broken));
    INT_EQ(index_run(content, db, &out), 1);
    STR_CONTAINS(out, "skipped   extra  (has errors: not indexed; run 'kiosk check')\n");
    STR_CONTAINS(out, "0 added, 0 changed, 0 removed, 1 unchanged, 0 kept, 1 skipped");
    free(out);
    INT_EQ(index_run(content, db, &out), 1);
    STR_CONTAINS(out, "skipped   extra  (has errors: not indexed; run 'kiosk check')\n");
    STR_CONTAINS(out, "0 added, 0 changed, 0 removed, 1 unchanged, 0 kept, 1 skipped; nothing written (");
    free(out);

    /* an edit is seen at once (the quick answer never hides a change) */
    unlink(extra);
    const char *edited = "---\ntitle: Knee pain\nsection: what-it-is\nsummary: About knees.\n"
                         "reviewed: 2026-11-01\n---\n\n# Knee pain\n\nThe knee can swell.\n";
    ks_write_file_atomic(about, edited, strlen(edited));
    INT_EQ(index_run(content, db, &out), 0);
    STR_CONTAINS(out, "changed   about\n");
    STR_CONTAINS(out, "0 added, 1 changed, 0 removed, 0 unchanged, 0 kept, 0 skipped (");
    free(out);

    /* the same index and another folder: no answer borrowed from the first */
    char *content2 = ks_path_join(root, "content2"), *about2 = ks_path_join(content2, "about.md");
    mkdir(content2, 0755);
    ks_write_file_atomic(about2, edited, strlen(edited));
    INT_EQ(index_run(content2, db, &out), 0);
    OK(strstr(out, "; nothing written") != NULL); /* the same page and hash */
    STR_CONTAINS(out, "0 added, 0 changed, 0 removed, 1 unchanged");
    free(out);

    /* Across runs the store's records are reused (index-records.bin); the
     * checks between pages must still be right: a link whose target goes
     * away breaks the linking page, which is unchanged on disk. */
    char *knee = ks_path_join(content, "knee.md");
    const char *linking = "---\ntitle: Knee pain\nsection: what-it-is\nsummary: About knees.\n"
                          "reviewed: 2026-11-01\n---\n\n# Knee pain\n\nThe knee can swell. See [more](knee.md).\n";
    const char *more = "---\ntitle: More on knees\nsection: what-it-is\nsummary: More.\n"
                       "reviewed: 2026-11-01\n---\n\n# More\n\nKnees bend gently.\n";
    ks_write_file_atomic(about, linking, strlen(linking));
    ks_write_file_atomic(knee, more, strlen(more));
    INT_EQ(index_run(content, db, &out), 0);
    STR_CONTAINS(out, "0 removed, 0 unchanged, 0 kept, 0 skipped");
    free(out);
    char *records = ks_path_join(root, "index-records.bin");
    struct stat st;
    OK(stat(records, &st) == 0 && st.st_size > 0);
    unlink(knee);
    INT_EQ(index_run(content, db, &out), 1);
    STR_CONTAINS(out, "kept      about  (has errors: its last good version stays; run 'kiosk check')\n");
    STR_CONTAINS(out, "removed   knee\n");
    STR_CONTAINS(out, "0 added, 0 changed, 1 removed, 0 unchanged, 1 kept, 0 skipped");
    free(out);
    ks_write_file_atomic(knee, more, strlen(more));
    INT_EQ(index_run(content, db, &out), 0);
    STR_CONTAINS(out, "added     knee\n");
    STR_CONTAINS(out, "1 added, 0 changed, 0 removed, 1 unchanged, 0 kept, 0 skipped");
    free(out);

    /* A new index beside an old records file: the records vouch for pages
     * this index does not hold, so they are not used; every page is
     * indexed whole (searchable by its text). */
    char *side[] = {"", "-wal", "-shm", "-stats.db"};
    for (size_t i = 0; i < 4; i++) {
        char *f = ks_sprintf("%s%s", db, side[i]);
        unlink(f);
        free(f);
    }
    OK(stat(records, &st) == 0);
    INT_EQ(index_run(content, db, &out), 0);
    STR_CONTAINS(out, "2 added, 0 changed, 0 removed, 0 unchanged");
    free(out);
    char *cmd = ks_sprintf("%s search --db %s bend gently", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "knee");
    free(out);
    free(cmd);
    cmd = ks_sprintf("%s search --db %s can swell", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out, "about");
    free(out);
    free(cmd);

    unlink(about2), rmdir(content2), unlink(about), unlink(knee), rmdir(content);
    unlink(records);
    free(records), free(knee);
    for (size_t i = 0; i < 4; i++) {
        char *f = ks_sprintf("%s%s", db, side[i]);
        unlink(f);
        free(f);
    }
    rmdir(root);
    free(content), free(db), free(about), free(extra), free(content2), free(about2);
}

int main(void) {
    RUN(test_index_runs);
    return harness_done();
}
