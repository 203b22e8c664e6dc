/* kiosk check: validate every page and print path:line: problems. */
#include "app.h"

#include "kiosk/base.h"

#include <stdlib.h>
#include "kiosk/store.h"

#include <errno.h>
#include <string.h>

static void help(void) {
    printf("usage: kiosk check [--content DIR] [--config FILE] [--grades]\n\n"
           "Reads every page in the content folder and prints one line per problem:\n"
           "  path:line: error: message     the page is not shown until it is fixed\n"
           "  path:line: warning: message   the page is shown, but should be improved\n"
           "path is relative to the content folder. A summary goes to stderr.\n\n"
           "  --content DIR  the content folder (default: $KIOSK_CONTENT, else ./content,\n"
           "                 else the shipped content)\n"
           "  --config FILE  the configuration whose [clinic] values fill the pages'\n"
           "                 placeholders, such as {{clinic.phone}} (default: $KIOSK_CONFIG,\n"
           "                 else " KS_CONFIG_PATH " if it exists)\n"
           "  --grades       also print each page's reading grade (Flesch-Kincaid)\n\n"
           "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 cannot run.\n");
}

int cmd_check(int argc, char **argv) {
    app_paths paths = {0};
    int grades = 0;
    for (int i = 1; i < argc;) {
        int r = app_take_path_option(&paths, argc, argv, &i);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (app_is_help(argv[i])) {
            help();
            return 0;
        }
        if (!strcmp(argv[i], "--grades")) {
            grades = 1;
            i++;
            continue;
        }
        return app_usage_error("check", "unknown option '%s'", argv[i]);
    }
    if (app_config_and_content(&paths) != 0) return 2;

    errno = 0;
    ks_store *store = app_load_store("check", &paths);
    if (!store) {
        /* A folder that is not there is the staff's problem to fix (the
         * wrong path), like a page with an error: exit 1. */
        int e = errno;
        if (e != ENOENT && e != ENOTDIR) return 2;
        char *dir = ks_escaped(paths.content);
        printf("%s:1: error: %s: give the right folder with --content DIR, $KIOSK_CONTENT or [paths] content\n", dir,
               ks_store_empty_reason(NULL, e));
        free(dir);
        fprintf(stderr, "kiosk check: no content folder, 1 error\n");
        return 1;
    }
    const char *empty = ks_store_empty_reason(store, 0);
    if (empty) { /* the kiosk would show "This kiosk has no pages yet" */
        char *dir = ks_escaped(paths.content);
        printf("%s:1: error: %s: the kiosk has nothing to show\n", dir, empty);
        free(dir);
    }
    size_t warnings = 0;
    for (size_t i = 0; i < ks_store_diag_count(store); i++) {
        const ks_diag *d = ks_store_diag(store, i);
        char *path = ks_escaped(d->path), *msg = ks_escaped(d->message); /* a name may hold a newline or ESC */
        printf("%s:%d: %s: %s\n", path, d->line, d->severity == KS_DIAG_ERROR ? "error" : "warning", msg);
        free(path);
        free(msg);
        warnings += d->severity == KS_DIAG_WARNING;
    }
    if (grades)
        for (size_t i = 0; i < ks_store_page_count(store); i++) {
            const ks_page *p = ks_store_page(store, i);
            char *path = ks_escaped(p->path);
            printf("%s: grade %.1f\n", path, p->grade);
            free(path);
        }
    size_t errors = ks_store_error_count(store) + (empty != NULL);
    fprintf(stderr, "kiosk check: %zu pages in %zu topics, %zu errors, %zu warnings\n",
            ks_store_page_count(store), ks_store_topic_count(store), errors, warnings);
    ks_store_free(store);
    return errors ? 1 : 0;
}
