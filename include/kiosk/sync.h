/* sync: the content folder brought in line with a git source, switched in
 * one atomic step and never to a version with errors.
 *
 * Layout on the kiosk (every path configurable):
 *
 *     /var/lib/clinic-kiosk/current   -> releases/<commit>   the link the kiosk reads
 *     /var/lib/clinic-kiosk/releases/
 *         <commit>/                    one complete, checked version each
 *         <commit>/.kiosk-release      its commit, date and message
 *         .cache.git/                  a bare git repository: what was fetched
 *         .lock                        one sync at a time (flock)
 *
 * ks_sync_run():
 *   1. asks the source which commit it offers (`git ls-remote`): a remote
 *      URL, a path, or a `git bundle` file; nothing new -> done;
 *   2. fetches it into the cache (`git fetch`), checks it out into a hidden
 *      folder releases/.tmp-<commit>-<pid>/ and validates it with the store,
 *      exactly as `kiosk check` does;
 *   3. with no errors, renames that folder to releases/<commit>/ (flushed to
 *      disk first), then renames a new symbolic link over `current`: the
 *      kiosk's watcher sees one change, from one complete version to
 *      another; with errors, the folder is removed and the commit is
 *      refused (the kiosk stays where it is) with the problems as
 *      `path:line: error: message`;
 *   4. removes releases beyond the current one and the `keep` used before
 *      it, and leftovers of a sync that was killed.
 * Killing it at any point leaves `current` on a complete, checked version:
 * every step before the final rename works on names nobody reads.
 *
 * The git program does the fetching (see README "Libraries, and why").
 * Depends on store and base.
 */
#ifndef KIOSK_SYNC_H
#define KIOSK_SYNC_H

#include <stddef.h>
#include <time.h>

#include "kiosk/base.h"
#include "kiosk/store.h"

typedef enum ks_sync_result {
    KS_SYNC_NONE = 0,        /* never ran */
    KS_SYNC_UP_TO_DATE = 1,  /* the source offers the version shown */
    KS_SYNC_SWITCHED = 2,    /* a new version is shown */
    KS_SYNC_REFUSED = 3,     /* the source's version has errors: not shown */
    KS_SYNC_UNREACHABLE = 4, /* no network, no stick: nothing changed */
    KS_SYNC_FAILED = 5       /* cannot run: configuration, disk, git missing */
} ks_sync_result;

/* A version: a commit of the source. Empty commit: none. */
typedef struct ks_sync_version {
    char commit[41];   /* full hexadecimal id, "" for none */
    time_t time;       /* the commit's date (committer time) */
    char subject[256]; /* the first line of its message */
} ks_sync_version;

#define KS_SYNC_MAX_PROBLEMS 4096 /* bytes of problem lines kept in the state */

/* What the last sync did, kept in the state file between runs. */
typedef struct ks_sync_state {
    time_t last_run;           /* when a sync last ended, 0 never */
    ks_sync_result result;     /* how it ended */
    char message[512];         /* one line for staff saying so */
    time_t last_reached;       /* when the source was last reached, 0 never */
    ks_sync_version current;   /* the version shown */
    ks_sync_version refused;   /* the newest refused version ("" none) */
    char problems[KS_SYNC_MAX_PROBLEMS]; /* the refused version's errors, one
                                            "path:line: error: message" a line */
} ks_sync_state;

typedef struct ks_sync_options {
    const char *source;   /* git URL, path or bundle file (required) */
    const char *ref;      /* what to show: NULL for the source's HEAD (a bundle
                             without HEAD: main, master, or its only branch) */
    const char *content;  /* the link the kiosk reads (required) */
    const char *releases; /* NULL or "": "releases" beside content */
    const char *state;    /* the state file, or NULL for none */
    int keep;             /* versions kept besides the current one (0: none) */
    const ks_store_options *store_opts; /* for the check; may be NULL */
} ks_sync_options;

/* Bring o->content in line with o->source (see above). Fills *st (also
 * written to o->state) and returns st->result. When refused, every error
 * line is in st->problems (cut at KS_SYNC_MAX_PROBLEMS, with a last line
 * saying so). Blocks while another sync holds the releases' lock. */
ks_sync_result ks_sync_run(const ks_sync_options *o, ks_sync_state *st);

/* Read the state file at path into *st (all zero when it does not exist
 * or cannot be read). Returns 0, or KS_ERR_NOT_FOUND / KS_ERR_IO. */
int ks_sync_state_load(const char *path, ks_sync_state *st);
/* Write *st to path atomically (renamed into place; not flushed to disk).
 * Returns 0 or KS_ERR_IO. */
int ks_sync_state_save(const char *path, const ks_sync_state *st);

/* The version of the content folder dir (its .kiosk-release file, written
 * by ks_sync_run; symbolic links followed). Returns 0, or KS_ERR_NOT_FOUND
 * when dir is not a release made by kiosk sync (v is then zeroed). */
int ks_sync_release_version(const char *dir, ks_sync_version *v);

/* The state file for the index at db: FILE without ".db" plus
 * "-sync.txt", beside it (--db /x/index.db gives /x/index-sync.txt). The
 * caller frees the result. */
char *ks_sync_default_state_path(const char *db);

/* "ok", "up to date", ... for a result. */
const char *ks_sync_result_name(ks_sync_result r);
/* Append a few lines for staff: the version shown (commit, date,
 * message), when the last sync ran and how it ended, and a refused
 * version with its first problems. Says "not synced" for a folder that is
 * not managed by kiosk sync. */
void ks_sync_describe(const ks_sync_state *st, const ks_sync_version *shown, ks_buf *b);

#endif
