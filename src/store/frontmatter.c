/* frontmatter: the YAML block at the top of a page, read with libyaml.
 *
 * libyaml does the YAML (quoting, flow and block lists, escapes, errors with
 * a line); this file only checks that the fields a page needs are there and
 * of the right kind, and says so in words staff understand. */
#include "store_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static char *trimmed_copy(const char *s, size_t len) {
    while (len > 0 && isspace((unsigned char)*s)) s++, len--;
    while (len > 0 && isspace((unsigned char)s[len - 1])) len--;
    return ks_strndup(s, len);
}

/* Whether text is a real calendar date written YYYY-MM-DD. */
static int valid_date(const char *s) {
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return 0;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return 0;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
    return 1;
}

static int node_line(const yaml_node_t *n, int first_line) {
    return first_line + (int)n->start_mark.line;
}

/* A string field: must be a non-empty scalar. */
static int take_string(const yaml_node_t *v, const char *key, int line, const char *path,
                       diag_list *diags, char **out) {
    if (v->type != YAML_SCALAR_NODE) {
        store_diag_add(diags, path, line, KS_DIAG_ERROR,
                 "'%s' should be plain text, not a %s", key,
                 v->type == YAML_SEQUENCE_NODE ? "list" : "group of fields");
        return 1;
    }
    char *s = trimmed_copy((const char *)v->data.scalar.value, v->data.scalar.length);
    if (!*s) {
        store_diag_add(diags, path, line, KS_DIAG_ERROR, "'%s' is empty", key);
        free(s);
        return 1;
    }
    free(*out);
    *out = s;
    return 0;
}

/* ------------------------------------------------------------ bounds */

/* libyaml's time grows with the square of the nesting depth (a header of
 * 50,000 nested '[' took 4.6 s), so a header is measured before libyaml
 * sees it: front matter is a handful of 'name: value' lines. */
#define FM_MAX_BYTES (64 * 1024)
#define FM_MAX_DEPTH 32

/* The deepest nesting in yaml, counted without libyaml: flow brackets '['
 * and '{' (outside quoted scalars and comments) plus the block levels
 * (indentation steps and '- ' / '? ' indicators that open a nested block
 * on one line). It may count a little more than YAML would, never less.
 * Returns the depth reached, stopping early once it passes limit, and the
 * line (0-based) where it did in *where. */
static int header_depth(const char *yaml, size_t len, int limit, int *where) {
    int flow = 0, deepest = 0, line = 0, indents[FM_MAX_DEPTH + 2], n_indents = 0;
    size_t i = 0;
    char quote = 0;
    *where = 0;
    while (i < len) {
        /* start of a line: its indentation and block indicators (not inside
         * a quoted scalar or a flow collection, whose lines are free) */
        int block = n_indents;
        if (!quote && flow == 0) {
            int indent = 0;
            while (i < len && yaml[i] == ' ') indent++, i++;
            if (i < len && yaml[i] != '\n' && yaml[i] != '#') {
                while (n_indents > 0 && indents[n_indents - 1] > indent) n_indents--;
                if (n_indents == 0 || indents[n_indents - 1] < indent) {
                    if (n_indents > FM_MAX_DEPTH) {
                        *where = line;
                        return n_indents + 1;
                    }
                    indents[n_indents++] = indent;
                }
                block = n_indents;
                /* "- - - x": one level per indicator */
                while (i + 1 < len && (yaml[i] == '-' || yaml[i] == '?') && (yaml[i + 1] == ' ' || yaml[i + 1] == '\t')) {
                    block++;
                    i += 2;
                    while (i < len && (yaml[i] == ' ' || yaml[i] == '\t')) i++;
                    if (block > limit) break;
                }
            }
        }
        if (block > deepest) deepest = block;
        if (deepest > limit) {
            *where = line;
            return deepest;
        }
        /* the rest of the line */
        int token_start = 1; /* a quote here opens a quoted scalar */
        for (; i < len && yaml[i] != '\n'; i++) {
            char c = yaml[i];
            if (quote == '"') {
                if (c == '\\' && i + 1 < len && yaml[i + 1] != '\n') i++;
                else if (c == '"') quote = 0;
                continue;
            }
            if (quote == '\'') {
                if (c == '\'' && i + 1 < len && yaml[i + 1] == '\'') i++;
                else if (c == '\'') quote = 0;
                continue;
            }
            if (c == '#' && (i == 0 || yaml[i - 1] == ' ' || yaml[i - 1] == '\t')) {
                while (i < len && yaml[i] != '\n') i++;
                break;
            }
            if ((c == '"' || c == '\'') && token_start) {
                quote = c;
                continue;
            }
            if (c == '[' || c == '{') {
                flow++;
                if (block + flow > deepest) deepest = block + flow;
                if (deepest > limit) {
                    *where = line;
                    return deepest;
                }
                token_start = 1;
                continue;
            }
            if ((c == ']' || c == '}') && flow > 0) flow--;
            if (c == ' ' || c == '\t') continue; /* keeps token_start as it was */
            token_start = c == ',' || c == ':' || c == '-' || c == '?' || c == '[' || c == '{';
        }
        if (i < len) i++; /* the newline */
        line++;
    }
    return deepest;
}

