/* options: the --content/--db defaults and option parsing shared by commands. */
#include "app.h"

#include "kiosk/base.h"
#include "kiosk/store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *app_default_content(void) {
    const char *env = getenv("KIOSK_CONTENT");
    if (env && *env) return env;
    if (is_dir("content")) return "content";
    return KIOSK_DEFAULT_CONTENT;
}

const char *app_default_db(void) {
    static char path[4096];
    const char *env = getenv("KIOSK_DB");
    if (env && *env) return env;
#ifndef KIOSK_STATE_DIR
#define KIOSK_STATE_DIR ""
#endif
    /* An installed kiosk (a KIOSK_PACKAGE build) keeps its state in
     * /var/lib/clinic-kiosk, for the service and for staff alike. */
    if (!path[0] && KIOSK_STATE_DIR[0]) snprintf(path, sizeof path, "%s/index.db", KIOSK_STATE_DIR);
    if (!path[0]) {
        const char *state = getenv("XDG_STATE_HOME");
        const char *home = getenv("HOME");
        if (state && *state)
            snprintf(path, sizeof path, "%s/clinic-kiosk/index.db", state);
        else if (home && *home)
            snprintf(path, sizeof path, "%s/.local/state/clinic-kiosk/index.db", home);
        else
            return NULL; /* never a silent fallback to the current folder */
        (void)ks_make_parent_dirs(path, 0755); /* a failure shows when the file is opened */
    }
    return path;
}

int app_take_value(const char *name, int argc, char **argv, int *i, const char **value) {
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0) return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        (*i)++;
        return 1;
    }
    if (arg[n] != '\0') return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "kiosk: %s needs a value\n", name);
        return KS_ERR_INVALID;
    }
    *value = argv[*i + 1];
    *i += 2;
    return 1;
}

int app_take_path_option(app_paths *paths, int argc, char **argv, int *i) {
    int r = app_take_value("--content", argc, argv, i, &paths->content);
    if (r != 0) return r;
    r = app_take_value("--config", argc, argv, i, &paths->config);
    if (r != 0) return r;
    return app_take_value("--db", argc, argv, i, &paths->db);
}

int app_config_and_content(app_paths *paths) {
    const char *env = getenv("KIOSK_CONFIG");
    char msg[1200];
    struct stat st;
    ks_config_defaults(&paths->cfg);
    if (!paths->config && env && *env) paths->config = env;
    if (!paths->config && stat(KS_CONFIG_PATH, &st) == 0) paths->config = KS_CONFIG_PATH;
    if (paths->config && ks_config_load(&paths->cfg, paths->config, msg, sizeof msg) != 0) {
        fprintf(stderr, "kiosk: %s\n", msg);
        return 2;
    }
    if (!paths->content) {
        env = getenv("KIOSK_CONTENT");
        if (env && *env) paths->content = env;
        else if (paths->cfg.paths.content[0]) paths->content = paths->cfg.paths.content;
        else paths->content = app_default_content();
    }
    return 0;
}

int app_paths_defaults(app_paths *paths) {
    const char *env;
    if (app_config_and_content(paths) != 0) return 2;
    if (!paths->db) {
        env = getenv("KIOSK_DB");
        if (env && *env) paths->db = env;
        else if (paths->cfg.paths.index[0]) paths->db = paths->cfg.paths.index;
        else paths->db = app_default_db();
    }
    if (!paths->db) {
        fprintf(stderr, "kiosk: no place for the index: neither HOME nor XDG_STATE_HOME is set; set one, "
                        "or KIOSK_DB, or give --db FILE\n");
        return 2;
    }
    return 0;
}

int app_usage_error(const char *sub, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "kiosk %s: ", sub);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'kiosk %s --help')\n", sub);
    return 2;
}

int app_is_help(const char *arg) { return !strcmp(arg, "--help") || !strcmp(arg, "-h"); }

ks_store *app_load_store(const char *sub, const app_paths *paths) { return app_load_store_from(sub, paths, NULL); }

ks_store *app_load_store_from(const char *sub, const app_paths *paths, const ks_store *prev) {
    return app_load_store_walked(sub, paths, prev, NULL, 0);
}

ks_store *app_load_store_walked(const char *sub, const app_paths *paths, const ks_store *prev, ks_store_walk *walk,
                                int count_diags) {
    int err;
    ks_store_options opts;
    ks_store *store;
    memset(&opts, 0, sizeof opts);
    opts.config = &paths->cfg;
    opts.count_diags = count_diags;
    opts.image_probe = app_image_probe; /* pictures are decoded, not only sniffed (SDL2_image loaded then) */
    store = walk ? ks_store_load_walked(paths->content, prev, walk, &opts, &err)
                 : ks_store_load_from(paths->content, prev, &opts, &err);
    if (!store)
        fprintf(stderr, "kiosk %s: cannot read the content folder '%s': %s\n", sub, paths->content,
                strerror(errno));
    return store;
}

/* Why a file cannot be read as text, in words: a folder, a pipe or a
 * device is named as such (ks_read_file reports them all as EISDIR). */
static const char *read_problem(const char *path, int rc) {
    struct stat st;
    if (rc == KS_ERR_TOO_BIG) return "larger than 1 MiB";
    if (rc == KS_ERR_NOT_FOUND) return "no such file";
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return S_ISDIR(st.st_mode) ? "it is a folder, not a file"
               : S_ISFIFO(st.st_mode) ? "it is a pipe (FIFO), not a file"
               : S_ISSOCK(st.st_mode) ? "it is a socket, not a file"
                                      : "it is a device, not a file";
    return strerror(errno);
}

int app_read_text(const char *sub, const char *path, char **text, size_t *len) {
    int rc = ks_read_file(path, 1 << 20, text, len);
    if (rc == KS_OK) return 0;
    fprintf(stderr, "kiosk %s: cannot read %s: %s\n", sub, path, read_problem(path, rc));
    return rc;
}

uint64_t app_placeholders_hash(const ks_config *cfg) {
    ks_buf b = {0};
    uint64_t h;
    for (const char *const *k = ks_config_placeholder_names; *k; k++) {
        const char *v = "";
        ks_config_placeholder(cfg, *k, &v);
        ks_buf_printf(&b, "%s=%s\n", *k, v);
    }
    h = ks_hash64(b.data ? b.data : "", b.len);
    ks_buf_free(&b);
    return h;
}
