/* index: the content, kept in SQLite for search and as the last good copy.
 *
 * One database file holds
 *   - pages: every indexed page's last good source (front matter fields and
 *     Markdown body) and its content hash;
 *   - an FTS5 full-text index over each page's title, keywords, headings
 *     (with the summary) and plain-text body, weighted separately at query
 *     time, tokenizer `porter unicode61 remove_diacritics 2`;
 *   - an unstemmed vocabulary (word, number of pages holding it, number of
 *     pages holding it in the title or keywords) for typo correction and
 *     completion, since the FTS5 index only knows stems ("injuri");
 *   - the lay-word synonyms of synonyms.txt, so `kiosk search --db FILE`
 *     from outside sees what the running kiosk sees;
 *   - a schema version (PRAGMA user_version + application_id) and a
 *     generation counter bumped by every sync that changed something.
 *
 * Sync, not rebuild: ks_index_sync() compares a store snapshot with the
 * database by content hash and writes only added, changed and removed pages,
 * all in one transaction. The database runs in WAL mode, so a reader (the
 * search connection of the UI thread) sees the old index or the new one,
 * never a mix, and is never blocked by the writer. A sync that finds nothing
 * to do writes nothing (the generation stays the same).
 *
 * A page with errors (see `kiosk check`) is not indexed; but when an earlier
 * good version of it is in the index, that version is kept, so a staff typo
 * never blanks a page. The report names every page skipped or kept.
 *
 * Threads: one ks_index handle belongs to one thread at a time. Several
 * handles (in one process or several) may be open on one file; writers take
 * turns (busy_timeout), readers go on reading.
 *
 * Depends on store, base, SQLite and pthreads (a sync counts words on a
 * second thread). No SDL.
 */
#ifndef KIOSK_INDEX_H
#define KIOSK_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/base.h" /* KS_ERR_*, of which index adds its own */
#include "kiosk/store.h"

/* The schema this build writes and reads. An index of ours with another
 * version is rebuilt empty by ks_index_open(), never misread; anything that
 * is not a kiosk index is refused and left as it is. */
#define KS_INDEX_SCHEMA_VERSION 4

typedef struct ks_index ks_index;

/* Error codes besides the KS_ERR_* of base.h. */
enum {
    KS_INDEX_ERR_DB = -20,   /* SQLite failed (message in ks_index_errmsg) */
    KS_INDEX_ERR_BUSY = KS_ERR_BUSY, /* retryable: another writer held the database too long (base.h) */
    KS_INDEX_ERR_SCHEMA = -22, /* the file has a schema this build cannot read (search side) */
    KS_INDEX_ERR_NOT_OURS = -23, /* not a regular file, not SQLite, or another program's database:
                                    refused, left untouched */
    KS_INDEX_ERR_IO = -24,     /* disk full, I/O error, read-only file or folder: nothing was changed */
    KS_INDEX_ERR_CORRUPT = -25, /* the index is damaged and could not be repaired */
    KS_INDEX_ERR_INTERRUPTED = -26, /* stopped by ks_index_interrupt: nothing was changed (a sync rolled
                                      back, a backup kept the old copy, a check found nothing) */
    KS_INDEX_ERR_MOVED = -27, /* a reader's file was removed or replaced: its path names another file now
                                (or none); close the reader and open the path again */
    KS_INDEX_ERR_YIELDED = -28 /* a check or backup gave way (ks_index_give_way): nothing was changed
                                  and nothing found; run it again later */
};

