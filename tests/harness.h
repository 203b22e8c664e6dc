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
    int skipped;         /* parts skipped for want of an outside program */
    const char *current; /* name of the test function running */
} harness_state;

static inline void harness_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static inline void harness_fail(const char *file, int line, const char *fmt, ...) {
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

/* The exit code CTest reads as "skipped" (SKIP_RETURN_CODE in
 * tests/CMakeLists.txt), as automake's. */
#define HARNESS_SKIPPED 77

/* harness_skip(why...): a part of the test cannot run here (an outside
 * program is missing); says why on stderr. harness_done() then returns
 * HARNESS_SKIPPED unless a check failed. */
static inline void harness_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void harness_skip(const char *fmt, ...) {
    va_list ap;
    harness_state.skipped++;
    fputs("SKIP: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* harness_done(): print the totals; the return value is main()'s exit code:
 * 1 when a check failed, else HARNESS_SKIPPED when a part was skipped. */
static inline int harness_done(void) {
    printf("%d checks, %d failed%s\n", harness_state.checks, harness_state.failed,
           harness_state.skipped ? ", some parts skipped (see SKIP above)" : "");
    if (harness_state.failed) return 1;
    return harness_state.skipped ? HARNESS_SKIPPED : 0;
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

/* harness_rm_rf(dir): remove a test's folder and all in it; 0, or -1
 * after "could not remove DIR" on stderr. */
static inline int harness_rm_rf(const char *dir) {
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) == 0) return 0;
    fprintf(stderr, "could not remove %s\n", dir);
    return -1;
}

/* harness_keep_or_remove(dir): at a test program's end, keep dir (and say
 * so) when a check failed, so its screenshots and logs can be looked at;
 * else remove it. */
static inline void harness_keep_or_remove(const char *dir) {
    if (harness_state.failed)
        fprintf(stderr, "screenshots and logs kept in %s\n", dir);
    else
        (void)harness_rm_rf(dir);
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

/* ------------------------------------------------------------------------
 * Outside programs, child processes and display servers, for the tests that
 * run the kiosk binary or start Xvfb.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* harness_sleep_ms(ms): sleep ms milliseconds. */
static inline void harness_sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* harness_now_ms(): a monotonic clock in milliseconds. */
static inline double harness_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* harness_on_path(prog): whether an executable prog is on $PATH. */
static inline int harness_on_path(const char *prog) {
    const char *path = getenv("PATH");
    char buf[1024];
    if (!path) path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, prog);
        if (access(buf, X_OK) == 0) return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

/* harness_wait_exit(pid, ms, &status): whether the child ended within ms
 * (its status in *status). */
static inline int harness_wait_exit(pid_t pid, int ms, int *status) {
    for (int waited = 0; waited <= ms; waited += 50) {
        if (waitpid(pid, status, WNOHANG) == pid) return 1;
        harness_sleep_ms(50);
    }
    return 0;
}

/* harness_file_has(path, needle, ms): whether the file holds needle within
 * ms (read again every 100 ms: a child's log as it writes it). */
static inline int harness_file_has(const char *path, const char *needle, int ms) {
    for (int waited = 0; waited <= ms; waited += 100) {
        char *s = harness_read_file(path);
        int found = s && strstr(s, needle);
        free(s);
        if (found) return 1;
        harness_sleep_ms(100);
    }
    return 0;
}

/* harness_stop(pid): SIGTERM, up to 5 s to end, then SIGKILL; reaped. */
static inline void harness_stop(pid_t pid) {
    int st;
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    if (harness_wait_exit(pid, 5000, &st)) return;
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
}

/* harness_xvfb_up(n): whether an X server accepts connections on display n
 * (its socket in /tmp/.X11-unix). */
static inline int harness_xvfb_up(int n) {
    struct sockaddr_un a;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0), up;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "/tmp/.X11-unix/X%d", n);
    up = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0) close(fd);
    return up;
}

