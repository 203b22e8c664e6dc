/* plan: what a patient typed -> groups of quoted alternatives for FTS5.
 *
 * The text is split into folded words (the index's own splitting), so no
 * byte of it ever reaches FTS5 as syntax: every word is quoted, and words
 * never contain quotes. Then stop words are dropped, unknown words are
 * corrected from the vocabulary (or dropped), lay phrases get their
 * synonyms as alternatives, and the word still being typed becomes a
 * prefix. */
#include "search_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct qword {
    char w[SR_WORD_CAP];   /* as typed, folded */
    size_t len;
    int stop;              /* a stop word, not searched on its own */
    int open;              /* the last word, still being typed */
    char eff[SR_WORD_CAP]; /* the word meant (after correction) */
    int corrected;         /* eff differs from w by a typo correction */
    int consumed;          /* part of a synonym phrase group */
    int intent;            /* part of a section intent phrase */
    int topic;             /* names a topic */
    sr_alt alt[SR_MAX_ALTS];
    size_t n_alt;
} qword;

static void alt_set(sr_alt *a, const char *text, int prefix) {
    snprintf(a->text, sizeof a->text, "%s", text);
    a->prefix = prefix;
}

static void add_alt(sr_alt *alts, size_t *n, const char *text, int prefix) {
    if (*n >= SR_MAX_ALTS || !*text) return;
    for (size_t i = 0; i < *n; i++)
        if (alts[i].prefix == prefix && strcmp(alts[i].text, text) == 0) return;
    alt_set(&alts[(*n)++], text, prefix);
}

static int known(const ks_search *s, const char *w) {
    return sr_vocab_find(&s->vocab, w) != NULL || sr_vocab_find(&s->syn_words, w) != NULL;
}

static int has_prefix(const sr_vocab *v, const char *w) {
    size_t lo, hi;
    sr_vocab_prefix_range(v, w, &lo, &hi);
    return hi > lo;
}

/* A typed prefix is searched as its most useful completions instead of
 * as an FTS5 prefix when the prefix is heavy, because
 *   - FTS5 reads and merges the doclist of every indexed word under the
 *     prefix before it returns one row, whatever the other words and the
 *     LIMIT ("time ins" took 7-20 ms; with the eight best completions of
 *     "ins", 0.2 ms);
 *   - FTS5 stems the prefix first (Porter), so "used"* searches "us"*,
 *     "typing"* "type"* and "documented"* "docum"*: the words under the
 *     stemmed prefix count (the index reader stems as FTS5 does; 5-11 ms
 *     on 17,825 pages for "transform is used", "typing", "documented"
 *     when only a final "s" or "e" was dropped here). The completions are
 *     searched as words, each of which FTS5 stems to one token ("used"
 *     to "us": the pages saying use, used or uses), one page list each.
 * Heavy: more than HEAVY_PREFIX_POSTINGS (word, page) pairs, which no
 * prefix reaches on a clinic's few hundred pages, where prefixes stay
 * prefixes. Returns 1 when it added alternatives. */
#define HEAVY_PREFIX_POSTINGS 2000
static int heavy_prefix(const ks_search *s, const char *w) {
    const sr_vocab *v = &s->vocab;
    char cut[SR_WORD_CAP];
    size_t lo, hi, n = strlen(w);
    if (!v->cum_df || n >= sizeof cut) return 0;
    if (!ks_index_reader_stem(s->rd, w, n, cut, sizeof cut)) { /* no tokenizer: Porter's first and last steps */
        memcpy(cut, w, n + 1);
        if (n > 3 && cut[n - 1] == 's' && cut[n - 2] != 's') cut[--n] = '\0';
        else if (n == 3 && cut[2] == 's' && cut[1] != 's') cut[--n] = '\0';
        if (n > 2 && cut[n - 1] == 'e') cut[--n] = '\0';
    }
    sr_vocab_prefix_range(v, cut, &lo, &hi);
    return hi - lo > SR_MAX_ALTS && v->cum_df[hi] - v->cum_df[lo] > HEAVY_PREFIX_POSTINGS;
}

