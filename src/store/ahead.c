/* Read-ahead for a load that reads many files (a first build, no usable
 * previous snapshot): while the parser reads and parses the files one after
 * another, a lister lists the content folder in the parser's order (the top
 * names sorted, each topic folder's pages sorted) and, once it has
 * AHEAD_MIN pages, a few threads open each page the same safe way
 * (ks_open_beneath: beneath the content folder, no link followed, a FIFO
 * never waited on) and ask the kernel to read it in (POSIX_FADV_WILLNEED),
 * at most AHEAD_WINDOW pages ahead of the parser. On a cold page cache the
 * disk then works on several files at once instead of one by one. Nothing
 * read here is used: the parser still reads every file itself, so the
 * snapshot is the same with or without it. The readers stop once AHEAD_WARM
 * pages in a row were in memory already (preadv2 RWF_NOWAIT of one byte):
 * with a warm page cache they would only take CPU from the parser.
 * KIOSK_READAHEAD=0 turns it off. */
#define _GNU_SOURCE /* preadv2, RWF_NOWAIT */
#include "store_int.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kiosk/base.h"

#define AHEAD_MIN 256    /* fewer pages than this: not worth the threads */
#define AHEAD_WINDOW 1024 /* pages the readers may be ahead of the parser */
#define AHEAD_READERS 4
#define AHEAD_WARM 512   /* pages in a row already in memory: stop (a warm cache) */

struct store_ahead {
    int root;           /* a duplicate of the content folder's descriptor */
    char **names;       /* rel paths of the pages, in the parser's order */
    const char **top;   /* borrowed: the load's top names */
    size_t n_top;
    size_t n, cap;      /* listed so far */
    size_t next;        /* next to read ahead */
    size_t passed;      /* files the parser has read */
    int listed, stop, waiting;
    int cached_run;     /* pages in a row found in the page cache already */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t lister, readers[AHEAD_READERS];
    int n_readers;
};

static atomic_int live_threads;

int ks_store_readahead_threads(void) { return atomic_load(&live_threads); }

static int is_page(const char *name) {
    size_t n = strlen(name);
    return name[0] != '.' && name[0] != '_' && n > 3 && strcasecmp(name + n - 3, ".md") == 0;
}

static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void *reader(void *arg) {
    store_ahead *a = arg;
    pthread_mutex_lock(&a->mu);
    while (!a->stop) {
        if (a->next < a->passed) a->next = a->passed;
        if (a->next >= a->n && a->listed) break;
        if (a->next >= a->n || a->next >= a->passed + AHEAD_WINDOW) {
            a->waiting++;
            pthread_cond_wait(&a->cv, &a->mu);
            a->waiting--;
            continue;
        }
        const char *rel = a->names[a->next++]; /* the strings never move */
        pthread_mutex_unlock(&a->mu);
        int fd = ks_open_beneath(a->root, rel, O_RDONLY), cached = 0;
        if (fd >= 0) {
            char byte;
            struct iovec iov = {&byte, 1};
            cached = preadv2(fd, &iov, 1, 0, RWF_NOWAIT) >= 0; /* its start is in memory already */
            if (!cached) (void)posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
            close(fd);
        }
        pthread_mutex_lock(&a->mu);
        a->cached_run = cached ? a->cached_run + 1 : 0;
        if (a->cached_run >= AHEAD_WARM) a->stop = 1; /* the files are in memory: the threads only cost CPU */
    }
    pthread_mutex_unlock(&a->mu);
    atomic_fetch_sub(&live_threads, 1);
    return NULL;
}

/* Add rel (owned) to the list; start the readers at AHEAD_MIN pages. 0: stop. */
static int push(store_ahead *a, char *rel) {
    pthread_mutex_lock(&a->mu);
    int stop = a->stop;
    if (!stop) {
        if (a->n == a->cap) a->names = ks_realloc(a->names, (a->cap = a->cap ? 2 * a->cap : 1024) * sizeof(char *));
        a->names[a->n++] = rel;
        if (a->waiting) pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    if (stop) {
        free(rel);
        return 0;
    }
    if (a->n_readers == 0 && a->n >= AHEAD_MIN) /* only the lister changes n_readers */
        for (int i = 0; i < AHEAD_READERS; i++) {
            atomic_fetch_add(&live_threads, 1);
            if (pthread_create(&a->readers[a->n_readers], NULL, reader, a) != 0) {
                atomic_fetch_sub(&live_threads, 1);
                break;
            }
            a->n_readers++;
        }
    return 1;
}

/* The pages of the topic folder rel, sorted; 0 when told to stop. */
static int list_folder(store_ahead *a, const char *rel) {
    int fd = ks_open_beneath(a->root, rel, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return is_page(rel) ? push(a, ks_strdup(rel)) : 1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!is_page(de->d_name)) continue;
        if (n == cap) names = ks_realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *names);
        names[n++] = ks_sprintf("%s/%s", rel, de->d_name);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, str_cmp);
    size_t i = 0;
    while (i < n && push(a, names[i])) i++;
    for (size_t k = i + (i < n); k < n; k++) free(names[k]); /* push freed names[i] */
    free(names);
    return i == n;
}

static void *lister(void *arg) {
    store_ahead *a = arg;
    for (size_t i = 0; i < a->n_top; i++) {
        const char *name = a->top[i];
        if (name[0] == '_' || name[0] == '.') continue;
        if (!list_folder(a, name)) break;
    }
    pthread_mutex_lock(&a->mu);
    a->listed = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    for (int i = 0; i < a->n_readers; i++) pthread_join(a->readers[i], NULL);
    atomic_fetch_sub(&live_threads, 1);
    return NULL;
}

store_ahead *store_ahead_start(int root_fd, const char **top, size_t n_top) {
    const char *env = getenv("KIOSK_READAHEAD");
    if (root_fd < 0 || (env && strcmp(env, "0") == 0)) return NULL;
    store_ahead *a = ks_calloc(1, sizeof *a);
    a->root = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
    a->top = top;
    a->n_top = n_top;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    atomic_fetch_add(&live_threads, 1);
    if (a->root < 0 || pthread_create(&a->lister, NULL, lister, a) != 0) {
        atomic_fetch_sub(&live_threads, 1);
        if (a->root >= 0) close(a->root);
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
        free(a);
        return NULL;
    }
    return a;
}

void store_ahead_passed(store_ahead *a) {
    if (!a) return;
    pthread_mutex_lock(&a->mu);
    a->passed++;
    if (a->waiting) pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

void store_ahead_stop(store_ahead *a) {
    if (!a) return;
    pthread_mutex_lock(&a->mu);
    a->stop = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->lister, NULL); /* it joins the readers */
    for (size_t i = 0; i < a->n; i++) free(a->names[i]);
    free(a->names);
    close(a->root);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
}
