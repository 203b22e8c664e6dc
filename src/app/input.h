/* input: the kiosk's input driver. SDL events in, the ui's plain pointer,
 * wheel and key calls out (LVGL's lv_indev is the model): the ui never sees
 * an SDL_Event, so headless runs, scripts and tests drive it through the
 * very functions a finger does.
 *
 * Coordinates arrive already mapped to the logical screen
 * (app_output_map_event in output.c turns them for a rotated screen); this
 * driver only chooses which events become the one pointer. */
#ifndef KIOSK_APP_INPUT_H
#define KIOSK_APP_INPUT_H

#include "kiosk/ui.h"

#include <SDL.h>

/* The driver's state. Owns no memory. */
typedef struct app_input {
    int w, h;            /* the logical screen, px: finger positions are 0..1 of it */
    int finger_down;     /* the pointer is a finger (not the mouse) */
    long long finger_id; /* which finger: others are ignored until it lifts */
} app_input;

/* Start with no finger down, for a logical screen w x h px. */
void app_input_init(app_input *in, int w, int h);
/* The logical screen changed size. */
void app_input_resize(app_input *in, int w, int h);
/* Feed one event to ui at time now (ms): the left mouse button and the
 * first finger become the one pointer (SDL's mouse events synthesised from
 * touches, which == SDL_TOUCH_MOUSEID, are ignored, as are second fingers
 * until the first lifts); the wheel scrolls; Backspace, Delete and text
 * typed on a physical keyboard edit the search text; an exposed window is
 * drawn again. Returns 1 when the ui used the event, 0 when not. Quitting,
 * Escape and size or display changes are the caller's (cmd_run.c). */
int app_input_event(app_input *in, ks_ui *ui, const SDL_Event *ev, double now);

#endif