static int prefix_as_words(const ks_search *s, const char *w, sr_alt *alts, size_t *n_alt) {
    const sr_vocab *v = &s->vocab;
    if (!heavy_prefix(s, w)) return 0;
    const sr_word *cw[SR_MAX_ALTS];
    size_t k = sr_completions(v, w, cw, SR_MAX_ALTS);
    for (size_t i = 0; i < k; i++) add_alt(alts, n_alt, cw[i]->word, 0);
    return k > 0;
}

/* FTS5 matches a prefix against the stems it indexed, so a prefix that
 * ends inside a suffix Porter strips finds nothing: "injecti"* matches no
 * page saying "injection" (indexed as "inject"), and "typin"* none saying
 * "typing" ("type"). The completions whose stem does not start with the
 * prefix's stem are added as words beside the prefix (looked at when at
 * most 64 words start with it). */
#define STEM_CHECK_WORDS 64
static void add_stem_misses(const ks_search *s, const char *w, sr_alt *alts, size_t *n_alt) {
    char ws[SR_WORD_CAP], cs[SR_WORD_CAP];
    size_t lo, hi, wl = ks_index_reader_stem(s->rd, w, strlen(w), ws, sizeof ws);
    sr_vocab_prefix_range(&s->vocab, w, &lo, &hi);
    if (!wl || hi - lo > STEM_CHECK_WORDS) return;
    const sr_word *cw[SR_MAX_ALTS];
    size_t k = sr_completions(&s->vocab, w, cw, SR_MAX_ALTS - 1);
    for (size_t i = 0; i < k; i++) {
        size_t cl = ks_index_reader_stem(s->rd, cw[i]->word, cw[i]->len, cs, sizeof cs);
        if (cl && (cl < wl || memcmp(cs, ws, wl) != 0)) add_alt(alts, n_alt, cw[i]->word, 0);
    }
}

/* Up to max most useful completions of prefix (title and keyword words
 * first, then frequency), stop words left out. */
size_t sr_completions(const sr_vocab *v, const char *prefix, const sr_word **out, size_t max) {
    size_t lo, hi, n = 0;
    sr_vocab_prefix_range(v, prefix, &lo, &hi);
    for (size_t i = lo; i < hi; i++) {
        const sr_word *w = &v->w[i];
        if (w->stop) continue;
        uint64_t key = (uint64_t)w->hdf * 4 + w->df;
        size_t j = n < max ? n++ : max;
        if (j == max) {
            const sr_word *last = out[max - 1];
            if (key <= (uint64_t)last->hdf * 4 + last->df) continue;
            j = max - 1;
        }
        while (j > 0 && (uint64_t)out[j - 1]->hdf * 4 + out[j - 1]->df < key) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = w;
    }
    return n;
}

