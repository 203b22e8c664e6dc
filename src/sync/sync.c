/* sync: one run of `kiosk sync` (see sync.h for the whole story). */
#include "sync_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct run {
    const ks_sync_options *o;
    ks_sync_state *st;
    char *releases; /* owned */
    char *cache;    /* releases/.cache.git, owned */
    char cur[41];   /* the commit shown now, "" none */
    char err[512];  /* git's last words */
} run;

static ks_sync_result finish(run *r, ks_sync_result res, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static ks_sync_result finish(run *r, ks_sync_result res, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->st->message, sizeof r->st->message, fmt, ap);
    va_end(ap);
    r->st->result = res;
    return res;
}

static void short_desc(const ks_sync_version *v, char *out, size_t cap) {
    char day[16] = "";
    struct tm tm;
    if (!v->commit[0]) {
        snprintf(out, cap, "nothing");
        return;
    }
    if (v->time) {
        localtime_r(&v->time, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
    }
    snprintf(out, cap, "%.7s (%s \"%.120s\")", v->commit, day, v->subject);
}

/* Whether source names something on this machine (a path, not a URL). */
static int is_local(const char *source) {
    const char *colon = strchr(source, ':'), *slash = strchr(source, '/');
    if (strncmp(source, "file://", 7) == 0) return 1;
    return !colon || (slash && slash < colon); /* "host:path" and "scheme://" are remote */
}

/* Which commit the source offers for ref (NULL: HEAD, else main, master, or
 * its only branch). Returns 0 with want filled, 1 unreachable, 2 no such ref. */
static int ask_source(run *r, char want[41], char *refname, size_t cap) {
    const char *argv[] = {"git", "-c", "safe.directory=*", "ls-remote", "--", r->o->source, NULL};
    ks_buf out = {0};
    int rc = sg_git(argv, NULL, &out, r->err, sizeof r->err), found = 0, heads = 0;
    const char *ref = r->o->ref && *r->o->ref ? r->o->ref : NULL;
    char only_head[41] = "", only_name[256] = "";
    static const char *const fallbacks[] = {"HEAD", "refs/heads/main", "refs/heads/master"};
    if (rc != 0) {
        ks_buf_free(&out);
        return 1;
    }
    for (int pass = 0; pass < 3 && !found; pass++) {
        /* ref given: exact, then refs/heads/REF, then refs/tags/REF. Else the fallbacks in order. */
        char name[512];
        if (ref) snprintf(name, sizeof name, pass == 0 ? "%s" : pass == 1 ? "refs/heads/%s" : "refs/tags/%s", ref);
        else snprintf(name, sizeof name, "%s", fallbacks[pass]);
        for (char *line = out.data; line && *line && !found;) {
            char *nl = strchr(line, '\n'), *tab = strchr(line, '\t');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            if (tab && tab - line == 40 && (size_t)(tab - line) < n) {
                size_t nn = n - 41;
                if (pass == 0 && strncmp(tab + 1, "refs/heads/", 11) == 0 && nn < sizeof only_name) {
                    if (!heads++) {
                        memcpy(only_head, line, 40);
                        only_head[40] = '\0';
                        memcpy(only_name, tab + 1, nn);
                        only_name[nn] = '\0';
                    }
                }
                if (strlen(name) == nn && strncmp(tab + 1, name, nn) == 0) {
                    memcpy(want, line, 40);
                    want[40] = '\0';
                    snprintf(refname, cap, "%s", name);
                    found = 1;
                }
            }
            line = nl ? nl + 1 : NULL;
        }
    }
    /* An annotated tag names a tag object; the commit it tags is on the
     * line "refs/tags/v1^{}", and that is what the shown commit is compared
     * with. */
    if (found) {
        char *peeled = ks_sprintf("\t%s^{}\n", refname), *hit = out.data ? strstr(out.data, peeled) : NULL;
        if (hit && hit - out.data >= 40 && (hit - out.data == 40 || hit[-41] == '\n')) {
            memcpy(want, hit - 40, 40);
            want[40] = '\0';
        }
        free(peeled);
    }
    if (!found && !ref && heads == 1) {
        memcpy(want, only_head, 41);
        snprintf(refname, cap, "%s", only_name);
        found = 1;
    }
    ks_buf_free(&out);
    return found && sr_is_commit(want) ? 0 : 2;
}

/* Stale lock files git left when a sync was killed (we hold our own lock,
 * so no git command is running on the cache now). */
static void remove_git_locks(const char *dir, int depth) {
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) return;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char *p;
        if (e->d_name[0] == '.' && (n == 1 || (n == 2 && e->d_name[1] == '.'))) continue;
        if (depth == 0 && strcmp(e->d_name, "objects") == 0) continue;
        p = ks_path_join(dir, e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".lock") == 0) unlink(p);
        else if (e->d_type == DT_DIR && depth < 8) remove_git_locks(p, depth + 1);
        free(p);
    }
    closedir(d);
}

