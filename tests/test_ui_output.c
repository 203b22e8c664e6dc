/* The output changes size under a running kiosk (a monitor swapped, xrandr):
 * the kiosk covers the new screen, lays everything out again for it, keeps
 * the reading position, and a click lands on what is drawn.
 *
 * The X server is Xvnc (TigerVNC, Debian tigervnc-standalone-server): a
 * virtual X server whose screen RandR really resizes (`xrandr --output
 * VNC-0 --mode WxH`), which Xvfb cannot. No window manager: kiosk mode
 * covers the 1920x1080 screen by itself. The test opens a page by clicks
 * (xdotool), scrolls it with four wheel notches (a heading is then at the
 * top), then turns the screen to 1080x1920, 1280x800, 1920x1080 and 1280x800
 * again (SDL 2 alone missed the change back to 1920x1080 and the window
 * stayed 1280x800). After each change a screenshot of the
 * root window (`import -window root`) must be the new size with nothing
 * black, and match a headless kiosk given the same clicks, notches and
 * sizes (the same ui code on a software surface), which shows the page was
 * laid out for the new size; the kiosk's log must name the line at the top
 * that the headless kiosk has there, and that is the heading that was at the
 * top before the changes (the reading position is kept, and it is not the
 * page's start; keeping the scroll's share instead put the heading's next
 * line at the top of the portrait screen).
 * Last, a click on the Search button at 1280x800 opens search.
 *
 * Skipped (exit 77, saying why) only when Xvnc, xrandr, xdotool or import
 * is missing or Xvnc cannot be started.
 */
#include "harness.h"
#include "display_harness.h"
#include "kiosk/base.h"
#include "kiosk/render.h"
#include "kiosk/store.h"
#include "kiosk/ui.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#define PAGE "page:prolotherapy/what-it-is"
#define TOPIC "topic:prolotherapy"
#define NOTCHES 4 /* wheel notches down: a heading at the top ("What is in the shot?") */

static char tmp[64];
static ks_store *shipped;
static char env_display[48];
static char *xenv[] = {env_display, NULL};

/* ------------------------------------------------------------ the X server */

/* Xvnc with a 1920x1080 screen on a display nobody uses, no VNC port (only
 * the X socket). Its pid (display written), or -1. */
static pid_t xvnc_start(char *display, size_t cap) {
    for (int attempt = 0; attempt < 20; attempt++) {
        int n = 100 + (int)((getpid() * 11 + attempt * 137) % 800);
        char sock[64], log[128];
        pid_t pid;
        snprintf(sock, sizeof sock, "/tmp/.X11-unix/X%d", n);
        if (access(sock, F_OK) == 0) continue;
        snprintf(display, cap, ":%d", n);
        snprintf(log, sizeof log, "%s/xvnc.log", tmp);
        {
            char *argv[] = {"Xvnc", display, "-geometry", "1920x1080", "-depth", "24", "-SecurityTypes", "None",
                            "-rfbport", "-1", "-nolisten", "tcp", "-br", NULL};
            pid = spawn(argv, NULL, log, -1, -1);
        }
        if (harness_x_wait(pid, n) == 0) return pid;
    }
    return -1;
}

/* xrandr with args (NULL-terminated after "xrandr"); its exit status. */
static int xrandr(char *a1, char *a2, char *a3, char *a4, char *a5) {
    char *argv[] = {"xrandr", a1, a2, a3, a4, a5, NULL};
    return run(argv, xenv, -1, -1);
}

static void shoot(const char *png) {
    char *argv[] = {"import", "-window", "root", (char *)png, NULL};
    OK(run(argv, xenv, -1, -1) == 0);
}

static void click(int x, int y) {
    char xs[16], ys[16];
    char *argv[] = {"xdotool", "mousemove", xs, ys, "click", "1", NULL};
    snprintf(xs, sizeof xs, "%d", x);
    snprintf(ys, sizeof ys, "%d", y);
    OK(run(argv, xenv, -1, -1) == 0);
}

/* Click (x, y) until the log says screen want (a click while the window is
 * still being mapped can be lost; a patient would touch again). */
