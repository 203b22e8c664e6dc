/* search internals shared by search.c (running the query, results),
 * reload.c (open, close, caches in step), caches.c (loading them),
 * plan.c (turning typed text into a query plan) and typo.c (vocabulary
 * look-ups and the bounded edit distance). */
#ifndef KIOSK_SEARCH_INT_H
#define KIOSK_SEARCH_INT_H

#include "kiosk/search.h"

#include <pthread.h>
#include <stdint.h>

#define SR_MAX_WORDS 16   /* words of a query considered */
#define SR_WORD_CAP 64    /* bytes of one folded word, with the NUL */
#define SR_MAX_ALTS 8     /* alternatives of one query word */

/* One vocabulary word, from the index. */
typedef struct sr_word {
    char *word;
    uint32_t len;
    uint32_t df;  /* pages holding it */
    uint32_t hdf; /* pages holding it in title or keywords */
    uint8_t stop; /* a stop word (sr_is_stop_word), worked out once at load */
} sr_word;

/* A vocabulary sorted by word (byte order), with running sums of df and
 * hdf (cum_df[i] = sum of df of words [0, i)) to estimate how many pages a
 * prefix matches without asking FTS5. */
typedef struct sr_vocab {
    sr_word *w;
    size_t n;
    uint64_t *cum_df;  /* n + 1 entries, or NULL */
    uint64_t *cum_hdf; /* n + 1 entries, or NULL */
    char *pool;        /* when not NULL, every w[i].word points into it (one
                          allocation for 100,000 words, not one each) */
} sr_vocab;

/* One synonym line entry: a lay phrase as words, and its target phrase. */
typedef struct sr_synonym {
    char **from; /* folded words */
    size_t n_from;
    char *to;    /* the target phrase, folded words separated by spaces */
} sr_synonym;

/* A section intent from intents.txt: a phrase of folded words asking for
 * one section ("time off" -> recovery). */
typedef struct sr_intent {
    char **from;
    size_t n_from;
    char *section;
} sr_intent;

/* One glossary entry: a "## Term" of the glossary page. */
typedef struct sr_gloss {
    char *key;    /* the term's folded words, single spaces */
    char *anchor; /* its heading anchor on the page */
    char *title;  /* "Dextrose — Glossary" */
    char *text;   /* the definition (plain text) */
} sr_gloss;

/* Precomputed best completions of every 1-3 letter prefix (by title and
 * keyword use, then frequency), so no keystroke scans the words of a short
 * prefix. */
#define SR_COMPLETE_MAX 8
typedef struct sr_complete {
    char prefix[4];
    uint32_t n;
    uint32_t idx[SR_COMPLETE_MAX]; /* into the vocabulary */
} sr_complete;

/* The best pages for a one- or two-letter prefix typed alone (title and
 * keyword words starting with it), ranked when the caches load. */
#define SR_SHORT_MAX 16
typedef struct sr_short {
    uint32_t n;
    uint32_t page[SR_SHORT_MAX]; /* into pages */
    double score[SR_SHORT_MAX];
} sr_short;

/* The topic named by word w, or NULL. */
const char *sr_topic_of(const ks_search *s, const char *w);

/* What the handle keeps of each page, for results and the short path. */
typedef struct sr_page {
    int64_t id;
    char *slug, *title, *topic, *section, *summary; /* one allocation, at slug */
    char *heads; /* folded title words and keyword words, space separated, with a leading space */
    int is_topic_index;
    int order;
} sr_page;

/* The title and keyword words of every page, as FTS5's tokenizer makes
 * them (heads.c): what the title-and-keyword query of a round asks, so it
 * is answered from memory, with the very bm25 FTS5 would give, instead of
 * FTS5 reading the position lists of every page that holds the words
 * anywhere. */
typedef struct sr_hpost {
    uint32_t page;        /* into pages */
    uint16_t title, kw;   /* times in the title, in the keywords */
} sr_hpost;
typedef struct sr_hnode sr_hnode;
/* Strings to small numbers: an open-addressing hash over a pool. */
typedef struct sr_strtab {
    ks_buf pool;          /* the strings, each with its NUL */
    uint32_t *off;        /* per entry: its offset in pool */
    uint32_t *val;        /* per entry: a value (words: their stem's entry) */
    size_t n, cap;
    uint32_t *slot;       /* 1 + entry, or 0 */
    size_t n_slot;        /* a power of two */
} sr_strtab;
typedef struct sr_heads {
    sr_strtab stems;      /* every stem of a title or keywords */
    sr_strtab words;      /* while loading: a plain ASCII word -> its stem */
    uint32_t *stem_at;    /* stems.n + 1: the postings of stem i are post[stem_at[i], stem_at[i + 1]) */
    sr_hnode *node;       /* while loading: one per token */
    size_t n_node, cap_node;
    sr_hpost *post;       /* by stem, then page */
    uint32_t *len;        /* per page: 1 + its tokens, every column (bm25's length), read when first needed; 0 not yet */
    uint32_t *mark;       /* per page: scratch for a query */
    int64_t rows;
    double avgdl;
    int ready;            /* built whole: else FTS5 answers */
} sr_heads;