/* Open (creating when missing) the index at db_path for reading and
 * writing. Open never destroys:
 *   - a missing or empty file becomes a new index (an empty file beside a
 *     backup, PATH.backup, is restored from it);
 *   - an index of ours with an older schema is rebuilt in place;
 *   - an index of ours that SQLite finds damaged is moved aside to
 *     PATH.corrupt-YYYYMMDD-HHMMSS (with its -wal and -shm) and replaced by
 *     its last backup, or started empty when there is none;
 *   - busy or locked (after waiting 5 s): KS_INDEX_ERR_BUSY, retry later;
 *   - a full disk, an I/O error, no permission: KS_INDEX_ERR_IO;
 *   - not a regular file (a device such as /dev/null, a folder, a FIFO), not
 *     an SQLite database, or another program's database:
 *     KS_INDEX_ERR_NOT_OURS.
 * In every failure the files are left as they were. Returns NULL on failure
 * with *err (if not NULL) the code. The caller closes the result with
 * ks_index_close(). */
ks_index *ks_index_open(const char *db_path, int *err);
/* The same, and on failure why in words naming the file, in msg[0..cap)
 * (msg may be NULL; "" after a success). */
ks_index *ks_index_open_ex(const char *db_path, int *err, char *msg, size_t cap);
/* Check the whole file (PRAGMA quick_check: every page and index, seconds
 * for a 100 MB index). When it is damaged, do what ks_index_open does with
 * a damaged file (aside, backup, reopen). Returns 0 sound, 1 restored from
 * the backup, 2 started empty (sync it again in both cases: the backup may
 * be older than the content), or a negative code when it could not check
 * (busy, I/O) or repair. */
int ks_index_check(ks_index *ix);
/* The same, unless the file is the one the last whole check passed, as
 * sealed by ks_index_close_sealed (PATH.checked: device, inode, size and
 * times unchanged, no write-ahead log with frames) and that check is less
 * than max_age_s seconds old: then 0 at once, without reading the file.
 * A file changed in any way since (a write by anyone, a truncation, a
 * copy over it, a crash in the middle of a write) is checked whole. */
int ks_index_check_unless_sealed(ks_index *ix, int max_age_s);
/* Keep a copy of the index beside it, PATH.backup (VACUUM INTO a new file,
 * fsync, rename over the old copy, so a crash leaves the old backup or the
 * new one). Call after a sync that wrote something. Returns 0, or a
 * negative code with the old backup kept (a full disk). */
int ks_index_backup(ks_index *ix);
/* 1 when the path no longer names the file this handle has open (it was
 * replaced, e.g. restored from its backup by another process, or removed);
 * 2 when it does, but PATH-wal or PATH-shm no longer names the log or
 * shared memory this handle writes through (removed by hand: every write
 * after that would be lost to other readers); 0 otherwise. Either way,
 * close and open again to use the files at the path (closing such a
 * handle leaves the files now at PATH-wal and PATH-shm alone). Three
 * stats. */
int ks_index_moved(const ks_index *ix);
/* When ks_index_moved(ix) is 2 (the -wal or -shm removed under ix): put a
 * whole copy of the index as ix sees it (every write made through it, also
 * since the removal, which no other connection sees) at the path as a new
 * file, removing whatever is at PATH-wal and PATH-shm now; ix is then on a
 * removed file (moved 1): close it and open the path. Needed rather than
 * just opening the path again, since every connection to one file in a
 * process shares its shared memory: a new one would share the removed
 * -shm of those still open (the kiosk's search). Returns 1 when it made
 * the new file; 0 when there was nothing to do (moved 0 or 1, or the file
 * itself was removed or replaced meanwhile: that removal stands); or a
 * negative code with the files as they were (a full disk: then open the
 * path again anyway). */
int ks_index_rehome(ks_index *ix);
/* Ask the work running on ix in another thread (a sync, a check, a backup)
 * to stop, for a quick exit: it returns KS_INDEX_ERR_INTERRUPTED having
 * changed nothing, and so does every later sync, check or backup on ix
 * (close it). A repair in progress (a damaged file moved aside, its backup
 * put back) is finished first. The one call that may be made from another
 * thread while ix is in use; not after ks_index_close. */