/* harness_x_wait(pid, n): wait up to 10 s for the X server pid just started
 * on display :n to accept connections; 0 when it does, else -1 with the
 * server stopped (it exited: the display was taken after all). */
static inline int harness_x_wait(pid_t pid, int n) {
    for (int i = 0; i < 100; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) return -1;
        if (harness_xvfb_up(n)) return 0;
        harness_sleep_ms(100);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return -1;
}

/* harness_xvfb_start(screen, black, display, cap): start Xvfb with one
 * screen of geometry screen ("1080x1920x24"; black: a black root, -br) on a
 * display number nobody uses (no socket in /tmp/.X11-unix: Xvfb's own
 * -displayfd picks :0 even when another server without a lock file is being
 * started there), waiting until it accepts connections. Returns its pid and
 * writes ":N" into display, or -1 (stop it with harness_stop). */
static inline pid_t harness_xvfb_start(const char *screen, int black, char *display, size_t cap) {
    for (int attempt = 0; attempt < 20; attempt++) {
        int n = 100 + (int)((getpid() * 7 + attempt * 131) % 800);
        char sock[64];
        pid_t pid;
        snprintf(sock, sizeof sock, "/tmp/.X11-unix/X%d", n);
        if (access(sock, F_OK) == 0) continue;
        snprintf(display, cap, ":%d", n);
        pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            if (null >= 0) {
                dup2(null, 1);
                dup2(null, 2);
            }
            if (black)
                execlp("Xvfb", "Xvfb", display, "-screen", "0", screen, "-br", "-nolisten", "tcp", (char *)NULL);
            else
                execlp("Xvfb", "Xvfb", display, "-screen", "0", screen, "-nolisten", "tcp", (char *)NULL);
            _exit(127);
        }
        if (harness_x_wait(pid, n) == 0) return pid;
    }
    return -1;
}

/* harness_write_text(path, text): write a whole text file (replacing it);
 * 0, or -1 after "cannot write PATH" on stderr. */
static inline int harness_write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    int ok;
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        return -1;
    }
    ok = fputs(text, f) >= 0;
    if (fclose(f) != 0 || !ok) {
        fprintf(stderr, "cannot write %s\n", path);
        return -1;
    }
    return 0;
}

/* harness_page_md(title, section, body): a valid content page (front
 * matter, heading, body; recovery and risks pages get the "When to get
 * help" callout they need to be free of warnings). The caller frees it. */
static inline char *harness_page_md(const char *title, const char *section, const char *body) {
    static const char fmt[] = "---\ntitle: %s\nsection: %s\norder: 3\nsummary: A short line.\n"
                              "reviewed: 2026-11-01\n---\n\n# %s\n\n%s\n%s";
    int help = !strcmp(section, "recovery") || !strcmp(section, "risks");
    const char *callout = help ? "\n> **When to get help**\n>\n> Call the clinic if it gets worse.\n" : "";
    int n = snprintf(NULL, 0, fmt, title, section, title, body, callout);
    char *md = malloc((size_t)n + 1);
    if (md) snprintf(md, (size_t)n + 1, fmt, title, section, title, body, callout);
    return md;
}

/* A kiosk (`kiosk run --script -`) as a child process the test talks to:
 * one command a line on its stdin, one answer a line on its stdout. */
typedef struct harness_kiosk {
    pid_t pid;
    FILE *to;             /* its stdin */
    int from;             /* its stdout */
    char buf[65536];      /* read, not yet returned */
    size_t len;           /* bytes in buf */
    char answer[65536];   /* the last answer */
} harness_kiosk;

/* harness_exec(argv, env, display, log): in a forked child, become argv
 * (NULL-terminated, argv[0] the program's path). env (NULL-terminated, or
 * NULL): "NAME=value" is set, a bare "NAME" unset. display NULL: SDL's
 * dummy video driver; else DISPLAY=display and SDL picks. log NULL: its
 * stderr is ours; else stderr goes to the file log (truncated). Does not
 * return (exit 127 when argv cannot run). */
