/* synonyms: content/synonyms.txt, the lay words patients type mapped to the
 * words the pages use. One mapping a line:
 *
 *     shot, jab, needle = injection
 *     # a comment
 *
 * The store only reads and checks the file; search applies it. */
#include "store_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *store_synonyms_normalise(const char *s, size_t n) {
    ks_buf b = {0};
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c)) {
            space = 1;
            continue;
        }
        if (space && b.len) ks_buf_putc(&b, ' ');
        space = 0;
        ks_buf_putc(&b, (char)tolower(c));
    }
    return ks_buf_detach(&b);
}

int store_lines_next(store_lines *it, const char **s, size_t *n) {
    while (it->off < it->len) {
        const char *line = it->text + it->off;
        const char *nl = memchr(line, '\n', it->len - it->off);
        size_t len = nl ? (size_t)(nl - line) : it->len - it->off;
        size_t i = 0;
        it->off += len + 1;
        it->line++;
        while (i < len && isspace((unsigned char)line[i])) i++;
        if (i == len || line[i] == '#') continue;
        *s = line;
        *n = len;
        return 1;
    }
    return 0;
}

size_t store_synonyms_add_list(ks_store *store, size_t *cap, const char *p, const char *end, const char *to,
                               int line) {
    size_t added = 0;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        if (!comma) comma = end;
        char *from = store_synonyms_normalise(p, (size_t)(comma - p));
        if (*from) {
            if (store->n_synonyms == *cap)
                store->synonyms = ks_realloc(store->synonyms, (*cap *= 2) * sizeof(ks_synonym));
            ks_synonym *syn = &store->synonyms[store->n_synonyms++];
            syn->from = from;
            syn->to = ks_strdup(to);
            syn->line = line;
            added++;
        } else {
            free(from);
        }
        p = comma + 1;
    }
    return added;
}

void store_synonyms_parse(ks_store *store, const char *text, size_t len) {
    size_t cap = 16;
    store->synonyms = ks_calloc(cap, sizeof(ks_synonym));
    store_lines it = {text, len, 0, 0};
    const char *s;
    size_t n;
    while (store_lines_next(&it, &s, &n)) {
        int line = it.line;
        const char *eq = memchr(s, '=', n);
        char *to = eq ? store_synonyms_normalise(eq + 1, n - (size_t)(eq + 1 - s)) : NULL;
        if (!eq || !*to) {
            store_diag_add(&store->diags, "synonyms.txt", line, KS_DIAG_ERROR,
                     "expected 'lay words = page words', like 'shot, jab = injection'");
            free(to);
            continue;
        }
        if (!store_synonyms_add_list(store, &cap, s, eq, to, line)) {
            store_diag_add(&store->diags, "synonyms.txt", line, KS_DIAG_ERROR,
                     "no lay words before '=' on this line");
        }
        free(to);
    }
}

/* The set of words on the pages, kept as 64-bit hashes of their lowercase
 * form in an open-addressing table: built once per load, so checking a
 * synonym line costs a few look-ups instead of a scan of every page. */
typedef struct word_set {
    uint64_t *slots; /* 0 = empty */
    size_t cap, len; /* cap is a power of two */
} word_set;

static int word_byte(unsigned char c) { return isalnum(c) || c >= 0x80; }

static uint64_t word_hash(const char *w, size_t n) {
    char buf[128];
    if (n > sizeof buf) n = sizeof buf;
    for (size_t i = 0; i < n; i++) buf[i] = (char)tolower((unsigned char)w[i]);
    uint64_t h = ks_hash64(buf, n);
    return h ? h : 1;
}

static void set_add(word_set *set, uint64_t h) {
    if ((set->len + 1) * 2 > set->cap) {
        word_set bigger = {ks_calloc(set->cap ? set->cap * 2 : 1024, sizeof(uint64_t)),
                           set->cap ? set->cap * 2 : 1024, 0};
        for (size_t i = 0; i < set->cap; i++)
            if (set->slots[i]) set_add(&bigger, set->slots[i]);
        free(set->slots);
        *set = bigger;
    }
    size_t i = (size_t)h & (set->cap - 1);
    while (set->slots[i]) {
        if (set->slots[i] == h) return;
        i = (i + 1) & (set->cap - 1);
    }
    set->slots[i] = h;
    set->len++;
}

