/* bench_index_build: `kiosk index`'s first build of a content folder, the
 * whole process (issue 12's target: <= 5 s for 15,000 real pages).
 *
 *   bench_index_build [--cold] DIR [RUNS [KIOSK]]   (default 5 runs, this build's kiosk)
 *
 * --cold (root only; otherwise it says so and skips): sync and drop the
 * page cache (3 > /proc/sys/vm/drop_caches) before each run, so every
 * file is read from the disk. KIOSK_READAHEAD=0 in the environment turns
 * the store's read-ahead off in the child (A/B); the output says which.
 * Before each run the index and every file beside it (-wal, -shm, .backup,
 * .checked, -records.bin, -folders.bin) are removed, so each run is a first
 * build: stamp, load and parse every page, the sync, the records, the
 * backup, the seal. Prints per run the wall, user and system time and the
 * peak memory of the child, then the median and maximum wall time, and
 * the load average before and after (the machine is shared: say so with
 * the figures). KIOSK times another build (A/B on the same load). The
 * index is made in a new folder under $TMPDIR (else /tmp). */
#include "kiosk/base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const beside[] = {"", "-wal", "-shm", ".backup", ".backup-new", ".checked"};
static const char *const beside_stem[] = {"-records.bin", "-folders.bin"};

static void remove_index(const char *dir, const char *db) {
    for (size_t i = 0; i < sizeof beside / sizeof *beside; i++) {
        char *f = ks_sprintf("%s/%s%s", dir, db, beside[i]);
        unlink(f);
        free(f);
    }
    for (size_t i = 0; i < sizeof beside_stem / sizeof *beside_stem; i++) {
        char *f = ks_sprintf("%s/index%s", dir, beside_stem[i]);
        unlink(f);
        free(f);
    }
}

static void print_load(const char *when) {
    char *text = NULL;
    size_t len = 0;
    if (ks_read_file("/proc/loadavg", 256, &text, &len) == KS_OK) {
        char *nl = strchr(text, '\n');
        if (nl) *nl = '\0';
        printf("load average %s: %s\n", when, text);
    }
    free(text);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* --cold: drop the page cache before a run (root only: sync, then 3 into
 * /proc/sys/vm/drop_caches), so the run reads every file from the disk. */
static int drop_caches(void) {
    sync();
    FILE *f = fopen("/proc/sys/vm/drop_caches", "w");
    if (!f) return -1;
    int ok = fputs("3\n", f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv) {
    int cold = argc > 1 && strcmp(argv[1], "--cold") == 0;
    if (cold) {
        argv++;
        argc--;
        if (geteuid() != 0) {
            printf("--cold needs root (to drop the page cache): skipped\n");
            return 0;
        }
    }
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: bench_index_build [--cold] DIR [RUNS [KIOSK]]\n");
        return 2;
    }
    const char *content = argv[1], *kiosk = argc > 3 ? argv[3] : KIOSK_BIN;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1 || runs > 50) runs = 5;
    const char *tmp = getenv("TMPDIR");
    char *tmpl = ks_sprintf("%s/bench-index-build-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char *dir = mkdtemp(tmpl);
    if (!dir) return 2;
    char *db = ks_sprintf("%s/index.db", dir);
    double *wall = ks_malloc((size_t)runs * sizeof *wall);
    printf("kiosk index, first build: %s index --quiet --content %s --db %s\n", kiosk, content, db);
    if (cold) printf("cold: the page cache is dropped before each run (sync; echo 3 > /proc/sys/vm/drop_caches)\n");
    const char *ra = getenv("KIOSK_READAHEAD");
    printf("read-ahead %s (KIOSK_READAHEAD=%s)\n", ra && !strcmp(ra, "0") ? "off" : "on", ra ? ra : "unset");
    print_load("before");
    for (int r = 0; r < runs; r++) {
        struct rusage ru;
        int st = 0;
        remove_index(dir, "index.db");
        if (cold && drop_caches() != 0) {
            fprintf(stderr, "cannot drop the page cache: %s\n", strerror(errno));
            return 2;
        }
        fflush(NULL);
        double t0 = ks_now_ms();
        pid_t pid = fork();
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
            execl(kiosk, kiosk, "index", "--quiet", "--content", content, "--db", db, (char *)NULL);
            _exit(127);
        }
        if (pid < 0 || wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) > 1) {
            fprintf(stderr, "kiosk index failed (%d)\n", st);
            return 2;
        }
        wall[r] = ks_now_ms() - t0;
        printf("  run %d: wall %.0f ms, user %.0f ms, sys %.0f ms, peak memory %ld MB\n", r + 1, wall[r],
               ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3, ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3,
               ru.ru_maxrss / 1024);
    }
    print_load("after");
    qsort(wall, (size_t)runs, sizeof *wall, cmp_double);
    printf("first build%s, whole process: median %.0f ms, max %.0f ms (target <= 5000)\n", cold ? " from a cold page cache" : "", wall[runs / 2],
           wall[runs - 1]);
    remove_index(dir, "index.db");
    rmdir(dir);
    free(tmpl);
    free(wall);
    free(db);
    return 0;
}
