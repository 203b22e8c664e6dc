/* store reuse: ks_store_load_from() on a copy of the shipped content, after
 * each kind of edit staff make, gives exactly the snapshot ks_store_load()
 * gives (pages, topics, synonyms, every diagnostic), while parsing only the
 * files that changed. Cross-page checks are the point: a link whose target
 * is removed, a topic folder renamed, a duplicate name, a broken page. */
#include "harness.h"
#include "harness_store.h"
#include "kiosk/base.h"
#include "kiosk/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static time_t fixed_today(void) {
    struct tm tm = {0};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 10;
    tm.tm_mday = 22;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

/* count_diags 1: the problems only counted (ks_store_options.count_diags,
 * as kiosk index loads). */
static ks_store *load_from_opts(const char *dir, const ks_store *prev, int count_diags) {
    ks_store_options opts = {.today = fixed_today(), .count_diags = count_diags};
    int err = 0;
    ks_store *s = ks_store_load_from(dir, prev, &opts, &err);
    if (!s) fprintf(stderr, "cannot load %s: %d\n", dir, err);
    return s;
}

/* kiosk index's load: the stamp's walk of dir (with its cache of folder
 * names beside dir), then a load of dir from prev trusting that walk. */
static ks_store *load_walked_opts(const char *dir, const ks_store *prev, const char *walk_dir, int count_diags) {
    ks_store_walk *walk = NULL;
    uint64_t stamp = 0;
    char *cache = ks_sprintf("%s.folders", walk_dir);
    INT_EQ(ks_store_stamp_walk(walk_dir, cache, &stamp, &walk), KS_OK);
    OK(walk != NULL && stamp != 0);
    ks_store_options opts = {.today = fixed_today(), .count_diags = count_diags};
    int err = 0;
    ks_store *s = ks_store_load_walked(dir, prev, walk, &opts, &err);
    if (!s) fprintf(stderr, "cannot load %s: %d\n", dir, err);
    ks_store_walk_free(walk);
    free(cache);
    return s;
}

static ks_store *load_walked_with(const char *dir, const ks_store *prev, const char *walk_dir) {
    return load_walked_opts(dir, prev, walk_dir, 0);
}

static ks_store *load_walked(const char *dir, const ks_store *prev) { return load_walked_with(dir, prev, dir); }

/* kiosk index's load exactly: the walk, and problems only counted. */
static ks_store *load_walked_counted(const char *dir, const ks_store *prev) {
    return load_walked_opts(dir, prev, dir, 1);
}

static ks_store *load_from(const char *dir, const ks_store *prev) { return load_from_opts(dir, prev, 0); }
static ks_store *load_counted(const char *dir, const ks_store *prev) { return load_from_opts(dir, prev, 1); }

/* Everything a snapshot says, as text (harness_store.h). */
static char *describe_as(const ks_store *s, int with_content) { return harness_store_describe(s, with_content); }

static char *describe(const ks_store *s) { return describe_as(s, 1); }

/* Load dir fully and from prev; the two must be the same, and the one from
 * prev must have parsed `parsed` files (ANY: not checked). Returns the one from prev (the next
 * step's prev); prev is freed. */
#define ANY ((size_t)-1)

/* A load that only counts its problems (count_diags) is the full load
 * but for the list: every page's errors and warnings, the counts and the
 * files parsed are the same; the records it parsed keep their own problems,
 * so a load reusing them lists every one (kiosk index's records, then
 * kiosk check). */
static void same_counted(const ks_store *full, const ks_store *inc, ks_store *counted) {
    OK(full && inc && counted);
    if (!full || !inc || !counted) return;
    char *a = describe_as(full, 2), *b = describe_as(counted, 2);
    STR_EQ(b, a);
    free(a);
    free(b);
    INT_EQ(ks_store_diag_count(counted), 0);
    INT_EQ(ks_store_diag_total(counted), ks_store_diag_count(full));
    INT_EQ(ks_store_parsed_count(counted), ks_store_parsed_count(inc));
    ks_store *again = load_from(ks_store_dir(counted), counted);
    if (again) {
        char *c = describe_as(full, 0), *d = describe_as(again, 0);
        STR_EQ(d, c);
        free(c);
        free(d);
    }
    ks_store_free(again);
}

static ks_store *step(const char *what, const char *dir, ks_store *prev, size_t parsed) {
    ks_store *full = load_from(dir, NULL), *inc = load_from(dir, prev), *counted = load_counted(dir, prev);
    harness_state.current = what;
    OK(full && inc);
    same_counted(full, inc, counted);
    ks_store_free(counted);
    if (full && inc) {
        char *a = describe(full), *b = describe(inc);
        STR_EQ(b, a);
        free(a);
        free(b);
        if (parsed != ANY) INT_EQ(ks_store_parsed_count(inc), parsed);
        INT_EQ(ks_store_parsed_count(inc) + ks_store_reused_count(inc), ks_store_parsed_count(full));
        INT_EQ(ks_store_reused_count(full), 0);
    }
    /* The new snapshot shares records with prev: freeing prev first must
     * leave it whole (ASan checks the next step's reads). */
    ks_store_free(prev);
    ks_store_free(full);
    return inc;
}