static int click_opens(const char *log, int x, int y, const char *want) {
    char line[160];
    snprintf(line, sizeof line, "screen %s\n", want);
    for (int i = 0; i < 3; i++) {
        click(x, y);
        if (log_has(log, line, 3000)) return 1;
    }
    dump(log);
    return 0;
}

/* Whether needle is in the log at least n times, waiting up to ms. */
static int log_count(const char *log, const char *needle, int n, int ms) {
    for (int waited = 0; waited <= ms; waited += 100) {
        char *s = harness_read_file(log);
        int count = 0;
        for (const char *p = s; p && (p = strstr(p, needle)) != NULL; p++) count++;
        free(s);
        if (count >= n) return 1;
        harness_sleep_ms(100);
    }
    return 0;
}

/* ------------------------------------------------------------ the headless kiosk */

/* The same ui code, headless, driven as the real one is. */
typedef struct replica {
    ks_render_headless *hl;
    ks_ui *ui;
    ks_store_view view;
    double t;
} replica;

static int replica_make(replica *r, int w, int h) {
    int err = 0;
    memset(r, 0, sizeof *r);
    r->view = ks_store_view_of(shipped);
    r->hl = ks_render_headless_create(w, h, ks_layout_theme("default"), NULL, &err);
    if (!r->hl) return -1;
    r->ui = ks_ui_create(NULL, &r->view, NULL, ks_render_headless_render(r->hl), (ks_ui_size){w, h}, 0);
    r->t = 0;
    return 0;
}

static void replica_free(replica *r) {
    ks_ui_destroy(r->ui);
    ks_render_headless_destroy(r->hl);
}

static void replica_tap(replica *r, int x, int y) {
    r->t += 1000;
    ks_ui_pointer(r->ui, KS_POINTER_DOWN, (float)x, (float)y, r->t);
    r->t += 60;
    ks_ui_tick(r->ui, r->t);
    ks_ui_pointer(r->ui, KS_POINTER_UP, (float)x, (float)y, r->t);
    r->t += 40;
    ks_ui_tick(r->ui, r->t);
}

/* A new size, as the kiosk gets it from a new output. */
static int replica_resize(replica *r, int w, int h) {
    int err = 0;
    ks_render_headless *nhl = ks_render_headless_create(w, h, ks_layout_theme("default"), NULL, &err);
    if (!nhl) return -1;
    ks_ui_set_render(r->ui, ks_render_headless_render(nhl), w, h);
    ks_render_headless_destroy(r->hl);
    r->hl = nhl;
    r->t += 100;
    ks_ui_tick(r->ui, r->t);
    return 0;
}

static int replica_shot(replica *r, const char *png) {
    return ks_ui_draw(r->ui) == 0 ? ks_render_headless_save_png(r->hl, png) : -1;
}

/* Whether a tap at (x, y) on screen from opens screen want (r is left on
 * from). */
static int tap_opens(replica *r, const char *from, const char *want, int x, int y) {
    int hit;
    replica_tap(r, x, y);
    hit = strcmp(ks_ui_screen_name(r->ui), want) == 0;
    if (strcmp(ks_ui_screen_name(r->ui), from) != 0) ks_ui_open(r->ui, from, r->t); /* back */
    return hit;
}

/* Where to tap on screen from (at w x h) to open screen want: scanning rows
 * y0..y1 and columns x0..x1 (step px) for the first point whose tap opens
 * it, then the middle of what opens it from there, down and across (an
 * edge would miss once Home's burn-in shift moves it a few px). 0, or -1. */
static int find_tap(int w, int h, const char *from, const char *want, int x0, int x1, int y0, int y1, int step,
                    int *x, int *y) {
    replica r;
    int found = -1;
    if (replica_make(&r, w, h) != 0) return -1;
    ks_ui_open(r.ui, from, r.t);
    for (int py = y0; py <= y1 && found < 0; py += step)
        for (int px = x0; px <= x1 && found < 0; px += step) {
            int end;
            if (!tap_opens(&r, from, want, px, py)) continue;
            for (end = py; end + 2 < h && tap_opens(&r, from, want, px, end + 2);) end += 2;
            *y = (py + end) / 2;
            for (end = px; end + 2 < w && tap_opens(&r, from, want, end + 2, *y);) end += 2;
            *x = (px + end) / 2;
            found = 0;
        }
    replica_free(&r);
    return found;
}

