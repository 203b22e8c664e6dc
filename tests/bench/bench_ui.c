/* bench_ui: the touch kiosk's figures, printed (never asserted).
 *
 *   cold start to first frame, with an existing index   (target <= 150 ms)
 *   tap to next frame                                   (target <= 16 ms)
 *   keystroke to updated results                        (target <= 16 ms)
 *   a scrolling (fling) frame
 *   resident memory on the shipped content              (target <= 64 MB)
 *   CPU while idle in a real window                     (target <= 1 %)
 *
 * In-process figures use the headless software renderer at 1080x1920 (the
 * same drawing code as the window). The real-window figures run the kiosk
 * binary under Xvfb (skipped with a note when Xvfb is not installed).
 *
 * usage: bench_ui [ROUNDS]   (default 30)
 */
#include "harness.h"
#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/render.h"
#include "kiosk/search.h"
#include "kiosk/store.h"
#include "kiosk/ui.h"

#include "../../src/ui/ui_int.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n, const char *target) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    printf("%-38s median %7.2f ms   p90 %7.2f ms   max %7.2f ms   (%s)\n", what, v[n / 2], v[(n * 9) / 10], v[n - 1],
           target);
}

static long rss_kb(pid_t pid, const char *field) {
    char path[64], line[256];
    long kb = -1;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, strlen(field)) == 0) kb = atol(line + strlen(field));
    fclose(f);
    return kb;
}

static const ks_item *find_link(const ks_display_list *dl, int tag, const char *target) {
    for (size_t i = 0; i < ks_layout_list_count(dl); i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        if (it->kind == KS_ITEM_LINK && it->tag == tag && (!target || (it->target && !strcmp(it->target, target))))
            return it;
    }
    return NULL;
}

/* Tap the centre of a link (in window px) and draw the next frame: the
 * time a patient waits between lifting the finger and seeing the result. */
static double tap_and_draw(ks_ui *ui, const ks_item *it, int in_body, double *t) {
    float x = (float)(it->box.x + it->box.w / 2);
    float y = (float)(it->box.y + it->box.h / 2 + (in_body ? ui->geom.body_top - (int)ui->view.scroll : 0));
    double t0;
    ks_ui_pointer(ui, KS_POINTER_DOWN, x, y, *t);
    *t += 60;
    ks_ui_tick(ui, *t);
    ks_ui_draw(ui); /* the press feedback frame, not timed */
    t0 = ks_now_ms();
    ks_ui_pointer(ui, KS_POINTER_UP, x, y, *t);
    ks_ui_tick(ui, *t);
    ks_ui_draw(ui);
    *t += 40;
    return ks_now_ms() - t0;
}

/* In this process, a real X window with the kiosk's renderer settings:
 * tap to the next frame presented, and keystroke to results presented. */

/* A finger down at (x, y), a frame, then up: the milliseconds from the
 * lift to the next frame presented. Advances the virtual clock *t. */
static double tap_presented(ks_ui *ui, SDL_Renderer *ren, float x, float y, double *t) {
    ks_ui_pointer(ui, KS_POINTER_DOWN, x, y, *t);
    *t += 60;
    ks_ui_tick(ui, *t);
    ks_ui_draw(ui);
    SDL_RenderPresent(ren);
    double t0 = ks_now_ms();
    ks_ui_pointer(ui, KS_POINTER_UP, x, y, *t);
    ks_ui_tick(ui, *t);
    ks_ui_draw(ui);
    SDL_RenderPresent(ren);
    double ms = ks_now_ms() - t0;
    *t += 40;
    return ms;
}

