/* caches: what a search handle keeps in memory, loaded from the index
 * when the handle opens and again when the index generation moves: the
 * vocabulary (sorted, with running page counts), synonyms and section
 * intents, page records, the words that name topics, glossary entries,
 * the best completions of every 1-3 letter prefix and the best pages of
 * every 1-2 letter prefix, so no keystroke computes any of them. */
#include "search_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ caches */

static void fold_words(ks_buf *b, const char *text);

void sr_free_caches(ks_search *s) {
    if (!s->vocab.pool)
        for (size_t i = 0; i < s->vocab.n; i++) free(s->vocab.w[i].word);
    free(s->vocab.pool);
    s->vocab.pool = NULL;
    free(s->vocab.w);
    free(s->vocab.cum_df);
    free(s->vocab.cum_hdf);
    s->vocab.w = NULL;
    s->vocab.cum_df = s->vocab.cum_hdf = NULL;
    s->vocab.n = 0;
    for (size_t i = 0; i < s->syn_words.n; i++) free(s->syn_words.w[i].word);
    free(s->syn_words.w);
    s->syn_words.w = NULL;
    s->syn_words.n = 0;
    for (size_t i = 0; i < s->n_syn; i++) {
        for (size_t k = 0; k < s->syn[i].n_from; k++) free(s->syn[i].from[k]);
        free(s->syn[i].from);
        free(s->syn[i].to);
    }
    free(s->syn);
    s->syn = NULL;
    s->n_syn = 0;
    for (size_t i = 0; i < s->n_pages; i++) {
        sr_page *p = &s->pages[i];
        free(p->slug); /* and title, topic, section, summary */
        free(p->heads);
    }
    free(s->pages);
    s->pages = NULL;
    sr_heads_free(&s->heads);
    s->n_pages = 0;
    for (size_t i = 0; i < s->n_intents; i++) {
        for (size_t k = 0; k < s->intents[i].n_from; k++) free(s->intents[i].from[k]);
        free(s->intents[i].from);
        free(s->intents[i].section);
    }
    free(s->intents);
    s->intents = NULL;
    s->n_intents = 0;
    for (size_t i = 0; i < s->n_topic_words; i++) free(s->topic_words[i]);
    free(s->topic_words);
    s->topic_words = NULL;
    s->n_topic_words = 0;
    free(s->short_at);
    free(s->short_tab);
    s->short_at = NULL;
    s->short_tab = NULL;
    s->n_short = 0;
    for (size_t i = 0; i < s->n_gloss; i++) {
        free(s->gloss[i].key);
        free(s->gloss[i].anchor);
        free(s->gloss[i].title);
        free(s->gloss[i].text);
    }
    free(s->gloss);
    s->gloss = NULL;
    s->n_gloss = 0;
    free(s->gloss_slug);
    s->gloss_slug = NULL;
    free(s->complete);
    s->complete = NULL;
    s->n_complete = 0;
    s->loaded = 0;
}

/* The plain text of a Markdown line: link targets, emphasis and code marks
 * left out ("[dextrose](../glossary.md#dextrose)" -> "dextrose"). */
static void md_plain(ks_buf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ']' && i + 1 < n && s[i + 1] == '(') {
            const char *close = memchr(s + i, ')', n - i);
            if (close) {
                i = (size_t)(close - s);
                continue;
            }
        }
        if (c == '[' || c == ']' || c == '*' || c == '_' || c == '`') continue;
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
        if (c == ' ' && b->len && b->data[b->len - 1] == ' ') continue;
        ks_buf_putc(b, c);
    }
}

/* Whether a page is the glossary: its slug or section says so. */
static int is_glossary(const sr_page *p) {
    size_t n = strlen(p->slug);
    return strcmp(p->slug, "glossary") == 0 || (n > 9 && strcmp(p->slug + n - 9, "/glossary") == 0) ||
           strcmp(p->section, "glossary") == 0;
}

/* Glossary entries: each "## Term" of the first page (by id) whose slug or
 * section says glossary, with the text under it. */
