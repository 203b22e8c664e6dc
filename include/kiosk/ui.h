/* ui: what a patient touches. Screens (home, topic, page, search, the idle
 * prompt), gesture recognition, the on-screen keyboard, the navigation stack,
 * the idle reset, and scripted runs.
 *
 * The parts are layered so that each can be tested without a window:
 *
 *   ks_gesture   one pointer (finger or mouse) in, tap / scroll out; fling
 *                inertia integrated exactly, whatever the frame rate.
 *   ks_keyboard  the on-screen keyboard as key boxes for a width and a text
 *                scale; hit-testing and editing a query.
 *   ks_nav       the navigation stack (screen + slug + scroll position).
 *   ks_idle      the idle timer: prompt, then reset.
 *   ks_script    the `--script` language, parsed into commands.
 *   ks_ui        the kiosk itself: screens laid out into the render module's
 *                display list, hit-tested against the same boxes, drawn.
 *
 * Time is always passed in (milliseconds on any monotonic clock): nothing here
 * reads the clock, so scripted runs can advance a virtual one.
 *
 * Depends on layout, render (SDL), search and store. Never on cmark or SQLite.
 */
#ifndef KIOSK_UI_H
#define KIOSK_UI_H

#include <stddef.h>

#include "kiosk/render.h" /* ks_render, the display list, SDL_Event */
#include "kiosk/search.h"
#include "kiosk/store.h"

/* ================================================================ gestures */

typedef enum ks_gesture_kind {
    KS_GESTURE_NONE = 0,
    KS_GESTURE_PRESS,  /* a finger went down at (x, y): show press feedback */
    KS_GESTURE_TAP,    /* lifted within the tap tolerance: activate (x, y) */
    KS_GESTURE_SCROLL  /* content moves by (dx, dy): drag or fling; the
                          press (if any) became a scroll and will not tap */
} ks_gesture_kind;

typedef struct ks_gesture_event {
    ks_gesture_kind kind;
    float x, y;   /* where (PRESS, TAP): the down position */
    float dx, dy; /* how far the content moves (SCROLL): finger motion */
} ks_gesture_event;

typedef struct ks_gesture_params {
    float slop;        /* px a finger may move and still tap (default 24) */
    float fling_min;   /* px/ms release speed that starts a fling (0.25) */
    float fling_stop;  /* px/ms below which a fling stops (0.02) */
    float friction;    /* fraction of speed kept per ms of flight (0.997) */
    float fling_max;   /* px/ms cap on fling speed (8) */
} ks_gesture_params;

/* One pointer's state. Transparent so it can live inside other structs;
 * change it only through the functions below. Owns no memory. */
typedef struct ks_gesture {
    ks_gesture_params p;
    int down;            /* a pointer is down */
    int dragging;        /* it has moved past the slop: no tap on release */
    int caught;          /* it went down on a moving fling: no tap on release */
    float x0, y0;        /* down position */
    float lx, ly;        /* last position */
    double t_last;       /* time of the last sample */
    float vx, vy;        /* velocity estimate, px/ms (smoothed) */
    int flinging;        /* inertia running after release */
    double t_fling;      /* time of the last fling step */
} ks_gesture;

/* Default parameters (see the field comments). */
ks_gesture_params ks_gesture_defaults(void);
/* Reset g to no pointer, no fling. p may be NULL for the defaults. */
void ks_gesture_init(ks_gesture *g, const ks_gesture_params *p);
/* Feed the pointer. Each returns the event it produced (NONE, PRESS, SCROLL,
 * TAP). A down while a pointer is already down is ignored; a move or
 * up without a down is ignored. Down on a running fling stops it and the
 * press is "caught": lifting it does not tap. */
ks_gesture_event ks_gesture_down(ks_gesture *g, float x, float y, double t);
ks_gesture_event ks_gesture_move(ks_gesture *g, float x, float y, double t);
ks_gesture_event ks_gesture_up(ks_gesture *g, float x, float y, double t);
/* Advance a fling to time t: returns a SCROLL by the distance travelled since
 * the previous step (exact for any step size), or NONE when nothing moves. */
ks_gesture_event ks_gesture_step(ks_gesture *g, double t);
/* Whether an animation (fling) is running: the caller keeps drawing frames. */
int ks_gesture_animating(const ks_gesture *g);
/* Stop any fling (for example when the content reached its end). */
void ks_gesture_stop(ks_gesture *g);

