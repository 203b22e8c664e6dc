/* exec_full: the lean kiosk's way to the commands it does not hold.
 *
 * Two executables are built from src/app (README, "Two executables"): the
 * lean `kiosk` users call (check, index, search, stats, sync: no SDL,
 * X11, wayland, espeak-ng or systemd to load, so it starts in ~1 ms), and
 * the full one, also named `kiosk`, that holds run, render and speak. For
 * those the lean one execv()s the full one with the same argv: the same
 * process (PID, so systemd's sd_notify and watchdog see the unit's main
 * process), the same name (comm "kiosk"), the same options, output and
 * exit codes. Both link this file; only the lean one calls it. */
#include "app.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

/* Where the full kiosk may be, best first: beside this executable as a
 * build tree lays it out (DIR/libexec/kiosk) and as an install does
 * (DIR/../libexec/clinic-kiosk/kiosk), both found from /proc/self/exe so a
 * moved tree or prefix still finds its own; then the path compiled in
 * (KIOSK_FULL_EXE: the build tree's, or the package's
 * /usr/libexec/clinic-kiosk/kiosk). Returns how many were written. */
static int candidates(char out[][PATH_MAX + 64], int max) {
    int n = 0;
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len > 0) {
        self[len] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(out[n++], sizeof out[0], "%s/libexec/kiosk", self);
            snprintf(out[n++], sizeof out[0], "%s/../libexec/clinic-kiosk/kiosk", self);
        }
    }
    if (n < max) snprintf(out[n++], sizeof out[0], "%s", KIOSK_FULL_EXE);
    return n;
}

int app_exec_full(char **argv) {
    char paths[3][PATH_MAX + 64];
    int n = candidates(paths, 3);
    const char *command = argv[1] && argv[1][0] != '-' ? argv[1] : "run";
    for (int i = 0; i < n; i++) {
        if (access(paths[i], X_OK) != 0) continue;
        fflush(NULL);
        execv(paths[i], argv); /* returns only on failure */
        fprintf(stderr, "kiosk %s: cannot start the full kiosk %s: %s\n", command, paths[i], strerror(errno));
        return 2;
    }
    fprintf(stderr, "kiosk %s: the full kiosk, which runs '%s', is missing; looked for", command, command);
    for (int i = 0; i < n; i++) fprintf(stderr, "%s %s", i ? "," : "", paths[i]);
    fprintf(stderr, "\nReinstall the clinic-kiosk package, or build the whole project (cmake --build).\n");
    return 2;
}