/* ------------------------------------------------------------ the test */

/* After the change to w x h: the screenshot covers the new screen, matches
 * the headless kiosk at that size, and the log names its top line, which
 * is the line read before (top0). */
static void check_size(const char *log, replica *r, int w, int h, int nth, const char *top0) {
    char want[96], png[160], ref[160], top[200], what[64], line[320];
    double d;
    snprintf(what, sizeof what, "after xrandr to %dx%d", w, h);
    snprintf(want, sizeof want, "laid out again for %dx%d;", w, h);
    OK(log_count(log, want, nth, 10000));
    harness_sleep_ms(800); /* the log comes before the frame */
    snprintf(png, sizeof png, "%s/output-%dx%d-%d.png", tmp, w, h, nth);
    shoot(png);
    check_shot(what, png, w, h);
    OK(replica_resize(r, w, h) == 0);
    snprintf(ref, sizeof ref, "%s/headless-%dx%d.png", tmp, w, h);
    OK(replica_shot(r, ref) == 0);
    d = differ_share(png, ref);
    fprintf(stderr, "%s: %.2f %% of the pixels differ from the headless kiosk's\n", what, 100 * d);
    OK(d >= 0 && d < 0.01);
    OK(ks_ui_top_line(r->ui, top, sizeof top) == 0);
    fprintf(stderr, "%s: reading from \"%s\" (before: \"%s\")\n", what, top, top0);
    STR_EQ(top, top0); /* the same heading at the top */
    snprintf(line, sizeof line, "reading from \"%s\"", top);
    OK(log_has(log, line, 100));
    if (harness_state.failed) dump(log);
}

