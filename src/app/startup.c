/* startup: the process's start time and no D-Bus autolaunch (startup.h). */
#include "startup.h"

#include "kiosk/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double app_process_start_ms(void) {
    double now = ks_now_ms();
    char buf[1024], *p;
    unsigned long long start = 0;
    long hz = sysconf(_SC_CLK_TCK);
    struct timespec boot;
    size_t n;
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f) return now;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* Field 22 (starttime), counted after the command name's ')'. */
    p = strrchr(buf, ')');
    if (!p || hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &boot) != 0) return now;
    for (int field = 2; field < 22 && p; field++) p = strchr(p + 1, ' ');
    if (!p || sscanf(p + 1, "%llu", &start) != 1) return now;
    {
        double boot_ms = (double)boot.tv_sec * 1000.0 + (double)boot.tv_nsec / 1e6;
        double age = boot_ms - (double)start * 1000.0 / (double)hz;
        if (age < 0 || age > 60000) return now; /* not believable: say nothing wrong */
        return now - age;
    }
}

int app_dbus_no_autolaunch(void) {
    const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS"), *rt = getenv("XDG_RUNTIME_DIR");
    char buf[512];
    if (addr && *addr) return strstr(addr, "autolaunch:") == NULL;
    if (rt && rt[0] == '/' && strlen(rt) < 400) snprintf(buf, sizeof buf, "unix:path=%s/bus", rt);
    else snprintf(buf, sizeof buf, "unix:path=/run/user/%u/bus", (unsigned)getuid()); /* systemd's usual place */
    return setenv("DBUS_SESSION_BUS_ADDRESS", buf, 1) == 0;
}

void app_x11_no_compose(void) {
    if (!getenv("XCOMPOSEFILE")) (void)setenv("XCOMPOSEFILE", "/dev/null", 1);
}
