/* store: the content folder, read and checked.
 *
 * ks_store_load() scans a content folder once and returns an immutable
 * snapshot: every Markdown page as a record (front matter, the parsed body,
 * headings, plain text, links, each with its line in the file), the topics
 * (folders), the lay-word synonyms, and every problem found, as diagnostics
 * in the form staff see from `kiosk check`:
 *
 *     prolotherapy/risks.md:3: error: 'title' is missing
 *
 * A page with errors is still a record (flagged), so the index can keep its
 * last good version and say so. The store never writes inside the folder and
 * never follows a symbolic link that leads out of it.
 *
 * A snapshot is read-only after loading and may be shared between threads.
 * To see new content, load a new snapshot and free the old one when nobody
 * uses it any more. ks_store_load_from() loads a new snapshot that reuses
 * the records of the files unchanged since an earlier one, so one edit in a
 * big folder parses one file.
 *
 * Ownership of shared records: what a file parses into (a page's strings,
 * keywords, headings, link URLs and parsed body) lives in a record counted
 * by reference (atomically) and is never written after it is parsed; the
 * snapshots that show the file unchanged point to the same record. Each
 * snapshot owns its own ks_page structs, with their links' slug and
 * fragment and the errors and warnings counts, because those depend on
 * the other pages. So every pointer a ks_page gives is valid until *that*
 * snapshot is freed, whichever snapshot was loaded first, and snapshots
 * may be freed in any order, on any thread.
 *
 * Placeholders such as {{clinic.phone}} are filled in from the configuration
 * while a page loads: the title, summary, keywords, document, headings and
 * plain text hold the filled-in words (Markdown punctuation in a value is
 * escaped), the markdown field keeps the page as written, and the hash
 * covers the values used, so the index rewrites a page whose filled-in
 * text changed. A placeholder the configuration does not know is an error
 * with its line.
 *
 * A page's body is handed out as the document model (ks_page_doc, doc.h),
 * never as cmark's tree: cmark stays inside the store and doc.
 *
 * Depends on base, config, doc, cmark and libyaml. No SDL, no SQLite.
 */
#ifndef KIOSK_STORE_H
#define KIOSK_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct ks_config;
struct ks_doc;

/* Pages larger than this are not read (an error). */
#define KS_STORE_MAX_FILE (1024 * 1024)

/* The six standard sections of a topic, in the order the UI shows them. */
#define KS_SECTION_COUNT 6
extern const char *const ks_standard_sections[KS_SECTION_COUNT];
/* The position of section in ks_standard_sections, or -1. */
int ks_section_rank(const char *section);

/* Line icons: each is assets/icons/NAME.svg (drawn by render's
 * ks_render_icon). ks_icon_names lists every icon the kiosk ships,
 * NULL-terminated; a topic's index.md may name one (`icon: bone`). */
extern const char *const ks_icon_names[];
/* 1 when name is one of ks_icon_names. */
int ks_icon_known(const char *name);
/* The icon of a standard section ("info", "clipboard", "needle",
 * "bandage", "warning", "person-check"), or NULL for any other section. */
const char *ks_section_icon(const char *section);
/* The icon of a topic whose index.md names none. */
#define KS_TOPIC_ICON_DEFAULT "book"

typedef enum { KS_DIAG_ERROR = 0, KS_DIAG_WARNING = 1 } ks_severity;

/* One problem, as `path:line: error: message`. */
typedef struct ks_diag {
    char *path;           /* relative to the content folder, e.g. "ozone-therapy/risks.md" */
    int line;             /* 1-based line in that file (1 for whole-file problems) */
    ks_severity severity; /* error: the page is not shown as changed; warning: it is */
    char *message;        /* plain words for staff, no trailing newline */
} ks_diag;

typedef struct ks_heading {
    int level;  /* 1..6 as written */
    char *text; /* plain text of the heading */
    char *anchor; /* lowercased, spaces to '-', for links like page.md#anchor */
    int line;   /* line in the file */
} ks_heading;

typedef struct ks_link {
    char *url;      /* as written in the Markdown */
    char *slug;     /* the page it opens, or NULL when it leaves the kiosk */
    char *fragment; /* the part after '#', or NULL */
    int line;       /* line in the file */
} ks_link;

/* A page: one .md file. All strings are owned by the store, never NULL
 * (empty when absent), and valid until ks_store_free(). */
