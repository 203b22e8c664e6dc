/* bench_search: figures for the index and search, printed, not asserted.
 *
 *   bench_search [PAGES...]      default: the shipped content, 1000, 10000
 *   bench_search --corpus DIR    DIR made by scripts/make-corpus: DIR/content
 *                                (15,000+ pages of real text) and the
 *                                keystrokes of DIR/queries.txt
 * Environment: BENCH_PASSES=N (default 5), BENCH_FULL_ONLY=1 (no naive
 * FTS5 baseline), BENCH_SLOW=MS (list keystrokes slower than MS),
 * BENCH_KEYS=N (the first N keystrokes only), BENCH_DB=FILE (search an
 * index already made from the same content: no build or resync figures),
 * BENCH_KIOSK=PATH (time another kiosk binary through --stdin).
 *
 * For the shipped content and for generated corpora (deterministic pages of
 * ~500 words of medical prose with headings and lists, written to a temp
 * folder and loaded with the real store), it prints:
 *   - index build time, no-change resync, one-changed-page resync (the sync
 *     alone, and with the store reload the kiosk also does), database size;
 *   - per keystroke, median and p99, for queries typed letter by letter
 *     (every prefix of each query is one search; each keystroke's best of
 *     five runs, as the machine is shared):
 *       naive: raw FTS5 `MATCH ... ORDER BY bm25 LIMIT 10` with snippet()
 *       full:  ks_search_query (tokenise, correct, synonyms, rank, snippets
 *              and highlights for the top 10)
 * With --corpus it also times, per keystroke, the first query of a fresh
 * handle (the first keystroke after start-up), and the same keystrokes sent
 * one line at a time through `kiosk search --stdin --json` in a child
 * process (wall time from writing the line to reading the answer; one pass
 * and the best of BENCH_PASSES), with its start-up until ready, and the
 * first keystroke after it, on their own.
 * Build it in Release for real figures (cmake -DCMAKE_BUILD_TYPE=Release).
 */
#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/search.h"
#include "kiosk/store.h"

#include <sqlite3.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ------------------------------------------------------------ corpus */

static uint64_t rng_state = 42;
static uint32_t rnd(uint32_t n) {
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)((rng_state >> 33) % n);
}
/* Zipf-like: small indexes much more often. */
static uint32_t zipf(uint32_t n) {
    uint32_t a = rnd(n), b = rnd(n);
    return (a * b) / (n ? n : 1);
}

static const char *const nouns[] = {
    "injection", "ligament", "tendon", "joint", "knee", "shoulder", "hip", "ankle", "elbow", "wrist", "spine",
    "back", "neck", "muscle", "bone", "cartilage", "nerve", "pain", "swelling", "inflammation", "infection",
    "treatment", "therapy", "clinic", "doctor", "nurse", "clinician", "patient", "visit", "session", "dose",
    "needle", "solution", "dextrose", "ozone", "oxygen", "blood", "sample", "scan", "ultrasound", "x-ray",
    "exercise", "physiotherapy", "recovery", "rest", "ice", "heat", "medicine", "painkiller", "anticoagulant",
    "allergy", "reaction", "bruise", "redness", "soreness", "stiffness", "arthritis", "osteoarthritis",
    "tendonitis", "sprain", "strain", "injury", "tear", "surgery", "operation", "anaesthetic", "cream",
    "tablet", "diet", "weight", "sleep", "stress", "family", "history", "risk", "benefit", "evidence", "study",
    "research", "trial", "result", "outcome", "follow-up", "appointment", "referral", "consent", "question",
    "answer", "option", "choice", "cost", "insurance", "pregnancy", "diabetes", "heart", "pressure", "kidney",
    "liver", "skin", "wound", "ulcer", "collagen", "tissue", "cell", "immune", "system", "symptom", "sign",
};
static const char *const verbs[] = {
    "helps", "reduces", "eases", "causes", "affects", "strengthens", "supports", "protects", "repairs",
    "irritates", "improves", "worsens", "relieves", "triggers", "blocks", "weakens", "heals", "stretches",
    "checks", "explains", "measures", "treats", "prevents", "follows", "needs", "includes", "shows",
};
static const char *const adjs[] = {
    "mild", "severe", "chronic", "acute", "common", "rare", "weak", "strong", "painful", "stiff", "swollen",
    "local", "gentle", "careful", "short", "long", "early", "late", "serious", "minor", "safe", "usual",
    "different", "small", "large", "warm", "cold", "daily", "weekly", "regular", "sudden", "slow", "quick",
};
static const char *const glue[] = {
    "the", "a", "your", "this", "each", "some", "most", "many", "after", "before", "during", "with",
    "without", "for", "in", "of", "and", "or", "but", "because", "when", "if", "may", "can", "often",
    "usually", "sometimes", "also", "then", "about", "around", "near", "into", "from", "over", "under",
};
static const char *const syll[] = {"pro", "lo", "the", "ra", "py", "zo", "ne", "dex", "trose", "lig", "a",
                                   "ment", "ten", "don", "os", "teo", "ar", "thri", "tis", "my", "o", "car",
                                   "di", "al", "gia", "neu", "ro", "path", "ic", "fi", "bro", "sis", "ce",
                                   "phal", "ven", "tri", "cu", "lar", "gas", "tro", "hep", "cyt", "ol", "in"};

