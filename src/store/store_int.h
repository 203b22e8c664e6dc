/* store internals shared by scan.c, page.c, frontmatter.c, synonyms.c and
 * readability.c. Not part of the public interface. */
#ifndef KIOSK_STORE_INT_H
#define KIOSK_STORE_INT_H

#include "kiosk/base.h"
#include "kiosk/config.h"
#include "kiosk/store.h"

/* A growable array of diagnostics, filled while loading. */
typedef struct diag_list {
    ks_diag *items; /* owned */
    size_t len, cap;
} diag_list;

/* Add one diagnostic; path is copied. */
void diag_add(diag_list *d, const char *path, int line, ks_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

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
};

/* The front matter of one page, as read by frontmatter_parse(). Strings are
 * owned by the struct (NULL when absent); free with frontmatter_free(). */
typedef struct frontmatter {
    char *title, *section, *summary, *reviewed;
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
int frontmatter_parse(const char *yaml, size_t len, int first_line, const char *path,
                      const ks_store *store, diag_list *diags, frontmatter *fm);
void frontmatter_free(frontmatter *fm);

/* ------------------------------------------------------------ source.c */

/* Where the files come from: a folder on disk (opened once as a
 * descriptor; everything under it opened beneath it) or files in memory. */
typedef struct store_source store_source;

/* An opened entry: a file ready to read, or a folder. */
typedef struct source_entry {
    int kind;         /* 'f' file, 'd' folder, 0 nothing to read */
    int fd;           /* disk: the file, open for reading; -1 otherwise */
    const char *data; /* memory: the file's bytes (borrowed) */
    size_t len;
} source_entry;

/* Open the folder dir (NULL with *err and errno when it cannot be). */
store_source *source_open_dir(const char *dir, int *err);
/* A source serving files (borrowed: they must outlive the source). */
store_source *source_memory(const ks_store_file *files, size_t n);
void source_close(store_source *s);
/* 1 for a folder on disk. */
int source_is_disk(const store_source *s);
/* The content folder's descriptor (disk), or -1. */
int source_fd(const store_source *s);
/* The names in the folder rel ("" for the top), sorted, without "." and
 * "..". NULL (errno set) if it cannot be opened. The caller frees each name
 * and the array. */
char **source_list(store_source *s, const char *rel, size_t *count);
/* Open what rel names, following a symbolic link only while it stays
 * inside (a link that loops, leads nowhere or leads out is a diagnostic
 * under rel). Returns out->kind; close with source_entry_close(). */
int source_entry_open(ks_store *store, store_source *s, const char *rel, source_entry *out);
void source_entry_close(source_entry *e);
/* Read an opened file whole (at most max bytes): KS_OK, KS_ERR_TOO_BIG or
 * KS_ERR_IO (errno set). The caller frees *data. */
int source_entry_read(source_entry *e, size_t max, char **data, size_t *len);

/* ------------------------------------------------------------ page.c */

/* Read the opened file e (rel_path under the content folder) and parse it
 * into a new page with page_parse; read errors are diagnostics (and a
 * flagged record, so the index keeps its last good version). */
ks_page *page_load(ks_store *store, source_entry *e, const char *rel_path, const char *topic);
/* Parse the text of one page file (data, len bytes) into a new page;
 * diagnostics go to the store. Borrows data. */
ks_page *page_parse(ks_store *store, const char *data, size_t len, const char *rel_path, const char *topic);
void page_free(ks_page *page);
/* Whether the body has a callout (a block quote) whose first block starts
 * with title, ignoring case and leading punctuation ("**When to get help**"). */
int page_has_callout(const ks_page *page, const char *title);
/* Second pass, once every page is known: resolve links, check anchors. */
void page_check_links(ks_store *store, ks_page *page);

/* Report every {{name}} in s[0..len) that the configuration does not know,
 * as an error at its line; returns how many. */
int placeholders_check(ks_store *store, const char *path, const char *s, size_t len);
/* s[0..len) with the known placeholders from offset from on replaced by
 * their values (Markdown punctuation escaped when markdown is 1; control
 * characters become spaces, so lines stay where they are), as a new
 * string; NULL when there was nothing to fill in. Each value used is
 * appended to used ("name=value\n") when it is not NULL; *out_len (if
 * not NULL) is the new length. */
char *placeholders_fill(const ks_store *store, const char *s, size_t len, size_t from, int markdown,
                        ks_buf *used, size_t *out_len);
/* The same for one front matter string, replaced in place. */
void placeholders_fill_field(const ks_store *store, char **field, ks_buf *used);

/* Parse synonyms.txt text into the store's synonyms (diagnostics as errors
 * for malformed lines). */
void synonyms_parse(ks_store *store, const char *text, size_t len);
/* Parse intents.txt ("time off, drive = recovery") into more synonyms whose
 * target is "@section"; warns about a section no page has. */
void intents_parse(ks_store *store, const char *text, size_t len);
/* Warn about synonym lines whose page words appear on no page. */
void synonyms_check_used(ks_store *store);

/* Whether a page body (the text after the front matter) is too costly to
 * parse (see bounds.c): then 1, *line the 0-based line of body where it
 * became so, and why in why[0..cap). */
int page_body_over_bounds(const char *body, size_t len, int *line, char *why, size_t cap);

/* ------------------------------------------------------------ pictures.c */

/* Check every picture the pages show (found beneath the source's folder,
 * a readable picture of a known kind, within the limits) and note what
 * each one is, for ks_store_pictures_hash. Nothing for a memory source. */
void pictures_check(ks_store *store, store_source *src);

/* Note rel (a path under content/) as unknown this time (see
 * ks_store_unknown): its slug, or the folder's slug prefix when folder is
 * set. The caller has added the error diagnostic. */
void store_unknown_add(ks_store *s, const char *rel, int folder);
/* Whether rel names what should be a regular file (a page, synonyms.txt). */
int store_meant_as_content(const char *rel);

#endif