/* ================================================================ keyboard */

typedef enum ks_key_kind {
    KS_KEY_CHAR = 0,  /* types ch */
    KS_KEY_SPACE,
    KS_KEY_BACKSPACE,
    KS_KEY_CLEAR,
    KS_KEY_HIDE,
    KS_KEY_LAYER      /* switches letters <-> digits and symbols ("123" / "ABC") */
} ks_key_kind;

typedef struct ks_key {
    ks_key_kind kind;
    char ch;           /* what KS_KEY_CHAR types ('a'..'z', '0'..'9', a symbol), else 0 */
    const char *label; /* what the key shows (static storage) */
    int x, y, w, h;    /* its box, relative to the keyboard's top-left */
} ks_key;

#define KS_KEYBOARD_MAX_KEYS 40
/* Smallest key side at text scale 1 (px); keys grow with the scale. */
#define KS_KEY_MIN 64

/* The keyboard laid out for a width: phone-like rows q..p, a..l, z..m with
 * backspace, then Clear, a wide space and Hide. Transparent value. */
typedef struct ks_keyboard {
    ks_key keys[KS_KEYBOARD_MAX_KEYS];
    int n_keys;
    int layer;         /* 0 letters, 1 digits and symbols */
    int width, height; /* the whole keyboard's box */
} ks_keyboard;

/* Lay out keys for an area width px wide at text scale (1.0, 1.5, 2.0),
 * using at most max_height px (0: no limit). Keys are 84 * scale px tall when
 * the height allows, never less than KS_KEY_MIN, and as wide as the width
 * allows up to 150 * scale (at least KS_KEY_MIN for widths >= 800); the rows
 * are centred. */
void ks_keyboard_layout(ks_keyboard *kb, int width, int max_height, float scale);
/* The same for a layer: 0 the letters (with a "123" key), 1 digits and
 * symbols (1..0, - / : ; ( ) & @ ", . , ? ! ' % + and Delete, with an "ABC"
 * key back), the same key sizes and bottom row. */
void ks_keyboard_layout_layer(ks_keyboard *kb, int width, int max_height, float scale, int layer);
/* The key under (x, y) relative to the keyboard, or -1. Gaps between keys
 * belong to the nearest key in the row so a slightly missed tap still types. */
int ks_keyboard_hit(const ks_keyboard *kb, int x, int y);
/* The key that types c (a letter in either case, a digit or symbol of the
 * layer shown, or ' '), or -1. */
int ks_keyboard_find(const ks_keyboard *kb, char c);
/* Apply key k to the query text: letters and space append (up to cap-1
 * bytes, no leading or double spaces), backspace removes the last UTF-8
 * character, clear empties it. Returns 1 when text changed, 0 otherwise
 * (HIDE never changes text). */
int ks_keyboard_apply(const ks_key *k, char *text, size_t cap);

/* ================================================================ navigation */

typedef enum ks_screen {
    KS_SCREEN_HOME = 0,
    KS_SCREEN_TOPIC,   /* slug: the topic */
    KS_SCREEN_PAGE,    /* slug: the page */
    KS_SCREEN_SEARCH
} ks_screen;

#define KS_NAV_DEPTH 32
#define KS_SLUG_MAX (KS_STORE_MAX_SLUG + 1) /* every slug the store accepts, and its NUL */

typedef struct ks_nav_entry {
    ks_screen screen;
    char slug[KS_SLUG_MAX]; /* topic or page slug; "" for home and search */
    float scroll;           /* where it was scrolled to when left, as a fraction
                               of the content's height (survives a relayout) */
} ks_nav_entry;

/* The history: entries[0] is always home. Transparent value. */
typedef struct ks_nav {
    ks_nav_entry entries[KS_NAV_DEPTH];
    int depth; /* entries in use, >= 1 */
} ks_nav;

/* Start at home with no history. */
void ks_nav_reset(ks_nav *n);
/* The current entry (never NULL). */
ks_nav_entry *ks_nav_top(ks_nav *n);
/* Open a screen on top of the current one. Opening the same screen and slug
 * as the current one does nothing; opening home empties the history. When
 * the stack is full the oldest entry after home is dropped. */
