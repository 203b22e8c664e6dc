/* watch: the content folder, kept live while the kiosk runs.
 *
 * ks_watch_start() loads the content folder once, then a background thread
 * watches it (inotify on every folder, recursively; polling a cheap scan of
 * names, sizes and times when inotify is unavailable, runs out of watches or
 * overflows). When the folder has been quiet for a short moment (and no file
 * is still being written; a page just closed after writing or renamed into
 * place is read almost at once, see settle_ms), the thread
 *   1. loads a new store snapshot (ks_store_load_from the previous load, so
 *      only the files that changed are parsed),
 *   2. merges it with the last good content (see "merging" below),
 *   3. brings the index up to date (ks_index_sync: only changed pages are
 *      written, one transaction, readers never blocked),
 *   4. posts the merged snapshot to a mailbox and calls the wake-up hook.
 * Nothing here runs on the caller's thread after start: the UI thread only
 * takes a snapshot from the mailbox (a mutex held for a pointer swap).
 *
 * Merging: a page that now fails validation keeps its last good version
 * (and is flagged stale); a page whose file is gone disappears; a page whose
 * file still exists but could not be read this time (permissions, a folder
 * briefly unreadable) is kept as it was. When the folder itself is missing,
 * unreadable, or suddenly holds no pages at all (a sync or a move in
 * progress), nothing changes: the last good content stays until the folder
 * is good again. Symbolic links are never followed by the watcher, so a
 * symlink loop cannot make it spin; the one exception is dir itself, which
 * may be a link (kiosk sync's `current`): followed at the top only, and a
 * link renamed over it is a change seen at once (its parent is watched).
 *
 * Every problem found by a load is logged to stderr as
 * `path:line: error: message` once per change (a problem that persists is
 * not logged again until its file changes).
 *
 * Depends on store, index, base and pthreads. No SDL: the app turns the
 * wake-up hook into an SDL user event.
 */
#ifndef KIOSK_WATCH_H
#define KIOSK_WATCH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kiosk/index.h"
#include "kiosk/store.h"

typedef struct ks_watch ks_watch;
typedef struct ks_watch_snapshot ks_watch_snapshot;

typedef enum ks_watch_mode {
    KS_WATCH_INOTIFY = 0, /* inotify watches on every folder */
    KS_WATCH_POLLING = 1  /* a scan every poll_ms */
} ks_watch_mode;

typedef struct ks_watch_options {
    const char *db;       /* index to keep in sync, or NULL for none */
    const ks_store_options *store_opts; /* passed to ks_store_load; may be NULL */
    int quiet_ms;         /* quiet time before a reload (0: 300) */
    int max_quiet_ms;     /* when a file stays open for writing, reload anyway
                             after this much quiet (0: 1500) */
    int settle_ms;        /* after a page was closed after writing or renamed
                             into place, nothing else open for writing and no
                             folder changed for quiet_ms, reload after this
                             much quiet instead (0: 5: it only gathers a burst
                             of saves, such as a git checkout, into one load;
                             the page itself is complete once closed) */
    int poll_ms;          /* scan interval when polling (0: 500) */
    int force_polling;    /* 1: never use inotify (tests, odd filesystems) */
    int max_watches;      /* >0: act as if inotify ran out after this many
                             folders (tests the fallback); 0: no limit */
    int quiet_log;        /* 1: do not log problems to stderr */
    /* Called on the watch thread after each new snapshot is posted (and
     * after the first index sync). Must be quick and thread-safe, e.g.
     * SDL_PushEvent. May be NULL. */
    void (*wake)(void *user);
    void *wake_user;
} ks_watch_options;

/* Load dir now and start watching it. The first snapshot (generation 1) is
 * ready when this returns, even when the folder cannot be read (it is then
 * empty and the watcher waits for the folder to appear). opts may be NULL.
 * Returns NULL only when the thread cannot be started (*err negative). The
 * caller stops it with ks_watch_stop(). */
ks_watch *ks_watch_start(const char *dir, const ks_watch_options *opts, int *err);
/* Stop the thread, wait for it, free everything but the snapshots still
 * referenced by callers (they stay valid until released). NULL is fine. */
void ks_watch_stop(ks_watch *w);

/* ---------------------------------------------------------------- mailbox */

/* The generation of the newest snapshot posted (1 after start). Cheap. */
uint64_t ks_watch_generation(ks_watch *w);
/* The newest snapshot if its generation is above have, else NULL. The
 * result is a new reference: release it with ks_watch_snapshot_release().
 * Never blocks on a load in progress. */
ks_watch_snapshot *ks_watch_take(ks_watch *w, uint64_t have);
/* Drop a reference to s like ks_watch_snapshot_release(), but when it is
 * the last one the snapshot (a whole store of pages) is freed on the watch
 * thread, not the caller's: the UI thread uses this so a frame never pays
 * for freeing thousands of pages. NULL is fine. */
void ks_watch_release_later(ks_watch *w, ks_watch_snapshot *s);
/* Wait up to timeout_ms for a generation above have (0 returns at once).
 * Returns the new generation, or 0 on timeout. For tests and tools. */
uint64_t ks_watch_wait(ks_watch *w, uint64_t have, int timeout_ms);
/* Ask for a reload now (as if the folder changed), e.g. from a staff
 * button. */
