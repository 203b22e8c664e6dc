/* notify: READY=1, WATCHDOG=1 and STOPPING=1 for systemd (see notify.h). */
#include "notify.h"

#include "kiosk/base.h"

#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

/* Set by SIGUSR2 only; the rest is UI-thread state. */
static volatile sig_atomic_t notify_freeze;
static struct {
    int on;           /* $NOTIFY_SOCKET is set */
    double period_ms; /* between two WATCHDOG=1; 0: no watchdog */
    double last_ms;   /* when the last WATCHDOG=1 went */
    int ready;        /* READY=1 sent */
} notify;

static void on_freeze(int sig) {
    (void)sig;
    notify_freeze = 1;
}

/* The watchdog period in microseconds from $WATCHDOG_USEC, or 0. systemd
 * sets $WATCHDOG_PID to the service's main process: that is cage when the
 * kiosk runs inside it, so the parent counts as well as this process.
 * (sd_watchdog_enabled() would say "not for you" to cage's child.) */
static unsigned long long watchdog_usec(void) {
    const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
    char *end;
    unsigned long long v;
    if (!usec || !*usec) return 0;
    if (pid && *pid) {
        long p = strtol(pid, &end, 10);
        if (*end || (p != (long)getpid() && p != (long)getppid())) return 0;
    }
    v = strtoull(usec, &end, 10);
    return *end ? 0 : v;
}

void app_notify_init(void) {
    struct sigaction sa;
    const char *sock = getenv("NOTIFY_SOCKET");
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_freeze;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
    memset(&notify, 0, sizeof notify);
    notify.on = sock && *sock;
    if (!notify.on) return;
    notify.period_ms = (double)watchdog_usec() / 4000.0;
    ks_log("systemd notification on%s", notify.period_ms > 0 ? ", with a watchdog" : "");
}

void app_notify_ready(void) {
    if (!notify.on || notify.ready) return;
    notify.ready = 1;
    sd_notify(0, "READY=1\nSTATUS=Showing the kiosk");
    if (notify.period_ms > 0) {
        notify.last_ms = ks_now_ms();
        sd_notify(0, "WATCHDOG=1");
    }
}

void app_notify_alive(const volatile sig_atomic_t *stop) {
    if (notify_freeze) {
        ks_log("frame loop frozen (SIGUSR2, for testing the watchdog): no more frames, no more WATCHDOG=1");
        while (!*stop) {
            struct timespec ts = {0, 100 * 1000000L};
            nanosleep(&ts, NULL);
        }
        return;
    }
    if (notify.on && notify.period_ms > 0) {
        double now = ks_now_ms();
        if (now - notify.last_ms >= notify.period_ms) {
            notify.last_ms = now;
            sd_notify(0, "WATCHDOG=1");
        }
    }
}

void app_notify_stopping(void) {
    if (notify.on) sd_notify(0, "STOPPING=1");
}
