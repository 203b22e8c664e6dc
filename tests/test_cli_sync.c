/* kiosk sync, end to end: a bare repository as the clinic's central
 * source, two kiosks syncing from it, a bundle file as a USB stick would
 * carry, `kiosk sync` killed with SIGKILL at random moments (50 times), and a
 * running headless kiosk reading the `current` link while it is switched.
 *
 * Everything goes through the real binaries (kiosk and git); the test
 * asserts what ends up on disk and on screen, never how long it took,
 * except the "visible within 3 s of the switch". */
#include "harness.h"

#include "kiosk/base.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers */

static char root[64]; /* the test's temporary folder */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...) {
    va_list ap;
    ks_buf cmd = {0};
    int rc;
    va_start(ap, fmt);
    ks_buf_vprintf(&cmd, fmt, ap);
    va_end(ap);
    rc = system(cmd.data);
    rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    ks_buf_free(&cmd);
    return rc;
}

/* Run a shell command; its stdout+stderr in a new string, status in *rc. */
static char *capture(int *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *capture(int *rc, const char *fmt, ...) {
    va_list ap;
    ks_buf cmd = {0}, out = {0};
    char chunk[4096];
    size_t n;
    FILE *p;
    int st;
    va_start(ap, fmt);
    ks_buf_vprintf(&cmd, fmt, ap);
    va_end(ap);
    ks_buf_puts(&cmd, " 2>&1");
    p = popen(cmd.data, "r");
    ks_buf_free(&cmd);
    if (!p) {
        *rc = -1;
        return ks_strdup("");
    }
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) ks_buf_append(&out, chunk, n);
    st = pclose(p);
    *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return ks_buf_detach(&out);
}

static char *read_text(const char *path) {
    char *t = NULL;
    size_t n;
    if (ks_read_file(path, 1 << 22, &t, &n) != KS_OK) return ks_strdup("");
    return t;
}

/* Commit everything in the work clone and push it; returns the commit id
 * (static buffer per call site is not needed: a new string). */
static char *commit_push(const char *work, const char *message) {
    int rc;
    char *out;
    sh("cd '%s' && git add -A && git commit -q -m '%s' && git push -q origin HEAD:main 2>/dev/null", work, message);
    out = capture(&rc, "git -C '%s' rev-parse HEAD", work);
    out[strcspn(out, "\n")] = '\0';
    return out;
}

/* The commit `current` in kiosk folder k points to, "" if none. */
static char *current_commit(const char *k) {
    char *link = ks_sprintf("%s/current", k), *real = realpath(link, NULL), *slash;
    char *r;
    free(link);
    if (!real) return ks_strdup("");
    slash = strrchr(real, '/');
    r = ks_strdup(slash ? slash + 1 : real);
    free(real);
    return r;
}

/* Run `kiosk sync` for kiosk folder k from source; output in a new string. */
static char *sync_kiosk(const char *k, const char *source, int *rc, const char *extra) {
    return capture(rc, "'%s' sync --source '%s' --content '%s/current' --db '%s/index.db' %s", KIOSK_BIN, source, k,
                   k, extra ? extra : "");
}

static char *page_md(const char *title, const char *section, const char *body) {
    return ks_sprintf("---\ntitle: %s\nsection: %s\norder: 3\nsummary: A short line.\nreviewed: 2026-11-01\n---\n\n"
                      "# %s\n\n%s\n",
                      title, section, title, body);
}

/* A central bare repository and a staff member's clone with the watch
 * fixture's pages, first commit pushed. */
static char *setup_central(const char *name, char **work_out) {
    char *central = ks_sprintf("%s/%s.git", root, name), *work = ks_sprintf("%s/%s-work", root, name);
    sh("git init -q --bare -b main '%s' && git clone -q '%s' '%s' 2>/dev/null && cp -R '%s/watch/content/.' '%s/'",
       central, central, work, KIOSK_FIXTURES, work);
    *work_out = work;
    return central;
}

/* ------------------------------------------------------------ two kiosks */

