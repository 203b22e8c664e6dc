/* cmd_stats: `kiosk stats` prints the anonymous usage counts the running
 * kiosk keeps (page views, searches that found nothing), or resets them. */
#include "app.h"

#include "kiosk/base.h"
#include "kiosk/stats.h"
#include "kiosk/sync.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void help(FILE *out) {
    fprintf(out,
            "usage: kiosk stats [--db FILE] [--stats FILE] [--json] [--reset]\n"
            "\n"
            "Print the anonymous usage counts kept by the running kiosk: how many\n"
            "times each page was opened, and which searches found nothing (the text\n"
            "only, lowercased, digits shown as #). No times or sequences are kept.\n"
            "\n"
            "  --db FILE     the index the kiosk uses; the counts live beside it in\n"
            "                FILE without .db plus -stats.db (default index: $KIOSK_DB,\n"
            "                else $XDG_STATE_HOME/clinic-kiosk/index.db)\n"
            "  --stats FILE  the counts file itself, if kept elsewhere\n"
            "  --json        one JSON object {views:[{key,count}], empty_searches:[...]}\n"
            "  --reset       forget every count (prints what was forgotten first)\n"
            "  --content DIR the content folder; when kiosk sync manages it, the version\n"
            "                shown and the last sync are printed after the counts\n"
            "\n"
            "Exit status: 0 done, 2 cannot run.\n");
}

/* The content version and last sync as JSON fields (with a leading comma),
 * or nothing when kiosk sync does not manage the content. */
static void sync_json(ks_buf *b, const char *content, const char *state_path) {
    ks_sync_state ss;
    ks_sync_version v;
    int managed = ks_sync_release_version(content, &v) == KS_OK;
    int synced = ks_sync_state_load(state_path, &ss) == KS_OK;
    if (!managed && !synced) return;
    ks_buf_puts(b, ",\"content_version\":");
    if (managed) {
        ks_buf_printf(b, "{\"commit\":\"%s\",\"time\":%lld,\"subject\":\"", v.commit, (long long)v.time);
        ks_buf_json_string(b, v.subject, strlen(v.subject));
        ks_buf_puts(b, "\"}");
    } else {
        ks_buf_puts(b, "null");
    }
    ks_buf_puts(b, ",\"sync\":");
    if (!synced) {
        ks_buf_puts(b, "null");
        return;
    }
    ks_buf_printf(b, "{\"last_run\":%lld,\"result\":\"%s\",\"message\":\"", (long long)ss.last_run,
                  ks_sync_result_name(ss.result));
    ks_buf_json_string(b, ss.message, strlen(ss.message));
    ks_buf_printf(b, "\",\"last_reached\":%lld,\"refused\":", (long long)ss.last_reached);
    if (ss.refused.commit[0]) {
        ks_buf_printf(b, "{\"commit\":\"%s\",\"time\":%lld,\"subject\":\"", ss.refused.commit,
                      (long long)ss.refused.time);
        ks_buf_json_string(b, ss.refused.subject, strlen(ss.refused.subject));
        ks_buf_puts(b, "\"}");
    } else {
        ks_buf_puts(b, "null");
    }
    ks_buf_puts(b, ",\"problems\":[");
    for (const char *p = ss.problems, *first = p; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        ks_buf_puts(b, p == first ? "\"" : ",\"");
        ks_buf_json_string(b, p, n);
        ks_buf_putc(b, '"');
        p += n + (nl ? 1 : 0);
    }
    ks_buf_puts(b, "]}");
}

