/* doc: one walk over the cmark tree (cmark_iter, so no recursion however
 * deep the Markdown nests) building the block tree.
 *
 * The walk keeps a stack of open containers (lists, items, quotes). Each
 * frame gathers its children in a growable array; on EXIT the finished block
 * is appended to its parent's array. Paragraphs and headings gather runs the
 * same way. Beyond KS_DOC_MAX_DEPTH open containers no new frame is opened:
 * deeper blocks land in the deepest frame, so the tree stays shallow.
 */
#include "kiosk/doc.h"

#include "kiosk/base.h"

#include <assert.h>
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ string arena */

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

struct ks_doc {
    ks_doc_block *blocks; /* top level, owned */
    size_t n_blocks;
    chunk *strings;       /* every string of the doc */
    char *slug;
    char *text;           /* every run's text in document order (ks_doc_text) */
    size_t text_len;
};

static char *arena_copy(ks_doc *doc, const char *s, size_t n) {
    chunk *c = doc->strings;
    if (!c || c->cap - c->used < n + 1) {
        size_t cap = n + 1 > 16384 ? n + 1 : 16384;
        c = ks_malloc(sizeof *c + cap);
        c->next = doc->strings;
        c->used = 0;
        c->cap = cap;
        doc->strings = c;
    }
    char *p = c->data + c->used;
    memcpy(p, s, n);
    p[n] = '\0';
    c->used += n + 1;
    return p;
}

/* Append s[0..n) to b as clean UTF-8: invalid bytes become U+FFFD, control
 * characters become spaces (tabs too, unless keep_newlines, which keeps '\n'
 * and expands tabs to 4-column stops). */
static void put_clean(ks_buf *b, const char *s, size_t n, int keep_newlines) {
    size_t col = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = ks_utf8_decode(s + i, n - i, &cp);
        if (cp == '\n' && keep_newlines) {
            ks_buf_putc(b, '\n');
            col = 0;
        } else if (cp == '\t' && keep_newlines) {
            do {
                ks_buf_putc(b, ' ');
                col++;
            } while (col % 4);
        } else if (cp < 0x20 || cp == 0x7f) {
            ks_buf_putc(b, ' ');
            col++;
        } else {
            char enc[4];
            ks_buf_append(b, enc, ks_utf8_encode(cp, enc));
            col++;
        }
        i += k;
    }
}

/* ------------------------------------------------------------ growable arrays */

typedef struct blockvec {
    ks_doc_block *v;
    size_t n, cap;
} blockvec;

typedef struct runvec {
    ks_doc_run *v;
    size_t n, cap;
} runvec;

static void blockvec_push(blockvec *bv, const ks_doc_block *b) {
    if (bv->n == bv->cap) {
        bv->cap = bv->cap ? bv->cap * 2 : 4;
        bv->v = ks_realloc(bv->v, bv->cap * sizeof *bv->v);
    }
    bv->v[bv->n++] = *b;
}

static void runvec_push(runvec *rv, const ks_doc_run *r) {
    if (rv->n == rv->cap) {
        rv->cap = rv->cap ? rv->cap * 2 : 4;
        rv->v = ks_realloc(rv->v, rv->cap * sizeof *rv->v);
    }
    rv->v[rv->n++] = *r;
}

/* ------------------------------------------------------------ the builder */

typedef struct frame {
    ks_doc_block block; /* the container being built (children not yet set) */
    blockvec kids;
    int items;          /* list: items seen so far (numbering) */
} frame;

typedef struct builder {
    ks_doc *doc;
    frame *stack;
    size_t depth, cap;  /* open frames; stack[0] is the document */
    size_t skipped;     /* containers entered beyond the depth limit */
    int list_depth;     /* open lists (for bullets by depth) */
    /* inline state */
    int in_text;        /* inside a paragraph or heading */
    ks_doc_block text_block; /* the paragraph/heading being gathered */
    runvec runs;
    ks_buf cur;         /* text of the run being gathered */
    unsigned cur_style;
    const char *cur_link;
    int strong, emph;   /* open strong / emph nodes */
    const char *link;   /* target of the open link (arena), or NULL */
    int in_image;       /* open image nodes */
    ks_doc_block image; /* the image being gathered (alt text in runs) */
    runvec image_runs;
} builder;

/* Invariants of the frame stack, which hold by design: stack[0] is the
 * document and is never closed; no more than KS_DOC_MAX_DEPTH frames are
 * open above it (deeper containers are counted in skipped instead). */
static frame *top(builder *b) {
    assert(b->depth >= 1 && b->depth <= KS_DOC_MAX_DEPTH + 1 && b->depth <= b->cap);
    return &b->stack[b->depth - 1];
}