static void test_two_kiosks(void) {
    char *work, *central = setup_central("central", &work);
    char *k1 = ks_sprintf("%s/k1", root), *k2 = ks_sprintf("%s/k2", root);
    char *c1, *c2, *c3, *c4, *out, *p, *text, *cur;
    int rc;

    /* 1. The first good commit reaches both kiosks. */
    c1 = commit_push(work, "First pages");
    for (int i = 0; i < 2; i++) {
        const char *k = i ? k2 : k1;
        out = sync_kiosk(k, central, &rc, NULL);
        INT_EQ(rc, 0);
        STR_CONTAINS(out, "switched to");
        free(out);
        cur = current_commit(k);
        STR_EQ(cur, c1);
        free(cur);
        out = capture(&rc, "'%s' check --content '%s/current' 2>&1", KIOSK_BIN, k);
        INT_EQ(rc, 0);
        free(out);
    }
    /* Nothing new: up to date, exit 0. */
    out = sync_kiosk(k1, central, &rc, NULL);
    INT_EQ(rc, 0);
    STR_CONTAINS(out, "up to date");
    free(out);
    out = sync_kiosk(k1, central, &rc, "--quiet");
    INT_EQ(rc, 0);
    STR_EQ(out, ""); /* the timer's runs say nothing when nothing changed */
    free(out);

    /* 2. A second good commit reaches both. */
    p = ks_sprintf("%s/knee/recovery.md", work);
    text = page_md("Recovery", "recovery", "Version two: walk a little every day.");
    harness_write_text(p, text);
    free(text);
    c2 = commit_push(work, "Recovery: walk every day");
    for (int i = 0; i < 2; i++) {
        const char *k = i ? k2 : k1;
        char *f = ks_sprintf("%s/current/knee/recovery.md", k), *got;
        out = sync_kiosk(k, central, &rc, NULL);
        INT_EQ(rc, 0);
        free(out);
        got = read_text(f);
        STR_CONTAINS(got, "Version two");
        free(got);
        free(f);
    }

    /* 3. A commit with an error reaches neither; each says which and why. */
    text = ks_sprintf("---\ntitle: [Recovery\nsection: recovery\nsummary: x\n---\n\nBroken.\n");
    harness_write_text(p, text);
    free(text);
    c3 = commit_push(work, "Broken recovery page");
    for (int i = 0; i < 2; i++) {
        const char *k = i ? k2 : k1;
        char *f = ks_sprintf("%s/current/knee/recovery.md", k), *got, *want = ks_sprintf("refused %.7s", c3);
        out = sync_kiosk(k, central, &rc, NULL);
        INT_EQ(rc, 1);
        STR_CONTAINS(out, want);
        STR_CONTAINS(out, "Broken recovery page");
        STR_CONTAINS(out, "knee/recovery.md:2: error:");
        free(out);
        cur = current_commit(k);
        STR_EQ(cur, c2);
        free(cur);
        got = read_text(f);
        STR_CONTAINS(got, "Version two");
        free(got);
        /* The state and `kiosk stats` say so too. */
        out = capture(&rc, "'%s' stats --content '%s/current' --db '%s/index.db'", KIOSK_BIN, k, k);
        INT_EQ(rc, 0);
        STR_CONTAINS(out, "page views: 0");
        STR_CONTAINS(out, "Refused version:");
        STR_CONTAINS(out, "knee/recovery.md:2: error:");
        free(out);
        free(f);
        free(want);
    }
    /* The same checks as `kiosk check`: every error line it prints for the
     * staff member's copy is in what kiosk sync printed. */
    {
        char *check = capture(&rc, "'%s' check --content '%s' 2>/dev/null", KIOSK_BIN, work), *line, *next;
        char *sync_out = sync_kiosk(k1, central, &rc, NULL);
        int errors = 0;
        for (line = check; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next) *next++ = '\0';
            if (!strstr(line, ": error: ")) continue;
            errors++;
            STR_CONTAINS(sync_out, line);
        }
        OK(errors > 0);
        free(check);
        free(sync_out);
    }
    /* Asked again: still refused, without checking it all again. */
    out = sync_kiosk(k1, central, &rc, NULL);
    INT_EQ(rc, 1);
    STR_CONTAINS(out, "still refusing");
    free(out);

    /* 4. The fix reaches both, the refusal is forgotten. */
    text = page_md("Recovery", "recovery", "Version four: fixed.");
    harness_write_text(p, text);
    free(text);
    c4 = commit_push(work, "Fix the recovery page");
    for (int i = 0; i < 2; i++) {
        const char *k = i ? k2 : k1;
        out = sync_kiosk(k, central, &rc, "--keep 1");
        INT_EQ(rc, 0);
        free(out);
        cur = current_commit(k);
        STR_EQ(cur, c4);
        free(cur);
        out = capture(&rc, "'%s' stats --json --content '%s/current' --db '%s/index.db'", KIOSK_BIN, k, k);
        STR_CONTAINS(out, "\"result\":\"switched\"");
        STR_CONTAINS(out, "\"refused\":null");
        STR_CONTAINS(out, "\"subject\":\"Fix the recovery page\"");
        free(out);
    }
    /* --keep 1: the current release and one before it, nothing else. */
    out = capture(&rc, "ls '%s/releases'", k1);
    {
        int lines = 0;
        for (char *q = out; *q; q++) lines += *q == '\n';
        INT_EQ(lines, 2);
    }
    OK(strstr(out, c4) && strstr(out, c2) && !strstr(out, c1));
    free(out);

    /* 5. Going back to an earlier version (the staff guide's way): revert
     * the last two commits; the result is a new commit with version two's
     * pages, and it goes out like any other. */
    sh("cd '%s' && git revert --no-edit HEAD~2..HEAD >/dev/null && git push -q origin HEAD:main 2>/dev/null",
       work);
    out = sync_kiosk(k1, central, &rc, NULL);
    INT_EQ(rc, 0);
    STR_CONTAINS(out, "switched to");
    free(out);
    {
        char *f = ks_sprintf("%s/current/knee/recovery.md", k1);
        out = read_text(f);
        STR_CONTAINS(out, "Version two");
        free(out);
        free(f);
    }

    /* --ref: an annotated tag, compared by the commit it tags. */
    sh("git -C '%s' tag -a v2 -m 'Version two' %s && git -C '%s' push -q origin v2 2>/dev/null", work, c2, work);
    out = sync_kiosk(k2, central, &rc, "--ref v2");
    INT_EQ(rc, 0);
    free(out);
    cur = current_commit(k2);
    STR_EQ(cur, c2);
    free(cur);
    out = sync_kiosk(k2, central, &rc, "--ref v2");
    STR_CONTAINS(out, "up to date");
    free(out);
    out = sync_kiosk(k2, central, &rc, NULL);
    STR_CONTAINS(out, "switched to");
    free(out);

    /* 6. No network: the source gone, nothing changes, exit 3, a clear
     * "last synced" time stays. */
    {
        char *before = current_commit(k2);
        sh("mv '%s' '%s.away'", central, central);
        out = sync_kiosk(k2, central, &rc, NULL);
        INT_EQ(rc, 3);
        STR_CONTAINS(out, "nothing changed");
        free(out);
        cur = current_commit(k2);
        STR_EQ(cur, before);
        OK(strlen(cur) == 40);
        free(cur);
        free(before);
    }
    out = capture(&rc, "'%s' stats --content '%s/current' --db '%s/index.db'", KIOSK_BIN, k2, k2);
    STR_CONTAINS(out, "is not there");
    STR_CONTAINS(out, "Last synced with the source:");
    free(out);
    sh("mv '%s.away' '%s'", central, central);

    free(p);
    free(c1);
    free(c2);
    free(c3);
    free(c4);
    free(k1);
    free(k2);
    free(central);
    free(work);
}

