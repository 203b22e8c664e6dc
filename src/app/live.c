/* live: the content watcher, usage counts and line-by-line scripts for
 * `kiosk run` (see live.h). */
#include "live.h"
#include "stop.h"

#include "kiosk/base.h"
#include "kiosk/sync.h"

#include <SDL.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct app_live {
    ks_watch *watch;
    ks_watch_snapshot *snap; /* the newest taken (one reference) */
    ks_stats *stats;         /* NULL when the counts file cannot be opened */
    ks_search *search;       /* the UI's search, NULL while the index cannot be opened */
    uint64_t search_syncs;   /* the watcher's sync count when the search was last looked at */
    double search_next;      /* when the index file is looked at again anyway */
    int search_failed;       /* opening it failed: said once */
    int search_lost;         /* closed because its file was removed or replaced: the next one "reopened" */
    char *db;                /* the index path, owned */
    char *content;           /* the content folder (or kiosk sync's link), owned */
    char *sync_state;        /* kiosk sync's state file beside the index, owned */
    ks_config cfg;           /* the placeholders' values, for every load the watcher makes */
    double started;          /* ks_now_ms() at start */
    pthread_mutex_t wake_mu; /* held while the watcher pushes an event */
    Uint32 sdl_event;        /* under wake_mu: 0 until app_live_wake_sdl, after app_live_unwake_sdl */
};

/* ------------------------------------------------------------ content */

ks_store_view app_live_content(app_live *l) { return ks_watch_snapshot_view(l->snap); }

const ks_watch_snapshot *app_live_snapshot(app_live *l) { return l->snap; }

/* Runs on the watcher's thread: SDL_PushEvent is thread-safe, but not
 * after SDL_Quit, hence the lock app_live_unwake_sdl takes. */
static void wake(void *user) {
    app_live *l = user;
    pthread_mutex_lock(&l->wake_mu);
    if (l->sdl_event) {
        SDL_Event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = l->sdl_event;
        SDL_PushEvent(&ev);
    }
    pthread_mutex_unlock(&l->wake_mu);
}

void app_live_wake_sdl(app_live *l) {
    Uint32 type = SDL_RegisterEvents(1);
    if (type == (Uint32)-1) return;
    pthread_mutex_lock(&l->wake_mu);
    l->sdl_event = type;
    pthread_mutex_unlock(&l->wake_mu);
    app_stop_wake_sdl(type); /* SIGTERM wakes the loop with the same event */
}

void app_live_unwake_sdl(app_live *l) {
    app_stop_wake_sdl(0);
    pthread_mutex_lock(&l->wake_mu);
    l->sdl_event = 0;
    pthread_mutex_unlock(&l->wake_mu);
}

static void log_snapshot(const ks_watch_snapshot *s) {
    ks_watch_status st;
    ks_watch_snapshot_status(s, &st);
    ks_log("content: %zu topics, %zu pages (%zu kept from their last good version), %zu errors, %zu warnings",
           st.n_topics, st.n_pages, st.n_stale, st.n_errors, st.n_warnings);
}

/* ------------------------------------------------------------ search */

#define SEARCH_LOOK_MS 2000.0 /* how often the index file is looked at when nothing else says so */
#define SEARCH_RETRY_MS 250.0 /* ... while there is no search (the new file may be ready any moment) */

/* A new search on the index file when there is none (first start, the
 * old one closed because its file was removed or replaced) or the one there
 * is frozen (the disk may be well again); else NULL. A live search follows
 * its own file: its reader says when the path names another one. */
static ks_search *search_if_new_file(app_live *l) {
    struct stat st;
    int err = 0;
    ks_search *s;
    if (l->search && !ks_search_frozen(l->search)) return NULL;
    if (stat(l->db, &st) != 0) return NULL; /* nothing yet: keep what we have */
    s = ks_search_open(l->db, &err);
    if (s && l->search && ks_search_frozen(s)) { /* the disk is still not well: keep the one we have */
        ks_search_close(s);
        return NULL;
    }
    if (!s) {
        if (!l->search_failed) ks_log("search is unavailable for now (index %s, error %d); trying again", l->db, err);
        l->search_failed = 1;
        return NULL;
    }
    if (ks_search_frozen(s))
        ks_log("search: the index %s cannot be read live (the disk is full or failing); searching it as it is "
               "on disk until it can", l->db);
    else if (l->search_failed || l->search || l->search_lost)
        ks_log("search %s the index %s", l->search || l->search_lost ? "reopened" : "opened", l->db);
    l->search_failed = 0;
    l->search_lost = 0;
    /* After a sync the caches reload on the handle's own thread, so the
     * keystroke that notices it does not wait 100-400 ms on a large index. */
    ks_search_set_background(s, 1);
    return s;
}

