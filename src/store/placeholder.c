/* placeholder: the clinic's own details in a page, {{clinic.phone}} and the
 * like, filled from the configuration while the page is loaded.
 *
 * The store fills them in, so everything made from a page record (the
 * screen, a headless render, the search index and its snippets) sees the
 * same words. The page's Markdown as written (ks_page.markdown, what the
 * index keeps as the last good source) keeps its placeholders, so a page
 * rebuilt from the index is filled with the configuration of that day. */
#include "store_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The placeholder at s[i] ("{{" name "}}", spaces allowed inside the
 * braces): its name is s[*ns..*ne) and it ends before s[*end]. 0 when s[i]
 * does not start one. A name is letters, digits, '.', '_' and '-'. */
static int placeholder_at(const char *s, size_t len, size_t i, size_t *ns, size_t *ne, size_t *end) {
    size_t j = i + 2;
    if (i + 4 > len || s[i] != '{' || s[i + 1] != '{') return 0;
    while (j < len && s[j] == ' ') j++;
    *ns = j;
    while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '.' || s[j] == '_' || s[j] == '-')) j++;
    *ne = j;
    while (j < len && s[j] == ' ') j++;
    if (*ne == *ns || j + 2 > len || s[j] != '}' || s[j + 1] != '}') return 0;
    *end = j + 2;
    return 1;
}

/* A configuration with nothing set: every placeholder gives its fallback
 * words ("the front desk"). Used when the store was given none. */
static const ks_config no_config;

/* The text for a name, or NULL when the configuration does not know it. */
static const char *lookup(const ks_store *store, const char *s, size_t n) {
    char name[64];
    const char *value = NULL;
    if (n >= sizeof name) return NULL;
    for (size_t i = 0; i < n; i++) name[i] = (char)tolower((unsigned char)s[i]);
    name[n] = '\0';
    return ks_config_placeholder(store->config ? store->config : &no_config, name, &value) == 0 ? value : NULL;
}

int store_placeholders_check(ks_store *store, const char *path, const char *s, size_t len) {
    int errors = 0, line = 1;
    for (size_t i = 0; i < len; i++) {
        size_t ns, ne, end;
        if (s[i] == '\n') line++;
        if (s[i] != '{' || !placeholder_at(s, len, i, &ns, &ne, &end)) continue;
        if (!lookup(store, s + ns, ne - ns)) {
            ks_buf known = {0};
            for (const char *const *k = ks_config_placeholder_names; *k; k++)
                ks_buf_printf(&known, "%s{{%s}}", k == ks_config_placeholder_names ? "" : ", ", *k);
            store_diag_add(&store->diags, path, line, KS_DIAG_ERROR,
                     "'%.*s' is not a placeholder the kiosk can fill in (it knows %s)", (int)(end - i), s + i,
                     known.data ? known.data : "none");
            ks_buf_free(&known);
            errors++;
        }
        i = end - 1;
    }
    return errors;
}

char *store_placeholders_fill(const ks_store *store, const char *s, size_t len, size_t from, int markdown,
                        ks_buf *used, size_t *out_len) {
    ks_buf b = {0};
    size_t i = 0, copied = 0;
    if (from > len) from = len;
    for (i = from; i < len; i++) {
        size_t ns, ne, end;
        const char *value;
        if (s[i] != '{' || !placeholder_at(s, len, i, &ns, &ne, &end)) continue;
        value = lookup(store, s + ns, ne - ns);
        if (!value) { /* unknown: left as written (store_placeholders_check reported it) */
            i = end - 1;
            continue;
        }
        ks_buf_append(&b, s + copied, i - copied);
        /* A phone or emergency number is never split over two lines on
         * the screen: its spaces and hyphens become the no-break kinds
         * (U+00A0, U+2011), which search still treats as word breaks.
         * Words ("the front desk") may wrap as usual. */
        int whole = markdown && ne - ns >= 6 && strpbrk(value, "0123456789") &&
                    (!strncasecmp(s + ne - 5, "phone", 5) || !strncasecmp(s + ne - 6, "number", 6));
        for (const unsigned char *v = (const unsigned char *)value; *v; v++) {
            if (*v < 0x20 || *v == 0x7f) { /* a value never breaks a line */
                ks_buf_putc(&b, ' ');
                continue;
            }
            if (whole && *v == ' ') {
                ks_buf_puts(&b, "\xC2\xA0");
                continue;
            }
            if (whole && *v == '-') {
                ks_buf_puts(&b, "\xE2\x80\x91");
                continue;
            }
            /* In Markdown every ASCII punctuation mark may be escaped, so
             * "Smith & *Jones*" or "[24h] 555-0100" shows as typed. */
            if (markdown && ispunct(*v)) ks_buf_putc(&b, '\\');
            ks_buf_putc(&b, (char)*v);
        }
        if (used) {
            ks_buf_append(used, s + ns, ne - ns);
            ks_buf_putc(used, '=');
            ks_buf_puts(used, value);
            ks_buf_putc(used, '\n');
        }
        copied = end;
        i = end - 1;
    }
    if (!b.data) return NULL; /* nothing filled in */
    ks_buf_append(&b, s + copied, len - copied);
    if (out_len) *out_len = b.len;
    return ks_buf_detach(&b);
}

void store_placeholders_fill_field(const ks_store *store, char **field, ks_buf *used) {
    char *filled;
    if (!*field || !strstr(*field, "{{")) return;
    filled = store_placeholders_fill(store, *field, strlen(*field), 0, 0, used, NULL);
    if (filled) {
        free(*field);
        *field = filled;
    }
}