static void window_taps(const char *display, const char *db, int rounds) {
    SDL_Window *win;
    SDL_Renderer *ren;
    ks_render *rd;
    ks_store *store;
    ks_search *search;
    ks_ui *ui;
    ks_store_view content;
    ks_render_options ro;
    double t = 1000, *v = ks_calloc((size_t)rounds * 16, sizeof *v);
    int err = 0, n = 0, w, h;
    setenv("DISPLAY", display, 1);
    unsetenv("SDL_VIDEODRIVER");
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        printf("real window: cannot open %s: %s\n", display, SDL_GetError());
        free(v);
        return;
    }
    win = SDL_CreateWindow("bench", 0, 0, 1080, 1920, 0);
    ren = win ? SDL_CreateRenderer(win, -1, 0) : NULL;
    memset(&ro, 0, sizeof ro);
    ro.cache_bytes = 12u * 1024 * 1024;
    rd = ren ? ks_render_create_ex(ren, ks_layout_theme("default"), &ro, &err) : NULL;
    if (!rd) {
        printf("real window: no renderer: %s\n", SDL_GetError());
        SDL_Quit();
        free(v);
        return;
    }
    SDL_GetRendererOutputSize(ren, &w, &h);
    store = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    search = ks_search_open(db, &err);
    content = ks_store_view_of(store);
    ui = ks_ui_create(NULL, &content, search, rd, (ks_ui_size){w, h}, t);
    ks_ui_draw(ui);
    SDL_RenderPresent(ren);
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 2; k++) {
            const ks_item *it;
            float x, y;
            ks_ui_tick(ui, t);
            it = k == 0 ? find_link(ui->body, TAG_TOPIC, "prolotherapy") : find_link(ui->body, TAG_PAGE, "prolotherapy/risks");
            if (!it) break;
            x = (float)(it->box.x + it->box.w / 2);
            y = (float)(it->box.y + it->box.h / 2 + ui->geom.body_top - (int)ui->view.scroll);
            v[n++] = tap_presented(ui, ren, x, y, &t);
        }
        ks_ui_open(ui, "home", t);
        ks_ui_tick(ui, t);
        ks_ui_draw(ui);
        SDL_RenderPresent(ren);
    }
    if (n) report("real window: tap to frame presented", v, n, "target <= 16 ms");
    n = 0;
    ks_ui_open(ui, "search", t);
    for (int r = 0; r < rounds && n < rounds * 8; r++) {
        for (const char *c = "ligament"; *c; c++) {
            int k;
            float x, y;
            ks_ui_tick(ui, t);
            k = ks_keyboard_find(&ui->geom.kb, *c);
            x = (float)(ui->geom.kb.keys[k].x + ui->geom.kb.keys[k].w / 2);
            y = (float)(ui->geom.kb_top + ui->geom.kb.keys[k].y + ui->geom.kb.keys[k].h / 2);
            v[n++] = tap_presented(ui, ren, x, y, &t);
        }
        ui->find.query[0] = '\0';
    }
    if (n) report("real window: keystroke to results presented", v, n, "target <= 16 ms");
    ks_ui_destroy(ui);
    ks_search_close(search);
    ks_store_free(store);
    ks_render_destroy(rd);
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    SDL_Quit();
    free(v);
}

/* The kiosk binary in a real window under Xvfb: cold start to first frame
 * (its own log line), memory and idle CPU. */
