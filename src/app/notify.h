/* notify: telling systemd how the running kiosk is (sd_notify).
 *
 * Under the clinic-kiosk.service unit (Type=notify, WatchdogSec=) the kiosk
 * says READY=1 once its first frame is on the screen and WATCHDOG=1 from
 * its frame loop, so systemd restarts a kiosk whose loop has stopped. The
 * kiosk may be a child of cage rather than the service's main process
 * (NotifyAccess=all): WATCHDOG_PID naming the parent counts as ours.
 * Without $NOTIFY_SOCKET every call here does nothing.
 *
 * SIGUSR2 freezes the frame loop on purpose (no more frames, no more
 * WATCHDOG=1) to show the watchdog at work; SIGTERM still ends it.
 * Everything runs on the UI thread except the signal handler.
 */
#ifndef KIOSK_APP_NOTIFY_H
#define KIOSK_APP_NOTIFY_H

#include <signal.h>

/* Read $NOTIFY_SOCKET and $WATCHDOG_USEC and install the SIGUSR2 handler.
 * Call once, before the first frame. */
void app_notify_init(void);
/* The first frame is on the screen: READY=1 (once). */
void app_notify_ready(void);
/* Called each time round the frame loop (at least twice a second): sends
 * WATCHDOG=1 when a quarter of the watchdog period has passed since the
 * last one. After SIGUSR2 it logs once and blocks, sending nothing, until
 * *stop is set (by SIGTERM). */
void app_notify_alive(const volatile sig_atomic_t *stop);
/* The kiosk is stopping: STOPPING=1. */
void app_notify_stopping(void);

#endif