typedef struct ks_page {
    const char *slug;     /* path under content/ without ".md", lowercased: "prolotherapy/risks" */
    const char *path;     /* path under content/ as on disk: "prolotherapy/risks.md" */
    const char *topic;    /* the folder, "" for general pages at the top */
    const char *section;  /* front matter 'section' ("overview" for a topic's index.md) */
    const char *title;    /* front matter 'title' */
    const char *summary;  /* front matter 'summary' */
    const char *reviewed; /* front matter 'reviewed', "YYYY-MM-DD" or "" */
    const char *icon;     /* front matter 'icon' (a topic's index.md: one of ks_icon_names), or "" */
    int order;            /* front matter 'order' (default 100) */
    int is_topic_index;   /* 1 for <topic>/index.md */
    char **keywords;      /* front matter 'keywords' */
    size_t n_keywords;
    const char *markdown; /* the body after the front matter, as written (placeholders not filled in) */
    int body_line;        /* the line of the file where markdown starts */
    const char *text;     /* plain text of the body, one block per line: for search and snippets */
    ks_heading *headings;
    size_t n_headings;
    ks_link *links;
    size_t n_links;
    uint64_t hash;        /* ks_hash64 of the whole file (and of the placeholder values it uses) */
    int errors;           /* number of error diagnostics for this page (0: good) */
    int warnings;         /* number of warning diagnostics for this page */
    double grade;         /* Flesch-Kincaid reading grade of the body */
} ks_page;

/* The page's body as a document (doc.h), built from the tree the store
 * parsed (CMARK_OPT_SAFE; block lines are lines of the file), with links
 * and pictures resolved against the page's slug. A new document each call,
 * which the caller frees with ks_doc_destroy(); it does not point into the
 * snapshot, so it may outlive it. Never NULL: a page reused from
 * ks_store_load_records() (see ks_page_has_body) gives an empty one. */
struct ks_doc *ks_page_doc(const ks_page *page);
/* 1 when the snapshot holds the page's body (markdown, text and document),
 * 0 for a page reused from ks_store_load_records(). */
int ks_page_has_body(const ks_page *page);

/* A topic: a folder of pages with an index.md. */
typedef struct ks_topic {
    const char *slug;    /* the folder name: "prolotherapy" */
    const char *title;   /* from index.md (the folder name if index.md is broken) */
    const char *summary; /* from index.md */
    int order;           /* from index.md, then by slug */
    const ks_page *index; /* the index.md page, or NULL when missing */
    const char *icon;    /* index.md's 'icon', else KS_TOPIC_ICON_DEFAULT: never NULL */
} ks_topic;

/* One line of synonyms.txt: "shot, jab = injection" gives two entries. */
typedef struct ks_synonym {
    char *from; /* the lay phrase, lowercased, single spaces */
    char *to;   /* the words the pages use, lowercased, single spaces */
    int line;   /* line in synonyms.txt */
} ks_synonym;

typedef struct ks_store ks_store;

/* Pictures larger than these are refused by the check (a kiosk never shows
 * more than a screen's worth, and decoding a bigger one costs a frame). */
#define KS_STORE_MAX_PICTURE_BYTES (10 * 1024 * 1024)
#define KS_STORE_MAX_PICTURE_SIDE 4096
/* The longest slug the store accepts (a longer one is an error): two file
 * names of NAME_MAX bytes and the '/' between. ui keeps slugs this long. */
#define KS_STORE_MAX_SLUG 511

/* What a picture probe found: its size, or why it cannot be read. */
typedef struct ks_image_probe_result {
    int w, h;
    char why[160]; /* a short reason when the probe fails, else "" */
} ks_image_probe_result;
/* Decode a picture for real, to tell "looks like a PNG" from "is one": the
 * store itself only reads headers (it never links SDL). Returns 0 and the
 * size in *out, or a negative value with a short reason in out->why. */
typedef int (*ks_image_probe)(void *ctx, const void *data, size_t len, ks_image_probe_result *out);