void ks_nav_push(ks_nav *n, ks_screen screen, const char *slug);
/* Go back one step; at home, stays at home. Returns 1 when it moved. */
int ks_nav_back(ks_nav *n);
/* The screen's name as scripts use it: "home", "topic:SLUG", "page:SLUG",
 * "search". Writes at most cap bytes into out; returns out. */
char *ks_nav_name(const ks_nav_entry *e, char *out, size_t cap);

/* ================================================================ idle */

typedef enum ks_idle_action {
    KS_IDLE_NONE = 0,
    KS_IDLE_PROMPT, /* show "Are you still reading?" now */
    KS_IDLE_RESET   /* the prompt timed out: forget everything, go home */
} ks_idle_action;

/* Minimum time the prompt stays up (WCAG 2.2.1 asks for at least 20 s). */
#define KS_IDLE_PROMPT_MIN_MS 20000.0

typedef struct ks_idle {
    double timeout_ms;  /* time without a touch before the prompt; 0 disables */
    double prompt_ms;   /* how long the prompt stays before the reset */
    double last_touch;  /* time of the last touch */
    int prompting;      /* the prompt is showing */
    double prompt_at;   /* when it appeared */
} ks_idle;

/* timeout_s: seconds without a touch (0 disables); prompt_s: seconds the
 * prompt stays (raised to 20 when lower). now: the current time. */
void ks_idle_init(ks_idle *d, double timeout_s, double prompt_s, double now);
/* A touch at time now: restarts the wait and hides the prompt. */
void ks_idle_touch(ks_idle *d, double now);
/* What to do at time now. Returns KS_IDLE_PROMPT once when the wait ends,
 * KS_IDLE_RESET once when the prompt has been up prompt_ms (after which the
 * timer restarts as if touched). */
ks_idle_action ks_idle_check(ks_idle *d, double now);
/* Milliseconds from now until ks_idle_check may return something, or -1
 * when nothing is pending (disabled). For SDL_WaitEventTimeout. */
double ks_idle_due_in(const ks_idle *d, double now);

/* ================================================================ scripts */

typedef enum ks_script_op {
    KS_SCRIPT_TAP = 0,  /* a[0] a[1]: x y */
    KS_SCRIPT_DRAG,     /* a[0..3]: x1 y1 x2 y2, a[4]: ms */
    KS_SCRIPT_TYPE,     /* text */
    KS_SCRIPT_WAIT,     /* a[0]: ms */
    KS_SCRIPT_IDLE,     /* a[0]: seconds */
    KS_SCRIPT_SHOT,     /* text: the PNG path */
    KS_SCRIPT_EXPECT,   /* text: the screen name */
    KS_SCRIPT_RESIZE,   /* a[0] a[1]: new width and height */
    KS_SCRIPT_CLOCK,    /* text: "HH:MM", the wall clock from now on (night schedule) */
    KS_SCRIPT_QUIT
} ks_script_op;

typedef struct ks_script_cmd {
    ks_script_op op;
    double a[5];  /* numeric arguments */
    char *text;   /* TYPE, SHOT, EXPECT: owned by the script; else NULL */
    int line;     /* 1-based line in the file */
} ks_script_cmd;

typedef struct ks_script ks_script;

/* Parse a script: one command per line (see README "The touch kiosk");
 * blank lines and lines starting with '#' are skipped. Returns NULL on a
 * malformed line, with *err_line set to its number and err (cap bytes)
 * saying what is wrong. The caller frees the result with ks_script_free. */
ks_script *ks_script_parse(const char *text, int *err_line, char *err, size_t cap);
void ks_script_free(ks_script *s);
size_t ks_script_count(const ks_script *s);
/* Command i, valid until ks_script_free. */
const ks_script_cmd *ks_script_cmd_at(const ks_script *s, size_t i);

/* ================================================================ the kiosk */

/* The ui's settings (the app fills them from the configuration file,
 * include/kiosk/config.h). */
