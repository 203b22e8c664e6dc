/* store read-ahead (src/store/ahead.c): a load with no snapshot to reuse
 * and at least 256 pages reads ahead of its parser on a few threads. The
 * snapshot must be exactly the one a load without read-ahead
 * (KIOSK_READAHEAD=0) gives, pages, hashes and problems alike, with bad
 * files among the pages (a FIFO named like a page, a link leading out, a
 * page without front matter, a duplicate name); the threads really run
 * during such a load, and none is left once a load returns, also when the
 * load meets an error first thing or is too small to read ahead. */
#include "harness.h"
#include "harness_store.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void write_page(const char *rel, const char *title) {
    char *path = ks_sprintf("%s/%s", root, rel);
    char *md = harness_page_md(title, "about", "Some words to index, and [a link](missing-page).");
    OK(harness_write_text(path, md) == 0);
    free(md);
    free(path);
}

/* topics folders of per pages each (and an index.md), the bad files first. */
static void make_content(int topics, int per) {
    char *p = ks_sprintf("%s/aaa-first", root);
    OK(mkdir(p, 0755) == 0);
    free(p);
    p = ks_sprintf("%s/aaa-first/00-fifo.md", root);
    OK(mkfifo(p, 0644) == 0); /* opened by the readers too: must not hang them */
    free(p);
    p = ks_sprintf("%s/aaa-first/01-out.md", root);
    OK(symlink("/etc/hostname", p) == 0);
    free(p);
    p = ks_sprintf("%s/aaa-first/02-bare.md", root);
    OK(harness_write_text(p, "no front matter at all\n") == 0);
    free(p);
    write_page("aaa-first/index.md", "First");
    for (int t = 0; t < topics; t++) {
        char *dir = ks_sprintf("%s/topic-%02d", root, t);
        OK(mkdir(dir, 0755) == 0);
        free(dir);
        char *rel = ks_sprintf("topic-%02d/index.md", t);
        write_page(rel, "A topic");
        free(rel);
        for (int i = 0; i < per; i++) {
            rel = ks_sprintf("topic-%02d/page-%02d-%03d.md", t, t, i);
            char *title = ks_sprintf("Page %d of topic %d", i, t);
            write_page(rel, title);
            free(title);
            free(rel);
        }
    }
    write_page("topic-01/page-00-000.md", "The same name as one in topic-00");
    char *syn = ks_sprintf("%s/synonyms.txt", root);
    OK(harness_write_text(syn, "tummy = stomach\n") == 0);
    free(syn);
}

static atomic_int watching, seen_max;

static void *watch_threads(void *arg) {
    (void)arg;
    while (atomic_load(&watching)) {
        int n = ks_store_readahead_threads();
        if (n > atomic_load(&seen_max)) atomic_store(&seen_max, n);
        sched_yield();
    }
    return NULL;
}

static ks_store *load(int ahead) {
    ks_store_options opts = {.today = 1790000000};
    int err = 0;
    OK(setenv("KIOSK_READAHEAD", ahead ? "1" : "0", 1) == 0);
    ks_store *s = ks_store_load(root, &opts, &err);
    OK(s != NULL);
    INT_EQ(ks_store_readahead_threads(), 0); /* stopped and joined before the load returned */
    return s;
}

static void test_same_store(void) {
    make_content(12, 30); /* 12 * 31 + 4 = 376 pages: over the 256 that start the readers */
    ks_store *plain = load(0);
    char *want = harness_store_describe(plain, 1);
    OK(ks_store_page_count(plain) > 360);
    OK(ks_store_error_count(plain) >= 3); /* the FIFO, the link out, the bare page, the duplicate */
    OK(strstr(want, "aaa-first/01-out.md") != NULL);
    for (int round = 0; round < 5; round++) {
        atomic_store(&watching, 1);
        atomic_store(&seen_max, 0);
        pthread_t w;
        OK(pthread_create(&w, NULL, watch_threads, NULL) == 0);
        ks_store *s = load(1);
        atomic_store(&watching, 0);
        pthread_join(w, NULL);
        char *got = harness_store_describe(s, 1);
        STR_EQ(got, want);
        free(got);
        ks_store_free(s);
        if (atomic_load(&seen_max) > 1) break; /* the lister and its readers ran */
    }
    OK(atomic_load(&seen_max) > 1);
    free(want);
    ks_store_free(plain);
}

/* The load meets errors at once (no content folder; its first files all
 * bad) or is too small to read ahead: no thread is left either way. */
static void test_stopped(void) {
    char *gone = ks_sprintf("%s/no-such-folder", root);
    int err = 0;
    OK(setenv("KIOSK_READAHEAD", "1", 1) == 0);
    OK(ks_store_load(gone, NULL, &err) == NULL);
    OK(err < 0);
    INT_EQ(ks_store_readahead_threads(), 0);
    free(gone);
    make_content(2, 3);
    ks_store *a = load(1), *b = load(0);
    char *da = harness_store_describe(a, 1), *db = harness_store_describe(b, 1);
    STR_EQ(da, db);
    OK(ks_store_error_count(a) >= 3);
    free(da);
    free(db);
    ks_store_free(a);
    ks_store_free(b);
}

static void fresh_root(void) {
    snprintf(root, sizeof root, "/tmp/test-store-ahead-XXXXXX");
    OK(mkdtemp(root) != NULL);
}

int main(void) {
    fresh_root();
    RUN(test_same_store);
    harness_rm_rf(root);
    fresh_root();
    RUN(test_stopped);
    harness_rm_rf(root);
    return harness_done();
}