/* Ranking every match with bm25 costs a few microseconds per page: above
 * this many estimated matches, rank the title/keyword matches and fill up
 * with unranked body matches instead (a handle's rank_all_max; tests lower
 * it with ks_search_tune to reach the heads map on a small corpus). */
#define SR_RANK_ALL_MAX 400

struct ks_search {
    /* the handle's own (kept when caches are swapped, see swap_caches) */
    ks_index_reader *rd;           /* the index, read through its reader API */
    char *path;                    /* as opened (a loader's shadow borrows it) */
    int background;                /* reload on a thread (ks_search_set_background) */
    int bg_failed;                 /* the last background load failed: load in place */
    struct ks_search *shadow;      /* caches being loaded by loader, or NULL */
    pthread_t loader;
    int done;                      /* in a shadow: its load finished (atomic) */
    uint64_t rank_all_max;         /* ks_search_tune: KS_SEARCH_TUNE_RANK_ALL_MAX */
    int heads_off;                 /* ks_search_tune: KS_SEARCH_TUNE_HEADS_MAP 0 */
    struct sr_texts *texts;        /* the split texts of pages shown last, or NULL */
    /* the caches, from one version of the index */
    int64_t generation;
    int loaded;
    sr_vocab vocab;
    sr_synonym *syn;
    size_t n_syn;
    sr_vocab syn_words; /* every word of every lay phrase, for typo correction */
    sr_page *pages;     /* sorted by id */
    size_t n_pages;
    sr_intent *intents;
    size_t n_intents;
    char **topic_words; /* folded words of topic titles, with the topic slug after a space:
                           "ozone ozone-therapy", sorted (bsearch by the word) */
    size_t n_topic_words;
    uint32_t *short_at;  /* 65536: for a 1-2 letter prefix (b0 << 8 | b1), 1 + its index in short_tab, or 0 */
    struct sr_short *short_tab;
    size_t n_short;
    sr_gloss *gloss;
    size_t n_gloss;
    char *gloss_slug;   /* the glossary page's slug, or NULL */
    sr_complete *complete; /* sorted by prefix */
    size_t n_complete;
    sr_heads heads;
};

/* Load every cache from the index (inside the caller's read transaction),
 * freeing what was there; 0 or KS_INDEX_ERR_DB. */
int sr_load_caches(ks_search *s);
/* Reload the caches when the index generation moved (reload.c); 0 or a
 * negative code. Call before using the caches. */
int sr_refresh(ks_search *s);
/* Free every cache (the handle stays open). */
void sr_free_caches(ks_search *s);

/* The heads map (heads.c): add the title and keywords of page (an index
 * into pages), while loading; finish once every page is in (inside the
 * load's read transaction); free. */
void sr_heads_add(ks_search *s, uint32_t page, const char *title, const char *keywords);
int sr_heads_finish(ks_search *s);
void sr_heads_free(sr_heads *h);
/* Answer the title-and-keyword match of the groups of mask (what
 * ks_index_reader_match does with KS_INDEX_MATCH_HEADS | flags) from the
 * heads map: fn gets each page id and score as FTS5 would give them, in
 * the same order. Returns 1 when answered, 0 when FTS5 must (a phrase of
 * several words, a prefix, no map). */
struct sr_plan;
int sr_heads_match(ks_search *s, const struct sr_plan *plan, uint32_t mask, unsigned flags, size_t limit,
                   ks_index_match_fn fn, void *ctx);

/* The precomputed completions of a 1-3 letter prefix, or NULL. */
const sr_complete *sr_complete_find(const ks_search *s, const char *prefix);
/* Build s->complete from s->vocab. */
void sr_complete_build(ks_search *s);

/* Lookups in a sorted vocabulary. */
const sr_word *sr_vocab_find(const sr_vocab *v, const char *word);
/* [*lo, *hi) is the range of words starting with prefix. */
void sr_vocab_prefix_range(const sr_vocab *v, const char *prefix, size_t *lo, size_t *hi);

/* The typo budget for a word of len bytes: 0, 1 or 2. */
int sr_typo_budget(size_t len);
/* Damerau-Levenshtein (optimal string alignment) distance between a and b,
 * a wrong first letter counting two; when prefix, the distance from a to
 * the closest prefix of b. Returns a value > k as soon as it exceeds k. */
int sr_typo_distance(const char *a, size_t m, const char *b, size_t n, int k, int prefix);

/* A correction candidate. */
typedef struct sr_candidate {
    const char *word;
    int dist;
    uint32_t df;
} sr_candidate;
/* The best (at most max) words of v within the typo budget of word (as a
 * prefix when prefix), nearest first then most frequent. Returns the
 * count. */
size_t sr_typo_candidates(const sr_vocab *v, const char *word, size_t len, int prefix, sr_candidate *out,
                          size_t max);

