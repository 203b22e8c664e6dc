/* output: the kiosk's window on the real screen (kiosk mode fills the
 * output whatever its size; rotate turns the picture and the touches). */
#ifndef KIOSK_APP_OUTPUT_H
#define KIOSK_APP_OUTPUT_H

#include <SDL.h>

typedef struct app_output {
    SDL_Window *win;      /* borrowed */
    SDL_Renderer *ren;    /* borrowed */
    int kiosk;            /* 1: cover the whole display (not --windowed) */
    int rotate;           /* 0, 90, 180, 270 degrees clockwise */
    int out_w, out_h;     /* the renderer's output, px */
    int win_w, win_h;     /* the window, in SDL's window units (mouse coordinates) */
    int lw, lh;           /* the logical screen the ui lays out for */
    SDL_Texture *frame;   /* rotate != 0: the logical frame, drawn turned */
    int fit_tries;        /* fits in a row that did not stick */
    int screen_w, screen_h; /* X: the root window's size, which SDL 2 does not follow (0: not X) */
} app_output;

/* Start on win/ren (borrowed). In kiosk mode the window is moved and sized
 * to its display's bounds when it is not already (an X server with no
 * window manager ignores "fullscreen"). Returns 0, or -1 when the rotation
 * frame cannot be made (SDL_GetError says why). */
int app_output_init(app_output *o, SDL_Window *win, SDL_Renderer *ren, int kiosk, int rotate);
/* Query the sizes again (after a size or display event); kiosk mode refits
 * the window first. Returns 1 when the logical size changed (lay out
 * again), 0 when not, -1 on failure. */
int app_output_refit(app_output *o);
/* Before drawing a frame: draw into the logical frame. */
void app_output_begin(app_output *o);
/* After drawing: show the frame (turned, if rotating). */
void app_output_present(app_output *o);
/* Map a pointer event (mouse or finger) in place from window coordinates
 * to the logical screen's. Other events are left alone. */
void app_output_map_event(const app_output *o, SDL_Event *ev);
/* Under X in kiosk mode: follow the screen's size from X itself
 * (output_x11.c; SDL 2 misses a mode change of an output it knows). */
void app_output_x11_watch(app_output *o);
/* Whether ev is X saying the screen changed size (then refit). */
int app_output_x11_event(app_output *o, const SDL_Event *ev);
/* Whether the display server's connection is gone (Wayland: SDL says so
 * only as SDL_QUIT, which kiosk mode otherwise ignores; output_lost.c). */
int app_output_display_lost(const app_output *o);
/* Free the rotation frame. */
void app_output_free(app_output *o);

#endif