static void print_json(const ks_stats_list *l, const char *content, const char *state_path) {
    ks_buf b = {0};
    ks_buf_puts(&b, "{\"views\":[");
    for (size_t i = 0; i < l->n_views; i++) {
        ks_buf_puts(&b, i ? ",{\"key\":\"" : "{\"key\":\"");
        ks_buf_json_string(&b, l->views[i].key, strlen(l->views[i].key));
        ks_buf_printf(&b, "\",\"count\":%lld}", (long long)l->views[i].count);
    }
    ks_buf_puts(&b, "],\"empty_searches\":[");
    for (size_t i = 0; i < l->n_empty; i++) {
        ks_buf_puts(&b, i ? ",{\"key\":\"" : "{\"key\":\"");
        ks_buf_json_string(&b, l->empty[i].key, strlen(l->empty[i].key));
        ks_buf_printf(&b, "\",\"count\":%lld}", (long long)l->empty[i].count);
    }
    ks_buf_putc(&b, ']');
    sync_json(&b, content, state_path);
    ks_buf_puts(&b, "}\n");
    fputs(b.data, stdout);
    ks_buf_free(&b);
}

static void print_text(const ks_stats_list *l, const char *content, const char *state_path) {
    ks_sync_state ss;
    ks_sync_version v;
    int managed, synced;
    printf("page views: %lld\n", (long long)l->total_views);
    for (size_t i = 0; i < l->n_views; i++)
        printf("%8lld  %s\n", (long long)l->views[i].count, l->views[i].key);
    printf("searches that found nothing: %lld\n", (long long)l->total_empty);
    for (size_t i = 0; i < l->n_empty; i++)
        printf("%8lld  %s\n", (long long)l->empty[i].count, l->empty[i].key);
    /* Added lines (kiosk sync), after the counts so the lines above keep
     * their places: the same lines as on the staff screen. */
    managed = ks_sync_release_version(content, &v) == KS_OK;
    synced = ks_sync_state_load(state_path, &ss) == KS_OK;
    if (managed || synced) {
        ks_buf b = {0};
        ks_sync_describe(synced ? &ss : NULL, &v, &b);
        fputs(b.data, stdout);
        ks_buf_free(&b);
    }
}

int cmd_stats(int argc, char **argv) {
    app_paths paths = {0};
    const char *stats_path = NULL;
    int json = 0, reset = 0, err = 0, status = 0;
    char *path, *sync_state;
    ks_stats *st;
    ks_stats_list list;

    for (int i = 1; i < argc;) {
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            return 0;
        }
        if ((r = app_take_path_option(&paths, argc, argv, &i)) != 0) {
            if (r < 0) return app_usage_error("stats", "bad option");
            continue;
        }
        if ((r = app_take_value("--stats", argc, argv, &i, &stats_path)) != 0) {
            if (r < 0) return app_usage_error("stats", "bad option");
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) json = 1;
        else if (strcmp(argv[i], "--reset") == 0) reset = 1;
        else return app_usage_error("stats", "unknown argument '%s'", argv[i]);
        i++;
    }
    if (app_paths_defaults(&paths) != 0) return 2;
    if (!stats_path) {
        /* beside the index only when the index is a file: never
         * /dev/null-stats.db */
        struct stat sb;
        if (stat(paths.db, &sb) == 0 && !S_ISREG(sb.st_mode)) {
            fprintf(stderr, "kiosk stats: %s is not an index file, so there are no counts beside it "
                            "(give --stats FILE)\n", paths.db);
            return 2;
        }
    }
    path = stats_path ? ks_strdup(stats_path) : ks_stats_default_path(paths.db);
    st = ks_stats_open(path, &err);
    if (!st) {
        fprintf(stderr, "kiosk stats: cannot open %s\n", path);
        free(path);
        return 2;
    }
    if (ks_stats_read(st, &list) != KS_OK) {
        fprintf(stderr, "kiosk stats: cannot read %s\n", path);
        status = 2;
    } else {
        sync_state = ks_sync_default_state_path(paths.db);
        if (json) print_json(&list, paths.content, sync_state);
        else print_text(&list, paths.content, sync_state);
        free(sync_state);
        ks_stats_list_free(&list);
        if (reset) {
            if (ks_stats_reset(st) != KS_OK) {
                fprintf(stderr, "kiosk stats: cannot reset %s (busy?)\n", path);
                status = 2;
            } else if (!json) {
                printf("counts reset\n");
            }
        }
    }
    ks_stats_close(st);
    free(path);
    return status;
}
