/* kiosk index: build or update the search index from the content folder. */
#include "app.h"

#include "kiosk/base.h"
#include "kiosk/index.h"
#include "kiosk/store.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void help(void) {
    printf("usage: kiosk index [--content DIR] [--db FILE] [--quiet]\n\n"
           "Brings the search index in line with the content folder: only pages added,\n"
           "changed (by content hash) or removed are written, in one transaction, so a\n"
           "running kiosk sees the old index or the new one, never a mix. A run with\n"
           "nothing changed writes nothing.\n\n"
           "A page with errors (see 'kiosk check') is not indexed; if an earlier good\n"
           "version of it is in the index, that version is kept and shown until the page\n"
           "is fixed. Every page skipped or kept is named.\n\n"
           "Only pages changed since the last run are read again: the records of the\n"
           "others are kept beside the index (FILE without .db, plus -records.bin), and\n"
           "the names in each folder (plus -folders.bin). The index is checked whole\n"
           "when it changed since the last run checked it (FILE.checked), or daily.\n\n"
           "  --content DIR  the content folder (default: $KIOSK_CONTENT, else ./content,\n"
           "                 else the shipped content)\n"
           "  --db FILE      the index (default: $KIOSK_DB, else\n"
           "                 $XDG_STATE_HOME/clinic-kiosk/index.db, i.e.\n"
           "                 ~/.local/state/clinic-kiosk/index.db)\n"
           "  --quiet        print only the summary line and problems\n\n"
           "Exit status: 0 indexed, every page good; 1 indexed, but some pages have\n"
           "errors (skipped or kept); 2 cannot run.\n");
}

/* A progress bar on a terminal, for large folders. */
static void progress(void *ctx, size_t done, size_t total) {
    size_t *last = ctx;
    size_t width = 30, fill = total ? done * width / total : width;
    if (total < 200 || (done != total && done - *last < total / 100)) return;
    *last = done;
    fprintf(stderr, "\rindexing %zu/%zu [", done, total);
    for (size_t i = 0; i < width; i++) fputc(i < fill ? '#' : ' ', stderr);
    fputc(']', stderr);
    if (done == total) fputc('\n', stderr);
    fflush(stderr);
}

#define KEPT_NOTE "  (has errors: its last good version stays; run 'kiosk check')"
#define SKIPPED_NOTE "  (has errors: not indexed; run 'kiosk check')"

static void print_list(const char *label, const ks_index_list *l, const char *note) {
    for (size_t i = 0; i < l->n; i++) {
        char *slug = ks_escaped(l->slugs[i]); /* from a file name: may hold a newline or ESC */
        printf("%-9s %s%s\n", label, slug, note);
        free(slug);
    }
}

/* FILE without .db, plus suffix: the files kept beside the index. */
static char *beside_db(const char *db, const char *suffix) {
    size_t n = strlen(db);
    if (n > 3 && strcmp(db + n - 3, ".db") == 0) return ks_sprintf("%.*s%s", (int)(n - 3), db, suffix);
    return ks_sprintf("%s%s", db, suffix);
}

/* The stamp's cache of folder listings (see ks_store_stamp_cached): a
 * folder is listed again only when a name in it changed. It holds names
 * only, never content: whatever folder is stamped, the stamp is the same
 * with or without it. */
static char *folders_path(const char *db) { return beside_db(db, "-folders.bin"); }

/* The folder's stamp as the note stores it: its absolute path, its
 * identity (device and inode) and the stamp, so another folder never
 * matches, even one later moved to the same path; and the placeholder
 * values, so a changed configuration (a new clinic phone number) is a
 * change. NULL when it cannot be taken. (Any sync that writes also forgets
 * the note: see index.h.) What the walk saw in *walk (NULL when it could
 * not be taken), so a load that follows lists and stats nothing again. */
static char *content_stamp(const char *dir, const ks_config *cfg, const char *db, ks_store_walk **walk) {
    uint64_t stamp;
    struct stat st;
    char *real = realpath(dir, NULL);
    char *s = NULL, *cache = folders_path(db);
    if (real && stat(real, &st) == 0 && ks_store_stamp_walk(real, cache, &stamp, walk) == KS_OK)
        s = ks_sprintf("%s\n%llx:%llx\n%016llx\n%016llx", real, (unsigned long long)st.st_dev,
                       (unsigned long long)st.st_ino, (unsigned long long)stamp,
                       (unsigned long long)app_placeholders_hash(cfg));
    free(real);
    free(cache);
    return s;
}

/* How long `kiosk index` waits for an index another program holds. */
#define BUSY_WAIT_MS 60000.0

