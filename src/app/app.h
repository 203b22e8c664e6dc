/* app: the kiosk binary's commands, sharing one way to read options.
 *
 * Each subcommand lives in its own src/app/cmd_<name>.c as
 *     int cmd_<name>(int argc, char **argv);
 * called with argv[0] the subcommand's name. It returns the process exit
 * status (0 success, 1 problems found, 2 cannot run or bad usage) and never
 * calls exit(): only main() ends the process.
 */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include "kiosk/config.h"
#include "kiosk/store.h"

#include <stdint.h>
#include <stdio.h>

/* Options every subcommand accepts. */
typedef struct app_paths {
    const char *content; /* --content DIR (default: app_default_content()) */
    const char *db;      /* --db FILE (default: app_default_db()) */
    const char *config;  /* --config FILE (default: $KIOSK_CONFIG, else KS_CONFIG_PATH if it exists) */
    ks_config cfg;       /* what the configuration says (filled by app_paths_defaults) */
} app_paths;

/* The content folder used when --content is not given: $KIOSK_CONTENT, else
 * ./content if it exists, else the shipped content compiled in. Static
 * storage; do not free. */
const char *app_default_content(void);
/* The index used when --db is not given: $KIOSK_DB, else (an installed
 * kiosk) /var/lib/clinic-kiosk/index.db, else
 * $XDG_STATE_HOME/clinic-kiosk/index.db, else $HOME/.local/state/...; the
 * folder is created when missing. NULL when none of them is set (never a
 * guess such as the current folder). Static storage; do not free. */
const char *app_default_db(void);

/* What a command's option parser returns when the command goes on; any
 * other value is the exit code to end with (0 after --help, 2 after a
 * usage error). */
#define APP_GO_ON (-1)

/* If argv[*i] is --content, --db or --config (as "--opt VALUE" or
 * "--opt=VALUE"), store it in paths, advance *i past it and return 1.
 * Returns KS_ERR_INVALID (after a message on stderr) when the value is
 * missing, 0 when argv[*i] is none of them. */
int app_take_path_option(app_paths *paths, int argc, char **argv, int *i);
/* Read the configuration into paths->cfg (--config FILE, else
 * $KIOSK_CONFIG, else KS_CONFIG_PATH when that file exists, else the
 * defaults), then fill unset paths: the content folder is --content, else
 * $KIOSK_CONTENT, else [paths] content, else ./content when it exists, else
 * the shipped content; the index is --db, else $KIOSK_DB, else [paths]
 * index, else app_default_db(). Returns 0, or 2 after printing
 * "kiosk: FILE:LINE: message" for a configuration that cannot be used, or
 * a message when there is no place for the index (HOME unset). */
int app_paths_defaults(app_paths *paths);
/* The same for the configuration and the content folder only (for commands
 * that never open the index, so nothing is created for it). */
int app_config_and_content(app_paths *paths);

struct ks_ui_config;
/* The ui's settings (idle, staff, title, logo, screen care, speech) from the
 * configuration's. */
void app_ui_config(const ks_config *c, struct ks_ui_config *u);

/* If argv[*i] is "--NAME VALUE" or "--NAME=VALUE", set *value, advance *i
 * past it and return 1; KS_ERR_INVALID (after a message) when the value is
 * missing; 0 when argv[*i] is not that option. */
int app_take_value(const char *name, int argc, char **argv, int *i, const char **value);

/* Whether arg asks for a command's help: --help or -h. */
int app_is_help(const char *arg);

struct ks_store;
/* Load the content folder paths->content for subcommand sub, with the
 * placeholders filled from paths->cfg. On failure print
 * "kiosk SUB: cannot read the content folder 'DIR': reason" and return NULL.
 * The caller frees the store with ks_store_free(). */
struct ks_store *app_load_store(const char *sub, const app_paths *paths);
/* The same, reusing the records of prev's unchanged files (prev may be
 * NULL; it is only read and stays the caller's). */
struct ks_store *app_load_store_from(const char *sub, const app_paths *paths, const struct ks_store *prev);
/* The same, trusting walk (the stamp's walk of the folder, may be NULL:
 * see ks_store_load_walked) for the listings and the files' identities;
 * count_diags 1: the diagnostics only counted (ks_store_options.count_diags,
 * for kiosk index, which prints none). */
struct ks_store_walk;
struct ks_store *app_load_store_walked(const char *sub, const app_paths *paths, const struct ks_store *prev,
                                      struct ks_store_walk *walk, int count_diags);

/* A hash of every placeholder value the configuration gives pages (see
 * ks_config_placeholder), so a changed clinic phone number is a change. */
uint64_t app_placeholders_hash(const ks_config *cfg);

/* src/app/probe.c: decode a picture with SDL2_image for the store's check
 * (a ks_image_probe; ctx unused). SDL2_image is loaded with dlopen() on the
 * first picture (a failure to load it fails that picture's check, with a
 * message); app_image_probe_init() loads it now, as a program that draws
 * on one thread and probes on another (kiosk run) does on its main thread
 * first. Both are safe from any thread. */
void app_image_probe_init(void);
int app_image_probe(void *ctx, const void *data, size_t len, ks_image_probe_result *out);

/* Read a small text file (at most 1 MiB) the user named (--config,
 * --script). Returns 0 with *text (the caller frees it) and *len, or a
 * negative KS_ERR_* after "kiosk SUB: cannot read PATH: why" on stderr, where why names a
 * folder, a pipe or a device as such. */
int app_read_text(const char *sub, const char *path, char **text, size_t *len);

/* Print "kiosk SUB: MESSAGE" and a hint to use --help on stderr; returns 2. */
int app_usage_error(const char *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The lean kiosk (src/app/exec_full.c): replace this process with the full
 * kiosk, given the whole command line argv (argv[0] the program). Returns
 * only on failure: 2, after saying why on stderr. */
int app_exec_full(char **argv);

int cmd_check(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_speak(int argc, char **argv);

#endif