/* The commonest slip: a plain value with ": " in it (summary: Risks: what
 * to know), which YAML reads as a second field. When that is the problem,
 * say what to do, with the line quoted as it should be written, and return
 * 1; otherwise 0. */
static int colon_slip(const char *yaml, size_t len, const yaml_parser_t *parser, int first_line,
                      const char *path, diag_list *diags) {
    const char *s = yaml, *end = yaml + len, *eol, *colon, *v;
    if (!parser->problem || !strstr(parser->problem, "mapping values are not allowed")) return 0;
    for (size_t l = 0; l < parser->problem_mark.line && s < end; l++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    eol = memchr(s, '\n', (size_t)(end - s));
    if (!eol) eol = end;
    while (eol > s && (eol[-1] == '\r' || eol[-1] == ' ' || eol[-1] == '\t')) eol--;
    while (s < eol && (*s == ' ' || *s == '\t')) s++;
    colon = memchr(s, ':', (size_t)(eol - s));
    if (!colon || colon == s) return 0;
    for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t');) v++;
    if (v == eol || *v == '"' || *v == '\'' || *v == '[' || *v == '{' || memchr(v, '"', (size_t)(eol - v)))
        return 0;
    store_diag_add(diags, path, first_line + (int)parser->problem_mark.line, KS_DIAG_ERROR,
             "front matter is not valid YAML: the text has a colon (':') in it; put the text in quotes, "
             "like %.*s: \"%.*s\"",
             (int)(colon - s), s, (int)(eol - v), v);
    return 1;
}

int store_frontmatter_parse(const char *yaml, size_t len, int first_line, const char *path,
                      const ks_store *store, diag_list *diags, frontmatter *fm) {
    int errors = 0;
    (void)store;
    memset(fm, 0, sizeof *fm);
    fm->order = 100;

    if (len > FM_MAX_BYTES) {
        store_diag_add(diags, path, first_line, KS_DIAG_ERROR,
                 "the front matter is larger than 64 KB (%zu KB); it needs only a few lines of 'name: value'",
                 len / 1024);
        return 1;
    }
    int deep_line;
    if (header_depth(yaml, len, FM_MAX_DEPTH, &deep_line) > FM_MAX_DEPTH) {
        store_diag_add(diags, path, first_line + deep_line, KS_DIAG_ERROR,
                 "the front matter is nested deeper than %d levels (lists inside lists); it needs only "
                 "'name: value' lines and [lists]", FM_MAX_DEPTH);
        return 1;
    }

    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        store_diag_add(diags, path, first_line, KS_DIAG_ERROR, "cannot start the YAML reader");
        return 1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    if (!yaml_parser_load(&parser, &doc)) {
        /* "while scanning a quoted scalar" points where the trouble starts;
         * the problem itself is often only noticed at the end. */
        int line = first_line + (int)(parser.context ? parser.context_mark.line : parser.problem_mark.line);
        if (!colon_slip(yaml, len, &parser, first_line, path, diags))
            store_diag_add(diags, path, line, KS_DIAG_ERROR, "front matter is not valid YAML: %s%s%s",
                     parser.context ? parser.context : "", parser.context ? ", " : "",
                     parser.problem ? parser.problem : "unknown problem");
        yaml_parser_delete(&parser);
        return 1;
    }
    yaml_parser_delete(&parser);
    fm->loaded = 1;

    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        if (root && !(root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)) {
            store_diag_add(diags, path, root ? node_line(root, first_line) : first_line, KS_DIAG_ERROR,
                     "front matter should be lines of 'name: value' (title:, section:, summary:)");
            errors++;
        }
        yaml_document_delete(&doc);
        return errors;
    }

    for (yaml_node_pair_t *pair = root->data.mapping.pairs.start;
         pair < root->data.mapping.pairs.top; pair++) {
        yaml_node_t *k = yaml_document_get_node(&doc, pair->key);
        yaml_node_t *v = yaml_document_get_node(&doc, pair->value);
        if (!k || !v) continue;
        int line = node_line(k, first_line);
        if (k->type != YAML_SCALAR_NODE) {
            store_diag_add(diags, path, line, KS_DIAG_ERROR, "a field name should be a plain word");
            errors++;
            continue;
        }
        const char *key = (const char *)k->data.scalar.value;
        fm->present |= !strcmp(key, "title") ? 1 : !strcmp(key, "section") ? 2 : !strcmp(key, "summary") ? 4 : 0;
        if (!strcmp(key, "title")) {
            errors += take_string(v, key, line, path, diags, &fm->title);
        } else if (!strcmp(key, "section")) {
            errors += take_string(v, key, line, path, diags, &fm->section);
            if (fm->section)
                for (char *c = fm->section; *c; c++) *c = (char)tolower((unsigned char)*c);
        } else if (!strcmp(key, "summary")) {
            errors += take_string(v, key, line, path, diags, &fm->summary);
        } else if (!strcmp(key, "order")) {
            char *end = NULL;
            long n = 0;
            int ok = v->type == YAML_SCALAR_NODE && v->data.scalar.length > 0;
            if (ok) {
                n = strtol((const char *)v->data.scalar.value, &end, 10);
                ok = *end == '\0' && n >= -1000000 && n <= 1000000;
            }
            if (!ok) {
                store_diag_add(diags, path, line, KS_DIAG_ERROR,
                         "'order' should be a whole number, like 3");
                errors++;
            } else {
                fm->order = (int)n;
                fm->has_order = 1;
            }
        } else if (!strcmp(key, "keywords")) {
            if (v->type != YAML_SEQUENCE_NODE) {
                store_diag_add(diags, path, line, KS_DIAG_ERROR,
                         "'keywords' should be a list, like [knee, pain, shot]");
                errors++;
                continue;
            }
            size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
            for (size_t i = 0; i < fm->n_keywords; i++) free(fm->keywords[i]);
            free(fm->keywords);
            fm->keywords = ks_calloc(n ? n : 1, sizeof(char *));
            fm->n_keywords = 0;
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top; it++) {
                yaml_node_t *item = yaml_document_get_node(&doc, *it);
                if (!item || item->type != YAML_SCALAR_NODE) {
                    store_diag_add(diags, path, item ? node_line(item, first_line) : line, KS_DIAG_ERROR,
                             "each keyword should be a word or phrase, not a list");
                    errors++;
                    continue;
                }
                char *kw = trimmed_copy((const char *)item->data.scalar.value, item->data.scalar.length);
                if (*kw) fm->keywords[fm->n_keywords++] = kw;
                else free(kw);
            }
        } else if (!strcmp(key, "reviewed")) {
            char *s = NULL;
            if (take_string(v, key, line, path, diags, &s)) {
                errors++;
            } else if (!valid_date(s)) {
                store_diag_add(diags, path, line, KS_DIAG_ERROR,
                         "'reviewed' should be a date written like 2026-11-01, not '%s'", s);
                errors++;
                free(s);
            } else {
                free(fm->reviewed);
                fm->reviewed = s;
            }
        } else if (!strcmp(key, "icon")) {
            char *s = NULL;
            if (take_string(v, key, line, path, diags, &s)) {
                errors++;
            } else if (!ks_icon_known(s)) {
                ks_buf names = {0};
                for (size_t i = 0; ks_icon_names[i]; i++) ks_buf_printf(&names, "%s%s", i ? ", " : "", ks_icon_names[i]);
                store_diag_add(diags, path, line, KS_DIAG_ERROR, "'icon: %s' is not an icon of the kiosk (icons: %s)", s,
                               names.data);
                ks_buf_free(&names);
                errors++;
                free(s);
            } else {
                free(fm->icon);
                fm->icon = s;
            }
        } else {
            store_diag_add(diags, path, line, KS_DIAG_WARNING,
                     "unknown field '%s' is ignored (fields: title, section, order, summary, keywords, reviewed, icon)",
                     key);
        }
    }
    yaml_document_delete(&doc);
    return errors;
}

void store_frontmatter_free(frontmatter *fm) {
    free(fm->title);
    free(fm->section);
    free(fm->summary);
    free(fm->reviewed);
    free(fm->icon);
    for (size_t i = 0; i < fm->n_keywords; i++) free(fm->keywords[i]);
    free(fm->keywords);
    memset(fm, 0, sizeof *fm);
}