/* Open the index, waiting while another program holds it. NULL after a
 * message on stderr. */
static ks_index *open_index(const char *db) {
    char msg[1024];
    int err = 0, said = 0;
    double until = ks_now_ms() + BUSY_WAIT_MS;
    for (;;) {
        ks_index *ix = ks_index_open_ex(db, &err, msg, sizeof msg);
        if (ix) return ix;
        if (err != KS_INDEX_ERR_BUSY || ks_now_ms() > until) break;
        if (!said++) fprintf(stderr, "kiosk index: the index '%s' is busy (another program holds it); waiting\n", db);
        usleep(200 * 1000);
    }
    fprintf(stderr, "kiosk index: cannot use the index '%s': %s%s\n", db, msg,
            err == KS_INDEX_ERR_BUSY ? " (still busy; nothing was changed, try again later)"
            : err == KS_INDEX_ERR_IO ? " (nothing was changed)" : "");
    return NULL;
}

/* After a sync: remember the stamp it was made from and what a repeat must
 * print: the counts of good, kept and skipped pages and the kept and
 * skipped lines. The stamp is written last, so a crash in between leaves no
 * stamp that could vouch for a summary it does not match. */
static void remember_summary(ks_index *ix, const char *stamp, const ks_index_report *rep) {
    ks_buf lines = {0};
    for (size_t i = 0; i < rep->kept.n; i++) {
        ks_buf_puts(&lines, "k ");
        ks_buf_put_escaped(&lines, rep->kept.slugs[i]); /* one line each, whatever the name */
        ks_buf_putc(&lines, '\n');
    }
    for (size_t i = 0; i < rep->skipped.n; i++) {
        ks_buf_puts(&lines, "s ");
        ks_buf_put_escaped(&lines, rep->skipped.slugs[i]);
        ks_buf_putc(&lines, '\n');
    }
    char *counts = ks_sprintf("%zu %zu %zu", rep->added.n + rep->changed.n + rep->unchanged.n, rep->kept.n,
                              rep->skipped.n);
    char *old = ks_index_note_get(ix, "index.stamp");
    /* an unchanged stamp and summary: write nothing at all */
    if (!(old && strcmp(old, stamp) == 0) &&
        ks_index_note_set(ix, "index.stamp", "") == 0 && ks_index_note_set(ix, "index.counts", counts) == 0 &&
        ks_index_note_set(ix, "index.lines", lines.data ? lines.data : "") == 0)
        ks_index_note_set(ix, "index.stamp", stamp);
    free(old);
    free(counts);
    ks_buf_free(&lines);
}

/* Print what the last sync printed for kept and skipped pages, and the
 * summary line of a sync that found nothing to do. Returns the exit status,
 * or APP_GO_ON when the notes are incomplete (then sync for real). */
static int repeat_last_summary(ks_index *ix, double ms, const char *db) {
    char *counts = ks_index_note_get(ix, "index.counts");
    char *lines = ks_index_note_get(ix, "index.lines");
    size_t good, kept, skipped;
    int status = APP_GO_ON;
    if (counts && lines && sscanf(counts, "%zu %zu %zu", &good, &kept, &skipped) == 3) {
        for (char *l = lines; *l;) {
            char *nl = strchr(l, '\n');
            if (nl) *nl = '\0';
            if (l[0] == 'k' && l[1] == ' ')
                printf("%-9s %s%s\n", "kept", l + 2, KEPT_NOTE);
            else if (l[0] == 's' && l[1] == ' ')
                printf("%-9s %s%s\n", "skipped", l + 2, SKIPPED_NOTE);
            /* (the notes hold slugs escaped by remember_summary) */
            if (!nl) break;
            l = nl + 1;
        }
        printf("0 added, 0 changed, 0 removed, %zu unchanged, %zu kept, %zu skipped; nothing written "
               "(%.0f ms, %s)\n", good, kept, skipped, ms, db);
        status = kept || skipped ? 1 : 0;
    }
    free(counts);
    free(lines);
    return status;
}

/* ------------------------------------------------------------ records
 *
 * The store's records of the good pages are saved beside the index
 * (index.db -> index-records.bin) after each sync, so the next run parses
 * only the files that changed. A records file vouches for pages whose
 * content the index holds: it is keyed by the index's generation and a
 * random identity kept in the index, so after any other writer (the
 * kiosk's watcher), a new or rebuilt index, or a crash before the save,
 * it is not used and the run loads the folder in full. */

static char *records_path(const char *db) { return beside_db(db, "-records.bin"); }