static int load_glossary(ks_search *s) {
    const sr_page *g = NULL;
    for (size_t i = 0; i < s->n_pages && !g; i++)
        if (is_glossary(&s->pages[i])) g = &s->pages[i];
    if (!g) return 0;
    const char *md;
    size_t len, cap = 0;
    int rc = ks_index_reader_markdown(s->rd, g->id, &md, &len);
    if (rc < 0) return rc;
    if (rc == 0) return 0;
    {
        s->gloss_slug = ks_strdup(g->slug);
        sr_gloss *cur = NULL;
        ks_buf text = {0};
        for (size_t off = 0; off < len;) {
            const char *line = md + off, *nl = memchr(line, '\n', len - off);
            size_t n = nl ? (size_t)(nl - line) : len - off;
            off += n + 1;
            if (n > 3 && memcmp(line, "## ", 3) == 0) {
                if (cur) cur->text = ks_buf_detach(&text);
                ks_buf_free(&text);
                if (s->n_gloss == cap) s->gloss = ks_realloc(s->gloss, (cap = cap ? cap * 2 : 64) * sizeof *s->gloss);
                cur = &s->gloss[s->n_gloss++];
                memset(cur, 0, sizeof *cur);
                ks_buf term = {0}, key = {0};
                md_plain(&term, line + 3, n - 3);
                while (term.len && term.data[term.len - 1] == ' ') term.len--;
                ks_buf_putc(&term, '\0');
                fold_words(&key, term.data);
                cur->key = ks_strdup(key.len ? key.data + 1 : "");
                cur->anchor = ks_link_anchor(line + 3, n - 3);
                cur->title = ks_sprintf("%s \xe2\x80\x94 Glossary", term.data);
                ks_buf_free(&term);
                ks_buf_free(&key);
            } else if (cur && n && line[0] != '#') {
                if (!text.len) { /* "Dextrose: A kind of sugar…": the term leads its snippet */
                    const char *t = cur->title, *dash = strstr(t, " \xe2\x80\x94 ");
                    ks_buf_append(&text, t, dash ? (size_t)(dash - t) : strlen(t));
                    ks_buf_puts(&text, ": ");
                }
                if (text.len) ks_buf_putc(&text, ' ');
                md_plain(&text, line, n);
            } else if (n && line[0] == '#') {
                if (cur) cur->text = ks_buf_detach(&text);
                ks_buf_free(&text);
                cur = NULL;
            }
        }
        if (cur) cur->text = ks_buf_detach(&text);
        ks_buf_free(&text);
        for (size_t i = 0; i < s->n_gloss; i++)
            if (!s->gloss[i].text) s->gloss[i].text = ks_strdup("");
    }
    return 0;
}

/* Fold text into space-separated words into b. */
static void fold_words(ks_buf *b, const char *text) {
    char w[SR_WORD_CAP];
    size_t pos = 0, len = strlen(text);
    while (ks_index_next_word(text, len, &pos, w, sizeof w, NULL, NULL)) {
        ks_buf_putc(b, ' ');
        ks_buf_puts(b, w);
    }
}

