/* stats: anonymous usage counts for clinic staff.
 *
 * Two kinds of count, and nothing else:
 *   - how many times each page was opened (by slug);
 *   - how many times a search found nothing (by the text searched, after
 *     normalisation: lowercased, spaces collapsed, digits replaced by '#',
 *     at most KS_STATS_MAX_QUERY bytes).
 * No times, no sequences, no sessions: the tables are keyed by slug and by
 * text (WITHOUT ROWID), so even the order in which things were first counted
 * is not kept, and a reset overwrites the deleted rows (secure_delete).
 *
 * The counts live in their own SQLite file, not in the index: the index may
 * be deleted and rebuilt whenever its schema changes, and counting from the
 * UI thread must never wait behind the content watcher's index writes.
 * ks_stats_default_path() derives that file's name from the index's.
 *
 * A ks_stats handle belongs to one thread at a time. Another process (say
 * `kiosk stats --reset`) may use the same file concurrently: a count that
 * cannot be written at once (the file busy) is kept in memory and written
 * with the next count or flush, so counting never blocks for long.
 *
 * Depends on base and SQLite. No SDL.
 */
#ifndef KIOSK_STATS_H
#define KIOSK_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Longest search text kept, in bytes (cut at a UTF-8 boundary). */
#define KS_STATS_MAX_QUERY 64

typedef struct ks_stats ks_stats;

/* One counted thing: a page slug or a normalised search text. */
typedef struct ks_stats_count {
    char *key;      /* slug or search text; owned by the ks_stats_list */
    int64_t count;  /* times counted since the last reset */
} ks_stats_count;

/* A copy of the counts, for printing or showing: sorted by count
 * (highest first), then key. Free with ks_stats_list_free(). */
typedef struct ks_stats_list {
    ks_stats_count *views;     /* page views */
    size_t n_views;
    ks_stats_count *empty;     /* searches that found nothing */
    size_t n_empty;
    int64_t total_views;       /* sum of views[].count */
    int64_t total_empty;       /* sum of empty[].count */
} ks_stats_list;

/* The stats file that goes with the index at db_path: "X.db" gives
 * "X-stats.db", anything else gets "-stats.db" appended. The caller frees
 * the result. */
char *ks_stats_default_path(const char *db_path);

/* Open (creating when missing) the stats file at path. Returns NULL when it
 * cannot be opened or created (*err a negative KS_ERR_*; a message has gone
 * to stderr). The caller closes it with ks_stats_close(). */
ks_stats *ks_stats_open(const char *path, int *err);
/* Write any counts still held in memory (best effort), close. NULL is fine. */
void ks_stats_close(ks_stats *st);

/* Count one view of the page with this slug. Returns 0, or a negative
 * KS_ERR_* when the count could not be written now: KS_ERR_BUSY (another
 * process holds the file; retryable) or KS_ERR_IO. Either way the count is
 * kept in memory and written with the next count or ks_stats_flush, so
 * the caller need not act on it. */
int ks_stats_count_view(ks_stats *st, const char *slug);
/* Count one search for text that found nothing. Empty text (after
 * normalisation) is not counted and returns KS_ERR_INVALID. */
int ks_stats_count_empty_search(ks_stats *st, const char *text);
/* Write counts held in memory. Returns 0, or a negative KS_ERR_* if some
 * are still held: KS_ERR_BUSY when the file was busy (retry later; the
 * counts stay held), KS_ERR_IO when it could not be written. */
int ks_stats_flush(ks_stats *st);

/* Read every count (including ones still held in memory) into *out. Returns
 * 0 or a negative KS_ERR_*; *out is then empty. The caller frees *out with
 * ks_stats_list_free(). */
int ks_stats_read(ks_stats *st, ks_stats_list *out);
void ks_stats_list_free(ks_stats_list *list);

/* Forget every count, in the file and in memory. Returns 0 or a negative
 * KS_ERR_*. */
int ks_stats_reset(ks_stats *st);

/* The normalised form of a search text that ks_stats_count_empty_search
 * stores (see above); "" when nothing is left. The caller frees it. */
char *ks_stats_normalise_query(const char *text);

#endif