static int ensure_cache(run *r) {
    struct stat st;
    char *head = ks_path_join(r->cache, "HEAD"), *tmp;
    int ok = stat(head, &st) == 0;
    free(head);
    if (ok) {
        remove_git_locks(r->cache, 0);
        return 0;
    }
    sr_remove_tree(r->cache);
    /* Made aside and renamed: a killed `git init` leaves no half repository. */
    tmp = ks_sprintf("%s/.tmp-cache-%ld", r->releases, (long)getpid());
    {
        const char *argv[] = {"git", "init", "--bare", "--quiet", tmp, NULL};
        ok = sg_git(argv, NULL, NULL, r->err, sizeof r->err) == 0 && rename(tmp, r->cache) == 0;
    }
    if (!ok) sr_remove_tree(tmp);
    free(tmp);
    return ok ? 0 : -1;
}

/* The commit's date and message from the cache. */
static void describe_commit(run *r, const char *commit, ks_sync_version *v) {
    const char *argv[] = {"git", "--git-dir", r->cache, "log", "-1", "--format=%ct%n%s", commit, "--", NULL};
    ks_buf out = {0};
    memset(v, 0, sizeof *v);
    memcpy(v->commit, commit, 41);
    if (sg_git(argv, NULL, &out, r->err, sizeof r->err) == 0 && out.data) {
        char *nl = strchr(out.data, '\n');
        v->time = (time_t)strtoll(out.data, NULL, 10);
        if (nl) {
            char *end = strchr(nl + 1, '\n');
            if (end) *end = '\0';
            snprintf(v->subject, sizeof v->subject, "%s", nl + 1);
        }
    }
    ks_buf_free(&out);
}

/* Check the release folder dir as `kiosk check` does; on errors, fill the
 * state's problems and return the error count (or -1 when unreadable). */
static long check_release(run *r, const char *dir) {
    int err = 0;
    ks_store *s = ks_store_load(dir, r->o->store_opts, &err);
    size_t errors, used = 0;
    char *p = r->st->problems;
    p[0] = '\0';
    if (!s) {
        snprintf(p, KS_SYNC_MAX_PROBLEMS, ".:1: error: the checked-out folder cannot be read\n");
        return -1;
    }
    errors = ks_store_error_count(s);
    if (!errors && ks_store_page_count(s) == 0) {
        snprintf(p, KS_SYNC_MAX_PROBLEMS, ".:1: error: this version has no pages at all\n");
        ks_store_free(s);
        return 1;
    }
    for (size_t i = 0; i < ks_store_diag_count(s); i++) {
        const ks_diag *d = ks_store_diag(s, i);
        char line[1024];
        int n;
        if (d->severity != KS_DIAG_ERROR) continue;
        n = snprintf(line, sizeof line, "%s:%d: error: %s\n", d->path, d->line, d->message);
        if (n < 0) continue;
        if ((size_t)n >= sizeof line) n = (int)sizeof line - 1;
        if (used + (size_t)n + 64 >= KS_SYNC_MAX_PROBLEMS) {
            snprintf(p + used, KS_SYNC_MAX_PROBLEMS - used, "... and more: run 'kiosk check' on this version\n");
            break;
        }
        memcpy(p + used, line, (size_t)n);
        used += (size_t)n;
        p[used] = '\0';
    }
    ks_store_free(s);
    return (long)errors;
}

/* Fetch want into the cache, check it out aside and check it. Returns 0
 * when releases/<want> is ready, 1 refused, -1 unreachable, -2 failed
 * (message set). */
