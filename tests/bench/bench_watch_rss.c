/* Resident memory of a kiosk's content side over 1,000 reloads (issue 13):
 * the watcher on a copy of the shipped content keeps an index up to date
 * (sync, backup, the start-up check) while one page is rewritten 1,000
 * times; after each change the new snapshot is taken and the old one
 * released later, as the UI does. RSS is printed every 100 reloads; it
 * should stay flat after the first few.
 *
 *   build/tests/bench_watch_rss [RELOADS]
 */
#include "kiosk/base.h"
#include "kiosk/watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static double rss_mb(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

int main(int argc, char **argv) {
    int reloads = argc > 1 ? atoi(argv[1]) : 1000, err = 0;
    char root[] = "/tmp/kiosk-bench-rss-XXXXXX";
    if (!mkdtemp(root)) return 1;
    char *cmd = ks_sprintf("cp -r '%s/content' '%s/content'", KIOSK_SOURCE_DIR, root);
    if (system(cmd) != 0) return 1;
    free(cmd);
    char *content = ks_sprintf("%s/content", root), *db = ks_sprintf("%s/index.db", root);
    char *page = ks_sprintf("%s/about.md", content);
    char *orig = NULL;
    size_t orig_len = 0;
    if (ks_read_file(page, 1 << 20, &orig, &orig_len) != KS_OK) return 1;

    ks_watch_options o;
    memset(&o, 0, sizeof o);
    o.db = db;
    o.quiet_ms = 5;
    o.max_quiet_ms = 5;
    o.quiet_log = 1;
    ks_watch *w = ks_watch_start(content, &o, &err);
    if (!w) return 1;
    ks_watch_snapshot *snap = ks_watch_take(w, 0);
    double first = 0, t0 = ks_now_ms();
    printf("%8s %10s\n", "reloads", "RSS MB");
    for (int i = 1; i <= reloads; i++) {
        ks_buf b = {0};
        ks_buf_append(&b, orig, orig_len);
        ks_buf_printf(&b, "\nEdit number %d of the page.\n", i);
        ks_write_file_atomic(page, b.data, b.len);
        ks_buf_free(&b);
        uint64_t gen = ks_watch_wait(w, ks_watch_snapshot_generation(snap), 10000);
        if (!gen) {
            fprintf(stderr, "reload %d: no new snapshot within 10 s\n", i);
            break;
        }
        ks_watch_snapshot *next = ks_watch_take(w, ks_watch_snapshot_generation(snap));
        if (next) {
            ks_watch_release_later(w, snap);
            snap = next;
        }
        if (i == 10) first = rss_mb();
        if (i % 100 == 0 || i == 1 || i == 10) printf("%8d %10.1f\n", i, rss_mb());
    }
    printf("RSS after 10 reloads %.1f MB, after %d %.1f MB (%+.1f MB); %.1f s\n", first, reloads, rss_mb(),
           rss_mb() - first, (ks_now_ms() - t0) / 1000.0);
    ks_watch_snapshot_release(snap);
    ks_watch_stop(w);
    cmd = ks_sprintf("rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    free(cmd);
    free(orig);
    free(page);
    free(content);
    free(db);
    return 0;
}