static uint64_t records_key(const char *identity, int64_t generation) {
    char *s = ks_sprintf("%s|%lld", identity, (long long)generation);
    uint64_t k = ks_hash64(s, strlen(s));
    free(s);
    return k;
}

/* The records of the last run, when they still describe the index. */
static ks_store *load_records(ks_index *ix, const char *path, int64_t generation) {
    char *identity = ks_index_note_get(ix, "records.identity");
    ks_store *prev = identity ? ks_store_load_records(path, records_key(identity, generation)) : NULL;
    free(identity);
    return prev;
}

/* A new random identity for the records of the index beside path. */
static char *new_identity(const char *path) {
    return ks_sprintf("%016llx%016llx", (unsigned long long)ks_hash64(path, strlen(path)),
                      (unsigned long long)(ks_now_ms() * 1e6) ^ ((unsigned long long)getpid() << 32));
}

static void save_records(ks_index *ix, const char *path, const ks_store *store, const ks_store *prev,
                         int64_t generation) {
    char *identity = ks_index_note_get(ix, "records.identity");
    if (!identity || !*identity) {
        free(identity);
        identity = new_identity(path);
        if (ks_index_note_set(ix, "records.identity", identity) != 0) {
            free(identity);
            return;
        }
    }
    /* prev's file, when it was read: only what changed is appended */
    if (ks_store_save_records_from(store, prev, path, records_key(identity, generation)) != KS_OK)
        unlink(path); /* a stale file must not stay behind (the key would not match anyway) */
    free(identity);
}

/* A load of this many pages with no records to reuse (a first build)
 * writes its records on a second thread while the sync runs: 150 ms at
 * 15,000 pages, on a core the sync leaves idle. */
#define EARLY_RECORDS_MIN 1000

/* The records of a first build, written while the sync runs. A writing
 * sync adds one to the generation and forgets every note, the records'
 * identity too, so the key the records will need is known before: a new
 * identity and the generation plus one. They are written beside the
 * records file and put in its place only if the sync made exactly that
 * generation; otherwise they are removed and written as usual. */
typedef struct early_records {
    pthread_t thread;
    int started, rc;
    const ks_store *store;
    char *tmp, *identity;
    int64_t generation; /* the generation the sync is to make */
    uint64_t key;
} early_records;

static void *early_records_main(void *arg) {
    early_records *e = arg;
    e->rc = ks_store_save_records(e->store, e->tmp, e->key);
    return NULL;
}

static void early_records_start(early_records *e, ks_index *ix, const char *records, const ks_store *store,
                                const ks_store *prev) {
    memset(e, 0, sizeof *e);
    if (prev || ks_store_page_count(store) < EARLY_RECORDS_MIN) return;
    e->store = store;
    e->generation = ks_index_generation(ix) + 1;
    e->identity = new_identity(records);
    e->key = records_key(e->identity, e->generation);
    e->tmp = ks_sprintf("%s.build", records);
    e->started = pthread_create(&e->thread, NULL, early_records_main, e) == 0;
}

/* After the sync (synced: it succeeded): 1 when the early records are in
 * place and the index names their identity, 0 when the caller must save
 * the records itself. */
static int early_records_finish(early_records *e, ks_index *ix, const char *records, const ks_index_report *rep,
                                int synced) {
    int used = 0;
    if (e->started) {
        pthread_join(e->thread, NULL);
        used = synced && e->rc == KS_OK && rep->wrote && rep->generation == e->generation &&
               ks_index_note_set(ix, "records.identity", e->identity) == 0 && rename(e->tmp, records) == 0;
        if (!used) unlink(e->tmp);
    }
    free(e->tmp);
    free(e->identity);
    return used;
}

/* The options into *paths and *quiet: APP_GO_ON to go on, else the exit code. */
static int parse_options(int argc, char **argv, app_paths *paths, int *quiet) {
    for (int i = 1; i < argc;) {
        int r = app_take_path_option(paths, argc, argv, &i);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (app_is_help(argv[i])) {
            help();
            return 0;
        }
        if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            *quiet = 1;
            i++;
            continue;
        }
        return app_usage_error("index", "unknown argument '%s'", argv[i]);
    }
    return app_paths_defaults(paths) != 0 ? 2 : APP_GO_ON;
}

/* How long a seal vouches for the file without a whole check: a day, as
 * the running kiosk's daily check. */
#define CHECK_MAX_AGE_S (24 * 3600)

/* The whole file is checked first (about 1 ms per MB) unless it is the
 * file the last run checked and sealed (see ks_index_close_sealed), and a
 * damaged one is moved aside and restored from its backup (see index.h);
 * the sync then brings the backup up to date. 0, or a negative KS_ERR_* code when the
 * check itself failed (said on stderr). */
