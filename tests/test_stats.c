/* stats: counts are kept, summed, normalised, survive reopening, reset, and
 * a count made while another connection holds the file is not lost. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/stats.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

static char *tmp_db(void) {
    char dir[] = "/tmp/ks_stats_XXXXXX";
    if (!mkdtemp(dir)) return NULL;
    return ks_path_join(dir, "index.db");
}

static void cleanup(const char *db) {
    char *sp = ks_stats_default_path(db);
    char *wal = ks_sprintf("%s-wal", sp), *shm = ks_sprintf("%s-shm", sp);
    char *dir = ks_strndup(db, strrchr(db, '/') - db);
    unlink(sp);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    free(sp);
    free(wal);
    free(shm);
    free(dir);
}

static void test_default_path(void) {
    char *a = ks_stats_default_path("/var/lib/kiosk/index.db");
    char *b = ks_stats_default_path("kiosk-index");
    STR_EQ(a, "/var/lib/kiosk/index-stats.db");
    STR_EQ(b, "kiosk-index-stats.db");
    free(a);
    free(b);
}

static void test_normalise(void) {
    char *s;
    s = ks_stats_normalise_query("  Blood   THINNERS\t");
    STR_EQ(s, "blood thinners");
    free(s);
    s = ks_stats_normalise_query("born 12/03/1961 call 0612");
    STR_EQ(s, "born ##/##/#### call ####");
    free(s);
    s = ks_stats_normalise_query("   ");
    STR_EQ(s, "");
    free(s);
    s = ks_stats_normalise_query("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    INT_EQ(strlen(s), KS_STATS_MAX_QUERY);
    free(s);
    /* a cut never splits a UTF-8 sequence */
    s = ks_stats_normalise_query("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9");
    OK(ks_utf8_valid(s, strlen(s), NULL));
    INT_EQ(strlen(s), 63);
    free(s);
}

static void test_counts(void) {
    char *db = tmp_db();
    char *path = ks_stats_default_path(db);
    int err = 0;
    ks_stats *st = ks_stats_open(path, &err);
    ks_stats_list l;
    OK(st != NULL);
    if (!st) return;
    INT_EQ(ks_stats_count_view(st, "prolotherapy/risks"), 0);
    INT_EQ(ks_stats_count_view(st, "prolotherapy/risks"), 0);
    INT_EQ(ks_stats_count_view(st, "glossary"), 0);
    INT_EQ(ks_stats_count_empty_search(st, "Knee  Replacement"), 0);
    INT_EQ(ks_stats_count_empty_search(st, "knee replacement"), 0);
    INT_EQ(ks_stats_count_empty_search(st, "   "), KS_ERR_INVALID);
    INT_EQ(ks_stats_count_view(st, ""), KS_ERR_INVALID);
    INT_EQ(ks_stats_read(st, &l), 0);
    INT_EQ(l.n_views, 2);
    INT_EQ(l.total_views, 3);
    if (l.n_views == 2) {
        STR_EQ(l.views[0].key, "prolotherapy/risks");
        INT_EQ(l.views[0].count, 2);
        STR_EQ(l.views[1].key, "glossary");
        INT_EQ(l.views[1].count, 1);
    }
    INT_EQ(l.n_empty, 1);
    if (l.n_empty == 1) {
        STR_EQ(l.empty[0].key, "knee replacement");
        INT_EQ(l.empty[0].count, 2);
    }
    ks_stats_list_free(&l);
    ks_stats_close(st);

    /* reopened: still there */
    st = ks_stats_open(path, &err);
    OK(st != NULL);
    if (!st) return;
    INT_EQ(ks_stats_read(st, &l), 0);
    INT_EQ(l.total_views, 3);
    INT_EQ(l.total_empty, 2);
    ks_stats_list_free(&l);

    /* no column could hold a time or an order: only key and count */
    {
        sqlite3 *raw = NULL;
        sqlite3_stmt *s = NULL;
        int cols = 0;
        sqlite3_open(path, &raw);
        sqlite3_prepare_v2(raw, "SELECT count(*) FROM pragma_table_info('page_views')", -1, &s, NULL);
        if (sqlite3_step(s) == SQLITE_ROW) cols = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
        INT_EQ(cols, 2);
        sqlite3_close(raw);
    }

    INT_EQ(ks_stats_reset(st), 0);
    INT_EQ(ks_stats_read(st, &l), 0);
    INT_EQ(l.n_views, 0);
    INT_EQ(l.n_empty, 0);
    ks_stats_list_free(&l);
    ks_stats_close(st);
    free(path);
    cleanup(db);
    free(db);
}

/* Another connection holds a write lock: counting does not block long, the
 * count is kept and written once the file is free. */
static void test_busy(void) {
    char *db = tmp_db();
    char *path = ks_stats_default_path(db);
    int err = 0;
    ks_stats *st = ks_stats_open(path, &err);
    sqlite3 *other = NULL;
    ks_stats_list l;
    double t0;
    OK(st != NULL);
    if (!st) return;
    sqlite3_open(path, &other);
    OK(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
    t0 = ks_now_ms();
    OK(ks_stats_count_view(st, "about") < 0);
    OK(ks_now_ms() - t0 < 1000);
    INT_EQ(ks_stats_read(st, &l), 0); /* held counts are shown */
    INT_EQ(l.total_views, 1);
    ks_stats_list_free(&l);
    sqlite3_exec(other, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(other);
    INT_EQ(ks_stats_count_view(st, "about"), 0);
    ks_stats_close(st);
    st = ks_stats_open(path, &err);
    INT_EQ(ks_stats_read(st, &l), 0);
    INT_EQ(l.n_views, 1);
    if (l.n_views) INT_EQ(l.views[0].count, 2);
    ks_stats_list_free(&l);
    ks_stats_close(st);
    free(path);
    cleanup(db);
    free(db);
}

static void test_cannot_open(void) {
    int err = 0;
    ks_stats *st = ks_stats_open("/nonexistent-dir/x/stats.db", &err);
    OK(st == NULL);
    OK(err < 0);
    ks_stats_close(NULL);
}

int main(void) {
    RUN(test_default_path);
    RUN(test_normalise);
    RUN(test_counts);
    RUN(test_busy);
    RUN(test_cannot_open);
    return harness_done();
}