typedef struct ks_ui_config {
    double idle_seconds;       /* no touch this long: "Are you still reading?" (90; 0 off) */
    double prompt_seconds;     /* the prompt stays this long, then reset (30; >= 20) */
    double staff_hold_seconds; /* hold the top-left corner this long for staff exit (5) */
    char staff_pin[16];        /* digits staff type after the hold ("2580") */
    char title[128];           /* the kiosk's title on Home ("Clinic information") */
    double screen_off_minutes; /* no touch this long: the screen goes black (30; 0 never) */
    int night_from, night_to;  /* minutes of the day the screen is off at night, e.g.
                                  1200 and 420 for 20:00-07:00 (-1 -1: no night) */
    char logo[1024];           /* the clinic's logo, PNG or SVG ("": assets/logo.svg) */
    /* Read aloud (src/ui/listen.c): a Listen button on every page. Off in
     * the defaults (so `kiosk render` and tests without sound draw no
     * button); the app turns it on from [speech] enabled. When the audio
     * device or espeak-ng cannot be opened the button is not shown and the
     * log says why. */
    int speech_enabled;
    char speech_voice[64];     /* espeak-ng voice ("en-us") */
    int speech_rate;           /* words per minute (150); "Slower" reads at 120 */
    int speech_volume;         /* percent of espeak-ng's normal loudness (100) */
} ks_ui_config;

/* The defaults above. */
void ks_ui_config_defaults(ks_ui_config *c);

/* Things the app may want to count or know (any callback may be NULL). */
typedef struct ks_ui_hooks {
    void *ctx;
    /* A page was opened (by a tile, a link, a result, Next/Previous). */
    void (*page_view)(void *ctx, const char *slug);
    /* A search found nothing; called once for the text a patient left on the
     * screen (not for every letter typed on the way). */
    void (*empty_search)(void *ctx, const char *text);
    /* The screen changed (name as ks_ui_screen_name); for logs. */
    void (*screen_changed)(void *ctx, const char *name);
    /* The staff status screen (src/ui/staff.c). When set, the staff gesture
     * and PIN open a status screen (screen name "staff") showing this text
     * (plain lines; lines starting with a space are details), with buttons
     * to reset the usage counts (staff_reset), leave the kiosk, or go back.
     * Returns a new string the ui frees. NULL: the PIN exits at once. */
    char *(*staff_status)(void *ctx);
    void (*staff_reset)(void *ctx);
} ks_ui_hooks;

/* Where the pages and topics come from: a store snapshot, or the content
 * watcher's merged snapshot (which keeps last good versions). A value type
 * of borrowed function pointers and a context; ctx must stay valid while
 * the ks_ui uses it (until the next ks_ui_set_content). Pages and topics are
 * in the store's order (see ks_store_page_count). */
typedef struct ks_ui_content {
    const void *ctx;
    size_t (*page_count)(const void *ctx);
    const ks_page *(*page)(const void *ctx, size_t i);
    const ks_page *(*find)(const void *ctx, const char *slug);
    size_t (*topic_count)(const void *ctx);
    const ks_topic *(*topic)(const void *ctx, size_t i);
    const ks_topic *(*find_topic)(const void *ctx, const char *slug);
} ks_ui_content;

/* The content of a store snapshot (borrowed). */
ks_ui_content ks_ui_content_of_store(const ks_store *store);

typedef struct ks_ui ks_ui;

/* A kiosk drawing on rd (w x h px) with the pages of content, searching
 * with search (may be NULL: no results). rd, search and what content points
 * to are borrowed and must outlive the ks_ui or be replaced first
 * (ks_ui_set_content, ks_ui_set_render). now is the current time in ms. The
 * caller frees it with ks_ui_destroy(). */
ks_ui *ks_ui_create(const ks_ui_config *cfg, const ks_ui_content *content, ks_search *search,
                    ks_render *rd, int w, int h, double now);
void ks_ui_destroy(ks_ui *ui);

/* Read aloud, as a test or benchmark sees it. */
typedef enum ks_listen_state { KS_LISTEN_OFF = 0, KS_LISTEN_PLAYING, KS_LISTEN_PAUSED } ks_listen_state;
typedef struct ks_ui_listen_info {
    int available;         /* the Listen button can be shown (speech on, audio and espeak-ng opened) */
    ks_listen_state state;
    int slower;            /* the "Slower" toggle is on */
    size_t sentence;       /* the sentence being read (an index into the page's sentences) */
    size_t sentences;      /* sentences on the page */
    const char *text;      /* the sentence being read (NULL when off); valid until the next call into ui */
    double pos_ms;         /* how far playback is, in ms of speech */
    double made_ms;        /* how much speech has been synthesised and queued */
    int made_all;          /* the last sentence has been synthesised */
    double first_audio_ms; /* ms from the Listen tap to the first samples queued (-1: none yet) */
    ks_rect box;           /* the sentence's first line, in window pixels ({0} when off) */
} ks_ui_listen_info;
/* Fill info. Returns 0. */
int ks_ui_listen_info_get(const ks_ui *ui, ks_ui_listen_info *info);
/* Where a finger should tap a read-aloud button: which is "listen",
 * "pause" (also Resume), "stop" or "slower". Returns 0, or KS_ERR_NOT_FOUND
 * when that button is not on screen. */