/* Decide the alternatives of one content word. */
static void resolve(const ks_search *s, qword *q, int only_word, int widen, sr_plan *plan) {
    snprintf(q->eff, sizeof q->eff, "%s", q->w);
    if (q->open) {
        if (q->len <= 2) {
            if (only_word) {
                memcpy(plan->short_prefix, q->w, q->len + 1); /* len <= 2 */
                return;
            }
            const sr_complete *c = sr_complete_find(s, q->w); /* precomputed: no scan */
            for (size_t i = 0; c && i < c->n && i < 5; i++) add_alt(q->alt, &q->n_alt, s->vocab.w[c->idx[i]].word, 0);
            return;
        }
        if (prefix_as_words(s, q->w, q->alt, &q->n_alt)) return;
        if (has_prefix(&s->vocab, q->w) || has_prefix(&s->syn_words, q->w)) {
            add_alt(q->alt, &q->n_alt, q->w, 1);
            add_stem_misses(s, q->w, q->alt, &q->n_alt);
            return;
        }
        sr_candidate c[3];
        size_t n = sr_typo_candidates(&s->vocab, q->w, q->len, 1, c, 3);
        for (size_t i = 0; i < n; i++)
            if (c[i].dist == c[0].dist) add_alt(q->alt, &q->n_alt, c[i].word, 0);
        if (n) {
            snprintf(q->eff, sizeof q->eff, "%s", c[0].word);
            q->corrected = 1;
        }
        return;
    }
    if (known(s, q->w)) {
        if (sr_vocab_find(&s->vocab, q->w)) add_alt(q->alt, &q->n_alt, q->w, 0);
        if (widen) { /* few exact matches: also the nearest other words */
            sr_candidate c[2];
            size_t n = sr_typo_candidates(&s->vocab, q->w, q->len, 0, c, 2);
            for (size_t i = 0; i < n; i++)
                if (c[i].dist == c[0].dist) {
                    add_alt(q->alt, &q->n_alt, c[i].word, 0);
                    plan->widened = 1;
                }
        }
        return;
    }
    sr_candidate c[3], cs[3];
    size_t n = sr_typo_candidates(&s->vocab, q->w, q->len, 0, c, 3);
    size_t ns = sr_typo_candidates(&s->syn_words, q->w, q->len, 0, cs, 1);
    if (ns && (!n || cs[0].dist < c[0].dist)) {
        snprintf(q->eff, sizeof q->eff, "%s", cs[0].word); /* a lay word: synonyms do the rest */
        q->corrected = 1;
        if (sr_vocab_find(&s->vocab, q->eff)) add_alt(q->alt, &q->n_alt, q->eff, 0);
        return;
    }
    if (n) {
        for (size_t i = 0; i < n; i++)
            if (c[i].dist == c[0].dist) add_alt(q->alt, &q->n_alt, c[i].word, 0);
        snprintf(q->eff, sizeof q->eff, "%s", c[0].word);
        q->corrected = 1;
        return;
    }
    if (q->len >= 3) { /* "ozon": the start of a word the pages use */
        const sr_word *cw[2];
        size_t k = sr_completions(&s->vocab, q->w, cw, 2);
        for (size_t i = 0; i < k; i++) add_alt(q->alt, &q->n_alt, cw[i]->word, 0);
        if (k) {
            snprintf(q->eff, sizeof q->eff, "%s", cw[0]->word);
            q->corrected = 1;
        }
    }
}

/* Whether synonym sy's lay phrase matches the words starting at q[i]. The
 * last query word, if still being typed, may be the start of the phrase's
 * last word (4 letters at least). */
static int syn_matches(const sr_synonym *sy, const qword *q, size_t i, size_t n) {
    if (i + sy->n_from > n) return 0;
    for (size_t k = 0; k < sy->n_from; k++) {
        const qword *w = &q[i + k];
        if (strcmp(w->eff, sy->from[k]) == 0) continue;
        if (w->open && k + 1 == sy->n_from && !w->corrected && w->len >= 4 &&
            strncmp(sy->from[k], w->eff, w->len) == 0)
            continue;
        return 0;
    }
    return 1;
}

/* Whether the word w starting at text[start] is the end of an English
 * contraction ("don't", "it's", "we'll", "they’re"): the tokenizer splits at
 * the apostrophe, and a lone "t" or "s" would then search as a prefix of
 * every word. */
static int contraction_tail(const char *text, size_t start, const char *w) {
    static const char *const tails[] = {"t", "s", "d", "m", "ll", "re", "ve"};
    int apostrophe = (start >= 1 && text[start - 1] == '\'') ||
                     (start >= 3 && memcmp(text + start - 3, "\xE2\x80\x99", 3) == 0);
    if (!apostrophe) return 0;
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++)
        if (strcmp(w, tails[i]) == 0) return 1;
    return 0;
}

/* Whether intent phrase it matches the words q[idx[at..]] (eff forms). */
static int intent_at(const sr_intent *it, const qword *q, const size_t *idx, size_t at, size_t m) {
    if (at + it->n_from > m) return 0;
    for (size_t k = 0; k < it->n_from; k++)
        if (strcmp(q[idx[at + k]].eff, it->from[k]) != 0 && strcmp(q[idx[at + k]].w, it->from[k]) != 0) return 0;
    return 1;
}

/* Mark the words that name a topic ("prolotherapy", "ozone"), then the
 * phrases of intents.txt among the other words, longest first: "how does
 * prolotherapy work" holds "how does work" (what-it-is). */