#define RARE_WORDS 30000
static char rare[RARE_WORDS][24];

static void make_rare_words(void) {
    for (int i = 0; i < RARE_WORDS; i++) {
        size_t n = 0;
        int parts = 2 + (int)rnd(3);
        for (int k = 0; k < parts; k++) {
            const char *s = syll[rnd(sizeof syll / sizeof syll[0])];
            size_t l = strlen(s);
            if (n + l < sizeof rare[i] - 1) {
                memcpy(rare[i] + n, s, l);
                n += l;
            }
        }
        rare[i][n] = '\0';
    }
}

#define PICK(arr) arr[zipf(sizeof arr / sizeof arr[0])]

static void sentence(ks_buf *b, int capital) {
    int words = 8 + (int)rnd(10);
    for (int w = 0; w < words; w++) {
        const char *word;
        uint32_t kind = rnd(10);
        if (kind < 3) word = PICK(nouns);
        else if (kind < 5) word = PICK(glue);
        else if (kind < 6) word = PICK(verbs);
        else if (kind < 7) word = PICK(adjs);
        else if (kind < 8) word = rare[zipf(RARE_WORDS)];
        else word = glue[rnd(sizeof glue / sizeof glue[0])];
        if (w == 0 && capital) {
            ks_buf_putc(b, (char)(word[0] >= 'a' && word[0] <= 'z' ? word[0] - 32 : word[0]));
            ks_buf_puts(b, word + 1);
        } else {
            ks_buf_putc(b, ' ');
            ks_buf_puts(b, word);
        }
        if (w == 0 && capital) continue;
    }
    ks_buf_puts(b, ". ");
}

/* Plain write: the corpus is scratch, no fsync needed. */
static void put_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(data, 1, len, f);
    fclose(f);
}