static void push_block(builder *b, const ks_doc_block *blk) {
    blockvec_push(&top(b)->kids, blk);
}

static void open_frame(builder *b, const ks_doc_block *blk) {
    if (b->depth >= KS_DOC_MAX_DEPTH + 1) {
        b->skipped++;
        return;
    }
    if (b->depth == b->cap) {
        b->cap *= 2;
        b->stack = ks_realloc(b->stack, b->cap * sizeof *b->stack);
    }
    frame *f = &b->stack[b->depth++];
    memset(f, 0, sizeof *f);
    f->block = *blk;
}

static void close_frame(builder *b) {
    if (b->skipped) {
        b->skipped--;
        return;
    }
    assert(b->depth > 1); /* an exit matches an enter: never the document's frame */
    frame f = b->stack[--b->depth];
    f.block.children = f.kids.v;
    f.block.n_children = f.kids.n;
    push_block(b, &f.block);
}

/* Flush the run being gathered into the runs of the current text target. */
static void flush_run(builder *b) {
    if (!b->cur.len) return;
    ks_doc_run r = {0};
    r.text = arena_copy(b->doc, b->cur.data, b->cur.len);
    r.len = b->cur.len;
    r.style = b->cur_style;
    r.link = b->cur_link;
    runvec_push(b->in_image ? &b->image_runs : &b->runs, &r);
    ks_buf_clear(&b->cur);
}

static unsigned style_now(const builder *b) {
    return (b->strong ? KS_RUN_BOLD : 0u) | (b->emph ? KS_RUN_ITALIC : 0u);
}

static void add_text(builder *b, const char *s, size_t n, unsigned extra) {
    if (!n) return;
    unsigned style = style_now(b) | extra;
    const char *link = b->in_image ? NULL : b->link;
    if (b->cur.len && (style != b->cur_style || link != b->cur_link)) flush_run(b);
    b->cur_style = style;
    b->cur_link = link;
    put_clean(&b->cur, s, n, 0);
}

static void add_break(builder *b) {
    flush_run(b);
    if (b->in_image) {
        add_text(b, " ", 1, 0);
        return;
    }
    ks_doc_run r = {0};
    r.text = arena_copy(b->doc, "", 0);
    r.style = KS_RUN_BREAK;
    runvec_push(&b->runs, &r);
}

/* Whether runs hold anything but spaces and breaks. */
static int runs_visible(const runvec *rv) {
    for (size_t i = 0; i < rv->n; i++)
        for (size_t k = 0; k < rv->v[i].len; k++)
            if (rv->v[i].text[k] != ' ') return 1;
    return 0;
}

/* Finish the paragraph/heading gathered so far (if it shows anything). */
static void end_text_block(builder *b) {
    flush_run(b);
    if (runs_visible(&b->runs)) {
        ks_doc_block blk = b->text_block;
        blk.runs = b->runs.v;
        blk.n_runs = b->runs.n;
        if (blk.kind == KS_BLOCK_HEADING) {
            ks_buf plain = {0};
            for (size_t i = 0; i < b->runs.n; i++) ks_buf_append(&plain, b->runs.v[i].text, b->runs.v[i].len);
            char *a = ks_link_anchor(plain.data ? plain.data : "", plain.len);
            blk.anchor = arena_copy(b->doc, a, strlen(a));
            free(a);
            ks_buf_free(&plain);
        }
        push_block(b, &blk);
    } else {
        free(b->runs.v);
    }
    memset(&b->runs, 0, sizeof b->runs);
}

static void begin_text_block(builder *b, ks_block_kind kind, int level, int line) {
    memset(&b->text_block, 0, sizeof b->text_block);
    b->text_block.kind = kind;
    b->text_block.level = level;
    b->text_block.line = line;
    b->in_text = 1;
    b->strong = b->emph = 0;
    b->link = NULL;
}

static void enter_image(builder *b, cmark_node *node) {
    if (b->in_image) { /* an image inside alt text: just its text */
        b->in_image++;
        return;
    }
    /* The text before the image becomes its own paragraph. */
    if (b->in_text) {
        ks_doc_block saved = b->text_block;
        end_text_block(b);
        b->text_block = saved;
    }
    b->in_image = 1;
    memset(&b->image, 0, sizeof b->image);
    b->image.kind = KS_BLOCK_IMAGE;
    b->image.line = cmark_node_get_start_line(node);
    b->image.link = b->link; /* a picture inside a link opens it too */
    char *src = ks_link_resolve_image(b->doc->slug, cmark_node_get_url(node));
    if (src) {
        ks_buf clean = {0};
        put_clean(&clean, src, strlen(src), 0);
        b->image.src = arena_copy(b->doc, clean.data ? clean.data : "", clean.len);
        ks_buf_free(&clean);
        free(src);
    }
    memset(&b->image_runs, 0, sizeof b->image_runs);
}

