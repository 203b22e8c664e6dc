/* search: the heads map (src/search/heads.c) against FTS5.
 *
 * On a large corpus a round of a query whose words are common asks first
 * for the pages holding them in the title or keywords; heads.c answers
 * that from memory with FTS5's own bm25 instead of an FTS5 column-filter
 * query, and must give the same pages, in the same order, with the same
 * scores. The shipped content is far too small to take that path
 * (RANK_ALL_MAX, 400 pages), so here the threshold is lowered with
 * ks_search_tune and every query of the relevance set, and every prefix
 * of it as typed letter by letter, runs on two handles: one with the map,
 * one with it turned off (FTS5 answers). The results must be identical.
 *
 * Scores are compared bitwise, not within a tolerance: heads.c computes
 * fts5_aux.c's bm25 with the same operations in the same order on the
 * same integer counts (a phrase's weighted frequency is a sum of 10s and
 * 6s, exact in a double), so no rounding can differ; a tolerance would
 * hide a changed constant or a term folded in another order. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/search.h"
#include "kiosk/store.h"
#include "harness_index.h"

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "relevance_queries.h"

typedef struct tally {
    size_t queries, hits, with_default, differ_from_default;
} tally;

static int same_hit(const ks_search_hit *a, const ks_search_hit *b) {
    return strcmp(a->slug, b->slug) == 0 && strcmp(a->anchor, b->anchor) == 0 &&
           memcmp(&a->score, &b->score, sizeof a->score) == 0 && strcmp(a->snippet, b->snippet) == 0;
}

/* Report the first difference between the two answers to text. */
static void compare(const char *text, const ks_search_results *map, const ks_search_results *fts, int64_t t) {
    harness_state.checks++;
    int same = map->n == fts->n && !map->corrected == !fts->corrected &&
               (!map->corrected || strcmp(map->corrected, fts->corrected) == 0);
    for (size_t i = 0; same && i < map->n; i++)
        if (!same_hit(&map->hits[i], &fts->hits[i])) {
            harness_fail(__FILE__, __LINE__,
                         "\"%s\" (threshold %lld): result %zu: map %s#%s %.17g, FTS5 %s#%s %.17g", text,
                         (long long)t, i, map->hits[i].slug, map->hits[i].anchor, map->hits[i].score,
                         fts->hits[i].slug, fts->hits[i].anchor, fts->hits[i].score);
            return;
        }
    if (!same)
        harness_fail(__FILE__, __LINE__, "\"%s\" (threshold %lld): map %zu results%s%s, FTS5 %zu%s%s", text,
                     (long long)t, map->n, map->corrected ? ", did you mean " : "",
                     map->corrected ? map->corrected : "", fts->n, fts->corrected ? ", did you mean " : "",
                     fts->corrected ? fts->corrected : "");
}

static int same_results(const ks_search_results *a, const ks_search_results *b) {
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++)
        if (!same_hit(&a->hits[i], &b->hits[i])) return 0;
    return 1;
}

/* def (the default threshold): asked only when given, to count how often
 * the lowered threshold changed the answer. */
static void one(ks_search *map, ks_search *fts, ks_search *def, const char *text, int64_t t, tally *k) {
    ks_search_results *a = NULL, *b = NULL, *d = NULL;
    INT_EQ(ks_search_query(map, text, 10, &a), 0);
    INT_EQ(ks_search_query(fts, text, 10, &b), 0);
    if (def) INT_EQ(ks_search_query(def, text, 10, &d), 0);
    if (a && b) compare(text, a, b, t);
    k->queries++;
    k->hits += a ? a->n : 0;
    k->with_default += d != NULL;
    k->differ_from_default += a && d && !same_results(a, d);
    ks_search_results_free(a);
    ks_search_results_free(b);
    ks_search_results_free(d);
}

