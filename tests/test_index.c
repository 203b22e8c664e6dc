/* index: sync by hash (add, change, remove, nothing), broken pages kept or
 * skipped, synonyms, the vocabulary, schema versions and foreign files, and
 * a process killed in the middle of a sync. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/store.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[256];

static char *tmp_path(const char *name) {
    return ks_path_join(tmpdir, name);
}

/* A hand-made page (no store needed). Strings are static or leaked into the
 * test's lifetime via the arrays below. */
typedef struct tpage {
    ks_page p;
    ks_heading h[2];
    char *kw[2];
} tpage;

static void make_page(tpage *t, const char *slug, const char *title, const char *text, int errors) {
    memset(t, 0, sizeof *t);
    t->p.slug = slug;
    t->p.path = slug;
    const char *slash = strchr(slug, '/');
    t->p.topic = slash ? "topic" : "";
    t->p.section = slash && strstr(slug, "/index") ? "overview" : "risks";
    t->p.is_topic_index = slash && strstr(slug, "/index") != NULL;
    t->p.title = title;
    t->p.summary = "A summary sentence.";
    t->p.reviewed = "2026-11-01";
    t->p.order = 3;
    t->kw[0] = "keyword one";
    t->kw[1] = "side effects";
    t->p.keywords = t->kw;
    t->p.n_keywords = 2;
    t->p.markdown = text;
    t->p.body_line = 8;
    t->p.text = text;
    t->h[0].level = 1;
    t->h[0].text = (char *)title;
    t->h[1].level = 2;
    t->h[1].text = "A heading";
    t->p.headings = t->h;
    t->p.n_headings = 2;
    t->p.errors = errors;
    ks_buf b = {0};
    ks_buf_printf(&b, "%s\n%s\n%s", slug, title, text);
    t->p.hash = ks_hash64(b.data, b.len);
    ks_buf_free(&b);
}

static int sync_tp(ks_index *ix, tpage *tp, size_t n, ks_index_report *r) {
    const ks_page *pages[16];
    for (size_t i = 0; i < n; i++) pages[i] = &tp[i].p;
    return ks_index_sync_pages(ix, pages, n, NULL, 0, 0, r);
}

static int list_has(const ks_index_list *l, const char *slug) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->slugs[i], slug) == 0) return 1;
    return 0;
}

static long long db_int(const char *db_path, const char *sql) {
    sqlite3 *db;
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return -2;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

static void test_words(void) {
    const char *s = "Café don't ÉTÉ 5% c++ naïve\xff\xfe""bad 🙂emoji blood-thinner";
    const char *want[] = {"cafe", "don", "t", "ete", "5", "c", "naive", "bad", "emoji", "blood", "thinner"};
    char w[64];
    size_t pos = 0, n = 0, start, end;
    while (ks_index_next_word(s, strlen(s), &pos, w, sizeof w, &start, &end)) {
        if (n < sizeof want / sizeof want[0]) STR_EQ(w, want[n]);
        OK(end > start && end <= strlen(s));
        n++;
    }
    INT_EQ(n, sizeof want / sizeof want[0]);
    /* a word longer than the buffer is cut at a character boundary */
    pos = 0;
    size_t k = ks_index_next_word("ééééé", strlen("ééééé"), &pos, w, 4, NULL, NULL);
    INT_EQ(k, 3);
    STR_EQ(w, "eee");
    /* nothing but separators */
    pos = 0;
    INT_EQ(ks_index_next_word(" ,.;'\"()*", 9, &pos, w, sizeof w, NULL, NULL), 0);
}

static void test_sync_cycle(void) {
    char *db = tmp_path("cycle.db");
    int err = 1;
    ks_index *ix = ks_index_open(db, &err);
    OK(ix != NULL);
    INT_EQ(err, 0);
    if (!ix) return;
    INT_EQ(ks_index_generation(ix), 0);
    tpage tp[3];
    make_page(&tp[0], "topic/index", "Prolotherapy", "Shots of sugar water into a weak ligament.", 0);
    make_page(&tp[1], "topic/risks", "Risks", "Soreness and swelling are common after injections.", 0);
    make_page(&tp[2], "glossary", "Glossary", "Ligament: a band that holds bone to bone.", 0);
    ks_index_report r;
    INT_EQ(sync_tp(ix, tp, 3, &r), 0);
    INT_EQ(r.added.n, 3);
    INT_EQ(r.wrote, 1);
    INT_EQ(r.generation, 1);
    STR_EQ(r.added.slugs[0], "glossary"); /* sorted */
    ks_index_report_free(&r);
    INT_EQ(ks_index_page_count(ix), 3);
    INT_EQ(db_int(db, "SELECT df FROM vocab WHERE word = 'ligament'"), 2);
    INT_EQ(db_int(db, "SELECT hdf FROM vocab WHERE word = 'prolotherapy'"), 1);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'injection'"), 1); /* porter stemming */

    /* nothing changed: nothing written */
    long long dv = db_int(db, "PRAGMA data_version");
    (void)dv;
    struct stat st0, st1;
    char *wal = ks_sprintf("%s-wal", db);
    stat(wal, &st0);
    INT_EQ(sync_tp(ix, tp, 3, &r), 0);
    INT_EQ(r.unchanged.n, 3);
    OK(list_has(&r.unchanged, "glossary"));
    INT_EQ(r.added.n + r.changed.n + r.removed.n, 0);
    INT_EQ(r.wrote, 0);
    INT_EQ(r.generation, 1);
    ks_index_report_free(&r);
    /* unchanged pages only counted (kiosk index): the same count, no names */
    ks_index_set_report_unchanged(ix, 0);
    INT_EQ(sync_tp(ix, tp, 3, &r), 0);
    INT_EQ(r.unchanged.n, 3);
    OK(r.unchanged.slugs == NULL);
    INT_EQ(r.added.n + r.changed.n + r.removed.n, 0);
    ks_index_report_free(&r);
    ks_index_set_report_unchanged(ix, 1);
    stat(wal, &st1);
    INT_EQ(st1.st_size, st0.st_size);
    INT_EQ(st1.st_mtime, st0.st_mtime);

    /* change one, remove one, add one */
    make_page(&tp[1], "topic/risks", "Risks", "Bruising is rare. Infection is very rare.", 0);
    tpage more[3] = {tp[0], tp[1]};
    make_page(&more[2], "topic/recovery", "Recovery", "Rest and ice the joint after the shots.", 0);
    INT_EQ(sync_tp(ix, more, 3, &r), 0);
    INT_EQ(r.changed.n, 1);
    OK(list_has(&r.changed, "topic/risks"));
    INT_EQ(r.removed.n, 1);
    OK(list_has(&r.removed, "glossary"));
    INT_EQ(r.added.n, 1);
    OK(list_has(&r.added, "topic/recovery"));
    INT_EQ(r.unchanged.n, 1);
    INT_EQ(r.generation, 2);
    ks_index_report_free(&r);
    INT_EQ(db_int(db, "SELECT df FROM vocab WHERE word = 'ligament'"), 1);
    INT_EQ(db_int(db, "SELECT count(*) FROM vocab WHERE word = 'soreness'"), 0);
    INT_EQ(db_int(db, "SELECT df FROM vocab WHERE word = 'bruising'"), 1);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'soreness'"), 0);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'bruising'"), 1);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts"), 3);

    /* the record keeps the source */
    ks_index_page *p = NULL;
    INT_EQ(ks_index_get_page(ix, "topic/risks", &p), KS_OK);
    OK(p != NULL);
    if (p) {
        STR_EQ(p->title, "Risks");
        STR_EQ(p->markdown, "Bruising is rare. Infection is very rare.");
        INT_EQ(p->n_keywords, 2);
        if (p->n_keywords == 2) STR_EQ(p->keywords[1], "side effects");
        INT_EQ(p->order, 3);
        INT_EQ(p->body_line, 8);
        INT_EQ(p->stale, 0);
    }
    ks_index_page_free(p);
    /* not indexed is not an error */
    ks_index_page *none = NULL;
    char *no_md = NULL;
    INT_EQ(ks_index_get_page(ix, "glossary", &none), KS_ERR_NOT_FOUND);
    OK(none == NULL);
    INT_EQ(ks_index_page_markdown(ix, "nope", &no_md), KS_ERR_NOT_FOUND);
    OK(no_md == NULL);
    ks_index_close(ix);
    free(wal);
    free(db);
}

