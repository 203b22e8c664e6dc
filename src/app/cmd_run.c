/* kiosk run: the touch kiosk a patient meets (also `kiosk` with no command).
 *
 * Reads like a game loop that sleeps: load the content and bring the index
 * up to date, open the window (fullscreen, no cursor, nothing quits it but
 * the staff gesture or SIGTERM), then wait for events; each event goes to
 * the ui, and a frame is drawn only when the ui says something changed.
 *
 * With --script the same ui replays a script headlessly (a software surface,
 * no display) or, with --windowed, in a real window.
 */
#include "app.h"
#include "input.h"
#include "live.h"
#include "output.h"
#include "notify.h"
#include "startup.h"
#include "stop.h"

#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/render.h"
#include "kiosk/search.h"
#include "kiosk/store.h"
#include "kiosk/ui.h"

#include <SDL_image.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Set by SIGTERM / SIGINT (stop.c): leave the loop cleanly. The only
 * global, and a signal handler needs it. */
static volatile sig_atomic_t run_stop;

static void help(void) {
    printf("usage: kiosk [run] [--windowed] [--size WxH] [--script FILE] [--config FILE]\n"
           "                  [--content DIR] [--db FILE]\n\n"
           "The touch kiosk. Fullscreen with no cursor by default: Escape, Alt+F4 and\n"
           "closing the window do nothing. Staff leave by holding the top-left corner of\n"
           "the screen for 5 seconds, then typing the staff PIN; or send SIGTERM.\n\n"
           "  --windowed       a normal window (for development); Escape and closing quit\n"
           "  --size WxH       window or surface size (default 1080x1920 with --windowed\n"
           "                   or --script; fullscreen uses the whole display)\n"
           "  --script FILE    replay FILE: tap X Y, drag X1 Y1 X2 Y2 MS, type TEXT,\n"
           "                   wait MS, idle SECONDS, shot FILE.png, expect SCREEN,\n"
           "                   resize W H, clock HH:MM, quit. Headless (no display\n"
           "                   needed; rotate does not apply) unless\n"
           "                   --windowed. A failed expect or bad line exits 1.\n"
           "                   FILE '-' reads commands from stdin one at a time and\n"
           "                   answers each on stdout (for tests of live content)\n"
           "  --config FILE    INI settings (default: $KIOSK_CONFIG, else\n"
           "                   " KS_CONFIG_PATH " if it exists), for example:\n"
           "                     [clinic]\n"
           "                     name = Clinic information\n"
           "                     [idle]\n"
           "                     seconds = 90             (0 turns the idle reset off)\n"
           "                     prompt_seconds = 30      (\"Are you still reading?\", >= 20)\n"
           "                     [screen]\n"
           "                     rotate = 0               (90, 180, 270: a screen on its side)\n"
           "                     screen_off_minutes = 30  (0: never black)\n"
           "                     night = 20:00-07:00      (black at night; default off)\n"
           "                     [staff]\n"
           "                     pin = 2580\n"
           "                     hold_seconds = 5\n"
           "                   (every key: README, \"Configuration\")\n"
           "  --content DIR    the content folder (default: $KIOSK_CONTENT, else ./content,\n"
           "                   else the shipped content)\n"
           "  --db FILE        the search index, kept up to date while the content folder\n"
           "                   changes; usage counts live beside it (default:\n"
           "                   $KIOSK_DB, else $XDG_STATE_HOME/clinic-kiosk/index.db)\n\n"
           "Screens are logged to stderr as 'kiosk: screen NAME'.\n"
           "Exit status: 0 clean quit, 1 a script failed, 2 cannot run or bad usage.\n");
}

/* Text textures kept between frames: a screenful of text is about 2-4 MB
 * of pixels, so this holds several screens (Back is instant) and keeps the
 * kiosk well inside its memory budget. */
#define RUN_TEXT_CACHE (12u * 1024 * 1024)

typedef struct run_opts {
    app_paths paths;
    int windowed;
    int w, h;
    int size_given;
    const char *script;
    app_live *live; /* the content watcher and usage counts */
    double t_start; /* when cmd_run began, for the first-frame log line */
    double t_live;  /* when the content and index were ready */
} run_opts;

/* ------------------------------------------------------------ content */

/* The content and the index, made on a thread of their own while this one
 * brings up SDL, the display (under cage, Xwayland starts only when the
 * kiosk connects), the window and the fonts: neither needs the other until
 * the ui is made (tests/bench/screen.sh). */
