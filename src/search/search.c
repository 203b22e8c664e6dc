/* search: running a plan in rounds that leave words out, ranking,
 * glossary entries, and building results with snippets and highlight
 * ranges. Opening, closing and keeping the caches in step: reload.c. */
#include "search_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNIPPET_WORDS 20

int64_t ks_search_generation(const ks_search *s) {
    return s ? s->generation : 0;
}

/* ------------------------------------------------------------ results */

static void hit_free(ks_search_hit *h) {
    free(h->slug);
    free(h->title);
    free(h->topic);
    free(h->section);
    free(h->anchor);
    free(h->snippet);
    free(h->highlights);
}

void ks_search_results_free(ks_search_results *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) hit_free(&r->hits[i]);
    free(r->hits);
    free(r->corrected);
    free(r);
}

static ks_search_hit *add_hit(ks_search_results *r, size_t limit, const sr_page *p, double score) {
    if (r->n == 0) r->hits = ks_calloc(limit, sizeof *r->hits);
    ks_search_hit *h = &r->hits[r->n++];
    h->slug = ks_strdup(p->slug);
    h->title = ks_strdup(p->title);
    h->topic = ks_strdup(p->topic);
    h->section = ks_strdup(p->section);
    h->anchor = ks_strdup("");
    h->score = score;
    return h;
}

typedef struct short_hit {
    const sr_page *p;
    double score;
} short_hit;

static int cmp_short(const void *a, const void *b) {
    const short_hit *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->p->order != y->p->order) return x->p->order < y->p->order ? -1 : 1;
    return strcmp(x->p->slug, y->p->slug);
}

/* One or two letters typed alone: pages with a title or keyword word
 * starting with them, from memory. */
static void run_short(ks_search *s, const char *prefix, size_t limit, ks_search_results *r) {
    size_t pl = strlen(prefix);
    if (limit <= SR_SHORT_MAX && pl >= 1 && pl <= 2 && s->short_at) { /* ranked when the caches loaded */
        uint32_t key = (uint32_t)(unsigned char)prefix[0] << 8 | (pl == 2 ? (unsigned char)prefix[1] : 0u);
        sr_term term = {.len = pl, .prefix = 1};
        memcpy(term.w, prefix, pl + 1);
        term.stem = pl;
        if (!s->short_at[key]) return;
        const sr_short *t = &s->short_tab[s->short_at[key] - 1];
        for (size_t i = 0; i < t->n && r->n < limit; i++) {
            const sr_page *p = &s->pages[t->page[i]];
            ks_search_hit *h = add_hit(r, limit, p, t->score[i]);
            const char *text = p->summary[0] ? p->summary : p->title;
            sr_snippet(text, strlen(text), &term, term.len >= 2, SNIPPET_WORDS, h); /* "o" highlights nothing */
        }
        return;
    }
    char pat[16];
    short_hit *hits = NULL;
    size_t n = 0;
    snprintf(pat, sizeof pat, " %s", prefix);
    for (size_t i = 0; i < s->n_pages; i++) {
        const sr_page *p = &s->pages[i];
        const char *m = strstr(p->heads, pat);
        if (!m) continue;
        const char *bar = strstr(p->heads, " |");
        double score = 1.0;
        if (bar && m < bar) score += 2.0;        /* in the title */
        if (m == p->heads) score += 1.0;         /* the title's first word */
        if (p->is_topic_index) score += 0.5;
        hits = ks_realloc(hits, (n + 1) * sizeof *hits);
        hits[n].p = p;
        hits[n].score = score;
        n++;
    }
    if (n > 1) qsort(hits, n, sizeof *hits, cmp_short);
    sr_term term = {.len = strlen(prefix), .prefix = 1};
    memcpy(term.w, prefix, term.len + 1);
    term.stem = term.len;
    for (size_t i = 0; i < n && r->n < limit; i++) {
        ks_search_hit *h = add_hit(r, limit, hits[i].p, hits[i].score);
        const char *text = hits[i].p->summary[0] ? hits[i].p->summary : hits[i].p->title;
        sr_snippet(text, strlen(text), &term, term.len >= 2, SNIPPET_WORDS, h); /* "o" highlights nothing */
    }
    free(hits);
}

static const sr_page *find_page(const ks_search *s, int64_t id) {
    size_t a = 0, b = s->n_pages;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (s->pages[mid].id < id) a = mid + 1;
        else b = mid;
    }
    return a < s->n_pages && s->pages[a].id == id ? &s->pages[a] : NULL;
}

