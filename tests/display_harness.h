/* display_harness: helpers for the tests that start the kiosk on real
 * display servers (test_ui_display: Xvfb and cage; test_ui_output: an X
 * server whose screen changes size): start programs as another user, wait
 * for a log line, and judge screenshots (black share, pixels changed).
 * Include after harness.h. */
#ifndef KIOSK_TEST_DISPLAY_HARNESS_H
#define KIOSK_TEST_DISPLAY_HARNESS_H

#include <SDL.h>
#include <SDL_image.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run argv (NULL-terminated) as uid/gid (uid < 0: as we are) with extra
 * environment entries env (NULL-terminated "K=V", may be NULL), stdout and
 * stderr to log (NULL: /dev/null). Returns the pid, or -1. */
static pid_t spawn(char *const argv[], char *const env[], const char *log, int uid, int gid) {
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (uid >= 0) {
            if (setgroups(0, NULL) != 0 || setgid((gid_t)gid) != 0 || setuid((uid_t)uid) != 0) _exit(126);
        }
        unsetenv("SDL_VIDEODRIVER"); /* ctest sets "dummy" */
        for (size_t i = 0; env && env[i]; i++) putenv(env[i]);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Run and wait; returns the exit status or -1. */
static int run(char *const argv[], char *const env[], int uid, int gid) {
    int st;
    pid_t pid = spawn(argv, env, NULL, uid, gid);
    if (pid < 0 || waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int log_has(const char *log, const char *needle, int ms) {
    for (int waited = 0; waited <= ms; waited += 100) {
        char *s = harness_read_file(log);
        int found = s && strstr(s, needle);
        free(s);
        if (found) return 1;
        harness_sleep_ms(100);
    }
    return 0;
}

static void dump(const char *log) {
    char *s = harness_read_file(log);
    fprintf(stderr, "--- %s ---\n%s-----------------\n", log, s ? s : "(none)");
    free(s);
}

/* Share (0..1) of pure black pixels in the PNG; *w, *h its size; -1 when
 * it cannot be read. */
static double black_share(const char *png, int *w, int *h) {
    SDL_Surface *raw = IMG_Load(png), *s;
    long n = 0;
    *w = *h = 0;
    if (!raw) return -1;
    s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    if (!s) return -1;
    SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < s->w; x++) n += (row[x] & 0xFFFFFF) == 0;
    }
    SDL_UnlockSurface(s);
    *w = s->w;
    *h = s->h;
    SDL_FreeSurface(s);
    return (double)n / ((double)*w * *h);
}

/* Share (0..1) of pixels that differ between two PNGs of the same size,
 * or -1. */
static double differ_share(const char *a_png, const char *b_png) {
    SDL_Surface *ra = IMG_Load(a_png), *rb = IMG_Load(b_png), *a = NULL, *b = NULL;
    double share = -1;
    if (ra) a = SDL_ConvertSurfaceFormat(ra, SDL_PIXELFORMAT_ARGB8888, 0);
    if (rb) b = SDL_ConvertSurfaceFormat(rb, SDL_PIXELFORMAT_ARGB8888, 0);
    if (a && b && a->w == b->w && a->h == b->h) {
        long n = 0;
        for (int y = 0; y < a->h; y++) {
            const Uint32 *pa = (const Uint32 *)((const Uint8 *)a->pixels + (size_t)y * a->pitch);
            const Uint32 *pb = (const Uint32 *)((const Uint8 *)b->pixels + (size_t)y * b->pitch);
            for (int x = 0; x < a->w; x++) n += (pa[x] & 0xFFFFFF) != (pb[x] & 0xFFFFFF);
        }
        share = (double)n / ((double)a->w * a->h);
    }
    SDL_FreeSurface(ra);
    SDL_FreeSurface(rb);
    SDL_FreeSurface(a);
    SDL_FreeSurface(b);
    return share;
}

/* Check a screenshot: the size of the output and (almost) nothing black. */
static void check_shot(const char *what, const char *png, int want_w, int want_h) {
    int w, h;
    double b = black_share(png, &w, &h);
    fprintf(stderr, "%s: %s %dx%d, black %.2f %%\n", what, png, w, h, 100 * b);
    OK(b >= 0);
    INT_EQ(w, want_w);
    INT_EQ(h, want_h);
    OK(b >= 0 && b < 0.001); /* anti-aliased text is never pure black */
}

#endif