ks_search *app_live_search(app_live *l) { return l ? l->search : NULL; }

/* Between frames: when the watcher synced, or every few seconds, bring
 * the search up to date with the index, or (re)open the index file. A
 * search on the same file follows its generation by itself.
 *
 * The index file removed or replaced (staff "resetting" it, a restore),
 * or its -wal or -shm removed: the search's reader refuses to read through
 * the old files from then on (KS_INDEX_ERR_MOVED, for the refresh here and
 * for every keystroke alike: SQLite names the -wal and -shm by the path,
 * so a connection left on a removed file could read the new file's), and
 * the refresh here closes it and opens the files at the path once the
 * writer has made them, which it announces with a sync. */
static void search_upkeep(app_live *l, ks_ui *ui) {
    ks_watch_counters c;
    double now = ks_now_ms();
    ks_search *s;
    ks_watch_get_counters(l->watch, &c);
    if (c.syncs == l->search_syncs && now < l->search_next) return;
    l->search_syncs = c.syncs;
    l->search_next = now + (l->search ? SEARCH_LOOK_MS : SEARCH_RETRY_MS);
    /* Start the caches' reload now, in the background, not at the next
     * keystroke: a patient who types after a sync then gets the new pages. */
    if (l->search && ks_search_refresh(l->search) == KS_INDEX_ERR_MOVED) {
        ks_log("search: the index %s (or its -wal or -shm) was removed or replaced; searching the new one once it "
               "is ready", l->db);
        ks_ui_set_search(ui, NULL);
        ks_search_close(l->search);
        l->search = NULL;
        l->search_lost = 1;
        l->search_next = now + SEARCH_RETRY_MS;
    }
    if (!(s = search_if_new_file(l))) return;
    ks_ui_set_search(ui, s); /* the ui lets go of the old one here */
    ks_search_close(l->search);
    l->search = s;
}

app_live *app_live_start(const app_paths *paths, volatile sig_atomic_t *stop) {
    app_live *l = ks_calloc(1, sizeof *l);
    ks_watch_options o;
    ks_store_options so;
    char *stats_path;
    int err = 0;
    pthread_mutex_init(&l->wake_mu, NULL);
    l->started = ks_now_ms();
    l->db = ks_strdup(paths->db);
    l->content = ks_strdup(paths->content);
    l->sync_state = ks_sync_default_state_path(paths->db);
    memset(&o, 0, sizeof o);
    o.db = paths->db;
    o.wake = wake;
    o.wake_user = l;
    l->cfg = paths->cfg;
    memset(&so, 0, sizeof so);
    so.config = &l->cfg;
    so.image_probe = app_image_probe; /* the same picture check as kiosk check */
    app_image_probe_init();
    o.store_opts = &so; /* copied by the watcher; l->cfg lives as long as it */
    l->watch = ks_watch_start(paths->content, &o, &err);
    if (!l->watch) {
        fprintf(stderr, "kiosk run: cannot watch the content folder %s (error %d)\n", paths->content, err);
        pthread_mutex_destroy(&l->wake_mu);
        free(l->db);
        free(l->content);
        free(l->sync_state);
        free(l);
        return NULL;
    }
    l->snap = ks_watch_take(l->watch, 0);
    log_snapshot(l->snap);
    /* Search opens on the index the watcher brings up to date first. */
    for (double until = ks_now_ms() + 120000; ks_now_ms() < until;) {
        ks_watch_counters c;
        ks_watch_get_counters(l->watch, &c);
        if (c.syncs > 0 || !ks_watch_snapshot_store(l->snap) || (stop && *stop)) break;
        SDL_Delay(5);
    }
    l->search = search_if_new_file(l);
    l->search_next = ks_now_ms() + SEARCH_LOOK_MS;
    stats_path = ks_stats_default_path(paths->db);
    {
        /* --db naming a device (/dev/null) or a folder: no counts file
         * beside it either (nothing is created in /dev) */
        struct stat st;
        if (stat(paths->db, &st) == 0 && !S_ISREG(st.st_mode)) {
            free(stats_path);
            stats_path = NULL;
        }
    }
    l->stats = stats_path ? ks_stats_open(stats_path, &err) : NULL;
    if (!l->stats) ks_log("usage counts are off: cannot open %s", stats_path ? stats_path : "a file beside the index");
    free(stats_path);
    return l;
}

