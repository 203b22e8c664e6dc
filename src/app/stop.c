/* stop: the signal handler and the thread that wakes SDL (see stop.h). */
#include "stop.h"

#include "kiosk/base.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

/* Read by the handler: set before the handler is installed, and -1 before
 * the pipe closes, so the handler never writes to a reused descriptor. */
static volatile sig_atomic_t stop_wfd = -1;
static volatile sig_atomic_t *stop_flag;
static struct {
    int rfd, wfd;
    pthread_t thread;
    int running;
    pthread_mutex_t mu; /* guards type */
    Uint32 type;
} stop = {-1, -1, 0, 0, PTHREAD_MUTEX_INITIALIZER, 0};

static void on_stop_signal(int sig) {
    int saved = errno, fd = stop_wfd;
    (void)sig;
    if (stop_flag) *stop_flag = 1;
    if (fd >= 0) {
        ssize_t n = write(fd, "s", 1); /* non-blocking: a full pipe already wakes */
        (void)n;
    }
    errno = saved;
}

static void *waker(void *arg) {
    char c;
    (void)arg;
    for (;;) {
        ssize_t n = read(stop.rfd, &c, 1);
        if (n == 0) break; /* app_stop_end closed the write end */
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        pthread_mutex_lock(&stop.mu);
        if (stop.type) {
            SDL_Event ev;
            memset(&ev, 0, sizeof ev);
            ev.type = stop.type;
            SDL_PushEvent(&ev);
        }
        pthread_mutex_unlock(&stop.mu);
    }
    return NULL;
}

void app_stop_init(volatile sig_atomic_t *flag) {
    struct sigaction sa;
    int fds[2];
    stop_flag = flag;
    if (pipe(fds) == 0) {
        fcntl(fds[0], F_SETFD, FD_CLOEXEC);
        fcntl(fds[1], F_SETFD, FD_CLOEXEC);
        fcntl(fds[1], F_SETFL, O_NONBLOCK);
        stop.rfd = fds[0];
        stop.wfd = fds[1];
        if (pthread_create(&stop.thread, NULL, waker, NULL) == 0) {
            stop.running = 1;
            stop_wfd = stop.wfd;
        } else {
            ks_log("cannot start the thread that wakes the loop on SIGTERM; stopping may take up to 0.5 s");
        }
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

void app_stop_wake_sdl(Uint32 type) {
    pthread_mutex_lock(&stop.mu);
    stop.type = type;
    pthread_mutex_unlock(&stop.mu);
}

void app_stop_end(void) {
    stop_wfd = -1;
    app_stop_wake_sdl(0);
    if (stop.wfd >= 0) close(stop.wfd); /* the thread reads end of file */
    if (stop.running) pthread_join(stop.thread, NULL);
    if (stop.rfd >= 0) close(stop.rfd);
    stop.rfd = stop.wfd = -1;
    stop.running = 0;
}
