/* store internals shared by scan.c, page.c, frontmatter.c, synonyms.c and
 * readability.c. Not part of the public interface. */
#ifndef KIOSK_STORE_INT_H
#define KIOSK_STORE_INT_H

#include "kiosk/base.h"
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

/* Read and parse the file at abs_path (rel_path under the content folder)
 * into a new page; diagnostics go to the store. Returns NULL (after a
 * diagnostic) when the file vanished before it could be read. */
ks_page *page_load(ks_store *store, const char *abs_path, const char *rel_path,
                   const char *topic);
void page_free(ks_page *page);
/* Second pass, once every page is known: resolve links, check anchors. */
void page_check_links(ks_store *store, ks_page *page);

/* Parse synonyms.txt text into the store's synonyms (diagnostics as errors
 * for malformed lines). */
void synonyms_parse(ks_store *store, const char *text, size_t len);
/* Warn about synonym lines whose page words appear on no page. */
void synonyms_check_used(ks_store *store);

/* Whether a page body (the text after the front matter) is too costly to
 * parse (see bounds.c): then 1, *line the 0-based line of body where it
 * became so, and why in why[0..cap). */
int page_body_over_bounds(const char *body, size_t len, int *line, char *why, size_t cap);

#endif
