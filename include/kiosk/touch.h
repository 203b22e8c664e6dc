/* touch: the kiosk's pure logic, without SDL, fonts, SQLite or cmark.
 * What a finger and the clock do, before anything is drawn:
 *
 *   ks_gesture   one pointer (finger or mouse) in, tap / scroll out; fling
 *                inertia integrated exactly, whatever the frame rate.
 *   ks_keyboard  the on-screen keyboard as key boxes for a width and a text
 *                scale; hit-testing and editing a query.
 *   ks_nav       the navigation stack (screen + slug + scroll position).
 *   ks_idle      the idle timer: prompt, then reset.
 *   ks_script    the `--script` language, parsed into commands.
 *
 * The ui module (include/kiosk/ui.h) builds the screens on these. Time is
 * always passed in (milliseconds on any monotonic clock). Depends on base.
 */
#ifndef KIOSK_TOUCH_H
#define KIOSK_TOUCH_H

#include <stddef.h>

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
/* Every slug the store accepts, and its NUL: KS_STORE_MAX_SLUG + 1 (ui.c
 * checks the two agree at compile time; touch does not include the store). */
#define KS_SLUG_MAX 512

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
/* The same, read only. */
const ks_nav_entry *ks_nav_peek(const ks_nav *n);
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

#endif
