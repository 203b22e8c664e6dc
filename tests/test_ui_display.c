/* Kiosk mode on real display servers: the kiosk covers the whole output and
 * a tap lands on what is drawn under it.
 *
 * - Xvfb with NO window manager at 1920x1080, 800x1280, and 1920x1080 with
 *   `rotate = 90`: screenshot of the root window (`import -window root`,
 *   ImageMagick), no black left (Xvfb runs with a black root, -br), then an
 *   xdotool click at the search field opens search.
 * - cage (Debian's Wayland kiosk compositor) with the headless backend and
 *   the pixman renderer, as an unprivileged user (cage refuses root; run as
 *   root this test creates the system user 'kiosk-test'), screenshot with
 *   grim. Through Xwayland (SDL's x11 driver) an xdotool click inside
 *   Xwayland opens search; with SDL's native Wayland driver there is no way
 *   to inject a touch into a headless cage (the headless backend has no
 *   input devices and cage 0.1.4 offers no virtual-pointer protocol), so
 *   there the screenshot is checked to be the kiosk laid out for the whole
 *   output.
 *   cage is started rotated (-r: a 720x1280 portrait output; -r -r: a
 *   1280x720 landscape one turned 180 degrees) because cage 0.1.4 shows an
 *   unrotated fullscreen window by direct scan-out, and grim's screen copy
 *   of a scanned-out output comes back black (cage renders an empty damage
 *   region); rotated outputs are composited, so grim sees what a panel
 *   would show.
 *
 * Where the search field is, the test learns from the same ui code laid out
 * headlessly at the same size (the burn-in shift moves Home by at most
 * 0.75 % either way, well inside the field).
 *
 * Parts whose tools are missing are skipped with the reason; when every part
 * is skipped the program exits 77 (CTest: skipped).
 */
#include "harness.h"
#include "display_harness.h"
#include "kiosk/base.h"
#include "kiosk/render.h"
#include "kiosk/store.h"
#include "kiosk/ui.h"

#include <SDL_image.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SKIPPED HARNESS_SKIPPED

static char tmp[64];     /* this run's folder (readable by the test user) */
static ks_store *shipped;
static int ran;          /* parts that ran (not skipped) */

/* Where Home's search field is on a w x h logical screen. */
static void field_point(int w, int h, int *x, int *y) {
    int err = 0;
    ks_store_view c = ks_store_view_of(shipped);
    ks_render_headless *hl = ks_render_headless_create(w, h, ks_layout_theme("default"), NULL, &err);
    ks_ui *ui;
    *x = *y = -1;
    if (!hl) return;
    ui = ks_ui_create(NULL, &c, NULL, ks_render_headless_render(hl), (ks_ui_size){w, h}, 0);
    ks_ui_search_field_point(ui, x, y);
    ks_ui_destroy(ui);
    ks_render_headless_destroy(hl);
}

/* ------------------------------------------------------------ Xvfb */

/* Xvfb at w x h with no window manager, the kiosk in kiosk mode (rotate
 * degrees): covers the screen, and a click on the search field opens it. */
