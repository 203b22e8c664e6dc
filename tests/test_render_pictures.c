/* Pictures: opened beneath content/ only, followed through live updates,
 * held under a byte budget.
 *
 * - ks_open_beneath: links inside are followed, links out (absolute or by
 *   "..") and loops are refused.
 * - In process, on the headless renderer: a picture replaced, removed and
 *   added again is drawn anew after ks_render_reload_images (pixels
 *   compared); a picture reached through a link out of content/ is never
 *   drawn; 200 large pictures viewed one after another never take the
 *   cache over its budget.
 * - The kiosk binary: `kiosk check` names the links that leave content/;
 *   a running kiosk (`kiosk run --script -`, headless, then in a real
 *   window under Xvfb) shows a replaced, an added and a removed picture,
 *   seen in its own screenshots, and never shows the linked-out one.
 */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/render.h"

#include <SDL_image.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char root[64];   /* the test's temporary folder */
static char content[128];

static const ks_color RED = {200, 30, 40, 255}, GREEN = {20, 160, 60, 255}, BLUE = {30, 60, 200, 255},
                      MAGENTA = {250, 0, 250, 255};

/* A w x h picture of one colour at path, written beside it and renamed
 * over it (as an editor or rsync does). */
static int write_png(const char *path, int w, int h, ks_color c) {
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) return -1;
    SDL_FillRect(s, NULL, SDL_MapRGBA(s->format, c.r, c.g, c.b, 255));
    char *tmp = ks_sprintf("%s.part", path);
    int rc = IMG_SavePNG(s, tmp);
    SDL_FreeSurface(s);
    if (rc == 0) rc = rename(tmp, path);
    free(tmp);
    return rc;
}

/* Pixels of s within 3 of colour c in every channel. */
static long count_color(SDL_Surface *s, ks_color c) {
    SDL_Surface *a = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    long n = 0;
    if (!a) return -1;
    for (int y = 0; y < a->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)a->pixels + (size_t)y * (size_t)a->pitch);
        for (int x = 0; x < a->w; x++) {
            int r = (int)(row[x] >> 16 & 255), g = (int)(row[x] >> 8 & 255), b = (int)(row[x] & 255);
            if (abs(r - c.r) <= 3 && abs(g - c.g) <= 3 && abs(b - c.b) <= 3) n++;
        }
    }
    SDL_FreeSurface(a);
    return n;
}

static long count_in_png(const char *path, ks_color c) {
    SDL_Surface *s = IMG_Load(path);
    long n = s ? count_color(s, c) : -1;
    SDL_FreeSurface(s);
    return n;
}

static char *in_content(const char *rel) { return ks_path_join(content, rel); }

/* ------------------------------------------------------------ open beneath */

static void test_open_beneath(void) {
    char *d = ks_path_join(root, "beneath");
    char *sub = ks_path_join(d, "sub"), *file = ks_path_join(sub, "f.txt"), *outside = ks_path_join(root, "out.txt");
    mkdir(d, 0755);
    mkdir(sub, 0755);
    harness_write_text(file, "inside");
    harness_write_text(outside, "outside");
    char *l1 = ks_path_join(d, "in-link"), *l2 = ks_path_join(d, "out-rel"), *l3 = ks_path_join(d, "out-abs"),
         *l4 = ks_path_join(d, "loop"), *l5 = ks_path_join(sub, "up-in"), *l6 = ks_path_join(d, "dir-link");
    OK(symlink("sub/f.txt", l1) == 0);
    OK(symlink("../out.txt", l2) == 0);
    OK(symlink(outside, l3) == 0);
    OK(symlink("loop", l4) == 0);
    OK(symlink("../sub/f.txt", l5) == 0); /* climbs, but stays inside */
    OK(symlink("sub", l6) == 0);
    int dfd = open(d, O_RDONLY | O_DIRECTORY);
    OK(dfd >= 0);
    const char *good[] = {"sub/f.txt", "in-link", "sub/up-in", "dir-link/f.txt", "sub/../sub/f.txt", "./sub//f.txt"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        int fd = ks_open_beneath(dfd, good[i], O_RDONLY);
        char *text = NULL;
        size_t len = 0;
        OK(fd >= 0);
        if (fd >= 0) {
            INT_EQ(ks_read_fd(fd, 100, &text, &len), KS_OK);
            STR_EQ(text ? text : "", "inside");
            free(text);
            close(fd);
        } else {
            fprintf(stderr, "  %s: %s\n", good[i], strerror(errno));
        }
    }
    struct {
        const char *rel;
        int err;
    } bad[] = {{"out-rel", EXDEV}, {"out-abs", EXDEV},   {"../out.txt", EXDEV}, {"/etc/passwd", EXDEV},
               {"loop", ELOOP},    {"missing", ENOENT}, {"sub/../../out.txt", EXDEV}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        errno = 0;
        int fd = ks_open_beneath(dfd, bad[i].rel, O_RDONLY);
        OK(fd < 0);
        if (fd >= 0) close(fd);
        if (errno != bad[i].err) fprintf(stderr, "  %s: errno %d, want %d\n", bad[i].rel, errno, bad[i].err);
        INT_EQ(errno, bad[i].err);
    }
    close(dfd);
    free(l1), free(l2), free(l3), free(l4), free(l5), free(l6);
    free(d), free(sub), free(file), free(outside);
}