static void write_at(const char *dir, const char *rel, const char *text) {
    char *p = ks_path_join(dir, rel);
    FILE *f = fopen(p, "w");
    OK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(p);
}

static char *read_at(const char *dir, const char *rel) {
    char *p = ks_path_join(dir, rel), *data = NULL;
    size_t len;
    OK(ks_read_file(p, KS_STORE_MAX_FILE, &data, &len) == KS_OK);
    free(p);
    return data;
}

static void move(const char *dir, const char *from, const char *to) {
    char *a = ks_path_join(dir, from), *b = ks_path_join(dir, to);
    OK(rename(a, b) == 0);
    free(a);
    free(b);
}

static void remove_at(const char *dir, const char *rel) {
    char *p = ks_path_join(dir, rel);
    OK(unlink(p) == 0);
    free(p);
}

/* Change one letter in place: same size, same inode. */
static void poke_letter(const char *dir, const char *rel, const char *find, char to) {
    char *text = read_at(dir, rel);
    char *at = text ? strstr(text, find) : NULL;
    OK(at != NULL);
    if (at) {
        char *p = ks_path_join(dir, rel);
        FILE *f = fopen(p, "r+");
        OK(f != NULL);
        if (f) {
            fseek(f, at - text, SEEK_SET);
            fputc(to, f);
            fclose(f);
        }
        free(p);
    }
    free(text);
}

/* A copy of the shipped content in a new folder made from tmpl (mkdtemp,
 * which leaves the folder's name in tmpl): the copy's path, or NULL. The
 * caller removes it with remove_copy. */
static char *copy_shipped(char *tmpl) {
    char *root = mkdtemp(tmpl);
    OK(root != NULL);
    if (!root) return NULL;
    char *dir = ks_path_join(root, "content");
    char *cmd = ks_sprintf("cp -R '%s/content' '%s'", KIOSK_SOURCE_DIR, dir);
    OK(system(cmd) == 0);
    free(cmd);
    return dir;
}

static void remove_copy(const char *root, char *dir) {
    char *cmd = ks_sprintf("rm -rf '%s'", root);
    OK(system(cmd) == 0);
    free(cmd);
    free(dir);
}

