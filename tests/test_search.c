/* search: any input is safe, typo rules, prefixes, stop words, synonyms,
 * snippets and highlights, "did you mean", JSON, and an index that changes
 * under an open search handle (another process syncing while we search). */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/search.h"

#include "../src/search/search_int.h"

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[256];
static char *db_path;

typedef struct tpage {
    ks_page p;
    ks_heading h[1];
    char *kw[2];
} tpage;

static void make_page(tpage *t, const char *slug, const char *title, const char *kw, const char *text) {
    memset(t, 0, sizeof *t);
    t->p.slug = slug;
    t->p.path = slug;
    const char *slash = strchr(slug, '/');
    t->p.topic = slash ? "prolotherapy" : "";
    t->p.section = "risks";
    t->p.title = title;
    t->p.summary = "";
    t->p.reviewed = "";
    t->kw[0] = (char *)kw;
    t->p.keywords = t->kw;
    t->p.n_keywords = 1;
    t->p.markdown = text;
    t->p.text = text;
    t->h[0].level = 1;
    t->h[0].text = (char *)title;
    t->p.headings = t->h;
    t->p.n_headings = 1;
    ks_buf b = {0};
    ks_buf_printf(&b, "%s\n%s\n%s\n%s", slug, title, kw, text);
    t->p.hash = ks_hash64(b.data, b.len);
    ks_buf_free(&b);
}

#define N_FIX 6
static tpage fix[N_FIX + 1];

static void build_fixture(void) {
    make_page(&fix[0], "prolotherapy/index", "Prolotherapy", "prolo",
              "Prolotherapy is a set of shots meant to help a weak ligament or tendon heal.\n"
              "The shot holds dextrose.");
    make_page(&fix[1], "prolotherapy/risks", "Risks \"and\" side effects \\ dangers", "safety",
              "Soreness and swelling are common for a few days after the injection.\n"
              "Infection is rare. People who take an anticoagulant should ask first.");
    make_page(&fix[2], "ozone-therapy/index", "Ozone therapy", "oxygen",
              "Ozone therapy puts a gas called ozone into the body. Some clinics mix it with blood.");
    make_page(&fix[3], "glossary", "Glossary", "words",
              "Anticoagulant: a medicine that makes blood slower to clot. Ligament: a band that holds bone to "
              "bone. Café au lait: a naïve example of accents. Éducation thérapeutique.");
    make_page(&fix[4], "prolotherapy/recovery", "After the injections", "aftercare",
              "Rest the joint, put ice on it, and expect some soreness. Severe pain is rare. Most people go back to work the next "
              "day. Exercise gently. Emergency: call the clinic if the swelling gets worse. Every patient "
              "is different; each recovery takes its own time, and early movement is encouraged.");
    make_page(&fix[5], "about", "About this kiosk", "kiosk",
              "This kiosk explains treatments in plain words. Ask the front desk for help. A sever cut. "
              "Ecstatic, elephant, eleven, elbow, elastic, embryo, emotion: words starting with e.");
    ks_synonym syn[3] = {{"sugar water", "dextrose", 1}, {"blood thinner", "anticoagulant", 2},
                         {"jab", "injection", 3}};
    const ks_page *pages[N_FIX];
    for (int i = 0; i < N_FIX; i++) pages[i] = &fix[i].p;
    ks_index *ix = ks_index_open(db_path, NULL);
    OK(ix != NULL);
    if (!ix) return;
    INT_EQ(ks_index_sync_pages(ix, pages, N_FIX, syn, 3, 7, NULL), 0);
    ks_index_close(ix);
}

