/* stop: SIGTERM and SIGINT end `kiosk run` at once.
 *
 * The frame loop sleeps in SDL_WaitEventTimeout for up to half a second,
 * and SDL restarts its poll() after a signal interrupts it, so a flag set
 * by the handler alone is seen up to 500 ms late. Here the handler sets the
 * flag and writes one byte to a pipe (both async-signal-safe); a small
 * thread reading the pipe pushes an SDL event (SDL_PushEvent is
 * thread-safe and wakes SDL's wait), so the loop sees the flag at once.
 */
#ifndef KIOSK_APP_STOP_H
#define KIOSK_APP_STOP_H

#include <SDL.h>
#include <signal.h>

/* Install the SIGTERM and SIGINT handler, which sets *flag, and start the
 * waking thread. Call once, before the loop; app_stop_end() undoes it. */
void app_stop_init(volatile sig_atomic_t *flag);
/* The SDL event type to push on a signal, or 0 for none (SDL is not up or
 * is about to quit: SDL_PushEvent must not run after SDL_Quit). */
void app_stop_wake_sdl(Uint32 type);
/* Stop the waking thread and close the pipe (the handler stays, setting
 * the flag only). NULL-safe to call without app_stop_init(). */
void app_stop_end(void);

#endif
