/* ui_int: the kiosk's state, shared by ui.c (input, time, navigation),
 * screens.c (laying screens out into display lists) and runner.c. */
#ifndef KIOSK_UI_INT_H
#define KIOSK_UI_INT_H

#include "kiosk/ui.h"

#include "kiosk/doc.h"
#include "kiosk/layout.h"

/* What a hit box does: the tag of a KS_ITEM_LINK. Doc links have tag 0 and
 * target "slug" or "slug#anchor". */
enum {
    TAG_DOC_LINK = 0,
    TAG_BACK,
    TAG_HOME,
    TAG_SEARCH,       /* open the search screen / show the keyboard */
    TAG_TOPIC,        /* target: topic slug */
    TAG_PAGE,         /* target: page slug */
    TAG_SIZE,         /* target: "1", "1.5", "2" */
    TAG_CONTRAST,     /* toggle the high-contrast theme */
    TAG_DID_YOU_MEAN, /* replace the query with the correction */
    TAG_CONTINUE,     /* idle prompt: keep reading */
    TAG_PIN_CANCEL,
    TAG_PIN_OK,
    TAG_PIN_DELETE,
    TAG_TOP,          /* scroll back to the top of the page */
    TAG_NOTHING,      /* swallows taps (a panel over the screen) */
    TAG_MORE,         /* "More below": scroll down most of a screen */
    TAG_STAFF_RESET,  /* staff status: reset the usage counts */
    TAG_STAFF_EXIT,   /* staff status: leave the kiosk */
    TAG_STAFF_BACK,   /* staff status: back to the kiosk */
    TAG_LISTEN,       /* read the page aloud from the first line on screen */
    TAG_LISTEN_PAUSE, /* pause or resume */
    TAG_LISTEN_STOP,
    TAG_LISTEN_SLOWER,/* toggle 120 words a minute */
    TAG_PIN_DIGIT = 100,  /* + digit */
    TAG_KEY = 200,        /* + key index in ui->kb */
    TAG_RESULT = 400      /* + result index */
};

/* The tag ranges never overlap: named tags, then PIN digits, then keys,
 * then results (at most UI_MAX_RESULTS of them). */
#define UI_MAX_RESULTS 100
_Static_assert(TAG_LISTEN_SLOWER < TAG_PIN_DIGIT, "named tags run into the PIN digits");
_Static_assert(TAG_PIN_DIGIT + 10 <= TAG_KEY, "PIN digits run into the keys");
_Static_assert(TAG_KEY + KS_KEYBOARD_MAX_KEYS <= TAG_RESULT, "keys run into the results");

/* The clinic's logo in the renderer's image cache. */
#define UI_LOGO "kiosk:logo"
/* The logo shipped in assets/ when the configuration names none. */
#define UI_DEFAULT_LOGO "logo.svg"

#define UI_QUERY_MAX 96

/* Screen care's state (care.c). */
typedef struct ui_care {
    double last_activity; /* the last touch, or when the night ended */
    int asleep;           /* the screen is black */
    int swallow;          /* the touch that woke it: ignored until it lifts */
    int was_night;        /* the night schedule said "night" at the last tick */
    double wall_min;      /* minute of the day at ui time wall_at */
    double wall_at;       /* < 0: the wall clock is not known (no night) */
    long shift_step;      /* the burn-in shift's minute */
} ui_care;
#define UI_MAX_HL 16

/* The kiosk's state, in named parts. Each part is changed by the files
 * named at it; screen builders read the state (const) and return what they
 * laid out in a ui_geom, which ui.c applies. */

/* The laid-out screen's scroll and whether it must be built or drawn
 * again (ui.c; ui_invalidate). */
typedef struct ui_view {
    int built;              /* 0: lay out again before using the lists */
    int dirty;              /* 1: the next frame differs from the last */
    float scroll;           /* body scroll, px */
    float want_scroll_frac; /* >= 0: restore this fraction after the next build */
    float want_scroll_px;   /* >= 0: scroll here (page px) after the next build */
    char want_anchor[KS_SLUG_MAX]; /* scroll to this anchor after the next build */
    /* A new size keeps the reading position (ks_ui_resize): the page text
     * at src_at (an offset in ks_doc_text) goes back src_off px below the
     * view's top after the next build (src_pending), if the same document
     * is still shown at the same depth. src_at < 0: nothing to keep. While
     * the scroll stays where that put it (src_scroll), the next size keeps
     * the same src_at, so sizes in a row do not drift by a line each. */
    long src_at;
    float src_off, src_scroll;
    const void *src_doc;
    int src_depth, src_pending;
} ui_view;

