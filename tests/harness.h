/* A small test harness in the style of cmark's api_test: one static function
 * per area, registered in main() with RUN(), and a handful of checks that
 * report file:line and carry on. The program exits 1 if any check failed, so
 * CTest sees it. No framework, no globals outside this header's one counter.
 *
 *     static void test_parse(void) { INT_EQ(parse("1"), 1); }
 *     int main(void) { RUN(test_parse); return harness_done(); }
 */
#ifndef KIOSK_TEST_HARNESS_H
#define KIOSK_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    int checks;          /* checks run */
    int failed;          /* checks that failed */
    const char *current; /* name of the test function running */
} harness_state;

static void harness_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static void harness_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    harness_state.failed++;
    fprintf(stderr, "%s:%d: FAIL in %s: ", file, line,
            harness_state.current ? harness_state.current : "?");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* OK(cond): the condition holds. */
#define OK(cond)                                                              \
    do {                                                                      \
        harness_state.checks++;                                               \
        if (!(cond)) harness_fail(__FILE__, __LINE__, "%s", #cond);           \
    } while (0)

/* INT_EQ(a, b): two integers are equal (both evaluated once). */
#define INT_EQ(a, b)                                                          \
    do {                                                                      \
        long long ha_ = (long long)(a), hb_ = (long long)(b);                 \
        harness_state.checks++;                                               \
        if (ha_ != hb_)                                                       \
            harness_fail(__FILE__, __LINE__, "%s == %s: got %lld, want %lld", \
                         #a, #b, ha_, hb_);                                   \
    } while (0)

/* STR_EQ(a, b): two C strings are equal; NULL equals only NULL. */
#define STR_EQ(a, b)                                                          \
    do {                                                                      \
        const char *ha_ = (a), *hb_ = (b);                                    \
        harness_state.checks++;                                               \
        if (!((ha_ == NULL && hb_ == NULL) ||                                 \
              (ha_ && hb_ && strcmp(ha_, hb_) == 0)))                         \
            harness_fail(__FILE__, __LINE__, "%s == %s:\n  got:  %s\n  want: %s", \
                         #a, #b, ha_ ? ha_ : "(null)", hb_ ? hb_ : "(null)"); \
    } while (0)

/* STR_CONTAINS(hay, needle): needle occurs in hay (hay may be NULL: fails). */
#define STR_CONTAINS(hay, needle)                                             \
    do {                                                                      \
        const char *hh_ = (hay), *hn_ = (needle);                             \
        harness_state.checks++;                                               \
        if (!hh_ || !strstr(hh_, hn_))                                        \
            harness_fail(__FILE__, __LINE__, "%s contains \"%s\":\n  got: %s", \
                         #hay, hn_, hh_ ? hh_ : "(null)");                    \
    } while (0)

/* RUN(fn): run one test function. */
#define RUN(fn)                                                               \
    do {                                                                      \
        int before_ = harness_state.failed;                                   \
        harness_state.current = #fn;                                          \
        fn();                                                                 \
        fprintf(stderr, "%s %s\n", harness_state.failed == before_ ? "ok  " : "FAIL", #fn); \
    } while (0)

/* harness_done(): print the totals; the return value is main()'s exit code. */
static inline int harness_done(void) {
    printf("%d checks, %d failed\n", harness_state.checks, harness_state.failed);
    return harness_state.failed ? 1 : 0;
}

/* harness_read_file(path): the whole file as a NUL-terminated string, or NULL.
 * The caller frees it. */
static inline char *harness_read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf) buf[n] = '\0';
    fclose(f);
    return buf;
}

/* harness_run(cmd, &out): run a shell command; its standard output in *out
 * (NUL-terminated; the caller frees it; out may be NULL to discard it).
 * Returns the exit status, or -1 when it could not run or was killed. */
#include <sys/wait.h>
static inline int harness_run(const char *cmd, char **out) {
    FILE *p = popen(cmd, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    if (out) *out = NULL;
    if (!p) return -1;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *bigger = realloc(buf, cap);
            if (!bigger) break;
            buf = bigger;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    int status = pclose(p);
    if (!buf) buf = calloc(1, 1);
    else buf[len] = '\0';
    if (out) *out = buf;
    else free(buf);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif
