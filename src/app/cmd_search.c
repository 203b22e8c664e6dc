/* kiosk search: ranked results for a query, or one answer per input line. */
#include "app.h"

#include "kiosk/base.h"
#include "kiosk/search.h"

#include <stdlib.h>
#include <string.h>

static void help(void) {
    printf("usage: kiosk search [--db FILE] [--json] [--limit N] QUERY...\n"
           "       kiosk search --stdin [--db FILE] [--json] [--limit N]\n\n"
           "Searches the index the way the kiosk does as a patient types: the last word\n"
           "is a prefix, typos are forgiven, lay words (content/synonyms.txt) are\n"
           "understood, stop words are ignored. Any text is safe to search for.\n\n"
           "  --db FILE   the index (default: $KIOSK_DB, else\n"
           "              $XDG_STATE_HOME/clinic-kiosk/index.db); build it with 'kiosk index'\n"
           "  --json      print one JSON array per query: [{\"slug\", \"title\", \"topic\",\n"
           "              \"section\", \"snippet\", \"highlights\": [[start, end], ...] (byte\n"
           "              offsets in snippet), \"score\"}, ...], each element also with\n"
           "              \"corrected\" when the query was corrected (\"did you mean\"),\n"
           "              and \"anchor\" when it opens the page at a heading (a glossary entry)\n"
           "  --limit N   at most N results (default 10)\n"
           "  --stdin     read one query per line from standard input and answer each\n"
           "              at once, one line (--json) or block per query\n"
           "  --content DIR  accepted for symmetry with other commands; not used\n\n"
           "Exit status: 0 (also when nothing is found); 2 bad usage, or no index to\n"
           "search.\n");
}

/* The readable form: rank, title, slug, snippet with [matches]. */
static void print_text(const ks_search_results *r, const char *query) {
    if (r->corrected) printf("Did you mean: %s\n", r->corrected);
    if (r->n == 0) printf("No results for \"%s\".\n", query);
    for (size_t i = 0; i < r->n; i++) {
        const ks_search_hit *h = &r->hits[i];
        printf("%2zu. %s  (%s)  %.2f\n    ", i + 1, h->title, h->slug, h->score);
        size_t at = 0;
        for (size_t k = 0; k < h->n_highlights; k++) {
            printf("%.*s[%.*s]", (int)(h->highlights[k].start - at), h->snippet + at,
                   (int)(h->highlights[k].end - h->highlights[k].start), h->snippet + h->highlights[k].start);
            at = h->highlights[k].end;
        }
        printf("%s\n", h->snippet + at);
    }
}

static void answer(ks_search *s, const char *query, size_t limit, int json) {
    ks_search_results *r;
    if (ks_search_query(s, query, limit, &r) != 0) /* still one answer per query, but not a silent one */
        fprintf(stderr, "kiosk search: reading the index failed; the results may be incomplete\n");
    if (json) {
        ks_buf b = {0};
        ks_search_results_json(r, &b);
        fputs(b.data, stdout);
        fputc('\n', stdout);
        ks_buf_free(&b);
    } else {
        print_text(r, query);
    }
    fflush(stdout);
    ks_search_results_free(r);
}

typedef struct search_opts {
    int json, from_stdin; /* --json, --stdin */
    size_t limit;         /* --limit */
    ks_buf query;         /* the QUERY words, joined by spaces */
} search_opts;

/* One option at argv[*i] into *o: APP_GO_ON when taken, else the exit code. */
static int take_option(int argc, char **argv, int *i, app_paths *paths, search_opts *o) {
    int r = app_take_path_option(paths, argc, argv, i);
    const char *v;
    if (r < 0) return 2;
    if (r > 0) return APP_GO_ON;
    if ((r = app_take_value("--limit", argc, argv, i, &v)) != 0) {
        char *end;
        long n = r > 0 ? strtol(v, &end, 10) : 0;
        if (r < 0 || *v == '\0' || *end != '\0' || n < 1 || n > 100)
            return app_usage_error("search", "--limit needs a number from 1 to 100");
        o->limit = (size_t)n;
        return APP_GO_ON;
    }
    if (app_is_help(argv[*i])) {
        help();
        return 0;
    }
    if (!strcmp(argv[*i], "--json")) o->json = 1;
    else if (!strcmp(argv[*i], "--stdin")) o->from_stdin = 1;
    else
        return app_usage_error("search", "unknown option '%s' (put '--' before a query that starts with '-')",
                               argv[*i]);
    (*i)++;
    return APP_GO_ON;
}

/* The command line into *paths and *o: APP_GO_ON to go on, else the exit code
 * (o->query is freed then). */
static int parse_options(int argc, char **argv, app_paths *paths, search_opts *o) {
    int options_done = 0, rc = APP_GO_ON;
    for (int i = 1; i < argc && rc == APP_GO_ON;) {
        if (!options_done && !strcmp(argv[i], "--")) {
            options_done = 1;
            i++;
        } else if (!options_done && argv[i][0] == '-' && argv[i][1] != '\0') {
            rc = take_option(argc, argv, &i, paths, o);
        } else {
            if (o->query.len) ks_buf_putc(&o->query, ' ');
            ks_buf_puts(&o->query, argv[i]);
            i++;
        }
    }
    if (rc == APP_GO_ON && o->from_stdin && o->query.len)
        rc = app_usage_error("search", "give a QUERY or --stdin, not both");
    if (rc == APP_GO_ON && !o->from_stdin && !o->query.len) rc = app_usage_error("search", "nothing to search for");
    if (rc != APP_GO_ON) ks_buf_free(&o->query);
    return rc;
}

/* One answer per line of standard input, each at once, in one write: a
 * pipe's default stdio buffer (4 KB) split one answer in 25 in two. */
static void answer_stdin(ks_search *s, const search_opts *o) {
    static char out[1 << 16];
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    setvbuf(stdout, out, _IOFBF, sizeof out);
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        answer(s, line, o->limit, o->json);
    }
    free(line);
}

int cmd_search(int argc, char **argv) {
    app_paths paths = {0};
    search_opts o = {0, 0, 10, {0}};
    int rc = parse_options(argc, argv, &paths, &o);
    if (rc != APP_GO_ON) return rc;
    if (app_paths_defaults(&paths) != 0) return 2;

    int err;
    ks_search *s = ks_search_open(paths.db, &err);
    if (!s) {
        fprintf(stderr, "kiosk search: cannot open the index '%s'%s: run 'kiosk index%s%s' first\n", paths.db,
                err == KS_ERR_NOT_FOUND ? " (it does not exist)"
                : err == KS_INDEX_ERR_SCHEMA ? " (not an index of this version)"
                                              : "",
                paths.db ? " --db " : "", paths.db ? paths.db : "");
        ks_buf_free(&o.query);
        return 2;
    }
    if (o.from_stdin) answer_stdin(s, &o);
    else answer(s, o.query.data, o.limit, o.json);
    ks_buf_free(&o.query);
    ks_search_close(s);
    return 0;
}