/* ------------------------------------------------------------ in process */

typedef struct drawer {
    ks_render_headless *hl;
    ks_render *rd;
    ks_display_list *dl;
} drawer;

static int drawer_open(drawer *d, size_t budget) {
    ks_render_options o = {0};
    int err = 0;
    o.content_dir = content;
    char *assets = ks_path_join(root, "assets");
    mkdir(assets, 0755);
    o.assets_dir = assets; /* no pictures there */
    o.image_cache_bytes = budget;
    d->hl = ks_render_headless_create(800, 800, ks_layout_theme("default"), &o, &err);
    free(assets);
    if (!d->hl) return -1;
    d->rd = ks_render_headless_render(d->hl);
    d->dl = ks_layout_list_create();
    return 0;
}

static void drawer_close(drawer *d) {
    ks_layout_list_destroy(d->dl);
    ks_render_headless_destroy(d->hl);
}

/* Draw the picture src at 600 x 600 (as the page would after measuring it)
 * and count the pixels of colour c. -1 when layout could not measure it. */
static long draw_picture(drawer *d, const char *src, ks_color c) {
    const ks_font_metrics *m = ks_render_metrics(d->rd);
    int w = 0, h = 0;
    int measured = m->image_size(m->ctx, src, &w, &h) == 0;
    ks_layout_list_clear(d->dl);
    ks_layout_list_add_image(d->dl, (ks_rect){100, 100, 600, 600}, src);
    ks_render_clear(d->rd, NULL);
    ks_render_draw(d->rd, d->dl, 0, 0, NULL);
    long n = count_color(ks_render_headless_surface(d->hl), c);
    return measured ? n : (n > 0 ? n : -1);
}

static void test_replace_add_remove(void) {
    drawer d;
    char *pic = in_content("pic.png");
    OK(write_png(pic, 300, 300, RED) == 0);
    OK(drawer_open(&d, 0) == 0);
    if (!d.hl) return;
    OK(draw_picture(&d, "pic.png", RED) == 600 * 600);
    /* Replaced: until the content is reloaded the kiosk may keep the old
     * one; after it, the new one is drawn. */
    OK(write_png(pic, 300, 300, GREEN) == 0);
    ks_render_reload_images(d.rd);
    OK(draw_picture(&d, "pic.png", GREEN) == 600 * 600);
    OK(draw_picture(&d, "pic.png", RED) == 0);
    /* Removed: never the old pixels. */
    unlink(pic);
    ks_render_reload_images(d.rd);
    INT_EQ(draw_picture(&d, "pic.png", GREEN), -1);
    /* Added (back, another colour). */
    OK(write_png(pic, 200, 200, BLUE) == 0);
    ks_render_reload_images(d.rd);
    OK(draw_picture(&d, "pic.png", BLUE) == 600 * 600);
    /* Unchanged across a reload: not decoded again. */
    ks_render_stats st;
    ks_render_get_stats(d.rd, &st);
    size_t decoded = st.images_decoded;
    ks_render_reload_images(d.rd);
    OK(draw_picture(&d, "pic.png", BLUE) == 600 * 600);
    ks_render_get_stats(d.rd, &st);
    INT_EQ((long)st.images_decoded, (long)decoded);
    drawer_close(&d);
    free(pic);
}