static void mark_topics_and_intents(const ks_search *s, qword *q, size_t n, sr_plan *plan) {
    size_t idx[SR_MAX_WORDS], m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *topic = !q[i].stop && strlen(q[i].eff) >= 3 ? sr_topic_of(s, q[i].eff) : NULL;
        if (topic) {
            q[i].topic = 1;
            if (!plan->topic[0]) snprintf(plan->topic, sizeof plan->topic, "%s", topic);
        }
        if (!q[i].topic) idx[m++] = i;
    }
    size_t intent_len = 0;
    for (size_t at = 0; at < m;) {
        const sr_intent *best = NULL;
        for (size_t k = 0; k < s->n_intents; k++)
            if (intent_at(&s->intents[k], q, idx, at, m) && (!best || s->intents[k].n_from > best->n_from))
                best = &s->intents[k];
        if (!best || (best->n_from == 1 && q[idx[at]].open && q[idx[at]].stop)) {
            at++;
            continue;
        }
        for (size_t k = 0; k < best->n_from; k++) q[idx[at + k]].intent = 1;
        /* the longest phrase asks; on a tie the later one ("what are the
         * side effects" asks for the side effects) */
        if (best->n_from >= intent_len) {
            snprintf(plan->intent, sizeof plan->intent, "%s", best->section);
            intent_len = best->n_from;
        }
        at += best->n_from;
    }
}

