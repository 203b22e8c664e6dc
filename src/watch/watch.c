/* watch: the background thread that reloads, merges, re-indexes and posts
 * (see watch.h). The thread owns the change detector, the index writer
 * connection and the logger; the mailbox (newest snapshot + generation) is
 * the only state shared with other threads, under one mutex. */
#include "watch_int.h"

#include "kiosk/base.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROOT_CHECK_MS 1000.0 /* how often the root folder's identity is checked */
#define RETRY_MS 1000.0      /* a failed index sync is retried after this */
#define MAX_DELAY_MS 5000.0  /* a folder that never goes quiet is read anyway after this */
#define REPEAT_LOG_MS 300000.0 /* a problem that goes on is logged again at most this often */
#define CHECK_EVERY_MS (24.0 * 3600 * 1000) /* the index's full check (quick_check), after the first sync */
/* The index's backup (a copy of the whole file: 200 ms and more at 10,000
 * pages) is refreshed once the folder has been quiet this long after a
 * sync that wrote, so an edit right after another does not wait for it;
 * under edits that never stop, at most BACKUP_MAX_DELAY_MS after the first. */
#define BACKUP_QUIET_MS 5000.0
#define BACKUP_MAX_DELAY_MS 60000.0
/* The whole check and the backup give way to page changes (giveway.c),
 * each started again after the change; but not for ever: once one has
 * been giving way this long (edits that never stop, a log written on and
 * on inside the folder), it runs to its end. */
#define GIVE_WAY_MAX_MS 60000.0
/* ... and once it gave way, it starts again this much later: what made it
 * give way may be nothing to load (a log written on and on inside the
 * folder, the UI handing back a snapshot), which must not restart it
 * without end. */
#define GIVE_WAY_PAUSE_MS 50.0

/* A problem that may repeat every second (a full disk): logged once, then
 * at most every REPEAT_LOG_MS with how many times it happened meanwhile. */
typedef struct wrepeat {
    unsigned long count; /* failures since it was last logged */
    unsigned long total; /* failures since it began */
    double next;         /* when it may be logged again */
} wrepeat;

static void repeat_log(wrepeat *r, const char *what, const char *detail) {
    double now = ks_now_ms();
    r->count++;
    r->total++;
    if (r->total > 1 && now < r->next) return;
    if (r->total == 1) ks_log("%s (%s); will retry", what, detail);
    else ks_log("%s (%s); failed %lu times in the last %.0f minutes, still retrying", what, detail, r->count,
                REPEAT_LOG_MS / 60000.0);
    r->count = 0;
    r->next = now + REPEAT_LOG_MS;
}

/* The problem is over: say so if it was logged. */
static void repeat_clear(wrepeat *r, const char *what) {
    if (r->total > 0) ks_log("%s: working again after %lu failed attempts", what, r->total);
    memset(r, 0, sizeof *r);
}

struct ks_watch {
    char *dir;                 /* the content folder, owned */
    char *db;                  /* the index path or NULL, owned */
    ks_store_options store_opts;
    int has_store_opts;
    ks_watch_options opts;     /* with defaults filled in; db and store_opts not used */
    pthread_t thread;
    int wake_pipe[2];          /* [1]: 's' stop, 'p' poke; [0] read by the thread */
    atomic_int stopping;       /* ks_watch_stop was called: index work stops between steps */
    pthread_mutex_t index_mu;  /* held while index changes, and by ks_watch_stop to interrupt it */

    /* ---- shared: under mu */
    pthread_mutex_t mu;
    pthread_cond_t cond;       /* signalled on every post and sync */
    ks_watch_snapshot *current; /* newest posted snapshot (one reference) */
    uint64_t gen;              /* its generation */
    ks_watch_mode mode;        /* detector mode, as last seen by the thread */
    uint64_t syncs;            /* index syncs finished */
    int64_t index_gen;         /* index generation after the last sync */
    double last_sync_ms;       /* how long the last sync took */
    ks_watch_snapshot **graveyard; /* released by other threads, freed by ours */
    size_t n_graveyard, cap_graveyard;
    uint64_t loads;            /* loads done after the first */
    uint64_t fast_loads;       /* of which trusting inotify's list of changed pages */
    double last_load_ms;       /* how long the last load + merge took */
    double last_load_cpu_ms, last_sync_cpu_ms; /* the same in thread CPU time */
    uint64_t checks;           /* whole checks run to their end */
    uint64_t gave_way;         /* times the check or the backup gave way to a change */
    uint64_t syncs_at_check;   /* syncs when the last whole check ended */
    size_t last_parsed;        /* files the last load parsed */
    int folder_ok;             /* the last load could read the folder */
    time_t last_check;         /* when the last load ran */
    int exited;                /* the thread has ended */