/* Whether word w (len n) matches a word of the folded word list list
 * (" a b c ", up to stop): exactly, as a prefix when prefix, or as the same
 * word with another ending ("injection" / "injections"). */
static int word_in(const char *list, const char *stop, const char *w, size_t n, int prefix) {
    for (const char *p = list; p && p < stop && *p;) {
        while (p < stop && *p == ' ') p++;
        const char *e = p;
        while (e < stop && *e && *e != ' ') e++;
        size_t m = (size_t)(e - p);
        if (m == 0) break;
        if (m == n && memcmp(p, w, n) == 0) return 1;
        if (prefix && m >= n && memcmp(p, w, n) == 0) return 1;
        size_t shorter = m < n ? m : n, longer = m < n ? n : m;
        if (shorter >= 4 && longer - shorter <= 3 && memcmp(p, w, shorter) == 0) return 1;
        p = e;
    }
    return 0;
}

/* How many of the plan's groups have an alternative whose words all occur
 * in the list [from, stop). */
static size_t groups_in(const sr_plan *plan, const char *from, const char *stop) {
    size_t hits = 0;
    for (size_t g = 0; g < plan->n_groups; g++) {
        const sr_group *gr = &plan->groups[g];
        int any = 0;
        for (size_t a = 0; a < gr->n_alt && !any; a++) {
            const char *t = gr->alt[a].text;
            int all = 1;
            while (*t && all) {
                const char *e = strchr(t, ' ');
                size_t n = e ? (size_t)(e - t) : strlen(t);
                all = word_in(from, stop, t, n, gr->alt[a].prefix && !e);
                t += n + (e ? 1 : 0);
            }
            any = all;
        }
        hits += any;
    }
    return hits;
}

typedef struct cand {
    const sr_page *p;
    int64_t id;
    double score;
    int tier;   /* 0: ranked over everything or over titles; 1: filled in */
    int words;  /* query words (groups) matched */
    int intent; /* the section asked for, in the topic named */
} cand;

/* Ranking rules, in order (Meilisearch's model): more query words matched,
 * the section asked for, ranked before filled in, then bm25 with the
 * field weights and the title lift. */