void sr_plan_make(const ks_search *s, const char *text, size_t len, int widen, sr_plan *plan) {
    qword *q = ks_calloc(SR_MAX_WORDS, sizeof *q);
    size_t n = 0, pos = 0, end = 0, content = 0;
    memset(plan, 0, sizeof *plan);
    if (len > KS_SEARCH_MAX_INPUT) len = KS_SEARCH_MAX_INPUT;
    while (n < SR_MAX_WORDS) {
        size_t start = 0;
        size_t k = ks_index_next_word(text, len, &pos, q[n].w, sizeof q[n].w, &start, &end);
        if (!k) break;
        if (contraction_tail(text, start, q[n].w)) continue; /* the "t" of "don't" */
        q[n].len = k;
        q[n].stop = sr_is_stop_word(q[n].w);
        content += !q[n].stop;
        n++;
    }
    if (n == 0) goto out;
    q[n - 1].open = end == len && len < KS_SEARCH_MAX_INPUT;
    if (content == 0) {
        /* only stop words: search the last one ("wha" may not be a stop
         * word yet; "what " should not blank the results "what" showed) */
        q[n - 1].stop = 0;
        content = 1;
    }
    for (size_t i = 0; i < n; i++)
        if (!q[i].stop) resolve(s, &q[i], content == 1, widen, plan);
        else snprintf(q[i].eff, sizeof q[i].eff, "%s", q[i].w);

    mark_topics_and_intents(s, q, n, plan);

    /* groups, with synonym phrases (longest match first) */
    for (size_t i = 0; i < n && plan->n_groups < SR_MAX_WORDS; i++) {
        const sr_synonym *best = NULL;
        for (size_t k = 0; k < s->n_syn; k++)
            if (syn_matches(&s->syn[k], q, i, n) && (!best || s->syn[k].n_from > best->n_from))
                best = &s->syn[k];
        if (best && best->n_from == 1 && q[i].stop) best = NULL;
        if (best) {
            sr_group *g = &plan->groups[plan->n_groups++];
            if (best->n_from == 1) {
                for (size_t a = 0; a < q[i].n_alt; a++) add_alt(g->alt, &g->n_alt, q[i].alt[a].text, q[i].alt[a].prefix);
            } else {
                char phrase[sizeof g->alt[0].text] = "";
                size_t pl = 0;
                for (size_t k = 0; k < best->n_from && pl < sizeof phrase; k++) /* never past the end */
                    pl += (size_t)snprintf(phrase + pl, sizeof phrase - pl, "%s%s", k ? " " : "", q[i + k].eff);
                add_alt(g->alt, &g->n_alt, phrase, q[i + best->n_from - 1].open);
            }
            /* every synonym with the same lay phrase adds its target */
            for (size_t k = 0; k < s->n_syn; k++) {
                const sr_synonym *o = &s->syn[k];
                if (o->n_from != best->n_from) continue;
                int same = 1;
                for (size_t m = 0; m < o->n_from && same; m++) same = strcmp(o->from[m], best->from[m]) == 0;
                if (same) add_alt(g->alt, &g->n_alt, o->to, 0);
            }
            for (size_t k = 0; k < best->n_from; k++) {
                q[i + k].consumed = 1;
                g->intent |= q[i + k].intent;
                g->topic |= q[i + k].topic;
                g->typos |= q[i + k].corrected;
            }
            i += best->n_from - 1;
            continue;
        }
        if (q[i].stop || q[i].n_alt == 0) continue;
        sr_group *g = &plan->groups[plan->n_groups++];
        for (size_t a = 0; a < q[i].n_alt; a++) add_alt(g->alt, &g->n_alt, q[i].alt[a].text, q[i].alt[a].prefix);
        g->intent = q[i].intent;
        g->topic = q[i].topic;
        g->typos = q[i].corrected;
    }
    /* the content words, for the glossary ("what does ligament mean" ->
     * "ligament") */
    {
        static const char *const define_words[] = {"mean", "means", "meaning", "define", "definition", "word",
                                                   "term", "whats", "explain"};
        size_t kl = 0;
        for (size_t i = 0; i < n; i++) {
            int def = 0;
            for (size_t d = 0; d < sizeof define_words / sizeof define_words[0]; d++)
                def |= strcmp(q[i].eff, define_words[d]) == 0;
            if (def) plan->define = 1;
            /* "what is X", "what are X", "what's X" ask for a meaning too */
            if (i + 1 < n && strcmp(q[i].w, "what") == 0 &&
                (strcmp(q[i + 1].w, "is") == 0 || strcmp(q[i + 1].w, "are") == 0 || strcmp(q[i + 1].w, "s") == 0))
                plan->define = 1;
            if (def || (q[i].stop && n > 1)) continue;
            int w = snprintf(plan->key + kl, sizeof plan->key - kl, "%s%s", kl ? " " : "", q[i].eff);
            if (w < 0 || (size_t)w >= sizeof plan->key - kl) break;
            kl += (size_t)w;
        }
    }
    /* a short prefix typed alone goes the in-memory way, unless a synonym
     * took it */
    if (plan->short_prefix[0] && plan->n_groups) plan->short_prefix[0] = '\0';

    for (size_t i = 0; i < n; i++)
        if (q[i].corrected) plan->corrected = 1;
    if (plan->corrected) {
        size_t pl = 0;
        for (size_t i = 0; i < n; i++) {
            int w = snprintf(plan->corrected_text + pl, sizeof plan->corrected_text - pl, "%s%s", i ? " " : "",
                             q[i].eff);
            if (w < 0 || (size_t)w >= sizeof plan->corrected_text - pl) break;
            pl += (size_t)w;
        }
    }
out:
    free(q);
}

static void put_quoted(ks_buf *b, const char *text) {
    ks_buf_putc(b, '"');
    for (const char *p = text; *p; p++) {
        if (*p == '"') ks_buf_putc(b, '"');
        ks_buf_putc(b, *p);
    }
    ks_buf_putc(b, '"');
}

void sr_plan_match(const sr_plan *plan, ks_buf *b) {
    sr_plan_match_mask(plan, UINT32_MAX, b);
}

void sr_plan_match_mask(const sr_plan *plan, uint32_t mask, ks_buf *b) {
    int first = 1;
    for (size_t g = 0; g < plan->n_groups; g++) {
        const sr_group *gr = &plan->groups[g];
        if (!(mask & (1u << g))) continue;
        if (!first) ks_buf_puts(b, " AND ");
        first = 0;
        if (gr->n_alt > 1) ks_buf_putc(b, '(');
        for (size_t a = 0; a < gr->n_alt; a++) {
            if (a) ks_buf_puts(b, " OR ");
            put_quoted(b, gr->alt[a].text);
            if (gr->alt[a].prefix) ks_buf_putc(b, '*');
        }
        if (gr->n_alt > 1) ks_buf_putc(b, ')');
    }
}