static void window_figures(const char *db, int rounds) {
    char display[16], log[] = "/tmp/bench-ui-log-XXXXXX", *text = NULL;
    pid_t x, k;
    int fd;
    size_t len;
    if (!harness_on_path("Xvfb")) {
        printf("real window: skipped (install the Debian package xvfb)\n");
        return;
    }
    x = harness_xvfb_start("1080x1920x24", 0, display, sizeof display);
    if (x < 0) {
        printf("real window: skipped (Xvfb did not start)\n");
        return;
    }
    window_taps(display, db, rounds);
    fd = mkstemp(log);
    k = fork();
    if (k == 0) {
        dup2(fd, 2);
        setenv("DISPLAY", display, 1);
        unsetenv("SDL_VIDEODRIVER");
        execl(KIOSK_BIN, KIOSK_BIN, "run", "--windowed", "--size", "1080x1920", "--content", KIOSK_SOURCE_DIR "/content",
              "--db", db, (char *)NULL);
        _exit(127);
    }
    harness_sleep_ms(3000); /* started, first frame drawn, settled */
    {
        char path[64];
        long t0, t1, ticks = sysconf(_SC_CLK_TCK);
        unsigned long ut0 = 0, st0 = 0, ut1 = 0, st1 = 0;
        FILE *f;
        snprintf(path, sizeof path, "/proc/%d/stat", (int)k);
        f = fopen(path, "r");
        if (f && fscanf(f, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut0, &st0) == 2) {
            fclose(f);
            t0 = (long)ks_now_ms();
            harness_sleep_ms(10000);
            t1 = (long)ks_now_ms();
            f = fopen(path, "r");
            if (f && fscanf(f, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut1, &st1) == 2)
                printf("real window: CPU while idle over %.0f s      %.2f %%   (target <= 1 %%)\n", (t1 - t0) / 1000.0,
                       100.0 * (double)(ut1 + st1 - ut0 - st0) / (double)ticks / ((double)(t1 - t0) / 1000.0));
        }
        if (f) fclose(f);
        printf("real window: resident memory              %.1f MB (peak %.1f MB)   (target <= 64 MB)\n",
               rss_kb(k, "VmRSS:") / 1024.0, rss_kb(k, "VmHWM:") / 1024.0);
    }
    kill(k, SIGTERM);
    waitpid(k, NULL, 0);
    harness_stop(x);
    if (ks_read_file(log, 1 << 20, &text, &len) == KS_OK) {
        const char *p = strstr(text, "first frame after ");
        if (p) printf("real window: cold start to first frame     %.1f ms   (target <= 150 ms; from the kiosk's own log)\n",
                      atof(p + strlen("first frame after ")));
        free(text);
    }
    close(fd);
    unlink(log);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 30, err = 0;
    char dir[] = "/tmp/bench-ui-XXXXXX", db[128];
    double *v;
    ks_store *store;
    ks_index *ix;
    ks_search *search;
    ks_render_headless *hl;
    ks_ui *ui;
    ks_store_view content;
    double t = 1000, t0;
    ks_render_options ro;
    memset(&ro, 0, sizeof ro);
    ro.cache_bytes = 12u * 1024 * 1024; /* as kiosk run sets it */
    if (rounds < 5) rounds = 5;
    v = ks_calloc((size_t)rounds * 4, sizeof *v);
    if (!mkdtemp(dir)) return 1;
    snprintf(db, sizeof db, "%s/index.db", dir);
    /* An existing index, as on a kiosk that has run before. */
    store = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    ix = ks_index_open(db, &err);
    if (!store || !ix || ks_index_sync(ix, store, NULL) != 0) return 1;
    ks_index_close(ix);
    ks_store_free(store);

    printf("bench_ui: %d rounds, 1080x1920, shipped content, headless software renderer\n", rounds);
    /* Cold start (in process): load, sync check, search, fonts, first frame. */
    for (int r = 0; r < rounds; r++) {
        t0 = ks_now_ms();
        store = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
        ix = ks_index_open(db, &err);
        ks_index_sync(ix, store, NULL);
        ks_index_close(ix);
        search = ks_search_open(db, &err);
        hl = ks_render_headless_create(1080, 1920, ks_layout_theme("default"), &ro, &err);
        content = ks_store_view_of(store);
        ui = ks_ui_create(NULL, &content, search, ks_render_headless_render(hl), (ks_ui_size){1080, 1920}, t);
        ks_ui_draw(ui);
        v[r] = ks_now_ms() - t0;
        ks_ui_destroy(ui);
        ks_render_headless_destroy(hl);
        ks_search_close(search);
        ks_store_free(store);
    }
    report("cold start to first frame (in process)", v, rounds, "target <= 150 ms");

    store = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    search = ks_search_open(db, &err);
    hl = ks_render_headless_create(1080, 1920, ks_layout_theme("default"), &ro, &err);
    content = ks_store_view_of(store);
    ui = ks_ui_create(NULL, &content, search, ks_render_headless_render(hl), (ks_ui_size){1080, 1920}, t);
    ks_ui_draw(ui);

    /* Tap to next frame: home -> topic -> page -> back -> home, repeated. */
    {
        int n = 0;
        for (int r = 0; r < rounds; r++) {
            const ks_item *it;
            ks_ui_tick(ui, t);
            it = find_link(ui->body, TAG_TOPIC, "prolotherapy");
            if (it) v[n++] = tap_and_draw(ui, it, 1, &t);
            ks_ui_tick(ui, t);
            it = find_link(ui->body, TAG_PAGE, "prolotherapy/risks");
            if (it) v[n++] = tap_and_draw(ui, it, 1, &t);
            ks_ui_tick(ui, t);
            it = find_link(ui->chrome, TAG_BACK, NULL);
            if (it) v[n++] = tap_and_draw(ui, it, 0, &t);
            ks_ui_tick(ui, t);
            it = find_link(ui->chrome, TAG_HOME, NULL);
            if (it) v[n++] = tap_and_draw(ui, it, 0, &t);
        }
        if (n) report("tap to next frame", v, n, "target <= 16 ms");
    }

    /* Keystroke to updated results (search + layout + frame). */
    {
        const char *word = "ligament pain";
        int n = 0;
        ks_ui_open(ui, "search", t);
        for (int r = 0; r < rounds && n < rounds * 4; r++) {
            for (const char *c = word; *c; c++) {
                int k = ks_keyboard_find(&ui->geom.kb, *c);
                ks_item key;
                ks_ui_tick(ui, t);
                memset(&key, 0, sizeof key);
                key.box = (ks_rect){ui->geom.kb.keys[k].x, ui->geom.kb_top + ui->geom.kb.keys[k].y, ui->geom.kb.keys[k].w, ui->geom.kb.keys[k].h};
                if (n < rounds * 4) v[n++] = tap_and_draw(ui, &key, 0, &t);
            }
            ui->find.query[0] = '\0';
        }
        report("keystroke to updated results", v, n, "target <= 16 ms");
    }

    /* A fling frame on a long page (text textures already cached). */
    {
        ks_ui_open(ui, "page:prolotherapy/candidacy", t);
        ks_ui_tick(ui, t);
        ks_ui_draw(ui);
        for (int r = 0; r < rounds; r++) {
            ui->view.scroll = (float)((r * 37) % (ui->geom.content_h > 1920 ? ui->geom.content_h - 1700 : 100));
            ui->view.dirty = 1;
            t0 = ks_now_ms();
            ks_ui_draw(ui);
            v[r] = ks_now_ms() - t0;
        }
        report("scrolling frame (fling)", v, rounds, "one frame at 60 Hz is 16.7 ms");
    }

    /* Memory after every screen has been shown (fonts, text caches). */
    ks_ui_open(ui, "home", t);
    ks_ui_tick(ui, t);
    ks_ui_draw(ui);
    for (size_t i = 0; i < ks_store_page_count(store); i++) {
        char spec[300];
        snprintf(spec, sizeof spec, "page:%s", ks_store_page(store, i)->slug);
        ks_ui_open(ui, spec, t);
        ks_ui_tick(ui, t);
        ks_ui_draw(ui);
    }
    printf("resident memory, every page shown (in process)  %.1f MB (peak %.1f MB)   (target <= 64 MB)\n",
           rss_kb(getpid(), "VmRSS:") / 1024.0, rss_kb(getpid(), "VmHWM:") / 1024.0);
    ks_ui_destroy(ui);
    ks_render_headless_destroy(hl);
    ks_search_close(search);
    ks_store_free(store);

    window_figures(db, rounds);

    {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    free(v);
    return 0;
}