int ks_ui_listen_point(ks_ui *ui, const char *which, int *x, int *y);
void ks_ui_set_hooks(ks_ui *ui, const ks_ui_hooks *hooks);

/* New content (a new snapshot; the old one may be freed once this returns:
 * nothing keeps pointers into it). Every screen is laid out again; the page
 * being read refreshes in place at the same scroll position, and a page
 * that was deleted stays readable until the patient leaves it. */
void ks_ui_set_content(ks_ui *ui, const ks_ui_content *content);
/* Search with search from now on (borrowed as in ks_ui_create; NULL: no
 * results). The old handle may be closed once this returns. When there was
 * none before, the text on the search screen is searched again. */
void ks_ui_set_search(ks_ui *ui, ks_search *search);
/* The window or surface changed size: lay everything out again. */
void ks_ui_resize(ks_ui *ui, int w, int h);
/* Draw on another renderer from now on (a headless surface re-created at a
 * new size); rd is borrowed. */
void ks_ui_set_render(ks_ui *ui, ks_render *rd, int w, int h);
/* Text scale (1.0, 1.5, 2.0) and theme ("default", "high-contrast"), as the
 * Home controls set them; for `kiosk render --text-scale --theme`. Returns
 * 0 or KS_ERR_INVALID for an unknown theme or a scale outside 1..2. */
int ks_ui_set_look(ks_ui *ui, double text_scale, const char *theme);

typedef enum ks_pointer_kind { KS_POINTER_DOWN = 0, KS_POINTER_MOVE, KS_POINTER_UP } ks_pointer_kind;
/* The one pointer (finger or mouse) at window pixel (x, y) at time now. */
void ks_ui_pointer(ks_ui *ui, ks_pointer_kind kind, float x, float y, double now);
/* Feed an SDL event: finger and mouse events become the one pointer
 * (mouse events SDL synthesises from touches, which == SDL_TOUCH_MOUSEID,
 * are ignored, as are second fingers); window size changes relayout.
 * Returns 1 when the event was used. Keys, quit and window-close are not
 * handled here (the app decides what kiosk mode ignores). */
int ks_ui_handle_event(ks_ui *ui, const SDL_Event *ev, double now);
/* Advance animations (fling), the idle timer and the staff hold to now. */
void ks_ui_tick(ks_ui *ui, double now);
/* Whether the next ks_ui_draw would differ from the last one. */
int ks_ui_needs_frame(const ks_ui *ui);
/* How long the caller may sleep before calling ks_ui_tick again: 0..n ms,
 * or -1 when nothing is pending (wait for an event). */
int ks_ui_timeout_ms(const ks_ui *ui, double now);
/* Draw the current frame on the renderer (the caller presents it). Returns
 * 0 or a negative KS_ERR_*. */
int ks_ui_draw(ks_ui *ui);

/* The current screen as scripts name it: "home", "topic:SLUG", "page:SLUG",
 * "search", "idle-prompt", "staff-pin". Valid until the next call into ui. */
const char *ks_ui_screen_name(const ks_ui *ui);
/* Go straight to a screen: "home", "topic:SLUG", "page:SLUG" or
 * "search:QUERY" (for `kiosk render`). Returns 0 or KS_ERR_NOT_FOUND. */
int ks_ui_open(ks_ui *ui, const char *spec, double now);
/* Window point at the centre of the on-screen key that types c, when the
 * keyboard is showing; returns 0, or -1 (no keyboard, or no such key). */
int ks_ui_key_point(ks_ui *ui, char c, int *x, int *y);
/* Window point at the centre of the search field, if the screen has one
 * (0), else -1. */
