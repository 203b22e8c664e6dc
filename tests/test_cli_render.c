/* The `kiosk render` contract for pages: exit status 0 written, 1 unknown
 * page, 2 usage or missing fonts; the PNG has the size asked for; the same
 * run gives the same bytes; options change what is drawn. */
#include "harness.h"
#include "kiosk/base.h"

#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUT KIOSK_BUILD_DIR "/cli-render"

/* Run a shell command; its stdout+stderr in *out (caller frees), exit status back. */
static int run(const char *cmd, char **out) {
    char *full = ks_sprintf("%s 2>&1", cmd);
    int status = harness_run(full, out);
    free(full);
    return status;
}

/* Width and height from a PNG's IHDR, or -1. */
static int png_size(const char *path, int *w, int *h) {
    char *data = NULL;
    size_t len = 0;
    if (ks_read_file(path, 1u << 28, &data, &len) != 0 || len < 24 || memcmp(data, "\x89PNG", 4) != 0) {
        free(data);
        return -1;
    }
    const unsigned char *u = (const unsigned char *)data;
    *w = (int)((unsigned)u[16] << 24 | (unsigned)u[17] << 16 | (unsigned)u[18] << 8 | u[19]);
    *h = (int)((unsigned)u[20] << 24 | (unsigned)u[21] << 16 | (unsigned)u[22] << 8 | u[23]);
    free(data);
    return 0;
}

static int same_file(const char *a, const char *b) {
    char *da = NULL, *db = NULL;
    size_t la = 0, lb = 0;
    int same = ks_read_file(a, 1u << 28, &da, &la) == 0 && ks_read_file(b, 1u << 28, &db, &lb) == 0 && la == lb &&
               memcmp(da, db, la) == 0;
    free(da);
    free(db);
    return same;
}

static int render(const char *args, char **out) {
    char *cmd = ks_sprintf("%s render --content %s/content %s", KIOSK_BIN, KIOSK_SOURCE_DIR, args);
    int rc = run(cmd, out);
    free(cmd);
    return rc;
}

static void test_writes_png(void) {
    char *out;
    int w, h;
    mkdir(OUT, 0755);
    INT_EQ(render("prolotherapy/risks -o " OUT "/a.png", &out), 0);
    STR_EQ(out, "");
    free(out);
    OK(png_size(OUT "/a.png", &w, &h) == 0);
    INT_EQ(w, 1080);
    INT_EQ(h, 1920);
    INT_EQ(render("prolotherapy/risks -o " OUT "/b.png", &out), 0);
    free(out);
    OK(same_file(OUT "/a.png", OUT "/b.png"));
    /* Size, scale, theme, scroll each change the picture. */
    INT_EQ(render("prolotherapy/risks --output=" OUT "/c.png --size 1920x1080 --text-scale 1.5 --theme high-contrast", &out), 0);
    free(out);
    OK(png_size(OUT "/c.png", &w, &h) == 0);
    INT_EQ(w, 1920);
    INT_EQ(h, 1080);
    INT_EQ(render("prolotherapy/risks -o " OUT "/d.png --scroll 400", &out), 0);
    free(out);
    OK(!same_file(OUT "/a.png", OUT "/d.png"));
    INT_EQ(render("PROLOTHERAPY/Risks -o " OUT "/e.png", &out), 0); /* slugs ignore case */
    free(out);
    OK(same_file(OUT "/a.png", OUT "/e.png"));
    INT_EQ(render("glossary -o " OUT "/f.png --highlight dextrose", &out), 0);
    free(out);
    INT_EQ(render("glossary -o " OUT "/g.png", &out), 0);
    free(out);
    OK(!same_file(OUT "/f.png", OUT "/g.png"));
}