static void test_output_changes_size(void) {
    char display[32], log[128], db[128], conf[128], content[512], png[160], ref[160], top0[200], first[200];
    pid_t xs, k;
    int x, y, fx, fy;
    replica r;
    xs = xvnc_start(display, sizeof display);
    if (xs <= 0) {
        harness_skip("Xvnc (tigervnc-standalone-server) could not be started (see %s/xvnc.log)", tmp);
        return;
    }
    snprintf(env_display, sizeof env_display, "DISPLAY=%s", display);
    /* A portrait mode for the same output (Xvnc takes any size). */
    {
        char *argv[] = {"xrandr", "--newmode", "1080x1920", "0", "1080", "0", "0", "0", "1920", "0", "0", "0", NULL};
        OK(run(argv, xenv, -1, -1) == 0);
    }
    OK(xrandr("--addmode", "VNC-0", "1080x1920", NULL, NULL) == 0);
    snprintf(log, sizeof log, "%s/kiosk.log", tmp);
    snprintf(db, sizeof db, "%s/index.db", tmp);
    snprintf(content, sizeof content, "%s/content", KIOSK_SOURCE_DIR);
    /* No Listen button: the headless kiosk has none, and whether the real
     * one has depends on an audio device being there. */
    snprintf(conf, sizeof conf, "%s/kiosk.conf", tmp);
    OK(harness_write_text(conf, "[speech]\nenabled = no\n") == 0);
    {
        char *argv[] = {KIOSK_BIN, "run", "--config", conf, "--content", content, "--db", db, NULL};
        k = spawn(argv, xenv, log, -1, -1);
    }
    OK(log_has(log, "first frame", 20000));
    OK(log_has(log, "laid out for 1920x1080", 100));
    harness_sleep_ms(300);

    /* Home -> the topic -> the page, by clicks where the headless kiosk
     * finds them. */
    {
        replica h;
        OK(replica_make(&h, 1920, 1080) == 0);
        ks_ui_search_field_point(h.ui, &fx, &fy);
        replica_free(&h);
    }
    OK(find_tap(1920, 1080, "home", TOPIC, 960, 960, fy + 60, 1000, 8, &x, &y) == 0);
    OK(click_opens(log, x, y, TOPIC));
    OK(find_tap(1920, 1080, TOPIC, PAGE, 960, 960, 100, 1000, 8, &x, &y) == 0);
    OK(click_opens(log, x, y, PAGE));
    /* Scroll down six wheel notches, the headless kiosk too. */
    {
        char *argv[] = {"xdotool", "mousemove", "960", "540", "click", "--repeat", "4", "--delay", "80", "5", NULL};
        OK(run(argv, xenv, -1, -1) == 0);
    }
    OK(replica_make(&r, 1920, 1080) == 0);
    ks_ui_open(r.ui, PAGE, r.t);
    OK(ks_ui_top_line(r.ui, first, sizeof first) == 0);
    for (int i = 0; i < NOTCHES; i++) ks_ui_wheel(r.ui, -1, r.t += 80);
    ks_ui_tick(r.ui, r.t += 100);
    OK(ks_ui_top_line(r.ui, top0, sizeof top0) == 0);
    fprintf(stderr, "the page starts \"%s\"; scrolled, it reads from \"%s\"\n", first, top0);
    OK(strcmp(first, top0) != 0); /* scrolled: the position to keep is not the start */
    harness_sleep_ms(800);
    snprintf(png, sizeof png, "%s/output-1920x1080-before.png", tmp);
    shoot(png);
    check_shot("before the change", png, 1920, 1080);
    snprintf(ref, sizeof ref, "%s/headless-1920x1080-before.png", tmp);
    OK(replica_shot(&r, ref) == 0);
    {
        double d = differ_share(png, ref);
        fprintf(stderr, "before the change: %.2f %% of the pixels differ from the headless kiosk's\n", 100 * d);
        OK(d >= 0 && d < 0.01); /* the real kiosk is where the headless one is */
    }

    /* The screen turns portrait, back, and smaller. */
    OK(xrandr("--output", "VNC-0", "--mode", "1080x1920", NULL) == 0);
    check_size(log, &r, 1080, 1920, 1, top0);
    OK(xrandr("--output", "VNC-0", "--mode", "1280x800", NULL) == 0);
    check_size(log, &r, 1280, 800, 1, top0);
    OK(xrandr("--output", "VNC-0", "--mode", "1920x1080", NULL) == 0);
    check_size(log, &r, 1920, 1080, 1, top0);
    OK(xrandr("--output", "VNC-0", "--mode", "1280x800", NULL) == 0);
    check_size(log, &r, 1280, 800, 2, top0);
    replica_free(&r);

    /* A click lands on what is drawn at the new size: Search, in the
     * header. */
    OK(find_tap(1280, 800, PAGE, "search", 640, 1279, 10, 90, 16, &x, &y) == 0);
    OK(click_opens(log, x, y, "search"));
    harness_sleep_ms(800);
    snprintf(png, sizeof png, "%s/output-1280x800-search.png", tmp);
    shoot(png);
    check_shot("search after the change", png, 1280, 800);
    harness_stop(k);
    harness_stop(xs);
}

int main(void) {
    int err = 0;
    static const char *const tools[] = {"Xvnc", "xrandr", "xdotool", "import"};
    setenv("SDL_VIDEODRIVER", "dummy", 0); /* for this process's headless kiosk only */
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++)
        if (!harness_on_path(tools[i])) {
            fprintf(stderr, "SKIP: %s is missing (Debian packages tigervnc-standalone-server, x11-xserver-utils, "
                            "xdotool, imagemagick: scripts/install-deps --test)\n", tools[i]);
            return HARNESS_SKIPPED;
        }
    shipped = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    snprintf(tmp, sizeof tmp, "/tmp/kiosk-output-XXXXXX");
    if (!shipped || !mkdtemp(tmp)) {
        fprintf(stderr, "cannot load the shipped content or make a folder\n");
        return 1;
    }
    RUN(test_output_changes_size);
    ks_store_free(shipped);
    harness_keep_or_remove(tmp);
    return harness_done();
}