typedef struct live_start {
    pthread_t th;
    int threaded;
    const app_paths *paths;
    app_live *live; /* NULL: it failed (after a message) */
    double done;    /* ks_now_ms() when it was ready */
} live_start;

static void *live_start_main(void *arg) {
    live_start *s = arg;
    s->live = app_live_start(s->paths, &run_stop);
    s->done = ks_now_ms();
    return NULL;
}

static void live_begin(live_start *s, const app_paths *paths, int threaded) {
    memset(s, 0, sizeof *s);
    s->paths = paths;
    app_image_probe_init(); /* on this thread, before the watcher's (probe.c) */
    if (threaded && pthread_create(&s->th, NULL, live_start_main, s) == 0) s->threaded = 1;
    else live_start_main(s);
}

/* Wait for live_begin's work; the content watcher, or NULL. */
static app_live *live_end(live_start *s) {
    if (s->threaded) pthread_join(s->th, NULL);
    s->threaded = 0;
    return s->live;
}

static int parse_size(const char *s, int *w, int *h) {
    char *end;
    const char *p;
    long a = strtol(s, &end, 10), b;
    if (end == s || (*end != 'x' && *end != 'X')) return -1;
    p = end + 1;
    b = strtol(p, &end, 10);
    if (end == p || *end || a < 200 || b < 200 || a > 8192 || b > 8192) return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

static void log_screen(void *ctx, const char *name) {
    (void)ctx;
    ks_log("screen %s", name);
}

/* ------------------------------------------------------------ headless */

typedef struct headless_host {
    ks_render_headless *hl;
    const char *content_dir;
    app_live *live;
} headless_host;

/* Between script commands: take the watcher's newest content. */
static void hl_frame(void *ctx, ks_ui *ui) { app_live_update(((headless_host *)ctx)->live, ui); }

static int hl_shot(void *ctx, ks_ui *ui, const char *path) {
    headless_host *h = ctx;
    (void)ks_make_parent_dirs(path, 0755); /* so `shot out/home.png` needs no out/; failures show at the write */
    if (ks_ui_draw(ui) != 0) return -1;
    return ks_render_headless_save_png(h->hl, path);
}

static int hl_resize(void *ctx, ks_ui *ui, int w, int h) {
    headless_host *hh = ctx;
    ks_render_options ro;
    int err;
    ks_render_headless *nhl;
    memset(&ro, 0, sizeof ro);
    ro.content_dir = hh->content_dir;
    nhl = ks_render_headless_create(w, h, ks_layout_theme("default"), &ro, &err);
    if (!nhl) return err;
    ks_ui_set_render(ui, ks_render_headless_render(nhl), w, h);
    ks_render_headless_destroy(hh->hl);
    hh->hl = nhl;
    return 0;
}

static int run_script(ks_ui *ui, const ks_script *script, const ks_ui_script_host *host, const char *file) {
    double clock = 0;
    ks_ui_script_error err;
    if (ks_ui_run_script(ui, script, host, &clock, &err) != 0) {
        fprintf(stderr, "%s:%d: %s\n", file, err.line, err.text);
        return 1;
    }
    return 0;
}

static int run_headless(const run_opts *o, const ks_ui_config *cfg, const ks_script *script) {
    ks_search *search = app_live_search(o->live); /* owned by live, which reopens it when the index comes */
    ks_store_view view = app_live_content(o->live), *content = &view;
    headless_host hh;
    ks_render_options ro;
    ks_ui_script_host host;
    ks_ui_hooks hooks;
    ks_ui *ui;
    int err, status;
    memset(&ro, 0, sizeof ro);
    ro.content_dir = o->paths.content;
    ro.cache_bytes = RUN_TEXT_CACHE;
    hh.content_dir = o->paths.content;
    hh.live = o->live;
    hh.hl = ks_render_headless_create(o->w, o->h, ks_layout_theme("default"), &ro, &err);
    if (!hh.hl) {
        fprintf(stderr, "kiosk run: %s\n", err == KS_ERR_NOT_FOUND ? "the fonts are missing or damaged (see the message above)" : "cannot make a drawing surface");
        return 2;
    }
    /* The clock the script runs on: 0 for a file, the real clock for
     * `--script -` (app_live_interactive); the ui starts on the same one, or
     * the first line would look like hours without a touch (screen off). */
    ui = ks_ui_create(cfg, content, search, ks_render_headless_render(hh.hl), (ks_ui_size){o->w, o->h}, strcmp(o->script, "-") == 0 ? ks_now_ms() : 0);
    memset(&hooks, 0, sizeof hooks);
    hooks.screen_changed = log_screen;
    app_live_hooks(o->live, &hooks);
    ks_ui_set_hooks(ui, &hooks);
    memset(&host, 0, sizeof host);
    host.ctx = &hh;
    host.shot = hl_shot;
    host.resize = hl_resize;
    host.frame = hl_frame;
    if (strcmp(o->script, "-") == 0) status = app_live_interactive(o->live, ui, &host, stdin, stdout);
    else status = run_script(ui, script, &host, o->script);
    ks_ui_destroy(ui);
    ks_render_headless_destroy(hh.hl);
    return status;
}

/* ------------------------------------------------------------ window */

typedef struct window_run {
    SDL_Window *win;
    SDL_Renderer *ren;
    ks_render *rd;
    ks_ui *ui;
    int windowed;
    int quit;
    app_live *live;
    app_output out;  /* the real output: its size, the rotation */
    app_input in;    /* SDL events -> the ui's pointer and keys (input.c) */
    int screen_off;  /* the ui's screen care has the screen black */
    int lost;        /* the display server went away (exit 2) */
} window_run;

/* The window or its display changed: lay out for what is there now. */
static void window_refit(window_run *r) {
    int changed = app_output_refit(&r->out);
    char line[128];
    if (changed < 0) ks_log("cannot make the rotated frame: %s", SDL_GetError());
    app_input_resize(&r->in, r->out.lw, r->out.lh);
    if (!r->ui) return;
    ks_ui_resize(r->ui, r->out.lw, r->out.lh);
    /* A new output size (a monitor swapped, xrandr, wlr-randr): said in the
     * log with the line the patient was reading, kept at the top. */
    if (changed > 0)
        ks_log("output %dx%d px (window %dx%d), laid out again for %dx%d; reading from \"%s\"", r->out.out_w,
               r->out.out_h, r->out.win_w, r->out.win_h, r->out.lw, r->out.lh,
               ks_ui_top_line(r->ui, line, sizeof line) == 0 ? line : "(no page text on this screen)");
}

/* The local time of day, for the night schedule (read each time round the
 * loop, so a clock or daylight saving change is followed). */
static void window_wall_clock(window_run *r) {
    time_t t = time(NULL);
    struct tm tm;
    if (localtime_r(&t, &tm)) ks_ui_set_wall_clock(r->ui, tm.tm_hour * 60 + tm.tm_min + tm.tm_sec / 60.0, ks_now_ms());
}

/* Screen care asked for a black screen (or the end of it). SDL has no
 * backlight control; what it can do is stop keeping the display awake, so
 * the X server's DPMS or the compositor's idle policy may power it down. */
static void window_screen_care(window_run *r) {
    int off = ks_ui_screen_off(r->ui);
    if (off == r->screen_off) return;
    r->screen_off = off;
    if (off) SDL_EnableScreenSaver();
    else SDL_DisableScreenSaver();
}

/* One event: what kiosk mode ignores, then the ui. */
static void window_event(window_run *r, const SDL_Event *ev) {
    switch (ev->type) {
    case SDL_QUIT:
        if (r->windowed) {
            r->quit = 1;
        } else if (app_output_display_lost(&r->out)) {
            ks_log("the display server has gone: stopping (the service starts the kiosk again)");
            r->quit = r->lost = 1;
        } else {
            ks_log("ignoring a request to quit (kiosk mode: staff use the corner gesture)");
        }
        return;
    case SDL_KEYDOWN:
        if (ev->key.keysym.sym == SDLK_ESCAPE) {
            if (r->windowed) r->quit = 1;
            return;
        }
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED || ev->window.event == SDL_WINDOWEVENT_DISPLAY_CHANGED) {
            window_refit(r);
            return;
        }
        break;
    case SDL_SYSWMEVENT: /* X: the screen changed size (output_x11.c) */
        if (app_output_x11_event(&r->out, ev)) window_refit(r);
        return;
    case SDL_DISPLAYEVENT: /* a monitor came, went or turned */
    case SDL_RENDER_TARGETS_RESET:
        window_refit(r);
        return;
    default: break;
    }
    /* Live content: the watcher's wake-up event lands here (see README). */
    {
        SDL_Event mapped = *ev;
        app_output_map_event(&r->out, &mapped);
        app_input_event(&r->in, r->ui, &mapped, ks_now_ms());
    }
}