    /* ---- the thread's own */
    wn *notify;
    ks_index *index;
    wrepeat open_fail;         /* opening the index keeps failing */
    wrepeat sync_fail;         /* syncing keeps failing */
    int backup_due;            /* a sync wrote: refresh the index's backup when idle */
    double backup_at;          /* ... at this time (see BACKUP_QUIET_MS) */
    double backup_first;       /* when the oldest write not in the backup was made */
    double check_at;           /* when the index is next checked whole (0: after the first sync) */
    double check_gave_way;     /* when the due check first gave way to a change (0: it has not) */
    double backup_gave_way;    /* the same for the due backup */
    wlog *log;
    ks_watch_snapshot *to_sync; /* the newest content not yet in the index, or NULL */
    int folder_bad_logged;     /* "keeping the last good content" said once */
    int sync_pending;           /* the newest load is not in the index yet */
    char **changed;             /* the next load may trust the last one except for these page files */
    size_t n_changed;
    wstore *base;               /* the last load that read the folder: what the next one reuses and trusts */
};

/* ------------------------------------------------------------ mailbox */

static void post(ks_watch *w, ks_watch_snapshot *s) {
    ks_watch_snapshot *old;
    pthread_mutex_lock(&w->mu);
    old = w->current;
    w->gen++;
    wsnap_set_generation(s, w->gen);
    w->current = s;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    ks_watch_snapshot_release(old);
    if (w->opts.wake) w->opts.wake(w->opts.wake_user);
}

uint64_t ks_watch_generation(ks_watch *w) {
    uint64_t g;
    pthread_mutex_lock(&w->mu);
    g = w->gen;
    pthread_mutex_unlock(&w->mu);
    return g;
}

ks_watch_snapshot *ks_watch_take(ks_watch *w, uint64_t have) {
    ks_watch_snapshot *s = NULL;
    if (!w) return NULL;
    pthread_mutex_lock(&w->mu);
    if (w->gen > have) s = ks_watch_snapshot_retain(w->current);
    pthread_mutex_unlock(&w->mu);
    return s;
}

