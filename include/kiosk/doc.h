/* doc: a page's cmark tree turned into the small document model that layout
 * places on screen.
 *
 * The model is a tree of blocks (heading, paragraph, list, list item, quote,
 * code, rule, image), and the text-bearing blocks hold styled inline runs.
 * Everything the kiosk must never show is gone by the time a ks_doc exists:
 * raw HTML (block and inline) is dropped, links that leave the kiosk
 * (anything with a scheme: http:, mailto:, javascript: ...) become plain
 * text, image sources that leave the content folder become a placeholder,
 * and invalid UTF-8 is replaced by U+FFFD. Nesting deeper than
 * KS_DOC_MAX_DEPTH is flattened into the block at that depth, so no consumer
 * needs to recurse deeply.
 *
 * Depends on base and cmark. No SDL.
 */
#ifndef KIOSK_DOC_H
#define KIOSK_DOC_H

#include <stddef.h>

struct cmark_node;

/* Blocks nested deeper than this are flattened into their ancestor. */
#define KS_DOC_MAX_DEPTH 12

typedef enum ks_block_kind {
    KS_BLOCK_HEADING = 0, /* level 1..3 (deeper headings are level 3); runs */
    KS_BLOCK_PARAGRAPH,   /* runs */
    KS_BLOCK_LIST,        /* children are KS_BLOCK_ITEMs */
    KS_BLOCK_ITEM,        /* children are blocks; marker says how to mark it */
    KS_BLOCK_QUOTE,       /* children are blocks; shown as a callout box */
    KS_BLOCK_CODE,        /* one run holding the code text, lines end in '\n' */
    KS_BLOCK_RULE,        /* a thematic break */
    KS_BLOCK_IMAGE        /* src (may be NULL: not loadable), runs = alt text */
} ks_block_kind;

/* Inline style bits of a run. */
enum {
    KS_RUN_BOLD = 1,   /* strong */
    KS_RUN_ITALIC = 2, /* emphasis */
    KS_RUN_CODE = 4,   /* inline code (monospace) */
    KS_RUN_BREAK = 8   /* a hard line break: text is empty, the line ends here */
};

/* A piece of inline text with one style. Soft breaks are already spaces. */
typedef struct ks_doc_run {
    const char *text; /* valid UTF-8, NUL-terminated, owned by the doc */
    size_t len;       /* bytes in text */
    unsigned style;   /* KS_RUN_* bits */
    const char *link; /* internal link target ("glossary#dextrose"), or NULL */
    size_t offset;    /* where text starts in ks_doc_text() */
} ks_doc_run;

typedef struct ks_doc_block ks_doc_block;
struct ks_doc_block {
    ks_block_kind kind;
    int level;              /* heading: 1..3 */
    const char *anchor;     /* heading: its anchor ("side-effects"), else NULL */
    int ordered;            /* list: 1 numbered, 0 bullets */
    int tight;              /* list: 1 when items are not separated by blank lines */
    int depth;              /* list: how many lists enclose it (0 at the top) */
    int number;             /* item of a numbered list: its number */
    const char *src;        /* image: path relative to the content folder, or NULL */
    const ks_doc_run *runs; /* heading, paragraph, code, image alt text */
    size_t n_runs;
    const ks_doc_block *children; /* list, item, quote */
    size_t n_children;
    int line;               /* line in the Markdown (as cmark reports it), 0 if unknown */
    const char *link;       /* image inside an internal link: its target, else NULL */
};

typedef struct ks_doc ks_doc;

/* Build a document from a cmark tree (parsed with any options; the tree is
 * only read, never changed or freed). slug is the page's slug
 * ("prolotherapy/risks"): relative links and image paths resolve against its
 * folder; NULL means a page at the top. Never fails (a NULL root gives an
 * empty document). The caller frees the result with ks_doc_destroy(). */
ks_doc *ks_doc_from_cmark(const struct cmark_node *root, const char *slug);
/* Parse markdown (len bytes, need not be NUL-terminated) with
 * CMARK_OPT_SAFE and build its document, as ks_doc_from_cmark. */
ks_doc *ks_doc_parse(const char *markdown, size_t len, const char *slug);
/* Free a document and everything in it. NULL is fine. */
void ks_doc_destroy(ks_doc *doc);

/* The top-level blocks, valid until ks_doc_destroy(). */
const ks_doc_block *ks_doc_blocks(const ks_doc *doc, size_t *count);
/* The page slug the document was built for ("" when none). */
const char *ks_doc_slug(const ks_doc *doc);

/* The document's text: every run's text in document order (a block's runs,
 * then its children's), each block that has runs followed by '\n', a hard
 * break written as '\n'. A run's text is at ks_doc_run.offset. This is the
 * one coordinate system speech (sentences) and layout (text items) share,
 * so a sentence maps back to what is on screen. NUL-terminated, owned by
 * the doc; *len (may be NULL) receives its length. */
const char *ks_doc_text(const ks_doc *doc, size_t *len);

/* Links, image paths and heading anchors are resolved with ks_link_resolve,
 * ks_link_resolve_image and ks_link_anchor (base.h), the same grammar the
 * store checks links with. */

#endif