/* What a build laid out where (the geometry record screen builders return). */
typedef struct ui_geom {
    int body_top, body_bottom; /* the scrolling body, window y */
    int content_h;          /* body height */
    int has_field;          /* the screen has a search field */
    int field_in_body;      /* the field scrolls with the body (Home) */
    int field_x, field_y, field_w, field_h; /* the search field, window px (page px when in body) */
    ks_keyboard kb;         /* the on-screen keyboard laid out (search screen) */
    int kb_top;             /* window y of the keyboard */
    float highlight_px;     /* >= 0: page y to scroll to, to show the first highlight */
    int highlight_seen;     /* the page was laid out with its highlights (to_highlight is done) */
    int prompt_secs_shown;  /* the countdown the idle prompt shows */
    int pin_secs_shown;     /* the countdown the locked PIN pad shows (0: not locked) */
    int bar_top, bar_h;     /* the bottom bar (bar.c) under the body, window y; bar_h 0: none */
} ui_geom;

/* The page being read: the document shown (kept when the store drops the
 * page, so a deleted page stays readable until the patient leaves it). */
typedef struct ui_reader {
    ks_doc *doc;
    char doc_slug[KS_SLUG_MAX];
    char *doc_title;        /* copies, not store pointers */
    char *doc_topic_title;
    char *doc_section;
    char *doc_reviewed;     /* front matter 'reviewed', "YYYY-MM-DD" or "" */
    char *hl[UI_MAX_HL];    /* words to highlight on the page */
    size_t n_hl;
} ui_reader;

/* The search screen. */
typedef struct ui_finder {
    char query[UI_QUERY_MAX];
    ks_search_results *results;
    int kb_visible;
    int kb_layer;           /* 0 letters, 1 digits and symbols */
    int to_highlight;       /* scroll to the first highlight after the next build */
    char empty_pending[UI_QUERY_MAX]; /* a no-result query not yet counted */
} ui_finder;

/* What covers the screen: the idle prompt, the staff PIN pad, the staff
 * status screen (staff.c). */
typedef struct ui_panel {
    int prompting;
    int pin_open;
    char pin[16];
    int pin_wrong;
    int pin_fails;          /* wrong PINs in a row; UI_PIN_TRIES of them lock the pad */
    double pin_locked_until;/* ui time the lockout ends (0: none); the idle reset keeps it */
    int staff_open;         /* the staff status screen is showing (staff.c) */
    int staff_reset_done;   /* its reset button was used */
    float staff_under_scroll; /* the scroll (fraction) of the screen under it */
} ui_panel;

/* The PIN pad: this many wrong PINs in a row lock it for UI_PIN_LOCK_MS. */
#define UI_PIN_TRIES 5
#define UI_PIN_LOCK_MS 60000.0
/* pin.c: the PIN pad and the corner hold's ring. Whether the pad is
 * locked at time now, and the whole seconds of the wait left (0: none). */
int ui_pin_locked(const ks_ui *ui, double now);
int ui_pin_secs_left(const ks_ui *ui, double now);
/* A tap on the pad (a TAG_PIN_* tag). */
void ui_pin_tap(ks_ui *ui, int tag);
/* The hold ring's filled steps at now, or -1 when no ring shows; the time
 * one step takes; the ring into fx (drawn each frame). */
int ui_pin_ring_steps(const ks_ui *ui, double now);
double ui_pin_ring_step_ms(const ks_ui *ui);
void ui_pin_ring_fx(const ks_ui *ui, ks_display_list *fx);

/* Tap hygiene: after a tap that changed the screen (or toggled something
 * in place), a press that begins within this many ms inside the tapped
 * target's box (grown by the tap slop) taps nothing, so a double tap acts
 * once. */
#define UI_TAP_GUARD_MS 400.0

/* The finger (or mouse) as the ui sees it (input.c). */
typedef struct ui_touch {
    ks_gesture g;
    int press_in_body;      /* the press began inside the scrolling body */
    int pressed;            /* a press is showing feedback */
    ks_rect pressed_box;    /* window px */
    double hold_start;      /* when a press began in the staff corner, or < 0 */
    float hold_x, hold_y;   /* where that press began (window px): the ring's place */
    int ring_shown;         /* the hold ring's filled steps last drawn (-1 none) */
    double guard_until;     /* taps in guard_box are ignored until then (ui time) */
    ks_rect guard_box;      /* window px as drawn (burn-in shift included) */
    int down_guarded;       /* this press began in the guard: it taps nothing */
    unsigned screen_gen;    /* counts screen changes (ui_announce) */
} ui_touch;

/* Text size and colours as a patient chose them. */
typedef struct ui_look {
    double scale;           /* text scale: 1, 1.5, 2 */
    int high_contrast;
    const ks_theme *theme;
} ui_look;

struct ks_ui {
    ks_ui_config cfg;
    ks_ui_hooks hooks;
    ks_store_view content;  /* borrowed pages and topics */
    ks_search *search;      /* borrowed, may be NULL */
    ks_render *rd;          /* borrowed */
    const ks_font_metrics *fm;
    int w, h;
    double now;             /* last time seen */
    int quit;               /* staff asked to leave */