static void test_edits(void) {
    char tmpl[] = "/tmp/kiosk-reuse-XXXXXX";
    char *dir = copy_shipped(tmpl);
    if (!dir) return;

    ks_store *s = load_from(dir, NULL);
    size_t all = ks_store_parsed_count(s);
    OK(all >= 15);
    /* Nothing changed; the files were written just now, so they are
     * compared by content, and none is parsed again. */
    s = step("nothing changed", dir, s, 0);

    /* An edit that changes the size. */
    char *old = read_at(dir, "prolotherapy/recovery.md");
    char *edited = ks_sprintf("%s\nA new line about walking after the visit.\n", old);
    write_at(dir, "prolotherapy/recovery.md", edited);
    free(edited);
    free(old);
    s = step("edit", dir, s, 1);
    OK(strstr(ks_store_find(s, "prolotherapy/recovery")->text, "walking after the visit") != NULL);

    /* Right after the load, a one-letter edit in place: same size, same
     * inode, perhaps the same times (one clock tick). Must be seen. */
    poke_letter(dir, "prolotherapy/recovery.md", "walking", 'W');
    s = step("same-size edit within a clock tick", dir, s, 1);
    OK(strstr(ks_store_find(s, "prolotherapy/recovery")->text, "Walking after the visit") != NULL);

    /* A touch: new times, same bytes: read, not parsed. */
    old = read_at(dir, "about.md");
    write_at(dir, "about.md", old);
    free(old);
    s = step("touch", dir, s, 0);

    /* Add a page, with a link to a heading that does not exist. */
    write_at(dir, "prolotherapy/costs.md",
             "---\ntitle: Costs\nsection: costs\nsummary: What it costs.\nreviewed: 2026-11-01\n---\n\n"
             "# Costs\n\nAsk at the desk. See [recovery](recovery.md#nothing-here).\n");
    s = step("add", dir, s, 1);

    /* A page that links to it, then the target removed: the linking page,
     * unchanged on disk, now has an error. */
    write_at(dir, "about.md.new",
             "---\ntitle: About\nsection: general\nsummary: About us.\nreviewed: 2026-11-01\n---\n\n"
             "# About\n\nRead about [costs](prolotherapy/costs.md).\n");
    move(dir, "about.md.new", "about.md");
    s = step("link to a new page", dir, s, 1);
    INT_EQ(ks_store_find(s, "about")->errors, 0);
    remove_at(dir, "prolotherapy/costs.md");
    s = step("link target removed", dir, s, 0);
    INT_EQ(ks_store_find(s, "about")->errors, 1);
    OK(ks_store_find(s, "prolotherapy/costs") == NULL);

    /* Rename a page: the new path is a new record (its slug changed). */
    move(dir, "prolotherapy/risks.md", "prolotherapy/side-effects.md");
    s = step("rename", dir, s, 1);

    /* A broken page: its own problems come back from the record. */
    write_at(dir, "ozone-therapy/risks.md", "---\ntitle: \"never closed\nsection: risks\n---\n\nSome text.\n");
    s = step("broken front matter", dir, s, 1);
    OK(ks_store_find(s, "ozone-therapy/risks")->errors > 0);
    s = step("still broken, unchanged", dir, s, 0);

    /* A duplicate name (names ignore case). */
    old = read_at(dir, "glossary.md");
    write_at(dir, "Glossary.md", old);
    free(old);
    s = step("duplicate name", dir, s, 1);
    remove_at(dir, "Glossary.md");
    /* the file dropped as a duplicate had no record in the snapshot: it is
     * parsed again if it is the one that stays */
    s = step("duplicate removed", dir, s, ANY);
    INT_EQ(ks_store_parsed_count(s) <= 1, 1);

    /* A topic folder renamed: every page in it has a new path; links to it
     * from elsewhere break. */
    size_t in_topic = 0;
    for (size_t i = 0; i < ks_store_page_count(s); i++)
        in_topic += strcmp(ks_store_page(s, i)->topic, "ozone-therapy") == 0;
    move(dir, "ozone-therapy", "ozone");
    s = step("topic folder renamed", dir, s, in_topic);
    OK(ks_store_find_topic(s, "ozone") != NULL);
    OK(ks_store_find_topic(s, "ozone-therapy") == NULL);

    /* synonyms.txt edited. */
    old = read_at(dir, "synonyms.txt");
    char *more = ks_sprintf("%snever seen words = nowhere to be found\n", old);
    write_at(dir, "synonyms.txt", more);
    free(more);
    free(old);
    s = step("synonyms", dir, s, 0);

    /* Once the files are older than the settle time, stat alone vouches
     * for them; an in-place edit of the same size still changes the times. */
    sleep(3);
    s = step("settled", dir, s, 0);
    poke_letter(dir, "prolotherapy/recovery.md", "Walking", 'w');
    s = step("same-size edit of a settled file", dir, s, 1);
    OK(strstr(ks_store_find(s, "prolotherapy/recovery")->text, "walking after the visit") != NULL);

    ks_store_free(s);
    remove_copy(tmpl, dir);
}

/* ks_store_load_changed after the pages in changed were edited in place:
 * the same snapshot as a load from scratch, and sharing prev's pages that
 * did not change (the quick way, patch.c: a page nobody touched is prev's
 * very page) exactly when shared is 1. prev is freed. */
static ks_store *changed_step(const char *what, const char *dir, ks_store *prev, const char *const *changed,
                              size_t n, int shared) {
    ks_store_options opts = {.today = fixed_today()};
    int err = 0;
    ks_store *full = load_from(dir, NULL);
    ks_store *inc = ks_store_load_changed(dir, prev, (char *const *)changed, n, &opts, &err);
    harness_state.current = what;
    OK(full && inc);
    if (full && inc) {
        char *a = describe(full), *b = describe(inc);
        STR_EQ(b, a);
        free(a);
        free(b);
        INT_EQ(ks_store_find(inc, "prolotherapy/injection") == ks_store_find(prev, "prolotherapy/injection"), shared);
    }
    ks_store_free(prev); /* the patched snapshot shares its pages: ASan checks they outlive it */
    ks_store_free(full);
    return inc;
}

/* The message of the first problem of path containing part, or NULL. */
static const char *diag_of(const ks_store *s, const char *path, const char *part) {
    for (size_t i = 0; i < ks_store_diag_count(s); i++) {
        const ks_diag *d = ks_store_diag(s, i);
        if (strcmp(d->path, path) == 0 && strstr(d->message, part)) return d->message;
    }
    return NULL;
}

static void append_at(const char *dir, const char *rel, const char *more) {
    char *old = read_at(dir, rel), *text = ks_sprintf("%s%s", old ? old : "", more);
    write_at(dir, rel, text);
    free(text);
    free(old);
}

/* Replace the first `find` in the file with `by`. */
static void replace_at(const char *dir, const char *rel, const char *find, const char *by) {
    char *old = read_at(dir, rel), *at = old ? strstr(old, find) : NULL;
    OK(at != NULL);
    if (at) {
        char *text = ks_sprintf("%.*s%s%s", (int)(at - old), old, by, at + strlen(find));
        write_at(dir, rel, text);
        free(text);
    }
    free(old);
}