static int cmp_cand(const void *a, const void *b) {
    const cand *x = a, *y = b;
    if (x->words != y->words) return x->words > y->words ? -1 : 1;
    if (x->intent != y->intent) return x->intent > y->intent ? -1 : 1;
    if (x->tier != y->tier) return x->tier < y->tier ? -1 : 1;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int page_intent(const sr_plan *plan, const sr_page *p) {
    if (!plan->intent[0] || strcmp(p->section, plan->intent) != 0) return 0;
    return !plan->topic[0] || strcmp(p->topic, plan->topic) == 0;
}

#define MAX_CANDIDATES 128
/* Above this score_cost, FTS5's bm25 would spend milliseconds weighing
 * the words (reading every page list in full): the matches are taken
 * unscored, in page order, and ranked by the title and keyword lift
 * alone. Never reached on a clinic's few hundred pages. On the 17,825-page
 * corpus, 6,000 gave a CPU p99 of 1.6 ms but 7 of its 399 typed phrases
 * lost their page from first place; 20,000 keeps all of them (p99 2.4). */
#define SCORE_COST_MAX 20000

static uint32_t mask_all(const sr_plan *plan) {
    return plan->n_groups >= 32 ? UINT32_MAX : (1u << plan->n_groups) - 1;
}

/* How many pages the plan may match, from the vocabulary: for each group
 * the sum over its alternatives, and the smallest group bounds the AND.
 * family: count a word with an ending ("willing", "uses") as every word
 * starting with its stem ("will…", "use…"), since FTS5 matches the
 * Porter stem: what ranking will really have to score. */
static uint64_t word_pages(const ks_search *s, const uint64_t *cum, const char *t, size_t len, int prefix,
                           int family) {
    char w[SR_WORD_CAP];
    size_t lo, hi;
    if (len >= sizeof w) return 0;
    memcpy(w, t, len);
    w[len] = '\0';
    if (!prefix && family && sr_stem_len(w, len) < len) {
        w[sr_stem_len(w, len)] = '\0';
        prefix = 1;
    }
    if (prefix) {
        sr_vocab_prefix_range(&s->vocab, w, &lo, &hi);
        return cum[hi] - cum[lo];
    }
    const sr_word *vw = sr_vocab_find(&s->vocab, w);
    size_t i = vw ? (size_t)(vw - s->vocab.w) : 0;
    return vw ? cum[i + 1] - cum[i] : 0;
}

static uint64_t estimate_ex(const ks_search *s, const sr_plan *plan, uint32_t mask, int heads, int family) {
    const uint64_t *cum = heads ? s->vocab.cum_hdf : s->vocab.cum_df;
    uint64_t best = UINT64_MAX;
    if (!cum) return 0;
    for (size_t g = 0; g < plan->n_groups; g++) {
        uint64_t sum = 0;
        if (!(mask & (1u << g))) continue;
        for (size_t a = 0; a < plan->groups[g].n_alt; a++) {
            const sr_alt *alt = &plan->groups[g].alt[a];
            uint64_t phrase = UINT64_MAX;
            const char *t = alt->text;
            while (*t) {
                const char *e = strchr(t, ' ');
                size_t len = e ? (size_t)(e - t) : strlen(t);
                uint64_t df = word_pages(s, cum, t, len, alt->prefix && !e, family);
                if (df < phrase) phrase = df;
                t += len + (e ? 1 : 0);
            }
            sum += phrase == UINT64_MAX ? 0 : phrase;
        }
        if (sum < best) best = sum;
    }
    return best == UINT64_MAX ? 0 : best;
}

static uint64_t estimate(const ks_search *s, const sr_plan *plan, uint32_t mask, int heads) {
    return estimate_ex(s, plan, mask, heads, 0);
}

/* What scoring the groups of mask costs FTS5: bm25 reads the whole page
 * list of every phrase for its weight, so the sum over every word of
 * every alternative of the pages holding its stem family. */
static uint64_t score_cost(const ks_search *s, const sr_plan *plan, uint32_t mask) {
    uint64_t sum = 0;
    if (!s->vocab.cum_df) return 0;
    for (size_t g = 0; g < plan->n_groups && g < 32; g++) {
        if (!(mask & (1u << g))) continue;
        for (size_t a = 0; a < plan->groups[g].n_alt; a++) {
            const sr_alt *alt = &plan->groups[g].alt[a];
            for (const char *t = alt->text; *t;) {
                const char *e = strchr(t, ' ');
                size_t len = e ? (size_t)(e - t) : strlen(t);
                sum += word_pages(s, s->vocab.cum_df, t, len, alt->prefix && !e, 1);
                t += len + (e ? 1 : 0);
            }
        }
    }
    return sum;
}

typedef struct collect_ctx {
    const ks_search *s;
    cand *c;
    size_t *n, before;
    int tier;
} collect_ctx;

static int collect_one(void *ctx, int64_t id, double score) {
    collect_ctx *k = ctx;
    cand *c = k->c;
    for (size_t i = 0; i < k->before; i++)
        if (c[i].id == id) return 0;
    const sr_page *p = find_page(k->s, id);
    if (p) c[(*k->n)++] = (cand){.id = id, .p = p, .score = score, .tier = k->tier};
    return *k->n >= MAX_CANDIDATES;
}

/* Append up to want candidates matching match (flags: KS_INDEX_MATCH_*)
 * not already in c. */
static int collect(ks_search *s, const char *match, unsigned flags, size_t want, int tier, cand *c, size_t *n) {
    collect_ctx k = {.s = s, .c = c, .n = n, .before = *n, .tier = tier};
    if (*n >= MAX_CANDIDATES) return 0;
    return ks_index_reader_match(s->rd, match, flags, want, collect_one, &k);
}

/* The same in the title and keywords only (KS_INDEX_MATCH_HEADS), for
 * the groups of mask: from the heads map when it can answer (heads.c). */
static int collect_heads(ks_search *s, const sr_plan *plan, uint32_t mask, const char *match, unsigned flags,
                         size_t want, cand *c, size_t *n) {
    collect_ctx k = {.s = s, .c = c, .n = n, .before = *n, .tier = 0};
    if (*n >= MAX_CANDIDATES) return 0;
    if (!s->heads_off && sr_heads_match(s, plan, mask, flags, want, collect_one, &k)) return 0;
    return collect(s, match, KS_INDEX_MATCH_HEADS | flags, want, 0, c, n);
}

/* How many query words a page answers, found in a round with the groups
 * of mask: the plain words matched, a word that names the topic also for
 * every page of that topic, and the intent words ("painful", "time off")
 * only for the page of the section they ask for, never for a page that
 * merely uses the word. */
static int page_words(const sr_plan *plan, uint32_t mask, const sr_page *p, int intent) {
    int words = 0;
    for (size_t g = 0; g < plan->n_groups; g++) {
        const sr_group *gr = &plan->groups[g];
        if (gr->intent) words += intent;
        else if (gr->topic) words += (mask & (1u << g)) || (plan->topic[0] && strcmp(p->topic, plan->topic) == 0);
        else words += (mask & (1u << g)) != 0;
    }
    return words;
}

/* One round: the pages matching every group in mask, ranked with bm25 in
 * FTS5 (title and keywords first when the words are common), then lifted
 * when their title (and keywords) hold the words asked for, so "questions
 * to ask my doctor" finds the page of that name above pages that say
 * "questions" often. New candidates are appended to c. */
static int run_round(ks_search *s, const sr_plan *plan, uint32_t mask, size_t limit, cand *c, size_t *n) {
    ks_buf match = {0};
    size_t from = *n, want = limit * 2 > 20 ? limit * 2 : 20;
    int rc = 0, words = __builtin_popcount(mask);
    if (want > MAX_CANDIDATES) want = MAX_CANDIDATES;
    sr_plan_match_mask(plan, mask, &match);
    int cheap = score_cost(s, plan, mask) <= SCORE_COST_MAX;
    unsigned scored = cheap ? KS_INDEX_MATCH_SCORED : 0u;
    if (cheap && estimate_ex(s, plan, mask, 0, 1) <= s->rank_all_max) {
        rc = collect(s, match.data, KS_INDEX_MATCH_RANKED, want, 0, c, n);
    } else {
        uint64_t eh = estimate_ex(s, plan, mask, 1, 1);
        if (eh > 0)
            rc = collect_heads(s, plan, mask, match.data, cheap && eh <= s->rank_all_max ? KS_INDEX_MATCH_RANKED : scored,
                               want, c, n);
        if (rc == 0 && *n - from < limit) rc = collect(s, match.data, scored, want, 1, c, n);
    }
    ks_buf_free(&match);
    for (size_t i = from; i < *n; i++) {
        const char *heads = c[i].p->heads, *bar = strstr(heads, " |");
        double in_title = (double)groups_in(plan, heads, bar ? bar : heads + strlen(heads)) / (double)plan->n_groups;
        double in_kw = bar ? (double)groups_in(plan, bar + 2, bar + strlen(bar)) / (double)plan->n_groups : 0.0;
        double base = c[i].score > 0.01 ? c[i].score : 0.01;
        c[i].score = base * (1.0 + 0.8 * in_title + 0.3 * in_kw + (c[i].p->is_topic_index ? 0.1 : 0.0));
        c[i].intent = page_intent(plan, c[i].p);
        c[i].words = page_words(plan, mask, c[i].p, c[i].intent);
    }
    (void)words;
    return rc;
}

/* The group to leave out next when the pages holding every word are too
 * few: first the intent words (they ask for a section, which ranking
 * honours anyway), then the most common word; never a word that names the
 * topic, never the last word. Returns the bits to clear, 0 for none. */
static uint32_t next_drop(const ks_search *s, const sr_plan *plan, uint32_t mask) {
    uint32_t intents = 0, best = 0;
    uint64_t best_df = 0;
    if (__builtin_popcount(mask) <= 1) return 0;
    for (size_t g = 0; g < plan->n_groups; g++)
        if ((mask & (1u << g)) && plan->groups[g].intent) intents |= 1u << g;
    if (intents && intents != mask) return intents;
    for (size_t g = 0; g < plan->n_groups; g++) {
        if (!(mask & (1u << g)) || plan->groups[g].topic) continue;
        uint64_t df = estimate(s, plan, 1u << g, 0);
        if (!best || df > best_df) {
            best = 1u << g;
            best_df = df;
        }
    }
    return best;
}

/* The text of page p split into words: its body (its title when it has
 * none), kept with the texts of the pages shown last while the index is
 * of *version (NULL: not known; then split into *tmp, not kept). */
static const sr_split *page_text(ks_search *s, const sr_page *p, const int64_t *version, sr_split *tmp) {
    const char *body = NULL;
    size_t len = 0, at = 0;
    sr_texts *t = s->texts;
    if (version && !t) t = s->texts = ks_calloc(1, sizeof *t);
    if (version && t->version != *version) { /* another sync: nothing kept is of this index */
        sr_texts_free(t);
        t->version = *version;
    }
    for (size_t i = 0; version && i < SR_TEXTS; i++)
        if (t->id[i] == p->id) {
            t->used[i] = ++t->clock;
            return &t->sp[i];
        }
    int rc = ks_index_reader_body(s->rd, p->id, &body, &len);
    if (rc != 1) len = 0;
    if (!len) {
        body = p->title;
        len = strlen(body);
    }
    if (!version || rc < 0) { /* a failed read is not kept */
        sr_split_text(body, len, 0, tmp);
        return tmp;
    }
    for (size_t i = 1; i < SR_TEXTS; i++)
        if (t->used[i] < t->used[at]) at = i; /* a free entry was never used: 0 */
    sr_split_free(&t->sp[at]);
    sr_split_text(body, len, 1, &t->sp[at]);
    t->id[at] = p->id;
    t->used[at] = ++t->clock;
    return &t->sp[at];
}

/* Run a plan through FTS5 inside one read transaction, so the ranking and
 * the snippets see the same version of the index. Words are left out one
 * by one (next_drop) while fewer than DROP_BELOW pages hold all of them,
 * and the pages found with fewer words rank below; then the pages of the
 * section asked for. (Filling every one of the limit places this way
 * would cost up to five FTS5 queries on many keystrokes of a long query:
 * three good pages are enough to read on.) */
#define DROP_BELOW 3
static int run_plan(ks_search *s, const sr_plan *plan, size_t limit, ks_search_results *r) {
    cand c[MAX_CANDIDATES];
    size_t n = 0;
    int rc = 0;
    if (ks_index_reader_begin(s->rd) != 0) return KS_INDEX_ERR_DB;
    int64_t version = 0;
    int have_version = ks_index_reader_version(s->rd, &version) == 0;
    uint32_t mask = plan->n_groups >= 32 ? UINT32_MAX : (1u << plan->n_groups) - 1;
    for (int round = 0; mask && rc == 0 && round < 4; round++) {
        rc = run_round(s, plan, mask, limit, c, &n);
        if (n >= DROP_BELOW) break;
        uint32_t drop = next_drop(s, plan, mask);
        if (!drop) break;
        mask &= ~drop;
    }
    /* still short: the pages holding any of the words, bm25 ranking
     * those with more of them first, below all of the above */
    if (rc == 0 && n < DROP_BELOW && plan->n_groups > 1) {
        ks_buf any = {0};
        for (size_t g = 0; g < plan->n_groups && g < 32; g++) {
            if (plan->groups[g].intent) continue;
            if (any.len) ks_buf_puts(&any, " OR ");
            ks_buf_putc(&any, '(');
            sr_plan_match_mask(plan, 1u << g, &any);
            ks_buf_putc(&any, ')');
        }
        size_t from = n;
        unsigned scored = score_cost(s, plan, mask_all(plan)) <= SCORE_COST_MAX ? KS_INDEX_MATCH_SCORED : 0u;
        if (any.len) rc = collect(s, any.data, scored, limit * 2, 1, c, &n);
        for (size_t i = from; i < n; i++) {
            c[i].intent = page_intent(plan, c[i].p);
            c[i].words = 1;
        }
        ks_buf_free(&any);
    }
    if (rc == 0 && plan->intent[0]) /* the section asked for, even without the words */
        for (size_t i = 0, added = 0; i < s->n_pages && n < MAX_CANDIDATES && added < limit; i++) {
            const sr_page *p = &s->pages[i];
            int dup = 0;
            if (!page_intent(plan, p)) continue;
            for (size_t k = 0; k < n && !dup; k++) dup = c[k].id == p->id;
            if (dup) continue;
            c[n] = (cand){.p = p, .id = p->id, .score = 1.0 / (1 + p->order), .tier = 1, .intent = 1};
            c[n].words = page_words(plan, 0, p, 1);
            n++;
            added++;
        }
    /* the pages of the section asked for: which of the other words do
     * they hold? (a handful of pages, one look-up per word) */
    for (size_t i = 0, checked = 0; rc == 0 && i < n && checked < 4; i++) {
        if (!c[i].intent) continue;
        uint32_t held = 0;
        checked++;
        for (size_t g = 0; g < plan->n_groups && g < 32; g++) {
            ks_buf m1 = {0};
            if (plan->groups[g].intent) continue;
            sr_plan_match_mask(plan, 1u << g, &m1);
            if (ks_index_reader_has(s->rd, m1.data, c[i].id) == 1) held |= 1u << g;
            ks_buf_free(&m1);
        }
        int w = page_words(plan, held, c[i].p, 1);
        if (w > c[i].words) c[i].words = w;
    }
    if (n > 1) qsort(c, n, sizeof *c, cmp_cand);
    sr_term terms[SR_MAX_WORDS * 4];
    size_t n_terms = sr_plan_terms(plan, terms, sizeof terms / sizeof terms[0]);
    for (size_t i = 0; rc == 0 && i < n && i < limit; i++) {
        /* a score that follows the ranking: words, then the section
         * asked for, then the lifted bm25 */
        double sc = (double)c[i].words * 1000.0 + (c[i].intent ? 500.0 : 0.0) + (c[i].score < 499.0 ? c[i].score : 499.0);
        if (r->n && sc >= r->hits[r->n - 1].score) sc = r->hits[r->n - 1].score - 0.001;
        ks_search_hit *h = add_hit(r, limit, c[i].p, sc);
        sr_split tmp = {0};
        sr_snippet_of(page_text(s, c[i].p, have_version ? &version : NULL, &tmp), terms, n_terms, SNIPPET_WORDS, h);
        sr_split_free(&tmp);
    }
    ks_index_reader_end(s->rd);
    return rc;
}

/* A glossary entry whose term is the whole query ("dextrose", "what does
 * ligament mean") comes first, as a result of its own. */
static void add_glossary(ks_search *s, const sr_plan *plan, size_t limit, ks_search_results *r) {
    const sr_gloss *e = NULL;
    size_t kl = strlen(plan->key);
    if (!s->gloss_slug || !kl) return;
    /* "what should I do after prolotherapy" asks for a section, and
     * "prolotherapy" alone for the topic: not for the word's meaning */
    if (!plan->define && (plan->intent[0] || plan->topic[0])) return;
    for (size_t i = 0; i < s->n_gloss && !e; i++) {
        const char *t = s->gloss[i].key;
        size_t tl = strlen(t);
        if (strcmp(t, plan->key) == 0 || (kl == tl + 1 && plan->key[tl] == 's' && strncmp(t, plan->key, tl) == 0) ||
            (tl == kl + 1 && t[kl] == 's' && strncmp(t, plan->key, kl) == 0))
            e = &s->gloss[i];
    }
    if (!e) return;
    if (r->n == 0) r->hits = ks_calloc(limit, sizeof *r->hits);
    else if (r->n == limit) hit_free(&r->hits[--r->n]);
    memmove(r->hits + 1, r->hits, r->n * sizeof *r->hits);
    r->n++;
    ks_search_hit *h = &r->hits[0];
    memset(h, 0, sizeof *h);
    h->slug = ks_strdup(s->gloss_slug);
    h->title = ks_strdup(e->title);
    h->topic = ks_strdup("");
    h->section = ks_strdup("glossary");
    h->anchor = ks_strdup(e->anchor);
    h->score = r->n > 1 ? r->hits[1].score + 1.0 : 1.0;
    sr_term terms[SR_MAX_WORDS * 4];
    size_t n_terms = sr_plan_terms(plan, terms, sizeof terms / sizeof terms[0]);
    sr_snippet(e->text, strlen(e->text), terms, n_terms, SNIPPET_WORDS, h);
}

#define FEW_RESULTS 3

int ks_search_query(ks_search *s, const char *text, size_t limit, ks_search_results **out) {
    ks_search_results *r = ks_calloc(1, sizeof *r);
    sr_plan *plan;
    int rc;
    *out = r;
    if (!s || !text) return 0;
    if (limit == 0) limit = 10;
    if ((rc = sr_refresh(s)) != 0) return rc;
    plan = ks_malloc(sizeof *plan);
    sr_plan_make(s, text, strlen(text), 0, plan);
    if (plan->corrected) r->corrected = ks_strdup(plan->corrected_text);
    if (plan->short_prefix[0]) {
        run_short(s, plan->short_prefix, limit, r);
    } else if (plan->n_groups || plan->intent[0]) {
        rc = run_plan(s, plan, limit, r);
        if (rc == 0) add_glossary(s, plan, limit, r);
        /* Few exact matches: try the typo variants of the words that were
         * found as typed too, ranked below what was found exactly. */
        if (rc == 0 && r->n < FEW_RESULTS && r->n < limit) {
            sr_plan_make(s, text, strlen(text), 1, plan);
            if (plan->widened) {
                ks_search_results *more = ks_calloc(1, sizeof *more);
                rc = run_plan(s, plan, limit, more);
                double floor = r->n ? r->hits[r->n - 1].score : 0.0;
                for (size_t i = 0; i < more->n && r->n < limit; i++) {
                    int dup = 0;
                    for (size_t k = 0; k < r->n && !dup; k++) dup = strcmp(r->hits[k].slug, more->hits[i].slug) == 0;
                    if (dup) continue;
                    if (r->n == 0) r->hits = ks_calloc(limit, sizeof *r->hits);
                    ks_search_hit *h = &r->hits[r->n++];
                    *h = more->hits[i];
                    memset(&more->hits[i], 0, sizeof more->hits[i]); /* moved */
                    if (floor > 0 && h->score >= floor) h->score = floor * 0.99;
                    floor = h->score;
                }
                ks_search_results_free(more);
            }
        }
    }
    free(plan);
    if (r->n == 0 && r->corrected) { /* nothing found: do not suggest */
        free(r->corrected);
        r->corrected = NULL;
    }
    return rc;
}

void ks_search_results_json(const ks_search_results *r, ks_buf *b) {
    ks_buf_putc(b, '[');
    for (size_t i = 0; r && i < r->n; i++) {
        const ks_search_hit *h = &r->hits[i];
        if (i) ks_buf_putc(b, ',');
        ks_buf_puts(b, "{\"slug\":\"");
        ks_buf_json_string(b, h->slug, strlen(h->slug));
        ks_buf_puts(b, "\",\"title\":\"");
        ks_buf_json_string(b, h->title, strlen(h->title));
        ks_buf_puts(b, "\",\"topic\":\"");
        ks_buf_json_string(b, h->topic, strlen(h->topic));
        ks_buf_puts(b, "\",\"section\":\"");
        ks_buf_json_string(b, h->section, strlen(h->section));
        ks_buf_puts(b, "\",\"snippet\":\"");
        ks_buf_json_string(b, h->snippet, strlen(h->snippet));
        ks_buf_puts(b, "\",\"highlights\":[");
        for (size_t k = 0; k < h->n_highlights; k++) { /* by hand: printf was a tenth of an answer's output */
            char num[48], *e = num + sizeof num, *p = e;
            size_t v = h->highlights[k].end;
            *--p = ']';
            do *--p = (char)('0' + v % 10); while ((v /= 10) > 0);
            *--p = ',';
            v = h->highlights[k].start;
            do *--p = (char)('0' + v % 10); while ((v /= 10) > 0);
            *--p = '[';
            if (k) *--p = ',';
            ks_buf_append(b, p, (size_t)(e - p));
        }
        ks_buf_printf(b, "],\"score\":%.4f", h->score == h->score ? h->score : 0.0);
        if (h->anchor && h->anchor[0]) {
            ks_buf_puts(b, ",\"anchor\":\"");
            ks_buf_json_string(b, h->anchor, strlen(h->anchor));
            ks_buf_putc(b, '"');
        }
        if (r->corrected) {
            ks_buf_puts(b, ",\"corrected\":\"");
            ks_buf_json_string(b, r->corrected, strlen(r->corrected));
            ks_buf_putc(b, '"');
        }
        ks_buf_putc(b, '}');
    }
    ks_buf_putc(b, ']');
}

size_t ks_search_complete(ks_search *s, const char *text, char **out, size_t max) {
    char w[SR_WORD_CAP] = "", t[SR_WORD_CAP];
    size_t pos = 0, end = 0, len, n = 0;
    if (!s || !text || max == 0 || sr_refresh(s) != 0) return 0;
    len = strlen(text);
    if (len > KS_SEARCH_MAX_INPUT) return 0;
    while (ks_index_next_word(text, len, &pos, t, sizeof t, NULL, &end)) memcpy(w, t, sizeof w);
    if (!w[0] || end != len) return 0;
    const sr_word *c[16];
    n = sr_completions(&s->vocab, w, c, max < 16 ? max : 16);
    for (size_t i = 0; i < n; i++) out[i] = ks_strdup(c[i]->word);
    return n;
}
