/* home: content/home.txt, the common questions Home shows as large rows
 * (3 to 5), each opening a page or one of its headings:
 *
 *     # a comment
 *     What is in a prolotherapy shot? = prolotherapy/what-it-is.md#what-is-in-the-shot
 *     What should I ask my doctor? = questions.md
 *
 * The right side is a link as a page at the top of content/ would write it
 * (the same grammar, ks_link_resolve). A line that is not 'question = page',
 * a page that does not exist or a heading that is not on it is an error at
 * its line, and that question is not shown; more than KS_HOME_MAX lines is
 * a warning (the first ones are shown). */
#include "store_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define HOME_FILE "home.txt"

/* s[0..n) without the spaces around it, as a new string. */
static char *trimmed(const char *s, size_t n) {
    while (n && isspace((unsigned char)*s)) s++, n--;
    while (n && isspace((unsigned char)s[n - 1])) n--;
    return ks_strndup(s, n);
}

/* The question's target as "slug" and "anchor" (NULL for none); 0, or -1
 * with an error added. */
static int resolve(ks_store *store, const char *link, int line, char **slug_out, char **anchor_out) {
    char *target = NULL, *hash, *slug, *frag;
    const ks_page *page;
    *slug_out = *anchor_out = NULL;
    if (!ks_link_resolve("home", link, &target)) {
        store_diag_add(&store->diags, HOME_FILE, line, KS_DIAG_ERROR,
                       "'%s' is not a page of the kiosk: write a page's file, like 'prolotherapy/risks.md'", link);
        return -1;
    }
    hash = strchr(target, '#');
    frag = hash && hash[1] ? ks_strdup(hash + 1) : NULL;
    slug = hash ? ks_strndup(target, (size_t)(hash - target)) : ks_strdup(target);
    free(target);
    page = ks_store_find(store, slug);
    if (!page && ks_store_find_topic(store, slug)) { /* "prolotherapy/" or "prolotherapy" */
        char *idx = ks_sprintf("%s/index", slug);
        free(slug);
        slug = idx;
        page = ks_store_find(store, slug);
    }
    if (!page) {
        store_diag_add(&store->diags, HOME_FILE, line, KS_DIAG_ERROR,
                       "the question leads to '%s', a page that does not exist", link);
        free(slug);
        free(frag);
        return -1;
    }
    if (frag) {
        size_t h;
        for (h = 0; h < page->n_headings; h++)
            if (strcmp(page->headings[h].anchor, frag) == 0) break;
        if (h == page->n_headings) {
            store_diag_add(&store->diags, HOME_FILE, line, KS_DIAG_ERROR,
                           "the question leads to the heading '#%s', which is not on %s", frag, page->path);
            free(slug);
            free(frag);
            return -1;
        }
    }
    *slug_out = slug;
    *anchor_out = frag;
    return 0;
}

void store_home_parse(ks_store *store, const char *text, size_t len) {
    size_t cap = 0;
    int over = 0;
    store_lines it = {text, len, 0, 0};
    const char *s;
    size_t n;
    while (store_lines_next(&it, &s, &n)) {
        int line = it.line;
        /* the last '=': a question may hold one, a file name never does */
        const char *eq = NULL;
        for (size_t k = n; k-- > 0;)
            if (s[k] == '=') {
                eq = s + k;
                break;
            }
        char *question = eq ? trimmed(s, (size_t)(eq - s)) : NULL;
        char *link = eq ? trimmed(eq + 1, n - (size_t)(eq + 1 - s)) : NULL;
        char *slug = NULL, *anchor = NULL;
        if (!eq || !*question || !*link) {
            store_diag_add(&store->diags, HOME_FILE, line, KS_DIAG_ERROR,
                           "expected 'question = page', like 'What should I ask my doctor? = questions.md'");
        } else if (!ks_utf8_valid(question, strlen(question), NULL)) {
            store_diag_add(&store->diags, HOME_FILE, line, KS_DIAG_ERROR, "the question is not UTF-8 text");
        } else if (resolve(store, link, line, &slug, &anchor) == 0) {
            if (store->n_home == KS_HOME_MAX) {
                if (!over)
                    store_diag_add(&store->diags, HOME_FILE, line, KS_DIAG_WARNING,
                                   "Home shows %d questions at most: this one and those after it are not shown",
                                   KS_HOME_MAX);
                over = 1;
                free(slug);
                free(anchor);
            } else {
                if (store->n_home == cap)
                    store->home = ks_realloc(store->home, (cap = cap ? cap * 2 : 8) * sizeof *store->home);
                ks_home_question *q = &store->home[store->n_home++];
                q->text = question;
                q->slug = slug;
                q->anchor = anchor;
                q->line = line;
                question = NULL;
            }
        }
        free(question);
        free(link);
    }
    if (store->n_home > 0 && store->n_home < KS_HOME_MIN)
        store_diag_add(&store->diags, HOME_FILE, 1, KS_DIAG_WARNING,
                       "Home has room for %d to %d common questions; this file gives %zu", KS_HOME_MIN, KS_HOME_MAX,
                       store->n_home);
}

void store_home_free(ks_store *store) {
    for (size_t i = 0; i < store->n_home; i++) {
        free((char *)store->home[i].text);
        free((char *)store->home[i].slug);
        free((char *)store->home[i].anchor);
    }
    free(store->home);
    store->home = NULL;
    store->n_home = 0;
}

size_t ks_store_home_count(const ks_store *store) { return store ? store->n_home : 0; }

const ks_home_question *ks_store_home_question(const ks_store *store, size_t i) {
    return store && i < store->n_home ? &store->home[i] : NULL;
}
