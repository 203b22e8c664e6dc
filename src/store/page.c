/* page: one Markdown file → one page record.
 *
 * The file is split into front matter and body. The body is parsed by cmark
 * from a copy of the whole file in which the front matter lines are blanked,
 * so every position cmark reports is a line of the file itself. */
#include "store_int.h"

#include <cmark.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ helpers */

/* Plain text of a cmark subtree: one block per line. */
static void collect_text(cmark_node *root, ks_buf *text) {
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (ev == CMARK_EVENT_ENTER) {
            switch (t) {
            case CMARK_NODE_TEXT:
            case CMARK_NODE_CODE:
                ks_buf_puts(text, cmark_node_get_literal(n));
                break;
            case CMARK_NODE_CODE_BLOCK:
                ks_buf_puts(text, cmark_node_get_literal(n));
                ks_buf_putc(text, '\n');
                break;
            case CMARK_NODE_SOFTBREAK:
            case CMARK_NODE_LINEBREAK:
                ks_buf_putc(text, ' ');
                break;
            default:
                break;
            }
        } else if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING) {
            if (text->len && text->data[text->len - 1] != '\n') ks_buf_putc(text, '\n');
        }
    }
    cmark_iter_free(it);
}

static char *node_plain_text(cmark_node *n) {
    ks_buf b = {0};
    collect_text(n, &b);
    while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' ')) b.data[--b.len] = '\0';
    return ks_buf_detach(&b);
}

/* Line number (1-based) of byte offset off in s. */
static int line_of(const char *s, size_t off) {
    int line = 1;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n') line++;
    return line;
}

/* Length of the line starting at s (without its end), and where the next
 * line starts. */
static size_t line_len(const char *s, size_t len, size_t *next) {
    const char *nl = memchr(s, '\n', len);
    size_t n = nl ? (size_t)(nl - s) : len;
    *next = nl ? n + 1 : len;
    if (n && s[n - 1] == '\r') n--;
    return n;
}

static int is_fence(const char *s, size_t n, int closing) {
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n == 3 && memcmp(s, "---", 3) == 0) return 1;
    return closing && n == 3 && memcmp(s, "...", 3) == 0;
}

/* ------------------------------------------------------------ loading */

static void fill_from_frontmatter(ks_page *p, frontmatter *fm) {
    p->title = fm->title ? fm->title : ks_strdup("");
    p->summary = fm->summary ? fm->summary : ks_strdup("");
    p->reviewed = fm->reviewed ? fm->reviewed : ks_strdup("");
    p->icon = fm->icon ? fm->icon : ks_strdup("");
    if (fm->section) p->section = fm->section;
    else p->section = ks_strdup(p->is_topic_index ? "overview" : "");
    p->order = fm->order;
    p->keywords = fm->keywords;
    p->n_keywords = fm->n_keywords;
    fm->title = fm->summary = fm->reviewed = fm->section = fm->icon = NULL;
    fm->keywords = NULL;
    fm->n_keywords = 0;
}

/* Walk the parsed body: headings, links, raw HTML. */
static void scan_body(ks_store *store, ks_page *p, int *errors) {
    size_t cap_h = 8, cap_l = 8;
    p->headings = ks_calloc(cap_h, sizeof(ks_heading));
    p->links = ks_calloc(cap_l, sizeof(ks_link));
    cmark_iter *it = cmark_iter_new(store_page_tree(p));
    cmark_event_type ev;
    int html_warned = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER) continue;
        cmark_node *n = cmark_iter_get_node(it);
        int line = cmark_node_get_start_line(n);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_HEADING: {
            if (p->n_headings == cap_h) p->headings = ks_realloc(p->headings, (cap_h *= 2) * sizeof(ks_heading));
            ks_heading *h = &p->headings[p->n_headings++];
            h->level = cmark_node_get_heading_level(n);
            h->text = node_plain_text(n);
            h->anchor = ks_link_anchor(h->text, strlen(h->text));
            h->line = line;
            break;
        }
        case CMARK_NODE_LINK: {
            if (p->n_links == cap_l) p->links = ks_realloc(p->links, (cap_l *= 2) * sizeof(ks_link));
            ks_link *l = &p->links[p->n_links++];
            memset(l, 0, sizeof *l);
            l->url = ks_strdup(cmark_node_get_url(n) ? cmark_node_get_url(n) : "");
            l->line = line;
            break;
        }
        case CMARK_NODE_HTML_BLOCK:
        case CMARK_NODE_HTML_INLINE:
            if (!html_warned) {
                store_diag_add(&store->diags, p->path, line, KS_DIAG_WARNING,
                         "raw HTML is not shown on the kiosk; use Markdown instead");
                p->warnings++;
                html_warned = 1;
            }
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
    (void)errors;
}