static int set_has(const word_set *set, uint64_t h) {
    if (!set->cap) return 0;
    size_t i = (size_t)h & (set->cap - 1);
    while (set->slots[i]) {
        if (set->slots[i] == h) return 1;
        i = (i + 1) & (set->cap - 1);
    }
    return 0;
}

static void set_add_text(word_set *set, const char *text) {
    const char *p = text;
    while (*p) {
        while (*p && !word_byte((unsigned char)*p)) p++;
        const char *w = p;
        while (*p && word_byte((unsigned char)*p)) p++;
        if (p > w) set_add(set, word_hash(w, (size_t)(p - w)));
    }
}

/* Whether every word of phrase is on some page. */
static int phrase_used(const word_set *set, const char *phrase) {
    const char *p = phrase;
    while (*p) {
        while (*p && !word_byte((unsigned char)*p)) p++;
        const char *w = p;
        while (*p && word_byte((unsigned char)*p)) p++;
        if (p > w && !set_has(set, word_hash(w, (size_t)(p - w)))) return 0;
    }
    return 1;
}

void store_synonyms_check_used(ks_store *store) {
    if (!store->n_synonyms) return;
    word_set set = {0};
    for (size_t k = 0; k < store->n_pages; k++) {
        const ks_page *p = store->pages[k];
        const page_file *f = ((const page_view *)p)->file;
        if (p->errors) continue;
        if (f->arena) { /* a skeleton from a records file: no text, its words instead */
            for (size_t j = 0; j < f->n_syn_words; j++) set_add(&set, f->syn_words[j]);
            continue;
        }
        set_add_text(&set, p->text);
        set_add_text(&set, p->title);
        for (size_t j = 0; j < p->n_keywords; j++) set_add_text(&set, p->keywords[j]);
    }
    int last_line = 0;
    for (size_t i = 0; i < store->n_synonyms; i++) {
        const ks_synonym *syn = &store->synonyms[i];
        if (syn->to[0] == '@') continue; /* a section intent (intents.txt) */
        if (syn->line == last_line) continue; /* one check per line */
        last_line = syn->line;
        if (!phrase_used(&set, syn->to))
            store_diag_add(&store->diags, "synonyms.txt", syn->line, KS_DIAG_WARNING,
                     "'%s' does not appear on any page, so this line never helps a search", syn->to);
    }
    free(set.slots);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Add the words of text that are in targets to found. */
static void add_found(word_set *found, const word_set *targets, const char *text) {
    const char *p = text;
    while (*p) {
        while (*p && !word_byte((unsigned char)*p)) p++;
        const char *w = p;
        while (*p && word_byte((unsigned char)*p)) p++;
        if (p > w) {
            uint64_t h = word_hash(w, (size_t)(p - w));
            if (set_has(targets, h)) set_add(found, h);
        }
    }
}

size_t store_synonyms_page_words(const ks_store *store, const ks_page *page, uint64_t **out) {
    word_set targets = {0}, found = {0};
    *out = NULL;
    for (size_t i = 0; i < store->n_synonyms; i++) set_add_text(&targets, store->synonyms[i].to);
    add_found(&found, &targets, page->text);
    add_found(&found, &targets, page->title);
    for (size_t j = 0; j < page->n_keywords; j++) add_found(&found, &targets, page->keywords[j]);
    size_t n = 0;
    if (found.len) {
        *out = ks_malloc(found.len * sizeof(uint64_t));
        for (size_t i = 0; i < found.cap; i++)
            if (found.slots[i]) (*out)[n++] = found.slots[i];
        qsort(*out, n, sizeof(uint64_t), cmp_u64);
    }
    free(targets.slots);
    free(found.slots);
    return n;
}
