/* output_lost: whether the display server itself went away.
 *
 * Under cage with SDL's native Wayland driver, a compositor that dies (or
 * is stopped) reaches the kiosk as SDL_QUIT, which kiosk mode ignores on
 * purpose; the kiosk then ran on without a screen, waking at once on the
 * dead connection (1-3 % CPU, found orphaned after cage had gone). A lost
 * connection is told apart from a request to quit by asking Wayland
 * whether the connection has failed. (Under X, Xlib ends the process
 * itself when the server goes.)
 */
#include "output.h"

#include <SDL_syswm.h>

#if defined(SDL_VIDEO_DRIVER_WAYLAND)
#include <wayland-client.h>
#endif

int app_output_display_lost(const app_output *o) {
#if defined(SDL_VIDEO_DRIVER_WAYLAND)
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (o->win && SDL_GetWindowWMInfo(o->win, &info) && info.subsystem == SDL_SYSWM_WAYLAND && info.info.wl.display)
        return wl_display_get_error(info.info.wl.display) != 0;
#else
    (void)o;
#endif
    return 0;
}
