/* kiosk index's shortcut in the sync (ks_index_set_trust_reused): the
 * pages reused from a records file saved for the index's generation are
 * taken as the index holds them, without reading their rows. Every step
 * loads the folder once (reusing the records, as kiosk index does) and
 * syncs it into two copies of the index, one reading every row and one
 * trusting the records: the reports and the indexes must be the same,
 * whatever changed (a page edited, added, removed, broken, fixed back, the
 * synonyms). Then that the shortcut is really taken (a lie the records
 * tell is believed), and not taken once another writer moved the
 * generation. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[] = "/tmp/kiosk-index-trust-XXXXXX";
static char *content, *full_db, *fast_db, *records;

static uint64_t key_of(int64_t generation) {
    char *s = ks_sprintf("trust|%lld", (long long)generation);
    uint64_t k = ks_hash64(s, strlen(s));
    free(s);
    return k;
}

static void write_page(const char *name, const char *title, const char *text) {
    char *path = ks_path_join(content, name);
    char *md = ks_sprintf("---\ntitle: %s\nsection: risks\nsummary: About %s.\nreviewed: 2026-11-01\n---\n\n"
                          "# %s\n\n%s\n", title, title, title, text);
    OK(ks_write_file_atomic(path, md, strlen(md)) == KS_OK);
    free(md);
    free(path);
}

static void write_raw(const char *name, const char *text) {
    char *path = ks_path_join(content, name);
    OK(ks_write_file_atomic(path, text, strlen(text)) == KS_OK);
    free(path);
}

/* Everything a sync writes that search or the next sync reads, as text. */
static char *dump(const char *db_path) {
    static const char *const sql[] = {
        "SELECT id, slug, hash, bad_hash, title, summary, keywords FROM pages ORDER BY slug",
        "SELECT rowid, title, keywords, head, body FROM fts ORDER BY rowid",
        "SELECT word, df, hdf FROM vocab ORDER BY word",
        "SELECT * FROM synonyms ORDER BY 1, 2",
        "SELECT key, value FROM meta WHERE key NOT LIKE 'note:%' ORDER BY key",
        "SELECT id, markdown FROM sources ORDER BY id",
    };
    ks_buf b = {0};
    sqlite3 *db;
    OK(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    for (size_t q = 0; q < sizeof sql / sizeof *sql; q++) {
        sqlite3_stmt *st;
        OK(sqlite3_prepare_v2(db, sql[q], -1, &st, NULL) == SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW)
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const char *v = (const char *)sqlite3_column_text(st, c);
                ks_buf_printf(&b, "%s%c", v ? v : "NULL", c + 1 < sqlite3_column_count(st) ? '|' : '\n');
            }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return b.data ? b.data : ks_strdup("");
}

static char *report_text(const ks_index_report *r) {
    const ks_index_list *lists[] = {&r->added, &r->changed, &r->removed, &r->unchanged, &r->kept, &r->skipped};
    ks_buf b = {0};
    for (size_t l = 0; l < 6; l++) {
        ks_buf_printf(&b, "%zu:", lists[l]->n);
        for (size_t i = 0; i < lists[l]->n; i++) ks_buf_printf(&b, " %s", lists[l]->slugs[i]);
        ks_buf_putc(&b, '\n');
    }
    ks_buf_printf(&b, "wrote %d synonyms %d generation %lld\n", r->wrote, r->synonyms_changed,
                  (long long)r->generation);
    return b.data;
}

/* Sync store into db; trust: at the generation the records were keyed
 * with (-1: read every row). The report as text. */
static char *sync_into(const char *db, const ks_store *store, int64_t trust) {
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return ks_strdup("");
    ks_index_set_trust_reused(ix, trust);
    ks_index_report r;
    INT_EQ(ks_index_sync(ix, store, &r), 0);
    char *text = report_text(&r);
    ks_index_report_free(&r);
    ks_index_close(ix);
    return text;
}

static int64_t generation_of(const char *db) {
    ks_index *ix = ks_index_open(db, NULL);
    int64_t g = ix ? ks_index_generation(ix) : -1;
    ks_index_close(ix);
    return g;
}

/* One run: the folder loaded as kiosk index loads it, synced into both
 * copies; the same report and index from each. Returns the report. */
static char *step(const char *what) {
    int64_t g = generation_of(fast_db);
    INT_EQ(generation_of(full_db), g);
    ks_store *prev = ks_store_load_records(records, key_of(g)), *store;
    int err;
    store = ks_store_load_from(content, prev, NULL, &err);
    ks_store_free(prev);
    OK(store != NULL);
    if (!store) return ks_strdup("");
    char *full = sync_into(full_db, store, -1), *fast = sync_into(fast_db, store, prev ? g : -1);
    STR_EQ(fast, full);
    if (strcmp(fast, full) != 0) fprintf(stderr, "  after: %s\n", what);
    char *a = dump(full_db), *b = dump(fast_db);
    OK(strcmp(a, b) == 0);
    if (strcmp(a, b) != 0) fprintf(stderr, "  the indexes differ after: %s\n", what);
    OK(ks_store_save_records(store, records, key_of(generation_of(fast_db))) == KS_OK);
    free(a), free(b), free(full);
    ks_store_free(store);
    return fast;
}

static void expect_step(const char *what, const char *want) {
    char *got = step(what);
    STR_CONTAINS(got, want);
    free(got);
}

static void test_same_as_full(void) {
    mkdir(content, 0755);
    char *knee = ks_path_join(content, "knee");
    mkdir(knee, 0755);
    free(knee);
    for (int i = 0; i < 12; i++) {
        char name[32], title[32];
        snprintf(name, sizeof name, "page-%02d.md", i);
        snprintf(title, sizeof title, "Page %d", i);
        write_page(name, title, "Dextrose shots help a weak ligament heal.");
    }
    write_page("knee/index.md", "Knee", "The knee joint and its ligaments.");
    write_raw("synonyms.txt", "sugar water = dextrose\n");
    expect_step("a first build", "13: knee/index");
    expect_step("nothing changed", "0:\n0:\n0:\n13: knee/index");
    write_page("page-03.md", "Page 3", "Now about tendons instead.");
    expect_step("one page edited", "1: page-03\n");
    write_page("page-12.md", "Page 12", "A new page about ozone.");
    expect_step("one page added", "1: page-12\n0:\n0:\n");
    char *gone = ks_path_join(content, "page-05.md");
    OK(unlink(gone) == 0);
    free(gone);
    expect_step("one page removed", "0:\n0:\n1: page-05\n");
    write_raw("page-07.md", "---\ntitle: [oops\n---\n\nText.\n");
    expect_step("one page broken", "1: page-07\n0:\n"); /* kept */
    write_page("page-07.md", "Page 7", "Dextrose shots help a weak ligament heal.");
    expect_step("the broken page fixed back", "0:\n0:\n0:\n13:");
    write_raw("page-13.md", "---\ntitle: [oops\n---\n\nText.\n");
    expect_step("a new broken page", "0:\n1: page-13\n"); /* skipped */
    write_raw("synonyms.txt", "sugar water = dextrose\nknee cap = patella\n");
    expect_step("the synonyms changed", "synonyms 1");
    write_page("knee/index.md", "Knee", "The knee joint, its ligaments and tendons.");
    write_page("page-00.md", "Page 0", "Page zero, edited.");
    expect_step("two pages edited", "2: knee/index page-00\n");
}

/* The row of slug in db given another hash, as a lie the records would
 * tell (or another writer's work, when generation too). */
static void tamper(const char *db_path, const char *slug, int generation_too) {
    sqlite3 *db;
    OK(sqlite3_open(db_path, &db) == SQLITE_OK);
    char *sql = sqlite3_mprintf("UPDATE pages SET hash = hash + 1 WHERE slug = %Q;%s", slug,
                                generation_too ? "UPDATE meta SET value = value + 1 WHERE key = 'generation';" : "");
    OK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_free(sql);
    sqlite3_close(db);
}

static void test_shortcut_taken(void) {
    /* the folder as test_same_as_full left it, the records saved */
    int64_t g = generation_of(fast_db);
    ks_store *prev = ks_store_load_records(records, key_of(g));
    OK(prev != NULL);
    int err;
    ks_store *store = ks_store_load_from(content, prev, NULL, &err);
    OK(store != NULL);
    if (!store) return;
    INT_EQ(ks_store_reused_count(store), 13);
    /* page-01's row says another hash: reading the rows finds it changed,
     * trusting the records does not look */
    tamper(fast_db, "page-01", 0);
    char *r = sync_into(fast_db, store, g);
    STR_CONTAINS(r, "0:\n0:\n0:\n13:");
    free(r);
    /* another writer moved the generation since the records were read:
     * no trust, every row read, page-01 found changed */
    tamper(fast_db, "page-02", 1);
    r = sync_into(fast_db, store, g);
    STR_CONTAINS(r, "2: page-01 page-02\n");
    free(r);
    ks_store_free(store);
    ks_store_free(prev);
}

int main(void) {
    OK(mkdtemp(root) != NULL);
    content = ks_path_join(root, "content");
    full_db = ks_path_join(root, "full.db");
    fast_db = ks_path_join(root, "fast.db");
    records = ks_path_join(root, "records.bin");
    RUN(test_same_as_full);
    RUN(test_shortcut_taken);
    OK(harness_rm_rf(root) == 0);
    free(content), free(full_db), free(fast_db), free(records);
    return harness_done();
}
