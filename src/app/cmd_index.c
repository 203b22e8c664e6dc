/* kiosk index: build or update the search index from the content folder. */
#include "app.h"

#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/store.h"

#include <string.h>
#include <unistd.h>

static void help(void) {
    printf("usage: kiosk index [--content DIR] [--db FILE] [--quiet]\n\n"
           "Brings the search index in line with the content folder: only pages added,\n"
           "changed (by content hash) or removed are written, in one transaction, so a\n"
           "running kiosk sees the old index or the new one, never a mix. A run with\n"
           "nothing changed writes nothing.\n\n"
           "A page with errors (see 'kiosk check') is not indexed; if an earlier good\n"
           "version of it is in the index, that version is kept and shown until the page\n"
           "is fixed. Every page skipped or kept is named.\n\n"
           "  --content DIR  the content folder (default: $KIOSK_CONTENT, else ./content,\n"
           "                 else the shipped content)\n"
           "  --db FILE      the index (default: $KIOSK_DB, else\n"
           "                 $XDG_STATE_HOME/clinic-kiosk/index.db, i.e.\n"
           "                 ~/.local/state/clinic-kiosk/index.db)\n"
           "  --quiet        print only the summary line and problems\n\n"
           "Exit status: 0 indexed, every page good; 1 indexed, but some pages have\n"
           "errors (skipped or kept); 2 cannot run.\n");
}

/* A progress bar on a terminal, for large folders. */
static void progress(void *ctx, size_t done, size_t total) {
    size_t *last = ctx;
    size_t width = 30, fill = total ? done * width / total : width;
    if (total < 200 || (done != total && done - *last < total / 100)) return;
    *last = done;
    fprintf(stderr, "\rindexing %zu/%zu [", done, total);
    for (size_t i = 0; i < width; i++) fputc(i < fill ? '#' : ' ', stderr);
    fputc(']', stderr);
    if (done == total) fputc('\n', stderr);
    fflush(stderr);
}

static void print_list(const char *label, const ks_index_list *l, const char *note) {
    for (size_t i = 0; i < l->n; i++) printf("%-9s %s%s\n", label, l->slugs[i], note);
}

int cmd_index(int argc, char **argv) {
    app_paths paths = {0};
    int quiet = 0;
    for (int i = 1; i < argc;) {
        int r = app_take_path_option(&paths, argc, argv, &i);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (app_is_help(argv[i])) {
            help();
            return 0;
        }
        if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            quiet = 1;
            i++;
            continue;
        }
        return app_usage_error("index", "unknown argument '%s'", argv[i]);
    }
    app_paths_defaults(&paths);

    ks_store *store = app_load_store("index", paths.content);
    if (!store) return 2;
    int err;
    ks_index *ix = ks_index_open(paths.db, &err);
    if (!ix) {
        fprintf(stderr, "kiosk index: cannot open or create the index '%s'\n", paths.db);
        ks_store_free(store);
        return 2;
    }
    size_t last = 0;
    if (isatty(STDERR_FILENO)) ks_index_set_progress(ix, progress, &last);
    ks_index_report rep;
    int rc = ks_index_sync(ix, store, &rep);
    if (rc != 0) {
        fprintf(stderr, "kiosk index: the index '%s' was not changed: %s\n", paths.db, ks_index_errmsg(ix));
        ks_index_report_free(&rep);
        ks_index_close(ix);
        ks_store_free(store);
        return 2;
    }
    if (!quiet) {
        print_list("added", &rep.added, "");
        print_list("changed", &rep.changed, "");
        print_list("removed", &rep.removed, "");
    }
    print_list("kept", &rep.kept, "  (has errors: its last good version stays; run 'kiosk check')");
    print_list("skipped", &rep.skipped, "  (has errors: not indexed; run 'kiosk check')");
    if (!quiet && rep.synonyms_changed) printf("synonyms  updated\n");
    printf("%zu added, %zu changed, %zu removed, %zu unchanged, %zu kept, %zu skipped%s (%.0f ms, %s)\n",
           rep.added.n, rep.changed.n, rep.removed.n, rep.unchanged.n, rep.kept.n, rep.skipped.n,
           rep.wrote ? "" : "; nothing written", rep.ms, paths.db);
    int status = rep.kept.n || rep.skipped.n ? 1 : 0;
    ks_index_report_free(&rep);
    ks_index_close(ix);
    ks_store_free(store);
    return status;
}