typedef struct ks_store_options {
    time_t today;   /* "now" for the 12-month review check; 0 means time(NULL) */
    int no_grade;   /* 1: skip the reading-grade warnings */
    /* 1: every check runs as with 0, but its diagnostics are only counted,
     * not kept: ks_store_diag_count() is 0, while ks_store_error_count(),
     * ks_store_diag_total() and every page's errors and warnings are
     * exactly what a load with 0 gives. For a caller that needs only those
     * (kiosk index: making, sorting and freeing 17,000 messages at 10,000
     * pages was a sixth of its work). A snapshot loaded so is not patched
     * by ks_store_load_changed (it loads in full). */
    int count_diags;
    ks_image_probe image_probe; /* NULL: pictures are checked by their headers only */
    void *image_probe_ctx;
    /* The clinic's details for the page placeholders {{clinic.name}},
     * {{clinic.phone}}, {{clinic.urgent_phone}} and {{clinic.emergency_number}}
     * (see config.h); NULL: the defaults, so every placeholder shows its
     * fallback words ("the front desk"). Read while loading only. */
    const struct ks_config *config;
} ks_store_options;

/* Load and check the content folder at dir. Returns NULL only when the folder
 * itself cannot be read (not a directory, no permission): *err is then a
 * negative KS_ERR_* and errno is kept. Every problem with a file inside is a
 * diagnostic in the snapshot, never a failure. opts may be NULL. The caller
 * frees the result with ks_store_free(). */
ks_store *ks_store_load(const char *dir, const ks_store_options *opts, int *err);
/* A load with no earlier snapshot to reuse and at least 256 pages reads
 * ahead of its parser on a few threads (KIOSK_READAHEAD=0 in the
 * environment turns that off); they are stopped before the load returns.
 * How many such threads run now (for tests: 0 outside a load). */
int ks_store_readahead_threads(void);
/* Like ks_store_load, but the records of prev (an earlier snapshot of the
 * same or another folder, or NULL for none) are reused for the files that
 * have not changed since: same path, and the same device, inode, size,
 * modification and change times, or failing that the same content hash
 * (the file is read, not parsed). A file written within 2 seconds before
 * prev read it is always compared by hash, as a write in the same clock
 * tick keeps its times. Every check that involves more than one file
 * (duplicate names, links, topics, review dates, synonyms) runs again, so
 * the snapshot, its pages and its diagnostics are exactly those of
 * ks_store_load. prev is only read, and may be freed as soon as this
 * returns; it must not be freed during the call. */
ks_store *ks_store_load_from(const char *dir, const ks_store *prev, const ks_store_options *opts, int *err);
/* Like ks_store_load_from, but trusting prev for everything except the
 * files named in changed (paths under dir, as inotify reported them):
 * the folders holding them are listed again and they are looked at for
 * real; every other folder is taken as prev listed it and every other page
 * as prev's record (read only when its times are too recent to trust, see
 * above), with no system call. Every check between pages runs as in a
 * full load. Only as right as changed is complete: the watcher follows it
 * with a full load (issue 12). NULL with *err KS_ERR_INVALID when prev
 * cannot be trusted so (not a full load of a folder, other options, or
 * something it could not read): load in full then. */
ks_store *ks_store_load_changed(const char *dir, const ks_store *prev, char *const *changed, size_t n_changed,
                                const ks_store_options *opts, int *err);
/* Records across processes. ks_store_save_records() writes what another
 * process needs to reuse the records of this snapshot's good pages (those
 * without errors): per file its path, stat identity and hash, and its
 * record without the Markdown, the plain text and the document; key ties
 * the file to whatever holds those pages' content (kiosk index: the index,
 * by its generation). Replaced atomically (renamed into place, not synced
 * to disk: a file lost in a power cut only costs a full load); returns KS_OK or a negative
 * KS_ERR_*. ks_store_load_records() reads it back as a snapshot to pass as
 * prev to ks_store_load_from() and for nothing else; NULL when the file is
 * missing, damaged, of another version or saved with another key. Pages
 * that a load reuses from it have no body (ks_page_has_body() is 0, markdown and text ""):
 * only for a caller that already holds the content of every good page
 * saved (kiosk index, which compares pages with the index by hash). */
int ks_store_save_records(const ks_store *store, const char *path, uint64_t key);
/* The same, but when prev is the snapshot ks_store_load_records() read
 * from path (with store's synonyms and options), and path is still that
 * file, only what changed is appended to it: the records of store's good
 * pages not reused as prev has them, and a tombstone for each page prev
 * has that store has no good page for; a later record or tombstone wins
 * over an earlier one when the file is read. Written anew instead when
 * prev cannot be appended to, or once records superseded are a quarter of
 * the file. A torn append makes the whole file unused, as a torn file
 * does. prev may be NULL (written anew). */
