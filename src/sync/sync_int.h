/* sync internals shared by sync.c, git.c, release.c and state.c. */
#ifndef KIOSK_SYNC_INT_H
#define KIOSK_SYNC_INT_H

#include "kiosk/base.h"
#include "kiosk/sync.h"

#include <sys/types.h>

/* ------------------------------------------------------------ git.c */

/* Run the git program with argv (argv[0] is "git"; NULL-terminated), with
 * GIT_INDEX_FILE set to index_file when not NULL, no terminal prompts and
 * no inherited GIT_DIR/GIT_WORK_TREE. Its stdout is appended to out (when
 * not NULL); the first non-empty line of its stderr goes to err (cap bytes).
 * Returns the exit status (0 success), 127 when git cannot be started, or
 * -1 when it died of a signal. */
int sg_git(const char *const *argv, const char *index_file, ks_buf *out, char *err, size_t cap);

/* ------------------------------------------------------------ release.c */

/* Whether name is a 40-digit lowercase hexadecimal commit id. */
int sr_is_commit(const char *name);
/* Remove path and everything below it (symbolic links are removed, never
 * followed). Returns 0, or KS_ERR_IO when something stayed. */
int sr_remove_tree(const char *path);
/* The commit the link content points to when it is a release under
 * releases ("" otherwise) into out[41]. *is_dir is set to 1 when content is
 * a real folder (not a link). */
void sr_current_commit(const char *content, const char *releases, char out[41], int *is_dir);
/* Point content at releases/<commit> atomically: a new link beside it
 * renamed over it, then the folder flushed. Returns 0 or KS_ERR_IO (errno). */
int sr_switch(const char *content, const char *releases, const char *commit);
/* Flush the file system holding path to disk (syncfs). */
void sr_flush(const char *path);
/* Remove leftovers of killed syncs: releases/.tmp-*, releases/.trash-*,
 * links named .<base>.new-* beside content. */
void sr_clean_leftovers(const char *content, const char *releases);
/* Remove releases beyond current and the keep most recently switched to
 * before it. Returns how many were removed. */
int sr_prune(const char *releases, const char *current, int keep);
/* Write dir/.kiosk-release for v. Returns 0 or KS_ERR_IO. */
int sr_write_release_file(const char *dir, const ks_sync_version *v);

#endif