void app_live_stop(app_live *l) {
    if (!l) return;
    ks_watch_stop(l->watch);
    ks_watch_snapshot_release(l->snap);
    ks_search_close(l->search);
    ks_stats_close(l->stats);
    pthread_mutex_destroy(&l->wake_mu);
    free(l->db);
    free(l->content);
    free(l->sync_state);
    free(l);
}

int app_live_update(app_live *l, ks_ui *ui) {
    ks_watch_snapshot *next, *old;
    ks_store_view c;
    if (ui) search_upkeep(l, ui);
    next = ks_watch_take(l->watch, ks_watch_snapshot_generation(l->snap));
    if (!next) return 0;
    old = l->snap;
    l->snap = next;
    c = app_live_content(l);
    if (ui) ks_ui_set_content(ui, &c); /* nothing in ui points into old after this */
    ks_watch_release_later(l->watch, old); /* freed on the watcher's thread, not in a frame */
    log_snapshot(next);
    return 1;
}

/* ------------------------------------------------------------ usage counts */

static void count_view(void *ctx, const char *slug) {
    app_live *l = ctx;
    if (l->stats) ks_stats_count_view(l->stats, slug);
}

static void count_empty(void *ctx, const char *text) {
    app_live *l = ctx;
    if (l->stats) ks_stats_count_empty_search(l->stats, text);
}

static char *staff_status(void *ctx) {
    ks_buf b = {0};
    app_live_status_text(ctx, &b);
    return ks_buf_detach(&b);
}

static void staff_reset(void *ctx) {
    app_live *l = ctx;
    if (l->stats && ks_stats_reset(l->stats) != KS_OK) ks_log("could not reset the usage counts (file busy?)");
}

void app_live_hooks(app_live *l, ks_ui_hooks *hooks) {
    hooks->ctx = l;
    hooks->page_view = count_view;
    hooks->empty_search = count_empty;
    hooks->staff_status = staff_status;
    hooks->staff_reset = staff_reset;
}

ks_stats *app_live_stats(app_live *l) { return l ? l->stats : NULL; }

/* ------------------------------------------------------------ staff status */

static long long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* One problem as "  path:line: message" (with "warning: " for a warning). */
static void put_diag(ks_buf *b, const ks_diag *d, int say_warning) {
    ks_buf_puts(b, "  ");
    ks_buf_put_escaped(b, d->path);
    ks_buf_printf(b, ":%d: %s", d->line, say_warning ? "warning: " : "");
    ks_buf_put_escaped(b, d->message);
    ks_buf_putc(b, '\n');
}

/* Whether d is an error of a page shown from its last good version. */
static int kept_page_error(const app_live *l, const ks_diag *d) {
    size_t n = strlen(d->path);
    char *slug;
    int kept;
    if (d->severity != KS_DIAG_ERROR || n < 4 || strcmp(d->path + n - 3, ".md") != 0) return 0;
    slug = ks_strndup(d->path, n - 3);
    kept = ks_watch_snapshot_is_stale(l->snap, slug);
    free(slug);
    return kept;
}

/* The problems: pages kept from their last good version first (their
 * errors, with file:line), then the others; at most 20 lines. */