void ks_index_interrupt(ks_index *ix);
/* While on is 1, a whole check (ks_index_check, _unless_sealed) or a
 * backup on ix gives way to more urgent work on the same handle (the
 * watcher: a page change): one running in another thread stops within a
 * millisecond, and one started returns at once, each with
 * KS_INDEX_ERR_YIELDED having changed nothing (the old backup stays, no
 * damage is reported: run it again later); 0 withdraws the request, and
 * the next check or backup runs in full. A sync is never asked to give
 * way: call it with 1 only while a check or backup runs (or none), and
 * with 0 before the next sync. A repair in progress is finished first. May
 * be called from another thread while ix is in use, as ks_index_interrupt;
 * not after ks_index_close. */
void ks_index_give_way(ks_index *ix, int on);
/* The path given to ks_index_open (owned by the handle). */
const char *ks_index_path(const ks_index *ix);
/* Close; NULL is fine. */
void ks_index_close(ks_index *ix);
/* Close, and when the file was checked (ks_index_check_unless_sealed) and
 * SQLite saw no damage since, seal it as it now is for the next
 * ks_index_check_unless_sealed: its modification time is set back to a
 * mark two seconds before its last write (so any later write, even in the
 * same clock tick, shows) and PATH.checked records it. Nothing is sealed
 * while another connection keeps a write-ahead log beside the file. For a
 * process that has finished with the file and wrote it only through ix
 * (kiosk index); NULL is fine. */
void ks_index_close_sealed(ks_index *ix);
/* The last SQLite error message of this handle (static or owned by the
 * handle; do not free). Never NULL. */
const char *ks_index_errmsg(const ks_index *ix);

/* What a sync did. Every list holds slugs (owned by the report), sorted. */
typedef struct ks_index_list {
    char **slugs;
    size_t n;
} ks_index_list;

typedef struct ks_index_report {
    ks_index_list added;     /* new good pages written */
    ks_index_list changed;   /* good pages whose hash changed, rewritten */
    ks_index_list removed;   /* pages no longer in the folder, deleted */
    ks_index_list unchanged; /* good pages with the same hash, untouched */
    ks_index_list skipped;   /* pages with errors and no earlier good version: not indexed */
    ks_index_list kept;      /* pages with errors whose last good version stays indexed */
    int synonyms_changed;    /* 1 when synonyms.txt changed and was rewritten */
    int wrote;               /* 1 when anything was written (the generation moved) */
    int64_t generation;      /* the index generation after the sync */
    double ms;               /* wall time of the sync */
} ks_index_report;

/* Progress while syncing: called after each page examined, with done and
 * total page counts. Runs on the syncing thread inside the transaction;
 * it must not use the index. */
typedef void (*ks_index_progress_fn)(void *ctx, size_t done, size_t total);
void ks_index_set_progress(ks_index *ix, ks_index_progress_fn fn, void *ctx);
/* Whether ks_index_sync names the unchanged pages in its report (list 1,
 * the default) or only counts them (list 0: report.unchanged.n is the
 * count, .slugs NULL). kiosk index prints only the count: copying,
 * sorting and freeing 10,000 slugs was a twentieth of a one-page run. */
void ks_index_set_report_unchanged(ks_index *ix, int list);
/* Let a sync take the pages reused from a records file (no errors,
 * ks_page_has_body() 0) as the index holds them, the same hash and not
 * broken, without reading their rows, when the index is still at
 * generation (as its transaction finds it; a negative generation: never,
 * the default, every row is read). For a caller whose records were saved
 * for that generation (kiosk index: the records' key). The other pages
 * are then looked up one by one, and when the index holds a row that
 * neither accounts for (a page removed, or one under an unknown folder)
 * the sync reads every row as usual: the report and the index are the
 * same either way (test_index: test_trust_reused). A one-page run at
 * 10,000 pages read 10,000 rows to compare hashes: 20 M of its 23 M
 * instructions. */
void ks_index_set_trust_reused(ks_index *ix, int64_t generation);

/* Bring the index in line with the store snapshot, in one transaction (see
 * above). out may be NULL; otherwise it is filled (free it with
 * ks_index_report_free, also after a failure). Returns 0, or a negative
 * code after rolling back: the index then still holds what it held before.
 * The store is only read. */
