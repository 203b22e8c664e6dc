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

#include <unistd.h>

typedef struct rq {
    const char *query;
    const char *want; /* a slug; "a|b" accepts either */
} rq;

static const rq queries[] = {
    /* names and prefixes of every length, as typed letter by letter */
    {"p", "prolotherapy/index"},
    {"pr", "prolotherapy/index"},
    {"pro", "prolotherapy/index"},
    {"prol", "prolotherapy/index"},
    {"prolo", "prolotherapy/index"},
    {"prolotherapy", "prolotherapy/index"},
    {"o", "ozone-therapy/index"},
    {"oz", "ozone-therapy/index"},
    {"ozo", "ozone-therapy/index"},
    {"ozone", "ozone-therapy/index"},
    {"ozone therapy", "ozone-therapy/index"},
    {"inj", "prolotherapy/injection|ozone-therapy/injection"},
    {"injec", "prolotherapy/injection|ozone-therapy/injection"},
    {"gl", "glossary"},
    {"que", "questions"},
    /* typos */
    {"prolotheraphy", "prolotherapy/index"},
    {"proloterapy", "prolotherapy/index"},
    {"ozon", "ozone-therapy/index"},
    {"ozon therapy", "ozone-therapy/index"},
    {"ligamnet", "prolotherapy/what-it-is"},
    {"side efects", "prolotherapy/risks"},
    {"recovry", "prolotherapy/recovery"},
    {"assesment", "prolotherapy/assessment|ozone-therapy/assessment"},
    {"glosary", "glossary"},
    {"ozone injektion", "ozone-therapy/injection"},
    {"autohemotherapie", "ozone-therapy/injection"},
    /* lay words */
    {"sugar water", "prolotherapy/injection"},
    {"sugar water shot", "prolotherapy/index"},
    {"jab", "prolotherapy/injection|ozone-therapy/injection"},
    {"shot", "prolotherapy/injection"},
    {"blood thinner", "prolotherapy/candidacy"},
    {"ozone blood treatment", "ozone-therapy/injection"},
    {"bad back", "prolotherapy/what-it-is"},
    {"lyme", "ozone-therapy/what-it-is"},
    /* questions */
    {"what is prolotherapy", "prolotherapy/what-it-is"},
    {"what is ozone therapy", "ozone-therapy/what-it-is"},
    {"can I have it if I take blood thinners", "prolotherapy/candidacy"},
    {"can I have ozone if I take blood thinners", "ozone-therapy/candidacy"},
    {"is it safe", "prolotherapy/risks|ozone-therapy/risks"},
    {"is ozone safe", "ozone-therapy/risks"},
    {"does it hurt", "prolotherapy/injection"},
    {"how long does a visit take", "prolotherapy/injection"},
    {"how many sessions", "prolotherapy/injection|ozone-therapy/injection"},
    {"what happens after the injection", "prolotherapy/recovery"},
    {"when can I go back to work", "prolotherapy/recovery|ozone-therapy/recovery"},
    {"who should not have ozone", "ozone-therapy/candidacy"},
    {"can I have it when pregnant", "ozone-therapy/candidacy"},
    {"how is ozone given", "ozone-therapy/injection"},
    {"what does anticoagulant mean", "glossary"},
    {"questions to ask my doctor", "questions"},
    {"second opinion", "questions"},
    {"who wrote this", "about"},
    /* plain topic words */
    {"aftercare", "prolotherapy/recovery|ozone-therapy/recovery"},
    {"ice and rest", "prolotherapy/recovery"},
    {"first visit", "prolotherapy/assessment|ozone-therapy/assessment"},
    {"ultrasound scan", "prolotherapy/assessment"},
    {"mri", "prolotherapy/assessment"},
    {"pregnant", "ozone-therapy/candidacy"},
    {"rectal", "ozone-therapy/injection"},
    {"infection risk", "prolotherapy/risks|ozone-therapy/risks"},
    {"swelling after shots", "prolotherapy/recovery"},
    {"knee pain", "prolotherapy/what-it-is"},
    {"hepatitis", "ozone-therapy/what-it-is"},
    {"dextrose", "prolotherapy/injection|prolotherapy/index|prolotherapy/what-it-is"},
    /* issue 11: medicines, health and safety words patients type (the
     * brand names reach the pages through synonyms.txt and keywords);
     * designated, so a field added to rq leaves them as they are */
    {.query = "diabetic", .want = "prolotherapy/candidacy|questions"},
    {.query = "blood sugar", .want = "prolotherapy/candidacy|questions"},
    {.query = "warfarin", .want = "prolotherapy/candidacy"},
    {.query = "eliquis", .want = "prolotherapy/candidacy|ozone-therapy/candidacy"},
    {.query = "xarelto", .want = "prolotherapy/candidacy"},
    {.query = "aspirin", .want = "prolotherapy/candidacy|ozone-therapy/candidacy|questions"},
    {.query = "ibuprofen", .want = "prolotherapy/recovery"},
    {.query = "painkiller", .want = "prolotherapy/recovery"},
    {.query = "breastfeeding", .want = "prolotherapy/candidacy|ozone-therapy/candidacy"},
    {.query = "pregnant", .want = "prolotherapy/candidacy"},
    {.query = "fever", .want = "prolotherapy/recovery|ozone-therapy/recovery"},
    {.query = "emergency", .want = "prolotherapy/recovery|ozone-therapy/recovery|prolotherapy/risks|ozone-therapy/risks"},
    {.query = "urgent", .want = "prolotherapy/recovery|ozone-therapy/recovery|prolotherapy/risks|ozone-therapy/risks"},
    {.query = "does it help", .want = "prolotherapy/risks|ozone-therapy/risks|prolotherapy/recovery|ozone-therapy/recovery"},
    {.query = "how much does it cost", .want = "questions"},
};