    ks_nav nav;             /* navigation */
    ks_idle idle;
    ui_look look;
    ui_view view;
    ui_geom geom;
    ui_reader page;
    ui_finder find;
    ui_panel panel;
    ui_touch touch;
    ui_care care;           /* screen off, night, burn-in shift (care.c) */
    struct ui_listen *listen; /* read aloud (listen.c); NULL when unavailable */

    /* The current screen, laid out once: chrome is fixed to the window,
     * body scrolls inside [body_top, body_bottom), over sits on top
     * (keyboard, prompt, PIN pad), fx is redrawn each frame (scroll bar,
     * More, Listen, press feedback). All in window pixels except body,
     * which is in page pixels (y + body_top - scroll on screen). */
    ks_display_list *chrome, *body, *over, *fx;

    int logo_w, logo_h;     /* the clinic's logo (image UI_LOGO), 0 0: none */
    char name[KS_SLUG_MAX + 16];
};

/* What must be done again after a change (ui_invalidate's what, or-ed). */
enum {
    UI_REDRAW = 0,      /* only draw the next frame */
    UI_REBUILD = 1,     /* lay the screen out again */
    UI_KEEP_PLACE = 2,  /* lay out again at the same reading position (a fraction
                           of the page), unless a scroll target is already set */
    UI_TO_TOP = 4,      /* lay out again, starting at the top */
    UI_ANNOUNCE = 8     /* the screen changed: tell the screen_changed hook */
};
/* ui.c: mark what changed. Every change of screen or layout goes through
 * here. */
void ui_invalidate(ks_ui *ui, int what);

/* Content access (ui.c). */
size_t ui_page_count(const ks_ui *ui);
const ks_page *ui_page(const ks_ui *ui, size_t i);
const ks_page *ui_find(const ks_ui *ui, const char *slug);
size_t ui_topic_count(const ks_ui *ui);
const ks_topic *ui_topic(const ks_ui *ui, size_t i);
const ks_topic *ui_find_topic(const ks_ui *ui, const char *slug);
/* Home's common questions (none when the view has no home.txt). */
size_t ui_home_count(const ks_ui *ui);
const ks_home_question *ui_home_question(const ks_ui *ui, size_t i);

/* What a screen builder makes: the display lists it fills (cleared first)
 * and the geometry record. The builder reads the state and writes only
 * here; ui.c applies the geometry. */
typedef struct ui_frame {
    ks_display_list *chrome, *body, *over;
    ui_geom geom;           /* starts as the last build's; highlight_px -1 */
} ui_frame;

/* screens.c: lay out the current screen into f (the Topic and Page
 * screens are in screen_topic.c). */
void ui_build(const ks_ui *ui, ui_frame *f);
/* overlays.c: the scroll indicator, More, Listen and press feedback into
 * fx (drawn each frame: they follow the scroll). */
void ui_build_fx(const ks_ui *ui, ks_display_list *fx);
/* screen_topic.c: the document the current screen shows, or NULL: a
 * page's, or a topic's overview (its index.md) on the Topic screen. Read
 * aloud reads this. */
const ks_doc *ui_screen_doc(const ks_ui *ui);
/* screens.c: patient-facing label of a standard section, or NULL. */
const char *ui_section_label(const char *section);

/* staff.c: the staff status screen, over the kiosk like the PIN pad. */
void ui_staff_open(ks_ui *ui);
void ui_staff_close(ks_ui *ui);
void ui_staff_tap(ks_ui *ui, int tag);
/* In place of the screen under it: header and bottom bar into chrome, the
 * status into body (it scrolls); fills f->geom. */
void ui_build_staff(const ks_ui *ui, ui_frame *f);

/* bar.c: the bottom bar, a place of its own under the scrolling body for
 * where the reader is (a track), "More" (or "End of ...") and the
 * read-aloud buttons, so nothing floats over text. ui_bar_reserve (after a
 * screen's builder) takes its height off the body's bottom; it depends on
 * the screen, never on the scroll or on what is playing, so the body never
 * jumps. ui_bar_build_fx lays its contents into fx each frame. */
void ui_bar_reserve(const ks_ui *ui, ui_frame *f);
void ui_bar_build_fx(const ks_ui *ui, ks_display_list *fx);

/* listen.c: read aloud. Every function is safe when speech is unavailable
 * (ui->listen NULL): the button is simply not there. */
