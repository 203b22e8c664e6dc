/* watch internals shared by watch.c, notify.c and snapshot.c. */
#ifndef KIOSK_WATCH_INT_H
#define KIOSK_WATCH_INT_H

#include "kiosk/watch.h"

#include <stdatomic.h>

/* ------------------------------------------------------------ notify.c */

/* The change detector: inotify watches on every folder under the root, or
 * a polling scan. Used by the watch thread only. */
typedef struct wn wn;

enum {
    WN_ACTIVITY = 1, /* something happened in the folder (extend the quiet wait) */
    WN_RELEVANT = 2, /* something that may change the content happened */
    WN_ROOT = 4,     /* the root's name was replaced, moved or deleted (its
                        parent folder said so): check it with wn_check_root */
    WN_STRUCTURAL = 8 /* a folder appeared, moved or vanished, the queue overflowed,
                         a link appeared: the tree itself is changing */
};

/* Start detecting changes under dir. force_polling: never use inotify;
 * max_watches > 0: fall back to polling past that many folders. Never
 * NULL. The caller frees with wn_close(). */
wn *wn_open(const char *dir, int force_polling, int max_watches);
void wn_close(wn *n);
/* The inotify descriptor to wait on, or -1 when polling. */
int wn_fd(const wn *n);
ks_watch_mode wn_mode(const wn *n);
/* Read the inotify events waiting; returns WN_* flags. */
int wn_read(wn *n);
/* How many content files were modified and not yet closed. */
int wn_writing(const wn *n);
/* 1 when the last change to the content was a page (or synonyms.txt)
 * closed after writing or renamed into place, so it is complete and can be
 * read at once; 0 after anything else (a page created, modified, deleted,
 * a folder change) and when polling. */
int wn_settled(const wn *n);
/* Scan the tree (polling mode); returns 1 when names, sizes or times
 * changed since the last scan. */
int wn_scan(wn *n);
/* Whether the folder at the root path is another one than the one watched
 * (moved away, replaced, appeared); returns 1 when it changed. */
int wn_check_root(wn *n);
/* Whether the watches must be rebuilt before the next load (a folder moved,
 * the queue overflowed, the root changed). */
int wn_needs_rewatch(const wn *n);
/* Drop every watch and watch the tree again from the root. */
void wn_rewatch(wn *n);
/* The page files inotify named since the last call (paths under the
 * root, in *paths, *count; the caller frees them): 1 when that is every
 * change, 0 when it cannot say exactly (polling, an overflow, a folder or
 * a link or the root changed, watches rebuilt, synonyms, intents, home or
 * a picture changed, too many files): then load in full. Starts afresh. */
int wn_take_changes(wn *n, char ***paths, size_t *count);
/* Number of folders watched. */
size_t wn_watch_count(const wn *n);

/* ------------------------------------------------------------ snapshot.c */

/* A store snapshot shared by reference between merged snapshots. */
typedef struct wstore {
    ks_store *store;  /* owned: freed with the last reference */
    atomic_int refs;
} wstore;

/* A new wrapper holding one reference to a newly loaded store (consumed). */
wstore *wstore_new(ks_store *store);
void wstore_retain(wstore *w);
void wstore_release(wstore *w);

/* Merge a new load with the previous merged snapshot (prev may be NULL for
 * the first load; fresh may be NULL when the folder could not be read).
 * Returns a new snapshot (one reference, generation gen), or NULL when the
 * content should stay as it is (folder missing, or suddenly empty).
 * *reason is then a static message for the log. dir is the content folder
 * (to tell a deleted file from an unreadable one). Does not consume fresh. */
ks_watch_snapshot *wsnap_merge(const ks_watch_snapshot *prev, wstore *fresh, const char *dir,
                               uint64_t gen, const char **reason);
/* An empty snapshot (the folder has never been read). */
ks_watch_snapshot *wsnap_empty(uint64_t gen);
/* Whether a and b show exactly the same content and problems. */
int wsnap_same(const ks_watch_snapshot *a, const ks_watch_snapshot *b);
/* The status, filled by the watch thread before posting. */
ks_watch_status *wsnap_status(ks_watch_snapshot *s);
/* Why the snapshot has no page when it was made without a store (a static
 * string, see ks_watch_snapshot_empty_reason). */
void wsnap_set_empty_reason(ks_watch_snapshot *s, const char *why);
void wsnap_set_generation(ks_watch_snapshot *s, uint64_t gen);

/* ------------------------------------------------------------ recover.c */

/* For the pages of st that have errors: their last good versions from the
 * index at db, as a store loaded from a temporary folder rebuilt from the
 * index (good pages there are the recovered ones). NULL when nothing is
 * broken, there is no index, or it holds none of them. */
wstore *wrecover_from_index(const ks_store *st, const char *db, const ks_store_options *opts);

/* ------------------------------------------------------------ log (snapshot.c) */

/* What was last logged, so a problem is logged once per change. */
typedef struct wlog wlog;
wlog *wlog_new(void);
void wlog_free(wlog *l);
/* Log to stderr each diagnostic of store that is new, or whose file changed,
 * since the previous call. Returns how many lines were written. */
size_t wlog_diags(wlog *l, const ks_store *store, int quiet);

/* ------------------------------------------------------------ giveway.c */

/* Long index work (ks_index_check, ks_index_backup) on the watch thread
 * giving way to a page change, for the work started between wgive_start
 * and wgive_end: when one of fds (inotify's, the wake pipe's reading end:
 * borrowed, never read) is readable already, ix is asked to give way
 * (ks_index_give_way) before wgive_start returns; else a helper thread
 * waits on them and asks once one is. Returns NULL when ix is NULL or
 * there is nothing to wait on (the work then runs in full); without a
 * helper (none could start) only a change waiting already counts. */
typedef struct wgive wgive;
wgive *wgive_start(ks_index *ix, const int *fds, int n_fds);
/* Stop the helper and withdraw the request (the next sync, check or
 * backup runs in full); frees g. Returns 1 when it asked the work to give
 * way. NULL is fine (0). */
int wgive_end(wgive *g);

#endif