int ks_store_save_records_from(const ks_store *store, const ks_store *prev, const char *path, uint64_t key);
ks_store *ks_store_load_records(const char *path, uint64_t key);
/* How many files the load that made this snapshot parsed, and how many
 * records it reused from the earlier snapshot. */
size_t ks_store_parsed_count(const ks_store *store);
size_t ks_store_reused_count(const ks_store *store);
/* One file given in memory to ks_store_load_files. */
typedef struct ks_store_file {
    const char *path; /* relative to the content folder, "prolotherapy/risks.md" */
    const char *text;
    size_t len;
} ks_store_file;
/* Load and check files held in memory, as if they were a content folder
 * named name (no file is read or written; pictures are not checked).
 * files are borrowed for the call only. Never NULL. */
ks_store *ks_store_load_files(const char *name, const ks_store_file *files, size_t n,
                              const ks_store_options *opts);
/* Free a snapshot and every record in it. NULL is fine. */
void ks_store_free(ks_store *store);

/* The folder it was loaded from, as given. */
const char *ks_store_dir(const ks_store *store);

/* Why there is nothing to show, in plain words for staff and the log
 * (a static string), or NULL when store holds at least one page (good or
 * broken). store NULL: why ks_store_load() failed, from the errno it kept
 * (load_errno): "the content folder does not exist" (ENOENT), "... is not
 * a folder" (ENOTDIR), "... may not be read" (EACCES, EPERM), else
 * "... cannot be read". A store with no page: "the content folder holds no
 * pages (...)". `kiosk check` makes each an error (exit 1, except the
 * unreadable ones: 2) and `kiosk run` logs it; the ui shows patients
 * "This kiosk has no pages yet" whenever the page count is 0. */
const char *ks_store_empty_reason(const ks_store *store, int load_errno);

/* Pages, sorted: general pages first (by order, then slug), then each topic
 * in topic order, its index first, then the six standard sections in their
 * order, then other pages by order and slug. Every .md file is here, good or
 * not; check page->errors. */
size_t ks_store_page_count(const ks_store *store);
const ks_page *ks_store_page(const ks_store *store, size_t i);
/* The page with this slug, or NULL. Slugs compare case-insensitively. */
const ks_page *ks_store_find(const ks_store *store, const char *slug);

/* Topics, sorted by order then slug. */
size_t ks_store_topic_count(const ks_store *store);
const ks_topic *ks_store_topic(const ks_store *store, size_t i);
const ks_topic *ks_store_find_topic(const ks_store *store, const char *slug);

/* Home's common questions, from content/home.txt (one line each,
 * `question = page`, see README "For clinic staff"): the ones whose page
 * (and heading) exist, in the file's order, at most KS_HOME_MAX. The ui
 * shows them on Home as large rows; a tap opens slug, scrolled to anchor
 * when it is not NULL. Strings owned by the store. None without the file. */
#define KS_HOME_MIN 3
#define KS_HOME_MAX 5
typedef struct ks_home_question {
    const char *text;   /* "What is in a prolotherapy shot?" */
    const char *slug;   /* the page it opens: "prolotherapy/what-it-is" */
    const char *anchor; /* the heading's anchor ("what-is-in-the-shot"), or NULL */
    int line;           /* its line in home.txt */
} ks_home_question;

/* Pages and topics as a reader sees them, whoever holds them: a store
 * snapshot (ks_store_view_of) or the content watcher's merged snapshot,
 * which keeps last good versions (ks_watch_snapshot_view). The ui takes
 * this view. A value type of borrowed function pointers and a context; ctx
 * must stay valid while the view is used. Pages and topics are in the
 * store's order (see ks_store_page_count); every function may be called
 * with the ctx it came with, and a view with ctx NULL holds nothing. */
typedef struct ks_store_view {
    const void *ctx;
    size_t (*page_count)(const void *ctx);
    const ks_page *(*page)(const void *ctx, size_t i);
    const ks_page *(*find)(const void *ctx, const char *slug);
    size_t (*topic_count)(const void *ctx);
    const ks_topic *(*topic)(const void *ctx, size_t i);
    const ks_topic *(*find_topic)(const void *ctx, const char *slug);
    /* Home's common questions (ks_store_home_count / _question of the
     * store, or of the watcher snapshot's newest store). */
    size_t (*home_count)(const void *ctx);
    const ks_home_question *(*home_question)(const void *ctx, size_t i);
} ks_store_view;