int ks_ui_search_field_point(ks_ui *ui, int *x, int *y);
/* Staff completed the exit gesture and PIN: the app should end cleanly. */
int ks_ui_quit_requested(const ks_ui *ui);

/* ================================================================ screen care (care.c) */

/* Screen care: after cfg.screen_off_minutes without a touch (and at night,
 * from cfg.night_from to cfg.night_to, once the kiosk would reset anyway:
 * idle_seconds + prompt_seconds, or 2 minutes) the kiosk forgets what was
 * read, goes to Home and draws nothing but black; its screen name is then
 * "screen-off". The touch that wakes it only wakes it (nothing under the
 * finger acts) and shows Home. When the night ends the screen comes on by
 * itself. On Home the page moves by at most 0.75 % of the screen each way
 * (1.5 % in all) once a minute, against burn-in. */

/* Whether the screen is off (the app may let the display power down). */
int ks_ui_screen_off(const ks_ui *ui);
/* The wall clock: minute_of_day (0..1439.x, local time) at ui time now. The
 * night schedule needs it; until it is set there is no night. Call it now
 * and then (daylight saving time). */
void ks_ui_set_wall_clock(ks_ui *ui, double minute_of_day, double now);
/* The burn-in shift being drawn now, px (0 0 off Home). */
void ks_ui_shift(const ks_ui *ui, int *dx, int *dy);

/* ================================================================ rotation */

/* A screen mounted sideways: the kiosk is laid out for the logical size and
 * drawn turned by rotate degrees clockwise (0, 90, 180, 270) on a
 * win_w x win_h output. The logical size for an output. */
void ks_ui_rotated_size(int rotate, int win_w, int win_h, int *lw, int *lh);
/* Output point (x, y) -> the logical point drawn there. */
void ks_ui_rotate_point(int rotate, int win_w, int win_h, float x, float y, float *lx, float *ly);

/* ================================================================ script runs */

/* What a script run needs from the program that draws (headless or a
 * window). Callbacks may be NULL (then shot and resize fail). */
typedef struct ks_ui_script_host {
    void *ctx;
    /* Draw the current frame and save it as a PNG at path: 0 or < 0. */
    int (*shot)(void *ctx, ks_ui *ui, const char *path);
    /* Make the drawing target w x h and tell ui (ks_ui_resize or
     * ks_ui_set_render): 0 or < 0. */
    int (*resize)(void *ctx, ks_ui *ui, int w, int h);
    /* Called after each command and each 16 ms of a wait: a window presents
     * a frame and handles its events here. */
    void (*frame)(void *ctx, ks_ui *ui);
} ks_ui_script_host;

/* Run script s on ui with a virtual clock starting at *clock (ms; advanced
 * by taps, drags, waits and idles). Returns 0 when every command ran (or
 * `quit` was reached), or 1 with *line and err (cap bytes) naming the first
 * command that failed (an `expect` that did not match, a `type` with no
 * keyboard, a shot that could not be saved). */
int ks_ui_run_script(ks_ui *ui, const ks_script *s, const ks_ui_script_host *host,
                     double *clock, int *line, char *err, size_t cap);

/* ================================================================ one screen to PNG */

typedef struct ks_ui_shot_options {
    int w, h;               /* surface size (0: 1080 x 1920) */
    double text_scale;      /* 1.0 .. 2.0 (0: 1.0) */
    const char *theme;      /* "default" or "high-contrast" (NULL: default) */
    const char *content_dir;/* images are looked up here (may be NULL) */
    const struct ks_ui_config *config; /* the kiosk's settings: title, logo (NULL: the defaults) */
} ks_ui_shot_options;

/* Draw one screen headlessly and save it as a PNG at png: spec is "home",
 * "topic:SLUG", "page:SLUG", "search", "search:QUERY" or "idle-prompt" (for
 * `kiosk render`). content and search are borrowed (search may be NULL).
 * Returns 0; KS_ERR_NOT_FOUND when spec names no screen or no such topic or
 * page; KS_ERR_INVALID for a bad size, scale or theme; KS_ERR_IO when the
 * fonts are missing or the PNG cannot be written (a message is logged). */
int ks_ui_render_screen(const char *spec, const ks_ui_content *content, ks_search *search,
                        const ks_ui_shot_options *opts, const char *png);

#endif
