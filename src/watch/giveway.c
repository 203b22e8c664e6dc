/* giveway: long index work on the watch thread (the whole-index check,
 * 45-60 ms at 10,000 pages and run just after the first sync; the backup,
 * 200 ms and more) gives way to a page change, so an edit made meanwhile
 * is shown and searchable without waiting for it (see wgive_start).
 *
 * A change already waiting when the work is about to start (readable on
 * inotify's descriptor or the wake pipe, which the thread loop waits on)
 * makes the work return at once. Else, while the work runs, a helper
 * thread waits on the same descriptors without reading anything from
 * them; once one has something to read, it asks the index to give way
 * (ks_index_give_way: SQLite's interrupt, within a millisecond), and asks
 * again every millisecond until the work returns, since SQLite forgets an
 * interrupt made in the instant before a statement starts. The work
 * returns KS_INDEX_ERR_YIELDED having changed nothing; the loop reads the
 * change, loads and syncs it, and runs the work again from the start. */
#include "watch_int.h"

#include "kiosk/base.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define WGIVE_MAX_FDS 2
#define WGIVE_AGAIN_MS 1 /* how often the request is repeated until the work returns */

struct wgive {
    ks_index *ix;               /* borrowed: the work runs on it until wgive_end */
    int fds[WGIVE_MAX_FDS];     /* borrowed: waited on, never read */
    int n_fds;
    int stop_pipe[2];           /* [1]: written by wgive_end; [0]: waited on by the helper */
    pthread_t thread;
    atomic_int asked;           /* the helper asked the index to give way */
};

static void *helper_main(void *arg) {
    wgive *g = arg;
    struct pollfd pf[1 + WGIVE_MAX_FDS];
    pf[0].fd = g->stop_pipe[0];
    pf[0].events = POLLIN;
    for (int i = 0; i < g->n_fds; i++) {
        pf[1 + i].fd = g->fds[i];
        pf[1 + i].events = POLLIN;
    }
    for (;;) {
        int asked = atomic_load(&g->asked);
        /* once asked, only the stop pipe: the others stay readable */
        int r = poll(pf, asked ? 1 : (nfds_t)(1 + g->n_fds), asked ? WGIVE_AGAIN_MS : -1);
        if (r < 0 && errno != EINTR) break;
        if (r > 0 && (pf[0].revents & (POLLIN | POLLHUP))) break;
        if (asked || r > 0) {
            atomic_store(&g->asked, 1);
            ks_index_give_way(g->ix, 1);
        }
    }
    return NULL;
}

/* Whether one of g's descriptors has something to read now. */
static int any_readable(const wgive *g) {
    struct pollfd pf[WGIVE_MAX_FDS];
    for (int i = 0; i < g->n_fds; i++) {
        pf[i].fd = g->fds[i];
        pf[i].events = POLLIN;
    }
    return g->n_fds > 0 && poll(pf, (nfds_t)g->n_fds, 0) > 0;
}

wgive *wgive_start(ks_index *ix, const int *fds, int n_fds) {
    wgive *g;
    if (!ix || n_fds <= 0) return NULL;
    g = ks_calloc(1, sizeof *g);
    g->ix = ix;
    for (int i = 0; i < n_fds && i < WGIVE_MAX_FDS; i++)
        if (fds[i] >= 0) g->fds[g->n_fds++] = fds[i];
    atomic_init(&g->asked, 0);
    g->stop_pipe[0] = g->stop_pipe[1] = -1;
    if (any_readable(g)) { /* a change waits already: the work returns at once, however small */
        atomic_store(&g->asked, 1);
        ks_index_give_way(ix, 1);
        return g;
    }
    if (pipe(g->stop_pipe) != 0) {
        g->stop_pipe[0] = g->stop_pipe[1] = -1; /* no helper: wgive_end only withdraws the request */
        return g;
    }
    fcntl(g->stop_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(g->stop_pipe[1], F_SETFD, FD_CLOEXEC);
    if (pthread_create(&g->thread, NULL, helper_main, g) != 0) {
        close(g->stop_pipe[0]);
        close(g->stop_pipe[1]);
        g->stop_pipe[0] = g->stop_pipe[1] = -1;
    }
    return g;
}

int wgive_end(wgive *g) {
    int asked;
    ssize_t w;
    if (!g) return 0;
    if (g->stop_pipe[1] >= 0) {
        do w = write(g->stop_pipe[1], "s", 1);
        while (w < 0 && errno == EINTR);
        pthread_join(g->thread, NULL);
        close(g->stop_pipe[0]);
        close(g->stop_pipe[1]);
    }
    asked = atomic_load(&g->asked);
    ks_index_give_way(g->ix, 0); /* the next sync, check or backup runs in full */
    free(g);
    return asked;
}