/* The view of a store snapshot (borrowed: store must outlive it). */
ks_store_view ks_store_view_of(const ks_store *store);

/* Synonyms from synonyms.txt (none if the file is absent). */
size_t ks_store_synonym_count(const ks_store *store);
const ks_synonym *ks_store_synonym(const ks_store *store, size_t i);
/* ks_hash64 of synonyms.txt, or 0 when there is none. */
uint64_t ks_store_synonyms_hash(const ks_store *store);

/* Home's common questions (ks_home_question above), in home.txt's order. */
size_t ks_store_home_count(const ks_store *store);
const ks_home_question *ks_store_home_question(const ks_store *store, size_t i);

/* Diagnostics, sorted by path, then line, then message. */
size_t ks_store_diag_count(const ks_store *store);
const ks_diag *ks_store_diag(const ks_store *store, size_t i);
/* How many diagnostics are errors. */
size_t ks_store_error_count(const ks_store *store);
/* How many diagnostics the load found: ks_store_diag_count(), or what it
 * counted when loaded with count_diags. */
size_t ks_store_diag_total(const ks_store *store);

/* What exists but could not be read this time (no permission, an I/O error,
 * a FIFO where a page should be): unknown, not deleted, so the index keeps
 * the pages it had there as they were. Each entry is a slug ("topic/page"),
 * a slug prefix ending in '/' for a whole folder ("topic/"), or
 * "synonyms.txt". Each also has an error diagnostic. Owned by the store. */
size_t ks_store_unknown_count(const ks_store *store);
const char *ks_store_unknown(const ks_store *store, size_t i);

/* The pictures the pages show, as found at load: how many distinct ones,
 * and a fingerprint of their paths, sizes, times and inodes (a picture
 * replaced, added or removed changes it, so a watcher knows to redraw). */
size_t ks_store_picture_count(const ks_store *store);
uint64_t ks_store_pictures_hash(const ks_store *store);

/* A fingerprint of the content folder as the file system describes it:
 * the names, sizes, change and modification times (to the nanosecond) and
 * inodes of the files ks_store_load would look at, and of their folders,
 * without reading any file. Equal stamps mean a load would find the same
 * files unchanged (short of a write that keeps the size and sets both
 * times back). One stat per file: a cheap "did anything change?" before a
 * full load. Returns KS_OK, or a negative KS_ERR_* when dir cannot be read
 * (*stamp is then 0). */
int ks_store_stamp(const char *dir, uint64_t *stamp);
/* The same, faster: the names of each folder are kept in the file cache
 * (a cache path of the caller's, read and replaced here; NULL: none) and
 * a folder is listed again only when its inode or times changed since it
 * was listed (a name added, removed or renamed in it changes them), or
 * were within 2 s of the listing. Every file is still stat'ed. The same
 * stamp as ks_store_stamp; a missing or damaged cache only costs listing
 * every folder. */
int ks_store_stamp_cached(const char *dir, const char *cache, uint64_t *stamp);
/* The same, keeping what the walk saw in *walk (when KS_OK; free it with
 * ks_store_walk_free), so that a load right after it need not list the
 * folders and stat the files again: ks_store_load_walked is
 * ks_store_load_from taking the walk's listings and lstat results as its
 * own (the files whose identity differs from prev's records are read as
 * usual, and times too recent to trust are compared by hash as usual;
 * links and anything not a plain file or folder are looked at for real).
 * The snapshot is the one ks_store_load_from would have made at the
 * moment of the walk: a change after it moves the next stamp. A walk of
 * another folder (by device and inode) is not used. */
typedef struct ks_store_walk ks_store_walk;
int ks_store_stamp_walk(const char *dir, const char *cache, uint64_t *stamp, ks_store_walk **walk);
ks_store *ks_store_load_walked(const char *dir, const ks_store *prev, ks_store_walk *walk,
                               const ks_store_options *opts, int *err);
void ks_store_walk_free(ks_store_walk *walk);

/* Flesch-Kincaid grade of plain English text: headings and list items should
 * be separate lines (a line end closes a sentence). 0 for empty text. */
double ks_reading_grade(const char *text);

#endif
