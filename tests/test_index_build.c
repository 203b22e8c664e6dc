/* `kiosk index`'s first build of a large folder, which takes shortcuts a
 * small run does not: the records of the pages are written while the sync
 * runs (keyed before the sync by the generation it will make), and the
 * backup is a copy of the new file's bytes. Each is checked for what it
 * must give: records the next run can use, a backup that restores. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/store.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* At least the pages from which kiosk index writes its records early. */
#define PAGES 1100

static char root[] = "/tmp/kiosk-index-build-XXXXXX";

static int index_run(const char *content, const char *db, char **out) {
    char *cmd = ks_sprintf("%s index --quiet --content %s --db %s 2>/dev/null", KIOSK_BIN, content, db);
    int status = harness_run(cmd, out);
    free(cmd);
    return status;
}

static void write_page(const char *content, size_t i, const char *word) {
    char *path = ks_sprintf("%s/page-%04zu.md", content, i);
    char *text = ks_sprintf("---\ntitle: Page %zu\nsection: what-it-is\nsummary: About page %zu.\n"
                            "reviewed: 2026-11-01\n---\n\n# Page %zu\n\nPage %zu is about %s and knees.\n",
                            i, i, i, i, word);
    OK(ks_write_file_atomic(path, text, strlen(text)) == KS_OK);
    free(text);
    free(path);
}

/* `kiosk search --db db query` puts the page slug first. */
static void search_finds(const char *db, const char *query, const char *slug) {
    char *cmd = ks_sprintf("%s search --db %s %s", KIOSK_BIN, db, query), *out = NULL;
    char *named = ks_sprintf("(%s)", slug);
    INT_EQ(harness_run(cmd, &out), 0);
    char *nl = out ? strchr(out, '\n') : NULL;
    if (nl) *nl = '\0';
    OK(out && strncmp(out, " 1. ", 4) == 0 && strstr(out, named));
    if (out && !strstr(out, named)) fprintf(stderr, "  got: %.200s\n", out);
    free(out), free(cmd), free(named);
}

/* The records file beside db, read with the key kiosk index gives it (the
 * identity the index names and its generation), or NULL. */
static ks_store *records_as_keyed(const char *db, const char *records) {
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return NULL;
    char *identity = ks_index_note_get(ix, "records.identity");
    OK(identity != NULL);
    char *k = ks_sprintf("%s|%lld", identity ? identity : "", (long long)ks_index_generation(ix));
    ks_store *r = ks_store_load_records(records, ks_hash64(k, strlen(k)));
    free(k);
    free(identity);
    ks_index_close(ix);
    return r;
}

static void test_first_build(void) {
    char *content = ks_path_join(root, "content"), *db = ks_path_join(root, "index.db");
    char *records = ks_path_join(root, "index-records.bin"), *early = ks_sprintf("%s.build", records);
    char *bak = ks_sprintf("%s.backup", db), *out = NULL;
    mkdir(content, 0755);
    for (size_t i = 0; i < PAGES; i++) write_page(content, i, "ligaments");

    INT_EQ(index_run(content, db, &out), 0);
    STR_CONTAINS(out, "1100 added, 0 changed, 0 removed, 0 unchanged, 0 kept, 0 skipped (");
    free(out);
    /* the records written during the sync are in place, under the key the
     * index names: the next run can use them */
    ks_store *r = records_as_keyed(db, records);
    OK(r != NULL);
    if (r) INT_EQ(ks_store_page_count(r), PAGES);
    ks_store_free(r);
    OK(access(early, F_OK) != 0);

    /* a backup that restores: the index emptied, the next run takes the
     * backup and finds the folder unchanged */
    struct stat st;
    OK(stat(bak, &st) == 0 && st.st_size > 0);
    OK(truncate(db, 0) == 0);
    INT_EQ(index_run(content, db, &out), 0);
    STR_CONTAINS(out, "0 added, 0 changed, 0 removed, 1100 unchanged");
    free(out);
    search_finds(db, "page 1099", "page-1099");

    /* one page changed: read again and indexed, the others as they were */
    write_page(content, 7, "tendons");
    INT_EQ(index_run(content, db, &out), 0);
    STR_CONTAINS(out, "0 added, 1 changed, 0 removed, 1099 unchanged");
    free(out);
    search_finds(db, "tendons", "page-0007");
    r = records_as_keyed(db, records);
    OK(r != NULL);
    if (r) INT_EQ(ks_store_page_count(r), PAGES);
    ks_store_free(r);

    OK(harness_rm_rf(root) == 0);
    free(content), free(db), free(records), free(early), free(bak);
}

int main(void) {
    OK(mkdtemp(root) != NULL);
    RUN(test_first_build);
    return harness_done();
}