int ks_index_sync(ks_index *ix, const ks_store *store, ks_index_report *out);
/* The same for callers that have pages without a store (tests, the
 * benchmark): pages[0..n) with their slugs unique, the synonyms, and the
 * hash of the synonyms' source (0 when there is none). Only read. */
int ks_index_sync_pages(ks_index *ix, const ks_page *const *pages, size_t n,
                        const ks_synonym *synonyms, size_t n_synonyms, uint64_t synonyms_hash,
                        ks_index_report *out);
/* The same, with what the caller could not read this time: unknown[0..n)
 * holds slugs, slug prefixes ending in '/' (a folder) or "synonyms.txt"
 * (see ks_store_unknown). Indexed pages under them that are not among
 * pages are kept as they are (listed as kept), never removed; the synonyms
 * are left alone when "synonyms.txt" is listed. ks_index_sync passes the
 * store's list. */
int ks_index_sync_pages_ex(ks_index *ix, const ks_page *const *pages, size_t n, const ks_synonym *synonyms,
                           size_t n_synonyms, uint64_t synonyms_hash, const char *const *unknown,
                           size_t n_unknown, ks_index_report *out);
/* Free the lists inside a report (not the report itself); NULL is fine. */
void ks_index_report_free(ks_index_report *report);

/* The generation counter: 0 for an empty new index, +1 for every sync that
 * wrote something. A cheap way to tell that the content changed. */
int64_t ks_index_generation(ks_index *ix);
/* How many pages are indexed. */
size_t ks_index_page_count(ks_index *ix);

/* A note kept in the index beside its pages, for the programs that sync it
 * (the last content stamp and summary of `kiosk index`). Keys are free
 * text, kept apart from the index's own counters. ks_index_note_get returns a new string the caller frees, or NULL when
 * there is no such note. ks_index_note_set writes one row in its own
 * transaction and returns 0 or a negative code. A schema rebuild forgets
 * every note, and so does every sync that writes something (from whatever
 * folder): notes describe the content last synced. */
char *ks_index_note_get(ks_index *ix, const char *key);
int ks_index_note_set(ks_index *ix, const char *key, const char *value);

/* Words as the index counts them for its vocabulary, and as search splits
 * what people type: runs of letters and digits (apostrophes, hyphens and
 * all punctuation split words, as FTS5's unicode61 tokenizer does), ASCII
 * lowercased, common Latin accents removed ("Café" gives "cafe").
 * Finds the next word in s[*pos..len): writes its folded form to out
 * (NUL-terminated; at most cap-1 bytes, a longer word is cut at a UTF-8
 * boundary), sets *start and *end to its bytes in s (either may be NULL),
 * advances *pos past it and returns the folded length; returns 0 when no
 * word is left. Any bytes are safe (invalid UTF-8 splits words). */
size_t ks_index_next_word(const char *s, size_t len, size_t *pos, char *out, size_t cap,
                          size_t *start, size_t *end);
/* The bytes below 0x80 that ks_index_next_word takes into a word (ASCII
 * letters and digits): 1, else 0. For a caller that skips plain ASCII
 * words itself and hands it only the rest. */
extern const unsigned char ks_index_ascii_word[128];

/* One indexed page as last synced: its last good version, even when the
 * file on disk is now broken or gone. All strings are owned by the record,
 * never NULL. */
typedef struct ks_index_page {
    char *slug;
    char *topic;
    char *section;
    char *title;
    char *summary;
    char *reviewed;
    int order;
    int is_topic_index;
    char **keywords;
    size_t n_keywords;
    char *markdown;    /* the body after the front matter */
    int body_line;     /* the file line where markdown starts */
    uint64_t hash;     /* ks_hash64 of the file this version came from */
    int stale;         /* 1 when the file now on disk has errors and this is the kept version */
} ks_index_page;