static int prepare(run *r, const char *refname, char want[41], ks_sync_version *v) {
    char *refspec, *staging, *index_file, *final;
    ks_buf out = {0};
    long errors;
    int rc;
    if (ensure_cache(r) != 0) {
        finish(r, KS_SYNC_FAILED, "cannot make the git cache %s: %s", r->cache, r->err);
        return -2;
    }
    refspec = ks_sprintf("+%s:refs/kiosk/incoming", refname);
    {
        const char *argv[] = {"git", "-c", "safe.directory=*", "--git-dir", r->cache, "fetch", "--quiet",
                              "--no-tags", "--no-write-fetch-head", "--", r->o->source, refspec, NULL};
        rc = sg_git(argv, NULL, NULL, r->err, sizeof r->err);
    }
    free(refspec);
    if (rc != 0) {
        finish(r, KS_SYNC_UNREACHABLE, "could not fetch from %s: %s; nothing changed", r->o->source, r->err);
        return -1;
    }
    {
        const char *argv[] = {"git", "--git-dir", r->cache, "rev-parse", "--verify", "--quiet",
                              "refs/kiosk/incoming^{commit}", NULL};
        rc = sg_git(argv, NULL, &out, r->err, sizeof r->err);
    }
    if (rc != 0 || out.len < 40 || (out.data[40] = '\0', !sr_is_commit(out.data))) {
        ks_buf_free(&out);
        finish(r, KS_SYNC_FAILED, "%s offers %s, which is not a commit", r->o->source, refname);
        return -2;
    }
    memcpy(want, out.data, 41); /* what was really fetched (the source may have moved on) */
    ks_buf_free(&out);
    describe_commit(r, want, v);
    final = ks_path_join(r->releases, want);
    if (access(final, F_OK) == 0 || !strcmp(want, r->cur)) {
        free(final);
        return 0;
    }
    staging = ks_sprintf("%s/.tmp-%s-%ld", r->releases, want, (long)getpid());
    index_file = ks_sprintf("%s.index", staging);
    rc = mkdir(staging, 0755) == 0 ? 0 : -1;
    if (rc == 0) {
        const char *argv[] = {"git", "--git-dir", r->cache, "--work-tree", staging, "read-tree", "--reset", "-u",
                              want, NULL};
        rc = sg_git(argv, index_file, NULL, r->err, sizeof r->err);
    }
    unlink(index_file);
    free(index_file);
    if (rc != 0) {
        finish(r, KS_SYNC_FAILED, "cannot check out %.7s into %s: %s", want, staging,
               r->err[0] ? r->err : strerror(errno));
        sr_remove_tree(staging);
        free(staging);
        free(final);
        return -2;
    }
    errors = check_release(r, staging);
    if (errors != 0) {
        sr_remove_tree(staging);
        free(staging);
        free(final);
        return 1;
    }
    r->st->problems[0] = '\0';
    /* On disk before it gets its real name: after a power cut a release is
     * complete or absent. */
    rc = sr_write_release_file(staging, v);
    sr_flush(staging);
    if (rc != 0 || rename(staging, final) != 0) {
        finish(r, KS_SYNC_FAILED, "cannot store the new version in %s: %s", r->releases, strerror(errno));
        sr_remove_tree(staging);
        free(staging);
        free(final);
        return -2;
    }
    free(staging);
    free(final);
    return 0;
}

