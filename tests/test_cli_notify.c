/* systemd notification: the kiosk as clinic-kiosk.service runs it.
 *
 * This test is systemd's side of the socket: it binds its own AF_UNIX
 * datagram socket, passes it as $NOTIFY_SOCKET (with $WATCHDOG_USEC and
 * $WATCHDOG_PID naming the test, the kiosk's parent, as cage is under the
 * unit), runs `kiosk run` in kiosk mode on a real Xvfb display, and reads
 * what arrives:
 *   - READY=1 once, and only after the kiosk logged its first frame;
 *   - WATCHDOG=1 again and again while nobody touches the screen;
 *   - after SIGUSR2 (the debug freeze of the frame loop) no more of them,
 *     which is what makes systemd's watchdog restart a frozen kiosk;
 *   - SIGTERM still ends the frozen kiosk, with STOPPING=1.
 * And without $NOTIFY_SOCKET nothing is sent and nothing changes.
 * Needs Xvfb (Debian package xvfb): without it this test is skipped (exit
 * 77) and says so.
 */
#include "harness.h"
#include "kiosk/base.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmp[64];
static char display[32];
static int sock = -1;

/* The kiosk in kiosk mode on the display; stderr to tmp/log.txt. With
 * notify, $NOTIFY_SOCKET is our socket and the watchdog is 2 s. */