/* Up to max most useful completions of prefix (title and keyword words
 * first, then frequency), stop words left out; returns the count. */
size_t sr_completions(const sr_vocab *v, const char *prefix, const sr_word **out, size_t max);

/* Stop words never prevent a match. */
int sr_is_stop_word(const char *w);

/* ---------------------------------------------------------------- plan */

/* One alternative for a slot of the query: a phrase of folded words. */
typedef struct sr_alt {
    char text[SR_WORD_CAP * 4]; /* words separated by single spaces */
    int prefix;                 /* the last word is a prefix */
} sr_alt;

/* One slot: the query needs one of its alternatives. */
typedef struct sr_group {
    sr_alt alt[SR_MAX_ALTS];
    size_t n_alt;
    int topic;    /* names a topic ("prolotherapy"): never dropped */
    int intent;   /* an intent word: dropped first */
    int typos;    /* its words were corrected */
} sr_group;

typedef struct sr_plan {
    sr_group groups[SR_MAX_WORDS];
    size_t n_groups;
    int corrected;                 /* some word was replaced by a typo correction */
    char corrected_text[SR_MAX_WORDS * SR_WORD_CAP];
    char short_prefix[8];          /* a 1-2 letter prefix typed alone ("" if none): in-memory path */
    int widened;                   /* typo variants of known words were added (widen) */
    char intent[64];               /* the section asked for ("" none) */
    char topic[128];               /* the topic named ("" none) */
    char key[SR_MAX_WORDS * SR_WORD_CAP]; /* content words, for glossary look-up */
    int define;                    /* "what is X", "what does X mean": a definition wanted */
} sr_plan;

/* Turn typed text into a plan. Never fails; an empty plan (no groups and
 * no short prefix) means no results. widen: also add the nearest typo
 * variants of words that are in the vocabulary (asked for when the exact
 * words found little). */
void sr_plan_make(const ks_search *s, const char *text, size_t len, int widen, sr_plan *plan);
/* The FTS5 MATCH expression of a plan (every word quoted) into b. */
void sr_plan_match(const sr_plan *plan, ks_buf *b);
/* The same for the groups whose bit is set in mask. */
void sr_plan_match_mask(const sr_plan *plan, uint32_t mask, ks_buf *b);

/* ---------------------------------------------------------------- snippets */

/* A word to highlight: from a plan's alternatives. */
typedef struct sr_term {
    char w[SR_WORD_CAP];
    size_t len;
    size_t stem;  /* length of w without a common ending */
    int prefix;   /* matches any word starting with w */
    int group;    /* the plan group it came from */
} sr_term;

/* Length of w[0..n) without a common English ending ("injections" ->
 * "inject"), at least 3 letters kept. */
size_t sr_stem_len(const char *w, size_t n);
/* The words of every alternative of plan, at most max; returns the count. */
size_t sr_plan_terms(const sr_plan *plan, sr_term *out, size_t max);
/* Set hit->snippet and hit->highlights: at most max_words words of text[0..len)
 * around the best cluster of matching terms (the start of text when none
 * match), whitespace collapsed, "…" where text was left out. */
void sr_snippet(const char *text, size_t len, const sr_term *terms, size_t n_terms, size_t max_words,
                ks_search_hit *hit);

/* A text split into words as the index splits it, once, for the snippets
 * of any query: a shown page comes back on most keystrokes (57 % of the
 * pages shown on the corpus's keystrokes were shown in the 16 answers
 * before). */
typedef struct sr_word_at {
    uint32_t start, end; /* its bytes in the text */
    uint8_t first;       /* the first byte of its folded form */
    uint8_t slow;        /* not plain ASCII: folded by ks_index_next_word */
} sr_word_at;
typedef struct sr_split {
    const char *text;    /* the text looked at (the first 128 KB of a page) */
    size_t len;
    char *own;           /* text, when a copy */
    sr_word_at *w;
    size_t n;
    uint32_t *by_first;        /* the words' indexes by first byte, then in text order */
    uint32_t *first_at;        /* 257, in by_first's block: byte f's are by_first[first_at[f], first_at[f + 1]) */
} sr_split;
/* Split text[0..len) (copy: keep a copy of it in sp); free with
 * sr_split_free. */
void sr_split_text(const char *text, size_t len, int copy, sr_split *sp);
void sr_split_free(sr_split *sp);
/* sr_snippet on a split text. */
void sr_snippet_of(const sr_split *sp, const sr_term *terms, size_t n_terms, size_t max_words, ks_search_hit *hit);

/* The split texts of the pages shown last (search.c), for as long as the
 * index is the same (PRAGMA data_version). */
#define SR_TEXTS 32
typedef struct sr_texts {
    sr_split sp[SR_TEXTS];
    int64_t id[SR_TEXTS];    /* the page, 0 for a free entry */
    uint64_t used[SR_TEXTS]; /* when last shown, for the one to replace */
    uint64_t clock;
    int64_t version;         /* the data_version they are of */
} sr_texts;
void sr_texts_free(sr_texts *t);

#endif