static ks_sync_result run_locked(run *r) {
    const ks_sync_options *o = r->o;
    ks_sync_state *st = r->st;
    ks_sync_state prev = *st;
    char want[41], refname[512], cur_desc[200], new_desc[200];
    int is_dir = 0, rc;
    ks_sync_version v;

    sr_clean_leftovers(o->content, r->releases);
    sr_current_commit(o->content, r->releases, r->cur, &is_dir);
    if (is_dir)
        return finish(r, KS_SYNC_FAILED,
                      "%s is a folder, not the link kiosk sync keeps: move it away, or point the kiosk at "
                      "another path (kiosk sync makes a link there)",
                      o->content);
    if (r->cur[0]) {
        if (ks_sync_release_version(o->content, &st->current) != KS_OK || strcmp(st->current.commit, r->cur))
            describe_commit(r, r->cur, &st->current);
    } else {
        memset(&st->current, 0, sizeof st->current);
    }
    short_desc(&st->current, cur_desc, sizeof cur_desc);

    if (is_local(o->source) && strncmp(o->source, "file://", 7) != 0 && access(o->source, F_OK) != 0)
        return finish(r, KS_SYNC_UNREACHABLE, "the source %s is not there (%s); nothing changed, still showing %s",
                      o->source, strerror(errno), cur_desc);
    rc = ask_source(r, want, refname, sizeof refname);
    if (rc == 1)
        return finish(r, KS_SYNC_UNREACHABLE, "could not reach %s: %s; nothing changed, still showing %s", o->source,
                      r->err[0] ? r->err : "no answer", cur_desc);
    st->last_reached = time(NULL);
    if (rc == 2)
        return finish(r, KS_SYNC_FAILED, "%s has no %s to show", o->source,
                      o->ref && *o->ref ? o->ref : "HEAD, main or master branch");
    if (!strcmp(want, r->cur)) {
        memset(&st->refused, 0, sizeof st->refused); /* the source went back to a good version */
        st->problems[0] = '\0';
        return finish(r, KS_SYNC_UP_TO_DATE, "up to date: showing %s", cur_desc);
    }
    if (!strcmp(want, prev.refused.commit)) {
        short_desc(&prev.refused, new_desc, sizeof new_desc);
        return finish(r, KS_SYNC_REFUSED, "still refusing %s (errors, see below); still showing %s", new_desc,
                      cur_desc);
    }
    rc = prepare(r, refname, want, &v);
    if (rc == 1) {
        long n = 0;
        for (const char *p = st->problems; *p; p++) n += *p == '\n';
        st->refused = v;
        short_desc(&v, new_desc, sizeof new_desc);
        return finish(r, KS_SYNC_REFUSED, "refused %s: %ld error%s; still showing %s", new_desc, n, n == 1 ? "" : "s",
                      cur_desc);
    }
    if (rc < 0) return st->result;
    if (!strcmp(want, r->cur)) { /* the source moved back while we asked */
        memset(&st->refused, 0, sizeof st->refused);
        st->problems[0] = '\0';
        return finish(r, KS_SYNC_UP_TO_DATE, "up to date: showing %s", cur_desc);
    }
    {
        char *final = ks_path_join(r->releases, want);
        ks_sync_version fv;
        if (ks_sync_release_version(final, &fv) == KS_OK && !strcmp(fv.commit, want)) v = fv;
        (void)utimensat(AT_FDCWD, final, NULL, 0); /* "used now", for pruning */
        free(final);
    }
    if (sr_switch(o->content, r->releases, want) != 0)
        return finish(r, KS_SYNC_FAILED, "cannot point %s at the new version: %s", o->content, strerror(errno));
    st->current = v;
    memset(&st->refused, 0, sizeof st->refused);
    st->problems[0] = '\0';
    short_desc(&v, new_desc, sizeof new_desc);
    sr_prune(r->releases, want, o->keep > 0 ? o->keep : 0);
    {
        const char *argv[] = {"git", "--git-dir", r->cache, "gc", "--auto", "--quiet", NULL};
        char ignored[64];
        if (access(r->cache, F_OK) == 0) sg_git(argv, NULL, NULL, ignored, sizeof ignored);
    }
    return finish(r, KS_SYNC_SWITCHED, "switched to %s (was %s)", new_desc, cur_desc);
}

ks_sync_result ks_sync_run(const ks_sync_options *o, ks_sync_state *st) {
    run r;
    int lock_fd = -1;
    char *lock_path;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.st = st;
    if (ks_sync_state_load(o->state, st) != KS_OK) memset(st, 0, sizeof *st);
    st->message[0] = '\0';
    if (!o->content || !*o->content) {
        finish(&r, KS_SYNC_FAILED, "no content link given");
        goto out;
    }
    if (o->releases && *o->releases) {
        r.releases = ks_strdup(o->releases);
    } else {
        /* "releases" beside the link */
        char *copy = ks_strdup(o->content), *slash;
        size_t n = strlen(copy);
        while (n > 1 && copy[n - 1] == '/') copy[--n] = '\0';
        slash = strrchr(copy, '/');
        if (slash) {
            *slash = '\0';
            r.releases = ks_path_join(slash == copy ? "/" : copy, "releases");
        } else {
            r.releases = ks_strdup("releases");
        }
        free(copy);
    }
    r.cache = ks_path_join(r.releases, ".cache.git");
    if (!o->source || !*o->source) {
        finish(&r, KS_SYNC_FAILED, "no source: set 'source' in the [sync] section of the configuration, or give --source");
        goto out;
    }
    if (ks_make_dirs(r.releases, 0755) != 0) {
        finish(&r, KS_SYNC_FAILED, "cannot make the releases folder %s: %s", r.releases, strerror(errno));
        goto out;
    }
    lock_path = ks_path_join(r.releases, ".lock");
    lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(lock_path);
    if (lock_fd < 0) {
        finish(&r, KS_SYNC_FAILED, "cannot open the lock in %s: %s", r.releases, strerror(errno));
        goto out;
    }
    while (flock(lock_fd, LOCK_EX) != 0)
        if (errno != EINTR) break;
    /* Another sync may have run while we waited: read its state again. */
    {
        ks_sync_state again;
        if (ks_sync_state_load(o->state, &again) == KS_OK) *st = again;
        st->message[0] = '\0';
    }
    run_locked(&r);
out:
    st->last_run = time(NULL);
    if (o->state && ks_sync_state_save(o->state, st) != KS_OK)
        ks_log("cannot save the sync state to %s: %s", o->state, strerror(errno));
    if (lock_fd >= 0) close(lock_fd); /* releases the lock */
    free(r.releases);
    free(r.cache);
    return st->result;
}