static void deadline_after(struct timespec *ts, int ms) {
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

uint64_t ks_watch_wait(ks_watch *w, uint64_t have, int timeout_ms) {
    struct timespec until;
    uint64_t g;
    deadline_after(&until, timeout_ms);
    pthread_mutex_lock(&w->mu);
    while (w->gen <= have && timeout_ms > 0)
        if (pthread_cond_timedwait(&w->cond, &w->mu, &until) == ETIMEDOUT) break;
    g = w->gen > have ? w->gen : 0;
    pthread_mutex_unlock(&w->mu);
    return g;
}

void ks_watch_get_counters(ks_watch *w, ks_watch_counters *out) {
    pthread_mutex_lock(&w->mu);
    out->loads = w->loads;
    out->fast_loads = w->fast_loads;
    out->syncs = w->syncs;
    out->index_generation = w->index_gen;
    out->last_load_ms = w->last_load_ms;
    out->last_sync_ms = w->last_sync_ms;
    out->last_load_cpu_ms = w->last_load_cpu_ms;
    out->last_sync_cpu_ms = w->last_sync_cpu_ms;
    out->last_parsed = w->last_parsed;
    out->checks = w->checks;
    out->gave_way = w->gave_way;
    out->syncs_at_check = w->syncs_at_check;
    out->folder_ok = w->folder_ok;
    out->last_check = w->last_check;
    pthread_mutex_unlock(&w->mu);
}

ks_watch_mode ks_watch_current_mode(ks_watch *w) {
    ks_watch_mode m;
    pthread_mutex_lock(&w->mu);
    m = w->mode;
    pthread_mutex_unlock(&w->mu);
    return m;
}

static void signal_thread(ks_watch *w, char c) {
    ssize_t r;
    do r = write(w->wake_pipe[1], &c, 1);
    while (r < 0 && errno == EINTR);
}

void ks_watch_poke(ks_watch *w) {
    if (w) signal_thread(w, 'p');
}

void ks_watch_release_later(ks_watch *w, ks_watch_snapshot *s) {
    if (!s) return;
    if (!w) {
        ks_watch_snapshot_release(s);
        return;
    }
    pthread_mutex_lock(&w->mu);
    if (w->n_graveyard == w->cap_graveyard) {
        w->cap_graveyard = w->cap_graveyard ? w->cap_graveyard * 2 : 8;
        w->graveyard = ks_realloc(w->graveyard, w->cap_graveyard * sizeof *w->graveyard);
    }
    w->graveyard[w->n_graveyard++] = s;
    pthread_mutex_unlock(&w->mu);
    signal_thread(w, 'r');
}

/* On the watch thread: free what other threads released. */
static void bury(ks_watch *w) {
    ks_watch_snapshot **dead;
    size_t n;
    pthread_mutex_lock(&w->mu);
    dead = w->graveyard;
    n = w->n_graveyard;
    w->graveyard = NULL;
    w->n_graveyard = w->cap_graveyard = 0;
    pthread_mutex_unlock(&w->mu);
    for (size_t i = 0; i < n; i++) ks_watch_snapshot_release(dead[i]);
    free(dead);
}

/* ------------------------------------------------------------ loading */

static double thread_cpu_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int sync_index(ks_watch *w);

/* The thread's index handle becomes ix (NULL: none); the old one is closed.
 * Under index_mu, so ks_watch_stop never interrupts a closed handle. */
static void set_index(ks_watch *w, ks_index *ix) {
    ks_index *old;
    pthread_mutex_lock(&w->index_mu);
    old = w->index;
    w->index = ix;
    pthread_mutex_unlock(&w->index_mu);
    ks_index_close(old);
}

/* Load the folder; prev (the newest load, may be NULL) lends the records of
 * the files that did not change, so one edit parses one file. */
static ks_store *load(ks_watch *w, const ks_store *prev) {
    int err = 0;
    const ks_store_options *opts = w->has_store_opts ? &w->store_opts : NULL;
    if (w->changed && prev && w->base && prev == w->base->store) {
        /* inotify named every page file that changed: read those, trust
         * the last load for the rest (the full load follows, see
         * thread_main). A page that breaks is left to the full load. */
        ks_store *st = ks_store_load_changed(w->dir, prev, w->changed, w->n_changed, opts, &err);
        if (st && ks_store_error_count(st) <= ks_store_error_count(prev)) {
            pthread_mutex_lock(&w->mu);
            w->fast_loads++;
            pthread_mutex_unlock(&w->mu);
            return st;
        }
        ks_store_free(st);
    }
    return ks_store_load_from(w->dir, prev, opts, &err);
}

/* Load, merge with the current snapshot, post when something changed.
 * Returns 1 when a new snapshot was posted. */
static int reload_inner(ks_watch *w);

static int reload(ks_watch *w) {
    double t0 = ks_now_ms();
    int posted = reload_inner(w);
    pthread_mutex_lock(&w->mu);
    w->loads++;
    w->folder_ok = !w->folder_bad_logged;
    w->last_check = time(NULL);
    w->last_load_ms = ks_now_ms() - t0 - (posted ? w->last_sync_ms : 0);
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    return posted;
}

static int reload_inner(ks_watch *w) {
    double t0 = ks_now_ms(), cpu0 = thread_cpu_ms();
    ks_watch_snapshot *prev = ks_watch_take(w, 0), *next;
    ks_store *st = load(w, w->base ? w->base->store : ks_watch_snapshot_store(prev));
    wstore *fresh = st ? wstore_new(st) : NULL;
    if (fresh) { /* also when nothing it shows changed: the newest reading of the folder */
        wstore_retain(fresh);
        wstore_release(w->base);
        w->base = fresh;
    } else { /* the folder could not be read: the next load reads it whole */
        wstore_release(w->base);
        w->base = NULL;
    }
    const char *reason = NULL;
    ks_watch_status *status;

    if (fresh) wlog_diags(w->log, st, w->opts.quiet_log);
    next = wsnap_merge(prev, fresh, w->dir, 0, &reason);
    if (!next) {
        if (!w->folder_bad_logged && !w->opts.quiet_log)
            fprintf(stderr, "%s:1: error: %s\n", w->dir, reason);
        w->folder_bad_logged = 1;
        wstore_release(fresh);
        ks_watch_snapshot_release(prev);
        return 0;
    }
    if (w->folder_bad_logged && !w->opts.quiet_log) ks_log("%s: the content folder is readable again", w->dir);
    w->folder_bad_logged = 0;
    status = wsnap_status(next);
    {
        ks_watch_status old;
        ks_watch_snapshot_status(prev, &old);
        status->content_changed = old.content_changed;
    }
    status->last_check = time(NULL);
    status->mode = wn_mode(w->notify);
    status->load_ms = ks_now_ms() - t0;
    pthread_mutex_lock(&w->mu);
    w->last_load_cpu_ms = thread_cpu_ms() - cpu0;
    w->last_parsed = st ? ks_store_parsed_count(st) : 0;
    pthread_mutex_unlock(&w->mu);
    if (wsnap_same(prev, next)) { /* editors' temporary files, a touch: nothing to show */
        wstore_release(fresh);
        ks_watch_snapshot_release(next);
        ks_watch_snapshot_release(prev);
        return 0;
    }
    status->content_changed = status->last_check;
    ks_watch_snapshot_release(prev);
    /* The index follows the newest load (it keeps last good versions of
     * broken pages itself); sync before posting, so search and tiles change
     * together. A failed sync is retried by the thread loop. */
    wstore_release(fresh); /* next holds its own references */
    ks_watch_snapshot_release(w->to_sync);
    w->to_sync = ks_watch_snapshot_retain(next);
    w->sync_pending = sync_index(w) != 0;
    post(w, next);
    return 1;
}

/* Bring the index up to date with the newest content: the newest load's
 * pages (the index keeps the last good version of a broken one itself, and
 * flags it stale), plus the pages the load could not see but whose files
 * still exist (kept as they were). Returns 0 when done (or nothing to do),
 * negative when it should be retried. */
static int sync_index_once(ks_watch *w);

static int sync_index(ks_watch *w) {
    double cpu0 = thread_cpu_ms();
    int rc = sync_index_once(w);
    pthread_mutex_lock(&w->mu);
    w->last_sync_cpu_ms = thread_cpu_ms() - cpu0;
    w->syncs++; /* also when there was nothing to do or it failed: waiters move on */
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    return rc;
}

/* The index file, or its -wal or -shm, is not the one the thread's handle
 * works on any more (ks_index_moved): say so and close the handle; the
 * next sync opens what is at the path (making a new index if nothing is)
 * and writes the whole content into it (how: ks_index_moved's 1 or 2;
 * for 2 the old handle first copies the index to a new file there, see
 * ks_index_rehome, so the writes made through it after its -wal was
 * removed, which no other reader sees, are in the new file too; the next
 * sync would write them again anyway). */
static void follow_moved(ks_watch *w, int how) {
    if (how == 2) {
        int rc = ks_index_rehome(w->index);
        if (rc == 1)
            ks_log("%s: the index's -wal or -shm file was removed or replaced; the index (with every write since) "
                   "is in a new file, bringing it up to date", w->db);
        else if (rc < 0)
            ks_log("%s: the index's -wal or -shm file was removed or replaced, and copying the index failed (%s); "
                   "opening it again and bringing it up to date", w->db, ks_index_errmsg(w->index));
        else if (ks_index_moved(w->index) == 1)
            how = 1; /* the file itself went meanwhile (rm index.db*) */
    }
    if (how == 1) ks_log("%s: the index file was replaced; bringing the new one up to date", w->db);
    set_index(w, NULL);
}

static int sync_index_once(ks_watch *w) {
    const ks_watch_snapshot *snap = w->to_sync;
    const ks_store *st = ks_watch_snapshot_store(snap);
    ks_index_report rep;
    const ks_page **pages;
    size_t n = 0, ns;
    ks_synonym *syn;
    int rc, err = 0;
    if (!w->db || !st) return 0;
    int moved = w->index ? ks_index_moved(w->index) : 0;
    if (moved) follow_moved(w, moved); /* replaced or removed: follow it */
    if (!w->index) {
        char msg[1024];
        set_index(w, ks_index_open_ex(w->db, &err, msg, sizeof msg));
        if (!w->index) {
            char *what = ks_sprintf("%s: cannot open the index; content still updates on screen", w->db);
            repeat_log(&w->open_fail, what, msg);
            free(what);
            return err ? err : KS_ERR_IO;
        }
        if (w->open_fail.total) {
            char *what = ks_sprintf("%s: the index", w->db);
            repeat_clear(&w->open_fail, what);
            free(what);
        }
    }
    pages = ks_malloc((ks_store_page_count(st) + ks_watch_snapshot_page_count(snap) + 1) * sizeof *pages);
    for (size_t i = 0; i < ks_store_page_count(st); i++) pages[n++] = ks_store_page(st, i);
    for (size_t i = 0; i < ks_watch_snapshot_page_count(snap); i++) {
        const ks_page *p = ks_watch_snapshot_page(snap, i);
        if (!ks_store_find(st, p->slug)) pages[n++] = p;
    }
    ns = ks_store_synonym_count(st);
    syn = ks_malloc((ns + 1) * sizeof *syn);
    for (size_t i = 0; i < ns; i++) syn[i] = *ks_store_synonym(st, i);
    memset(&rep, 0, sizeof rep);
    {
        /* what the load could not read stays in the index as it was */
        size_t nu = ks_store_unknown_count(st);
        const char **unknown = ks_malloc((nu + 1) * sizeof *unknown);
        for (size_t i = 0; i < nu; i++) unknown[i] = ks_store_unknown(st, i);
        rc = ks_index_sync_pages_ex(w->index, pages, n, syn, ns, ks_store_synonyms_hash(st), unknown, nu, &rep);
        free(unknown);
    }
    free(pages);
    free(syn);
    if (rc == 0) {
        ks_watch_snapshot_release(w->to_sync);
        w->to_sync = NULL;
        if (rep.wrote) {
            double now = ks_now_ms();
            if (!w->backup_due) w->backup_first = now;
            w->backup_due = 1;
            w->backup_at = now + BACKUP_QUIET_MS;
            if (w->backup_at > w->backup_first + BACKUP_MAX_DELAY_MS) w->backup_at = w->backup_first + BACKUP_MAX_DELAY_MS;
        }
        if (w->sync_fail.total) {
            char *what = ks_sprintf("%s: index update", w->db);
            repeat_clear(&w->sync_fail, what);
            free(what);
        }
    } else if (rc == KS_INDEX_ERR_CORRUPT) {
        /* found damaged while writing: repair now (aside, backup), then the
         * retry brings the restored copy up to date */
        int fixed = ks_index_check(w->index);
        ks_log("%s: the index is damaged; %s", w->db,
               fixed == 1 ? "restored from its backup" : fixed == 2 ? "started a new one" : "could not repair it yet");
        if (fixed > 0) rc = KS_INDEX_ERR_BUSY; /* keep the handle: it is open on the repaired file */
    } else if (rc == KS_INDEX_ERR_INTERRUPTED) {
        /* ks_watch_stop: rolled back, nothing lost (the next start syncs) */
    } else {
        char *what = ks_sprintf("%s: index update failed", w->db);
        repeat_log(&w->sync_fail, what, ks_index_errmsg(w->index));
        free(what);
    }
    pthread_mutex_lock(&w->mu);
    w->index_gen = rc == 0 ? rep.generation : w->index_gen;
    w->last_sync_ms = rep.ms;
    pthread_mutex_unlock(&w->mu);
    ks_index_report_free(&rep);
    if (rc != 0 && rc != KS_INDEX_ERR_BUSY && rc != KS_INDEX_ERR_INTERRUPTED)
        set_index(w, NULL); /* perhaps a broken connection: reopen next time */
    return rc;
}

/* ------------------------------------------------------------ the thread */

/* When a change seen at last_activity may be read. A page closed after
 * writing (or renamed into place) with nothing else open for writing is
 * complete: read after settle_ms, which only gathers a burst of such saves
 * (a git checkout, a copy) into one load, unless a folder changed within
 * quiet_ms. Anything else waits for quiet_ms of quiet; a page still open
 * for writing for max_quiet_ms. */
static double ready_time(const ks_watch *w, double last_activity, double last_structural) {
    if (wn_writing(w->notify)) return last_activity + w->opts.max_quiet_ms;
    if (wn_settled(w->notify)) {
        double a = last_activity + w->opts.settle_ms, b = last_structural + w->opts.quiet_ms;
        return a > b ? a : b;
    }
    return last_activity + w->opts.quiet_ms;
}

/* Let the index work about to start give way to a page change (see
 * giveway.c), unless it has been giving way since `since` for too long. */
static wgive *give_way_start(ks_watch *w, double since) {
    int fds[2] = {w->wake_pipe[0], wn_fd(w->notify)};
    if (since > 0 && ks_now_ms() - since >= GIVE_WAY_MAX_MS) return NULL;
    return wgive_start(w->index, fds, fds[1] >= 0 ? 2 : 1);
}

/* The work gave way: count it, and remember since when it has been doing so. */
static void note_gave_way(ks_watch *w, double *since) {
    if (*since <= 0) *since = ks_now_ms();
    pthread_mutex_lock(&w->mu);
    w->gave_way++;
    pthread_mutex_unlock(&w->mu);
}

/* Index care between changes: the whole-file check after the first sync
 * and then daily (a damaged file is moved aside and its backup restored,
 * then synced again, since the backup may be older than the content), and
 * a fresh backup after a sync that wrote. */
static void index_upkeep(ks_watch *w, double now) {
    int moved = ks_index_moved(w->index);
    if (moved) {
        /* another process put a new file there (kiosk index restoring a
         * backup, staff copying one in, removing it by hand): bring that
         * one up to date */
        follow_moved(w, moved);
        ks_watch_snapshot_release(w->to_sync);
        w->to_sync = ks_watch_take(w, 0);
        w->sync_pending = sync_index(w) != 0;
        if (w->opts.wake) w->opts.wake(w->opts.wake_user);
        return;
    }
    if (now >= w->check_at && !atomic_load(&w->stopping)) {
        wgive *g = give_way_start(w, w->check_gave_way);
        int rc = ks_index_check(w->index);
        wgive_end(g);
        if (rc == KS_INDEX_ERR_YIELDED) { /* a change first; the check again after it */
            note_gave_way(w, &w->check_gave_way);
            w->check_at = now + GIVE_WAY_PAUSE_MS;
            return;
        }
        w->check_gave_way = 0;
        if (rc == KS_INDEX_ERR_INTERRUPTED) return; /* stopping; checked at the next start */
        w->check_at = now + CHECK_EVERY_MS;
        if (rc >= 0) {
            pthread_mutex_lock(&w->mu);
            w->checks++;
            w->syncs_at_check = w->syncs;
            pthread_mutex_unlock(&w->mu);
        }
        if (rc > 0) {
            ks_log("%s: the index was damaged; %s, bringing it up to date", w->db,
                   rc == 1 ? "restored from its backup" : "started a new one");
            ks_watch_snapshot_release(w->to_sync);
            w->to_sync = ks_watch_take(w, 0);
            w->sync_pending = sync_index(w) != 0;
            if (w->opts.wake) w->opts.wake(w->opts.wake_user);
        } else if (rc < 0) {
            ks_log("%s: could not check the index (%s); trying again in %.0f minutes", w->db,
                   ks_index_errmsg(w->index), REPEAT_LOG_MS / 60000.0);
            w->check_at = now + REPEAT_LOG_MS;
        }
        if (rc < 0 && rc != KS_INDEX_ERR_BUSY) set_index(w, NULL); /* reopened by the next sync */
    }
    if (w->backup_due && now >= w->backup_at && w->index && !w->sync_pending && !atomic_load(&w->stopping)) {
        wgive *g = give_way_start(w, w->backup_gave_way);
        int rc = ks_index_backup(w->index);
        wgive_end(g);
        if (rc == KS_INDEX_ERR_YIELDED) { /* a change first: the old backup stays, whole */
            note_gave_way(w, &w->backup_gave_way);
            w->backup_at = now + GIVE_WAY_PAUSE_MS;
            return;
        }
        w->backup_gave_way = 0;
        w->backup_due = rc == KS_INDEX_ERR_INTERRUPTED; /* stopping: the old backup stays, whole */
        if (rc != 0 && rc != KS_INDEX_ERR_INTERRUPTED)
            ks_log("%s: could not refresh the index's backup (%s); the old one stays", w->db,
                   ks_index_errmsg(w->index));
    }
}

static void *thread_main(void *arg) {
    ks_watch *w = arg;
    /* Background work yields to the UI thread when the CPU is short. On
     * Linux a nice value is per thread; failing to set it only costs
     * smoothness. */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    int dirty = 0;
    double dirty_since = 0; /* the first change not yet loaded */
    double last_structural = -1e18; /* the last change to the tree itself */
    double last_activity = 0, next_root_check = ks_now_ms() + ROOT_CHECK_MS, next_scan = 0,
           sync_retry_at = 0;
    double verify_at = -1; /* a full load is due then, after a load that trusted inotify (-1: none) */
    double verify_since = 0; /* the first load that trusted inotify since the last full one */

    for (;;) {
        double now = ks_now_ms(), wait = 60000;
        struct pollfd pf[2];
        int npf = 1;
        double ready_at;

        /* ---- due work first (none once stopping: ks_watch_stop waits) */
        if (atomic_load(&w->stopping)) break;
        if (w->sync_pending && now >= sync_retry_at) {
            w->sync_pending = sync_index(w) != 0;
            if (w->sync_pending) sync_retry_at = now + RETRY_MS;
            else if (w->opts.wake) w->opts.wake(w->opts.wake_user);
        }
        ready_at = ready_time(w, last_activity, last_structural);
        if (!dirty && verify_at >= 0 && now >= verify_at) {
            verify_at = -1;
            reload(w); /* the full load after one that trusted inotify */
            if (w->sync_pending) sync_retry_at = ks_now_ms() + RETRY_MS;
            continue;
        }
        if (!dirty && !w->sync_pending && w->index) index_upkeep(w, now);
        if (dirty && (now >= ready_at || now - dirty_since >= MAX_DELAY_MS)) {
            dirty = 0;
            if (wn_needs_rewatch(w->notify)) wn_rewatch(w->notify);
            if (wn_mode(w->notify) == KS_WATCH_POLLING) wn_scan(w->notify); /* the baseline */
            /* When inotify named every page that changed, only those are
             * read; a full load follows once the folder has been quiet
             * quiet_ms, so whatever inotify did not say (it can miss
             * nothing it watches, but a folder can change between a
             * watch's loss and its return) is right soon after. */
            if (wn_take_changes(w->notify, &w->changed, &w->n_changed)) {
                if (verify_at < 0) verify_since = now;
                verify_at = ks_now_ms() + w->opts.quiet_ms;
                if (now - verify_since >= MAX_DELAY_MS) { /* edits that never stop: load in full now and then */
                    for (size_t i = 0; i < w->n_changed; i++) free(w->changed[i]);
                    free(w->changed);
                    w->changed = NULL;
                    w->n_changed = 0;
                    verify_at = -1;
                }
            } else {
                verify_at = -1;
            }
            reload(w);
            for (size_t i = 0; i < w->n_changed; i++) free(w->changed[i]);
            free(w->changed);
            w->changed = NULL;
            w->n_changed = 0;
            if (w->sync_pending) sync_retry_at = ks_now_ms() + RETRY_MS;
            pthread_mutex_lock(&w->mu);
            w->mode = wn_mode(w->notify);
            pthread_mutex_unlock(&w->mu);
            continue;
        }

        /* ---- how long to sleep */
        if (dirty) {
            wait = ready_at - now;
            if (dirty_since + MAX_DELAY_MS - now < wait) wait = dirty_since + MAX_DELAY_MS - now;
        }
        if (w->sync_pending && sync_retry_at - now < wait) wait = sync_retry_at - now;
        if (w->index && !w->sync_pending && w->check_at - now < wait) wait = w->check_at - now;
        if (w->index && !w->sync_pending && w->backup_due && w->backup_at - now < wait) wait = w->backup_at - now;
        if (next_root_check - now < wait) wait = next_root_check - now;
        if (!dirty && verify_at >= 0 && verify_at - now < wait) wait = verify_at - now;
        if (wn_mode(w->notify) == KS_WATCH_POLLING) {
            if (next_scan - now < wait) wait = next_scan - now;
        }
        if (wait < 0) wait = 0;
        pf[0].fd = w->wake_pipe[0];
        pf[0].events = POLLIN;
        if (wn_fd(w->notify) >= 0) {
            pf[1].fd = wn_fd(w->notify);
            pf[1].events = POLLIN;
            npf = 2;
        }
        if (poll(pf, (nfds_t)npf, (int)(wait + 0.999)) < 0 && errno != EINTR) break;
        now = ks_now_ms();

        /* ---- what happened */
        if (pf[0].revents & POLLIN) {
            char cmds[64];
            ssize_t got = read(w->wake_pipe[0], cmds, sizeof cmds);
            int stop = 0;
            for (ssize_t i = 0; i < got; i++) {
                if (cmds[i] == 's') stop = 1;
                if (cmds[i] == 'r') bury(w);
                if (cmds[i] == 'p') {
                    if (!dirty) dirty_since = now;
                    dirty = 1;
                    last_activity = 0;
                    last_structural = -1e18;
                }
            }
            if (stop) break;
        }
        if (npf == 2 && (pf[1].revents & POLLIN)) {
            int flags = wn_read(w->notify);
            /* The root replaced in one step (kiosk sync renaming a link
             * over it, a folder moved in): load now, there is nothing to
             * wait for. */
            if ((flags & WN_ROOT) && wn_check_root(w->notify)) {
                if (!dirty) dirty_since = now;
                dirty = 1;
                last_activity = 0;
            }
            /* Only changes that can matter restart the quiet wait: a log
             * or a temporary file written on and on must not hold it up. */
            if (flags & WN_RELEVANT) {
                if (!dirty) dirty_since = now;
                dirty = 1;
                last_activity = now;
            }
            if (flags & WN_STRUCTURAL) last_structural = now;
        }
        if (now >= next_root_check) {
            next_root_check = now + ROOT_CHECK_MS;
            if (wn_check_root(w->notify)) {
                if (!dirty) dirty_since = now;
                dirty = 1;
                last_activity = now;
                last_structural = now;
            }
        }
        if (wn_mode(w->notify) == KS_WATCH_POLLING && now >= next_scan) {
            /* Scan often enough to see the quiet moment end. */
            int every = dirty && w->opts.quiet_ms / 2 < w->opts.poll_ms ? w->opts.quiet_ms / 2 : w->opts.poll_ms;
            next_scan = now + (every > 10 ? every : 10);
            if (wn_scan(w->notify)) {
                if (!dirty) dirty_since = now;
                dirty = 1;
                last_activity = now;
            }
        }
    }
    pthread_mutex_lock(&w->mu);
    w->exited = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* ------------------------------------------------------------ start, stop */

ks_watch *ks_watch_start(const char *dir, const ks_watch_options *opts, int *err) {
    ks_watch *w = ks_calloc(1, sizeof *w);
    ks_watch_snapshot *first;
    ks_watch_options o;
    const char *reason = NULL;
    ks_store *st;
    wstore *fresh = NULL;

    if (err) *err = KS_OK;
    memset(&o, 0, sizeof o);
    if (opts) o = *opts;
    if (o.quiet_ms <= 0) o.quiet_ms = 300;
    if (o.max_quiet_ms <= 0) o.max_quiet_ms = 1500;
    if (o.max_quiet_ms < o.quiet_ms) o.max_quiet_ms = o.quiet_ms;
    if (o.poll_ms <= 0) o.poll_ms = 500;
    if (o.settle_ms <= 0) o.settle_ms = 5;
    if (o.settle_ms > o.quiet_ms) o.settle_ms = o.quiet_ms;
    w->dir = ks_strdup(dir);
    w->db = o.db ? ks_strdup(o.db) : NULL;
    if (o.store_opts) {
        w->store_opts = *o.store_opts;
        w->has_store_opts = 1;
    }
    o.db = NULL;
    o.store_opts = NULL;
    w->opts = o;
    w->log = wlog_new();
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cond, NULL);
    pthread_mutex_init(&w->index_mu, NULL);
    atomic_init(&w->stopping, 0);
    if (pipe(w->wake_pipe) != 0) {
        if (err) *err = KS_ERR_IO;
        wlog_free(w->log);
        free(w->dir);
        free(w->db);
        free(w);
        return NULL;
    }
    fcntl(w->wake_pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(w->wake_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(w->wake_pipe[1], F_SETFD, FD_CLOEXEC);

    /* Watch first, then load: a change made between the two is seen. */
    w->notify = wn_open(w->dir, o.force_polling, o.max_watches);
    /* The first load, here, so the caller has content at once. */
    st = load(w, NULL);
    int load_errno = errno;
    if (st) {
        fresh = wstore_new(st);
        wlog_diags(w->log, st, w->opts.quiet_log);
    }
    {
        /* Pages already broken at start: their last good versions from the
         * index, as if an earlier load had seen them. */
        wstore *rec = fresh && w->db ? wrecover_from_index(st, w->db, w->has_store_opts ? &w->store_opts : NULL)
                                     : NULL;
        ks_watch_snapshot *before = rec ? wsnap_merge(NULL, rec, w->dir, 0, &reason) : NULL;
        first = wsnap_merge(before, fresh, w->dir, 1, &reason);
        ks_watch_snapshot_release(before);
        wstore_release(rec);
    }
    if (!first) {
        /* nothing was shown before: say why there is nothing, not "keeping" */
        reason = ks_store_empty_reason(NULL, load_errno);
        if (!o.quiet_log) fprintf(stderr, "%s:1: error: %s\n", dir, reason);
        w->folder_bad_logged = 1;
        first = wsnap_empty(1);
        wsnap_set_empty_reason(first, reason);
    } else {
        if (ks_watch_snapshot_page_count(first) == 0 && !o.quiet_log) /* the kiosk has nothing to show */
            fprintf(stderr, "%s:1: error: %s\n", dir, ks_watch_snapshot_empty_reason(first));
        ks_watch_status *s = wsnap_status(first);
        s->last_check = s->content_changed = time(NULL);
    }
    wsnap_status(first)->mode = wn_mode(w->notify);
    w->to_sync = fresh ? ks_watch_snapshot_retain(first) : NULL;
    w->folder_ok = !w->folder_bad_logged;
    w->last_check = time(NULL);
    w->sync_pending = fresh != NULL;
    w->base = fresh;
    if (fresh) wstore_retain(fresh);
    wstore_release(fresh); /* first holds its own references */
    w->current = first;
    w->gen = 1;
    w->mode = wsnap_status(first)->mode;

    if (pthread_create(&w->thread, NULL, thread_main, w) != 0) {
        if (err) *err = KS_ERR_IO;
        close(w->wake_pipe[0]);
        close(w->wake_pipe[1]);
        ks_watch_snapshot_release(w->current);
        ks_watch_snapshot_release(w->to_sync);
        wstore_release(w->base);
        wn_close(w->notify);
        wlog_free(w->log);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->index_mu);
        free(w->dir);
        free(w->db);
        free(w);
        return NULL;
    }
    return w;
}

void ks_watch_stop(ks_watch *w) {
    if (!w) return;
    atomic_store(&w->stopping, 1);
    signal_thread(w, 's');
    /* Index work under way (a sync, the start-up check, a backup: up to
     * seconds at low priority) is interrupted, again every 10 ms until the
     * thread has ended, since SQLite's interrupt reaches only a statement
     * already running. Each leaves the index and its backup as they were. */
    pthread_mutex_lock(&w->mu);
    while (!w->exited) {
        struct timespec until;
        pthread_mutex_unlock(&w->mu);
        pthread_mutex_lock(&w->index_mu);
        if (w->index) ks_index_interrupt(w->index);
        pthread_mutex_unlock(&w->index_mu);
        deadline_after(&until, 10);
        pthread_mutex_lock(&w->mu);
        if (!w->exited) pthread_cond_timedwait(&w->cond, &w->mu, &until);
    }
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    bury(w);
    close(w->wake_pipe[0]);
    close(w->wake_pipe[1]);
    wn_close(w->notify);
    ks_index_close(w->index);
    ks_watch_snapshot_release(w->to_sync);
    wstore_release(w->base);
    wlog_free(w->log);
    ks_watch_snapshot_release(w->current);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->index_mu);
    free(w->dir);
    free(w->db);
    free(w);
}

int ks_watch_wait_loads(ks_watch *w, uint64_t loads, int timeout_ms) {
    struct timespec until;
    int ok;
    deadline_after(&until, timeout_ms);
    pthread_mutex_lock(&w->mu);
    while (w->loads <= loads)
        if (pthread_cond_timedwait(&w->cond, &w->mu, &until) == ETIMEDOUT) break;
    ok = w->loads > loads;
    pthread_mutex_unlock(&w->mu);
    return ok;
}