static int in_top3(const ks_search_results *r, const char *want) {
    for (size_t i = 0; i < r->n && i < 3; i++) {
        const char *w = want;
        size_t len = strlen(r->hits[i].slug);
        while (w && *w) {
            const char *bar = strchr(w, '|');
            size_t n = bar ? (size_t)(bar - w) : strlen(w);
            if (n == len && strncmp(w, r->hits[i].slug, n) == 0) return 1;
            w = bar ? bar + 1 : NULL;
        }
    }
    return 0;
}

int main(void) {
    char dir[] = "/tmp/kiosk-test-relevance-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    char *db = ks_path_join(dir, "index.db");
    int err;
    ks_store *store = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    OK(store != NULL);
    ks_index *ix = store ? ks_index_open(db, &err) : NULL;
    OK(ix != NULL);
    if (ix) {
        ks_index_report rep;
        INT_EQ(ks_index_sync(ix, store, &rep), 0);
        OK(rep.added.n >= 10);
        ks_index_report_free(&rep);
    }
    ks_search *s = ks_search_open(db, &err);
    OK(s != NULL);
    size_t n = sizeof queries / sizeof queries[0], passed = 0;
    OK(n >= 40);
    for (size_t i = 0; s && i < n; i++) {
        ks_search_results *r;
        INT_EQ(ks_search_query(s, queries[i].query, 10, &r), 0);
        harness_state.checks++;
        if (in_top3(r, queries[i].want)) {
            passed++;
        } else {
            harness_fail(__FILE__, __LINE__, "\"%s\": want %s in the top 3, got %s, %s, %s%s%s", queries[i].query,
                         queries[i].want, r->n > 0 ? r->hits[0].slug : "-", r->n > 1 ? r->hits[1].slug : "-",
                         r->n > 2 ? r->hits[2].slug : "-", r->corrected ? " (did you mean " : "",
                         r->corrected ? r->corrected : "");
        }
        ks_search_results_free(r);
    }
    printf("relevance: %zu of %zu queries have the page wanted in the top 3\n", passed, n);
    ks_search_close(s);
    ks_index_close(ix);
    ks_store_free(store);
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