static void status_problems(app_live *l, ks_buf *b, const ks_watch_status *st) {
    size_t nd = ks_watch_snapshot_diag_count(l->snap);
    int shown = 0;
    if (st->n_stale) {
        ks_buf_printf(b, "# Pages kept from their last good version: %zu\n", st->n_stale);
        for (size_t i = 0; i < nd && shown < 20; i++)
            if (kept_page_error(l, ks_watch_snapshot_diag(l->snap, i))) put_diag(b, ks_watch_snapshot_diag(l->snap, i), 0), shown++;
    }
    ks_buf_printf(b, "# Problems found in the last check: %zu error%s, %zu warning%s\n", st->n_errors,
                  st->n_errors == 1 ? "" : "s", st->n_warnings, st->n_warnings == 1 ? "" : "s");
    for (int pass = 0; pass < 2; pass++) /* errors first */
        for (size_t i = 0; i < nd; i++) {
            const ks_diag *d = ks_watch_snapshot_diag(l->snap, i);
            if ((d->severity == KS_DIAG_ERROR) != (pass == 0) || kept_page_error(l, d)) continue;
            if (shown++ == 20) {
                ks_buf_printf(b, "  ... and more (run 'kiosk check')\n");
                return;
            }
            put_diag(b, d, pass == 1);
        }
}