static void exit_image(builder *b) {
    if (--b->in_image) return;
    b->in_image = 1;
    flush_run(b);
    b->in_image = 0;
    b->image.runs = b->image_runs.v;
    b->image.n_runs = b->image_runs.n;
    push_block(b, &b->image);
    memset(&b->image_runs, 0, sizeof b->image_runs);
}

static void leaf_code(builder *b, cmark_node *node) {
    const char *lit = cmark_node_get_literal(node);
    size_t n = lit ? strlen(lit) : 0;
    while (n && lit[n - 1] == '\n') n--;
    ks_buf clean = {0};
    put_clean(&clean, lit ? lit : "", n, 1);
    ks_doc_block blk = {0};
    blk.kind = KS_BLOCK_CODE;
    blk.line = cmark_node_get_start_line(node);
    ks_doc_run *run = ks_calloc(1, sizeof *run);
    run->text = arena_copy(b->doc, clean.data ? clean.data : "", clean.len);
    run->len = clean.len;
    run->style = KS_RUN_CODE;
    blk.runs = run;
    blk.n_runs = 1;
    push_block(b, &blk);
    ks_buf_free(&clean);
}

static void node_enter(builder *b, cmark_node *node) {
    ks_doc_block blk = {0};
    blk.line = cmark_node_get_start_line(node);
    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_LIST:
        blk.kind = KS_BLOCK_LIST;
        blk.ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
        blk.tight = cmark_node_get_list_tight(node);
        blk.depth = b->list_depth++;
        blk.number = cmark_node_get_list_start(node);
        open_frame(b, &blk);
        break;
    case CMARK_NODE_ITEM: {
        frame *f = top(b);
        blk.kind = KS_BLOCK_ITEM;
        if (!b->skipped && f->block.kind == KS_BLOCK_LIST) {
            blk.number = f->block.number + f->items++;
            blk.depth = f->block.depth;
        }
        open_frame(b, &blk);
        break;
    }
    case CMARK_NODE_BLOCK_QUOTE:
        blk.kind = KS_BLOCK_QUOTE;
        open_frame(b, &blk);
        break;
    case CMARK_NODE_PARAGRAPH:
        begin_text_block(b, KS_BLOCK_PARAGRAPH, 0, blk.line);
        break;
    case CMARK_NODE_HEADING: {
        int level = cmark_node_get_heading_level(node);
        begin_text_block(b, KS_BLOCK_HEADING, level < 1 ? 1 : level > 3 ? 3 : level, blk.line);
        break;
    }
    case CMARK_NODE_CODE_BLOCK:
        leaf_code(b, node);
        break;
    case CMARK_NODE_THEMATIC_BREAK:
        blk.kind = KS_BLOCK_RULE;
        push_block(b, &blk);
        break;
    case CMARK_NODE_TEXT: {
        const char *lit = cmark_node_get_literal(node);
        if (lit) add_text(b, lit, strlen(lit), 0);
        break;
    }
    case CMARK_NODE_CODE: {
        const char *lit = cmark_node_get_literal(node);
        if (lit) add_text(b, lit, strlen(lit), KS_RUN_CODE);
        break;
    }
    case CMARK_NODE_SOFTBREAK:
        add_text(b, " ", 1, 0);
        break;
    case CMARK_NODE_LINEBREAK:
        add_break(b);
        break;
    case CMARK_NODE_STRONG:
        b->strong++;
        break;
    case CMARK_NODE_EMPH:
        b->emph++;
        break;
    case CMARK_NODE_LINK: {
        char *target = NULL;
        if (!b->in_image && ks_link_resolve(b->doc->slug, cmark_node_get_url(node), &target)) {
            ks_buf clean = {0};
            put_clean(&clean, target, strlen(target), 0);
            b->link = arena_copy(b->doc, clean.data ? clean.data : "", clean.len);
            ks_buf_free(&clean);
        }
        free(target);
        break;
    }
    case CMARK_NODE_IMAGE:
        enter_image(b, node);
        break;
    default: /* document, raw HTML (never shown), custom nodes */
        break;
    }
}

static void node_exit(builder *b, cmark_node *node) {
    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_LIST:
        b->list_depth--;
        assert(b->list_depth >= 0);
        close_frame(b);
        break;
    case CMARK_NODE_ITEM:
    case CMARK_NODE_BLOCK_QUOTE:
        close_frame(b);
        break;
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
        end_text_block(b);
        b->in_text = 0;
        break;
    case CMARK_NODE_STRONG:
        b->strong--;
        break;
    case CMARK_NODE_EMPH:
        b->emph--;
        break;
    case CMARK_NODE_LINK:
        b->link = NULL;
        break;
    case CMARK_NODE_IMAGE:
        exit_image(b);
        break;
    default:
        break;
    }
}