static int cmp_word(const void *a, const void *b) {
    return strcmp(((const sr_word *)a)->word, ((const sr_word *)b)->word);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "word topic-slug" entries: compare the word part with key. */
static int cmp_topic_key(const void *key, const void *elem) {
    const char *k = key, *e = *(const char *const *)elem;
    size_t kl = strlen(k);
    int c = strncmp(k, e, kl);
    if (c) return c;
    return e[kl] == ' ' ? 0 : -1; /* e is longer: key sorts first */
}

const char *sr_topic_of(const ks_search *s, const char *w) {
    if (!s->n_topic_words) return NULL;
    char *const *hit = bsearch(w, s->topic_words, s->n_topic_words, sizeof *s->topic_words, cmp_topic_key);
    return hit ? *hit + strlen(w) + 1 : NULL;
}

/* The same order as the short path's: score, then page order, then slug. */
static int short_before(const ks_search *s, uint32_t a, double sa, uint32_t b, double sb) {
    if (sa != sb) return sa > sb;
    if (s->pages[a].order != s->pages[b].order) return s->pages[a].order < s->pages[b].order;
    return strcmp(s->pages[a].slug, s->pages[b].slug) < 0;
}

/* For every 1-2 letter prefix, the best pages whose title or keyword words
 * start with it, ranked as run_short ranks them: no keystroke scans every
 * page's words. */
static void build_short(ks_search *s) {
    uint32_t *last = ks_malloc(65536 * sizeof *last);
    size_t cap = 0;
    s->short_at = ks_calloc(65536, sizeof *s->short_at);
    for (size_t i = 0; i < 65536; i++) last[i] = UINT32_MAX;
    for (size_t i = 0; i < s->n_pages; i++) {
        const sr_page *p = &s->pages[i];
        const char *h = p->heads, *bar = strstr(h, " |");
        for (const char *w = h; *w; w++) {
            if (*w != ' ' || !w[1] || w[1] == ' ' || w[1] == '|') continue;
            for (int L = 1; L <= 2; L++) {
                if (L == 2 && (!w[2] || w[2] == ' ')) break;
                uint32_t key = (uint32_t)(unsigned char)w[1] << 8 | (L == 2 ? (unsigned char)w[2] : 0u);
                if (last[key] == i) continue; /* the first occurrence scores */
                last[key] = (uint32_t)i;
                double score = 1.0;
                if (bar && w < bar) score += 2.0;
                if (w == h) score += 1.0;
                if (p->is_topic_index) score += 0.5;
                if (!s->short_at[key]) {
                    if (s->n_short == cap) s->short_tab = ks_realloc(s->short_tab, (cap = cap ? cap * 2 : 1024) * sizeof *s->short_tab);
                    memset(&s->short_tab[s->n_short], 0, sizeof *s->short_tab);
                    s->short_at[key] = (uint32_t)++s->n_short;
                }
                sr_short *t = &s->short_tab[s->short_at[key] - 1];
                size_t at = t->n < SR_SHORT_MAX ? t->n++ : SR_SHORT_MAX;
                if (at == SR_SHORT_MAX) {
                    if (!short_before(s, (uint32_t)i, score, t->page[at - 1], t->score[at - 1])) continue;
                    at--;
                }
                while (at > 0 && short_before(s, (uint32_t)i, score, t->page[at - 1], t->score[at - 1])) {
                    t->page[at] = t->page[at - 1];
                    t->score[at] = t->score[at - 1];
                    at--;
                }
                t->page[at] = (uint32_t)i;
                t->score[at] = score;
            }
        }
    }
    free(last);
}

typedef struct load_ctx {
    ks_search *s;
    size_t cap, wcap;
    ks_buf pool; /* the vocabulary's words, each with its NUL */
} load_ctx;

/* One vocabulary word: its text goes to k->pool, and e->word holds its
 * offset there until the pool stops moving (sr_load_caches). */
static int add_vocab(void *ctx, const ks_index_word *w) {
    load_ctx *k = ctx;
    ks_search *s = k->s;
    if (w->len >= SR_WORD_CAP) return 0;
    if (s->vocab.n == k->cap) s->vocab.w = ks_realloc(s->vocab.w, (k->cap = k->cap ? k->cap * 2 : 1024) * sizeof *s->vocab.w);
    sr_word *e = &s->vocab.w[s->vocab.n++];
    e->word = (char *)(uintptr_t)k->pool.len;
    ks_buf_append(&k->pool, w->word, w->len);
    ks_buf_putc(&k->pool, '\0');
    e->len = (uint32_t)w->len;
    e->df = w->df;
    e->hdf = w->hdf;
    e->stop = w->len <= 7 && sr_is_stop_word(k->pool.data + (uintptr_t)e->word);
    return 0;
}

static int add_synonym(void *ctx, const char *from, const char *to) {
    load_ctx *k = ctx;
    ks_search *s = k->s;
    ks_buf tb = {0};
    char w[SR_WORD_CAP];
    size_t pos = 0, n;
    if (to[0] == '@') { /* a section intent (intents.txt) */
        sr_intent it = {0};
        while ((n = ks_index_next_word(from, strlen(from), &pos, w, sizeof w, NULL, NULL)) > 0) {
            it.from = ks_realloc(it.from, (it.n_from + 1) * sizeof *it.from);
            it.from[it.n_from++] = ks_strdup(w);
        }
        if (!it.n_from) return 0;
        it.section = ks_strdup(to + 1);
        s->intents = ks_realloc(s->intents, (s->n_intents + 1) * sizeof *s->intents);
        s->intents[s->n_intents++] = it;
        return 0;
    }
    fold_words(&tb, to);
    if (!tb.len) {
        ks_buf_free(&tb);
        return 0;
    }
    sr_synonym sy = {0};
    while ((n = ks_index_next_word(from, strlen(from), &pos, w, sizeof w, NULL, NULL)) > 0) {
        sy.from = ks_realloc(sy.from, (sy.n_from + 1) * sizeof *sy.from);
        sy.from[sy.n_from++] = ks_strdup(w);
        if (s->syn_words.n == k->wcap)
            s->syn_words.w = ks_realloc(s->syn_words.w, (k->wcap = k->wcap ? k->wcap * 2 : 64) * sizeof *s->syn_words.w);
        sr_word *e = &s->syn_words.w[s->syn_words.n++];
        e->word = ks_strdup(w);
        e->len = (uint32_t)n;
        e->df = 1;
        e->hdf = 0;
        e->stop = 0;
    }
    if (!sy.n_from) {
        ks_buf_free(&tb);
        return 0;
    }
    sy.to = ks_strdup(tb.data + 1);
    ks_buf_free(&tb);
    if (s->n_syn == k->cap) s->syn = ks_realloc(s->syn, (k->cap = k->cap ? k->cap * 2 : 64) * sizeof *s->syn);
    s->syn[s->n_syn++] = sy;
    return 0;
}

static int add_page(void *ctx, const ks_index_row *row) {
    load_ctx *k = ctx;
    ks_search *s = k->s;
    if (s->n_pages == k->cap) s->pages = ks_realloc(s->pages, (k->cap = k->cap ? k->cap * 2 : 64) * sizeof *s->pages);
    sr_page *p = &s->pages[s->n_pages++];
    ks_buf h = {0};
    p->id = row->id;
    { /* the five strings in one allocation: a fifth of the mallocs */
        const char *src[5] = {row->slug, row->title, row->topic, row->section, row->summary};
        size_t len[5], total = 0;
        for (int i = 0; i < 5; i++) total += (len[i] = strlen(src[i])) + 1;
        char *at = ks_malloc(total), *dst[5];
        for (int i = 0; i < 5; i++) {
            memcpy(at, src[i], len[i] + 1);
            dst[i] = at;
            at += len[i] + 1;
        }
        p->slug = dst[0];
        p->title = dst[1];
        p->topic = dst[2];
        p->section = dst[3];
        p->summary = dst[4];
    }
    p->is_topic_index = row->is_topic_index;
    p->order = row->order;
    fold_words(&h, p->title);
    ks_buf_puts(&h, " |");
    fold_words(&h, row->keywords);
    ks_buf_putc(&h, ' ');
    p->heads = ks_buf_detach(&h);
    sr_heads_add(s, (uint32_t)(s->n_pages - 1), p->title, row->keywords);
    if (p->is_topic_index && p->topic[0]) { /* the words that name this topic */
        char w[SR_WORD_CAP];
        size_t pos = 0, tl = strlen(p->title);
        size_t n, topic_len = strlen(p->topic);
        while ((n = ks_index_next_word(p->title, tl, &pos, w, sizeof w, NULL, NULL)) > 0)
            if (!sr_is_stop_word(w)) {
                if (s->n_topic_words == k->wcap)
                    s->topic_words = ks_realloc(s->topic_words, (k->wcap = k->wcap ? k->wcap * 2 : 256) * sizeof *s->topic_words);
                char *e = ks_malloc(n + 1 + topic_len + 1); /* "word topic" */
                memcpy(e, w, n);
                e[n] = ' ';
                memcpy(e + n + 1, p->topic, topic_len + 1);
                s->topic_words[s->n_topic_words++] = e;
            }
    }
    return 0;
}

int sr_load_caches(ks_search *s) {
    load_ctx k = {.s = s};
    int rc;
    sr_free_caches(s);
    rc = ks_index_reader_vocab(s->rd, add_vocab, &k);
    s->vocab.pool = ks_buf_detach(&k.pool); /* it moves no more: offsets become pointers */
    for (size_t i = 0; i < s->vocab.n; i++) s->vocab.w[i].word = s->vocab.pool + (uintptr_t)s->vocab.w[i].word;
    if (rc != 0) return rc;
    s->vocab.cum_df = ks_malloc((s->vocab.n + 1) * sizeof *s->vocab.cum_df);
    s->vocab.cum_hdf = ks_malloc((s->vocab.n + 1) * sizeof *s->vocab.cum_hdf);
    s->vocab.cum_df[0] = s->vocab.cum_hdf[0] = 0;
    for (size_t i = 0; i < s->vocab.n; i++) {
        s->vocab.cum_df[i + 1] = s->vocab.cum_df[i] + s->vocab.w[i].df;
        s->vocab.cum_hdf[i + 1] = s->vocab.cum_hdf[i] + s->vocab.w[i].hdf;
    }

    k.cap = 0;
    if ((rc = ks_index_reader_synonyms(s->rd, add_synonym, &k)) != 0) return rc;
    if (s->syn_words.n > 1) { /* sort and drop duplicates */
        qsort(s->syn_words.w, s->syn_words.n, sizeof *s->syn_words.w, cmp_word);
        size_t n = 1;
        for (size_t i = 1; i < s->syn_words.n; i++) {
            if (strcmp(s->syn_words.w[i].word, s->syn_words.w[n - 1].word) == 0) free(s->syn_words.w[i].word);
            else s->syn_words.w[n++] = s->syn_words.w[i];
        }
        s->syn_words.n = n;
    }

    k.cap = k.wcap = 0;
    if ((rc = ks_index_reader_pages(s->rd, add_page, &k)) != 0) return rc;
    if ((rc = sr_heads_finish(s)) != 0) return rc;
    if (s->n_topic_words > 1) qsort(s->topic_words, s->n_topic_words, sizeof *s->topic_words, cmp_str);
    if ((rc = load_glossary(s)) != 0) return rc;
    sr_complete_build(s);
    build_short(s);
    s->loaded = 1;
    return 0;
}