static void test_broken_pages(void) {
    char *db = tmp_path("broken.db");
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return;
    tpage tp[2];
    ks_index_report r;
    make_page(&tp[0], "topic/risks", "Risks", "Soreness and swelling.", 0);
    make_page(&tp[1], "topic/new", "New", "Never good.", 1);
    INT_EQ(sync_tp(ix, tp, 2, &r), 0);
    INT_EQ(r.added.n, 1);
    INT_EQ(r.skipped.n, 1);
    OK(list_has(&r.skipped, "topic/new"));
    ks_index_report_free(&r);
    ks_index_page *p = NULL;
    INT_EQ(ks_index_get_page(ix, "topic/new", &p), KS_ERR_NOT_FOUND);

    /* staff break the good page: its last good version stays */
    make_page(&tp[0], "topic/risks", "", "half-typed", 1);
    int64_t gen = ks_index_generation(ix);
    INT_EQ(sync_tp(ix, tp, 2, &r), 0);
    INT_EQ(r.kept.n, 1);
    OK(list_has(&r.kept, "topic/risks"));
    INT_EQ(r.skipped.n, 1);
    INT_EQ(r.changed.n + r.removed.n + r.added.n, 0);
    ks_index_report_free(&r);
    OK(ks_index_generation(ix) == gen + 1); /* only the stale mark was written */
    char *md = NULL;
    INT_EQ(ks_index_page_markdown(ix, "topic/risks", &md), KS_OK);
    STR_EQ(md, "Soreness and swelling.");
    free(md);
    INT_EQ(ks_index_get_page(ix, "topic/risks", &p), KS_OK);
    OK(p && p->stale == 1);
    ks_index_page_free(p);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'soreness'"), 1);

    /* the same broken file again: reported again, nothing written */
    gen = ks_index_generation(ix);
    INT_EQ(sync_tp(ix, tp, 2, &r), 0);
    INT_EQ(r.kept.n, 1);
    INT_EQ(r.wrote, 0);
    ks_index_report_free(&r);
    INT_EQ(ks_index_generation(ix), gen);

    /* fixed with new text: changed, no longer stale */
    make_page(&tp[0], "topic/risks", "Risks", "Redness and swelling.", 0);
    INT_EQ(sync_tp(ix, tp, 1, &r), 0);
    INT_EQ(r.changed.n, 1);
    ks_index_report_free(&r);
    INT_EQ(ks_index_get_page(ix, "topic/risks", &p), KS_OK);
    OK(p && p->stale == 0);
    if (p) STR_EQ(p->markdown, "Redness and swelling.");
    ks_index_page_free(p);

    /* a database that cannot be read is an error, not "not indexed" (the
     * watcher would otherwise show a broken page as never indexed) */
    sqlite3 *other = NULL;
    OK(sqlite3_open(db, &other) == SQLITE_OK);
    OK(sqlite3_exec(other, "DROP TABLE sources", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(other);
    static ks_index_page dummy;
    p = &dummy; /* set to NULL by the call */
    int rc = ks_index_get_page(ix, "topic/risks", &p);
    OK(rc < 0 && rc != KS_ERR_NOT_FOUND && !ks_err_retryable(rc));
    OK(p == NULL);
    STR_CONTAINS(ks_index_errmsg(ix), "no such table");
    ks_index_close(ix);
    free(db);
}

static void test_synonyms(void) {
    char *db = tmp_path("syn.db");
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return;
    tpage tp[1];
    make_page(&tp[0], "about", "About", "Dextrose.", 0);
    const ks_page *pages[1] = {&tp[0].p};
    ks_synonym syn[2] = {{"sugar water", "dextrose", 3}, {"jab", "injection", 4}};
    ks_index_report r;
    INT_EQ(ks_index_sync_pages(ix, pages, 1, syn, 2, 42, &r), 0);
    INT_EQ(r.synonyms_changed, 1);
    ks_index_report_free(&r);
    INT_EQ(db_int(db, "SELECT count(*) FROM synonyms"), 2);
    INT_EQ(ks_index_sync_pages(ix, pages, 1, syn, 2, 42, &r), 0);
    INT_EQ(r.synonyms_changed, 0);
    INT_EQ(r.wrote, 0);
    ks_index_report_free(&r);
    INT_EQ(ks_index_sync_pages(ix, pages, 1, syn, 1, 43, &r), 0);
    INT_EQ(r.synonyms_changed, 1);
    INT_EQ(r.wrote, 1);
    ks_index_report_free(&r);
    INT_EQ(db_int(db, "SELECT count(*) FROM synonyms"), 1);
    ks_index_close(ix);
    free(db);
}

static void test_schema_versions(void) {
    /* an older schema of ours: rebuilt */
    char *db = tmp_path("old.db");
    sqlite3 *h;
    OK(sqlite3_open(db, &h) == SQLITE_OK);
    sqlite3_exec(h,
                 "PRAGMA application_id = 1263749937; PRAGMA user_version = 1;"
                 "CREATE TABLE pages(slug TEXT, body TEXT); INSERT INTO pages VALUES('x', 'old');"
                 "CREATE VIRTUAL TABLE fts USING fts5(body);",
                 NULL, NULL, NULL);
    sqlite3_close(h);
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (ix) {
        INT_EQ(ks_index_page_count(ix), 0);
        INT_EQ(ks_index_generation(ix), 0);
        ks_index_close(ix);
    }
    INT_EQ(db_int(db, "PRAGMA user_version"), KS_INDEX_SCHEMA_VERSION);
    free(db);

    /* another application's database: refused, left exactly as it was */
    db = tmp_path("foreign.db");
    OK(sqlite3_open(db, &h) == SQLITE_OK);
    sqlite3_exec(h, "CREATE TABLE meta(key, value); INSERT INTO meta VALUES('generation', 99);"
                    "CREATE TABLE pages(id INTEGER PRIMARY KEY, slug TEXT); CREATE VIEW v AS SELECT * FROM pages;",
                 NULL, NULL, NULL);
    sqlite3_close(h);
    char *before = NULL, *after = NULL;
    size_t before_len = 0, after_len = 0;
    OK(ks_read_file(db, 1 << 24, &before, &before_len) == KS_OK);
    int err = 0;
    char msg[1024];
    ix = ks_index_open_ex(db, &err, msg, sizeof msg);
    OK(ix == NULL);
    INT_EQ(err, KS_INDEX_ERR_NOT_OURS);
    OK(strstr(msg, "another program's data") != NULL);
    OK(strstr(msg, db) != NULL);
    INT_EQ(db_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'v'"), 1);
    OK(ks_read_file(db, 1 << 24, &after, &after_len) == KS_OK);
    OK(before && after && before_len == after_len && memcmp(before, after, before_len) == 0);
    free(before);
    free(after);
    ks_index_close(ix);
    free(db);

    /* not a database at all: refused, untouched */
    db = tmp_path("text.db");
    harness_write_text(db, "this is not a database, it is a shopping list: eggs, milk, ozone\n");
    ix = ks_index_open_ex(db, &err, msg, sizeof msg);
    OK(ix == NULL);
    INT_EQ(err, KS_INDEX_ERR_NOT_OURS);
    OK(strstr(msg, "not an SQLite database") != NULL);
    OK(ks_read_file(db, 1 << 24, &after, &after_len) == KS_OK);
    STR_EQ(after, "this is not a database, it is a shopping list: eggs, milk, ozone\n");
    free(after);
    free(db);

    /* an empty file (touch): becomes an index */
    db = tmp_path("empty.db");
    harness_write_text(db, "");
    ix = ks_index_open(db, &err);
    OK(ix != NULL);
    ks_index_close(ix);
    INT_EQ(db_int(db, "PRAGMA application_id"), 0x4B534B31);
    free(db);

    /* a path that cannot be created */
    ix = ks_index_open("/nonexistent-dir/sub/x.db", &err);
    OK(ix == NULL);
    OK(err < 0);
}

/* The child syncs many changed pages and kills itself in the middle of the
 * transaction, from the progress callback: no timing involved. */
static void die_at(void *ctx, size_t done, size_t total) {
    (void)total;
    if (done == *(size_t *)ctx) raise(SIGKILL);
}

#define KILL_PAGES 300

static void sync_many(const char *db, const char *word, size_t kill_at) {
    static tpage tp[KILL_PAGES];
    static char slugs[KILL_PAGES][32], texts[KILL_PAGES][96];
    const ks_page *pages[KILL_PAGES];
    for (size_t i = 0; i < KILL_PAGES; i++) {
        snprintf(slugs[i], sizeof slugs[i], "topic/page-%03zu", i);
        snprintf(texts[i], sizeof texts[i], "Page %zu says %s about ligament injections and recovery.", i, word);
        make_page(&tp[i], slugs[i], "A page", texts[i], 0);
        pages[i] = &tp[i].p;
    }
    ks_index *ix = ks_index_open(db, NULL);
    if (!ix) return;
    if (kill_at) ks_index_set_progress(ix, die_at, &kill_at);
    ks_index_sync_pages(ix, pages, KILL_PAGES, NULL, 0, 0, NULL);
    ks_index_close(ix);
}

static void test_killed_mid_sync(void) {
    char *db = tmp_path("killed.db");
    sync_many(db, "oldword", 0);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'oldword'"), KILL_PAGES);
    for (size_t kill_at = 1; kill_at <= KILL_PAGES; kill_at += 149) {
        pid_t pid = fork();
        if (pid == 0) {
            sync_many(db, "newword", kill_at);
            _exit(0); /* not reached */
        }
        int status = 0;
        waitpid(pid, &status, 0);
        OK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        /* reopen: the old content, whole */
        ks_index *ix = ks_index_open(db, NULL);
        OK(ix != NULL);
        if (!ix) continue;
        INT_EQ(ks_index_page_count(ix), KILL_PAGES);
        INT_EQ(ks_index_generation(ix), 1);
        ks_index_close(ix);
        INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'oldword'"), KILL_PAGES);
        INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'newword'"), 0);
        INT_EQ(db_int(db, "SELECT df FROM vocab WHERE word = 'oldword'"), KILL_PAGES);
        INT_EQ(db_int(db, "SELECT count(*) FROM vocab WHERE word = 'newword'"), 0);
        INT_EQ(db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
    }
    /* a child that finishes: the new content, whole */
    pid_t pid = fork();
    if (pid == 0) {
        sync_many(db, "newword", 0);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'newword'"), KILL_PAGES);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'oldword'"), 0);
    INT_EQ(db_int(db, "SELECT value FROM meta WHERE key = 'generation'"), 2);
    free(db);
}

/* Overwrite 4 KB in the middle of db with noise (as test_index_faults). */
static void scribble_mid(const char *db) {
    struct stat st;
    char noise[4096];
    int fd = open(db, O_WRONLY);
    for (size_t i = 0; i < sizeof noise; i++) noise[i] = (char)(i * 7919u >> 3);
    OK(fd >= 0 && fstat(fd, &st) == 0);
    if (fd < 0) return;
    OK(pwrite(fd, noise, sizeof noise, st.st_size / 2 / 4096 * 4096) == (ssize_t)sizeof noise);
    close(fd);
}

/* Open db, check it unless sealed, close it sealed; the check's result. */
static int check_and_seal(const char *db) {
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return -1000;
    int rc = ks_index_check_unless_sealed(ix, 3600);
    ks_index_close_sealed(ix);
    return rc;
}

/* The seal that lets kiosk index skip the whole-file check: a file changed
 * after it was sealed is still checked whole and its damage found, be the
 * change made at once (in the clock tick of the seal itself) or with its
 * modification time put back afterwards. */
static void test_sealed_check(void) {
    char *db = tmp_path("sealed.db"), *seal = ks_sprintf("%s.checked", db);
    struct stat st;
    sync_many(db, "oldword", 0);
    INT_EQ(check_and_seal(db), 0);
    OK(access(seal, F_OK) == 0);
    INT_EQ(check_and_seal(db), 0); /* sealed and untouched: sound, still sealed */
    OK(access(seal, F_OK) == 0);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'oldword'"), KILL_PAGES);

    scribble_mid(db); /* at once after the seal */
    INT_EQ(check_and_seal(db), 2); /* found; no backup: started empty */
    INT_EQ(db_int(db, "SELECT count(*) FROM pages"), 0);

    sync_many(db, "oldword", 0);
    INT_EQ(check_and_seal(db), 0);
    OK(stat(db, &st) == 0);
    scribble_mid(db);
    struct timespec times[2] = {st.st_atim, st.st_mtim}; /* a tool that keeps the times */
    OK(utimensat(AT_FDCWD, db, times, 0) == 0);
    INT_EQ(check_and_seal(db), 2);

    /* Damage no write shows (the medium): the seal is trusted, but SQLite
     * finding the damage removes it, and the next check reads the file. */
    sync_many(db, "oldword", 0);
    INT_EQ(check_and_seal(db), 0);
    long long root = db_int(db, "SELECT rootpage FROM sqlite_master WHERE name = 'pages_sync'"),
              page = db_int(db, "PRAGMA page_size");
    OK(root > 1 && page > 0);
    int fd = open(db, O_WRONLY);
    char noise[512];
    memset(noise, 0x5a, sizeof noise);
    OK(fd >= 0 && pwrite(fd, noise, sizeof noise, (off_t)((root - 1) * page)) == (ssize_t)sizeof noise);
    if (fd >= 0) close(fd);
    OK(stat(db, &st) == 0);
    char *forged = ks_sprintf("ksseal1 %llu %llu %lld %lld %ld %lld %ld %lld end\n", (unsigned long long)st.st_dev,
                              (unsigned long long)st.st_ino, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                              st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
                              (long long)time(NULL));
    harness_write_text(seal, forged); /* as if the damage came after the seal, unseen */
    free(forged);
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (ix) {
        INT_EQ(ks_index_check_unless_sealed(ix, 3600), 0); /* trusted: not read */
        tpage tp[1];
        make_page(&tp[0], "topic/page-000", "A page", "Changed text.", 0);
        ks_index_report r;
        INT_EQ(sync_tp(ix, tp, 1, &r), KS_INDEX_ERR_CORRUPT); /* the sync reads the damaged index */
        ks_index_report_free(&r);
        ks_index_close(ix);
    }
    OK(access(seal, F_OK) != 0); /* forgotten */
    INT_EQ(check_and_seal(db), 2);
    free(seal);
    free(db);
}

/* ks_index_interrupt (the kiosk stopping while its watcher works): a sync
 * stopped in the middle, a check and a backup asked to stop, before and
 * while they run, leave the index and its backup whole and as they were. */
static void interrupt_at(void *ctx, size_t done, size_t total) {
    (void)total;
    if (done == 150) ks_index_interrupt(ctx);
}

static void *interrupt_soon(void *ctx) {
    for (int i = 0; i < 20; i++) { /* SQLite's interrupt reaches only a running statement: keep asking */
        usleep(1000);
        ks_index_interrupt(ctx);
    }
    return NULL;
}

static char *file_text(const char *path, size_t *len) {
    char *data = NULL;
    *len = 0;
    return ks_read_file(path, 64u << 20, &data, len) == KS_OK ? data : NULL;
}

static void old_content_whole(const char *db) {
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'oldword'"), KILL_PAGES);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'newword'"), 0);
    INT_EQ(db_int(db, "SELECT value FROM meta WHERE key = 'generation'"), 1);
    INT_EQ(db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}

static void test_interrupted(void) {
    char *db = tmp_path("interrupt.db"), *bak = ks_sprintf("%s.backup", db), *tmp = ks_sprintf("%s.backup-new", db);
    static tpage tp[KILL_PAGES];
    static char slugs[KILL_PAGES][32], texts[KILL_PAGES][96];
    const ks_page *pages[KILL_PAGES];
    size_t len0 = 0, len1 = 0;
    char *before, *after;
    sync_many(db, "oldword", 0);
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return;
    INT_EQ(ks_index_backup(ix), 0);
    ks_index_close(ix);
    before = file_text(bak, &len0);
    OK(before != NULL && len0 > 0);

    /* a sync interrupted at its 150th page: rolled back, the old content whole */
    for (size_t i = 0; i < KILL_PAGES; i++) {
        snprintf(slugs[i], sizeof slugs[i], "topic/page-%03zu", i);
        snprintf(texts[i], sizeof texts[i], "Page %zu says %s about ligament injections and recovery.", i, "newword");
        make_page(&tp[i], slugs[i], "A page", texts[i], 0);
        pages[i] = &tp[i].p;
    }
    ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return;
    ks_index_set_progress(ix, interrupt_at, ix);
    INT_EQ(ks_index_sync_pages(ix, pages, KILL_PAGES, NULL, 0, 0, NULL), KS_INDEX_ERR_INTERRUPTED);
    /* once interrupted, the handle starts nothing long: check and backup refuse */
    INT_EQ(ks_index_check(ix), KS_INDEX_ERR_INTERRUPTED);
    INT_EQ(ks_index_backup(ix), KS_INDEX_ERR_INTERRUPTED);
    ks_index_close(ix);
    old_content_whole(db);
    after = file_text(bak, &len1);
    OK(after && len1 == len0 && memcmp(before, after, len0) == 0); /* the backup untouched */
    free(after);
    OK(access(tmp, F_OK) != 0);

    /* check and backup interrupted while they run (or, on a fast machine,
     * done first): either way the index and a sound backup are there */
    for (int round = 0; round < 2; round++) {
        pthread_t th;
        ix = ks_index_open(db, NULL);
        OK(ix != NULL);
        if (!ix) break;
        OK(pthread_create(&th, NULL, interrupt_soon, ix) == 0);
        int rc = round == 0 ? ks_index_check(ix) : ks_index_backup(ix);
        pthread_join(th, NULL);
        OK(rc == 0 || rc == KS_INDEX_ERR_INTERRUPTED);
        if (rc != 0) STR_CONTAINS(ks_index_errmsg(ix), "interrupted");
        ks_index_close(ix);
        old_content_whole(db);
        OK(access(tmp, F_OK) != 0);
        INT_EQ(db_int(bak, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
        INT_EQ(db_int(bak, "SELECT count(*) FROM pages"), KILL_PAGES);
        if (round == 1 && rc != 0) { /* the old backup, byte for byte */
            after = file_text(bak, &len1);
            OK(after && len1 == len0 && memcmp(before, after, len0) == 0);
            free(after);
        }
    }
    /* a new handle works as before */
    ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (ix) {
        INT_EQ(ks_index_check(ix), 0);
        INT_EQ(ks_index_sync_pages(ix, pages, KILL_PAGES, NULL, 0, 0, NULL), 0);
        ks_index_close(ix);
    }
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'newword'"), KILL_PAGES);
    free(before);
    free(db);
    free(bak);
    free(tmp);
}

/* Every row of sql on db_path, columns joined by '|', rows by '\n'
 * (malloc'ed; "" for none, NULL when it cannot be read). */
static char *db_rows(const char *db_path, const char *sql) {
    sqlite3 *db;
    sqlite3_stmt *st;
    ks_buf b = {0};
    int ok = 0;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const unsigned char *t = sqlite3_column_text(st, c);
                ks_buf_puts(&b, c ? "|" : "");
                ks_buf_puts(&b, t ? (const char *)t : "NULL");
            }
            ks_buf_putc(&b, '\n');
        }
        ok = sqlite3_finalize(st) == SQLITE_OK;
    }
    sqlite3_close(db);
    if (!ok) {
        ks_buf_free(&b);
        return NULL;
    }
    return b.data ? b.data : ks_strdup("");
}

#define VOCAB_PAGES 200
#define VOCAB_STEP 8 /* pages written per sync below the sync's counting thread (64) */

/* Version v (0 or 1) of page i: words shared by many pages, by a few and
 * by one, in the title, keywords, headings and body; every 50th broken. */
static void vocab_page(tpage *t, size_t i, int v) {
    static char slugs[VOCAB_PAGES][32], texts[2][VOCAB_PAGES][160];
    snprintf(slugs[i], sizeof slugs[i], "topic/p%03zu", i);
    snprintf(texts[v][i], sizeof texts[v][i], "Page %zu: %s w%zu w%zu ligament, recovery x%zu Ærø %s", i,
             v ? "changed" : "first", i % 7, (i + (size_t)v) % 13, i, i % 3 ? "" : "injections");
    make_page(t, slugs[i], i % 5 ? "A page" : "Knee pain", texts[v][i], i % 50 == 7);
}

static void sync_versions(const char *db, tpage *tp, size_t n) {
    const ks_page *pages[VOCAB_PAGES];
    for (size_t i = 0; i < n; i++) pages[i] = &tp[i].p;
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return;
    INT_EQ(ks_index_sync_pages(ix, pages, n, NULL, 0, 0, NULL), 0);
    ks_index_close(ix);
}

/* The vocabulary counts of a sync that writes many pages (counted on a
 * second thread while SQLite writes) are exactly those of the same pages
 * written a few at a time (counted inline): added, changed and removed. */
static void test_vocab_threaded(void) {
    static tpage tp[VOCAB_PAGES];
    char *one = tmp_path("vocab-one.db"), *steps = tmp_path("vocab-steps.db");
    const char *vocab_sql = "SELECT word, df, hdf FROM vocab ORDER BY word";
    for (size_t i = 0; i < VOCAB_PAGES; i++) vocab_page(&tp[i], i, 0);
    sync_versions(one, tp, VOCAB_PAGES);
    for (size_t n = VOCAB_STEP; n <= VOCAB_PAGES; n += VOCAB_STEP) sync_versions(steps, tp, n);
    for (int round = 0; round < 3; round++) {
        if (round == 1) { /* change every page: one sync, and a few pages a sync */
            for (size_t i = 0; i < VOCAB_PAGES; i += VOCAB_STEP) {
                for (size_t k = i; k < i + VOCAB_STEP; k++) vocab_page(&tp[k], k, 1);
                sync_versions(steps, tp, VOCAB_PAGES);
            }
            sync_versions(one, tp, VOCAB_PAGES);
        } else if (round == 2) { /* remove the last 100 */
            sync_versions(one, tp, VOCAB_PAGES - 100);
            for (size_t n = VOCAB_PAGES - VOCAB_STEP; n >= VOCAB_PAGES - 100; n -= VOCAB_STEP)
                sync_versions(steps, tp, n);
            sync_versions(steps, tp, VOCAB_PAGES - 100);
        }
        char *a = db_rows(one, vocab_sql), *b = db_rows(steps, vocab_sql);
        OK(a && b && strlen(a) > 1000);
        if (a && b) STR_EQ(a, b);
        free(a);
        free(b);
        INT_EQ(db_int(one, "SELECT count(*) FROM vocab WHERE df <= 0 OR hdf < 0"), 0);
    }
    /* pages 0-99 are left, p007 and p057 broken (never indexed) */
    INT_EQ(db_int(one, "SELECT df FROM vocab WHERE word = 'changed'"), 98);
    INT_EQ(db_int(one, "SELECT count(*) FROM vocab WHERE word = 'first'"), 0);
    INT_EQ(db_int(one, "SELECT df FROM vocab WHERE word = 'injections'"), 33); /* every third, not p057 */
    INT_EQ(db_int(one, "SELECT hdf FROM vocab WHERE word = 'knee'"), 20);      /* the title of every fifth */
    INT_EQ(db_int(one, "SELECT df FROM vocab WHERE word = 'x150'"), -1);       /* removed: no row */
    free(one);
    free(steps);
}

/* The backup of an index made from an empty file is a copy of its bytes:
 * a sound rollback-journal database holding everything written, the last
 * write too. While a reader's snapshot keeps that write in the log (the
 * bytes of the file alone lack it), the backup is made by VACUUM INTO and
 * holds it all the same. */
static void test_backup_first_build(void) {
    char *db = tmp_path("first.db"), *bak = ks_sprintf("%s.backup", db), *wal = ks_sprintf("%s-wal", bak);
    const ks_page *pages[VOCAB_PAGES];
    static tpage tp[VOCAB_PAGES];
    for (size_t i = 0; i < VOCAB_PAGES; i++) {
        vocab_page(&tp[i], i, 0);
        pages[i] = &tp[i].p;
    }
    for (int reader_holds = 0; reader_holds < 2; reader_holds++) {
        sqlite3 *reader = NULL;
        unlink(db);
        unlink(bak);
        ks_index *ix = ks_index_open(db, NULL);
        OK(ix != NULL);
        if (!ix) break;
        INT_EQ(ks_index_sync_pages(ix, pages, VOCAB_PAGES, NULL, 0, 0, NULL), 0);
        if (reader_holds) {
            OK(sqlite3_open_v2(db, &reader, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
            OK(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM pages;", NULL, NULL, NULL) == SQLITE_OK);
        }
        INT_EQ(ks_index_note_set(ix, "late", "7"), 0); /* the last write, after the reader's snapshot */
        INT_EQ(ks_index_backup(ix), 0);
        size_t len = 0;
        char *head = file_text(bak, &len);
        OK(head && len > 100);
        if (head && len > 100) {
            INT_EQ(head[18], 1); /* not a WAL file: a reader of the copy looks for no log */
            INT_EQ(head[19], 1);
        }
        free(head);
        INT_EQ(db_int(bak, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
        INT_EQ(db_int(bak, "SELECT value FROM meta WHERE key = 'note:late'"), 7);
        INT_EQ(db_int(bak, "SELECT count(*) FROM pages"), db_int(db, "SELECT count(*) FROM pages"));
        char *a = db_rows(db, "SELECT word, df, hdf FROM vocab ORDER BY word");
        char *b = db_rows(bak, "SELECT word, df, hdf FROM vocab ORDER BY word");
        OK(a && b && strlen(a) > 1000);
        if (a && b) STR_EQ(a, b);
        free(a);
        free(b);
        OK(access(wal, F_OK) != 0);
        if (reader) {
            sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL);
            sqlite3_close(reader);
        }
        ks_index_close(ix);
    }
    free(db);
    free(bak);
    free(wal);
}

/* ks_index_give_way (the watcher: a page change arrived while it checks
 * or backs up the index): a check and a backup asked to give way, before
 * or while they run, change nothing and say so; once the request is
 * withdrawn the next ones run in full, a sync works as before, and the
 * check still finds damage (a yielded check reports none, moves nothing). */
static void *give_way_soon(void *ctx) {
    for (int i = 0; i < 20; i++) { /* as the watcher does: ask until the work returns */
        usleep(1000);
        ks_index_give_way(ctx, 1);
    }
    return NULL;
}

static void test_give_way(void) {
    char *db = tmp_path("giveway.db"), *bak = ks_sprintf("%s.backup", db), *tmp = ks_sprintf("%s.backup-new", db);
    size_t len0 = 0, len1 = 0;
    char *before, *after;
    struct stat st0, st1;
    sync_many(db, "oldword", 0);
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return;
    INT_EQ(ks_index_backup(ix), 0);
    before = file_text(bak, &len0);
    OK(before != NULL && len0 > 0);

    ks_index_give_way(ix, 1); /* asked before they start */
    INT_EQ(ks_index_check(ix), KS_INDEX_ERR_YIELDED);
    STR_CONTAINS(ks_index_errmsg(ix), "gave way");
    INT_EQ(ks_index_backup(ix), KS_INDEX_ERR_YIELDED);
    after = file_text(bak, &len1);
    OK(after && len1 == len0 && memcmp(before, after, len0) == 0); /* the old backup, byte for byte */
    free(after);
    OK(access(tmp, F_OK) != 0);
    ks_index_give_way(ix, 0);
    INT_EQ(ks_index_check(ix), 0);

    /* asked while they run (or, on a fast machine, done first) */
    for (int round = 0; round < 2; round++) {
        pthread_t th;
        OK(pthread_create(&th, NULL, give_way_soon, ix) == 0);
        int rc = round == 0 ? ks_index_check(ix) : ks_index_backup(ix);
        pthread_join(th, NULL);
        ks_index_give_way(ix, 0);
        OK(rc == 0 || rc == KS_INDEX_ERR_YIELDED);
        OK(access(tmp, F_OK) != 0);
        INT_EQ(db_int(bak, "SELECT count(*) FROM pages"), KILL_PAGES);
    }
    ks_index_close(ix);
    /* damage: a check that gives way finds none and moves nothing; the
     * next one finds it and restores the backup */
    scribble_mid(db);
    OK(stat(db, &st0) == 0);
    ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return;
    ks_index_give_way(ix, 1);
    INT_EQ(ks_index_check(ix), KS_INDEX_ERR_YIELDED);
    OK(stat(db, &st1) == 0 && st1.st_ino == st0.st_ino); /* not moved aside */
    ks_index_give_way(ix, 0);
    INT_EQ(ks_index_check(ix), 1); /* found, restored from the backup */
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'oldword'"), KILL_PAGES);

    /* not sticky, as an interrupt is: a check, a sync and a backup run in full */
    INT_EQ(ks_index_check(ix), 0);
    {
        tpage tp[1];
        ks_index_report r;
        make_page(&tp[0], "topic/page-000", "A page", "Changed text with newword.", 0);
        INT_EQ(sync_tp(ix, tp, 1, &r), 0);
        ks_index_report_free(&r);
    }
    INT_EQ(ks_index_backup(ix), 0);
    ks_index_close(ix);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'newword'"), 1);
    INT_EQ(db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
    free(before);
    free(db);
    free(bak);
    free(tmp);
}

/* The real store, on a small content folder written here. */
static void test_with_store(void) {
    char *dir = tmp_path("content");
    char *topic = ks_path_join(dir, "prolotherapy");
    mkdir(dir, 0755);
    mkdir(topic, 0755);
    char *p1 = ks_path_join(topic, "index.md");
    char *p2 = ks_path_join(dir, "synonyms.txt");
    harness_write_text(p1, "---\ntitle: Prolotherapy\nsection: overview\norder: 1\nsummary: Shots that help ligaments heal.\n"
                   "keywords: [prolo, shots]\nreviewed: 2026-11-01\n---\n\n# Prolotherapy\n\nShots of dextrose help a "
                   "weak ligament heal.\n");
    harness_write_text(p2, "sugar water = dextrose\n");
    int err;
    ks_store *store = ks_store_load(dir, NULL, &err);
    OK(store != NULL);
    if (!store) return;
    char *db = tmp_path("store.db");
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    ks_index_report r;
    INT_EQ(ks_index_sync(ix, store, &r), 0);
    OK(list_has(&r.added, "prolotherapy/index"));
    INT_EQ(r.synonyms_changed, 1);
    ks_index_report_free(&r);
    INT_EQ(db_int(db, "SELECT count(*) FROM fts WHERE fts MATCH 'dextrose'"), 1);
    INT_EQ(db_int(db, "SELECT count(*) FROM synonyms WHERE phrase = 'sugar water'"), 1);
    ks_index_page *pg = NULL;
    INT_EQ(ks_index_get_page(ix, "prolotherapy/index", &pg), KS_OK);
    OK(pg && pg->is_topic_index == 1);
    if (pg) STR_CONTAINS(pg->markdown, "Shots of dextrose");
    ks_index_page_free(pg);
    INT_EQ(ks_index_sync(ix, store, &r), 0);
    INT_EQ(r.wrote, 0);
    ks_index_report_free(&r);
    ks_index_close(ix);
    ks_store_free(store);
    free(p1);
    free(p2);
    free(topic);
    free(dir);
    free(db);
}

/* The reader API that search reads through: schema checks at open, the
 * change check, vocabulary, synonyms, pages, texts, and matches in each
 * mode, seeing a later sync. */
typedef struct rd_seen {
    int n;
    char first[32], last[32];
    int64_t ids[64];
    double score[64];
    int sorted;
    int all; /* rd_match: take every match (else stop after two) */
} rd_seen;

static int rd_word(void *ctx, const ks_index_word *w) {
    rd_seen *k = ctx;
    if (k->n && strcmp(k->last, w->word) >= 0) k->sorted = 0;
    if (!k->n) snprintf(k->first, sizeof k->first, "%s", w->word);
    snprintf(k->last, sizeof k->last, "%s", w->word);
    OK(w->len == strlen(w->word) && w->df >= 1 && w->hdf <= w->df);
    k->n++;
    return 0;
}

static int rd_syn(void *ctx, const char *phrase, const char *target) {
    rd_seen *k = ctx;
    if (k->n++ == 0) snprintf(k->first, sizeof k->first, "%s=%s", phrase, target);
    return 0;
}

static int rd_page(void *ctx, const ks_index_row *p) {
    rd_seen *k = ctx;
    if (k->n < 8) k->ids[k->n] = p->id;
    if (strcmp(p->slug, "topic/index") == 0) {
        OK(p->is_topic_index == 1 && p->order == 3);
        STR_EQ(p->keywords, "keyword one\nside effects");
        STR_EQ(p->section, "overview");
    }
    k->n++;
    return 0;
}

static int rd_match(void *ctx, int64_t id, double score) {
    rd_seen *k = ctx;
    if (k->n < 64) {
        k->ids[k->n] = id;
        k->score[k->n] = score;
    }
    k->n++;
    return !k->all && k->n >= 2; /* stop after two */
}

static void test_reader(void) {
    char *db = tmp_path("reader.db"), *junk = tmp_path("reader-junk.db");
    int err = 0;
    OK(ks_index_reader_open(db, &err) == NULL);
    INT_EQ(err, KS_ERR_NOT_FOUND);
    harness_write_text(junk, "not a database at all, just some text that is long enough to not be empty.\n");
    OK(ks_index_reader_open(junk, &err) == NULL);
    INT_EQ(err, KS_INDEX_ERR_SCHEMA);
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return;
    tpage tp[3];
    make_page(&tp[0], "topic/index", "Zebra overview", "Zebras graze. Zebras run.", 0);
    make_page(&tp[1], "topic/risks", "Risks", "A zebra may kick.", 0);
    make_page(&tp[2], "about", "About", "Nothing about animals.", 0);
    const ks_page *pages[3] = {&tp[0].p, &tp[1].p, &tp[2].p};
    ks_synonym syn[1] = {{"striped horse", "zebra", 3}};
    INT_EQ(ks_index_sync_pages(ix, pages, 3, syn, 1, 7, NULL), 0);

    ks_index_reader *r = ks_index_reader_open(db, &err);
    OK(r != NULL);
    if (!r) return;
    INT_EQ(ks_index_reader_frozen(r), 0);
    INT_EQ(ks_index_reader_changed(r), 1); /* the first call */
    INT_EQ(ks_index_reader_changed(r), 0);
    int64_t gen = 0;
    INT_EQ(ks_index_reader_generation(r, &gen), 0);
    OK(gen == ks_index_generation(ix));

    rd_seen k = {.sorted = 1};
    INT_EQ(ks_index_reader_vocab(r, rd_word, &k), 0);
    OK(k.n > 5 && k.sorted);
    STR_EQ(k.first, "a");
    memset(&k, 0, sizeof k);
    INT_EQ(ks_index_reader_synonyms(r, rd_syn, &k), 0);
    INT_EQ(k.n, 1);
    STR_EQ(k.first, "striped horse=zebra");
    memset(&k, 0, sizeof k);
    INT_EQ(ks_index_reader_pages(r, rd_page, &k), 0);
    INT_EQ(k.n, 3);
    OK(k.ids[0] < k.ids[1] && k.ids[1] < k.ids[2]); /* by id */

    /* ranked: the page with zebra in its title first, scores falling */
    rd_seen m = {0};
    INT_EQ(ks_index_reader_begin(r), 0);
    INT_EQ(ks_index_reader_match(r, "\"zebra\"", KS_INDEX_MATCH_RANKED, 10, rd_match, &m), 0);
    INT_EQ(m.n, 2);
    OK(m.score[0] > m.score[1] && m.score[1] > 0);
    const char *text;
    size_t len;
    INT_EQ(ks_index_reader_body(r, m.ids[0], &text, &len), 1);
    STR_EQ(text, "Zebras graze. Zebras run.");
    OK(len == strlen(text));
    INT_EQ(ks_index_reader_markdown(r, m.ids[1], &text, &len), 1);
    STR_EQ(text, "A zebra may kick.");
    INT_EQ(ks_index_reader_body(r, 9999, &text, &len), 0);
    STR_EQ(text, "");
    INT_EQ(ks_index_reader_has(r, "\"kick\"", m.ids[1]), 1);
    INT_EQ(ks_index_reader_has(r, "\"kick\"", m.ids[0]), 0);
    ks_index_reader_end(r);
    /* unscored: id order, score 0; heads only: the title match alone */
    memset(&m, 0, sizeof m);
    INT_EQ(ks_index_reader_match(r, "\"zebra\"", 0, 10, rd_match, &m), 0);
    OK(m.n == 2 && m.ids[0] < m.ids[1] && m.score[0] == 0.0);
    memset(&m, 0, sizeof m);
    INT_EQ(ks_index_reader_match(r, "\"zebra\"", KS_INDEX_MATCH_SCORED, 10, rd_match, &m), 0);
    OK(m.n == 2 && m.ids[0] < m.ids[1] && m.score[0] > 0);
    memset(&m, 0, sizeof m);
    INT_EQ(ks_index_reader_match(r, "\"zebra\"", KS_INDEX_MATCH_HEADS, 10, rd_match, &m), 0);
    INT_EQ(m.n, 1);
    OK(ks_index_reader_match(r, "\"unclosed", 0, 10, rd_match, &m) < 0); /* bad syntax: an error, not a crash */

    /* a later sync is seen */
    tpage more[1];
    make_page(&more[0], "zoo", "Zoo", "Zebras at the zoo.", 0);
    const ks_page *pages2[4] = {&tp[0].p, &tp[1].p, &tp[2].p, &more[0].p};
    INT_EQ(ks_index_sync_pages(ix, pages2, 4, syn, 1, 7, NULL), 0);
    INT_EQ(ks_index_reader_changed(r), 1);
    INT_EQ(ks_index_reader_generation(r, &gen), 0);
    OK(gen == ks_index_generation(ix));
    memset(&k, 0, sizeof k);
    INT_EQ(ks_index_reader_pages(r, rd_page, &k), 0);
    INT_EQ(k.n, 4);
    ks_index_reader_close(r);
    ks_index_reader_close(NULL);
    ks_index_close(ix);
    free(db);
    free(junk);
}

/* ------------------------------------------------------------ ks_bm25 */

/* What FTS5's own bm25() gives for expr (flags as the reader's), into *k:
 * 0, or -1 when FTS5 refuses the expression. */
static int rk_fts5(sqlite3 *db, const char *expr, unsigned flags, rd_seen *k) {
    sqlite3_stmt *st;
    char *m = flags & KS_INDEX_MATCH_HEADS ? ks_sprintf("{title keywords} : (%s)", expr) : ks_strdup(expr);
    const char *sql = flags & KS_INDEX_MATCH_RANKED
                          ? "SELECT rowid, bm25(fts, 10.0, 6.0, 3.0, 1.0) AS r FROM fts WHERE fts MATCH ?1 ORDER BY r LIMIT 64"
                          : "SELECT rowid, bm25(fts, 10.0, 6.0, 3.0, 1.0) FROM fts WHERE fts MATCH ?1 LIMIT 64";
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    memset(k, 0, sizeof *k);
    k->all = 1;
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) rd_match(k, sqlite3_column_int64(st, 0), -sqlite3_column_double(st, 1));
        sqlite3_finalize(st);
    }
    free(m);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The reader's scores equal FTS5's bm25 to the last bit, in the same
 * order, for every expression and flag, asked twice (the second time from
 * what the reader kept), inside and outside a read transaction. */
static void rk_compare(ks_index_reader *r, sqlite3 *db) {
    static const char *const exprs[] = {
        "\"zebra\"", "\"zeb\"*", "\"zebra\" AND \"lion\"", "(\"zebra\" OR \"lion\" OR \"tiger\") AND \"grass\"",
        "\"striped horse\"", "\"zebra\" NOT \"lion\"", "\"lion\" AND (\"gr\"* OR \"river\")", "zebra",
        "\"keyword\" AND \"side\"", "\"lion\" AND \"-\"", "\"zebra\"\"s\"", "\"ti\"* AND \"lions\"",
    };
    static const unsigned flags[] = {KS_INDEX_MATCH_RANKED, KS_INDEX_MATCH_SCORED,
                                     KS_INDEX_MATCH_RANKED | KS_INDEX_MATCH_HEADS,
                                     KS_INDEX_MATCH_SCORED | KS_INDEX_MATCH_HEADS};
    for (int round = 0; round < 4; round++) {
        if (round == 2) INT_EQ(ks_index_reader_begin(r), 0);
        for (size_t e = 0; e < sizeof exprs / sizeof exprs[0]; e++)
            for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
                rd_seen want, got = {.all = 1};
                int wrc = rk_fts5(db, exprs[e], flags[f], &want);
                int grc = ks_index_reader_match(r, exprs[e], flags[f], 64, rd_match, &got);
                OK((wrc == 0) == (grc == 0));
                INT_EQ(got.n, want.n);
                int same = 1;
                for (int i = 0; i < got.n && i < 64; i++)
                    same &= got.ids[i] == want.ids[i] && got.score[i] == want.score[i];
                if (!same) fprintf(stderr, "  ks_bm25 differs: %s (flags %u, round %d)\n", exprs[e], flags[f], round);
                OK(same);
            }
    }
    ks_index_reader_end(r);
}

/* Pages of a few animal words, each a different length and mix. */
static void rk_pages(tpage *tp, char texts[][512], size_t n, int changed) {
    static const char *const words[] = {"zebra", "lion", "tiger", "grass", "river", "zebras", "tigers", "lions"};
    static char slugs[40][16], titles[40][32];
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        for (size_t w = 0; w < 3 + (i * 7) % 40; w++)
            len += (size_t)snprintf(texts[i] + len, 512 - len, "%s ", words[(i * 3 + w * w) % 8]);
        if (changed && i == 3) snprintf(texts[i], 512, "lion lion lion grass river lion tiger lion lion zebra");
        snprintf(slugs[i], sizeof slugs[i], "p%d", (int)i);
        snprintf(titles[i], sizeof titles[i], "%s %s", words[i % 8], i % 5 ? "page" : "striped horse");
        make_page(&tp[i], slugs[i], titles[i], texts[i], 0);
    }
}

static void test_reader_rank(void) {
    enum { N = 40 };
    char *path = tmp_path("rank.db");
    static tpage tp[N];
    static char texts[N][512];
    const ks_page *pages[N];
    ks_index *ix = ks_index_open(path, NULL);
    OK(ix != NULL);
    if (!ix) return;
    rk_pages(tp, texts, N, 0);
    for (size_t i = 0; i < N; i++) pages[i] = &tp[i].p;
    INT_EQ(ks_index_sync_pages(ix, pages, N, NULL, 0, 0, NULL), 0);
    int err;
    sqlite3 *db = NULL;
    ks_index_reader *r = ks_index_reader_open(path, &err);
    OK(r != NULL && sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    if (r && db) {
        rk_compare(r, db);
        /* a page grows and holds "lion" more often: its length and the
         * count of "lion" change under the same id; nothing kept is used */
        rk_pages(tp, texts, N, 1);
        INT_EQ(ks_index_sync_pages(ix, pages, N, NULL, 0, 0, NULL), 0);
        rk_compare(r, db);
    }
    sqlite3_close(db);
    ks_index_reader_close(r);
    ks_index_close(ix);
    free(path);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/kiosk-test-index-XXXXXX");
    if (!mkdtemp(tmpdir)) return 2;
    RUN(test_words);
    RUN(test_sync_cycle);
    RUN(test_broken_pages);
    RUN(test_synonyms);
    RUN(test_schema_versions);
    RUN(test_killed_mid_sync);
    RUN(test_sealed_check);
    RUN(test_interrupted);
    RUN(test_vocab_threaded);
    RUN(test_backup_first_build);
    RUN(test_give_way);
    RUN(test_with_store);
    RUN(test_reader);
    RUN(test_reader_rank);
    char *cmd = ks_sprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    free(cmd);
    return harness_done();
}
