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
    TAG_PIN_DIGIT = 100,  /* + digit */
    TAG_KEY = 200,        /* + key index in ui->kb */
    TAG_RESULT = 400      /* + result index */
};

#define UI_QUERY_MAX 96
#define UI_MAX_HL 16

struct ks_ui {
    ks_ui_config cfg;
    ks_ui_hooks hooks;
    ks_ui_content content;  /* borrowed pages and topics */
    ks_search *search;      /* borrowed, may be NULL */
    ks_render *rd;          /* borrowed */
    const ks_font_metrics *fm;
    int w, h;
    double scale;           /* text scale: 1, 1.5, 2 */
    int high_contrast;
    const ks_theme *theme;

    ks_nav nav;
    ks_gesture g;
    ks_idle idle;
    double now;             /* last time seen */

    /* The current screen, laid out once: chrome is fixed to the window,
     * body scrolls inside [body_top, body_bottom), over sits on top
     * (keyboard, prompt, PIN pad). All in window pixels except body, which
     * is in page pixels (y + body_top - scroll on screen). */
    ks_display_list *chrome, *body, *over, *fx;
    int built;              /* 0: lay out again before using the lists */
    int dirty;              /* 1: the next frame differs from the last */
    int body_top, body_bottom;
    int content_h;          /* body height */
    float scroll;           /* body scroll, px */
    float want_scroll_frac; /* >= 0: restore this fraction after the next build */
    float want_scroll_px;   /* >= 0: scroll here (page px) after the next build */
    char want_anchor[KS_SLUG_MAX]; /* scroll to this anchor after the next build */

    /* Page screen: the document shown (kept when the store drops the page,
     * so a deleted page stays readable until the patient leaves it). */
    ks_doc *doc;
    char doc_slug[KS_SLUG_MAX];
    char *doc_title;        /* copies, not store pointers */
    char *doc_topic_title;
    char *doc_section;
    char *doc_reviewed;     /* front matter 'reviewed', "YYYY-MM-DD" or "" */
    char *hl[UI_MAX_HL];    /* words to highlight on the page */
    size_t n_hl;

    /* Search screen. */
    char query[UI_QUERY_MAX];
    ks_search_results *results;
    int kb_visible;
    ks_keyboard kb;
    int kb_top;             /* window y of the keyboard */
    int field_x, field_y, field_w, field_h; /* the search field, window px */
    int has_field;
    int field_in_body;      /* the field scrolls with the body (Home) */
    int to_highlight;       /* scroll to the first highlight after the next build */
    char empty_pending[UI_QUERY_MAX]; /* a no-result query not yet counted */

    /* Idle prompt and staff exit. */
    int prompting;
    int pin_open;
    char pin[16];
    int pin_wrong;
    int quit;
    double hold_start;      /* when a press began in the staff corner, or < 0 */
    int staff_open;         /* the staff status screen is showing (staff.c) */
    int staff_reset_done;   /* its reset button was used */

    /* Touch state. */
    int press_in_body;      /* the press began inside the scrolling body */
    int finger_down;        /* the pointer is a finger (not the mouse) */
    long long finger_id;    /* which finger: others are ignored until it lifts */
    int pressed;            /* a press is showing feedback */
    ks_rect pressed_box;    /* window px */
    int prompt_secs_shown;  /* the countdown the prompt shows */

    char name[KS_SLUG_MAX + 16];
};

/* Content access (ui.c). */
size_t ui_page_count(const ks_ui *ui);
const ks_page *ui_page(const ks_ui *ui, size_t i);
const ks_page *ui_find(const ks_ui *ui, const char *slug);
size_t ui_topic_count(const ks_ui *ui);
const ks_topic *ui_topic(const ks_ui *ui, size_t i);
const ks_topic *ui_find_topic(const ks_ui *ui, const char *slug);

/* screens.c: lay out the current screen into chrome, body and over, and
 * set body_top/bottom and content_h. */
void ui_build(ks_ui *ui);
/* screens.c: the scroll indicator and press feedback into fx. */
void ui_build_fx(ks_ui *ui);
/* screens.c: patient-facing label of a standard section, or NULL. */
const char *ui_section_label(const char *section);

/* staff.c: the staff status screen, over the kiosk like the PIN pad. */
void ui_staff_open(ks_ui *ui);
void ui_staff_close(ks_ui *ui);
void ui_staff_tap(ks_ui *ui, int tag);
void ui_build_staff(ks_ui *ui);

/* ui.c: helpers screens.c uses. */
int ui_view_h(const ks_ui *ui);

#endif