static inline void harness_exec(char *const argv[], char *const env[], const char *display, const char *log) {
    if (log) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) dup2(fd, 2);
    }
    if (display) {
        setenv("DISPLAY", display, 1);
        unsetenv("SDL_VIDEODRIVER"); /* ctest sets "dummy" */
    } else {
        setenv("SDL_VIDEODRIVER", "dummy", 1);
    }
    for (size_t i = 0; env && env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        if (eq) {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(eq - env[i]), env[i]);
            setenv(name, eq + 1, 1);
        } else {
            unsetenv(env[i]);
        }
    }
    execv(argv[0], argv);
    _exit(127);
}

/* harness_spawn(argv, env, display, log): argv run as a child, as
 * harness_exec says. Its pid, or -1 when it could not fork. */
static inline pid_t harness_spawn(char *const argv[], char *const env[], const char *display, const char *log) {
    pid_t pid = fork();
    if (pid == 0) harness_exec(argv, env, display, log);
    return pid;
}

/* harness_kiosk_start(k, argv, display, log): run argv (NULL-terminated,
 * argv[0] the program's path) with pipes to its stdin and stdout. display
 * NULL: SDL's dummy video driver; else DISPLAY=display and SDL picks.
 * log NULL: its stderr is ours; else stderr goes to the file log
 * (truncated). Returns 0, or -1 when it could not start. */
static inline int harness_kiosk_start(harness_kiosk *k, char *const argv[], const char *display, const char *log) {
    int in[2], out[2];
    memset(k, 0, sizeof *k);
    if (pipe(in) != 0 || pipe(out) != 0) return -1;
    k->pid = fork();
    if (k->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        harness_exec(argv, NULL, display, log);
    }
    close(in[0]);
    close(out[1]);
    k->to = fdopen(in[1], "w");
    k->from = out[0];
    return k->pid > 0 ? 0 : -1;
}

/* harness_kiosk_ask(k, line): send one command; its one-line answer (in k,
 * valid until the next ask), or "(no answer)" after 20 s. */
static inline const char *harness_kiosk_ask(harness_kiosk *k, const char *line) {
    double until = harness_now_ms() + 20000;
    fprintf(k->to, "%s\n", line);
    fflush(k->to);
    for (;;) {
        char *nl = memchr(k->buf, '\n', k->len);
        struct pollfd pf = {k->from, POLLIN, 0};
        ssize_t got;
        if (nl) {
            size_t n = (size_t)(nl - k->buf);
            memcpy(k->answer, k->buf, n);
            k->answer[n] = '\0';
            memmove(k->buf, nl + 1, k->len - n - 1);
            k->len -= n + 1;
            return k->answer;
        }
        if (harness_now_ms() > until || poll(&pf, 1, 1000) < 0) break;
        if (!(pf.revents & (POLLIN | POLLHUP))) continue;
        got = read(k->from, k->buf + k->len, sizeof k->buf - 1 - k->len);
        if (got <= 0) break;
        k->len += (size_t)got;
    }
    return "(no answer)";
}

/* harness_kiosk_close(k): close both pipes (the kiosk sees the end of its
 * script) and leave the process to the caller. */
static inline void harness_kiosk_close(harness_kiosk *k) {
    if (k->to) fclose(k->to);
    if (k->from >= 0) close(k->from);
    k->to = NULL;
    k->from = -1;
}

/* harness_kiosk_stop(k): "quit", close the pipes, up to 10 s to end, then
 * SIGKILL; reaped. */
static inline void harness_kiosk_stop(harness_kiosk *k) {
    int st;
    harness_kiosk_ask(k, "quit");
    harness_kiosk_close(k);
    if (!harness_wait_exit(k->pid, 10000, &st)) {
        kill(k->pid, SIGKILL);
        waitpid(k->pid, &st, 0);
    }
}

#endif
