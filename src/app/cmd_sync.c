/* cmd_sync: `kiosk sync` brings the content link in line with a git source
 * (see include/kiosk/sync.h), once or, with --watch-usb, whenever a bundle
 * file appears on a mounted USB stick. */
#include "app.h"

#include "kiosk/base.h"
#include "kiosk/store.h"
#include "kiosk/sync.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void help(FILE *out) {
    fprintf(out,
            "usage: kiosk sync [--source SRC] [--content LINK] [--releases DIR] [--keep N]\n"
            "                  [--ref REF] [--db FILE] [--state FILE] [--config FILE] [--quiet]\n"
            "       kiosk sync --watch-usb DIR [--interval SECONDS] [same options]\n"
            "\n"
            "Bring the content in line with a git source: a URL (ssh://, https://), a path\n"
            "to a repository, or a file made with 'git bundle create' (a USB stick). The\n"
            "source's version is checked as 'kiosk check' does, in a folder of its own;\n"
            "with no errors the content link is switched to it in one step, otherwise the\n"
            "kiosk stays on its version and the errors are printed (path:line: error: ...).\n"
            "\n"
            "  --source SRC     the git source (default: [sync] source of the configuration)\n"
            "  --content LINK   the link the kiosk reads, made and replaced by kiosk sync\n"
            "                   (default: $KIOSK_CONTENT, else [paths] content, as for 'kiosk run')\n"
            "  --releases DIR   where versions are kept (default: [sync] releases, else\n"
            "                   'releases' beside the index)\n"
            "  --keep N         versions kept besides the one shown, 1 to 100\n"
            "                   (default: [sync] keep, 3)\n"
            "  --config FILE    the configuration (default: $KIOSK_CONFIG, else\n"
            "                   /etc/clinic-kiosk/kiosk.conf when it exists)\n"
            "  --ref REF        the branch or tag to show (default: the source's HEAD)\n"
            "  --db FILE        the kiosk's index; the sync state is kept beside it\n"
            "  --state FILE     the sync state file itself (default: FILE without .db\n"
            "                   plus -sync.txt)\n"
            "  --quiet          say nothing when nothing changed (for the timer)\n"
            "  --watch-usb DIR  keep running; apply the newest *.bundle file found in DIR or\n"
            "                   up to two folders below (a mounted stick), once it stops\n"
            "                   changing\n"
            "  --interval S     how often --watch-usb looks (default 2 seconds)\n"
            "\n"
            "Exit status: 0 up to date or switched, 1 the source's version was refused,\n"
            "2 cannot run, 3 the source cannot be reached (nothing changed).\n");
}

typedef struct sync_args {
    ks_sync_options o;
    app_paths paths;
    const char *watch_usb;
    double interval;
    int quiet;
} sync_args;

static int exit_status(ks_sync_result r) {
    switch (r) {
    case KS_SYNC_UP_TO_DATE:
    case KS_SYNC_SWITCHED:
        return 0;
    case KS_SYNC_REFUSED:
        return 1;
    case KS_SYNC_UNREACHABLE:
        return 3;
    default:
        return 2;
    }
}

/* Print what happened. Quiet: nothing when up to date, and a repeated
 * "unreachable" or "still refused" once only (a timer every few minutes must
 * not fill the journal). */
static void report(const ks_sync_state *st, ks_sync_result before, int quiet) {
    FILE *out = st->result == KS_SYNC_FAILED || st->result == KS_SYNC_UNREACHABLE ? stderr : stdout;
    if (quiet && (st->result == KS_SYNC_UP_TO_DATE || (st->result == before && st->result != KS_SYNC_SWITCHED)))
        return;
    fprintf(out, "kiosk sync: %s\n", st->message);
    if (st->result == KS_SYNC_REFUSED) fputs(st->problems, stdout);
    fflush(stdout);
}

static int sync_once(sync_args *a) {
    ks_sync_state before, st;
    ks_sync_state_load(a->o.state, &before);
    ks_sync_run(&a->o, &st);
    report(&st, before.last_run ? before.result : KS_SYNC_NONE, a->quiet);
    return exit_status(st.result);
}

/* ------------------------------------------------------------ --watch-usb */

typedef struct bundle_seen {
    char path[4096];
    off_t size;
    struct timespec mtime;
} bundle_seen;

static void consider(const char *path, bundle_seen *best) {
    struct stat st;
    size_t n = strlen(path);
    if (n < 8 || strcmp(path + n - 7, ".bundle") != 0) return;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || n >= sizeof best->path) return;
    if (best->path[0] && (st.st_mtim.tv_sec < best->mtime.tv_sec ||
                          (st.st_mtim.tv_sec == best->mtime.tv_sec && st.st_mtim.tv_nsec <= best->mtime.tv_nsec)))
        return;
    memcpy(best->path, path, n + 1);
    best->size = st.st_size;
    best->mtime = st.st_mtim;
}

/* The newest *.bundle in dir or up to two folders below it (automounters
 * put a stick at /media/LABEL or /media/USER/LABEL). */
static void scan_bundles(const char *dir, int depth, bundle_seen *best) {
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) return;
    while ((e = readdir(d))) {
        char *p;
        struct stat st;
        if (e->d_name[0] == '.') continue;
        p = ks_path_join(dir, e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (depth < 2) scan_bundles(p, depth + 1, best);
        } else {
            consider(p, best);
        }
        free(p);
    }
    closedir(d);
}

static void find_bundle(const char *dir, bundle_seen *best) {
    memset(best, 0, sizeof *best);
    scan_bundles(dir, 0, best);
}