/* Issue 12: pages saved in place, named as inotify names them. Edits
 * that leave the page's shape (section, order, headings, pictures) and
 * bring no error patch the last snapshot; anything else loads, and both
 * give what a load from scratch gives. */
static void test_patch(void) {
    char tmpl[] = "/tmp/kiosk-patch-XXXXXX";
    char *dir = copy_shipped(tmpl);
    if (!dir) return;
    const char *rec[] = {"prolotherapy/recovery.md"}, *two[] = {"about.md", "prolotherapy/recovery.md"};
    const char *glossary[] = {"glossary.md"}, *costs[] = {"prolotherapy/costs.md"};
    ks_store *s = load_from(dir, NULL);

    /* every file just copied: their times are not trusted, so they are
     * read again (and kept, the same bytes) */
    append_at(dir, rec[0], "\nA new line about walking after the visit.\n");
    s = changed_step("body edited", dir, s, rec, 1, 1);
    OK(strstr(ks_store_find(s, "prolotherapy/recovery")->text, "walking after the visit") != NULL);
    for (int i = 0; i < 40; i++) /* enough long words to lift the whole page's grade over 8 */
        append_at(dir, rec[0], "\nNotwithstanding the aforementioned considerations, physiological recuperation "
                               "necessitates individualised rehabilitative supervision concerning "
                               "intra-articular inflammatory manifestations and musculoskeletal responsiveness.\n");
    s = changed_step("reading grade", dir, s, rec, 1, 1);
    const char *grade = diag_of(s, rec[0], "reading grade");
    OK(grade != NULL);
    char *was = ks_strdup(grade ? grade : "");
    append_at(dir, rec[0], "\nSee [the missing page](nowhere.md).\n");
    s = changed_step("a link to nothing: an error, loaded", dir, s, rec, 1, 0);
    OK(ks_store_find(s, "prolotherapy/recovery")->errors > 0);
    replace_at(dir, rec[0], "[the missing page](nowhere.md)", "the desk");
    s = changed_step("fixed: the last version had an error, loaded", dir, s, rec, 1, 0);
    replace_at(dir, "about.md", "front desk", "front desk (open weekdays)");
    append_at(dir, rec[0], "\nWalk a little every day.\n");
    s = changed_step("two pages in two folders", dir, s, two, 2, 1);
    grade = diag_of(s, rec[0], "reading grade");
    OK(grade && strcmp(grade, was) != 0); /* the old warning gone, the new one there (and compared above) */
    free(was);
    replace_at(dir, glossary[0], "## Aftercare", "## After care");
    s = changed_step("a heading renamed: loaded", dir, s, glossary, 1, 0);
    replace_at(dir, rec[0], "section: recovery", "section: risks");
    s = changed_step("another section: loaded", dir, s, rec, 1, 0);
    replace_at(dir, rec[0], "section: risks", "section: recovery");
    s = changed_step("back", dir, s, rec, 1, 0);

    /* synonyms.txt's words found on no page are warned about: a page that
     * now has them ends the warning, the check looks at every page again */
    append_at(dir, "synonyms.txt", "zebra crossing = zebrafish\n");
    s = step("synonym with no page", dir, s, 0);
    append_at(dir, rec[0], "\nNo zebrafish were harmed.\n");
    s = changed_step("its word on a page", dir, s, rec, 1, 1);

    /* a page that is new is not an edit in place */
    write_at(dir, costs[0], "---\ntitle: Costs\nsection: costs\nsummary: What it costs.\nreviewed: 2026-11-01\n---\n\n"
                            "# Costs\n\nAsk at the desk.\n");
    s = changed_step("a new page: loaded", dir, s, costs, 1, 0);
    sleep(3); /* past the time in which a written file is read again */
    s = step("settled", dir, s, 0);
    append_at(dir, rec[0], "\nRest on the first day.\n");
    s = changed_step("settled, then edited", dir, s, rec, 1, 1);

    ks_store_free(s);
    remove_copy(tmpl, dir);
}

/* Two snapshots sharing records are freed in either order. */
static void test_free_order(void) {
    char *dir = ks_sprintf("%s/content", KIOSK_SOURCE_DIR);
    ks_store *a = load_from(dir, NULL);
    ks_store *b = load_from(dir, a);
    ks_store *c = load_from(dir, b);
    OK(a && b && c);
    INT_EQ(ks_store_parsed_count(c), 0);
    ks_store_free(b);
    ks_store_free(a);
    const ks_page *p = ks_store_page(c, 0);
    OK(p && p->title[0] && p->text);
    ks_store_free(c);
    free(dir);
}

