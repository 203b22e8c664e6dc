/* `kiosk run --script`: the scripted journeys in tests/ui-scripts/ run
 * through the real binary headlessly, a failed expect or a malformed line
 * exits 1 naming the line, and shots are PNGs of what a patient sees. */
#include "harness.h"
#include "kiosk/base.h"

#include <SDL.h>
#include <SDL_image.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp[64];

/* Run kiosk run with args; stderr into *err (caller frees). Returns the
 * exit status, or -1. */
static int kiosk(const char *args, char **err) {
    char cmd[2048], path[128];
    int st;
    snprintf(path, sizeof path, "%s/stderr.txt", tmp);
    snprintf(cmd, sizeof cmd, "'%s' run --content '%s/content' --db '%s/index.db' %s 2>'%s' >/dev/null",
             KIOSK_BIN, KIOSK_SOURCE_DIR, tmp, args, path);
    st = system(cmd);
    *err = harness_read_file(path);
    if (!*err) *err = ks_strdup("");
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int script(const char *name, char **err) {
    char args[512];
    snprintf(args, sizeof args, "--script '%s/tests/ui-scripts/%s'", KIOSK_SOURCE_DIR, name);
    return kiosk(args, err);
}

static int write_script(const char *name, const char *text) {
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    fclose(f);
    return 0;
}

static void test_journeys(void) {
    const char *names[] = {"journey.txt", "search.txt", "idle.txt", "resize.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *err = NULL;
        int rc = script(names[i], &err);
        if (rc != 0) fprintf(stderr, "  %s: exit %d\n%s", names[i], rc, err);
        INT_EQ(rc, 0);
        free(err);
    }
}

static void test_screens_logged(void) {
    char *err = NULL;
    INT_EQ(script("journey.txt", &err), 0);
    STR_CONTAINS(err, "screen topic:prolotherapy");
    STR_CONTAINS(err, "screen page:prolotherapy/what-it-is");
    free(err);
}

static void test_shots_are_pngs(void) {
    char *err = NULL;
    SDL_Surface *s;
    INT_EQ(script("search.txt", &err), 0);
    free(err);
    s = IMG_Load("ui-shots/cli-search-prolo.png");
    OK(s != NULL);
    if (s) {
        INT_EQ(s->w, 1080);
        INT_EQ(s->h, 1920);
        SDL_FreeSurface(s);
    }
    INT_EQ(script("resize.txt", &err), 0);
    free(err);
    s = IMG_Load("ui-shots/cli-landscape.png");
    OK(s != NULL);
    if (s) {
        INT_EQ(s->w, 1920);
        INT_EQ(s->h, 1080);
        SDL_FreeSurface(s);
    }
}

static void test_failed_expect_names_line(void) {
    char *err = NULL, args[256];
    OK(write_script("bad.txt", "expect home\n\n# next: wrong\nexpect page:nowhere\nexpect home\n") == 0);
    snprintf(args, sizeof args, "--script '%s/bad.txt'", tmp);
    INT_EQ(kiosk(args, &err), 1);
    STR_CONTAINS(err, "bad.txt:4:");
    STR_CONTAINS(err, "page:nowhere");
    free(err);
}

static void test_malformed_line(void) {
    char *err = NULL, args[256];
    OK(write_script("malformed.txt", "tap 10 10\ntap ten 10\n") == 0);
    snprintf(args, sizeof args, "--script '%s/malformed.txt'", tmp);
    INT_EQ(kiosk(args, &err), 1);
    STR_CONTAINS(err, "malformed.txt:2:");
    free(err);
    OK(write_script("unknown.txt", "expect home\nswipe 1 2\n") == 0);
    snprintf(args, sizeof args, "--script '%s/unknown.txt'", tmp);
    INT_EQ(kiosk(args, &err), 1);
    STR_CONTAINS(err, "unknown.txt:2:");
    free(err);
}

static void test_type_needs_keyboard(void) {
    char *err = NULL, args[256];
    /* On a page there is no search field: typing fails, naming the line. */
    OK(write_script("type.txt", "tap 540 640\nexpect topic:prolotherapy\ntype abc\n") == 0);
    snprintf(args, sizeof args, "--script '%s/type.txt'", tmp);
    INT_EQ(kiosk(args, &err), 1);
    STR_CONTAINS(err, "type.txt:3:");
    free(err);
}

static void test_usage(void) {
    char *err = NULL;
    INT_EQ(kiosk("--size 10x10 --script /dev/null", &err), 2);
    free(err);
    INT_EQ(kiosk("--bogus", &err), 2);
    free(err);
    INT_EQ(kiosk("--help", &err), 0);
    free(err);
    OK(write_script("cfg.txt", "[idle]\nseconds = soon\n") == 0);
    {
        char args[256];
        snprintf(args, sizeof args, "--config '%s/cfg.txt' --script /dev/null", tmp);
        INT_EQ(kiosk(args, &err), 2);
        STR_CONTAINS(err, "cfg.txt:2: seconds:");
        free(err);
    }
    {
        /* Too big to read: the message says so (it once said "Success"). */
        char args[256], path[128];
        FILE *f;
        snprintf(path, sizeof path, "%s/big.cfg", tmp);
        f = fopen(path, "w");
        OK(f != NULL);
        if (f) {
            fseek(f, 2L << 20, SEEK_SET);
            fputc('\n', f);
            fclose(f);
        }
        snprintf(args, sizeof args, "--config '%s' --script /dev/null", path);
        INT_EQ(kiosk(args, &err), 2);
        STR_CONTAINS(err, "larger than 1 MiB");
        free(err);
    }
}

static void test_config_idle(void) {
    char *err = NULL, args[256];
    /* idle_seconds from the configuration; 0 turns the reset off. */
    OK(write_script("short.cfg", "# quick\n[idle]\nseconds = 10\nprompt_seconds = 20\n") == 0);
    OK(write_script("short.txt", "type a\nidle 11\nexpect idle-prompt\nidle 20\nexpect home\n") == 0);
    snprintf(args, sizeof args, "--config '%s/short.cfg' --script '%s/short.txt'", tmp, tmp);
    INT_EQ(kiosk(args, &err), 0);
    free(err);
    /* (the screen would go off after 30 minutes: not today) */
    OK(write_script("off.cfg", "[idle]\nseconds = 0\n[screen]\nscreen_off_minutes = 0\n") == 0);
    OK(write_script("off.txt", "type a\nidle 100000\nexpect search\n") == 0);
    snprintf(args, sizeof args, "--config '%s/off.cfg' --script '%s/off.txt'", tmp, tmp);
    INT_EQ(kiosk(args, &err), 0);
    free(err);
}

/* `kiosk render` draws the ui's screens too. */
static void test_render_screens(void) {
    const char *specs[] = {"home", "topic:prolotherapy", "search:knee", "idle-prompt"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        char cmd[2048], out[256];
        SDL_Surface *s;
        snprintf(out, sizeof out, "%s/screen%zu.png", tmp, i);
        snprintf(cmd, sizeof cmd, "'%s' render '%s' -o '%s' --size 1920x1080 --text-scale 1.5 --content '%s/content' --db '%s/index.db' 2>/dev/null",
                 KIOSK_BIN, specs[i], out, KIOSK_SOURCE_DIR, tmp);
        INT_EQ(system(cmd), 0);
        s = IMG_Load(out);
        OK(s != NULL);
        if (s) {
            INT_EQ(s->w, 1920);
            SDL_FreeSurface(s);
        }
    }
    {
        /* At the default look too (an untouched Home is never asked, so the
         * prompt must not be drawn over one): not the Home screen. */
        const char *plain[] = {"home", "idle-prompt"};
        char *png[2];
        size_t len[2];
        for (int i = 0; i < 2; i++) {
            char cmd[2048], out[256];
            snprintf(out, sizeof out, "%s/plain%d.png", tmp, i);
            snprintf(cmd, sizeof cmd, "'%s' render '%s' -o '%s' --content '%s/content' --db '%s/index.db' 2>/dev/null",
                     KIOSK_BIN, plain[i], out, KIOSK_SOURCE_DIR, tmp);
            INT_EQ(system(cmd), 0);
            png[i] = NULL;
            len[i] = 0;
            if (ks_read_file(out, 64u << 20, &png[i], &len[i]) != KS_OK) png[i] = NULL;
            OK(png[i] != NULL);
        }
        OK(png[0] && png[1] && (len[0] != len[1] || memcmp(png[0], png[1], len[0]) != 0));
        free(png[0]);
        free(png[1]);
    }
    {
        char cmd[1024];
        int st;
        snprintf(cmd, sizeof cmd, "'%s' render topic:nowhere -o '%s/x.png' --content '%s/content' 2>/dev/null", KIOSK_BIN, tmp,
                 KIOSK_SOURCE_DIR);
        st = system(cmd);
        OK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    }
}

/* kiosk run on a content folder that does not exist: it starts, logs why,
 * shows the "no pages yet" screen (not an empty Home: a rendering of it is
 * the same picture as the shot), and the staff corner still opens the PIN
 * pad (issue 15). */
static void test_run_without_content(void) {
    char *err = NULL, args[512], cmd[1024], ref[256];
    snprintf(ref, sizeof ref, "%s/render-nopages.png", tmp);
    OK(write_script("nopages.txt", "expect home\nshot ui-shots/cli-no-pages.png\ntap 540 960\nexpect home\n"
                                   "drag 30 30 31 31 5300\nexpect staff-pin\n") == 0);
    snprintf(args, sizeof args, "--content '%s/no-such-folder' --script '%s/nopages.txt'", tmp, tmp);
    INT_EQ(kiosk(args, &err), 0);
    STR_CONTAINS(err, "no-such-folder:1: error: the content folder does not exist");
    STR_CONTAINS(err, "screen staff-pin");
    free(err);
    snprintf(cmd, sizeof cmd, "'%s' render home -o '%s' --content '%s/no-such-folder' 2>/dev/null", KIOSK_BIN, ref, tmp);
    INT_EQ(system(cmd), 0);
    {
        SDL_Surface *a = IMG_Load("ui-shots/cli-no-pages.png"), *b = IMG_Load(ref);
        OK(a && b);
        if (a && b) {
            SDL_Surface *ca = SDL_ConvertSurfaceFormat(a, SDL_PIXELFORMAT_RGB888, 0);
            SDL_Surface *cb = SDL_ConvertSurfaceFormat(b, SDL_PIXELFORMAT_RGB888, 0);
            OK(ca && cb && ca->w == cb->w && ca->h == cb->h);
            if (ca && cb && ca->w == cb->w && ca->h == cb->h) {
                int same = 1;
                for (int y = 0; y < ca->h && same; y++)
                    same = memcmp((Uint8 *)ca->pixels + (size_t)y * (size_t)ca->pitch,
                                  (Uint8 *)cb->pixels + (size_t)y * (size_t)cb->pitch, (size_t)ca->w * 4) == 0;
                OK(same);
            }
            SDL_FreeSurface(ca);
            SDL_FreeSurface(cb);
        }
        SDL_FreeSurface(a);
        SDL_FreeSurface(b);
    }
}

int main(void) {
    snprintf(tmp, sizeof tmp, "/tmp/kiosk-ui-cli-XXXXXX");
    if (!mkdtemp(tmp)) return 1;
    mkdir("ui-shots", 0755);
    RUN(test_journeys);
    RUN(test_screens_logged);
    RUN(test_shots_are_pngs);
    RUN(test_failed_expect_names_line);
    RUN(test_malformed_line);
    RUN(test_type_needs_keyboard);
    RUN(test_usage);
    RUN(test_config_idle);
    RUN(test_render_screens);
    RUN(test_run_without_content);
    harness_rm_rf(tmp);
    return harness_done();
}