static void test_link_out_never_drawn(void) {
    drawer d;
    char *secret = ks_path_join(root, "secret.png"), *l1 = in_content("leak-abs.png"), *l2 = in_content("leak-rel.png");
    OK(write_png(secret, 100, 100, MAGENTA) == 0);
    OK(symlink(secret, l1) == 0);
    OK(symlink("../secret.png", l2) == 0);
    OK(drawer_open(&d, 0) == 0);
    if (!d.hl) return;
    INT_EQ(draw_picture(&d, "leak-abs.png", MAGENTA), -1);
    INT_EQ(draw_picture(&d, "leak-rel.png", MAGENTA), -1);
    INT_EQ(draw_picture(&d, "../secret.png", MAGENTA), -1);
    drawer_close(&d);
    free(secret), free(l1), free(l2);
}

static void test_budget_200_pictures(void) {
    const size_t budget = (size_t)24 << 20;
    const ks_color colors[4] = {RED, GREEN, BLUE, MAGENTA};
    char *dir = in_content("many");
    mkdir(dir, 0755);
    /* Four 1280 x 1280 pictures (6.5 MB of pixels each once decoded), each
     * under 50 names: 200 pictures to the cache. */
    for (int c = 0; c < 4; c++) {
        char *first = ks_sprintf("%s/p%03d.png", dir, c);
        OK(write_png(first, 1280, 1280, colors[c]) == 0);
        for (int i = c + 4; i < 200; i += 4) {
            char *p = ks_sprintf("%s/p%03d.png", dir, i);
            OK(link(first, p) == 0);
            free(p);
        }
        free(first);
    }
    drawer d;
    OK(drawer_open(&d, budget) == 0);
    if (!d.hl) return;
    size_t peak = 0;
    int all_drawn = 1;
    for (int i = 0; i < 200; i++) {
        char *src = ks_sprintf("many/p%03d.png", i);
        long n = draw_picture(&d, src, colors[i % 4]);
        if (n != 600 * 600) all_drawn = 0;
        ks_render_stats st;
        ks_render_get_stats(d.rd, &st);
        if (st.image_bytes > peak) peak = st.image_bytes;
        free(src);
    }
    OK(all_drawn);
    ks_render_stats st;
    ks_render_get_stats(d.rd, &st);
    fprintf(stderr, "  200 pictures: peak %.1f MB, budget %.1f MB, %zu decoded, %zu holding pixels\n",
            (double)peak / 1048576.0, (double)budget / 1048576.0, st.images_decoded, st.images);
    OK(peak <= budget);
    INT_EQ((long)st.images_decoded, 200L);
    OK(st.images >= 1 && st.images < 200);
    drawer_close(&d);
    free(dir);
}

/* ------------------------------------------------------------ the binary */

static void test_check_pictures(void) {
    char *page = in_content("leak.md"), *broken = in_content("broken.png"), *big = in_content("big.png"),
         *good = in_content("pic.png");
    harness_write_text(page, "---\ntitle: Leak\nsection: general\nsummary: A page.\nreviewed: 2026-11-01\n---\n\n# Leak\n\n"
                     "![a](leak-abs.png)\n\n![b](leak-rel.png)\n\n![c](broken.png)\n\n![d](big.png)\n");
    /* A PNG header, then garbage: only decoding tells (the app's probe). */
    char *png = harness_read_file(good);
    FILE *f = fopen(broken, "wb");
    if (f && png) {
        fwrite(png, 1, 40, f);
        fputs("this is not the rest of a PNG file", f);
    }
    if (f) fclose(f);
    free(png);
    /* 11 MB (sparse): over the limit whatever it holds. */
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    OK(fd >= 0 && write(fd, "\x89PNG\r\n\x1a\n", 8) == 8 && ftruncate(fd, 11 << 20) == 0);
    if (fd >= 0) close(fd);
    char *cmd = ks_sprintf("%s check --content %s 2>&1", KIOSK_BIN, content), *out = NULL;
    int rc = harness_run(cmd, &out);
    INT_EQ(rc, 1);
    STR_CONTAINS(out ? out : "",
                 "leak.md:10: error: the picture 'leak-abs.png' is reached through a symbolic link that leads "
                 "outside the content folder; it is not shown");
    STR_CONTAINS(out ? out : "", "leak.md:12: error: the picture 'leak-rel.png' is reached through a symbolic link");
    STR_CONTAINS(out ? out : "", "leak.md:14: error: the picture 'broken.png' looks like PNG but cannot be read as a picture");
    STR_CONTAINS(out ? out : "", "leak.md:16: error: the picture 'big.png' is 11.0 MB; the largest picture the kiosk shows is 10 MB");
    free(out);
    free(cmd);
    free(page), free(broken), free(big), free(good);
}

typedef harness_kiosk kiosk;

static char display[32];