void app_live_status_text(app_live *l, ks_buf *b) {
    ks_watch_status st;
    ks_watch_counters wc;
    char when[64] = "never", checked[64] = "never";
    long long up = (long long)((ks_now_ms() - l->started) / 1000.0), bytes;
    char *wal = ks_sprintf("%s-wal", l->db);
    ks_stats_list counts;

    ks_watch_snapshot_status(l->snap, &st);
    ks_watch_get_counters(l->watch, &wc);
    if (st.content_changed) {
        struct tm tm;
        localtime_r(&st.content_changed, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    }
    if (wc.last_check) {
        struct tm tm;
        localtime_r(&wc.last_check, &tm);
        strftime(checked, sizeof checked, "%Y-%m-%d %H:%M:%S", &tm);
    }
    bytes = file_size(l->db) + file_size(wal);
    free(wal);
    ks_buf_puts(b, "# Content\n");
    if (!wc.folder_ok)
        ks_buf_puts(b, "! The content folder is missing, unreadable or empty: showing the last good content.\n");
    {
        /* With kiosk sync: the version shown, the last sync and a refused
         * version with its problems. Nothing for a folder edited in place. */
        ks_sync_state ss;
        ks_sync_version v;
        int managed = ks_sync_release_version(l->content, &v) == KS_OK;
        int synced = ks_sync_state_load(l->sync_state, &ss) == KS_OK;
        if (managed || synced) ks_sync_describe(synced ? &ss : NULL, &v, b);
    }
    ks_buf_printf(b, "Content last changed: %s (last checked %s)\n", when, checked);
    ks_buf_printf(b, "Topics: %zu\nPages: %zu", st.n_topics, st.n_pages);
    if (st.n_stale) ks_buf_printf(b, " (%zu shown from their last good version)", st.n_stale);
    ks_buf_putc(b, '\n');
    status_problems(l, b, &st);
    ks_buf_puts(b, "# Index\n");
    ks_buf_printf(b, "Search: %s\n", !l->search ? "unavailable (the index cannot be opened; trying again)"
                                     : ks_search_frozen(l->search) ? "searching the index as it is on disk (the disk is full or failing)"
                                                                   : "working");
    ks_buf_printf(b, "Watching: %s\n", st.mode == KS_WATCH_POLLING ? "polling every 500 ms" : "inotify");
    ks_buf_printf(b, "Index size: %.1f MB\n", (double)bytes / (1024.0 * 1024.0));
    ks_buf_printf(b, "Uptime: %lldd %02lldh %02lldm\n", up / 86400, up / 3600 % 24, up / 60 % 60);
    ks_buf_puts(b, "# Usage\n");
    if (l->stats && ks_stats_read(l->stats, &counts) == KS_OK) {
        ks_buf_printf(b, "Page views: %lld\n", (long long)counts.total_views);
        for (size_t i = 0; i < counts.n_views && i < 10; i++)
            ks_buf_printf(b, "  %lld  %s\n", (long long)counts.views[i].count, counts.views[i].key);
        ks_buf_printf(b, "Searches that found nothing: %lld\n", (long long)counts.total_empty);
        for (size_t i = 0; i < counts.n_empty && i < 10; i++)
            ks_buf_printf(b, "  %lld  %s\n", (long long)counts.empty[i].count, counts.empty[i].key);
        ks_stats_list_free(&counts);
    } else {
        ks_buf_puts(b, "Usage counts are not available.\n");
    }
}

/* ------------------------------------------------------------ line by line */

/* One line, newlines and tabs turned into spaces. */
static void put_flat(FILE *out, const char *s) {
    for (; *s; s++) fputc(*s == '\n' || *s == '\t' || *s == '\r' ? ' ' : *s, out);
}

static int extra_command(app_live *l, ks_ui *ui, const char *line, double *clock, FILE *out) {
    if (strncmp(line, "open ", 5) == 0) {
        int rc = ks_ui_open(ui, line + 5, *clock);
        fprintf(out, rc == 0 ? "ok\n" : "fail not found: %s\n", line + 5);
        return 1;
    }
    if (strcmp(line, "screen") == 0) {
        fprintf(out, "%s\n", ks_ui_screen_name(ui));
        return 1;
    }
    if (strcmp(line, "shown") == 0) {
        const char *name = ks_ui_screen_name(ui);
        const ks_page *p = strncmp(name, "page:", 5) == 0 ? ks_watch_snapshot_find(l->snap, name + 5) : NULL;
        if (!p) {
            fprintf(out, strncmp(name, "page:", 5) == 0 ? "gone %s\n" : "-\n", name + 5);
            return 1;
        }
        fprintf(out, "%s stale=%d ", p->slug, ks_watch_snapshot_is_stale(l->snap, p->slug));
        put_flat(out, p->text);
        fputc('\n', out);
        return 1;
    }
    if (strcmp(line, "tiles") == 0) {
        for (size_t i = 0; i < ks_watch_snapshot_topic_count(l->snap); i++) {
            const ks_topic *t = ks_watch_snapshot_topic(l->snap, i);
            fprintf(out, "%s%s=", i ? "|" : "", t->slug);
            put_flat(out, t->title);
        }
        fputc('\n', out);
        return 1;
    }
    if (strncmp(line, "find ", 5) == 0) { /* what the kiosk's own search finds, for tests */
        ks_search_results *r = NULL;
        if (!l->search || ks_search_query(l->search, line + 5, 5, &r) != 0) {
            fprintf(out, "unavailable\n");
        } else {
            for (size_t i = 0; i < r->n; i++) fprintf(out, "%s%s", i ? " " : "", r->hits[i].slug);
            fprintf(out, r->n ? "\n" : "none\n");
        }
        ks_search_results_free(r);
        return 1;
    }
    if (strcmp(line, "pages") == 0) {
        fprintf(out, "%zu pages, generation %llu\n", ks_watch_snapshot_page_count(l->snap),
                (unsigned long long)ks_watch_snapshot_generation(l->snap));
        return 1;
    }
    if (strcmp(line, "status") == 0) {
        ks_buf b = {0};
        app_live_status_text(l, &b);
        while (b.len && b.data[b.len - 1] == '\n') b.data[--b.len] = '\0';
        for (size_t i = 0; i < b.len; i++)
            if (b.data[i] == '\n') fputs(" | ", out);
            else fputc(b.data[i], out);
        fputc('\n', out);
        ks_buf_free(&b);
        return 1;
    }
    return 0;
}

int app_live_interactive(app_live *l, ks_ui *ui, const ks_ui_script_host *host, FILE *in, FILE *out) {
    char line[4096];
    double clock = ks_now_ms();
    int n = 0;
    while (fgets(line, sizeof line, in)) {
        size_t len = strlen(line);
        char err[512];
        int err_line = 0, quit;
        ks_script *s;
        n++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        app_live_update(l, ui);
        if (ks_now_ms() > clock) clock = ks_now_ms(); /* the virtual clock never runs behind the real one */
        if (len == 0 || line[0] == '#') {
            fprintf(out, "ok\n");
        } else if (!extra_command(l, ui, line, &clock, out)) {
            s = ks_script_parse(line, &err_line, err, sizeof err);
            if (!s) {
                fprintf(out, "fail %d: %s\n", n, err);
            } else {
                quit = ks_script_count(s) == 1 && ks_script_cmd_at(s, 0)->op == KS_SCRIPT_QUIT;
                ks_ui_script_error e;
                if (ks_ui_run_script(ui, s, host, &clock, &e) != 0)
                    fprintf(out, "fail %d: %s\n", n, e.text);
                else
                    fprintf(out, "ok\n");
                ks_script_free(s);
                if (quit || ks_ui_quit_requested(ui)) {
                    fflush(out);
                    break;
                }
            }
        }
        fflush(out);
    }
    return 0;
}