/* ------------------------------------------------------------ a bundle on a stick */

static void test_bundle(void) {
    char *work, *central = setup_central("stick", &work);
    char *k3 = ks_sprintf("%s/k3", root), *k4 = ks_sprintf("%s/k4", root);
    char *media = ks_sprintf("%s/media", root), *bundle = ks_sprintf("%s/clinic.bundle", root);
    char *c1, *c2, *out, *cur, *p, *text;
    int rc;
    pid_t watcher;

    c1 = commit_push(work, "First pages");
    INT_EQ(sh("git -C '%s' bundle create -q '%s' --all", work, bundle), 0);
    out = sync_kiosk(k3, bundle, &rc, NULL);
    INT_EQ(rc, 0);
    STR_CONTAINS(out, "switched to");
    free(out);
    cur = current_commit(k3);
    STR_EQ(cur, c1);
    free(cur);

    /* A broken version on the stick is refused the same way. */
    p = ks_sprintf("%s/about.md", work);
    harness_write_text(p, "---\ntitle: About\nsummary: x\n---\n\nNo section line above.\n");
    free(commit_push(work, "About without a section"));
    INT_EQ(sh("git -C '%s' bundle create -q '%s' --all", work, bundle), 0);
    out = sync_kiosk(k3, bundle, &rc, NULL);
    INT_EQ(rc, 1);
    STR_CONTAINS(out, "about.md:");
    STR_CONTAINS(out, "About without a section");
    free(out);
    cur = current_commit(k3);
    STR_EQ(cur, c1);
    free(cur);

    /* The fixed version, as a bundle of one branch without HEAD, on a stick
     * mounted while `kiosk sync --watch-usb` runs. */
    text = page_md("About", "about", "Fixed on the stick.");
    harness_write_text(p, text);
    free(text);
    c2 = commit_push(work, "About fixed");
    sh("mkdir -p '%s'", media);
    watcher = fork();
    if (watcher == 0) {
        char *content = ks_sprintf("%s/current", k4), *db = ks_sprintf("%s/index.db", k4);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execl(KIOSK_BIN, KIOSK_BIN, "sync", "--watch-usb", media, "--interval", "0.2", "--content", content, "--db", db,
              (char *)NULL);
        _exit(127);
    }
    usleep(300 * 1000);
    /* Where an automounter puts it: /media/USER/LABEL/. */
    INT_EQ(sh("mkdir -p '%s/staff/STICK' && git -C '%s' bundle create -q '%s/staff/STICK/clinic-pages.bundle' main",
              media, work, media),
           0);
    for (double until = ks_now_ms() + 15000; ks_now_ms() < until; usleep(100 * 1000)) {
        cur = current_commit(k4);
        int done = strcmp(cur, c2) == 0;
        free(cur);
        if (done) break;
    }
    cur = current_commit(k4);
    STR_EQ(cur, c2);
    free(cur);
    kill(watcher, SIGTERM);
    {
        int st = 0;
        waitpid(watcher, &st, 0);
        OK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    free(p);
    free(c1);
    free(c2);
    free(k3);
    free(k4);
    free(media);
    free(bundle);
    free(central);
    free(work);
}

/* ------------------------------------------------------------ SIGKILL */

/* Whether kiosk folder k's current is one of the good commits, complete:
 * the same files with the same bytes as the reference checkout. */
static int current_is_complete_good(const char *k, char *const *good, int n_good, char *which, size_t cap) {
    char *cur = current_commit(k);
    int ok = 0;
    snprintf(which, cap, "%s", cur);
    for (int i = 0; i < n_good && !ok; i++)
        if (!strcmp(cur, good[i]))
            ok = sh("diff -r -q --exclude=.kiosk-release '%s/ref-%s' '%s/current/' >/dev/null", root, good[i], k) == 0;
    free(cur);
    return ok;
}

static void generate_pages(const char *work, const char *variant) {
    for (int t = 0; t < 4; t++) {
        char *dir = ks_sprintf("%s/topic%d", work, t), *p, *text;
        mkdir(dir, 0755);
        p = ks_sprintf("%s/index.md", dir);
        text = ks_sprintf("---\ntitle: Topic %d\norder: %d\nsummary: Generated topic.\n---\n\n# Topic %d\n\n%s\n", t, t,
                          t, variant);
        harness_write_text(p, text);
        free(p);
        free(text);
        for (int i = 0; i < 100; i++) {
            char title[64], body[512];
            snprintf(title, sizeof title, "Page %d of topic %d", i, t);
            snprintf(body, sizeof body,
                     "This page (%s) says what to expect after the visit. Rest, walk a little, and call the "
                     "clinic when the pain grows instead of easing. Page %d.",
                     variant, i);
            p = ks_sprintf("%s/page%03d.md", dir, i);
            text = page_md(title, "extra", body);
            harness_write_text(p, text);
            free(p);
            free(text);
        }
        free(dir);
    }
}

static void test_sigkill(void) {
    char *work, *central = setup_central("killed", &work);
    char *k = ks_sprintf("%s/k5", root), *good[3], *bad, *p, *out;
    unsigned seed = (unsigned)time(NULL);
    double full_ms = 0;
    int rc, during = 0, after = 0, completions = 0, ok_all = 1;
    const int runs = 50;

    generate_pages(work, "version A");
    good[0] = commit_push(work, "Version A");
    generate_pages(work, "version B");
    good[1] = commit_push(work, "Version B");
    generate_pages(work, "version D");
    good[2] = commit_push(work, "Version D");
    p = ks_sprintf("%s/topic2/page050.md", work);
    harness_write_text(p, "---\ntitle: [broken\n---\n");
    bad = commit_push(work, "Version C, broken");
    free(p);
    for (int i = 0; i < 3; i++)
        sh("mkdir '%s/ref-%s' && git -C '%s' archive '%s' | tar -x -C '%s/ref-%s'", root, good[i], work, good[i], root,
           good[i]);

    /* A clean sync to A, then one to B timed: the kills land within that. */
    sh("git --git-dir='%s' update-ref refs/heads/main %s", central, good[0]);
    free(sync_kiosk(k, central, &rc, NULL));
    INT_EQ(rc, 0);
    sh("git --git-dir='%s' update-ref refs/heads/main %s", central, good[1]);
    {
        double t0 = ks_now_ms();
        free(sync_kiosk(k, central, &rc, NULL));
        full_ms = ks_now_ms() - t0;
    }
    INT_EQ(rc, 0);
    printf("sigkill: a full sync of %d pages takes %.0f ms; seed %u\n", 4 * 101 + 5, full_ms, seed);

    srand(seed);
    for (int run = 0; run < runs; run++) {
        /* Mostly the next good version in the round A, B, D: with --keep 1
         * it is the one pruned, so a full fetch, checkout, check and switch
         * is interrupted; else the broken one. */
        char *shown = current_commit(k);
        int at = !strcmp(shown, good[0]) ? 0 : !strcmp(shown, good[1]) ? 1 : 2;
        const char *target = rand() % 3 == 0 ? bad : good[(at + 1) % 3];
        char which[64];
        pid_t pid;
        int st;
        useconds_t delay = (useconds_t)((double)rand() / RAND_MAX * full_ms * 1000.0);
        free(shown);
        sh("git --git-dir='%s' update-ref refs/heads/main %s", central, target);
        pid = fork();
        if (pid == 0) {
            char *content = ks_sprintf("%s/current", k), *db = ks_sprintf("%s/index.db", k);
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
            execl(KIOSK_BIN, KIOSK_BIN, "sync", "--source", central, "--content", content, "--db", db, "--keep", "1",
                  (char *)NULL);
            _exit(127);
        }
        usleep(delay);
        if (waitpid(pid, &st, WNOHANG) == 0) {
            during++;
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
        } else {
            after++;
        }
        if (!current_is_complete_good(k, good, 3, which, sizeof which)) {
            ok_all = 0;
            harness_fail(__FILE__, __LINE__, "run %d (kill after %u us): current is '%s', not a complete good version",
                         run, (unsigned)delay, which);
        }
        /* Now and then a sync runs to its end: it must recover from
         * whatever the kill left and land where it should. */
        if (run % 5 == 4) {
            char *cur;
            completions++;
            out = sync_kiosk(k, central, &rc, "--keep 1");
            OK(rc == (target == bad ? 1 : 0));
            cur = current_commit(k);
            if (target != bad) STR_EQ(cur, target);
            else OK(!strcmp(cur, good[0]) || !strcmp(cur, good[1]) || !strcmp(cur, good[2]));
            free(cur);
            free(out);
            out = capture(&rc, "ls -A '%s/releases' | grep -c -e '^\\.tmp-' -e '^\\.trash-'", k);
            STR_EQ(out, "0\n"); /* leftovers cleaned */
            free(out);
        }
    }
    OK(during > 10); /* most kills must really interrupt a sync */
    printf("sigkill: %d runs, %d killed while syncing, %d had finished; %d completions after kills; current was a "
           "complete good version every time: %s\n",
           runs, during, after, completions, ok_all ? "yes" : "NO");
    free(good[0]);
    free(good[1]);
    free(good[2]);
    free(bad);
    free(k);
    free(central);
    free(work);
}

/* ------------------------------------------------------------ a running kiosk */

typedef harness_kiosk kiosk;

/* A headless kiosk on content and db, answering on a pipe. */
static int kiosk_start(kiosk *kk, const char *content, const char *db) {
    char *argv[] = {KIOSK_BIN, "run", "--script", "-", "--size", "1080x1920", "--content", (char *)content, "--db",
                    (char *)db, NULL};
    return harness_kiosk_start(kk, argv, NULL, NULL);
}

static void test_running_kiosk(void) {
    char *work, *central = setup_central("live", &work);
    char *k = ks_sprintf("%s/k6", root), *content = ks_sprintf("%s/current", k), *db = ks_sprintf("%s/index.db", k);
    char *c1, *c2, *out, *p, *text, *want;
    const char *a;
    kiosk kk;
    int rc, seen = 0;
    double switched, visible = 0;

    c1 = commit_push(work, "First pages");
    free(sync_kiosk(k, central, &rc, NULL));
    INT_EQ(rc, 0);
    OK(kiosk_start(&kk, content, db) == 0);
    STR_EQ(harness_kiosk_ask(&kk, "open page:knee/recovery"), "ok");
    STR_CONTAINS(harness_kiosk_ask(&kk, "shown"), "crutches");
    want = ks_sprintf("Content version: %.7s", c1);
    STR_CONTAINS(harness_kiosk_ask(&kk, "status"), want);
    free(want);

    p = ks_sprintf("%s/knee/recovery.md", work);
    text = page_md("Recovery", "recovery", "Synced while the kiosk runs: rest the knee for two days.");
    harness_write_text(p, text);
    free(text);
    free(p);
    c2 = commit_push(work, "Two days of rest");
    out = sync_kiosk(k, central, &rc, NULL);
    switched = ks_now_ms(); /* kiosk sync has ended: the link is switched */
    INT_EQ(rc, 0);
    free(out);
    while (ks_now_ms() - switched < 10000) {
        a = harness_kiosk_ask(&kk, "shown");
        if (strstr(a, "two days")) {
            visible = ks_now_ms() - switched;
            seen = 1;
            break;
        }
        usleep(20 * 1000);
    }
    OK(seen);
    printf("running kiosk: the new version was on screen %.0f ms after kiosk sync ended (limit 3000)\n", visible);
    OK(visible <= 3000);
    /* The page being read refreshed in place; the staff status names the
     * version and the sync. */
    STR_CONTAINS(harness_kiosk_ask(&kk, "screen"), "page:knee/recovery");
    a = harness_kiosk_ask(&kk, "status");
    want = ks_sprintf("Content version: %.7s", c2);
    STR_CONTAINS(a, want);
    STR_CONTAINS(a, "\"Two days of rest\"");
    STR_CONTAINS(a, "Last sync: ");
    STR_CONTAINS(a, "switched");
    free(want);

    /* A refused version: the kiosk keeps showing c2, the status says why. */
    p = ks_sprintf("%s/knee/recovery.md", work);
    harness_write_text(p, "no front matter at all\n");
    free(p);
    free(commit_push(work, "Recovery without its header"));
    out = sync_kiosk(k, central, &rc, NULL);
    INT_EQ(rc, 1);
    free(out);
    usleep(500 * 1000);
    STR_CONTAINS(harness_kiosk_ask(&kk, "shown"), "two days");
    a = harness_kiosk_ask(&kk, "status");
    STR_CONTAINS(a, "Refused version:");
    STR_CONTAINS(a, "Recovery without its header");
    STR_CONTAINS(a, "knee/recovery.md:1: error:");

    /* The staff screen itself (hold the corner, PIN 2580, OK; coordinates
     * as in test_watch_kiosk), saved to look at. */
    STR_EQ(harness_kiosk_ask(&kk, "drag 30 30 31 31 5300"), "ok");
    STR_EQ(harness_kiosk_ask(&kk, "screen"), "staff-pin");
    harness_kiosk_ask(&kk, "tap 356 233");
    harness_kiosk_ask(&kk, "tap 356 389");
    harness_kiosk_ask(&kk, "tap 356 491");
    harness_kiosk_ask(&kk, "tap 356 593");
    harness_kiosk_ask(&kk, "tap 563 593");
    STR_EQ(harness_kiosk_ask(&kk, "screen"), "staff");
    STR_EQ(harness_kiosk_ask(&kk, "shot " KIOSK_BUILD_DIR "/sync_kiosk_staff.png"), "ok");

    harness_kiosk_ask(&kk, "quit");
    harness_kiosk_close(&kk);
    {
        int st = 0;
        waitpid(kk.pid, &st, 0);
        OK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    free(c1);
    free(c2);
    free(k);
    free(content);
    free(db);
    free(central);
    free(work);
}

/* ------------------------------------------------------------ placeholders */

/* A page naming a placeholder the configuration does not know is an error
 * for `kiosk check`, so kiosk sync refuses it too; a known one is filled. */
static void test_placeholders(void) {
    char *work, *central = setup_central("placeholders", &work);
    char *k = ks_sprintf("%s/k7", root), *p = ks_sprintf("%s/about.md", work), *text, *out, *cfg;
    int rc;
    cfg = ks_sprintf("%s/k7.conf", root);
    harness_write_text(cfg, "[clinic]\nphone = 555 0100\n");
    text = page_md("About", "about", "Call us on {{clinic.phone}}.");
    harness_write_text(p, text);
    free(text);
    free(commit_push(work, "About with the phone"));
    out = capture(&rc, "'%s' sync --config '%s' --source '%s' --content '%s/current' --db '%s/index.db'", KIOSK_BIN,
                  cfg, central, k, k);
    INT_EQ(rc, 0);
    free(out);
    text = page_md("About", "about", "Fax us on {{clinic.fax}}.");
    harness_write_text(p, text);
    free(text);
    free(commit_push(work, "About with a fax"));
    out = capture(&rc, "'%s' sync --config '%s' --source '%s' --content '%s/current' --db '%s/index.db'", KIOSK_BIN,
                  cfg, central, k, k);
    INT_EQ(rc, 1);
    STR_CONTAINS(out, "about.md:");
    STR_CONTAINS(out, "clinic.fax");
    free(out);
    free(p);
    free(cfg);
    free(k);
    free(central);
    free(work);
}

int main(void) {
    if (!harness_on_path("git")) {
        harness_skip("test_cli_sync needs the git program (Debian package git; scripts/install-deps)");
        return harness_done();
    }
    strcpy(root, "/tmp/ks_sync_XXXXXX");
    if (!mkdtemp(root)) return 2;
    setenv("GIT_AUTHOR_NAME", "Staff", 1);
    setenv("GIT_AUTHOR_EMAIL", "staff@clinic.invalid", 1);
    setenv("GIT_COMMITTER_NAME", "Staff", 1);
    setenv("GIT_COMMITTER_EMAIL", "staff@clinic.invalid", 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    RUN(test_two_kiosks);
    RUN(test_bundle);
    RUN(test_placeholders);
    RUN(test_running_kiosk);
    RUN(test_sigkill);
    if (!harness_state.failed) sh("rm -rf '%s'", root);
    return harness_done();
}
