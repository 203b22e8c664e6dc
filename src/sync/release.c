/* release: the releases folder, the `current` link and its atomic switch. */
#define _GNU_SOURCE /* nftw, syncfs */
#include "sync_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sr_is_commit(const char *name) {
    size_t n = 0;
    for (; name[n]; n++)
        if (!((name[n] >= '0' && name[n] <= '9') || (name[n] >= 'a' && name[n] <= 'f'))) return 0;
    return n == 40;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)ftw;
    if (flag == FTW_DP) return rmdir(path) == 0 || errno == ENOENT ? 0 : -1;
    return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

int sr_remove_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : KS_ERR_IO;
    if (!S_ISDIR(st.st_mode)) return unlink(path) == 0 ? 0 : KS_ERR_IO;
    /* A folder without write permission (git makes pack files read-only,
     * not folders) would stop the walk; none of ours is. */
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : KS_ERR_IO;
}

/* The folder holding path, and its last component, as new strings. */
static void split_path(const char *path, char **dir, char **base) {
    char *a = ks_strdup(path), *b = ks_strdup(path);
    size_t n = strlen(a);
    while (n > 1 && a[n - 1] == '/') {
        n--;
        a[n] = b[n] = '\0';
    }
    *dir = ks_strdup(dirname(a));
    *base = ks_strdup(basename(b));
    free(a);
    free(b);
}

void sr_current_commit(const char *content, const char *releases, char out[41], int *is_dir) {
    char target[4096];
    ssize_t n;
    struct stat st;
    char *rel_real = NULL, *cur_real = NULL, *cur_dir = NULL, *cur_base = NULL;
    out[0] = '\0';
    *is_dir = 0;
    if (lstat(content, &st) != 0) return;
    if (!S_ISLNK(st.st_mode)) {
        *is_dir = S_ISDIR(st.st_mode);
        return;
    }
    n = readlink(content, target, sizeof target - 1);
    if (n <= 0) return;
    target[n] = '\0';
    /* The link must lead to releases/<commit> itself, and exist. */
    rel_real = realpath(releases, NULL);
    cur_real = realpath(content, NULL);
    if (rel_real && cur_real) {
        split_path(cur_real, &cur_dir, &cur_base);
        if (strcmp(cur_dir, rel_real) == 0 && sr_is_commit(cur_base)) memcpy(out, cur_base, 41);
    }
    free(rel_real);
    free(cur_real);
    free(cur_dir);
    free(cur_base);
}

static void fsync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)fsync(fd);
    close(fd);
}

void sr_flush(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    (void)syncfs(fd);
    close(fd);
}

/* The link's target: relative ("releases/<commit>") when releases is a
 * folder beside the link, so the whole tree can be moved; else absolute. */
static char *link_target(const char *content, const char *releases, const char *commit) {
    char *cdir, *cbase, *rdir, *rbase, *creal, *rreal, *t;
    split_path(content, &cdir, &cbase);
    split_path(releases, &rdir, &rbase);
    creal = realpath(cdir, NULL);
    rreal = realpath(rdir, NULL);
    if (creal && rreal && strcmp(creal, rreal) == 0) {
        t = ks_sprintf("%s/%s", rbase, commit);
    } else {
        char *abs = realpath(releases, NULL);
        t = ks_sprintf("%s/%s", abs ? abs : releases, commit);
        free(abs);
    }
    free(cdir);
    free(cbase);
    free(rdir);
    free(rbase);
    free(creal);
    free(rreal);
    return t;
}

int sr_switch(const char *content, const char *releases, const char *commit) {
    char *dir, *base, *tmp, *target = link_target(content, releases, commit);
    int rc = 0;
    split_path(content, &dir, &base);
    tmp = ks_sprintf("%s/.%s.new-%ld", dir, base, (long)getpid());
    unlink(tmp);
    if (symlink(target, tmp) != 0 || rename(tmp, content) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        rc = KS_ERR_IO;
    } else {
        fsync_dir(dir);
    }
    free(tmp);
    free(dir);
    free(base);
    free(target);
    return rc;
}

void sr_clean_leftovers(const char *content, const char *releases) {
    DIR *d;
    struct dirent *e;
    char *dir, *base, *prefix;
    if ((d = opendir(releases))) {
        while ((e = readdir(d))) {
            if (strncmp(e->d_name, ".tmp-", 5) != 0 && strncmp(e->d_name, ".trash-", 7) != 0) continue;
            char *p = ks_path_join(releases, e->d_name);
            sr_remove_tree(p);
            free(p);
        }
        closedir(d);
    }
    split_path(content, &dir, &base);
    prefix = ks_sprintf(".%s.new-", base);
    if ((d = opendir(dir))) {
        while ((e = readdir(d))) {
            if (strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
            char *p = ks_path_join(dir, e->d_name);
            unlink(p);
            free(p);
        }
        closedir(d);
    }
    free(prefix);
    free(dir);
    free(base);
}

typedef struct rel_entry {
    char name[41];
    struct timespec used; /* the folder's mtime: set when switched to */
} rel_entry;

static int newest_first(const void *a, const void *b) {
    const rel_entry *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec) return x->used.tv_sec < y->used.tv_sec ? 1 : -1;
    if (x->used.tv_nsec != y->used.tv_nsec) return x->used.tv_nsec < y->used.tv_nsec ? 1 : -1;
    return strcmp(x->name, y->name);
}

int sr_prune(const char *releases, const char *current, int keep) {
    DIR *d = opendir(releases);
    struct dirent *e;
    rel_entry *list = NULL;
    size_t n = 0, cap = 0, kept = 0;
    int removed = 0;
    if (!d) return 0;
    while ((e = readdir(d))) {
        struct stat st;
        char *p;
        if (!sr_is_commit(e->d_name)) continue;
        p = ks_path_join(releases, e->d_name);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (n == cap) list = ks_realloc(list, (cap = cap ? cap * 2 : 16) * sizeof *list);
            memcpy(list[n].name, e->d_name, 41);
            list[n].used = st.st_mtim;
            n++;
        }
        free(p);
    }
    closedir(d);
    if (n) qsort(list, n, sizeof *list, newest_first);
    for (size_t i = 0; i < n; i++) {
        char *p, *trash;
        if (current && strcmp(list[i].name, current) == 0) continue; /* always kept, not counted */
        if (kept < (size_t)keep) {
            kept++;
            continue;
        }
        /* Renamed first, so a half-removed release never has a valid name. */
        p = ks_path_join(releases, list[i].name);
        trash = ks_sprintf("%s/.trash-%s-%ld", releases, list[i].name, (long)getpid());
        if (rename(p, trash) == 0) {
            sr_remove_tree(trash);
            removed++;
        }
        free(p);
        free(trash);
    }
    free(list);
    return removed;
}

int sr_write_release_file(const char *dir, const ks_sync_version *v) {
    char *path = ks_path_join(dir, ".kiosk-release");
    char *text = ks_sprintf("commit: %s\ntime: %lld\nsubject: %s\n", v->commit, (long long)v->time, v->subject);
    int rc = ks_write_file_atomic(path, text, strlen(text));
    free(path);
    free(text);
    return rc;
}