static int same_bundle(const bundle_seen *a, const bundle_seen *b) {
    return !strcmp(a->path, b->path) && a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Until SIGTERM or SIGINT: look every interval; a bundle that is new and
 * has not changed since the last look is applied once. */
static int watch_usb(sync_args *a) {
    sigset_t stop;
    bundle_seen seen, last, applied;
    struct timespec wait;
    memset(&last, 0, sizeof last);
    memset(&applied, 0, sizeof applied);
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigprocmask(SIG_BLOCK, &stop, NULL);
    wait.tv_sec = (time_t)a->interval;
    wait.tv_nsec = (long)((a->interval - (double)wait.tv_sec) * 1e9);
    ks_log("sync: watching %s for *.bundle files every %.1f s", a->watch_usb, a->interval);
    for (;;) {
        int sig;
        find_bundle(a->watch_usb, &seen);
        if (seen.path[0] && same_bundle(&seen, &last) && !same_bundle(&seen, &applied)) {
            a->o.source = seen.path;
            ks_log("sync: applying %s", seen.path);
            sync_once(a);
            applied = seen;
        }
        last = seen;
        while ((sig = sigtimedwait(&stop, NULL, &wait)) < 0 && errno == EINTR) {
        }
        if (sig == SIGTERM || sig == SIGINT) break;
    }
    return 0;
}

/* The command line into *a: APP_GO_ON to go on, else the exit code. *keep_given
 * says whether --keep was given (else the configuration's is used). */
static int parse_options(int argc, char **argv, sync_args *a, int *keep_given) {
    const char *keep = NULL, *interval = NULL;
    for (int i = 1; i < argc;) {
        int r;
        if (app_is_help(argv[i])) {
            help(stdout);
            return 0;
        }
        if ((r = app_take_path_option(&a->paths, argc, argv, &i)) != 0 ||
            (r = app_take_value("--source", argc, argv, &i, &a->o.source)) != 0 ||
            (r = app_take_value("--releases", argc, argv, &i, &a->o.releases)) != 0 ||
            (r = app_take_value("--keep", argc, argv, &i, &keep)) != 0 ||
            (r = app_take_value("--ref", argc, argv, &i, &a->o.ref)) != 0 ||
            (r = app_take_value("--state", argc, argv, &i, &a->o.state)) != 0 ||
            (r = app_take_value("--watch-usb", argc, argv, &i, &a->watch_usb)) != 0 ||
            (r = app_take_value("--interval", argc, argv, &i, &interval)) != 0) {
            if (r < 0) return app_usage_error("sync", "an option needs a value");
            continue;
        }
        if (!strcmp(argv[i], "--quiet")) {
            a->quiet = 1;
            i++;
            continue;
        }
        return app_usage_error("sync", "unknown argument '%s'", argv[i]);
    }
    *keep_given = keep != NULL;
    if (keep) {
        char *end;
        long k = strtol(keep, &end, 10);
        if (*end || k < 1 || k > 100) return app_usage_error("sync", "--keep needs a whole number from 1 to 100");
        a->o.keep = (int)k;
    }
    if (interval) {
        char *end;
        a->interval = strtod(interval, &end);
        if (*end || !(a->interval >= 0.1 && a->interval <= 3600))
            return app_usage_error("sync", "--interval needs seconds from 0.1 to 3600");
    }
    return APP_GO_ON;
}

/* What the command line left open, from the configuration: the source,
 * --keep, the releases folder (default: "releases" beside the index) and
 * the state file. *releases and *state are the strings made here (the
 * caller frees them). */
static void config_defaults(sync_args *a, int keep_given, char **releases, char **state) {
    if (!a->o.source && a->paths.cfg.sync.source[0]) a->o.source = a->paths.cfg.sync.source;
    if (!keep_given) a->o.keep = a->paths.cfg.sync.keep;
    if (!a->o.releases && a->paths.cfg.sync.releases[0]) a->o.releases = a->paths.cfg.sync.releases;
    if (!a->o.releases) { /* "releases" beside the index */
        const char *slash = strrchr(a->paths.db, '/');
        *releases =
            slash ? ks_sprintf("%.*s/releases", (int)(slash - a->paths.db), a->paths.db) : ks_strdup("releases");
        if (slash == a->paths.db) {
            free(*releases);
            *releases = ks_strdup("/releases");
        }
        a->o.releases = *releases;
    }
    if (!a->o.state) a->o.state = *state = ks_sync_default_state_path(a->paths.db);
}

int cmd_sync(int argc, char **argv) {
    sync_args a;
    char *state = NULL, *releases = NULL;
    ks_store_options store_opts;
    int status, keep_given = 0;
    memset(&a, 0, sizeof a);
    a.interval = 2.0;
    if ((status = parse_options(argc, argv, &a, &keep_given)) != APP_GO_ON) return status;
    if (app_paths_defaults(&a.paths) != 0) return 2;
    a.o.content = a.paths.content;
    /* The check is `kiosk check`'s: the same store options (placeholders
     * filled from the configuration, an unknown one is an error; pictures
     * decoded by SDL2_image). */
    memset(&store_opts, 0, sizeof store_opts);
    store_opts.config = &a.paths.cfg;
    store_opts.image_probe = app_image_probe; /* pictures decoded, as kiosk check does (SDL2_image loaded then) */
    a.o.store_opts = &store_opts;
    config_defaults(&a, keep_given, &releases, &state);
    if (a.watch_usb) {
        status = watch_usb(&a);
    } else {
        if (!a.o.source || !*a.o.source) {
            free(state);
            free(releases);
            return app_usage_error("sync", "no source: give --source, or set 'source' in the [sync] section of the configuration");
        }
        status = sync_once(&a);
    }
    free(state);
    free(releases);
    return status;
}