static ks_page *page_new(const char *rel_path, const char *topic) {
    page_parsed *pp = ks_calloc(1, sizeof *pp);
    ks_page *p = &pp->page;
    size_t n = strlen(rel_path);
    char *slug = ks_strndup(rel_path, n >= 3 ? n - 3 : n);
    for (char *c = slug; *c; c++) *c = (char)tolower((unsigned char)*c);
    p->slug = slug;
    p->path = ks_strdup(rel_path);
    p->topic = ks_strdup(topic);
    const char *base = strrchr(slug, '/');
    p->is_topic_index = topic[0] && base && strcmp(base + 1, "index") == 0;
    p->order = 100;
    return p;
}

/* A page record that could not be read: kept (flagged) so the index keeps its
 * last good version. */
static ks_page *page_unreadable(const char *rel_path, const char *topic) {
    ks_page *p = page_new(rel_path, topic);
    frontmatter fm = {0};
    fill_from_frontmatter(p, &fm);
    p->markdown = ks_strdup("");
    p->text = ks_strdup("");
    p->errors = 1;
    return p;
}

ks_page *store_page_load(ks_store *store, source_entry *e, const char *rel_path, const char *topic) {
    diag_list *diags = &store->diags;
    char *data = NULL;
    size_t len = 0;
    int rc = store_source_entry_read(e, KS_STORE_MAX_FILE, &data, &len);
    if (rc == KS_ERR_NOT_FOUND) {
        store_diag_add(diags, rel_path, 1, KS_DIAG_WARNING, "the file disappeared while it was being read; skipped");
        return NULL;
    }
    if (rc == KS_ERR_TOO_BIG) {
        store_diag_add(diags, rel_path, 1, KS_DIAG_ERROR, "the file is larger than 1 MiB; it is not read");
        return page_unreadable(rel_path, topic);
    }
    if (rc != KS_OK) {
        store_diag_add(diags, rel_path, 1, KS_DIAG_ERROR, "cannot read the file: %s", strerror(errno));
        return page_unreadable(rel_path, topic);
    }
    ks_page *p = store_page_parse(store, data, len, rel_path, topic);
    free(data);
    return p;
}

