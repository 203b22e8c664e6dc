/* search: what a patient typed, turned into ranked pages, on every keystroke.
 *
 * ks_search_query() takes raw text (any bytes) and never passes it to FTS5
 * as query syntax: it splits it into words, quotes each one, and builds the
 * query itself. On the way it
 *   - treats the last word as a prefix while the patient is still typing it
 *     (text that ends in a space or punctuation has no prefix word); one- and
 *     two-letter prefixes take a fast path (title and keyword words, and the
 *     few most frequent completions from the vocabulary);
 *   - drops stop words ("what", "is", "how", "can", "the", ...);
 *   - applies the lay-word synonyms of synonyms.txt ("sugar water" also
 *     finds "dextrose"), as stored in the index;
 *   - forgives typos the way Meilisearch does: none for words of up to 4
 *     letters, 1 for 5-8 letters, 2 for 9 or more; two neighbouring letters
 *     swapped count as one typo, a wrong first letter as two. Candidates
 *     come from the index's unstemmed vocabulary. Exact and prefix matches
 *     rank above typo matches; when words were corrected, the results say
 *     so ("did you mean");
 *   - ranks with bm25, title and keywords above headings above body.
 *
 * A ks_search handle holds a read-only connection, its prepared statements,
 * and the vocabulary, synonyms and page titles in memory. Before each query
 * it checks (cheaply) whether the index changed and reloads them if so, so a
 * background sync is seen at the next keystroke.
 *
 * Threads: one handle per thread (the UI thread keeps its own); it may be
 * used while another thread or process syncs the same index file.
 *
 * Depends on index (read through its reader API, ks_index_reader_*) and
 * base. No SQL, no SDL.
 */
#ifndef KIOSK_SEARCH_H
#define KIOSK_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/base.h"
#include "kiosk/index.h" /* error codes */

typedef struct ks_search ks_search;

/* A highlighted span in a snippet: bytes [start, end). */
typedef struct ks_search_range {
    size_t start;
    size_t end;
} ks_search_range;

/* One result. All strings are owned by the results, never NULL. */
typedef struct ks_search_hit {
    char *slug;    /* "prolotherapy/risks" */
    char *title;
    char *topic;   /* "" for general pages */
    char *section; /* "risks", "overview" for a topic's index page, ... */
    char *anchor;  /* "" or a heading anchor on the page to open it at: a
                      glossary entry is a result of its own ("Dextrose —
                      Glossary", slug "glossary", anchor "dextrose") */
    char *snippet; /* ~20 words of the page around the best match, single
                      spaces, whole words and whole UTF-8 sequences only;
                      "…" marks text left out before or after */
    ks_search_range *highlights; /* matched words within snippet, in order */
    size_t n_highlights;
    double score;  /* higher is better; comparable within one query only */
} ks_search_hit;

typedef struct ks_search_results {
    ks_search_hit *hits; /* best first */
    size_t n;
    char *corrected;     /* "did you mean" text (the query with corrected
                            words), or NULL when nothing was corrected */
} ks_search_results;

/* Open the index at db_path for searching (read-only). Returns NULL when it
 * cannot be opened, does not exist (*err = KS_ERR_NOT_FOUND: run `kiosk
 * index`), or has another schema version (KS_INDEX_ERR_SCHEMA, see index.h).
 * The caller closes the result with ks_search_close(). */
ks_search *ks_search_open(const char *db_path, int *err);
/* Close; NULL is fine. */
void ks_search_close(ks_search *s);

/* Search for text (NUL-terminated, any bytes, any length: only the first
 * KS_SEARCH_MAX_INPUT bytes are read), at most limit results (0 means 10).
 * On success returns 0 and *out holds new results (possibly none) the caller
 * frees with ks_search_results_free(). Returns a negative code only when the
 * database itself fails (then *out is an empty result, still to be freed):
 * no input can make it fail. */
#define KS_SEARCH_MAX_INPUT 1024
int ks_search_query(ks_search *s, const char *text, size_t limit, ks_search_results **out);
/* Free results; NULL is fine. */
void ks_search_results_free(ks_search_results *r);

/* Append results as one JSON array to b:
 *   [{"slug":..,"title":..,"topic":..,"section":..,"snippet":..,
 *     "highlights":[[start,end],..],"score":..[,"anchor":".."][,"corrected":".."]},..]
 * ("anchor" only on a result that opens the page at a heading)
 * ("corrected" on each element when the query was corrected). */
void ks_search_results_json(const ks_search_results *r, ks_buf *b);

/* Up to max completions of the word being typed at the end of text (most
 * frequent first, stop words left out), for keyboard suggestions. Returns
 * the count; each out[i] is a new string the caller frees. */
size_t ks_search_complete(ks_search *s, const char *text, char **out, size_t max);

/* Reload in the background (on: 1). By default a query that finds the
 * index changed by a sync reloads the caches first (tens of ms at a few
 * hundred pages, 100-400 ms at 15,000). With this on, the reload runs on a
 * thread of the handle's own, with its own connection, and the queries go
 * on meanwhile with the caches of the version before (pages the sync
 * added are not found yet, pages it removed are no longer found); the
 * first query after the load takes the new caches over. Turning it off
 * waits for a load under way. For a handle that answers a person typing,
 * not for one that must see a sync at once (tests, `kiosk search`). */
void ks_search_set_background(ks_search *s, int on);
/* 1 while a background reload is under way. */
int ks_search_loading(const ks_search *s);
/* Look at the index now, as a query would first: when a sync changed it,
 * reload the caches (in the background when that is on, so the next query
 * finds them ready). For a caller that learns of a sync before anyone
 * types. Returns 0 or a negative KS_ERR_* (KS_ERR_BUSY: try later). */
int ks_search_refresh(ks_search *s);

/* The index generation the handle last loaded (see ks_index_generation). */
int64_t ks_search_generation(const ks_search *s);
/* 1 when s was opened on a full or failing disk, where a live reader is
 * impossible (it needs the -shm file): it reads the file as it was on disk
 * (immutable, WAL ignored) and sees no later sync, so open a new one once
 * the disk is well again. 0 for a live handle or NULL. */
int ks_search_frozen(const ks_search *s);

/* For tests and benchmarks only (the kiosk never calls it): change how the
 * handle ranks, to reach on a small corpus the paths a large one takes.
 *   KS_SEARCH_TUNE_RANK_ALL_MAX: rank every match of a round with bm25 up
 *     to this many estimated matches (default 400); above it, the title
 *     and keyword matches first, then unranked body matches. 0 sends every
 *     round of a few hundred pages down the large-corpus path.
 *   KS_SEARCH_TUNE_HEADS_MAP: 1 (default) answers the title-and-keyword
 *     query of that path from the in-memory map of titles and keywords;
 *     0 asks FTS5 with a column filter, which must give the same pages,
 *     order and scores.
 * Returns 0, or KS_ERR_INVALID for an unknown knob or a value out of range. */
enum { KS_SEARCH_TUNE_RANK_ALL_MAX = 1, KS_SEARCH_TUNE_HEADS_MAP = 2 };
int ks_search_tune(ks_search *s, int knob, int64_t value);

#endif