/* The records file recs, holding data[0..len) and saved with key, is
 * refused with one byte changed at from, from + step, ..., and cut short
 * at from + 1, from + 1 + step, ...; written back whole, it is read. */
static void refused_when_damaged(const char *recs, uint64_t key, char *data, size_t len, size_t from, size_t step) {
    for (size_t at = from; at < len; at += step) {
        data[at] ^= 0x5a;
        OK(ks_write_file_atomic(recs, data, len) == KS_OK);
        ks_store *bad = ks_store_load_records(recs, key);
        OK(bad == NULL);
        ks_store_free(bad);
        data[at] ^= 0x5a;
    }
    for (size_t cut = from + 1; cut < len; cut += step) {
        OK(ks_write_file_atomic(recs, data, cut) == KS_OK);
        ks_store *bad = ks_store_load_records(recs, key);
        OK(bad == NULL);
        ks_store_free(bad);
    }
    OK(ks_write_file_atomic(recs, data, len) == KS_OK);
    ks_store *good = ks_store_load_records(recs, key);
    OK(good != NULL);
    ks_store_free(good);
}

/* A records file saved by one process and read by another: the snapshot
 * loaded from it is the full load's, less the Markdown, text and tree of
 * the pages it reused (doc NULL), and only changed or broken files are
 * parsed. Damaged files, another key or another synonyms.txt: not used. */
static size_t count_broken(const ks_store *s) {
    size_t n = 0;
    for (size_t i = 0; i < ks_store_page_count(s); i++) n += ks_store_page(s, i)->errors > 0;
    return n;
}

/* Both loads made, and inc describes as full does (its pages, their
 * records and problems; not their text): 1, else 0. */
static int equal_loads(const ks_store *full, const ks_store *inc) {
    OK(full && inc);
    if (!full || !inc) return 0;
    char *a = describe_as(full, 0), *b = describe_as(inc, 0);
    STR_EQ(b, a);
    free(a);
    free(b);
    return 1;
}

/* changed: files added or changed since saved was loaded; those and the
 * pages saved broken (not in the records) are parsed. */
static ks_store *records_step(const char *what, const char *dir, const char *recs, uint64_t key,
                              ks_store *saved, size_t changed) {
    harness_state.current = what;
    size_t parsed = changed == ANY ? ANY : changed + count_broken(saved);
    INT_EQ(ks_store_save_records(saved, recs, key), KS_OK);
    ks_store_free(saved);
    ks_store *prev = ks_store_load_records(recs, key);
    OK(prev != NULL);
    ks_store *full = load_from(dir, NULL), *inc = load_from(dir, prev), *walked = load_walked(dir, prev);
    ks_store *counted = load_walked_counted(dir, prev); /* kiosk index's load */
    ks_store_free(prev);
    same_counted(full, inc, counted);
    ks_store_free(counted);
    /* trusting the stamp's walk: the same snapshot, the same files parsed */
    if (equal_loads(full, walked)) INT_EQ(ks_store_parsed_count(walked), ks_store_parsed_count(inc));
    ks_store_free(walked);
    if (equal_loads(full, inc)) {
        if (parsed != ANY) INT_EQ(ks_store_parsed_count(inc), parsed);
        for (size_t i = 0; i < ks_store_page_count(inc); i++) {
            const ks_page *p = ks_store_page(inc, i), *q = ks_store_find(full, p->slug);
            if (ks_page_has_body(p)) STR_EQ(p->text, q->text); /* parsed now: whole */
            else OK(p->text[0] == '\0' && p->markdown[0] == '\0');
        }
    }
    ks_store_free(full);
    return inc;
}

