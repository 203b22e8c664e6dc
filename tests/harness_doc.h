/* The Markdown fixtures of tests/fixtures/render/, parsed as the kiosk
 * parses a page: shared by the doc and layout tests. Include after
 * "harness.h", "kiosk/base.h" and "kiosk/doc.h". */
#ifndef KIOSK_TEST_HARNESS_DOC_H
#define KIOSK_TEST_HARNESS_DOC_H

#define FIX KIOSK_FIXTURES "/render/"

/* parse_file(name, slug): fixture NAME parsed as the page SLUG (an empty
 * document, after a failed check, when it cannot be read). The caller
 * frees it with ks_doc_free. */
static inline ks_doc *parse_file(const char *name, const char *slug) {
    char *path = ks_sprintf("%s%s", FIX, name);
    char *md = harness_read_file(path);
    OK(md != NULL);
    ks_doc *doc = ks_doc_parse(md ? md : "", md ? strlen(md) : 0, slug);
    free(md);
    free(path);
    return doc;
}

#endif