static void window_present(window_run *r) {
    app_output_begin(&r->out);
    if (ks_ui_draw(r->ui) != 0) ks_log("drawing failed: %s", SDL_GetError());
    app_output_present(&r->out);
}

/* Script frames in a window: handle pending events, draw when needed. */
static void win_frame(void *ctx, ks_ui *ui) {
    window_run *r = ctx;
    SDL_Event ev;
    (void)ui;
    app_live_update(r->live, r->ui);
    while (SDL_PollEvent(&ev))
        if (ev.type != SDL_MOUSEBUTTONDOWN && ev.type != SDL_MOUSEBUTTONUP && ev.type != SDL_MOUSEMOTION &&
            ev.type != SDL_FINGERDOWN && ev.type != SDL_FINGERUP && ev.type != SDL_FINGERMOTION)
            window_event(r, &ev);
    if (ks_ui_needs_frame(r->ui)) window_present(r);
}

static int win_shot(void *ctx, ks_ui *ui, const char *path) {
    window_run *r = ctx;
    int w, h, rc;
    SDL_Surface *s;
    (void)ks_make_parent_dirs(path, 0755); /* so `shot out/home.png` needs no out/; failures show at the write */
    app_output_begin(&r->out); /* the logical screen, as the ui drew it */
    ks_ui_draw(ui);
    w = r->out.lw;
    h = r->out.lh;
    s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) return -1;
    rc = SDL_RenderReadPixels(r->ren, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch);
    if (rc == 0) rc = IMG_SavePNG(s, path);
    SDL_FreeSurface(s);
    app_output_present(&r->out);
    return rc == 0 ? 0 : -1;
}