/* The kiosk on the test's content, headless or in a window on display;
 * its stderr in root/window-log.txt or root/headless-log.txt. */
static int kiosk_start(kiosk *k, const char *db, int windowed) {
    char *log = ks_path_join(root, windowed ? "window-log.txt" : "headless-log.txt");
    char *argv[] = {KIOSK_BIN, "run", "--script", "-", "--size", "1080x1920", "--content", content, "--db",
                    (char *)db, windowed ? "--windowed" : NULL, NULL};
    int rc = harness_kiosk_start(k, argv, windowed ? display : NULL, log);
    free(log);
    return rc;
}

/* Open page slug and take a screenshot until colour c covers at least
 * (want_present) or none (!want_present) of the screen; 1 when it did
 * within 30 s (a liveness bound: a loaded machine is slow, a broken kiosk never shows it). */
static int screen_shows(kiosk *k, const char *slug, ks_color c, int want_present, const char *shot) {
    char *open_cmd = ks_sprintf("open page:%s", slug), *shot_cmd = ks_sprintf("shot %s", shot);
    double until = ks_now_ms() + 30000;
    int ok = 0;
    while (!ok && ks_now_ms() < until) {
        if (strncmp(harness_kiosk_ask(k, open_cmd), "ok", 2) == 0 && strcmp(harness_kiosk_ask(k, shot_cmd), "ok") == 0) {
            long n = count_in_png(shot, c);
            ok = want_present ? n > 50000 : n == 0;
        }
        if (!ok) harness_sleep_ms(150);
    }
    free(open_cmd);
    free(shot_cmd);
    return ok;
}

/* Whether the page opens within ms. */
static int page_opens(kiosk *k, const char *slug, int ms) {
    char *cmd = ks_sprintf("open page:%s", slug);
    double until = ks_now_ms() + ms;
    int ok = 0;
    while (!(ok = strncmp(harness_kiosk_ask(k, cmd), "ok", 2) == 0) && ks_now_ms() < until) harness_sleep_ms(150);
    free(cmd);
    return ok;
}

static const char *PAGE_FMT = "---\ntitle: %s\nsection: general\nsummary: A page with a picture.\n"
                              "reviewed: 2026-11-01\n---\n\n# %s\n\n![A picture](%s)\n";

/* The live steps, on a running kiosk. */
static void live_pictures(int windowed) {
    char *pic = in_content("live.png"), *later = in_content("later.png"), *p1 = in_content("live.md"),
         *p2 = in_content("later.md"), *db = ks_path_join(root, windowed ? "w.db" : "h.db"),
         *shot = ks_path_join(root, windowed ? "w-shot.png" : "h-shot.png");
    char *t1 = ks_sprintf(PAGE_FMT, "Live", "Live", "live.png"), *t2 = ks_sprintf(PAGE_FMT, "Later", "Later", "later.png");
    unlink(later);
    OK(write_png(pic, 400, 300, RED) == 0);
    harness_write_text(p1, t1);
    harness_write_text(p2, t2);
    kiosk k;
    OK(kiosk_start(&k, db, windowed) == 0);
    /* The picture as it is at start. */
    OK(screen_shows(&k, "live", RED, 1, shot));
    /* The page whose picture is missing is not shown (kiosk check: error). */
    OK(strncmp(harness_kiosk_ask(&k, "open page:later"), "fail", 4) == 0);
    /* Replaced while the kiosk runs. */
    OK(write_png(pic, 400, 300, GREEN) == 0);
    OK(screen_shows(&k, "live", GREEN, 1, shot));
    OK(count_in_png(shot, RED) == 0);
    /* Added: the page that waited for it appears, with it. */
    OK(write_png(later, 400, 300, BLUE) == 0);
    OK(page_opens(&k, "later", 30000));
    OK(screen_shows(&k, "later", BLUE, 1, shot));
    /* Removed: the page keeps its last good text, the picture is gone. */
    unlink(pic);
    OK(screen_shows(&k, "live", GREEN, 0, shot));
    /* The page showing a picture through a link out of content/ is never
     * shown, and the secret's colour never appears. */
    OK(strncmp(harness_kiosk_ask(&k, "open page:leak"), "fail", 4) == 0);
    harness_kiosk_stop(&k);
    OK(count_in_png(shot, MAGENTA) == 0);
    free(pic), free(later), free(p1), free(p2), free(db), free(shot), free(t1), free(t2);
}

static void test_live_headless(void) { live_pictures(0); }