/* Leaf nodes (text, code, breaks, rules, code blocks, HTML) only ENTER. */
static int is_leaf(cmark_node_type t) {
    switch (t) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
    case CMARK_NODE_HTML_INLINE:
    case CMARK_NODE_HTML_BLOCK:
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_THEMATIC_BREAK:
        return 1;
    default:
        return 0;
    }
}

/* Give every run its offset in the document's text, and build that text:
 * blocks in document order (a block's runs, then its children), each text
 * block followed by '\n', a hard break standing as '\n' too. The depth is
 * bounded by KS_DOC_MAX_DEPTH, so recursion is safe. */
static void number_runs(ks_doc_block *blocks, size_t n, ks_buf *text) {
    for (size_t i = 0; i < n; i++) {
        ks_doc_run *runs = (ks_doc_run *)(uintptr_t)blocks[i].runs;
        for (size_t k = 0; k < blocks[i].n_runs; k++) {
            runs[k].offset = text->len;
            if (runs[k].style & KS_RUN_BREAK)
                ks_buf_putc(text, '\n');
            else
                ks_buf_append(text, runs[k].text, runs[k].len);
        }
        if (blocks[i].n_runs) ks_buf_putc(text, '\n');
        number_runs((ks_doc_block *)(uintptr_t)blocks[i].children, blocks[i].n_children, text);
    }
}

static void finish_text(ks_doc *doc) {
    ks_buf text = {0};
    number_runs(doc->blocks, doc->n_blocks, &text);
    doc->text_len = text.len;
    doc->text = text.len ? ks_buf_detach(&text) : ks_strdup("");
}

ks_doc *ks_doc_from_cmark(const struct cmark_node *root, const char *slug) {
    ks_doc *doc = ks_calloc(1, sizeof *doc);
    doc->slug = ks_strdup(slug ? slug : "");
    if (!root) {
        finish_text(doc);
        return doc;
    }
    builder b = {0};
    b.doc = doc;
    b.cap = 8;
    b.stack = ks_malloc(b.cap * sizeof *b.stack);
    memset(&b.stack[0], 0, sizeof b.stack[0]);
    b.depth = 1;
    /* cmark_iter takes a non-const root but only reads it. */
    cmark_iter *it = cmark_iter_new((cmark_node *)(uintptr_t)root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER) {
            node_enter(&b, node);
            if (is_leaf(cmark_node_get_type(node))) continue;
        } else {
            node_exit(&b, node);
        }
    }
    cmark_iter_free(it);
    /* cmark's walk exits every node it entered, so every frame is closed
     * (asserted in test builds; closed anyway in a release build). */
    assert(b.depth == 1 && b.skipped == 0 && b.list_depth == 0);
    while (b.depth > 1) close_frame(&b);
    doc->blocks = b.stack[0].kids.v;
    doc->n_blocks = b.stack[0].kids.n;
    free(b.stack);
    ks_buf_free(&b.cur);
    free(b.runs.v);
    free(b.image_runs.v);
    finish_text(doc);
    return doc;
}

ks_doc *ks_doc_parse(const char *markdown, size_t len, const char *slug) {
    cmark_node *root = cmark_parse_document(markdown ? markdown : "", markdown ? len : 0, CMARK_OPT_SAFE);
    ks_doc *doc = ks_doc_from_cmark(root, slug);
    cmark_node_free(root);
    return doc;
}

static void free_blocks(ks_doc_block *blocks, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free((void *)(uintptr_t)blocks[i].runs);
        free_blocks((ks_doc_block *)(uintptr_t)blocks[i].children, blocks[i].n_children);
    }
    free(blocks);
}

void ks_doc_destroy(ks_doc *doc) {
    if (!doc) return;
    free_blocks(doc->blocks, doc->n_blocks);
    for (chunk *c = doc->strings, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(doc->slug);
    free(doc->text);
    free(doc);
}

const ks_doc_block *ks_doc_blocks(const ks_doc *doc, size_t *count) {
    *count = doc ? doc->n_blocks : 0;
    return doc ? doc->blocks : NULL;
}

const char *ks_doc_slug(const ks_doc *doc) { return doc ? doc->slug : ""; }

const char *ks_doc_text(const ks_doc *doc, size_t *len) {
    if (len) *len = doc ? doc->text_len : 0;
    return doc ? doc->text : "";
}