static pid_t start_kiosk(int notify) {
    char content[512], db[128], log[128], sock_env[160], pid_env[64];
    char *argv[] = {KIOSK_BIN, "run", "--size", "1080x1920", "--content", content, "--db", db, NULL};
    char *with[] = {sock_env, "WATCHDOG_USEC=2000000", pid_env /* us, the parent, as cage is */, NULL};
    char *without[] = {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", NULL};
    snprintf(content, sizeof content, "%s/content", KIOSK_SOURCE_DIR);
    snprintf(db, sizeof db, "%s/index.db", tmp);
    snprintf(log, sizeof log, "%s/log.txt", tmp);
    snprintf(sock_env, sizeof sock_env, "NOTIFY_SOCKET=%s/notify", tmp);
    snprintf(pid_env, sizeof pid_env, "WATCHDOG_PID=%ld", (long)getpid());
    unlink(log); /* never read the last run's log */
    return harness_spawn(argv, notify ? with : without, display, log);
}

/* The next datagram within ms, into buf (NUL-terminated); 0 on time-out. */
static int receive(char *buf, size_t cap, int ms) {
    struct pollfd p = {sock, POLLIN, 0};
    ssize_t n;
    if (poll(&p, 1, ms) <= 0) return 0;
    n = recv(sock, buf, cap - 1, 0);
    if (n < 0) return 0;
    buf[n] = '\0';
    return 1;
}

static void log_path(char *path, size_t cap) { snprintf(path, cap, "%s/log.txt", tmp); }

static char *read_log(void) {
    char path[128];
    log_path(path, sizeof path);
    return harness_read_file(path);
}

/* Whether the kiosk logs its first frame within 30 s. */
static int first_frame(void) {
    char path[128];
    log_path(path, sizeof path);
    return harness_file_has(path, "first frame after", 30000);
}

static void dump_log(void) {
    char *s = read_log();
    fprintf(stderr, "--- kiosk log ---\n%s-----------------\n", s ? s : "(none)");
    free(s);
}

static void test_ready_watchdog_freeze(void) {
    char msg[256];
    int got_ready = 0, ready_after_frame = 0, watchdogs = 0, after_freeze = 0, stopping = 0, st = 0;
    double t0, first_wd = 0, last_wd = 0;
    pid_t k = start_kiosk(1);
    OK(k > 0);
    /* READY=1 first, with the first frame already logged. */
    t0 = harness_now_ms();
    while (!got_ready && harness_now_ms() - t0 < 30000 && receive(msg, sizeof msg, 1000) >= 0) {
        if (strstr(msg, "READY=1")) {
            char *log = read_log();
            got_ready = 1;
            ready_after_frame = log && strstr(log, "first frame after") != NULL;
            free(log);
        }
        msg[0] = '\0';
    }
    OK(got_ready);
    OK(ready_after_frame);
    if (!got_ready) dump_log();
    /* Nobody touches it: WATCHDOG=1 keeps coming, each inside the 2 s
     * watchdog period (systemd's limit), for 3 s. */
    t0 = harness_now_ms();
    while (harness_now_ms() - t0 < 3000) {
        if (!receive(msg, sizeof msg, 2000)) break;
        if (!strcmp(msg, "WATCHDOG=1")) {
            double t = harness_now_ms();
            if (!watchdogs) first_wd = t;
            OK(!last_wd || t - last_wd < 2000);
            last_wd = t;
            watchdogs++;
        }
    }
    OK(watchdogs >= 3);
    OK(last_wd - first_wd > 1500);
    fprintf(stderr, "%d WATCHDOG=1 in %.0f ms while idle\n", watchdogs, last_wd - first_wd);
    /* Freeze the frame loop: after what was already on its way, silence
     * for 3 s (beyond the 2 s period: systemd would have killed it). */
    kill(k, SIGUSR2);
    harness_sleep_ms(700);
    while (receive(msg, sizeof msg, 0)) {}
    t0 = harness_now_ms();
    while (harness_now_ms() - t0 < 3000)
        if (receive(msg, sizeof msg, 500) && strstr(msg, "WATCHDOG=1")) after_freeze++;
    INT_EQ(after_freeze, 0);
    OK(waitpid(k, &st, WNOHANG) == 0); /* frozen, not gone */
    {
        char *log = read_log();
        OK(log && strstr(log, "frame loop frozen"));
        free(log);
    }
    /* SIGTERM still ends it, saying STOPPING=1. */
    kill(k, SIGTERM);
    OK(harness_wait_exit(k, 10000, &st));
    OK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    while (receive(msg, sizeof msg, 200))
        if (strstr(msg, "STOPPING=1")) stopping = 1;
    OK(stopping);
}

static void test_no_socket_no_messages(void) {
    char msg[256];
    int st = 0, got = 0;
    pid_t k = start_kiosk(0);
    char *log;
    OK(k > 0);
    /* Up and drawing as ever. */
    OK(first_frame());
    log = read_log();
    OK(log && !strstr(log, "systemd notification"));
    free(log);
    harness_sleep_ms(1500);
    while (receive(msg, sizeof msg, 0)) got++;
    INT_EQ(got, 0);
    kill(k, SIGTERM);
    OK(harness_wait_exit(k, 10000, &st));
    OK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* SIGTERM and SIGINT while the loop sleeps (nobody touching it): a clean
 * stop, exit status 0, said in the log. How fast: tests/bench/stop.sh. */
static void test_signal_while_idle(void) {
    const int sigs[2] = {SIGTERM, SIGINT};
    for (int i = 0; i < 2; i++) {
        int st = -1;
        pid_t k = start_kiosk(0);
        char *log;
        OK(k > 0);
        OK(first_frame());
        harness_sleep_ms(1200); /* asleep in its half-second waits */
        kill(k, sigs[i]);
        OK(harness_wait_exit(k, 10000, &st));
        OK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        log = read_log();
        OK(log && strstr(log, "stopping (signal)"));
        free(log);
    }
}

int main(void) {
    pid_t x;
    struct sockaddr_un a;
    if (!harness_on_path("Xvfb")) {
        harness_skip("test_cli_notify needs Xvfb (Debian package xvfb); install it (scripts/install-deps --test)");
        return harness_done();
    }
    snprintf(tmp, sizeof tmp, "/tmp/kiosk-notify-XXXXXX");
    if (!mkdtemp(tmp)) return 1;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s/notify", tmp);
    sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0 || bind(sock, (struct sockaddr *)&a, sizeof a) != 0) {
        fprintf(stderr, "cannot bind %s: %s\n", a.sun_path, strerror(errno));
        return 1;
    }
    x = harness_xvfb_start("1080x1920x24", 0, display, sizeof display);
    if (x < 0) {
        fprintf(stderr, "could not start Xvfb\n");
        return 1;
    }
    fprintf(stderr, "Xvfb on display %s, NOTIFY_SOCKET=%s\n", display, a.sun_path);
    RUN(test_ready_watchdog_freeze);
    RUN(test_no_socket_no_messages);
    RUN(test_signal_while_idle);
    harness_stop(x);
    close(sock);
    harness_rm_rf(tmp);
    return harness_done();
}