static void test_live_window(void) {
    if (!harness_on_path("Xvfb")) {
        harness_skip("the live pictures in a window need Xvfb (Debian package xvfb; scripts/install-deps --test)");
        return;
    }
    pid_t x = harness_xvfb_start("1200x2000x24", 0, display, sizeof display);
    OK(x > 0);
    if (x <= 0) return;
    fprintf(stderr, "  Xvfb on display %s\n", display);
    live_pictures(1);
    harness_stop(x);
}

/* A page name as long as the file system allows (a 200-byte folder and a
 * 250-byte file name: a 448-byte slug) works in check, index, search,
 * render, the running kiosk and its usage counts. */
static void test_long_slug(void) {
    char folder[201], name[248];
    memset(folder, 't', 200);
    folder[200] = '\0';
    memset(name, 'p', 247);
    name[247] = '\0';
    char *dir = ks_sprintf("%s/long", root), *topic = ks_sprintf("%s/%s", dir, folder);
    mkdir(dir, 0755);
    mkdir(topic, 0755);
    char *index = ks_sprintf("%s/index.md", topic), *page = ks_sprintf("%s/%s.md", topic, name);
    char *slug = ks_sprintf("%s/%s", folder, name);
    harness_write_text(index, "---\ntitle: Long\nsummary: A topic.\nreviewed: 2026-11-01\n---\n\n# Long\n\nA topic.\n");
    harness_write_text(page, "---\ntitle: Zebrafish\nsection: extra\nsummary: A page.\nreviewed: 2026-11-01\n---\n\n# Zebrafish\n\n"
                     "A zebrafish page with a long name. Back to [the topic](index.md).\n");
    char *db = ks_sprintf("%s/long.db", root), *png = ks_sprintf("%s/long.png", root), *out = NULL, *cmd;
    INT_EQ(strlen(slug), 448L);

    cmd = ks_sprintf("%s index --content %s --db %s --quiet 2>&1", KIOSK_BIN, dir, db);
    harness_run(cmd, &out);
    free(cmd), free(out);
    cmd = ks_sprintf("%s search --db %s --json zebrafish", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    char *want = ks_sprintf("\"slug\":\"%s\"", slug);
    STR_CONTAINS(out ? out : "", want);
    free(want), free(cmd), free(out);
    cmd = ks_sprintf("%s render 'page:%s' -o %s --content %s --db %s", KIOSK_BIN, slug, png, dir, db);
    INT_EQ(harness_run(cmd, &out), 0);
    free(cmd), free(out);
    SDL_Surface *shot = IMG_Load(png);
    OK(shot && shot->w == 1080);
    SDL_FreeSurface(shot);
    /* The running kiosk opens it (counted), and a link on it works. */
    char *script = ks_sprintf("%s/long.txt", root);
    char *text = ks_sprintf("open page:%s\nscreen\nquit\n", slug);
    harness_write_text(script, text);
    cmd = ks_sprintf("SDL_VIDEODRIVER=dummy %s run --script - --content %s --db %s < %s 2>/dev/null", KIOSK_BIN, dir, db,
                     script);
    INT_EQ(harness_run(cmd, &out), 0);
    want = ks_sprintf("ok\npage:%s\n", slug);
    STR_CONTAINS(out ? out : "", want);
    free(want), free(cmd), free(out);
    cmd = ks_sprintf("%s stats --db %s", KIOSK_BIN, db);
    INT_EQ(harness_run(cmd, &out), 0);
    STR_CONTAINS(out ? out : "", slug);
    free(cmd), free(out);
    free(script), free(text), free(dir), free(topic), free(index), free(page), free(slug), free(db), free(png);
}

int main(void) {
    snprintf(root, sizeof root, "/tmp/kiosk-pictures-XXXXXX");
    if (!mkdtemp(root)) return 1;
    snprintf(content, sizeof content, "%s/content", root);
    mkdir(content, 0755);
    char *about = ks_path_join(content, "about.md");
    harness_write_text(about, "---\ntitle: About\nsection: general\nsummary: About us.\nreviewed: 2026-11-01\n---\n\n# About\n\nHello.\n");
    free(about);
    RUN(test_open_beneath);
    RUN(test_replace_add_remove);
    RUN(test_link_out_never_drawn);
    RUN(test_budget_200_pictures);
    RUN(test_check_pictures);
    RUN(test_long_slug);
    RUN(test_live_headless);
    RUN(test_live_window);
    char *cmd = ks_sprintf("rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    free(cmd);
    return harness_done();
}
