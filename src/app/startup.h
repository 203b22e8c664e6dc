/* startup: what the kiosk's start-up needs from the system before SDL:
 * when the process really started (for the first-frame figure), and no
 * D-Bus autolaunch (so the content can load alongside SDL_Init). */
#ifndef KIOSK_APP_STARTUP_H
#define KIOSK_APP_STARTUP_H

/* When this process started, on ks_now_ms()'s clock: the kernel's record
 * of the start (/proc/self/stat, in clock ticks), so the time the dynamic
 * loader took before main counts too. Rounded down to a tick (10 ms), so a
 * figure measured from it is at most that much too long, never too short.
 * Falls back to now when /proc cannot be read. */
double app_process_start_ms(void);

/* Make sure SDL_Init will not fork: with no session bus address in the
 * environment, libdbus (which SDL_Init opens) forks to run dbus-launch
 * --autolaunch, which where it is installed starts a private dbus-daemon on
 * every kiosk start, and a fork while another thread holds a lock (as
 * AddressSanitizer's allocator may) can hang the child before it execs.
 * When unset, sets DBUS_SESSION_BUS_ADDRESS to the session bus's usual
 * place ($XDG_RUNTIME_DIR/bus, else /run/user/UID/bus: used when it is
 * there, else SDL goes on without D-Bus). Returns 1 when no autolaunch can
 * happen, 0 when it still may (an address that asks for autolaunch). */
int app_dbus_no_autolaunch(void);

/* No Compose table for X's input method: SDL_Init opens one (XOpenIM),
 * and libX11 then parses the locale's whole Compose file, 60 million
 * instructions (20-30 ms) before the window can open. The kiosk types with
 * its own keyboard and takes plain keys from a physical one; only dead-key
 * sequences (Compose) go, and only when XCOMPOSEFILE is not set already. */
void app_x11_no_compose(void);

#endif