static void test_records(void) {
    char tmpl[] = "/tmp/kiosk-records-XXXXXX";
    char *dir = copy_shipped(tmpl);
    if (!dir) return;
    char *recs = ks_path_join(tmpl, "records.bin");
    /* one page broken from the start: never saved, always parsed */
    write_at(dir, "ozone-therapy/risks.md", "---\ntitle: \"never closed\nsection: risks\n---\n\nSome text.\n");

    /* a page with nothing in its lists: no keywords, headings, links or problems */
    write_at(dir, "plain.md", "---\ntitle: Plain\nsection: general\nsummary: Plain.\nreviewed: 2026-11-01\n---\n\nRest.\n");

    ks_store *s = load_from(dir, NULL);
    size_t broken = count_broken(s);
    {
        const ks_page *p = ks_store_find(s, "plain");
        OK(p && p->errors == 0 && p->n_keywords == 0 && p->n_headings == 0 && p->n_links == 0);
    }
    OK(broken >= 1);
    s = records_step("records, nothing changed", dir, recs, 42, s, 0);
    s = records_step("records of records", dir, recs, 43, s, 0);

    char *old = read_at(dir, "prolotherapy/recovery.md");
    char *edited = ks_sprintf("%s\nA new line about walking after the visit.\n", old);
    write_at(dir, "prolotherapy/recovery.md", edited);
    free(edited);
    free(old);
    s = records_step("records, one edit", dir, recs, 44, s, 1);

    /* a link target removed: the page linking to it breaks without changing */
    write_at(dir, "about.md",
             "---\ntitle: About\nsection: general\nsummary: About us.\nreviewed: 2026-11-01\n---\n\n"
             "# About\n\nRead about [recovery](prolotherapy/recovery.md#nothing-here) and [risks](prolotherapy/risks.md).\n");
    s = records_step("records, a new link", dir, recs, 45, s, 1);
    remove_at(dir, "prolotherapy/risks.md");
    s = records_step("records, link target removed", dir, recs, 46, s, 0);
    OK(ks_store_find(s, "about")->errors > 0);
    /* the broken page was not saved: it is parsed again, whole */
    write_at(dir, "prolotherapy/risks.md",
             "---\ntitle: Risks\nsection: risks\nsummary: Risks.\nreviewed: 2026-11-01\n---\n\n# Risks\n\nFew.\n");
    s = records_step("records, link target back", dir, recs, 47, s, 1);
    OK(ks_store_find(s, "about")->errors == 0 && ks_page_has_body(ks_store_find(s, "about")));

    /* A picture a saved page shows is removed: that page, unchanged on
     * disk, now has an error, though its record has no tree to look in. */
    {
        char *pic = ks_path_join(dir, "prolotherapy/knee-injection.svg");
        struct stat pst;
        if (stat(pic, &pst) == 0) {
            char *keep = ks_path_join(tmpl, "knee-injection.svg");
            OK(rename(pic, keep) == 0);
            s = records_step("records, a picture removed", dir, recs, 50, s, 0);
            OK(ks_store_find(s, "prolotherapy/injection")->errors > 0);
            OK(rename(keep, pic) == 0);
            s = records_step("records, the picture back", dir, recs, 51, s, 0);
            OK(ks_store_find(s, "prolotherapy/injection")->errors == 0);
            free(keep);
        }
        free(pic);
    }

    /* a topic folder renamed */
    move(dir, "prolotherapy", "prolo");
    s = records_step("records, topic renamed", dir, recs, 48, s, ANY);

    /* Not used: another key, a damaged or truncated file, another synonyms.txt. */
    harness_state.current = "records refused";
    INT_EQ(ks_store_save_records(s, recs, 7), KS_OK);
    OK(ks_store_load_records(recs, 8) == NULL);
    char *data = NULL;
    size_t len = 0;
    OK(ks_read_file(recs, 1 << 26, &data, &len) == KS_OK);
    if (data && len > 100) {
        OK(ks_write_file_atomic(recs, data, 0) == KS_OK); /* emptied */
        OK(ks_store_load_records(recs, 7) == NULL);
        refused_when_damaged(recs, 7, data, len, 8, len / 37 + 1); /* anywhere after the magic */
    }
    free(data);
    OK(ks_store_load_records("/nonexistent/records.bin", 7) == NULL);
    old = read_at(dir, "synonyms.txt");
    char *more = ks_sprintf("%sbrand new words = here\n", old);
    write_at(dir, "synonyms.txt", more);
    free(more);
    free(old);
    {
        ks_store *prev = ks_store_load_records(recs, 7);
        ks_store *inc = load_from(dir, prev), *full = load_from(dir, NULL);
        INT_EQ(ks_store_reused_count(inc), 0);
        char *a = describe(full), *b = describe(inc);
        STR_EQ(b, a);
        free(a);
        free(b);
        ks_store_free(prev);
        ks_store_free(inc);
        ks_store_free(full);
    }
    ks_store_free(s);
    remove_copy(tmpl, dir);
    free(recs);
}

/* The records file appended to, as kiosk index saves it: the folder loaded
 * reusing *prev (the snapshot read from recs, or NULL), the snapshot
 * compared with a full load's (only changed or broken files parsed), then
 * saved with ks_store_save_records_from(snapshot, *prev) and read back
 * into *prev. */
static size_t broken_before; /* pages broken at the last step: not saved, so parsed again */

static void append_step(const char *what, const char *dir, const char *recs, uint64_t key, ks_store **prev,
                        size_t changed) {
    harness_state.current = what;
    ks_store *full = load_from(dir, NULL), *inc = load_walked(dir, *prev);
    if (equal_loads(full, inc)) {
        if (changed != ANY) INT_EQ(ks_store_parsed_count(inc), changed + broken_before);
        broken_before = count_broken(inc);
        INT_EQ(ks_store_save_records_from(inc, *prev, recs, key), KS_OK);
    }
    ks_store_free(full);
    ks_store_free(inc);
    ks_store_free(*prev);
    *prev = ks_store_load_records(recs, key);
    OK(*prev != NULL);
}