static int win_resize(void *ctx, ks_ui *ui, int w, int h) {
    window_run *r = ctx;
    (void)ui;
    SDL_SetWindowSize(r->win, w, h);
    window_refit(r);
    return 0;
}

/* Where the time before the first frame went (see README). */
typedef struct window_times {
    double sdl, win, ren, fonts; /* when each was ready, ks_now_ms() */
    double live;                 /* when this thread had the content and index */
} window_times;

/* Undo what window_open did, in reverse; SDL goes last. */
static void window_close(window_run *r) {
    if (r->rd) ks_render_destroy(r->rd);
    app_output_free(&r->out);
    if (r->ren) SDL_DestroyRenderer(r->ren);
    if (r->win) SDL_DestroyWindow(r->win);
    if (r->live) app_live_unwake_sdl(r->live); /* before SDL goes */
    SDL_Quit();
}

/* SDL and a display SDL can really show things on. 0, or 2 after a
 * message. */
static int window_display(void) {
    /* SDL would turn SIGTERM into SDL_QUIT, which kiosk mode ignores. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* Under cage both X (Xwayland) and Wayland are there. SDL 2 has no
     * shared-memory path on Wayland, so its Wayland driver needs OpenGL,
     * which on a kiosk without a GPU means Mesa's software GL: 0.5 s of CPU
     * before the first frame and 100 MB more memory (tests/bench/screen.sh).
     * Prefer X, then Wayland, then KMSDRM (no display server at all); the
     * environment (SDL_VIDEODRIVER) still decides when it says. */
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "x11,wayland,kmsdrm");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "kiosk run: cannot open the display: %s\n"
                        "(use --script FILE for a headless run, or set DISPLAY)\n", SDL_GetError());
        return 2;
    }
    /* With no display SDL may fall back to a driver that shows nothing;
     * a kiosk nobody can see is worse than a clear message. */
    const char *driver = SDL_GetCurrentVideoDriver();
    if (driver && (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy") || !strcmp(driver, "evdev"))) {
        fprintf(stderr, "kiosk run: no display found (SDL chose the '%s' video driver)\n"
                        "(set DISPLAY, or use --script FILE for a headless run)\n", driver);
        SDL_Quit();
        return 2;
    }
    return 0;
}

/* The window: the whole display in kiosk mode, else o's size (shrunk, same
 * shape, to fit a smaller desktop). */