/* text as typed letter by letter, then with its last word finished. */
static void typed(ks_search *map, ks_search *fts, ks_search *def, const char *text, int64_t t, tally *k) {
    char buf[256];
    size_t len = strlen(text);
    for (size_t j = 1; j <= len && j < sizeof buf; j++) {
        memcpy(buf, text, j);
        buf[j] = '\0';
        one(map, fts, j == len ? def : NULL, buf, t, k);
    }
    snprintf(buf, sizeof buf, "%s ", text);
    one(map, fts, def, buf, t, k);
}

static void test_tune_rejects(ks_search *s) {
    INT_EQ(ks_search_tune(s, 0, 1), KS_ERR_INVALID);
    INT_EQ(ks_search_tune(s, KS_SEARCH_TUNE_HEADS_MAP, 2), KS_ERR_INVALID);
    INT_EQ(ks_search_tune(s, KS_SEARCH_TUNE_RANK_ALL_MAX, -1), KS_ERR_INVALID);
    INT_EQ(ks_search_tune(NULL, KS_SEARCH_TUNE_RANK_ALL_MAX, 0), KS_ERR_INVALID);
}

/* A generated corpus where each title and keyword word is on dozens of
 * pages: more title-and-keyword matches than a round keeps (20), so the
 * order the heads query gives them in (page order, or bm25 when ranked)
 * decides which are kept. Deterministic. */
static const char *const gen_nouns[] = {"knee",   "tendon", "ligament", "shoulder", "injection", "recovery",
                                        "swelling", "spine", "ozone",  "dextrose", "elbow",     "bruise"};
static const char *const gen_adjs[] = {"mild", "chronic", "painful", "gentle", "early", "severe"};
#define GEN_PAGES 240
#define N_OF(a) (sizeof a / sizeof a[0])

static void put_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    OK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static size_t gen_rnd(uint64_t *r, size_t n) {
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (size_t)((*r >> 33) % n);
}