static void xvfb_case(int w, int h, int rotate) {
    char display[32], log[128], db[128], conf[128], png[160], home[160], what[64], env0[64], content[512];
    char screen[32];
    char *env[] = {env0, NULL};
    int lw = rotate % 180 ? h : w, lh = rotate % 180 ? w : h, fx, fy, x, y;
    pid_t xs, k;
    snprintf(what, sizeof what, "Xvfb %dx%d rotate %d", w, h, rotate);
    snprintf(screen, sizeof screen, "%dx%dx24", w, h);
    xs = harness_xvfb_start(screen, 1, display, sizeof display);
    OK(xs > 0);
    if (xs <= 0) return;
    snprintf(env0, sizeof env0, "DISPLAY=%s", display);
    snprintf(log, sizeof log, "%s/xvfb-%dx%d-%d.log", tmp, w, h, rotate);
    snprintf(db, sizeof db, "%s/xvfb.db", tmp);
    snprintf(conf, sizeof conf, "%s/rotate-%d.conf", tmp, rotate);
    snprintf(content, sizeof content, "%s/content", KIOSK_SOURCE_DIR);
    {
        FILE *f = fopen(conf, "w");
        OK(f != NULL);
        if (f) {
            fprintf(f, "[screen]\nrotate = %d\n", rotate);
            fclose(f);
        }
    }
    {
        char *argv[] = {KIOSK_BIN, "run", "--config", conf, "--content", content, "--db", db, NULL};
        k = spawn(argv, env, log, -1, -1);
    }
    OK(log_has(log, "first frame", 20000));
    harness_sleep_ms(300);
    snprintf(png, sizeof png, "%s/xvfb-%dx%d-%d-home.png", tmp, w, h, rotate);
    {
        char *argv[] = {"import", "-window", "root", png, NULL};
        OK(run(argv, env, -1, -1) == 0);
    }
    check_shot(what, png, w, h);
    snprintf(home, sizeof home, "%s", png);
    /* Click where the search field is drawn (turned with the picture). */
    field_point(lw, lh, &fx, &fy);
    OK(fx > 0 && fy > 0);
    switch (rotate) {
    case 90: x = w - fy; y = fx; break;
    case 180: x = w - fx; y = h - fy; break;
    case 270: x = fy; y = h - fx; break;
    default: x = fx; y = fy; break;
    }
    {
        char xs_[16], ys_[16];
        char *argv[] = {"xdotool", "mousemove", xs_, ys_, "click", "1", NULL};
        int opened = 0;
        snprintf(xs_, sizeof xs_, "%d", x);
        snprintf(ys_, sizeof ys_, "%d", y);
        /* A click while the window is still being mapped can be lost; a
         * patient would touch again, and so does the test (three times). */
        for (int i = 0; i < 3 && !opened; i++) {
            OK(run(argv, env, -1, -1) == 0);
            opened = log_has(log, "screen search", 3000);
        }
        OK(opened);
        if (!opened) dump(log);
    }
    harness_sleep_ms(800); /* the screen is logged when it opens, drawn just after */
    snprintf(png, sizeof png, "%s/xvfb-%dx%d-%d-search.png", tmp, w, h, rotate);
    {
        char *argv[] = {"import", "-window", "root", png, NULL};
        OK(run(argv, env, -1, -1) == 0);
    }
    check_shot(what, png, w, h);
    OK(differ_share(home, png) > 0.1); /* the keyboard and the field are on screen now */
    if (rotate == 0 && w == 1920) {
        /* Something shrinks the window (no window manager keeps it): the
         * kiosk puts it back over the whole display and lays out again. */
        char *argv[] = {"xdotool", "search", "--name", "Clinic kiosk", "windowsize", "%1", "800", "600", NULL};
        OK(run(argv, env, -1, -1) == 0);
        OK(log_has(log, "is 800x600 at", 5000));
        harness_sleep_ms(800);
        snprintf(png, sizeof png, "%s/xvfb-%dx%d-%d-refit.png", tmp, w, h, rotate);
        {
            char *iargv[] = {"import", "-window", "root", png, NULL};
            OK(run(iargv, env, -1, -1) == 0);
        }
        check_shot(what, png, w, h);
    }
    harness_stop(k);
    harness_stop(xs);
    ran++;
}

static void test_xvfb_1920x1080(void) { xvfb_case(1920, 1080, 0); }
static void test_xvfb_800x1280(void) { xvfb_case(800, 1280, 0); }
static void test_xvfb_1920x1080_rotate_90(void) { xvfb_case(1920, 1080, 90); }

/* ------------------------------------------------------------ cage */

static int cage_uid = -1, cage_gid = -1;
static const char *cage_skip; /* why cage cannot run here, or NULL */

/* Whether uid/gid may open path with mode (access(2) as that user). */
static int user_may(uid_t uid, gid_t gid, const char *path, int mode) {
    int st;
    pid_t pid;
    if (uid == getuid()) return access(path, mode) == 0;
    pid = fork();
    if (pid == 0) {
        if (setgid(gid) != 0 || setuid(uid) != 0) _exit(2);
        _exit(access(path, mode) == 0 ? 0 : 1);
    }
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Whether uid/gid may run the kiosk binary and read the shipped content
 * (a tree under /root is closed to every other user). */
static int user_can_run(uid_t uid, gid_t gid) {
    return user_may(uid, gid, KIOSK_BIN, X_OK) && user_may(uid, gid, KIOSK_SOURCE_DIR "/content/about.md", R_OK);
}

static void cage_prepare(void) {
    static const char *const tools[] = {"cage", "grim", "Xwayland", "xdotool"};
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++)
        if (!harness_on_path(tools[i])) {
            cage_skip = "cage, grim, Xwayland or xdotool is missing (Debian packages cage, grim, xwayland, "
                        "xdotool: scripts/install-deps --test)";
            return;
        }
    if (getuid() == 0) {
        struct passwd *pw = getpwnam("kiosk-test");
        if (!pw && system("useradd --system --no-create-home --shell /usr/sbin/nologin kiosk-test") == 0)
            pw = getpwnam("kiosk-test");
        if (!pw) {
            cage_skip = "running as root (cage refuses root) and the user 'kiosk-test' could not be created";
            return;
        }
        cage_uid = (int)pw->pw_uid;
        cage_gid = (int)pw->pw_gid;
        if (chown(tmp, pw->pw_uid, pw->pw_gid) != 0) cage_skip = "cannot give the test folder to 'kiosk-test'";
        else if (!user_can_run(pw->pw_uid, pw->pw_gid))
            cage_skip = "the user 'kiosk-test' cannot run " KIOSK_BIN " or read the shipped content (the tree is "
                        "in a folder closed to other users, such as /root): clone the project where other users "
                        "can read it to run the cage tests";
    }
    /* grim hands cage its buffer through a file in /dev/shm. A chroot made
     * by debootstrap without a tmpfs there has a root-only directory. */
    if (!cage_skip && !user_may(cage_uid >= 0 ? (uid_t)cage_uid : getuid(), cage_gid >= 0 ? (gid_t)cage_gid : getgid(),
                                "/dev/shm", W_OK | X_OK))
        cage_skip = "/dev/shm is not writable by the user cage runs as, so grim cannot take a screenshot (a "
                    "chroot without a tmpfs on /dev/shm; on Debian it is one, mode 1777)";
}