/* The page with this slug (exact, lowercase). Returns KS_OK with *out a new
 * record the caller frees with ks_index_page_free(); KS_ERR_NOT_FOUND when
 * the page is not indexed; or, when the database could not be read, a
 * negative KS_INDEX_ERR_* (KS_INDEX_ERR_BUSY is retryable, see base.h;
 * message in ks_index_errmsg). *out is NULL unless KS_OK. */
int ks_index_get_page(ks_index *ix, const char *slug, ks_index_page **out);
void ks_index_page_free(ks_index_page *page);
/* Shortcut: the page's last good Markdown body as a new string the caller
 * frees, in *out. Returns as ks_index_get_page. */
int ks_index_page_markdown(ks_index *ix, const char *slug, char **out);

/* ------------------------------------------------------------ reading
 *
 * A read-only handle for search: everything search reads, without SQL or
 * table names outside this module. It holds its own connection (WAL
 * reader: never blocked by a sync, never blocking one) and its prepared
 * statements. One handle per thread.
 *
 * Consistency: calls between ks_index_reader_begin() and _end() see one
 * version of the index (a read transaction); outside them each call sees
 * the latest. Texts handed out (body, markdown, and the strings passed to
 * the callbacks) stay valid until the next call on the handle, or the
 * callback's return. A callback returns 0 to go on, nonzero to stop.
 * Failures are negative KS_INDEX_ERR_* codes as for ks_index_open, with
 * KS_ERR_BUSY (retryable) for a database busy or locked. */
typedef struct ks_index_reader ks_index_reader;

/* Open db_path for reading. NULL on failure with *err (if not NULL):
 * KS_ERR_NOT_FOUND (no such regular file: run `kiosk index`),
 * KS_INDEX_ERR_SCHEMA (not an index of ours, or another schema version),
 * KS_INDEX_ERR_DB. On a full or failing disk, where a live WAL reader
 * cannot be made, the file is read as it is on disk (immutable) and no
 * later sync is seen: see ks_index_reader_frozen(). Close with
 * ks_index_reader_close() (NULL is fine). */
ks_index_reader *ks_index_reader_open(const char *db_path, int *err);
void ks_index_reader_close(ks_index_reader *r);
/* 1 when r was opened immutable (see above), else 0; NULL gives 0. */
int ks_index_reader_frozen(const ks_index_reader *r);
/* 1 when some connection committed since the last call (and on the first
 * call), 0 when not, or a negative code. Reads shared memory only: cheap
 * enough for every keystroke. KS_INDEX_ERR_MOVED, reading nothing, once
 * the path no longer names the file r opened (removed, or replaced by a
 * new index): SQLite names the -wal and -shm files by the path, so a
 * connection still reading a removed file can take the new file's -wal
 * and -shm for its own and unlink them under the writer (see README,
 * "Errors, retries and invariants"). Close such a reader. */
int ks_index_reader_changed(ks_index_reader *r);
/* A number that moves whenever another connection commits (PRAGMA
 * data_version): inside begin/end, that of the transaction's snapshot, so
 * what was read under one value may be kept and used again under the same
 * value. *v set, 0, or a negative code. */
int ks_index_reader_version(ks_index_reader *r, int64_t *v);
/* Start and end a read transaction (nesting counts; end always succeeds). */
int ks_index_reader_begin(ks_index_reader *r);
void ks_index_reader_end(ks_index_reader *r);
/* The generation counter (see ks_index_generation). 0 or a negative code. */
int ks_index_reader_generation(ks_index_reader *r, int64_t *gen);

/* The unstemmed vocabulary, in byte order of word. */
typedef struct ks_index_word {
    const char *word;
    size_t len;
    uint32_t df;  /* pages holding it */
    uint32_t hdf; /* pages holding it in the title or keywords */
} ks_index_word;
typedef int (*ks_index_word_fn)(void *ctx, const ks_index_word *w);
int ks_index_reader_vocab(ks_index_reader *r, ks_index_word_fn fn, void *ctx);