static SDL_Window *window_create(const run_opts *o) {
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
    int win_w = o->w, win_h = o->h, win_x = SDL_WINDOWPOS_CENTERED, win_y = SDL_WINDOWPOS_CENTERED;
    SDL_Rect usable, bounds;
    if (o->windowed) flags |= SDL_WINDOW_RESIZABLE;
    else flags |= SDL_WINDOW_BORDERLESS; /* fullscreen once the first frame is up (below) */
    /* The default portrait window on a smaller desktop: shrink it, same
     * shape, so the title and the search field are not off the screen. */
    if (o->windowed && !o->size_given && SDL_GetDisplayUsableBounds(0, &usable) == 0 &&
        (win_w > usable.w || win_h > usable.h)) {
        double k = SDL_min((double)usable.w / win_w, (double)usable.h / win_h) * 0.95;
        win_w = (int)(win_w * k);
        win_h = (int)(win_h * k);
    }
    /* Kiosk mode: the whole display, asked for as a window exactly its size
     * too (without a window manager "fullscreen" alone does nothing). */
    if (!o->windowed && SDL_GetDisplayBounds(0, &bounds) == 0 && bounds.w > 0 && bounds.h > 0) {
        win_x = bounds.x;
        win_y = bounds.y;
        win_w = bounds.w;
        win_h = bounds.h;
    }
    return SDL_CreateWindow("Clinic kiosk", win_x, win_y, win_w, win_h, flags);
}

/* SDL, the window, its renderer and the fonts, with the content and index
 * made alongside by ls once SDL is up. 0, or 2 after a message (everything
 * opened is closed again). */
static int window_open(window_run *r, const run_opts *o, window_times *t, live_start *ls) {
    ks_render_options ro;
    int err;
    /* The content and index load on their own thread while SDL_Init waits
     * for the display (under cage, Xwayland starts only when the kiosk
     * connects: 80-130 ms). Not when SDL_Init may fork for D-Bus
     * autolaunch: a child forked while another thread holds an allocator
     * lock (AddressSanitizer's does not survive fork) hangs before it can
     * exec, and the start-up never ends; then they start once SDL is up. */
    int early = app_dbus_no_autolaunch();
    app_x11_no_compose(); /* before any thread: setenv is not thread-safe */
    if (early) live_begin(ls, &o->paths, 1);
    if (window_display() != 0) return 2; /* run_window ends what live_begin began */
    t->sdl = ks_now_ms();
    if (!early) live_begin(ls, &o->paths, 1);
    r->win = window_create(o);
    if (!r->win) {
        fprintf(stderr, "kiosk run: cannot open a window: %s\n", SDL_GetError());
        window_close(r);
        return 2;
    }
    t->win = ks_now_ms();
    /* SDL's software renderer, straight into the window's shared-memory
     * framebuffer: a frame of cached text costs 1-2 ms, starts in a third of
     * the time and needs a quarter of the memory of a GL context (measured
     * under Xvfb: 31 MB vs 130 MB, first frame 47 ms vs 167 ms). The
     * environment may ask for another (SDL_RENDER_DRIVER=opengl). */
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    r->ren = SDL_CreateRenderer(r->win, -1, 0);
    if (!r->ren) r->ren = SDL_CreateRenderer(r->win, -1, SDL_RENDERER_SOFTWARE);
    if (!r->ren) {
        fprintf(stderr, "kiosk run: cannot draw in the window: %s\n", SDL_GetError());
        window_close(r);
        return 2;
    }
    t->ren = ks_now_ms();
    memset(&ro, 0, sizeof ro);
    ro.content_dir = o->paths.content;
    ro.cache_bytes = RUN_TEXT_CACHE;
    r->rd = ks_render_create_ex(r->ren, ks_layout_theme("default"), &ro, &err);
    t->fonts = ks_now_ms();
    if (!r->rd) {
        fprintf(stderr, "kiosk run: the fonts are missing or damaged (see the message above)\n");
        window_close(r);
        return 2;
    }
    return 0;
}

