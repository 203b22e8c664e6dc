/* output: the kiosk's window on the real screen.
 *
 * Kiosk mode asks SDL for a fullscreen-desktop window the size of its
 * display. That is not always what it gets: an X server with no window
 * manager ignores the fullscreen request and a compositor such as cage
 * decides the size itself. So nothing here trusts the request: the sizes
 * are read back after creation and after every size or display event, the
 * window is moved and sized onto its display when it is not there, and the
 * ui is laid out for what the renderer really draws on.
 *
 * rotate: the ui draws into a frame of the logical size (the output's,
 * turned), which is copied turned onto the output; pointer coordinates go
 * the other way (ks_ui_rotate_point).
 */
#include "output.h"

#include "kiosk/base.h"
#include "kiosk/ui.h"

#include <string.h>

static void fit_to_display(app_output *o) {
    int d = SDL_GetWindowDisplayIndex(o->win), x, y, w, h;
    SDL_Rect b;
    if (d < 0) d = 0;
    if (SDL_GetDisplayBounds(d, &b) != 0 || b.w <= 0 || b.h <= 0) return;
    /* One display under X: the screen is the display, and X knows its size
     * when SDL's copy is stale (output_x11.c). */
    if (o->screen_w > 0 && o->screen_h > 0 && SDL_GetNumVideoDisplays() == 1) {
        b.x = b.y = 0;
        b.w = o->screen_w;
        b.h = o->screen_h;
    }
    SDL_GetWindowPosition(o->win, &x, &y);
    SDL_GetWindowSize(o->win, &w, &h);
    if (x == b.x && y == b.y && w == b.w && h == b.h) {
        o->fit_tries = 0;
        return;
    }
    /* Someone who insists on another size (a window manager, a compositor)
     * wins after a few tries: no endless tug of war, and the ui is laid
     * out for whatever the window really is. */
    if (o->fit_tries >= 3) return;
    o->fit_tries++;
    ks_log("the window is %dx%d at %d,%d on a %dx%d display: fitting it", w, h, x, y, b.w, b.h);
    /* SDL only remembers a size asked for while fullscreen: leave
     * fullscreen, size and place the window, and go back. */
    SDL_SetWindowFullscreen(o->win, 0);
    SDL_SetWindowPosition(o->win, b.x, b.y);
    SDL_SetWindowSize(o->win, b.w, b.h);
    SDL_SetWindowFullscreen(o->win, SDL_WINDOW_FULLSCREEN_DESKTOP);
}

static int make_frame(app_output *o) {
    if (o->frame) {
        int w, h;
        SDL_QueryTexture(o->frame, NULL, NULL, &w, &h);
        if (w == o->lw && h == o->lh) return 0;
        SDL_DestroyTexture(o->frame);
        o->frame = NULL;
    }
    if (!o->rotate) return 0;
    o->frame = SDL_CreateTexture(o->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, o->lw, o->lh);
    return o->frame ? 0 : -1;
}

int app_output_refit(app_output *o) {
    int lw = o->lw, lh = o->lh;
    if (o->kiosk) fit_to_display(o);
    SDL_GetWindowSize(o->win, &o->win_w, &o->win_h);
    if (SDL_GetRendererOutputSize(o->ren, &o->out_w, &o->out_h) != 0 || o->out_w <= 0 || o->out_h <= 0) {
        o->out_w = o->win_w;
        o->out_h = o->win_h;
    }
    ks_ui_rotated_size(o->rotate, o->out_w, o->out_h, &o->lw, &o->lh);
    if (make_frame(o) != 0) return -1;
    return lw != o->lw || lh != o->lh;
}

int app_output_init(app_output *o, SDL_Window *win, SDL_Renderer *ren, int kiosk, int rotate) {
    memset(o, 0, sizeof *o);
    o->win = win;
    o->ren = ren;
    o->kiosk = kiosk;
    o->rotate = rotate == 90 || rotate == 180 || rotate == 270 ? rotate : 0;
    if (kiosk) {
        app_output_x11_watch(o);
        /* Give a window manager or compositor the chance to answer. */
        SDL_PumpEvents();
    }
    return app_output_refit(o) < 0 ? -1 : 0;
}

void app_output_begin(app_output *o) {
    if (o->frame) SDL_SetRenderTarget(o->ren, o->frame);
}

void app_output_present(app_output *o) {
    if (o->frame) {
        /* The frame, centred and turned clockwise about its centre, covers
         * the output exactly. */
        SDL_Rect dst = {(o->out_w - o->lw) / 2, (o->out_h - o->lh) / 2, o->lw, o->lh};
        SDL_SetRenderTarget(o->ren, NULL);
        SDL_RenderCopyEx(o->ren, o->frame, NULL, &dst, (double)o->rotate, NULL, SDL_FLIP_NONE);
    }
    SDL_RenderPresent(o->ren);
}

/* Window units -> output px -> logical px. */
static void map_point(const app_output *o, float x, float y, float *lx, float *ly) {
    if (o->win_w > 0 && o->win_h > 0) {
        x = x * (float)o->out_w / (float)o->win_w;
        y = y * (float)o->out_h / (float)o->win_h;
    }
    ks_ui_point p = ks_ui_rotate_point(o->rotate, o->out_w, o->out_h, x, y);
    *lx = p.x;
    *ly = p.y;
}

void app_output_map_event(const app_output *o, SDL_Event *ev) {
    float x, y;
    switch (ev->type) {
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        map_point(o, (float)ev->button.x, (float)ev->button.y, &x, &y);
        ev->button.x = (Sint32)x;
        ev->button.y = (Sint32)y;
        break;
    case SDL_MOUSEMOTION:
        map_point(o, (float)ev->motion.x, (float)ev->motion.y, &x, &y);
        ev->motion.x = (Sint32)x;
        ev->motion.y = (Sint32)y;
        break;
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION:
    { /* Fingers are 0..1 of the window; the ui scales by its own size. */
        ks_ui_point p = ks_ui_rotate_point(o->rotate, 1, 1, ev->tfinger.x, ev->tfinger.y);
        ev->tfinger.x = p.x;
        ev->tfinger.y = p.y;
        break;
    }
    default: break;
    }
}

void app_output_free(app_output *o) {
    if (o->frame) SDL_DestroyTexture(o->frame);
    o->frame = NULL;
}