ks_page *store_page_parse(ks_store *store, const char *data, size_t len, const char *rel_path, const char *topic) {
    diag_list *diags = &store->diags;
    ks_page *p = page_new(rel_path, topic);
    p->hash = ks_hash64(data, len);
    store->last_file_hash = p->hash; /* the bytes alone, for reuse.c (placeholders may change p->hash) */
    int errors = 0;

    size_t bad;
    if (!ks_utf8_valid(data, len, &bad)) {
        store_diag_add(diags, rel_path, line_of(data, bad), KS_DIAG_ERROR,
                 "the file is not valid UTF-8 text (save it as UTF-8)");
        errors++;
    }

    /* Front matter: "---" on the first line (after an optional BOM) up to a
     * line "---" or "...". */
    size_t start = (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    size_t next, n = line_len(data + start, len - start, &next);
    size_t body_off = start;
    int fm_unclosed = 0;
    frontmatter fm = {0};
    fm.order = 100;
    if (!is_fence(data + start, n, 0)) {
        store_diag_add(diags, rel_path, 1, KS_DIAG_ERROR,
                 "no front matter: a page starts with a line '---', then title:, section: and summary:, then '---'");
        errors++;
    } else {
        size_t yaml_off = start + next, off = yaml_off, close = 0;
        int found = 0;
        while (off < len) {
            size_t nx, ln = line_len(data + off, len - off, &nx);
            if (is_fence(data + off, ln, 1)) {
                close = off;
                body_off = off + nx;
                found = 1;
                break;
            }
            off += nx;
        }
        if (!found) {
            store_diag_add(diags, rel_path, 1, KS_DIAG_ERROR,
                     "the front matter never closes: add a line '---' after the last field");
            errors++;
            fm_unclosed = 1;
            body_off = len;
        } else {
            errors += store_frontmatter_parse(data + yaml_off, close - yaml_off, 2, rel_path, store, diags, &fm);
        }
    }
    /* The clinic's details: unknown placeholders are errors; the known
     * ones are filled in the front matter fields here and in the body
     * below, and their values go into the hash. */
    ks_buf used = {0};
    errors += store_placeholders_check(store, rel_path, data, len);
    store_placeholders_fill_field(store, &fm.title, &used);
    store_placeholders_fill_field(store, &fm.summary, &used);
    for (size_t k = 0; k < fm.n_keywords; k++) store_placeholders_fill_field(store, &fm.keywords[k], &used);

    int fm_loaded = fm.loaded, fm_present = fm.present;
    fill_from_frontmatter(p, &fm);
    store_frontmatter_free(&fm);

    if (p->icon[0] && !p->is_topic_index)
        store_diag_add(diags, rel_path, 1, KS_DIAG_WARNING,
                       "'icon' is only used in a topic's index.md (the topic's tile); sections have their own icons");
    if (fm_loaded) {
        if (!(fm_present & 1)) {
            store_diag_add(diags, rel_path, 1, KS_DIAG_ERROR, "'title' is missing");
            errors++;
        }
        if (!(fm_present & 4)) {
            store_diag_add(diags, rel_path, 1, KS_DIAG_ERROR, "'summary' is missing (one plain sentence for tiles and search)");
            errors++;
        }
        if (!(fm_present & 2) && !p->is_topic_index) {
            store_diag_add(diags, rel_path, 1, KS_DIAG_ERROR,
                     "'section' is missing (what-it-is, assessment, injection, recovery, risks, candidacy, or another word)");
            errors++;
        }
    }

    p->body_line = line_of(data, body_off);
    p->markdown = ks_strndup(data + body_off, len - body_off);

    /* Parse the whole file with the front matter blanked, so cmark's lines
     * are the file's lines. */
    int bound_line = 0;
    char why[256];
    if (store_page_body_over_bounds(data + body_off, len - body_off, &bound_line, why, sizeof why)) {
        /* too costly to parse: an error, and an empty document */
        store_diag_add(diags, rel_path, p->body_line + bound_line, KS_DIAG_ERROR, "%s", why);
        errors++;
        ((page_parsed *)p)->tree = cmark_parse_document("", 0, 0);
        ks_buf_free(&used);
    } else {
        char *blanked = ks_strndup(data, len);
        for (size_t i = 0; i < body_off; i++)
            if (blanked[i] != '\n') blanked[i] = ' ';
        size_t blanked_len = len;
        char *filled = store_placeholders_fill(store, blanked, len, body_off, 1, &used, &blanked_len);
        if (filled) {
            free(blanked);
            blanked = filled;
        }
        ((page_parsed *)p)->tree = cmark_parse_document(blanked, blanked_len, CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8);
        free(blanked);
        if (used.len) { /* a changed value changes the page the index holds */
            ks_buf_append(&used, data, len);
            p->hash = ks_hash64(used.data, used.len);
        }
        ks_buf_free(&used);
    }

    ks_buf text = {0};
    collect_text(store_page_tree(p), &text);
    p->text = ks_buf_detach(&text);

    int body_empty = 1;
    for (const char *c = p->markdown; *c; c++)
        if (!isspace((unsigned char)*c)) body_empty = 0;
    if (body_empty && !fm_unclosed) {
        store_diag_add(diags, rel_path, p->body_line, KS_DIAG_ERROR,
                 "the page has no text after the front matter");
        errors++;
    }

    scan_body(store, p, &errors);
    p->grade = ks_reading_grade(p->text);
    p->errors = errors;
    return p;
}

int store_page_has_callout(const ks_page *p, const char *title) {
    size_t tn = strlen(title);
    int found = 0;
    cmark_iter *it;
    cmark_event_type ev;
    if (!store_page_tree(p)) return 0;
    it = cmark_iter_new(store_page_tree(p));
    while (!found && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it), *first;
        char *text;
        const char *t;
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_BLOCK_QUOTE) continue;
        first = cmark_node_first_child(n);
        if (!first) continue;
        text = node_plain_text(first);
        for (t = text; *t && !isalnum((unsigned char)*t);) t++;
        found = strncasecmp(t, title, tn) == 0;
        free(text);
    }
    cmark_iter_free(it);
    return found;
}