void ks_watch_poke(ks_watch *w);
/* How the folder is being watched now (it may fall back to polling). */
ks_watch_mode ks_watch_current_mode(ks_watch *w);
/* What the thread has done so far, for tests and the benchmark. */
typedef struct ks_watch_counters {
    uint64_t loads;           /* reloads after the first load (posted or not) */
    uint64_t fast_loads;      /* of which read only the pages inotify named
                                 (a full load follows a moment later) */
    uint64_t syncs;           /* index syncs tried: ok, failed, or nothing to do */
    int64_t index_generation; /* the index generation after the last good sync */
    double last_load_ms;      /* the last reload: load + merge, without the sync */
    double last_sync_ms;      /* the last index sync */
    double last_load_cpu_ms;  /* CPU time the watch thread spent on the last
                                 load + merge (on a busy machine, wall time
                                 also counts waiting for a core) */
    double last_sync_cpu_ms;  /* the same for the last index sync */
    size_t last_parsed;       /* files the last load parsed (others reused) */
    int folder_ok;            /* 0: the last load found the folder missing,
                                 unreadable or empty (last good content kept) */
    time_t last_check;        /* wall clock of the last load */
    uint64_t checks;          /* whole-index checks run to their end (after the
                                 first sync, then daily) */
    uint64_t gave_way;        /* times the whole check or the index's backup
                                 gave way to a page change (and ran again after) */
    uint64_t syncs_at_check;  /* syncs when the last whole check ended: a change
                                 synced before the check has a smaller count */
} ks_watch_counters;
void ks_watch_get_counters(ks_watch *w, ks_watch_counters *out);
/* Wait up to timeout_ms until counters.loads > loads; returns 1 when so. */
int ks_watch_wait_loads(ks_watch *w, uint64_t loads, int timeout_ms);

/* ---------------------------------------------------------------- snapshot */

/* A merged, immutable view of the content: safe to read from any thread
 * while referenced. Pages and topics are borrowed from store snapshots the
 * view keeps alive, so their pointers stay valid until the last release. */

/* Take another reference; returns s. */
ks_watch_snapshot *ks_watch_snapshot_retain(ks_watch_snapshot *s);
/* Drop a reference; the last one frees. NULL is fine. */
void ks_watch_snapshot_release(ks_watch_snapshot *s);

uint64_t ks_watch_snapshot_generation(const ks_watch_snapshot *s);

/* Pages that can be shown, in the store's order (see ks_store_page_count):
 * every page with a good version. A page whose file now has errors appears
 * with its last good version; pages that never had one are left out. */
size_t ks_watch_snapshot_page_count(const ks_watch_snapshot *s);
const ks_page *ks_watch_snapshot_page(const ks_watch_snapshot *s, size_t i);
/* The page with this slug (case-insensitive), or NULL. */
const ks_page *ks_watch_snapshot_find(const ks_watch_snapshot *s, const char *slug);
/* 1 when the page shown for slug is a kept last good version (the file on
 * disk is broken or unreadable), 0 otherwise (also when not found). */
int ks_watch_snapshot_is_stale(const ks_watch_snapshot *s, const char *slug);

/* Topics, in the store's order. A topic whose index.md is broken keeps the
 * title, summary and order of its last good index.md. The records are owned
 * by the snapshot. */
size_t ks_watch_snapshot_topic_count(const ks_watch_snapshot *s);
const ks_topic *ks_watch_snapshot_topic(const ks_watch_snapshot *s, size_t i);
const ks_topic *ks_watch_snapshot_find_topic(const ks_watch_snapshot *s, const char *slug);

/* The newest store snapshot loaded (diagnostics, synonyms); NULL when the
 * folder has never been read. Valid while s is referenced. */
const ks_store *ks_watch_snapshot_store(const ks_watch_snapshot *s);
/* Problems from the last validation (the last load that read the folder),
 * as ks_store_diag. */
size_t ks_watch_snapshot_diag_count(const ks_watch_snapshot *s);
const ks_diag *ks_watch_snapshot_diag(const ks_watch_snapshot *s, size_t i);

/* What the staff status screen shows. */
typedef struct ks_watch_status {
    time_t content_changed; /* wall clock of the last change seen, 0 if none */
    time_t last_check;      /* wall clock of the last load */
    int folder_ok;          /* 0 when the last load found the folder missing,
                               unreadable or empty (last good content kept) */
    size_t n_pages;         /* pages shown */
    size_t n_topics;
    size_t n_stale;         /* pages shown from a kept last good version */
    size_t n_errors;        /* error diagnostics of the last validation */
    size_t n_warnings;
    ks_watch_mode mode;     /* inotify or polling when this was posted */
    double load_ms;         /* the last load + merge, milliseconds */
} ks_watch_status;

/* Why s shows no page (a static string, see ks_store_empty_reason: the
 * folder does not exist, cannot be read, or holds no pages; or every page
 * is broken and none has a last good version), or NULL when
 * it shows at least one. The ui shows patients "This kiosk has no pages
 * yet" when the page count is 0; this is what the log and staff see. */
const char *ks_watch_snapshot_empty_reason(const ks_watch_snapshot *s);

/* The status recorded when s was posted. */
void ks_watch_snapshot_status(const ks_watch_snapshot *s, ks_watch_status *out);
/* The snapshot's pages and topics as a ks_store_view (what the ui takes);
 * borrowed: hold a reference to s while the view is used. */
ks_store_view ks_watch_snapshot_view(const ks_watch_snapshot *s);

#endif