static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Settle the files' times (store_file_id_trusted: a file written within
 * 2 s of a load is verified by its hash at every load, and saved again
 * with the new time each time). */
static void settle(void) { usleep(2100 * 1000); }

static void test_records_appended(void) {
    char tmpl[] = "/tmp/kiosk-records-XXXXXX";
    char *dir = copy_shipped(tmpl);
    if (!dir) return;
    char *recs = ks_path_join(tmpl, "records.bin");
    settle();
    ks_store *prev = NULL;
    append_step("append: the first save (whole)", dir, recs, 1, &prev, ANY);
    long base = file_size(recs);
    append_step("append: nothing changed", dir, recs, 2, &prev, 0);
    INT_EQ(file_size(recs) - base, 8 * 4); /* an empty segment: the new key */

    /* one page edited: one record appended, not the file written anew */
    char *old = read_at(dir, "prolotherapy/recovery.md");
    char *edited = ks_sprintf("%s\nA new line about walking after the visit.\n", old);
    long before = file_size(recs);
    write_at(dir, "prolotherapy/recovery.md", edited);
    append_step("append: one edit", dir, recs, 3, &prev, 1);
    OK(file_size(recs) > before && file_size(recs) - before < 4096);

    /* a page removed, then back byte for byte (another inode, the same
     * hash): its record was tombstoned, so it is parsed, with its body
     * (the index no longer holds it) */
    char *risks = read_at(dir, "prolotherapy/risks.md");
    remove_at(dir, "prolotherapy/risks.md");
    append_step("append: a page removed", dir, recs, 4, &prev, 0);
    OK(ks_store_find(prev, "prolotherapy/risks") == NULL);
    write_at(dir, "prolotherapy/risks.md", risks);
    append_step("append: the page back, the same bytes", dir, recs, 5, &prev, 1);
    OK(ks_store_find(prev, "prolotherapy/risks") != NULL);

    /* a page broken: tombstoned; fixed back to its old bytes: parsed */
    write_at(dir, "prolotherapy/risks.md", "---\ntitle: \"never closed\nsection: risks\n---\n\nSome text.\n");
    append_step("append: a page broken", dir, recs, 6, &prev, 1);
    OK(ks_store_find(prev, "prolotherapy/risks") == NULL);
    write_at(dir, "prolotherapy/risks.md", risks);
    append_step("append: the page fixed", dir, recs, 7, &prev, 0); /* parsed: broken before */
    free(risks);

    /* many edits: superseded records are dead weight, so the file is
     * written anew now and then and never grows without bound */
    for (int i = 0; i < 90; i++) {
        char *text = ks_sprintf("%s\nEdit %d.\n", old, i);
        write_at(dir, "prolotherapy/recovery.md", text);
        free(text);
        append_step("append: edit after edit", dir, recs, 100 + (uint64_t)i, &prev, ANY);
    }
    OK(file_size(recs) < base * 3 / 2);
    free(old);
    free(edited);

    /* A segment torn, damaged or of an older key: the file is not used. */
    harness_state.current = "append: refused";
    settle();
    append_step("append: settled", dir, recs, 7, &prev, ANY);
    base = file_size(recs);
    write_at(dir, "prolotherapy/recovery.md", "---\ntitle: Recovery\nsection: recovery\nsummary: R.\n"
                                              "reviewed: 2026-11-01\n---\n\n# Recovery\n\nRest.\n");
    append_step("append: before damage", dir, recs, 8, &prev, 1);
    OK(file_size(recs) > base && file_size(recs) < base + 4096); /* appended */
    OK(ks_store_load_records(recs, 7) == NULL);                  /* the key is the last segment's */
    char *data = NULL;
    size_t len = 0;
    OK(ks_read_file(recs, 1 << 26, &data, &len) == KS_OK);
    if (data && len > (size_t)base) {
        refused_when_damaged(recs, 8, data, len, (size_t)base, 5); /* the segment changed or torn */
        ks_store *good = ks_store_load_records(recs, 8);
        OK(good != NULL && ks_store_page_count(good) == ks_store_page_count(prev));
        ks_store_free(good);
    }
    free(data);
    ks_store_free(prev);
    remove_copy(tmpl, dir);
    free(recs);
}

/* A load trusting the stamp's walk is the load at the moment of the walk:
 * a page edited after it is as the walk saw it, and the next walk, whose
 * stamp moved, reads it; a walk of another folder is not trusted; a topic
 * reached through a link is looked at for real. */
