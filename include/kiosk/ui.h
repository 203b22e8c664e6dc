/* ui: what a patient touches. Screens (home, topic, page, search, the idle
 * prompt), gesture recognition, the on-screen keyboard, the navigation stack,
 * the idle reset, and scripted runs.
 *
 * The parts are layered so that each can be tested without a window; the
 * pure logic is the touch module (include/kiosk/touch.h, no SDL):
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

#include "kiosk/render.h" /* ks_render, the display list */
#include "kiosk/search.h"
#include "kiosk/store.h"
#include "kiosk/touch.h" /* gestures, keyboard, navigation, idle, scripts */

/* ================================================================ the kiosk */

/* The ui's settings (the app fills them from the configuration file,
 * include/kiosk/config.h). */
typedef struct ks_ui_config {
    double idle_seconds;       /* no touch this long: "Are you still reading?" (90; 0 off) */
    double prompt_seconds;     /* the prompt stays this long, then reset (30; >= 20) */
    double staff_hold_seconds; /* hold the top-left corner this long for staff exit (5) */
    char staff_pin[16];        /* digits staff type after the hold ("2580") */
    int staff_pin_is_default;  /* 1: the staff screen says, in red, that the PIN is
                                  still the shipped default (the app fills it from
                                  ks_config_pin_is_default; 1 in the defaults) */
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
    int speech_later;          /* 1: ks_ui_create leaves read aloud closed until
                                  ks_ui_start_speech (the kiosk's first frame, Home,
                                  does not need espeak-ng or the audio device) */
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
     * and PIN open a status screen (screen name "staff") showing this text,
     * one item a line: "# Section" starts a section, "Label: value" is a
     * row, a line starting with a space is a detail (a problem with its
     * file:line, a count), "! text" a warning in red; with buttons to reset
     * the usage counts (staff_reset), leave the kiosk, or go back.
     * Returns a new string the ui frees. NULL: the PIN exits at once. */
    char *(*staff_status)(void *ctx);
    void (*staff_reset)(void *ctx);
} ks_ui_hooks;

/* Where the pages and topics come from: a ks_store_view (store.h) of a
 * store snapshot or of the content watcher's merged snapshot. */

typedef struct ks_ui ks_ui;

/* A size in pixels. */
typedef struct ks_ui_size {
    int w, h;
} ks_ui_size;

/* A kiosk drawing on rd (size.w x size.h px) with the pages of content,
 * searching with search (may be NULL: no results). rd, search and what
 * content points to are borrowed and must outlive the ks_ui or be replaced
 * first (ks_ui_set_content, ks_ui_set_render). now is the current time in
 * ms. The caller frees it with ks_ui_destroy(). */
ks_ui *ks_ui_create(const ks_ui_config *cfg, const ks_store_view *content, ks_search *search, ks_render *rd,
                    ks_ui_size size, double now);
void ks_ui_destroy(ks_ui *ui);
/* Open read aloud (espeak-ng, the audio device) now, for a ui created with
 * speech_later; nothing when speech is off or already open. Call it once,
 * after the first frame: a failure is logged and not retried. */
void ks_ui_start_speech(ks_ui *ui);

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
void ks_ui_set_content(ks_ui *ui, const ks_store_view *content);
/* Search with search from now on (borrowed as in ks_ui_create; NULL: no
 * results). The old handle may be closed once this returns. When there was
 * none before, the text on the search screen is searched again. */
void ks_ui_set_search(ks_ui *ui, ks_search *search);
/* The window or surface changed size: lay everything out again, keeping
 * the reading position (on a page, the line at the top of the view stays
 * at the top; elsewhere the same share of the screen is scrolled). */
void ks_ui_resize(ks_ui *ui, int w, int h);
/* The first run of a page's own text at the top of the view (the reading
 * position, for the log and tests) into buf; 0, or -1 on a screen without
 * page text in view. */
int ks_ui_top_line(ks_ui *ui, char *buf, size_t n);
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
/* Whether the pointer is down (a press the ui took and that has not lifted):
 * an input driver ignores a second finger while one is. */
int ks_ui_pointer_down(const ks_ui *ui);
/* The mouse wheel (staff with a mouse): notches > 0 scroll up, < 0 down, each
 * three lines, like a drag. A touch for the idle timer. Returns 1 when used,
 * 0 when not (no movement asked, or the screen is off). */
int ks_ui_wheel(ks_ui *ui, float notches, double now);
/* A physical key, as the on-screen keyboard's key kinds: KS_KEY_CHAR types
 * ch, KS_KEY_SPACE, KS_KEY_BACKSPACE, KS_KEY_CLEAR edit the search text and
 * KS_KEY_HIDE hides the on-screen keyboard; only on the search screen with
 * no prompt, PIN pad or staff screen over it (else ignored). A touch for the
 * idle timer. Returns 1 when used. */
int ks_ui_key(ks_ui *ui, ks_key_kind kind, char ch, double now);
/* Text typed on a physical keyboard (UTF-8): each character the on-screen
 * keyboard can type goes in as ks_ui_key would; others are skipped. Returns
 * 1 when any was used. */
int ks_ui_text(ks_ui *ui, const char *utf8, double now);
/* The window was uncovered or its contents lost: draw the next frame. */
void ks_ui_redraw(ks_ui *ui);
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
/* A point in window or logical pixels. */
typedef struct ks_ui_point {
    float x, y;
} ks_ui_point;
/* Output point (x, y) -> the logical point drawn there. */
ks_ui_point ks_ui_rotate_point(int rotate, int win_w, int win_h, float x, float y);

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

/* Where a script run stopped, and why. */
typedef struct ks_ui_script_error {
    int line;       /* the command's line in the script (1-based) */
    char text[512]; /* what went wrong ("" when nothing did) */
} ks_ui_script_error;

/* Run script s on ui with a virtual clock starting at *clock (ms; advanced
 * by taps, drags, waits and idles). Returns 0 when every command ran (or
 * `quit` was reached); else err names the first command that failed and
 * the return says how: KS_ERR_INVALID for what the script asked that did
 * not hold (an `expect` that did not match, a `type` with no keyboard),
 * KS_ERR_IO for what the host could not do (a shot not saved, a resize). */
int ks_ui_run_script(ks_ui *ui, const ks_script *s, const ks_ui_script_host *host, double *clock,
                     ks_ui_script_error *err);

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
int ks_ui_render_screen(const char *spec, const ks_store_view *content, ks_search *search,
                        const ks_ui_shot_options *opts, const char *png);

#endif