/* cage (args: "-r" or "-r -r") with the kiosk through SDL driver (x11 or
 * wayland): a grim screenshot covers the out_w x out_h output; through
 * Xwayland an xdotool click on the search field opens search. */
static void cage_case(const char *rot_args, const char *driver, int out_w, int out_h) {
    char xdg[128], log[128], db[128], png[160], home[160], what[96], content[512], wrapper[160], dispfile[160];
    char e_xdg[160], e_drv[64], e_wl[] = "WAYLAND_DISPLAY=wayland-0";
    char e_path[] = "PATH=/usr/bin:/bin", e_home[160];
    char e_be[] = "WLR_BACKENDS=headless", e_rd[] = "WLR_RENDERER=pixman", e_li[] = "WLR_LIBINPUT_NO_DEVICES=1";
    pid_t c;
    int fx, fy;
    snprintf(what, sizeof what, "cage %s, SDL %s, %dx%d", rot_args, driver, out_w, out_h);
    if (cage_skip) {
        fprintf(stderr, "SKIP %s: %s\n", what, cage_skip);
        return;
    }
    snprintf(xdg, sizeof xdg, "%s/xdg-%s-%d", tmp, driver, out_w);
    mkdir(xdg, 0700);
    if (cage_uid >= 0 && chown(xdg, (uid_t)cage_uid, (gid_t)cage_gid) != 0) {
        fprintf(stderr, "SKIP %s: cannot give %s to the test user\n", what, xdg);
        return;
    }
    snprintf(log, sizeof log, "%s/cage-%s-%d.log", tmp, driver, out_w);
    snprintf(db, sizeof db, "%s/cage.db", tmp);
    snprintf(content, sizeof content, "%s/content", KIOSK_SOURCE_DIR);
    snprintf(dispfile, sizeof dispfile, "%s/display-%s-%d", tmp, driver, out_w);
    /* The kiosk, telling the test which X display cage's Xwayland is on. */
    snprintf(wrapper, sizeof wrapper, "%s/kiosk-%s-%d.sh", tmp, driver, out_w);
    {
        FILE *f = fopen(wrapper, "w");
        OK(f != NULL);
        if (!f) return;
        fprintf(f, "#!/bin/sh\necho \"$DISPLAY\" > '%s'\nexec '%s' run --content '%s' --db '%s'\n", dispfile,
                KIOSK_BIN, content, db);
        fclose(f);
        chmod(wrapper, 0755);
    }
    snprintf(e_xdg, sizeof e_xdg, "XDG_RUNTIME_DIR=%s", xdg);
    snprintf(e_drv, sizeof e_drv, "SDL_VIDEODRIVER=%s", driver);
    snprintf(e_home, sizeof e_home, "HOME=%s", tmp);
    {
        char *env[] = {e_path, e_home, e_xdg, e_be, e_rd, e_li, e_drv, NULL};
        char *argv[8];
        int n = 0;
        argv[n++] = "cage";
        argv[n++] = "-r";
        if (strcmp(rot_args, "-r -r") == 0) argv[n++] = "-r";
        argv[n++] = "--";
        argv[n++] = wrapper;
        argv[n] = NULL;
        c = spawn(argv, env, log, cage_uid, cage_gid);
    }
    if (!log_has(log, "first frame", 30000)) {
        if (log_has(log, "Failed to allocate buffer", 0)) {
            /* cage itself cannot draw here (no DRM device and no shared
             * memory for its buffers, as in a bare chroot): not the kiosk's
             * doing, so said and skipped */
            fprintf(stderr, "SKIP %s: cage cannot allocate output buffers on this machine (see %s)\n", what, log);
            harness_stop(c);
            return;
        }
        OK(!"the kiosk drew its first frame under cage");
        dump(log);
        harness_stop(c);
        return;
    }
    {
        char expect[96];
        snprintf(expect, sizeof expect, "output %dx%d px", out_w, out_h);
        OK(log_has(log, expect, 100));
        snprintf(expect, sizeof expect, "laid out for %dx%d", out_w, out_h);
        OK(log_has(log, expect, 100));
    }
    harness_sleep_ms(500);
    snprintf(png, sizeof png, "%s/cage-%s-%d-home.png", tmp, driver, out_w);
    {
        char *env[] = {e_xdg, e_wl, NULL};
        char *argv[] = {"grim", png, NULL};
        OK(run(argv, env, cage_uid, cage_gid) == 0);
    }
    check_shot(what, png, out_w, out_h);
    snprintf(home, sizeof home, "%s", png);
    if (strcmp(driver, "x11") == 0) {
        char *disp = harness_read_file(dispfile), e_disp[64], xs_[16], ys_[16];
        char *env[] = {e_disp, NULL};
        char *argv[] = {"xdotool", "mousemove", xs_, ys_, "click", "1", NULL};
        int opened = 0;
        OK(disp && disp[0] == ':');
        if (disp) disp[strcspn(disp, "\n")] = '\0';
        snprintf(e_disp, sizeof e_disp, "DISPLAY=%s", disp ? disp : ":0");
        free(disp);
        field_point(out_w, out_h, &fx, &fy);
        snprintf(xs_, sizeof xs_, "%d", fx);
        snprintf(ys_, sizeof ys_, "%d", fy);
        for (int i = 0; i < 3 && !opened; i++) {
            OK(run(argv, env, cage_uid, cage_gid) == 0);
            opened = log_has(log, "screen search", 3000);
        }
        OK(opened);
        if (!opened) dump(log);
        harness_sleep_ms(800);
        snprintf(png, sizeof png, "%s/cage-%s-%d-search.png", tmp, driver, out_w);
        {
            char *genv[] = {e_xdg, e_wl, NULL};
            char *gargv[] = {"grim", png, NULL};
            OK(run(gargv, genv, cage_uid, cage_gid) == 0);
        }
        check_shot(what, png, out_w, out_h);
        OK(differ_share(home, png) > 0.1);
    } else {
        fprintf(stderr, "%s: no tap (no way to inject a touch into headless cage for a native Wayland client); "
                        "the screenshot shows the kiosk laid out for the whole output\n", what);
    }
    harness_stop(c);
    ran++;
}

