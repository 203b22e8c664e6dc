/* store internals shared by the store's files (store.c, source.c, page.c,
 * frontmatter.c, placeholder.c, reuse.c, records.c, synonyms.c, intents.c, home.c,
 * bounds.c, pictures.c, readability.c). Not part of the public interface:
 * every name here starts with store_ (types excepted). */
#ifndef KIOSK_STORE_INT_H
#define KIOSK_STORE_INT_H

#include "kiosk/base.h"
#include "kiosk/config.h"
#include "kiosk/store.h"

#include <cmark.h>
#include <stdatomic.h>
#include <sys/stat.h>

/* A growable array of diagnostics, filled while loading. */
typedef struct diag_list {
    ks_diag *items; /* owned */
    size_t len, cap;
    int count_only;          /* 1: store_diag_add only counts (ks_store_options.count_diags) */
    size_t counted, counted_errors; /* what it counted so, errors among them */
} diag_list;

/* Add one diagnostic; path is copied. When d->count_only, only counted
 * (nothing is formatted or copied). */
void store_diag_add(diag_list *d, const char *path, int line, ks_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

typedef struct store_source store_source; /* source.c */

/* The folder listings a load saw (source.c): what ks_store_load_changed
 * takes as the truth for folders with no change reported. */
typedef struct store_listings store_listings;
void store_listings_free(store_listings *l);

/* A fast 64-bit checksum of data[0..len) (records.c), for what only this
 * program reads back (the records file, the folder stamp): not
 * ks_hash64's values. */
uint64_t store_sum64(const void *data, size_t len);
/* A bounds-checked reader over bytes in memory, for the files this store
 * writes and reads back (records.c, stamp.c): reading past the end sets
 * bad and gives zeros. */
typedef struct store_reader {
    const unsigned char *p, *end;
    int bad;
} store_reader;
void store_read(store_reader *r, void *out, size_t n);
/* Write data to a temporary file beside path and rename it over path, not
 * synced (for caches: a file lost in a power cut costs a slower run).
 * KS_OK or KS_ERR_IO (records.c). */
int store_write_replacing(const char *path, const char *data, size_t len);
/* What ks_store_save_records_from needs to append to the records file a
 * records snapshot was read from: the file as read, the bytes written
 * whole (before any segment appended), its last checksum. */
typedef struct records_file {
    uint64_t dev, ino;
    int64_t size;
    uint64_t base_len;
    uint64_t sum;
} records_file;

struct ks_store {
    char *dir;             /* as given */
    ks_page **pages;       /* owned, in the public order (see store.h) */
    ks_page **by_slug;     /* the same pages sorted by slug, for ks_store_find */
    size_t n_pages;
    ks_topic *topics;      /* owned, sorted by order then slug */
    size_t n_topics;
    size_t *topic_by_slug; /* positions in topics, in slug order (topic_rank_of) */
    ks_synonym *synonyms;  /* owned */
    size_t n_synonyms;
    ks_home_question *home; /* owned: Home's common questions (home.c) */
    size_t n_home;
    uint64_t synonyms_hash;
    diag_list diags;
    size_t n_errors;
    time_t today;
    int no_grade;
    char **unknown;        /* owned: what exists but could not be read (see ks_store_unknown) */
    size_t n_unknown;

    ks_store_options opts;  /* as given (image probe) */
    uint64_t pictures_hash; /* pictures.c */
    size_t n_pictures;
    const ks_config *config; /* the placeholders' values while loading (NULL: the fallbacks) */
    /* reuse.c: the snapshot whose records may be reused (only during the
     * load), when the load began, and what it did */
    const ks_store *prev;
    size_t prev_next;      /* the place in prev->by_slug after the page last reused (reuse.c) */
    int64_t load_ns;
    size_t n_reused, n_parsed;
    int is_records;        /* a snapshot read from a records file (records.c) */
    struct records_file *records_file; /* owned: the file it was read from, to append to (records.c) */
    int has_skeletons;     /* some pages are skeletons from a records file */
    uint64_t last_file_hash; /* ks_hash64 of the bytes store_page_load last read (0: none) */
    uint64_t page_opts_key; /* store_reuse_options_key() of the options loaded with */
    char review_memo_date[32]; /* the last 'reviewed' date checked (store.c), */
    int review_memo_old;       /* and whether it was more than a year ago */
    store_listings *listings;  /* owned: the folders this load listed (source.c), or NULL */
    char *diag_arena;      /* a patched snapshot (patch.c): every diagnostic's strings
                              live in this one block (NULL: each is its own allocation) */
    ks_page **untrusted;   /* pages whose file times are too close to their reading to
                              be trusted alone (store_note_untrusted) */
    size_t n_untrusted;
};

/* Order of diagnostics in a snapshot: path, line, message. */
int store_diag_cmp(const void *a, const void *b);
/* The per-page checks of check_pages (store.c), for one page. */
void store_check_page(ks_store *s, ks_page *page);
/* Whether the page's record can be reused on its file's identity alone
 * (read, so known, and its times not too close to that reading). */
int store_file_trusted_page(const ks_page *page);
/* Fill s->untrusted from its pages (reuse.c). */
void store_note_untrusted(ks_store *s);
/* ks_store_load_changed's quick way (patch.c): when every change is a page
 * edited in place, a new snapshot sharing prev's views of every other
 * page; NULL when the change is more than that (load then). src is
 * trusted (store_source_trust). */
ks_store *store_patch(store_source *src, const char *dir, const ks_store *prev, char *const *changed,
                      size_t n_changed, const ks_store_options *opts);

/* The front matter of one page, as read by store_frontmatter_parse(). Strings are
 * owned by the struct (NULL when absent); free with store_frontmatter_free(). */
typedef struct frontmatter {
    char *title, *section, *summary, *reviewed, *icon;
    int order;           /* 100 when absent */
    int has_order;
    int loaded;          /* 1 when the YAML itself could be read */
    int present;         /* bits: 1 title, 2 section, 4 summary written (valid or not) */
    char **keywords;
    size_t n_keywords;
} frontmatter;

/* Parse YAML front matter text (yaml, len bytes) that starts at file line
 * first_line. Problems go to diags under path; returns the number of errors
 * added. fm is always filled (with what could be read). */
int store_frontmatter_parse(const char *yaml, size_t len, int first_line, const char *path,
                      const ks_store *store, diag_list *diags, frontmatter *fm);
void store_frontmatter_free(frontmatter *fm);

/* ks_store_find for the first n bytes of slug (no copy on the heap). */
const ks_page *store_find_slug(const ks_store *s, const char *slug, size_t n);
/* The same, with the page's place in s->by_slug in *at when found. */
const ks_page *store_find_slug_at(const ks_store *s, const char *slug, size_t n, size_t *at);

/* ------------------------------------------------------------ source.c */

/* Where the files come from: a folder on disk (opened once as a
 * descriptor; everything under it opened beneath it) or files in memory. */
/* An opened entry: a file ready to read, or a folder. A plain file in a
 * folder on disk is opened only when it is read (an unchanged page is
 * reused from its stat alone, see reuse.c). */
typedef struct source_entry {
    int kind;         /* 'f' file, 'd' folder, 0 nothing to read */
    int fd;           /* disk: the file, open for reading; -1 otherwise (or not yet opened) */
    const char *data; /* memory: the file's bytes (borrowed) */
    size_t len;
    store_source *src; /* disk, not yet opened: where to open rel from */
    const char *rel;   /* borrowed: the caller keeps it until store_source_entry_close */
    struct stat st;    /* disk: what fstatat said of the name (a regular file, no link) */
    int have_st;
    const ks_page *prev_page; /* ks_store_load_changed: the previous load's page whose
                                 identity st is (store_reuse_prev_stat), or NULL */
} source_entry;

/* Open the folder dir (NULL with *err and errno when it cannot be). */
store_source *store_source_open_dir(const char *dir, int *err);
/* Trust prev (its listings and its pages' stat identities) for every file
 * and folder but the files in changed (sorted, borrowed): those folders
 * are listed and those files looked at for real; everything else costs no
 * system call (ks_store_load_changed). */
void store_source_trust(store_source *s, const ks_store *prev, char *const *changed, size_t n_changed);
/* Trust walk (the stamp's walk of this folder: ks_store_stamp_walk) for
 * the listings of the folders it listed through real folders and the
 * lstat of each name in them, instead of listing and looking again; 0
 * (not used) when walk is of another folder. */
int store_source_use_walk(store_source *s, ks_store_walk *walk);
/* stamp.c, for the source: when the walk began (ns, wall clock: before
 * any of its stats); whether st is the folder it walked; what lstat said
 * of rel (1) or 0 when the walk has nothing to trust for it; the names of
 * the folder rel typed as store_source_list keeps them ('f' regular, 'd'
 * folder, '?' anything else or not looked at), NULL when the walk did not
 * list it through real folders (the array and its names are one block:
 * one free). */
int64_t store_walk_clock(const ks_store_walk *w);
int store_walk_is_root(const ks_store_walk *w, const struct stat *st);
int store_walk_stat(ks_store_walk *w, const char *rel, struct stat *st);
char **store_walk_typed(ks_store_walk *w, const char *rel, size_t *n);
/* The listings this source made or took over (the caller owns them), or NULL. */
store_listings *store_source_take_listings(store_source *s);
/* List the folder rel afresh; 1 when what a load reads of it (names not
 * starting with '_' or '.': pages, folders, anything not a plain file, and
 * at the top synonyms.txt, intents.txt and home.txt) is as prev listed it. */
int store_source_relist_same(store_source *s, const store_listings *prev, const char *rel);
/* prev's listings with those this source made in their place (shared by
 * reference), for a patched snapshot. */
store_listings *store_source_patch_listings(store_source *s, const store_listings *prev);
/* ahead.c: read-ahead of a load's pages on a few threads (see there);
 * NULL when turned off (KIOSK_READAHEAD=0) or root_fd is -1. top (the
 * load's top names) must outlive it. Stop before the load returns. */
typedef struct store_ahead store_ahead;
store_ahead *store_ahead_start(int root_fd, const char **top, size_t n_top);
void store_ahead_passed(store_ahead *a); /* the parser read one more file */
void store_ahead_stop(store_ahead *a);   /* stop and join its threads; NULL is fine */
/* The source tells a (NULL: none) of each file it reads. */
void store_source_set_ahead(store_source *s, store_ahead *a);
/* A source serving files (borrowed: they must outlive the source). */
store_source *store_source_memory(const ks_store_file *files, size_t n);
void store_source_close(store_source *s);
/* 1 for a folder on disk. */
int store_source_is_disk(const store_source *s);
/* The content folder's descriptor (disk), or -1. */
int store_source_fd(const store_source *s);
/* The names in the folder rel ("" for the top), sorted, without "." and
 * "..". NULL (errno set) if it cannot be opened. The caller frees the
 * array; the names are borrowed, valid until the source is closed (or, on
 * disk, until the store that took its listings is freed). */
const char **store_source_list(store_source *s, const char *rel, size_t *count);
/* Open what rel names, following a symbolic link only while it stays
 * inside (a link that loops, leads nowhere or leads out is a diagnostic
 * under rel). Returns out->kind; close with store_source_entry_close(). */
int store_source_entry_open(ks_store *store, store_source *s, const char *rel, source_entry *out);
void store_source_entry_close(source_entry *e);
/* Read an opened file whole (at most max bytes): KS_OK, KS_ERR_TOO_BIG or
 * KS_ERR_IO (errno set). The caller frees *data. */
int store_source_entry_read(source_entry *e, size_t max, char **data, size_t *len);
/* The identity of a file on disk (dev, inode, size, times) without reading
 * it: 0, or -1 for a memory entry or when it cannot be had. */
int store_source_entry_stat(source_entry *e, struct stat *st);
/* What prev knew of the page file rel (a stat with its identity, the file
 * type regular): prev's page, or NULL when prev has no record of it to trust. */
const ks_page *store_reuse_prev_stat(const ks_store *prev, const char *rel, struct stat *st);

/* ------------------------------------------------------------ page.c */

/* Read the opened file e (rel_path under the content folder) and parse it
 * into a new page with store_page_parse; read errors are diagnostics (and a
 * flagged record, so the index keeps its last good version). */
ks_page *store_page_load(ks_store *store, source_entry *e, const char *rel_path, const char *topic);
/* Parse the text of one page file (data, len bytes) into a new page;
 * diagnostics go to the store. Borrows data. */
ks_page *store_page_parse(ks_store *store, const char *data, size_t len, const char *rel_path, const char *topic);
void store_page_free(ks_page *page);
/* What store_page_load and store_page_parse allocate: the record's page and
 * the cmark tree of its body (CMARK_OPT_SAFE, positions shifted to file
 * lines; NULL for an unreadable file). The tree stays inside the store:
 * others get a ks_doc built from it (ks_page_doc). */
typedef struct page_parsed {
    ks_page page;      /* first, so a ks_page * from store_page_load is one */
    cmark_node *tree;  /* owned; freed by store_page_free */
} page_parsed;
/* The tree of a page store_page_load or store_page_parse returned (never a
 * view, never a skeleton of records.c). */
static inline cmark_node *store_page_tree(const ks_page *base) { return ((const page_parsed *)base)->tree; }
/* Whether the body has a callout (a block quote) whose first block starts
 * with title, ignoring case and leading punctuation ("**When to get help**"). */
int store_page_has_callout(const ks_page *page, const char *title);
/* Second pass, once every page is known: resolve links, check anchors. */
void store_page_check_links(ks_store *store, ks_page *page);

/* Report every {{name}} in s[0..len) that the configuration does not know,
 * as an error at its line; returns how many. */
int store_placeholders_check(ks_store *store, const char *path, const char *s, size_t len);
/* s[0..len) with the known placeholders from offset from on replaced by
 * their values (Markdown punctuation escaped when markdown is 1; control
 * characters become spaces, so lines stay where they are), as a new
 * string; NULL when there was nothing to fill in. Each value used is
 * appended to used ("name=value\n") when it is not NULL; *out_len (if
 * not NULL) is the new length. */
char *store_placeholders_fill(const ks_store *store, const char *s, size_t len, size_t from, int markdown,
                        ks_buf *used, size_t *out_len);
/* The same for one front matter string, replaced in place. */
void store_placeholders_fill_field(const ks_store *store, char **field, ks_buf *used);

/* ------------------------------------------------------------ reuse.c
 *
 * The pages of a snapshot are views (struct page_view, reuse.c) of shared,
 * reference-counted file records: what store_page_load made of one file, with
 * the diagnostics it gave. A view owns only its links array (the checks
 * fill in each link's slug and fragment), its errors and warnings; the
 * strings and the cmark tree belong to the record, which nobody writes
 * after store_page_load, and are freed with the last view. Code that changes a
 * page after loading (the cross-page checks) may change only those fields. */

/* The check's warnings that carry a value of the page (store.c, reuse.c). */
#define STORE_GRADE_MSG "reading grade %.1f is above 8: use shorter sentences and everyday words"
#define STORE_REVIEWED_MSG "reviewed %s, more than 12 months ago: please check the page and update the date"

/* What stat says of a file, to tell it unchanged without reading it. */
typedef struct file_id {
    uint64_t dev, ino;
    int64_t size, mtime, ctime; /* times in ns */
} file_id;
void store_file_id_of(const struct stat *st, file_id *id);

/* One file's record, shared by every snapshot that shows the file as it was
 * when parsed. Either parsed (base from store_page_load, owning its strings and
 * cmark tree) or a skeleton read back from a records file (records.c): then
 * base and everything it points to live in the one block `arena`, base->doc
 * is NULL, markdown and text are "", and syn_words says which words of
 * synonyms.txt's page words the page holds (the check of unused synonyms
 * cannot read the text). */
typedef struct page_file {
    atomic_int refs;
    ks_page *base;       /* what store_page_load gave (file-level errors and warnings) */
    uint64_t file_hash;  /* ks_hash64 of the file's bytes (base->hash also covers
                            the placeholder values used); 0: the file was not read */
    ks_link *images;     /* the pictures the page shows (url and line; slug and
                            fragment unused), worked out once from the tree */
    size_t n_images;
    int help_callout;    /* store_page_has_callout(base, "When to get help") for a
                            recovery or risks page (0 for others), worked out once
                            with the tree (a skeleton has none to look at) */
    char *grade_msg;     /* the reading grade warning's text, made once with the record
                            (NULL: a skeleton, or grade <= 8): thousands a load */
    char *reviewed_msg;  /* the same for "reviewed DATE, more than 12 months ago" */
    ks_diag *diags;      /* the diagnostics store_page_load gave for this file */
    size_t n_diags;
    void *arena;         /* skeletons: where base, its strings and diags are, in the one
                            block this page_file heads (with syn_words): freed with it */
    uint64_t *syn_words; /* skeletons: sorted word hashes (see store_synonyms_page_words) */
    size_t n_syn_words;
} page_file;

/* A snapshot's page: the public record first, so a ks_page * is a view. */
typedef struct page_view {
    ks_page page;     /* strings borrowed from file->base; links owned, in the view's
                         own block (right after it) */
    atomic_int refs;  /* the snapshots holding it: a view is never changed once its
                         load is over, so a patched snapshot (patch.c) shares the
                         views of the pages a change cannot touch */
    page_file *file;  /* one reference */
    file_id id;       /* what stat said of the file when it was read or verified */
    int64_t verified; /* when (wall clock, ns) the content was known to match id */
    int taken;        /* a view of a records snapshot that a load took over (reuse.c):
                         checked by that load, so never taken again */
} page_view;

/* A new view of f (taking over one reference): the record as store_page_load
 * left it, for a snapshot to check. */
ks_page *store_view_new(page_file *f, const file_id *id, int64_t verified);
/* Whether id's times are old enough, compared with the moment (ns) the
 * content was known to match, that a later write must change them. */
int store_file_id_trusted(const file_id *id, int64_t verified);
/* The wall clock in ns (file times use it). */
int64_t store_reuse_clock_ns(void);

/* The page for the opened file e (rel_path under the content folder): the
 * record of store->prev when the file is unchanged (told by fstat, or by
 * its bytes' hash), else store_page_load() / store_page_parse(). NULL when the file
 * vanished. */
ks_page *store_page_get(ks_store *store, source_entry *e, const char *rel_path, const char *topic);
/* A fingerprint of everything in opts that store_page_load() reads: the values
 * of the page placeholders (the review date and grade checks run after
 * loading). Whoever makes store_page_load depend on another option must mix it
 * in here, or a reused record would keep the old value. */
uint64_t store_reuse_options_key(const ks_store_options *opts);
/* prev, or NULL when its records cannot be reused for a load of the folder
 * dir into s: loaded with options store_page_load reads differently
 * (s->page_opts_key), or skeletons saved with another synonyms.txt. */
const ks_store *store_reuse_usable_prev(const ks_store *s, const char *dir, const ks_store *prev);
/* Release a view: freed (and its record with the last view) with the last
 * reference. NULL is fine. */
void store_page_release(ks_page *page);
/* One more reference to a view whose load is over. */
void store_page_retain(ks_page *page);
/* Whether two views show the same file record. */
int store_same_record(const ks_page *a, const ks_page *b);
/* Whether the page has a "When to get help" callout, from its record: the
 * checks after loading must not read a page's text or tree, which a
 * skeleton lacks; what they need of them is worked out with the record. */
int store_page_has_help_callout(const ks_page *page);
/* The record's reading grade / old review date warning text, or NULL
 * (format it then). */
const char *store_page_grade_msg(const ks_page *page);
const char *store_page_reviewed_msg(const ks_page *page);
/* The pictures the page shows (url and line), from its record: for the
 * picture check, which must not read the tree (a skeleton has none). */
const ks_link *store_page_images(const ks_page *page, size_t *n);

/* Parse synonyms.txt text into the store's synonyms (diagnostics as errors
 * for malformed lines). */
void store_synonyms_parse(ks_store *store, const char *text, size_t len);
/* The lines of a small text file such as synonyms.txt, intents.txt or
 * home.txt, blank lines and '#' comments skipped. */
typedef struct store_lines {
    const char *text;
    size_t len, off;
    int line; /* the number (from 1) of the line store_lines_next returned */
} store_lines;
/* The next line with something on it: 1 with *s at its start and *n its
 * length (without the newline), or 0 at the end. */
int store_lines_next(store_lines *it, const char **s, size_t *n);
/* Each comma-separated phrase of [p, end), normalised, as a synonym of to
 * (copied) from line; *cap is the capacity of store->synonyms. Returns how
 * many were added (empty phrases are skipped). */
size_t store_synonyms_add_list(ks_store *store, size_t *cap, const char *p, const char *end, const char *to,
                               int line);
/* Lowercase s[0..n) with runs of white space folded to one space and the
 * ends trimmed, as a new string the caller frees (synonyms.txt and
 * intents.txt phrases alike). */
char *store_synonyms_normalise(const char *s, size_t n);
/* Parse intents.txt ("time off, drive = recovery") into more synonyms whose
 * target is "@section"; warns about a section no page has. */
void store_intents_parse(ks_store *store, const char *text, size_t len);
/* home.c: content/home.txt into store->home, checked against the pages
 * (call once every page is known). */
void store_home_parse(ks_store *store, const char *text, size_t len);
void store_home_free(ks_store *store);
/* Warn about synonym lines whose page words appear on no page. */
void store_synonyms_check_used(ks_store *store);
/* The words of the store's synonym page words ("to" sides) that page holds
 * (text, title, keywords), as sorted unique hashes: what
 * store_synonyms_check_used needs of a page that a records file keeps without
 * its text. *out is NULL when there are none; the caller frees it. */
size_t store_synonyms_page_words(const ks_store *store, const ks_page *page, uint64_t **out);

/* Whether a page body (the text after the front matter) is too costly to
 * parse (see bounds.c): then 1, *line the 0-based line of body where it
 * became so, and why in why[0..cap). */
int store_page_body_over_bounds(const char *body, size_t len, int *line, char *why, size_t cap);

/* ------------------------------------------------------------ pictures.c */

/* Check every picture the pages show (found beneath the source's folder,
 * a readable picture of a known kind, within the limits) and note what
 * each one is, for ks_store_pictures_hash. Nothing for a memory source. */
void store_pictures_check(ks_store *store, store_source *src);

/* Note rel (a path under content/) as unknown this time (see
 * ks_store_unknown): its slug, or the folder's slug prefix when folder is
 * set. The caller has added the error diagnostic. */
void store_unknown_add(ks_store *s, const char *rel, int folder);
/* Whether rel names what should be a regular file (a page, synonyms.txt). */
int store_meant_as_content(const char *rel);

#endif