static void test_exit_codes(void) {
    static const struct {
        const char *args; /* after render --content */
        int status;       /* the exit status */
        const char *says; /* in its output, or NULL */
    } cases[] = {
        {"no/such-page -o " OUT "/x.png", 1, "unknown page 'no/such-page'"},
        {"about", 2, "-o FILE.png"},
        {"-o " OUT "/x.png", 2, NULL},
        {"about -o " OUT "/x.png --size 10x10", 2, "--size"},
        {"about -o " OUT "/x.png --size 1080", 2, NULL},
        {"about -o " OUT "/x.png --text-scale 2.5", 2, NULL},
        {"about -o " OUT "/x.png --theme neon", 2, "unknown theme 'neon'"},
        {"about -o " OUT "/x.png --scroll -5", 2, NULL},
        {"about -o " OUT "/x.png --bogus", 2, "unknown option '--bogus'"},
        {"about -o /nonexistent/dir/x.png", 1, "cannot write"},
        {"--help", 0, "usage: kiosk render SLUG -o FILE.png"},
    };
    char *out;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int failed = harness_state.failed;
        INT_EQ(render(cases[i].args, &out), cases[i].status);
        if (cases[i].says) STR_CONTAINS(out, cases[i].says);
        if (harness_state.failed != failed) fprintf(stderr, "  (kiosk render ... %s)\n", cases[i].args);
        free(out);
    }
    /* No fonts: exit 2 with a message naming what was looked for. */
    char *cmd = ks_sprintf("KIOSK_FONT_DIR=/nonexistent-fonts %s render --content %s/content about -o %s/x.png",
                           KIOSK_BIN, KIOSK_SOURCE_DIR, OUT);
    INT_EQ(run(cmd, &out), 2);
    STR_CONTAINS(out, "DejaVuSans.ttf");
    STR_CONTAINS(out, "/nonexistent-fonts");
    STR_CONTAINS(out, "fonts-dejavu-core");
    free(out);
    free(cmd);
}

static void test_no_display_needed(void) {
    /* No DISPLAY, no WAYLAND_DISPLAY, an SDL video driver that cannot open
     * anything: the software renderer on a surface needs none of them. */
    char *out;
    char *cmd = ks_sprintf("env -u DISPLAY -u WAYLAND_DISPLAY SDL_VIDEODRIVER=none %s render --content %s/content "
                           "about -o %s/nodisplay.png",
                           KIOSK_BIN, KIOSK_SOURCE_DIR, OUT);
    INT_EQ(run(cmd, &out), 0);
    free(out);
    free(cmd);
    int w, h;
    OK(png_size(OUT "/nodisplay.png", &w, &h) == 0);
}

/* A content folder that does not exist, or holds no page: home is drawn as
 * the kiosk then shows it ("no pages yet"), the same picture both ways and
 * not an empty Home; a page still cannot be drawn from nothing (issue 15). */
static void test_no_pages_home(void) {
    char *out, *cmd, dir[] = "/tmp/kiosk-render-empty-XXXXXX";
    int w, h;
    mkdir(OUT, 0755);
    cmd = ks_sprintf("%s render --content /nonexistent-content home -o %s/nopages-missing.png --size 800x600", KIOSK_BIN, OUT);
    INT_EQ(run(cmd, &out), 0);
    STR_CONTAINS(out, "no pages");
    free(out);
    free(cmd);
    OK(png_size(OUT "/nopages-missing.png", &w, &h) == 0 && w == 800 && h == 600);
    OK(mkdtemp(dir) != NULL);
    cmd = ks_sprintf("%s render --content %s home -o %s/nopages-empty.png --size 800x600", KIOSK_BIN, dir, OUT);
    INT_EQ(run(cmd, &out), 0);
    free(out);
    free(cmd);
    OK(same_file(OUT "/nopages-missing.png", OUT "/nopages-empty.png"));
    INT_EQ(render("home -o " OUT "/home-800.png --size 800x600", &out), 0);
    free(out);
    OK(!same_file(OUT "/nopages-missing.png", OUT "/home-800.png"));
    cmd = ks_sprintf("%s render --content /nonexistent-content about -o %s/x.png", KIOSK_BIN, OUT);
    INT_EQ(run(cmd, &out), 2);
    STR_CONTAINS(out, "cannot read the content folder");
    free(out);
    free(cmd);
    rmdir(dir);
}

int main(void) {
    RUN(test_writes_png);
    RUN(test_no_pages_home);
    RUN(test_exit_codes);
    RUN(test_no_display_needed);
    return harness_done();
}