/* The ui on the open window, its first frame, and fullscreen. */
static void window_first_frame(window_run *r, const run_opts *o, const window_times *tm, const ks_ui_config *cfg) {
    ks_ui_hooks hooks;
    SDL_RendererInfo info;
    ks_store_view content = app_live_content(o->live);
    ks_search *search = app_live_search(o->live); /* owned by live, which reopens it when the index comes */
    ks_ui_config ucfg = *cfg;
    ucfg.speech_later = 1; /* Home does not need espeak-ng or the audio device: opened below */
    if (SDL_GetRendererInfo(r->ren, &info) == 0) ks_log("drawing with SDL's %s renderer", info.name);
    if (!o->windowed) SDL_ShowCursor(SDL_DISABLE);
    if (app_output_init(&r->out, r->win, r->ren, !o->windowed, o->paths.cfg.screen.rotate) != 0)
        ks_log("cannot turn the picture (rotate = %d): %s", o->paths.cfg.screen.rotate, SDL_GetError());
    ks_log("output %dx%d px (window %dx%d), laid out for %dx%d%s", r->out.out_w, r->out.out_h, r->out.win_w,
           r->out.win_h, r->out.lw, r->out.lh, r->out.rotate ? ", turned" : "");
    app_input_init(&r->in, r->out.lw, r->out.lh);
    r->ui = ks_ui_create(&ucfg, &content, search, r->rd, (ks_ui_size){r->out.lw, r->out.lh}, ks_now_ms());
    window_wall_clock(r);
    memset(&hooks, 0, sizeof hooks);
    hooks.screen_changed = log_screen;
    app_live_hooks(o->live, &hooks);
    ks_ui_set_hooks(r->ui, &hooks);
    ks_log("screen %s", ks_ui_screen_name(r->ui));
    window_present(r);
    double t = ks_now_ms(); /* where the time went, for tests/bench/screen.sh (see README) */
    struct timespec wall; /* so a clock outside can check the figure (screen.sh) */
    clock_gettime(CLOCK_REALTIME, &wall);
    ks_log("first frame after %.1f ms (display %.1f, window %.1f, renderer %.1f, fonts %.1f, then waiting for the "
           "content and index %.1f (ready after %.1f, made alongside), layout and drawing %.1f; video driver %s; "
           "at unix time %lld.%03ld)",
           t - o->t_start, tm->sdl - o->t_start, tm->win - tm->sdl, tm->ren - tm->win, tm->fonts - tm->ren,
           tm->live - tm->fonts, o->t_live - o->t_start, t - tm->live, SDL_GetCurrentVideoDriver(),
           (long long)wall.tv_sec, wall.tv_nsec / 1000000);
    /* Kiosk mode: the window already covers the display; now ask for
     * fullscreen too (so a window manager keeps panels off it). Asked for
     * after the first frame, since SDL's X11 driver then waits up to 100 ms
     * for a window manager that may not exist. Not on KMSDRM: there is no
     * window manager, the window is the display's mode already, and SDL 2's
     * KMSDRM driver answers a fullscreen change by making new GBM/EGL
     * surfaces at the next swap, which then shows a blank buffer instead
     * of the frame just drawn (seen in scripts/test-vm: black after the
     * first frame). */
    if (!o->windowed && strcmp(SDL_GetCurrentVideoDriver(), "KMSDRM") != 0) {
        SDL_SetWindowFullscreen(r->win, SDL_WINDOW_FULLSCREEN_DESKTOP);
        window_refit(r);
    }
    app_notify_ready(); /* systemd: the kiosk is up (nothing without $NOTIFY_SOCKET) */
    ks_ui_start_speech(r->ui); /* espeak-ng and the audio device, 15-20 ms the first frame did without */
}

/* The loop: sleep until an event or the ui's next deadline (a fling frame,
 * the idle prompt, the staff hold). Nothing changing means no frames and no
 * wake-ups beyond a twice-a-second check for SIGTERM. */
static void window_loop(window_run *r) {
    while (!r->quit && !run_stop && !ks_ui_quit_requested(r->ui)) {
        SDL_Event ev;
        double now = ks_now_ms();
        int timeout = ks_ui_timeout_ms(r->ui, now);
        if (ks_ui_needs_frame(r->ui)) timeout = 0;
        if (timeout < 0 || timeout > 500) timeout = 500;
        if (SDL_WaitEventTimeout(&ev, timeout)) {
            window_event(r, &ev);
            while (SDL_PollEvent(&ev)) window_event(r, &ev);
        }
        app_live_update(r->live, r->ui); /* new content from the watcher, if any */
        window_wall_clock(r);
        ks_ui_tick(r->ui, ks_now_ms());
        window_screen_care(r);
        if (ks_ui_needs_frame(r->ui)) window_present(r);
        app_notify_alive(&run_stop); /* systemd's watchdog */
    }
    if (run_stop) ks_log("stopping (signal)");
    app_notify_stopping();
}