void ui_listen_create(ks_ui *ui);
void ui_listen_destroy(ks_ui *ui);
/* Stop at once (leaving the page, the idle prompt, new content). */
void ui_listen_stop(ks_ui *ui);
/* The idle reset: stop and forget the settings (Slower). */
void ui_listen_reset(ks_ui *ui);
void ui_listen_tap(ks_ui *ui, int tag);
/* Follow playback: the sentence being read, the scroll, the end. */
void ui_listen_tick(ks_ui *ui, double now);
/* ms until ui_listen_tick has something to do, or -1. */
int ui_listen_timeout_ms(const ks_ui *ui, double now);
/* listen_fx.c: the width the widest state of the read-aloud buttons takes
 * (labels at size px, buttons h tall, gap apart); 0 when this screen has
 * none (only a page with speech available has them). */
int ui_listen_bar_w(const ks_ui *ui, int size, int gap, int h);
/* The buttons into fx from (x, y), each h tall, labels at size px. */
void ui_listen_build_fx(const ks_ui *ui, ks_display_list *fx, ks_rect row, int size);
/* A button of the bar (listen_fx.c): its label, what it does, whether it is
 * lit (the accent). */
typedef struct ui_fx_btn {
    const char *label;
    int tag;
    int on;
} ui_fx_btn;
/* The button, label at size px, at.h tall from (at.x, at.y). Returns its
 * width; fx NULL only measures. */
int ui_fx_button(const ks_ui *ui, ks_display_list *fx, ks_rect at, int size, ui_fx_btn b);
/* Mark the sentence being read over the body, drawn as the body is. */
int ui_listen_draw(ks_ui *ui, int dx, int dy, const ks_rect *view);
/* The read-aloud state and the Slower toggle: 0, or -1 when speech is
 * unavailable (no button). */
int ui_listen_status(const ks_ui *ui, ks_listen_state *state, int *slower);
/* Whether speech is playing (it counts as use: the idle timer waits). */
int ui_listen_playing(const ks_ui *ui);

/* ui.c: the state's lifetime and the frame. */
int ui_view_h(const ks_ui *ui);
void ui_set_theme(ks_ui *ui);       /* from look.high_contrast */
void ui_clear_doc(ks_ui *ui);       /* forget the page being read */
void ui_clear_hl(ks_ui *ui);        /* forget the words to highlight */
float ui_max_scroll(const ks_ui *ui);
float ui_scroll_frac(const ks_ui *ui); /* the scroll as a fraction of the content */
/* Lay the screen out if it must be (ui_build) and apply its geometry:
 * the body's edges, the field and keyboard, the scroll wanted. */
void ui_ensure_built(ks_ui *ui);

/* navigate.c: moving between screens. */
void ui_open_page(ks_ui *ui, const char *target, char **hl, size_t n_hl); /* "slug", "slug#anchor", "#anchor" */
void ui_open_screen(ks_ui *ui, ks_screen screen, const char *slug);
void ui_open_result(ks_ui *ui, size_t i); /* search result i, its words highlighted */
void ui_go_back(ks_ui *ui);
void ui_go_home(ks_ui *ui);
void ui_run_search(ks_ui *ui);            /* for find.query, on every keystroke */
/* Make the document for slug current: 0 or KS_ERR_NOT_FOUND. */
int ui_load_doc(ks_ui *ui, const char *slug);
/* Make the document screen e shows current (a page's; a topic's overview). */
void ui_load_screen_doc(ks_ui *ui, const ks_nav_entry *e);
/* The search text left behind found nothing: count it once. */
void ui_flush_empty_search(ks_ui *ui);
/* Whether the kiosk is as a new patient finds it (no prompt needed). */
int ui_untouched(ks_ui *ui);

/* pointer.c: scroll the body by dy px (content moves down for dy > 0),
 * within its ends; a fling stops at an end. */
void ui_apply_scroll(ks_ui *ui, float dy);
/* screens.c: load the clinic's logo into the renderer (cfg.logo, else the
 * default; a logo that cannot be read is logged and the default shown). */
void ui_load_logo(ks_ui *ui);
/* ui.c: forget everything a patient did and show Home (the idle reset). */
void ui_reset_all(ks_ui *ui);
/* ui.c: tell the screen_changed hook. */
void ui_announce(ks_ui *ui);

/* care.c: screen care. */
void ui_care_init(ks_ui *ui, double now);
/* A pointer event at now: 1 when care swallows it (the screen was off, or
 * this is the rest of the touch that woke it). */
int ui_care_pointer(ks_ui *ui, ks_pointer_kind kind, double now);
/* Sleep, wake at the night's end, move the burn-in shift. 1 when asleep
 * (the idle timer and the rest of the tick have nothing to do). */
int ui_care_tick(ks_ui *ui, double now);
/* ms until ui_care_tick has something to do, or -1. */
double ui_care_due_in(const ks_ui *ui, double now);
/* Draw black when asleep: 1 when it did (nothing else is drawn). */
int ui_care_draw(ks_ui *ui);

#endif