static void write_page(const char *dir, size_t i, const char *extra) {
    ks_buf b = {0};
    const char *topic = i % 2 ? "alpha" : "beta";
    ks_buf_printf(&b, "---\ntitle: %c%s %s and %s\nsection: page%zu\norder: %zu\nsummary: ", 'A' + (int)(i % 26),
                  PICK(adjs), PICK(nouns), PICK(nouns), i, i % 100);
    sentence(&b, 1);
    ks_buf_printf(&b, "\nkeywords: [%s, %s, %s]\nreviewed: 2026-11-01\n---\n\n# Page %zu about %s\n\n",
                  PICK(nouns), PICK(nouns), rare[zipf(RARE_WORDS)], i, PICK(nouns));
    for (int sec = 0; sec < 4; sec++) {
        ks_buf_printf(&b, "## %s %s\n\n", PICK(adjs), PICK(nouns));
        for (int para = 0; para < 2; para++) {
            for (int s = 0; s < 3; s++) sentence(&b, 1);
            ks_buf_puts(&b, "\n\n");
        }
        if (sec % 2 == 0) {
            for (int li = 0; li < 4; li++) {
                ks_buf_puts(&b, "- ");
                sentence(&b, 1);
                ks_buf_putc(&b, '\n');
            }
            ks_buf_putc(&b, '\n');
        }
    }
    if (extra) ks_buf_puts(&b, extra);
    char *sub = ks_path_join(dir, topic);
    char name[64];
    snprintf(name, sizeof name, "page-%05zu.md", i);
    char *path = ks_path_join(sub, name);
    put_file(path, b.data, b.len);
    free(path);
    free(sub);
    ks_buf_free(&b);
}

static void make_corpus(const char *dir, size_t pages) {
    rng_state = 42;
    make_rare_words();
    mkdir(dir, 0755);
    for (int t = 0; t < 2; t++) {
        char *sub = ks_path_join(dir, t ? "alpha" : "beta");
        mkdir(sub, 0755);
        char *idx = ks_path_join(sub, "index.md");
        char *text = ks_sprintf("---\ntitle: Topic %s\nsection: overview\norder: %d\nsummary: A topic.\n"
                                "keywords: [topic]\nreviewed: 2026-11-01\n---\n\n# Topic\n\nAbout this topic.\n",
                                t ? "alpha" : "beta", t + 1);
        put_file(idx, text, strlen(text));
        free(text);
        free(idx);
        free(sub);
    }
    char *syn = ks_path_join(dir, "synonyms.txt");
    const char *syn_text = "sugar water = dextrose\nblood thinner, blood thinners = anticoagulant\n"
                           "shot, jab = injection\nphysio = physiotherapy\n";
    put_file(syn, syn_text, strlen(syn_text));
    free(syn);
    for (size_t i = 0; i < pages; i++) write_page(dir, i, NULL);
}

/* ------------------------------------------------------------ timing */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct samples {
    double *v;
    size_t n, cap;
} samples;

static void add(samples *s, double ms) {
    if (s->n == s->cap) s->v = ks_realloc(s->v, (s->cap = s->cap ? s->cap * 2 : 256) * sizeof *s->v);
    s->v[s->n++] = ms;
}

static void report(const char *label, samples *s) {
    if (!s->n) return;
    qsort(s->v, s->n, sizeof *s->v, cmp_double);
    double p50 = s->v[s->n / 2], p99 = s->v[(size_t)((double)(s->n - 1) * 0.99)], max = s->v[s->n - 1];
    printf("  %-34s %6zu keystrokes  median %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", label, s->n, p50, p99, max);
}

/* The naive MATCH for typed text: every word quoted, the last one a prefix. */
static void naive_match(const char *text, ks_buf *b) {
    char w[64];
    size_t pos = 0, len = strlen(text), end = 0;
    ks_buf_clear(b);
    while (ks_index_next_word(text, len, &pos, w, sizeof w, NULL, &end)) {
        if (b->len) ks_buf_putc(b, ' ');
        ks_buf_printf(b, "\"%s\"", w);
    }
    if (b->len && end == len) ks_buf_putc(b, '*');
}

static const char *const typed_queries[] = {
    "knee pain after injection", "blood thinner", "ligamnet tear", "what is physiotherapy", "sugar water",
    "side efects", "how long is recovery", "is it safe", "chronic shoulder stiffness", "ozone therapy",
    "can I exercise after the shot", "anticoagulant and surgery", "arthritis treatment options",
    "swelling and redness", "prolotheraphy", "when can I go back to work", "dextrose", "nerve damage risk",
    "elbow tendonitis", "insurance cost", "e", "a", "s", "pr", "in", "co",
};

