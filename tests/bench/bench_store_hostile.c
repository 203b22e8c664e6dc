/* How long `kiosk check` (ks_store_load) takes on each hostile page of
 * tests/hostile_pages.h, each alone in a folder: the target is at most
 * 200 ms for any page up to the 1 MiB limit. Best and worst of 5 runs.
 *
 *   build/tests/bench_store_hostile
 */
#include "hostile_pages.h"
#include "kiosk/base.h"
#include "kiosk/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    const char *name;
    char *text;
    double worst_all = 0;
    printf("%-22s %8s %9s %9s %s\n", "page", "bytes", "best ms", "worst ms", "errors");
    for (int i = 0; (text = hostile_page(i, &name)) != NULL; i++) {
        char dir[] = "/tmp/kiosk-bench-hostile-XXXXXX";
        if (!mkdtemp(dir)) return 1;
        char *page = ks_path_join(dir, "page.md");
        ks_write_file_atomic(page, text, strlen(text));
        double best = 1e9, worst = 0;
        size_t errors = 0;
        for (int run = 0; run < 5; run++) {
            int err = 0;
            double t0 = ks_now_ms();
            ks_store *s = ks_store_load(dir, NULL, &err);
            double ms = ks_now_ms() - t0;
            if (s) errors = ks_store_error_count(s);
            ks_store_free(s);
            if (ms < best) best = ms;
            if (ms > worst) worst = ms;
        }
        if (worst > worst_all) worst_all = worst;
        printf("%-22s %8zu %9.1f %9.1f %zu\n", name, strlen(text), best, worst, errors);
        unlink(page);
        rmdir(dir);
        free(page);
        free(text);
    }
    printf("worst page: %.1f ms (target <= 200 ms)\n", worst_all);
    return 0;
}