static int check_index(ks_index *ix, const char *db) {
    int checked = ks_index_check_unless_sealed(ix, CHECK_MAX_AGE_S);
    if (checked > 0)
        fprintf(stderr, "kiosk index: the index '%s' was damaged; %s\n", db,
                checked == 1 ? "restored it from its backup" : "started a new one (no backup)");
    else if (checked < 0) {
        fprintf(stderr, "kiosk index: could not check the index '%s': %s (nothing was changed)\n", db,
                ks_index_errmsg(ix));
        return checked;
    }
    return 0;
}

/* Sync, waiting up to BUSY_WAIT_MS while another writer holds the index;
 * a progress bar on a terminal (*last: the progress() state, which must
 * outlive ix's use). */
static int sync_waiting(ks_index *ix, const ks_store *store, ks_index_report *rep, size_t *last) {
    int rc;
    if (isatty(STDERR_FILENO)) ks_index_set_progress(ix, progress, last);
    ks_index_set_report_unchanged(ix, 0); /* only their count is printed */
    double until = ks_now_ms() + BUSY_WAIT_MS;
    while ((rc = ks_index_sync(ix, store, rep)) == KS_INDEX_ERR_BUSY && ks_now_ms() < until) {
        ks_index_report_free(rep);
        usleep(200 * 1000);
    }
    return rc;
}

/* What the sync did, on stdout; the exit status it means (1: pages kept
 * or skipped). */
static int print_report(const ks_index_report *rep, int quiet, const char *db) {
    if (!quiet) {
        print_list("added", &rep->added, "");
        print_list("changed", &rep->changed, "");
        print_list("removed", &rep->removed, "");
    }
    print_list("kept", &rep->kept, KEPT_NOTE);
    print_list("skipped", &rep->skipped, SKIPPED_NOTE);
    if (!quiet && rep->synonyms_changed) printf("synonyms  updated\n");
    printf("%zu added, %zu changed, %zu removed, %zu unchanged, %zu kept, %zu skipped%s (%.0f ms, %s)\n",
           rep->added.n, rep->changed.n, rep->removed.n, rep->unchanged.n, rep->kept.n, rep->skipped.n,
           rep->wrote ? "" : "; nothing written", rep->ms, db);
    return rep->kept.n || rep->skipped.n ? 1 : 0;
}

/* How old a backup may get before a run that wrote refreshes it anyway. */
#define BACKUP_MAX_AGE_S 3600

/* A copy to restore from if the file is ever found damaged: when there is
 * none yet, and after a write that the content folder alone could not
 * rebuild (a page kept at its last good version: only the index has that
 * text) or when the copy is over an hour old. Not after every write: a
 * copy of the whole file is 200 ms and more at 10,000 pages, and a
 * restored copy is brought up to date by the sync that follows it (see
 * check_index), so an older copy loses nothing the folder still has. */
static void update_backup(ks_index *ix, const char *db, const ks_index_report *rep) {
    char *bak = ks_sprintf("%s.backup", db);
    struct stat st;
    int no_backup = stat(bak, &st) != 0;
    int old = !no_backup && time(NULL) - st.st_mtime > BACKUP_MAX_AGE_S;
    free(bak);
    if ((no_backup || (rep->wrote && (rep->kept.n > 0 || old))) && ks_index_backup(ix) != 0)
        fprintf(stderr, "kiosk index: could not update the backup of '%s' (the old one stays): %s\n", db,
                ks_index_errmsg(ix));
}

/* What a run that loads works from: the folder's stamp and its walk, and
 * the last run's records. The records are read on a thread of their own
 * while the stamp is taken: the stamp is a stat of every file (the
 * kernel's time, 20-30 ms at 10,000 pages) and the records 5.6 MB to check
 * and parse (15 ms), neither needing the other, so on two cores a run
 * waits for the longer of the two, not their sum (a run that finds nothing
 * changed throws the records away). */
typedef struct index_run {
    char *stamp;         /* the folder's stamp (NULL: none could be taken) */
    ks_store_walk *walk; /* what its walk saw (NULL: nothing) */
    char *records;       /* the records file */
    ks_store *prev;      /* what load_records read from it (NULL: nothing usable) */
    int64_t generation;  /* the index's generation prev was keyed with */
    ks_index *ix;        /* the records thread's until records_join, then the caller's again */
    pthread_t th;
    int threaded;        /* 0: the thread could not be started: read at the join */
} index_run;

static void *records_main(void *arg) {
    index_run *run = arg;
    run->generation = ks_index_generation(run->ix);
    run->prev = load_records(run->ix, run->records, run->generation);
    return NULL;
}