static void test_walked(void) {
    char tmpl[] = "/tmp/kiosk-walked-XXXXXX";
    char *dir = copy_shipped(tmpl);
    if (!dir) return;
    char *recs = ks_path_join(tmpl, "records.bin"), *cache = ks_sprintf("%s.folders", dir);
    settle(); /* times old enough to be trusted alone */
    ks_store *s = load_from(dir, NULL), *prev;
    INT_EQ(ks_store_save_records(s, recs, 1), KS_OK);
    ks_store_free(s);

    /* edited in place (same size, same inode) after the walk */
    harness_state.current = "walked: an edit after the walk";
    ks_store_walk *walk = NULL;
    uint64_t before = 0, after = 0;
    INT_EQ(ks_store_stamp_walk(dir, cache, &before, &walk), KS_OK);
    usleep(20 * 1000);
    poke_letter(dir, "prolotherapy/recovery.md", "Soreness", 's');
    ks_store_options opts = {.today = fixed_today()};
    int err = 0;
    prev = ks_store_load_records(recs, 1);
    s = ks_store_load_walked(dir, prev, walk, &opts, &err);
    ks_store_walk_free(walk);
    OK(s != NULL && prev != NULL);
    if (s && prev) {
        INT_EQ(ks_store_parsed_count(s), 0); /* as the walk saw it: unchanged */
        INT_EQ(ks_store_save_records_from(s, prev, recs, 2), KS_OK);
    }
    ks_store_free(s);
    ks_store_free(prev);
    INT_EQ(ks_store_stamp_cached(dir, cache, &after), KS_OK);
    OK(after != before); /* the next kiosk index loads */
    harness_state.current = "walked: the next walk reads the edit";
    prev = ks_store_load_records(recs, 2);
    ks_store *full = load_from(dir, NULL);
    s = load_walked(dir, prev);
    if (equal_loads(full, s)) INT_EQ(ks_store_parsed_count(s), 1);
    ks_store_free(s);
    ks_store_free(prev);

    /* the walk of another folder (here the one above): looked at for real */
    harness_state.current = "walked: another folder's walk";
    prev = ks_store_load_records(recs, 2);
    poke_letter(dir, "prolotherapy/risks.md", "Risks", 'r');
    ks_store_free(full);
    full = load_from(dir, NULL);
    s = load_walked_with(dir, prev, tmpl);
    /* seen by the load's own stat: risks, and recovery (changed since records 2) */
    if (equal_loads(full, s)) INT_EQ(ks_store_parsed_count(s), 2);
    ks_store_free(s);
    ks_store_free(prev);
    ks_store_free(full);
    char *other_cache = ks_sprintf("%s.folders", tmpl);
    unlink(other_cache);
    free(other_cache);

    /* a topic folder that is a link to another inside: not plain, looked at for real */
    harness_state.current = "walked: a linked topic";
    char *link = ks_path_join(dir, "prolo-link");
    OK(symlink("prolotherapy", link) == 0);
    full = load_from(dir, NULL);
    s = load_walked(dir, NULL);
    equal_loads(full, s);
    ks_store_free(s);
    ks_store_free(full);
    unlink(link);
    free(link);
    unlink(cache);
    free(cache);
    free(recs);
    remove_copy(tmpl, dir);
}

/* A load from a records snapshot takes over its views (unchecked until
 * then) instead of copying them, and checks them: a second load from the
 * same records, once the first is freed, must still see them unchecked
 * (links resolved again, problems counted once), so it copies. */
static void test_records_twice(void) {
    char tmpl[] = "/tmp/kiosk-records-XXXXXX";
    char *dir = copy_shipped(tmpl);
    if (!dir) return;
    char *recs = ks_path_join(tmpl, "records.bin");
    /* no 'reviewed' date: a warning the checks add to the page's own count */
    char *text = read_at(dir, "prolotherapy/recovery.md"), *at = text ? strstr(text, "reviewed:") : NULL;
    OK(at != NULL);
    if (at) {
        memcpy(at, "reviewer:", 9); /* an unknown key: the date is gone */
        write_at(dir, "prolotherapy/recovery.md", text);
    }
    free(text);
    settle();
    ks_store *s = load_from(dir, NULL);
    INT_EQ(ks_store_save_records(s, recs, 1), KS_OK);
    ks_store_free(s);
    ks_store *prev = ks_store_load_records(recs, 1), *full = load_from(dir, NULL);
    OK(prev != NULL);
    for (int round = 0; round < 3 && prev; round++) {
        harness_state.current = round ? "records twice: again from the same records" : "records twice: first";
        ks_store *inc = round == 1 ? load_walked(dir, prev) : load_from(dir, prev);
        if (equal_loads(full, inc)) INT_EQ(ks_store_parsed_count(inc), count_broken(full));
        ks_store_free(inc); /* the views taken are prev's alone again */
    }
    ks_store_free(prev);
    ks_store_free(full);
    free(recs);
    remove_copy(tmpl, dir);
}

int main(void) {
    RUN(test_edits);
    RUN(test_patch);
    RUN(test_free_order);
    RUN(test_records);
    RUN(test_records_appended);
    RUN(test_records_twice);
    RUN(test_walked);
    return harness_done();
}
