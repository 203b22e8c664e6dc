/* search relevance on the shipped content: patient-style queries (typos,
 * lay words, questions, prefixes of every length) and the page that must
 * be among the first three results. Keep it passing as content changes:
 * when a page is renamed or rewritten, fix the expectation here only if a
 * patient would now really want another page. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/search.h"
#include "kiosk/store.h"
#include "harness_index.h"

#include <stdio.h>
#include <unistd.h>

#define HIT_ANCHOR(h) ((h)->anchor)

#include "relevance_queries.h"

/* The position (0-based) of the first result that is one of want's targets,
 * or -1 when none is in the top 3. */
static int rank_of(const ks_search_results *r, const char *want) {
    for (size_t i = 0; i < r->n && i < 3; i++) {
        char target[512];
        snprintf(target, sizeof target, "%s%s%s", r->hits[i].slug, HIT_ANCHOR(&r->hits[i])[0] ? "#" : "",
                 HIT_ANCHOR(&r->hits[i]));
        const char *w = want;
        size_t len = strlen(target);
        while (w && *w) {
            const char *bar = strchr(w, '|');
            size_t n = bar ? (size_t)(bar - w) : strlen(w);
            if (n == len && strncmp(w, target, n) == 0) return (int)i;
            w = bar ? bar + 1 : NULL;
        }
    }
    return -1;
}

typedef struct tally {
    size_t n, top3, first, want_first, first_ok;
} tally;

static void run_block(ks_search *s, const rq *qs, size_t n, tally *t) {
    for (size_t i = 0; i < n; i++) {
        ks_search_results *r;
        INT_EQ(ks_search_query(s, qs[i].query, 10, &r), 0);
        int at = rank_of(r, qs[i].want);
        t->n++;
        t->top3 += at >= 0;
        t->first += at == 0;
        t->want_first += qs[i].first != 0;
        t->first_ok += qs[i].first && at == 0;
        harness_state.checks++;
        if (at < 0 || (qs[i].first && at != 0))
            harness_fail(__FILE__, __LINE__, "\"%s\": want %s %s, got %s, %s, %s%s%s", qs[i].query, qs[i].want,
                         qs[i].first ? "first" : "in the top 3", r->n > 0 ? r->hits[0].slug : "-",
                         r->n > 1 ? r->hits[1].slug : "-", r->n > 2 ? r->hits[2].slug : "-",
                         r->corrected ? " (did you mean " : "", r->corrected ? r->corrected : "");
        ks_search_results_free(r);
    }
}

int main(void) {
    char dir[] = "/tmp/kiosk-test-relevance-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    char *db = ks_path_join(dir, "index.db");
    int err;
    size_t added;
    ks_index *ix = harness_index_content(KIOSK_SOURCE_DIR "/content", db, &added);
    OK(added >= 10);
    ks_search *s = ks_search_open(db, &err);
    OK(s != NULL);
    tally base = {0}, patient = {0};
    OK(sizeof queries / sizeof queries[0] + sizeof patient_queries / sizeof patient_queries[0] >= 120);
    if (s) {
        run_block(s, queries, sizeof queries / sizeof queries[0], &base);
        run_block(s, patient_queries, sizeof patient_queries / sizeof patient_queries[0], &patient);
    }
    printf("relevance: first block %zu of %zu in the top 3, %zu first\n", base.top3, base.n, base.first);
    printf("relevance: patient questions %zu of %zu in the top 3 (%.0f %%), %zu first (%.0f %%); "
           "%zu of the %zu wanted first are\n",
           patient.top3, patient.n, patient.n ? 100.0 * (double)patient.top3 / (double)patient.n : 0.0,
           patient.first, patient.n ? 100.0 * (double)patient.first / (double)patient.n : 0.0, patient.first_ok,
           patient.want_first);
    ks_search_close(s);
    ks_index_close(ix);
    unlink(db);
    char *wal = ks_sprintf("%s-wal", db), *shm = ks_sprintf("%s-shm", db);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    free(wal);
    free(shm);
    free(db);
    return harness_done();
}