static void records_start(index_run *run) { run->threaded = pthread_create(&run->th, NULL, records_main, run) == 0; }

static void records_join(index_run *run) {
    if (run->threaded) pthread_join(run->th, NULL);
    else records_main(run);
}

static void index_run_free(index_run *run) {
    ks_store_free(run->prev);
    free(run->records);
    ks_store_walk_free(run->walk);
    free(run->stamp);
}

static void *run_free_main(void *arg) {
    index_run_free(arg);
    return NULL;
}

/* ks_store_free on a thread of its own (the last run's records stay the
 * caller's: index_run_free) */
static void *store_free_main(void *arg) {
    ks_store_free(arg);
    return NULL;
}

/* Load the folder (reusing the last run's records, and trusting the
 * stamp's walk for the folders' names and the files' identities), sync it
 * into ix and report; the stamp is remembered for the next no-change run.
 * Returns the exit status. */
static int index_folder(ks_index *ix, app_paths *paths, const index_run *run, int quiet, size_t *last) {
    /* the records remember the placeholder values: other values, no reuse;
     * the problems are counted, not kept: kiosk index prints the pages
     * kept and skipped (each page's errors), never the messages */
    ks_store *store = app_load_store_walked("index", paths, run->prev, run->walk, 1);
    ks_index_report rep;
    int status = 2;
    if (!store) return 2;
    early_records early;
    early_records_start(&early, ix, run->records, store, run->prev);
    /* the pages reused from the records are as the index holds them, while
     * it is at the generation the records were saved for: the sync need not
     * read their 10,000 rows (it checks the generation in its transaction) */
    ks_index_set_trust_reused(ix, run->prev ? run->generation : -1);
    int synced = sync_waiting(ix, store, &rep, last) == 0;
    if (!synced) {
        fprintf(stderr, "kiosk index: the index '%s' was not changed: %s\n", paths->db, ks_index_errmsg(ix));
        early_records_finish(&early, ix, run->records, &rep, 0);
    } else {
        status = print_report(&rep, quiet, paths->db);
        if (run->stamp) remember_summary(ix, run->stamp, &rep);
        if (!early_records_finish(&early, ix, run->records, &rep, 1))
            save_records(ix, run->records, store, run->prev, rep.generation);
    }
    /* the new snapshot is freed on a thread while the backup is made (120 ms
     * at 15,000 pages) */
    pthread_t th;
    int threaded = pthread_create(&th, NULL, store_free_main, store) == 0;
    if (synced) update_backup(ix, paths->db, &rep);
    if (threaded) pthread_join(th, NULL);
    else ks_store_free(store);
    ks_index_report_free(&rep);
    return status;
}

int cmd_index(int argc, char **argv) {
    app_paths paths = {0};
    size_t last = 0; /* the progress bar's state, for as long as ix lives */
    int quiet = 0, status = parse_options(argc, argv, &paths, &quiet);
    if (status != APP_GO_ON) return status;

    ks_index *ix = open_index(paths.db);
    if (!ix) return 2;
    if (check_index(ix, paths.db) < 0) {
        ks_index_close(ix);
        return 2;
    }
    /* Nothing on disk changed since the last sync of this folder: say what
     * that sync said, without reading a single page. */
    double t0 = ks_now_ms();
    char *last_stamp = ks_index_note_get(ix, "index.stamp");
    index_run run = {.ix = ix, .records = records_path(paths.db)};
    records_start(&run);
    run.stamp = content_stamp(paths.content, &paths.cfg, paths.db, &run.walk);
    records_join(&run); /* ix is this thread's again */
    status = APP_GO_ON;
    if (run.stamp && last_stamp && strcmp(run.stamp, last_stamp) == 0)
        status = repeat_last_summary(ix, ks_now_ms() - t0, paths.db);
    free(last_stamp);
    if (status == APP_GO_ON) status = index_folder(ix, &paths, &run, quiet, &last);
    /* the last run's records and the walk (2-4 ms to free at 10,000 pages)
     * are freed on a thread while the index closes, which mostly waits for
     * the disk (its checkpoint's two fdatasyncs) */
    pthread_t th;
    int threaded = pthread_create(&th, NULL, run_free_main, &run) == 0;
    if (!threaded) index_run_free(&run);
    /* a run that went through seals the file it checked, so the next one
     * need not read it whole again (see check_index) */
    if (status != 2) ks_index_close_sealed(ix);
    else ks_index_close(ix);
    if (threaded) pthread_join(th, NULL);
    return status;
}