static void test_cage_xwayland_landscape(void) { cage_case("-r -r", "x11", 1280, 720); }
static void test_cage_xwayland_portrait(void) { cage_case("-r", "x11", 720, 1280); }
static void test_cage_wayland_landscape(void) { cage_case("-r -r", "wayland", 1280, 720); }

int main(void) {
    int err = 0, have_x;
    setenv("SDL_VIDEODRIVER", "dummy", 0); /* for this process's headless layout only */
    shipped = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    snprintf(tmp, sizeof tmp, "/tmp/kiosk-display-XXXXXX");
    if (!shipped || !mkdtemp(tmp)) {
        fprintf(stderr, "cannot load the shipped content or make a folder\n");
        return 1;
    }
    chmod(tmp, 0755);
    have_x = harness_on_path("Xvfb") && harness_on_path("xdotool") && harness_on_path("import");
    if (have_x) {
        RUN(test_xvfb_1920x1080);
        RUN(test_xvfb_800x1280);
        RUN(test_xvfb_1920x1080_rotate_90);
    } else {
        fprintf(stderr, "SKIP Xvfb: Xvfb, xdotool or import is missing (Debian packages xvfb, xdotool, "
                        "imagemagick: scripts/install-deps --test)\n");
    }
    cage_prepare();
    RUN(test_cage_xwayland_landscape);
    RUN(test_cage_xwayland_portrait);
    RUN(test_cage_wayland_landscape);
    ks_store_free(shipped);
    harness_keep_or_remove(tmp);
    if (!ran && !harness_state.failed) {
        fprintf(stderr, "SKIP: nothing could run here (see above)\n");
        return SKIPPED;
    }
    return harness_done();
}