static const char *const shipped_queries[] = {
    "prolotherapy", "ozone therapy", "prolotheraphy", "ligamnet", "sugar water", "blood thinner",
    "can I have it if I take blood thinners", "is it safe", "does it hurt", "how long does a visit take",
    "how many sessions", "what happens after the injection", "side efects", "recovry", "assesment",
    "questions to ask my doctor", "who should not have ozone", "ultrasound scan", "glosary", "jab", "e", "o",
};

#define PASSES 5

/* CPU time of the calling thread, ms: on a loaded machine the wall time
 * of one keystroke is mostly waiting for a core. */
static double thread_cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Every prefix of every query, one keystroke each. */
static size_t prefixes(const char *const *qs, size_t nq, char **keys, size_t max) {
    size_t nk = 0;
    for (size_t i = 0; i < nq; i++)
        for (size_t k = 1; k <= strlen(qs[i]) && nk < max; k++) keys[nk++] = ks_strndup(qs[i], k);
    return nk;
}

static int passes(void) {
    const char *e = getenv("BENCH_PASSES");
    int n = e ? atoi(e) : PASSES;
    return n > 0 && n < 100 ? n : PASSES;
}

/* Replay the keystrokes passes() times (after one warm-up pass) and keep,
 * per keystroke, the best time: the machine is shared, and the best of
 * several removes other processes' interference, not our own slow cases
 * (every pass does the same work). Also reported: the worst single pass
 * time of each keystroke's median, and the first keystroke of a fresh
 * handle. */
