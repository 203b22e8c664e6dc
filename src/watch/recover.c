/* recover: last good versions from the index, for pages already broken when
 * the kiosk starts (a staff typo, then a power cut).
 *
 * The index keeps each page's last good source (front matter fields and
 * Markdown body). To turn that back into ks_page records without a second
 * parser, each page's file is rebuilt as text in memory, mirroring the
 * content folder's layout, and the set is loaded with ks_store_load_files,
 * the store's own scanning and parsing with files served from memory:
 * every other page of the folder gets an empty stand-in there so links
 * between pages still resolve. Nothing is written to disk and nothing is
 * run.
 */
#include "watch_int.h"

#include "kiosk/base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* s as a double-quoted YAML scalar. */
static void yaml_quoted(ks_buf *b, const char *s) {
    ks_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            ks_buf_putc(b, '\\');
            ks_buf_putc(b, (char)*p);
        } else if (*p < 0x20) {
            ks_buf_printf(b, "\\x%02x", *p);
        } else {
            ks_buf_putc(b, (char)*p);
        }
    }
    ks_buf_putc(b, '"');
}

/* The page file as it could have been written: front matter, then body. */
static char *rebuild_source(const ks_index_page *ip) {
    ks_buf b = {0};
    ks_buf_puts(&b, "---\ntitle: ");
    yaml_quoted(&b, ip->title);
    if (!ip->is_topic_index) {
        ks_buf_puts(&b, "\nsection: ");
        yaml_quoted(&b, ip->section);
    }
    ks_buf_printf(&b, "\norder: %d\nsummary: ", ip->order);
    yaml_quoted(&b, ip->summary);
    if (ip->n_keywords) {
        ks_buf_puts(&b, "\nkeywords: [");
        for (size_t i = 0; i < ip->n_keywords; i++) {
            if (i) ks_buf_puts(&b, ", ");
            yaml_quoted(&b, ip->keywords[i]);
        }
        ks_buf_putc(&b, ']');
    }
    if (ip->reviewed[0]) {
        ks_buf_puts(&b, "\nreviewed: ");
        yaml_quoted(&b, ip->reviewed);
    }
    ks_buf_puts(&b, "\n---\n\n");
    ks_buf_puts(&b, ip->markdown);
    return ks_buf_detach(&b);
}

wstore *wrecover_from_index(const ks_store *st, const char *db, const ks_store_options *opts) {
    size_t n = ks_store_page_count(st), found = 0;
    ks_index *ix;
    ks_store *rec = NULL;
    int err = 0, any = 0;
    struct stat sb;

    for (size_t i = 0; i < n && !any; i++) any = ks_store_page(st, i)->errors > 0;
    if (!any || !db || stat(db, &sb) != 0) return NULL; /* nothing broken, or no index yet */
    ix = ks_index_open(db, &err);
    if (!ix) return NULL;
    ks_store_file *files = ks_calloc(n ? n : 1, sizeof *files);
    for (size_t i = 0; i < n; i++) {
        const ks_page *p = ks_store_page(st, i);
        ks_index_page *ip = NULL;
        int rc = p->errors ? ks_index_get_page(ix, p->slug, &ip) : KS_ERR_NOT_FOUND;
        /* Not retried: SQLite already waited 5 s for a busy database
         * (ks_index_open's busy timeout). The page is then shown as never
         * indexed, as before the index existed; its file is untouched. */
        if (rc != KS_OK && rc != KS_ERR_NOT_FOUND)
            ks_log("index: cannot read the last good version of %s (%s)%s", p->slug, ks_index_errmsg(ix),
                   ks_err_retryable(rc) ? ", the index was busy" : "");
        files[i].path = p->path;
        if (ip) {
            char *text = rebuild_source(ip);
            files[i].text = text;
            files[i].len = strlen(text);
            found++;
        } else {
            files[i].text = ""; /* a stand-in, so links to it resolve */
        }
        ks_index_page_free(ip);
    }
    ks_index_close(ix);
    if (found) rec = ks_store_load_files(ks_store_dir(st), files, n, opts);
    for (size_t i = 0; i < n; i++)
        if (files[i].len) free((char *)files[i].text);
    free(files);
    if (rec) ks_log("%zu broken page(s) shown from their last good version in the index", found);
    return rec ? wstore_new(rec) : NULL;
}