/* Invariants every result set keeps, whatever the input. */
static void check_results(const ks_search_results *r, size_t limit, const char *query) {
    OK(r != NULL);
    if (!r) return;
    OK(r->n <= limit);
    for (size_t i = 0; i < r->n; i++) {
        const ks_search_hit *h = &r->hits[i];
        size_t len = strlen(h->snippet);
        OK(ks_utf8_valid(h->snippet, len, NULL));
        OK(h->slug[0] != '\0');
        OK(h->score == h->score);
        if (i) OK(h->score <= r->hits[i - 1].score);
        size_t prev_end = 0;
        for (size_t k = 0; k < h->n_highlights; k++) {
            size_t a = h->highlights[k].start, b = h->highlights[k].end;
            int ok = a < b && b <= len && a >= prev_end;
            if (!ok) {
                harness_state.checks++;
                harness_fail(__FILE__, __LINE__, "bad highlight [%zu,%zu) in \"%s\" for query \"%.40s\"", a, b,
                             h->snippet, query);
                break;
            }
            /* whole words: no letter or digit just outside */
            unsigned char before = a ? (unsigned char)h->snippet[a - 1] : ' ';
            unsigned char after = (unsigned char)h->snippet[b];
            OK(!((before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z') ||
                 (before >= '0' && before <= '9')));
            OK(!((after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') || (after >= '0' && after <= '9')));
            prev_end = b;
        }
    }
}

static ks_search_results *q(ks_search *s, const char *text, size_t limit) {
    ks_search_results *r = NULL;
    INT_EQ(ks_search_query(s, text, limit, &r), 0);
    check_results(r, limit ? limit : 10, text);
    return r;
}

static const char *top(const ks_search_results *r) {
    return r && r->n ? r->hits[0].slug : "(none)";
}

static int has(const ks_search_results *r, const char *slug) {
    for (size_t i = 0; r && i < r->n; i++)
        if (strcmp(r->hits[i].slug, slug) == 0) return 1;
    return 0;
}

static void test_open_errors(void) {
    int err = 0;
    OK(ks_search_open("/nonexistent/index.db", &err) == NULL);
    INT_EQ(err, KS_ERR_NOT_FOUND);
    char *txt = ks_path_join(tmpdir, "notdb.db");
    FILE *f = fopen(txt, "w");
    if (f) {
        fputs("SQLite format 2? no, a shopping list\n", f);
        fclose(f);
    }
    err = 0;
    OK(ks_search_open(txt, &err) == NULL);
    INT_EQ(err, KS_INDEX_ERR_SCHEMA);
    free(txt);
    /* an index of another schema version: refused, not misread */
    char *old = ks_path_join(tmpdir, "old.db");
    sqlite3 *h;
    if (sqlite3_open(old, &h) == SQLITE_OK) {
        sqlite3_exec(h, "PRAGMA application_id = 1263749937; PRAGMA user_version = 1; CREATE TABLE pages(x);", NULL,
                     NULL, NULL);
        sqlite3_close(h);
    }
    err = 0;
    OK(ks_search_open(old, &err) == NULL);
    INT_EQ(err, KS_INDEX_ERR_SCHEMA);
    free(old);
    ks_search_close(NULL);
    ks_search_results_free(NULL);
}

static void test_adversarial(void) {
    ks_search *s = ks_search_open(db_path, NULL);
    OK(s != NULL);
    if (!s) return;
    static const char *const inputs[] = {
        "don't", "5% dextrose", "c++", "ozone?", "+ozone", "AND", "OR x", "NEAR(", "(x", "\"", "blood-thinner",
        "foo:bar", "*", "-", "^ozone", "ozone\"", "{title}: ozone", "NOT ozone", "ozone AND", "a OR b AND",
        "'", "\\", "ozone*", "\"\"", "ozone NEAR/2 blood", "title:ozone", "col : x", ")", "((((", "AND OR NOT",
        "", " ", "\t\n\r", "\x01\x02\x03", "ozone\x01therapy", "\xff\xfe\xfd", "oz\xc3", "\xc3\x28", "\xe2\x82",
        "🙂", "ozone 🙂 therapy", "💉💉💉", "\xf0\x9f", "é", "ÉÉÉ", "ozoné", "оzone" /* Cyrillic o */,
        "ozone\u0301", "\u200b", "\u202eenozo", "０１２", "∑∫√", "ozone ozone ozone ozone ozone ozone ozone ozone ozone "
        "ozone ozone ozone ozone ozone ozone ozone ozone ozone ozone ozone",
        "what is the", "the", "a", "i", "x", "xq", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        "SELECT * FROM pages; DROP TABLE pages;--", "%s%s%n", "ozone' OR '1'='1", "NEAR(ozone blood, 2)",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        ks_search_results *r = q(s, inputs[i], 10);
        ks_search_results_free(r);
    }
    /* 10 kB of text, words and junk */
    ks_buf big = {0};
    for (int i = 0; i < 1000; i++) ks_buf_puts(&big, i % 3 ? "ozone " : "\"(* ");
    ks_search_results *r = q(s, big.data, 10);
    ks_search_results_free(r);
    ks_buf_clear(&big);
    for (int i = 0; i < 10240; i++) ks_buf_putc(&big, 'a');
    r = q(s, big.data, 10);
    ks_search_results_free(r);
    ks_buf_free(&big);
    /* deterministic fuzz from tricky pieces and random bytes */
    static const char *const pieces[] = {"ozone", "\"", "*", "(", ")", " ", "AND", "OR", "NOT", "NEAR", ":", "^",
                                         "-", "+", "ligamnet", "sugar", "water", "é", "\xff", "🙂", "e", "pr",
                                         "'", "{", "}", ",", "blood", "thinner"};
    uint64_t seed = 12345;
    for (int n = 0; n < 1500; n++) {
        char buf[200];
        size_t len = 0;
        int parts = (int)(seed % 8) + 1;
        for (int k = 0; k < parts; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            if ((seed >> 60) < 3) {
                if (len < sizeof buf - 2) buf[len++] = (char)(seed >> 33);
            } else {
                const char *p = pieces[(seed >> 33) % (sizeof pieces / sizeof pieces[0])];
                size_t pl = strlen(p);
                if (len + pl < sizeof buf - 1) {
                    memcpy(buf + len, p, pl);
                    len += pl;
                }
            }
        }
        buf[len] = '\0';
        r = q(s, buf, 5);
        ks_search_results_free(r);
    }
    ks_search_close(s);
}

static void test_typos(void) {
    /* the budget: 0 up to 4 letters, 1 for 5-8, 2 from 9 */
    INT_EQ(sr_typo_budget(4), 0);
    INT_EQ(sr_typo_budget(5), 1);
    INT_EQ(sr_typo_budget(8), 1);
    INT_EQ(sr_typo_budget(9), 2);
    INT_EQ(sr_typo_distance("ligamnet", 8, "ligament", 8, 2, 0), 1);      /* a swap is one typo */
    INT_EQ(sr_typo_distance("kigament", 8, "ligament", 8, 2, 0), 2);      /* a wrong first letter is two */
    INT_EQ(sr_typo_distance("ligment", 7, "ligament", 8, 2, 0), 1);
    INT_EQ(sr_typo_distance("lig", 3, "ligament", 8, 2, 1), 0);           /* prefix */
    INT_EQ(sr_typo_distance("ligam3", 6, "ligament", 8, 2, 1), 1);
    OK(sr_typo_distance("abcdef", 6, "uvwxyz", 6, 2, 0) > 2);

    ks_search *s = ks_search_open(db_path, NULL);
    OK(s != NULL);
    if (!s) return;
    ks_search_results *r = q(s, "ligamnet ", 10);
    OK(r->n > 0);
    STR_EQ(r->corrected, "ligament");
    ks_search_results_free(r);

    r = q(s, "kigament ", 10); /* 8 letters allow 1 typo; a wrong first letter is 2 */
    INT_EQ(r->n, 0);
    OK(r->corrected == NULL);
    ks_search_results_free(r);

    r = q(s, "xrolotherapy ", 10); /* 12 letters allow 2 */
    STR_EQ(top(r), "prolotherapy/index");
    STR_EQ(r->corrected, "prolotherapy");
    ks_search_results_free(r);

    r = q(s, "prolotherpay", 10); /* typed last, a prefix with a swap */
    STR_EQ(top(r), "prolotherapy/index");
    OK(r->corrected != NULL);
    ks_search_results_free(r);

    r = q(s, "ozne ", 10); /* 4 letters: no typo allowed */
    INT_EQ(r->n, 0);
    ks_search_results_free(r);

    r = q(s, "ozon ", 10); /* the start of a word the pages use */
    STR_EQ(top(r), "ozone-therapy/index");
    STR_EQ(r->corrected, "ozone");
    ks_search_results_free(r);

    r = q(s, "anticoagulant swelling", 10); /* exact words are never corrected */
    OK(r->corrected == NULL);
    STR_EQ(top(r), "prolotherapy/risks");
    ks_search_results_free(r);

    /* both words exist, but no page has both: the typo variants of the
     * words as typed are tried, below any exact result */
    r = q(s, "sever pain ", 10);
    STR_EQ(top(r), "prolotherapy/recovery");
    ks_search_results_free(r);
    r = q(s, "sever ", 10);
    STR_EQ(top(r), "about"); /* exact first */
    OK(has(r, "prolotherapy/recovery"));
    ks_search_results_free(r);

    r = q(s, "what is the recovry", 10);
    STR_EQ(r->corrected, "what is the recovery");
    STR_EQ(top(r), "prolotherapy/recovery");
    ks_search_results_free(r);
    ks_search_close(s);
}

static void test_prefix_stop_synonyms(void) {
    ks_search *s = ks_search_open(db_path, NULL);
    OK(s != NULL);
    if (!s) return;
    ks_search_results *r = q(s, "prol", 10);
    STR_EQ(top(r), "prolotherapy/index");
    OK(r->corrected == NULL);
    ks_search_results_free(r);

    r = q(s, "prol ", 10); /* complete: not a prefix any more, corrected to a completion */
    STR_EQ(top(r), "prolotherapy/index");
    ks_search_results_free(r);

    r = q(s, "oz", 10); /* two letters alone: titles and keywords */
    STR_EQ(top(r), "ozone-therapy/index");
    /* the snippet is the summary, or the title when there is none */
    OK(r->n >= 1 && r->hits[0].n_highlights == 1);
    if (r->n && r->hits[0].n_highlights) {
        STR_EQ(r->hits[0].snippet, "Ozone therapy");
        INT_EQ(r->hits[0].highlights[0].start, 0);
        INT_EQ(r->hits[0].highlights[0].end, 5);
    }
    ks_search_results_free(r);

    r = q(s, "e", 3);
    OK(r->n <= 3);
    ks_search_results_free(r);

    r = q(s, "ozone e", 10); /* a short prefix after a word: frequent completions */
    OK(has(r, "ozone-therapy/index") || r->n == 0);
    ks_search_results_free(r);

    r = q(s, "blood e", 10);
    check_results(r, 10, "blood e");
    ks_search_results_free(r);

    /* contractions: "don't" searches "don", not also every word that
     * starts with t; "it's ozone" is "ozone" */
    ks_search_results *c1 = q(s, "don't", 10), *c2 = q(s, "don", 10);
    INT_EQ(c1->n, c2->n);
    for (size_t i = 0; i < c1->n && i < c2->n; i++) STR_EQ(c1->hits[i].slug, c2->hits[i].slug);
    ks_search_results_free(c1);
    ks_search_results_free(c2);
    c1 = q(s, "it\xE2\x80\x99s ozone", 10);
    STR_EQ(top(c1), "ozone-therapy/index");
    ks_search_results_free(c1);

    /* stop words never prevent a match */
    r = q(s, "what is the ozone", 10);
    STR_EQ(top(r), "ozone-therapy/index");
    ks_search_results_free(r);
    r = q(s, "how can I get back to work", 10);
    STR_EQ(top(r), "prolotherapy/recovery");
    ks_search_results_free(r);
    r = q(s, "what", 10); /* a stop word still being typed */
    check_results(r, 10, "what");
    ks_search_results_free(r);
    r = q(s, "into the ", 10); /* only stop words, complete: the last is searched */
    OK(has(r, "ozone-therapy/index"));
    ks_search_results_free(r);

    /* synonyms: the pages never say "sugar water" or "blood thinner" */
    r = q(s, "sugar water", 10);
    STR_EQ(top(r), "prolotherapy/index");
    OK(r->n && r->hits[0].n_highlights > 0);
    if (r->n && r->hits[0].n_highlights) {
        const ks_search_hit *h = &r->hits[0];
        const ks_search_range *g = &h->highlights[h->n_highlights - 1];
        OK(strncmp(h->snippet + g->start, "dextrose", g->end - g->start) == 0);
    }
    ks_search_results_free(r);
    r = q(s, "blood thinner", 10);
    OK(has(r, "prolotherapy/risks") && has(r, "glossary"));
    ks_search_results_free(r);
    r = q(s, "blood thinn", 10); /* still typing the lay phrase */
    OK(has(r, "glossary"));
    ks_search_results_free(r);
    r = q(s, "jab", 10);
    OK(has(r, "prolotherapy/risks"));
    ks_search_results_free(r);

    /* accents fold both ways */
    r = q(s, "cafe", 10);
    STR_EQ(top(r), "glossary");
    ks_search_results_free(r);
    r = q(s, "éducation", 10);
    STR_EQ(top(r), "glossary");
    ks_search_results_free(r);

    /* completions for the keyboard */
    char *c[4];
    size_t n = ks_search_complete(s, "my ozo", c, 4);
    INT_EQ(n, 1);
    if (n) STR_EQ(c[0], "ozone");
    for (size_t i = 0; i < n; i++) free(c[i]);
    INT_EQ(ks_search_complete(s, "ozone ", c, 4), 0);
    ks_search_close(s);
}

static void test_snippets_json(void) {
    ks_search *s = ks_search_open(db_path, NULL);
    OK(s != NULL);
    if (!s) return;
    ks_search_results *r = q(s, "exercise", 10);
    STR_EQ(top(r), "prolotherapy/recovery");
    if (r->n) {
        const ks_search_hit *h = &r->hits[0];
        /* about 20 words, cut at words, with the match inside */
        size_t words = 1;
        for (const char *p = h->snippet; *p; p++) words += *p == ' ';
        OK(words >= 10 && words <= 24);
        INT_EQ(h->n_highlights, 1);
        if (h->n_highlights)
            OK(strncmp(h->snippet + h->highlights[0].start, "Exercise", 8) == 0);
        STR_EQ(h->title, "After the injections");
        STR_EQ(h->topic, "prolotherapy");
        STR_EQ(h->section, "risks");
        OK(strstr(h->snippet, "\xe2\x80\xa6") != NULL); /* text left out is marked */
        OK(strchr(h->snippet, '\n') == NULL);
    }
    ks_search_results_free(r);

    /* JSON: one array; quotes and backslashes escaped; corrected on each */
    r = q(s, "dangrs", 10);
    ks_buf b = {0};
    ks_search_results_json(r, &b);
    OK(b.data[0] == '[' && b.data[b.len - 1] == ']');
    STR_CONTAINS(b.data, "\"slug\":\"prolotherapy/risks\"");
    STR_CONTAINS(b.data, "Risks \\\"and\\\" side effects \\\\ dangers");
    STR_CONTAINS(b.data, "\"highlights\":[");
    STR_CONTAINS(b.data, "\"corrected\":\"dangers\"");
    STR_CONTAINS(b.data, "\"score\":");
    ks_search_results_free(r);
    ks_buf_clear(&b);
    r = q(s, "nothing-like-this-anywhere ", 10);
    ks_search_results_json(r, &b);
    STR_EQ(b.data, "[]");
    ks_search_results_free(r);
    ks_buf_free(&b);
    ks_search_close(s);
}

/* A page far longer than the snippet scan: found, and its snippet still
 * whole words. */
static void test_big_page(void) {
    char *db = ks_path_join(tmpdir, "big.db");
    ks_buf text = {0};
    for (int i = 0; i < 40000; i++) ks_buf_puts(&text, i % 7 ? "lorem " : "ipsumdolorsitamet ");
    ks_buf_puts(&text, "needle at the very end");
    tpage t;
    make_page(&t, "big", "A big page", "big", text.data);
    const ks_page *pages[1] = {&t.p};
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (ix) INT_EQ(ks_index_sync_pages(ix, pages, 1, NULL, 0, 0, NULL), 0);
    ks_index_close(ix);
    ks_search *s = ks_search_open(db, NULL);
    OK(s != NULL);
    if (s) {
        ks_search_results *r = q(s, "needle", 10);
        STR_EQ(top(r), "big");
        if (r->n) {
            OK(strncmp(r->hits[0].snippet, "lorem", 5) == 0 || strncmp(r->hits[0].snippet, "ipsum", 5) == 0);
            size_t len = strlen(r->hits[0].snippet);
            OK(len > 3 && strcmp(r->hits[0].snippet + len - 3, "\xe2\x80\xa6") == 0);
        }
        ks_search_results_free(r);
        r = q(s, "ipsumdolorsitame", 10);
        STR_EQ(top(r), "big");
        if (r->n) OK(r->hits[0].n_highlights >= 2); /* one in seven words */
        ks_search_results_free(r);
    }
    ks_search_close(s);
    ks_buf_free(&text);
    free(db);
}

/* Snippets come from the split texts of the pages shown last: the same
 * page for another query is marked for that query, and a page changed by a
 * sync (same id) shows its new text at once, never the kept one. */
static void test_snippet_texts(void) {
    char *db = ks_path_join(tmpdir, "texts.db");
    tpage t[2];
    make_page(&t[0], "wash", "Washing", "wash", "Wash the knee gently with soap. Dry it well.");
    make_page(&t[1], "rest", "Resting", "rest", "Rest the knee on a pillow.");
    const ks_page *pages[2] = {&t[0].p, &t[1].p};
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (ix) INT_EQ(ks_index_sync_pages(ix, pages, 2, NULL, 0, 0, NULL), 0);
    ks_search *s = ks_search_open(db, NULL);
    OK(s != NULL);
    if (s && ix) {
        ks_search_results *r = q(s, "gently", 10);
        STR_EQ(top(r), "wash");
        if (r->n) STR_EQ(r->hits[0].snippet, "Wash the knee gently with soap. Dry it well.");
        ks_search_results_free(r);
        r = q(s, "soap", 10); /* the kept text, marked for this query */
        STR_EQ(top(r), "wash");
        if (r->n && r->hits[0].n_highlights == 1)
            OK(strncmp(r->hits[0].snippet + r->hits[0].highlights[0].start, "soap", 4) == 0);
        else OK(0);
        ks_search_results_free(r);
        make_page(&t[0], "wash", "Washing", "wash", "Rinse the knee with soap and warm water.");
        INT_EQ(ks_index_sync_pages(ix, pages, 2, NULL, 0, 0, NULL), 0);
        r = q(s, "soap", 10);
        STR_EQ(top(r), "wash");
        if (r->n) STR_EQ(r->hits[0].snippet, "Rinse the knee with soap and warm water.");
        ks_search_results_free(r);
    }
    ks_search_close(s);
    ks_index_close(ix);
    free(db);
}

/* The index changes under an open handle: the next query sees it. */
static void test_live_reload(void) {
    ks_search *s = ks_search_open(db_path, NULL);
    OK(s != NULL);
    if (!s) return;
    int64_t gen = ks_search_generation(s);
    ks_search_results *r = q(s, "zebrafish", 10);
    INT_EQ(r->n, 0);
    ks_search_results_free(r);

    make_page(&fix[N_FIX], "zoo", "Zebrafish", "fish", "Zebrafish heal their fins.");
    const ks_page *pages[N_FIX + 1];
    for (int i = 0; i <= N_FIX; i++) pages[i] = &fix[i].p;
    ks_synonym syn[1] = {{"stripy fish", "zebrafish", 1}};
    ks_index *ix = ks_index_open(db_path, NULL);
    OK(ix != NULL);
    if (!ix) return;
    INT_EQ(ks_index_sync_pages(ix, pages, N_FIX + 1, syn, 1, 8, NULL), 0);
    r = q(s, "zebrafish", 10);
    STR_EQ(top(r), "zoo");
    ks_search_results_free(r);
    OK(ks_search_generation(s) > gen);
    r = q(s, "zebrafsh ", 10); /* the vocabulary was reloaded too */
    STR_EQ(top(r), "zoo");
    ks_search_results_free(r);
    r = q(s, "stripy fish", 10); /* and the synonyms */
    STR_EQ(top(r), "zoo");
    ks_search_results_free(r);
    r = q(s, "sugar water", 10); /* the old synonyms are gone */
    INT_EQ(r->n, 0);
    ks_search_results_free(r);

    /* another process syncs back and forth while we search: every answer
     * is the old index or the new one, never an error or a mix */
    pid_t pid = fork();
    if (pid == 0) {
        ks_index *w = ks_index_open(db_path, NULL);
        for (int round = 0; w && round < 40; round++)
            ks_index_sync_pages(w, pages, round % 2 ? N_FIX + 1 : N_FIX, syn, 1, 8, NULL);
        ks_index_close(w);
        _exit(0);
    }
    int bad = 0, rounds = 0, status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0 || rounds < 50) {
        ks_search_results *rr = NULL;
        int rc = ks_search_query(s, "zebrafish fins", 10, &rr);
        if (rc != 0 || !rr || rr->n > 1 || (rr->n == 1 && strcmp(rr->hits[0].slug, "zoo") != 0)) bad++;
        ks_search_results_free(rr);
        rr = NULL;
        rc = ks_search_query(s, "ozone", 10, &rr);
        if (rc != 0 || !rr || rr->n == 0) bad++;
        ks_search_results_free(rr);
        rounds++;
        if (rounds > 100000) break;
    }
    INT_EQ(bad, 0);
    OK(WIFEXITED(status));
    ks_index_close(ix);
    ks_search_close(s);
}


/* The trie walk over the sorted vocabulary finds exactly what a scan of
 * every word with the bounded distance finds. */
static int cmp_sr_word(const void *a, const void *b) {
    return strcmp(((const sr_word *)a)->word, ((const sr_word *)b)->word);
}

static void test_typo_walk(void) {
    enum { NW = 4000 };
    sr_vocab v = {0};
    uint64_t rng = 7;
    v.w = ks_calloc(NW, sizeof *v.w);
    for (size_t i = 0; i < NW; i++) {
        char w[16];
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t len = 3 + (rng >> 33) % 9;
        for (size_t k = 0; k < len; k++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            w[k] = "aeioulnrstdkm"[(rng >> 33) % 13]; /* few letters: many near neighbours */
        }
        w[len] = '\0';
        v.w[v.n].word = ks_strdup(w);
        v.w[v.n].len = (uint32_t)len;
        v.w[v.n].df = (uint32_t)(i * 7919 % 100003) + 1; /* distinct */
        v.n++;
    }
    qsort(v.w, v.n, sizeof *v.w, cmp_sr_word);
    size_t k = 1; /* drop duplicates */
    for (size_t i = 1; i < v.n; i++) {
        if (strcmp(v.w[i].word, v.w[k - 1].word) == 0) free(v.w[i].word);
        else v.w[k++] = v.w[i];
    }
    v.n = k;
    size_t mismatches = 0, found = 0;
    for (size_t t = 0; t < 600; t++) {
        char qw[32];
        const sr_word *src = &v.w[(t * 131) % v.n];
        snprintf(qw, sizeof qw, "%s", src->word);
        size_t len = strlen(qw);
        /* one or two random edits */
        for (int e = 0; e < 1 + (int)(t % 2); e++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t at = (rng >> 33) % len;
            qw[at] = "aeiolrstxz"[(rng >> 40) % 10];
        }
        int prefix = t % 3 == 0;
        if (prefix && len > 4) qw[len - 2] = '\0';
        len = strlen(qw);
        sr_candidate got[3], want[3];
        size_t ng = sr_typo_candidates(&v, qw, len, prefix, got, 3), nw = 0;
        int kk = sr_typo_budget(len);
        for (size_t i = 0; i < v.n && kk > 0; i++) { /* the scan: insertion by (dist, -df) */
            int d = sr_typo_distance(qw, len, v.w[i].word, v.w[i].len, kk, prefix);
            if (d > kk || d == 0) continue;
            sr_candidate c = {v.w[i].word, d, v.w[i].df};
            size_t at = nw < 3 ? nw++ : 3;
            if (at == 3) {
                if (d > want[2].dist || (d == want[2].dist && c.df <= want[2].df)) continue;
                at = 2;
            }
            while (at > 0 && (want[at - 1].dist > d || (want[at - 1].dist == d && want[at - 1].df < c.df))) {
                want[at] = want[at - 1];
                at--;
            }
            want[at] = c;
        }
        found += nw;
        int same = ng == nw;
        for (size_t i = 0; same && i < ng; i++) same = strcmp(got[i].word, want[i].word) == 0 && got[i].dist == want[i].dist;
        if (!same && mismatches++ < 5)
            fprintf(stderr, "  walk differs for \"%s\"%s: got %zu (%s), scan %zu (%s)\n", qw, prefix ? "*" : "", ng,
                    ng ? got[0].word : "-", nw, nw ? want[0].word : "-");
    }
    INT_EQ(mismatches, 0);
    printf("  typo walk: %zu candidates compared\n", found);
    OK(found > 100); /* the test looked at real candidates */
    for (size_t i = 0; i < v.n; i++) free(v.w[i].word);
    free(v.w);
}

/* Words that no page holds together are left out one by one instead of
 * returning nothing, and a page holding more of the words ranks first. */
static void test_graceful(void) {
    ks_search *s = ks_search_open(db_path, NULL);
    OK(s != NULL);
    if (!s) return;
    ks_search_results *r = q(s, "soreness ice", 10);
    STR_EQ(top(r), "prolotherapy/recovery"); /* both words */
    OK(has(r, "prolotherapy/risks"));           /* one word, below */
    ks_search_results_free(r);
    r = q(s, "zebra ozone unicorn blood", 10);
    STR_EQ(top(r), "ozone-therapy/index");
    ks_search_results_free(r);
    r = q(s, "glossary oxygen", 10); /* never on one page together */
    OK(r->n >= 2);
    ks_search_results_free(r);
    /* no query holding a word that is on some page (other than a stop
     * word) returns nothing */
    uint64_t rng = 11;
    size_t empty = 0;
    for (int t = 0; t < 300; t++) {
        char text[256] = "";
        size_t tl = 0;
        for (int w = 0; w < 1 + t % 4; w++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            const sr_word *vw = &s->vocab.w[(rng >> 33) % s->vocab.n];
            while (sr_is_stop_word(vw->word)) vw = &s->vocab.w[(size_t)(vw - s->vocab.w + 1) % s->vocab.n];
            tl += (size_t)snprintf(text + tl, sizeof text - tl, "%s%s", w ? " " : "", vw->word);
            if (w == 1) tl += (size_t)snprintf(text + tl, sizeof text - tl, " qqqzzz");
        }
        snprintf(text + tl, sizeof text - tl, " ");
        r = q(s, text, 10);
        if (r->n == 0 && empty++ < 5) fprintf(stderr, "  nothing for \"%s\"\n", text);
        ks_search_results_free(r);
    }
    INT_EQ(empty, 0);
    /* a one-letter prefix marks nothing */
    r = q(s, "s", 10);
    OK(r->n > 0);
    for (size_t i = 0; i < r->n; i++) INT_EQ(r->hits[i].n_highlights, 0);
    ks_search_results_free(r);
    ks_search_close(s);
}

/* A heavy prefix (many words, many pages under it) is searched as its
 * best completions, still finding the pages, titles first. */
static void test_heavy_prefix(void) {
    enum { N = 300 };
    static const char *const ins[] = {"insert", "instance", "install", "inside", "instead",
                                      "instruction", "insight", "inspect", "insulin", "insure"};
    char *db = ks_path_join(tmpdir, "heavy.db");
    tpage *tp = ks_calloc(N, sizeof *tp);
    char **slugs = ks_calloc(N, sizeof *slugs), **texts = ks_calloc(N, sizeof *texts);
    const ks_page **pages = ks_calloc(N, sizeof *pages);
    for (int i = 0; i < N; i++) {
        slugs[i] = ks_sprintf("page-%03d", i);
        ks_buf b = {0};
        for (int k = 0; k < 10; k++) ks_buf_printf(&b, "%s ", ins[(i + k) % 10]);
        ks_buf_printf(&b, "time plan. Page %d.", i);
        texts[i] = ks_buf_detach(&b);
        make_page(&tp[i], slugs[i], i == 7 ? "Time to insert" : "Notes", "misc", texts[i]);
        pages[i] = &tp[i].p;
    }
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return;
    INT_EQ(ks_index_sync_pages(ix, pages, N, NULL, 0, 0, NULL), 0);
    ks_index_close(ix);
    ks_search *s = ks_search_open(db, NULL);
    OK(s != NULL);
    if (!s) return;
    sr_plan *plan = ks_malloc(sizeof *plan);
    sr_plan_make(s, "time ins", 8, 0, plan);
    INT_EQ((int)plan->n_groups, 2);
    OK(plan->groups[1].n_alt == SR_MAX_ALTS);
    for (size_t a = 0; a < plan->groups[1].n_alt; a++) {
        OK(!plan->groups[1].alt[a].prefix); /* words, not an FTS5 prefix */
        OK(strncmp(plan->groups[1].alt[a].text, "ins", 3) == 0);
    }
    ks_search_results *r;
    INT_EQ(ks_search_query(s, "time ins", 10, &r), 0);
    INT_EQ((int)r->n, 10);
    if (r->n) STR_EQ(r->hits[0].slug, "page-007"); /* both words in its title */
    ks_search_results_free(r);
    INT_EQ(ks_search_query(s, "plan", 10, &r), 0); /* a word on every page */
    INT_EQ((int)r->n, 10);
    ks_search_results_free(r);
    free(plan);
    ks_search_close(s);
    for (int i = 0; i < N; i++) {
        free(slugs[i]);
        free(texts[i]);
    }
    free(slugs);
    free(texts);
    free(pages);
    free(tp);
    free(db);
}

/* FTS5 stems a prefix before expanding it (Porter): the reader stems the
 * same way, and a prefix that ends inside a suffix Porter strips
 * ("injecti": the pages are indexed as "inject") still finds its pages. */
static void test_stemmed_prefix(void) {
    ks_index_reader *rd = ks_index_reader_open(db_path, NULL);
    char st[SR_WORD_CAP];
    OK(rd != NULL);
    if (!rd) return;
    INT_EQ((int)ks_index_reader_stem(rd, "used", 4, st, sizeof st), 2);
    STR_EQ(st, "us");
    INT_EQ((int)ks_index_reader_stem(rd, "typing", 6, st, sizeof st), 4);
    STR_EQ(st, "type");
    INT_EQ((int)ks_index_reader_stem(rd, "injections", 10, st, sizeof st), 6);
    STR_EQ(st, "inject");
    INT_EQ((int)ks_index_reader_stem(rd, "injections", 10, st, 4), 0); /* does not fit */
    ks_index_reader_close(rd);
    ks_search *s = ks_search_open(db_path, NULL);
    OK(s != NULL);
    if (!s) return;
    const char *word = "injections";
    for (size_t k = 3; k <= strlen(word); k++) { /* every keystroke of it, alone and after a word */
        char text[64];
        for (int after = 0; after < 2; after++) {
            snprintf(text, sizeof text, "%s%.*s", after ? "blood " : "", (int)k, word);
            ks_search_results *r = q(s, text, 10);
            if (!has(r, "prolotherapy/recovery"))
                harness_fail(__FILE__, __LINE__, "\"%s\" misses the page titled \"After the injections\"", text);
            harness_state.checks++;
            ks_search_results_free(r);
        }
    }
    ks_search_close(s);
}

/* Background reload: the query that notices a sync starts the reload on a
 * thread and answers from the caches it has; a later query takes the new
 * caches over; closing while a load runs waits for it and frees it. */
static void test_background_reload(void) {
    char *db = ks_path_join(tmpdir, "bg.db");
    const ks_page *pages[N_FIX + 1];
    for (int i = 0; i < N_FIX; i++) pages[i] = &fix[i].p;
    ks_index *ix = ks_index_open(db, NULL);
    OK(ix != NULL);
    if (!ix) return;
    INT_EQ(ks_index_sync_pages(ix, pages, N_FIX, NULL, 0, 0, NULL), 0);
    ks_search *s = ks_search_open(db, NULL);
    OK(s != NULL);
    if (!s) return;
    ks_search_set_background(s, 1);
    int64_t gen = ks_search_generation(s);
    ks_search_results *r = q(s, "zebrafish", 10);
    INT_EQ(r->n, 0);
    ks_search_results_free(r);

    make_page(&fix[N_FIX], "zoo", "Zebrafish", "fish", "Zebrafish heal their fins.");
    pages[N_FIX] = &fix[N_FIX].p;
    INT_EQ(ks_index_sync_pages(ix, pages, N_FIX + 1, NULL, 0, 0, NULL), 0);
    r = q(s, "ozone", 10); /* notices the sync: answers at once from the old caches */
    OK(r->n > 0);
    ks_search_results_free(r);
    INT_EQ(ks_search_loading(s), 1);
    OK(ks_search_generation(s) == gen);
    double t0 = ks_now_ms();
    while (ks_search_generation(s) == gen && ks_now_ms() - t0 < 20000) {
        r = q(s, "ozone", 10);
        OK(r->n > 0);
        ks_search_results_free(r);
        usleep(2000);
    }
    OK(ks_search_generation(s) > gen);
    INT_EQ(ks_search_loading(s), 0);
    r = q(s, "zebrafsh ", 10); /* the new vocabulary and pages */
    STR_EQ(top(r), "zoo");
    ks_search_results_free(r);

    /* off again: a load under way is waited for */
    INT_EQ(ks_index_sync_pages(ix, pages, N_FIX, NULL, 0, 0, NULL), 0);
    gen = ks_search_generation(s);
    r = q(s, "ozone", 10);
    ks_search_results_free(r);
    ks_search_set_background(s, 0);
    INT_EQ(ks_search_loading(s), 0);
    OK(ks_search_generation(s) > gen);
    r = q(s, "zebrafish", 10);
    INT_EQ(r->n, 0);
    ks_search_results_free(r);

    /* closed while loading */
    ks_search_set_background(s, 1);
    INT_EQ(ks_index_sync_pages(ix, pages, N_FIX + 1, NULL, 0, 0, NULL), 0);
    r = q(s, "ozone", 10);
    ks_search_results_free(r);
    INT_EQ(ks_search_loading(s), 1);
    ks_search_close(s);
    ks_index_close(ix);
    free(db);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/kiosk-test-search-XXXXXX");
    if (!mkdtemp(tmpdir)) return 2;
    db_path = ks_path_join(tmpdir, "index.db");
    build_fixture();
    RUN(test_open_errors);
    RUN(test_adversarial);
    RUN(test_typos);
    RUN(test_typo_walk);
    RUN(test_graceful);
    RUN(test_heavy_prefix);
    RUN(test_stemmed_prefix);
    RUN(test_prefix_stop_synonyms);
    RUN(test_snippets_json);
    RUN(test_big_page);
    RUN(test_snippet_texts);
    RUN(test_background_reload);
    RUN(test_live_reload);
    char *cmd = ks_sprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    free(cmd);
    free(db_path);
    return harness_done();
}