static void replay_keys(const char *db, char **keys, size_t nk) {
    sqlite3 *raw;
    sqlite3_stmt *st;
    ks_buf m = {0};
    int *shortk = ks_calloc(nk + 1, sizeof *shortk);
    double *best_naive = ks_malloc((nk + 1) * sizeof(double)), *best_full = ks_malloc((nk + 1) * sizeof(double));
    double *best_cpu = ks_malloc((nk + 1) * sizeof(double));
    for (size_t i = 0; i < nk; i++) {
        size_t last_word = 0, k = strlen(keys[i]);
        for (size_t j = 0; j < k; j++) last_word = keys[i][j] == ' ' ? 0 : last_word + 1;
        shortk[i] = last_word > 0 && last_word <= 2 && strchr(keys[i], ' ') != NULL;
        best_naive[i] = best_full[i] = best_cpu[i] = 1e9;
    }
    if (sqlite3_open_v2(db, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return;
    sqlite3_prepare_v2(raw,
                       "SELECT rowid, snippet(fts, 3, '[', ']', '...', 20) FROM fts WHERE fts MATCH ?"
                       " ORDER BY bm25(fts) LIMIT 10",
                       -1, &st, NULL);
    /* the first keystroke after start-up: a fresh handle each time */
    samples first = {0};
    for (size_t i = 0; i < nk && first.n < 8; i += nk / 8 + 1) {
        double t0 = ks_now_ms();
        ks_search *fresh = ks_search_open(db, NULL);
        double t1 = ks_now_ms();
        ks_search_results *r;
        if (!fresh) break;
        ks_search_query(fresh, keys[i], 10, &r);
        double t2 = ks_now_ms();
        ks_search_results_free(r);
        ks_search_close(fresh);
        add(&first, t2 - t1);
        if (first.n == 1) printf("  search open (loads vocabulary, synonyms, titles, glossary, completions): %.1f ms\n", t1 - t0);
    }
    ks_search *s = ks_search_open(db, NULL);
    if (!s) {
        printf("  cannot open search\n");
        return;
    }
    int np = passes();
    for (int pass = 0; pass <= np; pass++) { /* pass 0 warms the caches */
        for (size_t i = 0; i < nk; i++) {
            naive_match(keys[i], &m);
            if (m.len && !getenv("BENCH_FULL_ONLY")) {
                double t0 = ks_now_ms();
                sqlite3_bind_text(st, 1, m.data, -1, SQLITE_STATIC);
                while (sqlite3_step(st) == SQLITE_ROW) {
                }
                sqlite3_reset(st);
                double dt = ks_now_ms() - t0;
                if (pass && dt < best_naive[i]) best_naive[i] = dt;
            }
            double t0 = ks_now_ms(), c0 = thread_cpu_ms();
            ks_search_results *r;
            ks_search_query(s, keys[i], 10, &r);
            double dt = ks_now_ms() - t0, dc = thread_cpu_ms() - c0;
            ks_search_results_free(r);
            if (pass && dt < best_full[i]) best_full[i] = dt;
            if (pass && dc < best_cpu[i]) best_cpu[i] = dc;
        }
    }
    samples naive = {0}, full = {0}, naive_short = {0}, full_short = {0}, cpu = {0};
    for (size_t i = 0; i < nk; i++) {
        if (best_naive[i] < 1e9) {
            add(&naive, best_naive[i]);
            if (shortk[i]) add(&naive_short, best_naive[i]);
        }
        add(&full, best_full[i]);
        add(&cpu, best_cpu[i]);
        if (shortk[i]) add(&full_short, best_full[i]);
        if (getenv("BENCH_SLOW") && best_full[i] > atof(getenv("BENCH_SLOW")))
            printf("    slow: %.2f ms for \"%s\"\n", best_full[i], keys[i]);
    }
    printf("  per keystroke, best of %d passes:\n", np);
    report("(a) naive FTS5, all keystrokes", &naive);
    report("    naive, short last word after others", &naive_short);
    report("(b) ks_search_query, all keystrokes", &full);
    report("    ours, CPU time (thread)", &cpu);
    report("    ours, short last word after others", &full_short);
    report("    ours, first query of a fresh handle", &first);
    free(naive.v);
    free(full.v);
    free(naive_short.v);
    free(full_short.v);
    free(cpu.v);
    free(best_cpu);
    free(first.v);
    free(shortk);
    free(best_naive);
    free(best_full);
    ks_buf_free(&m);
    ks_search_close(s);
    sqlite3_finalize(st);
    sqlite3_close(raw);
}

/* CPU time (user + system) of process pid so far, ms, from /proc (clock
 * ticks: coarse, fine over thousands of keystrokes); -1 when unknown. */
static double proc_cpu_ms(pid_t pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold spaces */
    unsigned long ut, st;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) return -1;
    return (double)(ut + st) * 1e3 / (double)sysconf(_SC_CLK_TCK);
}

/* A `kiosk search --stdin --json` child on db, its pipes in *in and *out. */
typedef struct child {
    pid_t pid;
    FILE *in, *out;
} child;

/* posix_spawn, not fork: forking this process (hundreds of MB after a
 * store load) would copy its page tables inside the start-up figure. */
static int start_child(const char *db, child *c) {
    int to[2], from[2];
    posix_spawn_file_actions_t fa;
    const char *bin = getenv("BENCH_KIOSK") ? getenv("BENCH_KIOSK") : KIOSK_BIN; /* another build, to compare */
    char *argv[] = {(char *)bin, "search", "--stdin", "--json", "--db", (char *)db, NULL};
    c->pid = -1;
    if (pipe(to) != 0 || pipe(from) != 0) return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from[1], 1);
    posix_spawn_file_actions_addclose(&fa, to[1]);
    posix_spawn_file_actions_addclose(&fa, from[0]);
    int rc = posix_spawn(&c->pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(to[0]);
    close(from[1]);
    if (rc != 0) {
        c->pid = -1;
        close(to[1]);
        close(from[0]);
        return -1;
    }
    c->in = fdopen(from[0], "r");
    c->out = fdopen(to[1], "w");
    return 0;
}

static void stop_child(child *c) {
    if (c->pid <= 0) return;
    if (c->out) fclose(c->out);
    if (c->in) fclose(c->in);
    waitpid(c->pid, NULL, 0);
    c->pid = -1;
}

/* Write a line, read the answer: ms, or -1 when the child is gone. */
static double ask(child *c, const char *text, char **line, size_t *cap) {
    double t0 = ks_now_ms();
    fprintf(c->out, "%s\n", text);
    fflush(c->out);
    if (getline(line, cap, c->in) < 0) return -1;
    return ks_now_ms() - t0;
}

/* The keystrokes through `kiosk search --stdin --json` in a child: what the
 * kiosk's own process does per keystroke, pipes included, timed from
 * writing a line to reading its answer. A person starts the command and
 * then types, so start-up is its own figure: an empty line is sent at
 * once (answered "[]" without asking the index anything), and the time to
 * its answer is the time until the handle is ready. Then the first
 * keystroke after start-up, in 8 fresh processes (8 keystrokes spread over
 * the list), and all keystrokes in one process: one pass, and the best of
 * passes() passes as for ks_search_query. */
static void replay_stdin(const char *db, char **keys, size_t nk) {
    samples ready = {0}, first = {0}, one = {0}, best = {0};
    double *best_ms = ks_malloc((nk + 1) * sizeof *best_ms);
    char *line = NULL;
    size_t cap = 0, done = 0;
    int np = passes();
    child c = {-1, NULL, NULL};
    signal(SIGPIPE, SIG_IGN);
    double ready_cpu = 0;
    int n_cpu = 0;
    for (size_t i = 0; i < nk && first.n < 8; i += nk / 8 + 1) {
        double t0 = ks_now_ms(), dt;
        if (start_child(db, &c) != 0) break;
        if (ask(&c, "", &line, &cap) >= 0) {
            add(&ready, ks_now_ms() - t0);
            double cpu = proc_cpu_ms(c.pid);
            if (cpu >= 0) ready_cpu += cpu, n_cpu++;
            if ((dt = ask(&c, keys[i], &line, &cap)) >= 0) add(&first, dt);
        }
        stop_child(&c);
    }
    if (n_cpu)
        printf("  kiosk search --stdin: start-up until ready, CPU (user + system, clock ticks) mean %.1f ms\n",
               ready_cpu / n_cpu);
    report("(c) stdin, start-up until ready", &ready);
    report("    stdin, first keystroke after it", &first);
    if (start_child(db, &c) != 0 || ask(&c, "", &line, &cap) < 0) goto end;
    double cpu0 = proc_cpu_ms(c.pid);
    for (int pass = 0; pass < np; pass++) {
        for (size_t i = 0; i < nk; i++) {
            double dt = ask(&c, keys[i], &line, &cap);
            if (dt < 0) goto end;
            if (pass == 0) add(&one, dt);
            if (pass == 0 || dt < best_ms[i]) best_ms[i] = dt;
            done++;
        }
    }
    double cpu1 = proc_cpu_ms(c.pid);
    for (size_t i = 0; i < nk; i++) {
        add(&best, best_ms[i]);
        if (getenv("BENCH_SLOW") && best_ms[i] > atof(getenv("BENCH_SLOW")))
            printf("    slow through stdin: %.2f ms for \"%s\"\n", best_ms[i], keys[i]);
    }
    report("(c) kiosk search --stdin, one pass", &one);
    if (np > 1) {
        char label[64];
        snprintf(label, sizeof label, "    stdin, best of %d passes", np);
        report(label, &best);
    }
    if (cpu0 >= 0 && cpu1 >= 0 && done)
        printf("  kiosk search --stdin: CPU per keystroke (user + system, whole run) %.3f ms\n", (cpu1 - cpu0) / (double)done);
end:
    stop_child(&c);
    free(line);
    free(best_ms);
    free(ready.v);
    free(first.v);
    free(one.v);
    free(best.v);
}

/* CPU time of this process so far (user + system), ms: on a shared,
 * loaded machine the wall time of a build says more about the others. */
static double cpu_ms(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static long long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static void run(const char *label, const char *content, const char *db, int modify_one, char **keys, size_t nk,
                int through_stdin) {
    int err;
    printf("%s\n", label);
    if (getenv("BENCH_DB")) { /* searches only, on an index made before (kiosk index --db) */
        printf("  searching %s as it is (BENCH_DB): no build or resync figures\n", getenv("BENCH_DB"));
        replay_keys(getenv("BENCH_DB"), keys, nk);
        if (through_stdin) replay_stdin(getenv("BENCH_DB"), keys, nk);
        return;
    }
    double t0 = ks_now_ms(), c0 = cpu_ms();
    ks_store *store = ks_store_load(content, NULL, &err);
    double load_ms = ks_now_ms() - t0, load_cpu = cpu_ms() - c0;
    if (!store) {
        printf("  cannot load %s\n", content);
        return;
    }
    ks_index *ix = ks_index_open(db, NULL);
    ks_index_report r;
    c0 = cpu_ms();
    ks_index_sync(ix, store, &r);
    double sync_cpu = cpu_ms() - c0;
    printf("  pages %zu; store load %.0f ms (CPU %.0f ms); index build (sync) %.0f ms (CPU %.0f ms)\n",
           ks_store_page_count(store), load_ms, load_cpu, r.ms, sync_cpu);
    ks_index_report_free(&r);
    ks_index_close(ix);
    /* a fresh process would reopen: do the same; then five of each kind
     * of resync, reporting the best and the median */
    ix = ks_index_open(db, NULL);
    double t_nc[5], t_nc_load[5], t_one[5], t_one_load[5];
    for (int k = 0; k < 5; k++) {
        ks_index_sync(ix, store, &r);
        t_nc[k] = r.ms;
        ks_index_report_free(&r);
        t0 = ks_now_ms();
        ks_store *again = ks_store_load(content, NULL, &err);
        ks_index_sync(ix, again, &r);
        t_nc_load[k] = ks_now_ms() - t0;
        ks_index_report_free(&r);
        ks_store_free(again);
    }
    qsort(t_nc, 5, sizeof(double), cmp_double);
    qsort(t_nc_load, 5, sizeof(double), cmp_double);
    printf("  no-change resync: sync best %.1f ms, median %.1f ms; with store reload median %.0f ms\n", t_nc[0],
           t_nc[2], t_nc_load[2]);
    if (modify_one) {
        for (int k = 0; k < 5; k++) {
            char extra[96];
            snprintf(extra, sizeof extra, "\nA new sentence about zebrafish number %d.\n", k);
            write_page(content, 7 + (size_t)k, extra);
            t0 = ks_now_ms();
            ks_store *again = ks_store_load(content, NULL, &err);
            double l = ks_now_ms() - t0;
            ks_index_sync(ix, again, &r);
            t_one[k] = r.ms;
            t_one_load[k] = l + r.ms;
            if (r.changed.n != 1) printf("  (expected one changed page, got %zu)\n", r.changed.n);
            ks_index_report_free(&r);
            ks_store_free(again);
        }
        qsort(t_one, 5, sizeof(double), cmp_double);
        qsort(t_one_load, 5, sizeof(double), cmp_double);
        printf("  one changed page: sync best %.1f ms, median %.1f ms; with store reload median %.0f ms\n",
               t_one[0], t_one[2], t_one_load[2]);
    }
    ks_index_close(ix);
    ks_store_free(store);
    char *wal = ks_sprintf("%s-wal", db);
    printf("  database size %.1f MB (+ wal %.1f MB)\n", (double)file_size(db) / 1e6, (double)file_size(wal) / 1e6);
    free(wal);
    replay_keys(db, keys, nk);
    if (through_stdin) replay_stdin(db, keys, nk);
}

static void run_queries(const char *label, const char *content, const char *db, int modify_one,
                        const char *const *qs, size_t nq, int through_stdin) {
    static char *keys[4096];
    size_t nk = prefixes(qs, nq, keys, 4096);
    run(label, content, db, modify_one, keys, nk, through_stdin);
    for (size_t i = 0; i < nk; i++) free(keys[i]);
}

/* The lines of a file (the keystrokes of queries.txt). */
static char **read_lines(const char *path, size_t *n) {
    char *text = NULL;
    size_t len = 0, cap = 0;
    char **lines = NULL;
    *n = 0;
    if (ks_read_file(path, 64u << 20, &text, &len) != 0) return NULL;
    for (size_t off = 0; off < len;) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
        if (l) {
            if (*n == cap) lines = ks_realloc(lines, (cap = cap ? cap * 2 : 1024) * sizeof *lines);
            lines[(*n)++] = ks_strndup(text + off, l);
        }
        off += l + 1;
    }
    free(text);
    return lines;
}

int main(int argc, char **argv) {
    char dir[] = "/tmp/kiosk-bench-search-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    setvbuf(stdout, NULL, _IOLBF, 0); /* figures as they come, also into a file */
    printf("bench_search (SQLite %s)\n", sqlite3_libversion());
    size_t sizes[8];
    size_t n_sizes = 0;
    int shipped = argc < 2;
    if (argc == 3 && strcmp(argv[1], "--corpus") == 0) { /* scripts/make-corpus output */
        char *content = ks_path_join(argv[2], "content"), *qpath = ks_path_join(argv[2], "queries.txt");
        char *db = ks_path_join(dir, "corpus.db");
        size_t nk;
        char **keys = read_lines(qpath, &nk);
        size_t all_keys = nk;
        if (keys && getenv("BENCH_KEYS") && (size_t)atol(getenv("BENCH_KEYS")) > 0 &&
            (size_t)atol(getenv("BENCH_KEYS")) < nk)
            nk = (size_t)atol(getenv("BENCH_KEYS"));
        if (!keys) {
            fprintf(stderr, "bench_search: cannot read %s (make it with scripts/make-corpus %s)\n", qpath, argv[2]);
            return 2;
        }
        char label[1200];
        snprintf(label, sizeof label, "real-text corpus %s, %zu keystrokes", argv[2], nk);
        run(label, content, db, 0, keys, nk, 1);
        for (size_t i = 0; i < all_keys; i++) free(keys[i]);
        free(keys);
        free(content);
        free(qpath);
        free(db);
        char *cmd = ks_sprintf("rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
        free(cmd);
        return 0;
    }
    for (int i = 1; i < argc && n_sizes < 8; i++) {
        if (strcmp(argv[i], "shipped") == 0) shipped = 1;
        else sizes[n_sizes++] = (size_t)strtoul(argv[i], NULL, 10);
    }
    if (argc < 2) {
        sizes[0] = 1000;
        sizes[1] = 10000;
        n_sizes = 2;
    }
    if (shipped) {
        char *db = ks_path_join(dir, "shipped.db");
        run_queries("shipped content (" KIOSK_SOURCE_DIR "/content)", KIOSK_SOURCE_DIR "/content", db, 0,
                    shipped_queries, sizeof shipped_queries / sizeof shipped_queries[0], 1);
        free(db);
    }
    for (size_t i = 0; i < n_sizes; i++) {
        char name[64];
        snprintf(name, sizeof name, "corpus-%zu", sizes[i]);
        char *content = ks_path_join(dir, name);
        snprintf(name, sizeof name, "corpus-%zu.db", sizes[i]);
        char *db = ks_path_join(dir, name);
        double t0 = ks_now_ms();
        make_corpus(content, sizes[i]);
        char label[128];
        snprintf(label, sizeof label, "generated corpus, %zu pages (written in %.0f ms)", sizes[i],
                 ks_now_ms() - t0);
        run_queries(label, content, db, 1, typed_queries, sizeof typed_queries / sizeof typed_queries[0], 0);
        free(content);
        free(db);
    }
    char *cmd = ks_sprintf("rm -rf '%s'", dir);
    if (getenv("BENCH_KEEP")) printf("kept %s\n", dir);
    else if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
    return 0;
}