/* The window; o->live is made alongside by ls (live_begin, once SDL is up)
 * and set here. */
static int run_window(run_opts *o, live_start *ls, const ks_ui_config *cfg, const ks_script *script) {
    window_run r;
    window_times t;
    int status = 0;
    memset(&r, 0, sizeof r);
    memset(&t, 0, sizeof t);
    r.windowed = o->windowed;
    int opened = window_open(&r, o, &t, ls);
    o->live = r.live = live_end(ls);
    o->t_live = ls->done;
    t.live = ks_now_ms();
    if (opened != 0 || !o->live) {
        if (opened == 0) window_close(&r);
        return 2;
    }
    app_live_wake_sdl(o->live);
    window_first_frame(&r, o, &t, cfg);
    if (o->script) {
        ks_ui_script_host host;
        memset(&host, 0, sizeof host);
        host.ctx = &r;
        host.shot = win_shot;
        host.resize = win_resize;
        host.frame = win_frame;
        if (strcmp(o->script, "-") == 0) status = app_live_interactive(r.live, r.ui, &host, stdin, stdout);
        else status = run_script(r.ui, script, &host, o->script);
    } else {
        window_loop(&r);
        if (r.lost) status = 2;
    }
    ks_ui_destroy(r.ui);
    window_close(&r);
    return status;
}

/* ------------------------------------------------------------ entry */

int cmd_run(int argc, char **argv) {
    run_opts o;
    ks_ui_config cfg;
    ks_script *script = NULL;
    live_start ls;
    int status;
    memset(&o, 0, sizeof o);
    o.t_start = app_process_start_ms(); /* the figure counts the loader's time before main too */
    o.w = 1080;
    o.h = 1920;
    for (int i = 1; i < argc;) {
        const char *v = NULL;
        int r = app_take_path_option(&o.paths, argc, argv, &i);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (app_is_help(argv[i])) {
            help();
            return 0;
        }
        if (!strcmp(argv[i], "--windowed")) {
            o.windowed = 1;
            i++;
            continue;
        }
        if ((r = app_take_value("--size", argc, argv, &i, &v)) != 0) {
            if (r < 0) return 2;
            if (parse_size(v, &o.w, &o.h) != 0)
                return app_usage_error("run", "--size wants WxH, each 200..8192, e.g. 1080x1920 (got '%s')", v);
            o.size_given = 1;
            continue;
        }
        if ((r = app_take_value("--script", argc, argv, &i, &o.script)) != 0) {
            if (r < 0) return 2;
            continue;
        }
        return app_usage_error("run", "unknown option '%s'", argv[i]);
    }
    if (app_paths_defaults(&o.paths) != 0) return 2;
    app_ui_config(&o.paths.cfg, &cfg);
    if (!cfg.speech_enabled) ks_log("speech: no Listen button: [speech] enabled = no");
    if (ks_config_pin_is_default(&o.paths.cfg)) /* issue 15: staff must know */
        ks_log("warning: the staff PIN is still the default (%s): set [staff] pin in the configuration",
               KS_CONFIG_DEFAULT_PIN);
    if (o.script && strcmp(o.script, "-") != 0) {
        char *text = NULL, msg[256];
        size_t len;
        int line = 0;
        if (app_read_text("run", o.script, &text, &len) != 0) return 2;
        script = ks_script_parse(text, &line, msg, sizeof msg);
        free(text);
        if (!script) {
            fprintf(stderr, "%s:%d: %s\n", o.script, line, msg);
            return 1;
        }
    }

    app_stop_init(&run_stop); /* SIGTERM wakes the sleeping loop at once */
    app_notify_init();

    /* The content, watched from now on; the index is kept up to date by the
     * watcher (its first sync is done before live_end returns). A window
     * has them made alongside its own start-up. */
    if (o.script && !o.windowed) {
        live_begin(&ls, &o.paths, 0);
        o.live = live_end(&ls);
        o.t_live = ls.done;
        status = o.live ? run_headless(&o, &cfg, script) : 2;
    } else {
        memset(&ls, 0, sizeof ls); /* begun by run_window once SDL is up */
        status = run_window(&o, &ls, &cfg, script);
    }

    ks_script_free(script);
    app_stop_end();
    app_live_stop(o.live);
    return status;
}