static void make_corpus(const char *dir) {
    uint64_t r = 7;
#define RND(n) gen_rnd(&r, n)
    char *sub = ks_path_join(dir, "care");
    OK(mkdir(sub, 0755) == 0);
    char *idx = ks_path_join(sub, "index.md");
    put_file(idx, "---\ntitle: Care\nsection: overview\norder: 1\nsummary: Care pages.\nkeywords: [care]\n"
                  "reviewed: 2026-11-01\n---\n\n# Care\n\nAbout care.\n");
    free(idx);
    for (size_t i = 0; i < GEN_PAGES; i++) {
        ks_buf b = {0};
        const char *n1 = gen_nouns[RND(N_OF(gen_nouns))], *n2 = gen_nouns[RND(N_OF(gen_nouns))];
        ks_buf_printf(&b, "---\ntitle: %s %s and %s\nsection: page%zu\norder: %zu\nsummary: About %s.\n",
                      gen_adjs[RND(N_OF(gen_adjs))], n1, n2, i, i % 100 + 2, n1);
        ks_buf_printf(&b, "keywords: [%s, %s %s, %s]\nreviewed: 2026-11-01\n---\n\n# Page %zu\n\n",
                      gen_nouns[RND(N_OF(gen_nouns))], gen_adjs[RND(N_OF(gen_adjs))],
                      gen_nouns[RND(N_OF(gen_nouns))], gen_nouns[RND(N_OF(gen_nouns))], i);
        for (size_t w = 0, words = 20 + RND(60); w < words; w++)
            ks_buf_printf(&b, "%s%s", w ? " " : "",
                          RND(3) ? gen_nouns[RND(N_OF(gen_nouns))] : gen_adjs[RND(N_OF(gen_adjs))]);
        ks_buf_puts(&b, ".\n");
        char name[64];
        snprintf(name, sizeof name, "page-%03zu.md", i);
        char *path = ks_path_join(sub, name);
        put_file(path, b.data);
        free(path);
        ks_buf_free(&b);
    }
#undef RND
    free(sub);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Every text of texts (typed letter by letter) at every threshold, on a
 * handle with the heads map and one without. */
static void check_db(const char *label, const char *db, const char *const *texts, size_t n_texts,
                     const int64_t *thresholds, size_t n_thresholds) {
    int err;
    ks_search *map = ks_search_open(db, &err), *fts = ks_search_open(db, &err), *def = ks_search_open(db, &err);
    OK(map && fts && def);
    if (map && fts && def) {
        test_tune_rejects(map);
        INT_EQ(ks_search_tune(fts, KS_SEARCH_TUNE_HEADS_MAP, 0), 0);
        for (size_t t = 0; t < n_thresholds; t++) {
            tally k = {0};
            INT_EQ(ks_search_tune(map, KS_SEARCH_TUNE_RANK_ALL_MAX, thresholds[t]), 0);
            INT_EQ(ks_search_tune(fts, KS_SEARCH_TUNE_RANK_ALL_MAX, thresholds[t]), 0);
            for (size_t i = 0; i < n_texts; i++) typed(map, fts, def, texts[i], thresholds[t], &k);
            printf("heads: %s, threshold %lld: %zu queries, %zu results, map and FTS5 the same; %zu of %zu differ "
                   "from the default threshold\n",
                   label, (long long)thresholds[t], k.queries, k.hits, k.differ_from_default, k.with_default);
            /* the lowered threshold really changed the path taken */
            OK(k.differ_from_default > k.with_default / 20);
            OK(k.hits > k.queries);
        }
    }
    ks_search_close(map);
    ks_search_close(fts);
    ks_search_close(def);
}

int main(void) {
    char dir[] = "/tmp/kiosk-test-heads-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    char *db = ks_path_join(dir, "index.db"), *gen = ks_path_join(dir, "content"),
         *gen_db = ks_path_join(dir, "gen.db");

    /* the shipped content and the relevance set. 0: every round takes the
     * large-corpus path, the heads query unranked (page order, scored) */
    const char *texts[N_OF(queries) + N_OF(patient_queries)];
    size_t n_texts = 0;
    for (size_t i = 0; i < N_OF(queries); i++) texts[n_texts++] = queries[i].query;
    for (size_t i = 0; i < N_OF(patient_queries); i++) texts[n_texts++] = patient_queries[i].query;
    ks_index *ix = harness_index_content(KIOSK_SOURCE_DIR "/content", db, NULL);
    static const int64_t shipped_t[] = {0};
    if (ix) check_db("shipped content", db, texts, n_texts, shipped_t, N_OF(shipped_t));
    ks_index_close(ix);

    /* the generated corpus: every word, and pairs of them. At 60 the
     * heads query of one common word is ranked and cut to 20 by bm25 */
    OK(mkdir(gen, 0755) == 0);
    make_corpus(gen);
    const char *gen_texts[N_OF(gen_nouns) * 2 + N_OF(gen_adjs)];
    char pairs[N_OF(gen_nouns)][64];
    size_t n_gen = 0;
    for (size_t i = 0; i < N_OF(gen_nouns); i++) {
        gen_texts[n_gen++] = gen_nouns[i];
        snprintf(pairs[i], sizeof pairs[i], "%s %s", gen_adjs[i % N_OF(gen_adjs)], gen_nouns[(i * 5 + 1) % N_OF(gen_nouns)]);
        gen_texts[n_gen++] = pairs[i];
    }
    for (size_t i = 0; i < N_OF(gen_adjs); i++) gen_texts[n_gen++] = gen_adjs[i];
    ix = harness_index_content(gen, gen_db, NULL);
    static const int64_t gen_t[] = {0, 60};
    if (ix) check_db("generated corpus", gen_db, gen_texts, n_gen, gen_t, N_OF(gen_t));
    ks_index_close(ix);

    OK(nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0);
    free(db);
    free(gen);
    free(gen_db);
    return harness_done();
}