void store_page_check_links(ks_store *store, ks_page *p) {
    for (size_t i = 0; i < p->n_links; i++) {
        ks_link *l = &p->links[i];
        char *target;
        if (ks_link_is_external(l->url)) continue; /* shown as text, never followed */
        if (!ks_link_resolve(p->slug, l->url, &target)) {
            store_diag_add(&store->diags, p->path, l->line, KS_DIAG_WARNING,
                     "the link '%s' is not to a page (another kind of file, or outside the content "
                     "folder); it is shown as plain text",
                     l->url);
            p->warnings++;
            continue;
        }
        char *hash = strchr(target, '#');
        char *frag = hash ? ks_strdup(hash + 1) : NULL;
        char *slug = hash ? ks_strndup(target, (size_t)(hash - target)) : ks_strdup(target);
        free(target);
        const ks_page *page = ks_store_find(store, slug);
        if (!page && ks_store_find_topic(store, slug)) {
            char *idx = ks_sprintf("%s/index", slug);
            free(slug);
            slug = idx;
            page = ks_store_find(store, slug);
        }
        if (!page) {
            store_diag_add(&store->diags, p->path, l->line, KS_DIAG_ERROR,
                     "the link '%s' leads to a page that does not exist", l->url);
            p->errors++;
            free(slug);
            free(frag);
            continue;
        }
        if (frag) {
            size_t h;
            for (h = 0; h < page->n_headings; h++)
                if (strcmp(page->headings[h].anchor, frag) == 0) break;
            if (h == page->n_headings) {
                store_diag_add(&store->diags, p->path, l->line, KS_DIAG_WARNING,
                         "the link '%s' names a heading '#%s' that is not on that page", l->url, frag);
                p->warnings++;
            }
        }
        l->slug = slug;
        l->fragment = frag;
    }
}

void store_page_free(ks_page *p) {
    if (!p) return;
    free((char *)p->slug);
    free((char *)p->path);
    free((char *)p->topic);
    free((char *)p->section);
    free((char *)p->title);
    free((char *)p->summary);
    free((char *)p->reviewed);
    free((char *)p->icon);
    for (size_t i = 0; i < p->n_keywords; i++) free(p->keywords[i]);
    free(p->keywords);
    free((char *)p->markdown);
    if (store_page_tree(p)) cmark_node_free(store_page_tree(p));
    free((char *)p->text);
    for (size_t i = 0; i < p->n_headings; i++) {
        free(p->headings[i].text);
        free(p->headings[i].anchor);
    }
    free(p->headings);
    for (size_t i = 0; i < p->n_links; i++) {
        free(p->links[i].url);
        free(p->links[i].slug);
        free(p->links[i].fragment);
    }
    free(p->links);
    free(p);
}