/* The synonyms as synced, in file order: a lay phrase and its target
 * phrase; a target "@section" is a section intent (intents.txt). */
typedef int (*ks_index_synonym_fn)(void *ctx, const char *phrase, const char *target);
int ks_index_reader_synonyms(ks_index_reader *r, ks_index_synonym_fn fn, void *ctx);

/* The indexed pages by id (ids are positive and stable while a page is
 * indexed; they are what the match functions return). Strings are never
 * NULL; keywords are one per line. */
typedef struct ks_index_row {
    int64_t id;
    const char *slug, *title, *topic, *section, *summary, *keywords;
    int order;
    int is_topic_index;
} ks_index_row;
typedef int (*ks_index_row_fn)(void *ctx, const ks_index_row *page);
int ks_index_reader_pages(ks_index_reader *r, ks_index_row_fn fn, void *ctx);

/* The page's Markdown body (last good version), or its plain text as the
 * full-text index holds it: 1 found (*text, *len set), 0 no such page
 * (*text = ""), or a negative code. */
int ks_index_reader_markdown(ks_index_reader *r, int64_t id, const char **text, size_t *len);
int ks_index_reader_body(ks_index_reader *r, int64_t id, const char **text, size_t *len);

/* Full-text matches of expr, an FTS5 query expression over the page text
 * (callers quote every word they did not write themselves), at most limit,
 * each passed to fn with its page id and score. flags:
 *   KS_INDEX_MATCH_SCORED: the score is bm25 with the field weights title
 *     10, keywords 6, headings and summary 3, body 1, negated so that
 *     higher is better; otherwise 0. Scoring reads the whole list of pages
 *     of every word in expr once per call (for the word's weight): cheap
 *     for rare words, milliseconds for common ones on 15,000 pages;
 *   KS_INDEX_MATCH_RANKED: scored, best first (every match is scored, a
 *     few microseconds a page); otherwise in id order, stopping at limit;
 *   KS_INDEX_MATCH_HEADS: match in the title and keywords only.
 * Returns 0, or a negative code (also for a malformed expr). */
enum { KS_INDEX_MATCH_RANKED = 1, KS_INDEX_MATCH_HEADS = 2, KS_INDEX_MATCH_SCORED = 4 };
typedef int (*ks_index_match_fn)(void *ctx, int64_t id, double score);
int ks_index_reader_match(ks_index_reader *r, const char *expr, unsigned flags, size_t limit, ks_index_match_fn fn,
                          void *ctx);
/* The token FTS5 looks up for word (folded, as the index splits text): its
 * Porter stem ("used" -> "us", "typing" -> "type", "documented" ->
 * "docum"), into out (cap bytes, NUL-terminated). A prefix query "word"*
 * merges the page list of every indexed token starting with it, so this
 * is what a prefix really costs. Returns its length, or 0 when there is
 * none or it does not fit. No SQL: microseconds. */
size_t ks_index_reader_stem(ks_index_reader *r, const char *word, size_t len, char *out, size_t cap);
/* The tokens the index's tokenizer (FTS5's porter) makes of text, as it
 * does for page text (query 0) or for a quoted query word (query 1): fn
 * is called with each. Returns how many, or -1 without a tokenizer. No
 * SQL. */
typedef void (*ks_index_token_fn)(void *ctx, const char *token, size_t len);
int ks_index_reader_tokens(ks_index_reader *r, const char *text, size_t len, int query, ks_index_token_fn fn,
                           void *ctx);
/* What FTS5's bm25 weighs a page's length with: *rows pages and *tokens
 * tokens in all (every column); 0 or a negative code. And the tokens of
 * page id (every column), or a negative code. */
int ks_index_reader_sizes(ks_index_reader *r, int64_t *rows, int64_t *tokens);
int64_t ks_index_reader_size(ks_index_reader *r, int64_t id);
/* 1 when page id matches expr, 0 when not, or a negative code. */
int ks_index_reader_has(ks_index_reader *r, const char *expr, int64_t id);

#endif
