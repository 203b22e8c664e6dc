/* output_x11: the X screen's real size, for kiosk mode under X.
 *
 * SDL 2 reads an X display's size when it starts and when an output comes
 * or goes, not when an output already there changes its mode (xrandr -s,
 * a monitor swapped on the same connector, Xwayland following its
 * compositor): its display bounds then stay those of the old mode, and a
 * window fitted to them leaves the new screen half black or runs off it.
 * The root window always has the screen's size, and X tells every client
 * that asks (StructureNotifyMask on the root) when it changes: this file
 * asks, and hands SDL's copy of that event (SDL_SYSWMEVENT) to the output.
 */
#include "output.h"

#include "kiosk/base.h"

#include <SDL_syswm.h>
#include <string.h>

#if defined(SDL_VIDEO_DRIVER_X11)
#include <X11/Xlib.h>

static Display *x_display(SDL_Window *win, Window *root) {
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (!SDL_GetWindowWMInfo(win, &info) || info.subsystem != SDL_SYSWM_X11 || !info.info.x11.display) return NULL;
    *root = DefaultRootWindow(info.info.x11.display);
    return info.info.x11.display;
}

void app_output_x11_watch(app_output *o) {
    XWindowAttributes a;
    Window root;
    Display *d = x_display(o->win, &root);
    if (!d || !XGetWindowAttributes(d, root, &a)) return;
    /* Add to what SDL already asked of the root window, not replace it. */
    XSelectInput(d, root, a.your_event_mask | StructureNotifyMask);
    XFlush(d);
    o->screen_w = a.width;
    o->screen_h = a.height;
    SDL_EventState(SDL_SYSWMEVENT, SDL_ENABLE);
}

int app_output_x11_event(app_output *o, const SDL_Event *ev) {
    const XEvent *xe;
    Window root;
    if (ev->type != SDL_SYSWMEVENT || !ev->syswm.msg || ev->syswm.msg->subsystem != SDL_SYSWM_X11) return 0;
    xe = &ev->syswm.msg->msg.x11.event;
    if (xe->type != ConfigureNotify || !x_display(o->win, &root) || xe->xconfigure.window != root) return 0;
    if (xe->xconfigure.width == o->screen_w && xe->xconfigure.height == o->screen_h) return 0;
    ks_log("the X screen is now %dx%d (was %dx%d)", xe->xconfigure.width, xe->xconfigure.height, o->screen_w,
           o->screen_h);
    o->screen_w = xe->xconfigure.width;
    o->screen_h = xe->xconfigure.height;
    return 1;
}
#else
void app_output_x11_watch(app_output *o) { (void)o; }
int app_output_x11_event(app_output *o, const SDL_Event *ev) {
    (void)o;
    (void)ev;
    return 0;
}
#endif
