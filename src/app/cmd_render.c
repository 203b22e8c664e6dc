/* kiosk render: one page (or, once the UI provides them, a screen) drawn
 * headlessly to a PNG, through the same doc -> layout -> render path the
 * kiosk draws with. No display, no window, no SDL_Init. */
#include "app.h"

#include "kiosk/base.h"
#include "kiosk/doc.h"
#include "kiosk/layout.h"
#include "kiosk/render.h"
#include "kiosk/store.h"
#include "kiosk/ui.h"

#include <stdlib.h>
#include <string.h>

static void help(void) {
    printf("usage: kiosk render SLUG -o FILE.png [--size WxH] [--text-scale S] [--theme NAME]\n"
           "                       [--scroll PX] [--highlight WORD]... [--content DIR] [--config FILE]\n\n"
           "Draws one page or screen headlessly (no display needed) and saves it as a\n"
           "PNG, exactly as the kiosk shows it. SLUG is a page's path under the content\n"
           "folder without .md (e.g. prolotherapy/risks), or a screen: home,\n"
           "topic:SLUG, search:QUERY, idle-prompt. The same run gives the same bytes.\n\n"
           "  -o, --output FILE  where to write the PNG (required)\n"
           "  --size WxH         the screen size in pixels (default 1080x1920)\n"
           "  --text-scale S     text size: 1.0, 1.5 or 2.0, anything from 1 to 2 (default 1.0)\n"
           "  --theme NAME       default or high-contrast (default: default)\n"
           "  --scroll PX        show the page scrolled down by PX pixels, at most to its\n"
           "                     end as on the kiosk (default 0)\n"
           "  --highlight WORD   (pages) highlight words starting with WORD (repeatable),\n"
           "                     and scroll to the first one unless --scroll is given\n"
           "  --content DIR      the content folder (default: $KIOSK_CONTENT, else\n"
           "                     ./content, else the shipped content)\n"
           "  --config FILE      the configuration: [clinic] values fill the pages'\n"
           "                     placeholders, such as {{clinic.phone}} (default:\n"
           "                     $KIOSK_CONFIG, else " KS_CONFIG_PATH " if it exists)\n"
           "  --db FILE          the search index, for search:QUERY (default: $KIOSK_DB,\n"
           "                     else $XDG_STATE_HOME/clinic-kiosk/index.db)\n\n"
           "Fonts come from $KIOSK_FONT_DIR, else %s.\n"
           "Exit status: 0 written, 1 unknown page or render failure, 2 usage error or\n"
           "fonts missing.\n",
           KIOSK_FONT_DIR);
}

typedef struct render_opts {
    const char *slug;
    const char *out;
    int w, h;
    double scale;
    const ks_theme *theme;
    int scroll;
    int scroll_given;
    const char *highlight[16];
    size_t n_highlight;
} render_opts;

/* "WxH", each 200..8192, into *w and *h: 0, or KS_ERR_INVALID. */
static int parse_size(const char *s, int *w, int *h) {
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X')) return KS_ERR_INVALID;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end) return KS_ERR_INVALID;
    if (a < 200 || b < 200 || a > 8192 || b > 8192) return KS_ERR_INVALID;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

/* Draw the page into a headless surface and save it. Returns the exit code. */
static int render_page(const ks_page *page, const render_opts *o, const char *content_dir) {
    ks_render_options ro = {0};
    ro.content_dir = content_dir;
    int err;
    ks_render_headless *hl = ks_render_headless_create(o->w, o->h, o->theme, &ro, &err);
    if (!hl) {
        fprintf(stderr, "kiosk render: %s\n",
                err == KS_ERR_NOT_FOUND ? "the fonts are missing or damaged (see the message above)"
                                        : "cannot make a drawing surface");
        return err == KS_ERR_NOT_FOUND ? 2 : 1;
    }
    ks_render *rd = ks_render_headless_render(hl);
    ks_doc *doc = ks_page_doc(page);
    ks_display_list *dl = ks_layout_list_create();
    ks_layout_params lp = {0};
    lp.width = o->w;
    lp.text_scale = o->scale;
    lp.theme = o->theme;
    lp.highlight = o->n_highlight ? o->highlight : NULL;
    lp.n_highlight = o->n_highlight;
    ks_layout_info info;
    int rc = ks_layout_doc(dl, doc, ks_render_metrics(rd), &lp, &info);
    int status = 0;
    if (rc == 0) {
        int scroll = o->scroll;
        if (!o->scroll_given && info.first_highlight_y >= 0)
            scroll = info.first_highlight_y - o->h / 4;
        int max_scroll = info.height > o->h ? info.height - o->h : 0;
        if (scroll > max_scroll) scroll = max_scroll;
        if (scroll < 0) scroll = 0;
        ks_render_clear(rd, NULL);
        if (ks_render_draw(rd, dl, 0, -scroll, NULL) != 0) {
            fprintf(stderr, "kiosk render: drawing failed: %s\n", SDL_GetError());
            status = 1;
        }
    } else {
        fprintf(stderr, "kiosk render: cannot lay out '%s' at %d px\n", page->slug, o->w);
        status = 1;
    }
    if (status == 0 && ks_render_headless_save_png(hl, o->out) != 0) {
        fprintf(stderr, "kiosk render: cannot write '%s'\n", o->out);
        status = 1;
    }
    ks_layout_list_destroy(dl);
    ks_doc_destroy(doc);
    ks_render_headless_destroy(hl);
    return status;
}

/* Screens ("home", "topic:SLUG", "search:QUERY", "idle-prompt") belong to
 * the ui module, which draws them with the same headless renderer. For
 * search:QUERY the index at --db is brought up to date first (as `kiosk
 * run` does). Returns an exit code, or KS_ERR_NOT_FOUND when spec names
 * no screen. */
static int render_screen(const char *spec, const render_opts *o, const ks_store *store, const app_paths *paths) {
    const char *db = paths->db ? paths->db : app_default_db();
    ks_store_view content = ks_store_view_of(store);
    ks_ui_config ui_cfg;
    ks_ui_shot_options so = {o->w, o->h, o->scale, o->theme ? o->theme->name : NULL, ks_store_dir(store), &ui_cfg};
    ks_search *search = NULL;
    int rc, err = 0;
    app_ui_config(&paths->cfg, &ui_cfg);
    ui_cfg.speech_enabled = 0; /* a picture has no sound */
    if (strncmp(spec, "search", 6) == 0 && !db) {
        fprintf(stderr, "kiosk render: no place for the index (set HOME or KIOSK_DB, or give --db FILE)\n");
        return 1;
    }
    if (strncmp(spec, "search", 6) == 0) {
        ks_index *ix = ks_index_open(db, &err);
        if (!ix || ks_index_sync(ix, store, NULL) != 0) fprintf(stderr, "kiosk render: cannot update the index %s\n", db);
        ks_index_close(ix);
        search = ks_search_open(db, &err);
    }
    rc = ks_ui_render_screen(spec, &content, search, &so, o->out);
    ks_search_close(search);
    if (rc == KS_ERR_NOT_FOUND) return KS_ERR_NOT_FOUND;
    return rc == 0 ? 0 : 1;
}

/* Render's option name with its value v into *o: 1, or 2 (the exit code)
 * after a usage error, said on stderr. */
static int set_render_option(render_opts *o, const char *name, const char *v) {
    char *end;
    if (!strcmp(name, "-o") || !strcmp(name, "--output")) {
        o->out = v;
    } else if (!strcmp(name, "--size")) {
        if (parse_size(v, &o->w, &o->h) != 0)
            return app_usage_error("render", "--size wants WxH, each 200..8192, e.g. 1080x1920 (got '%s')", v);
    } else if (!strcmp(name, "--text-scale")) {
        o->scale = strtod(v, &end);
        if (end == v || *end || !(o->scale >= 1.0 && o->scale <= 2.0))
            return app_usage_error("render", "--text-scale wants a number from 1 to 2 (got '%s')", v);
    } else if (!strcmp(name, "--theme")) {
        o->theme = ks_layout_theme(v);
        if (!o->theme) return app_usage_error("render", "unknown theme '%s' (default, high-contrast)", v);
    } else if (!strcmp(name, "--scroll")) {
        long px = strtol(v, &end, 10);
        if (end == v || *end || px < 0 || px > 10000000)
            return app_usage_error("render", "--scroll wants pixels >= 0 (got '%s')", v);
        o->scroll = (int)px;
        o->scroll_given = 1;
    } else { /* --highlight */
        if (o->n_highlight == sizeof o->highlight / sizeof o->highlight[0])
            return app_usage_error("render", "too many --highlight words");
        o->highlight[o->n_highlight++] = v;
    }
    return 1;
}

/* One of render's own options at argv[*i] into *o (*i moves past it):
 * 1 when taken, 0 when argv[*i] is none of them, 2 (the exit code) after a
 * usage error, said on stderr. */
static int take_render_option(render_opts *o, int argc, char **argv, int *i) {
    static const char *const names[] = {"-o",      "--output", "--size",     "--text-scale",
                                        "--theme", "--scroll", "--highlight"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const char *v = NULL;
        int r = app_take_value(names[k], argc, argv, i, &v);
        if (r < 0) return 2;
        if (r > 0) return set_render_option(o, names[k], v);
    }
    return 0;
}

/* The command line into *paths and *o: APP_GO_ON to go on, else the exit code. */
static int parse_options(int argc, char **argv, app_paths *paths, render_opts *o) {
    o->w = 1080;
    o->h = 1920;
    o->scale = 1.0;
    o->theme = ks_layout_theme("default");
    for (int i = 1; i < argc;) {
        int r = app_take_path_option(paths, argc, argv, &i);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (app_is_help(argv[i])) {
            help();
            return 0;
        }
        if ((r = take_render_option(o, argc, argv, &i)) == 2) return 2;
        if (r == 1) continue;
        if (argv[i][0] == '-' && argv[i][1])
            return app_usage_error("render", "unknown option '%s'", argv[i]);
        if (o->slug) return app_usage_error("render", "one SLUG only (got '%s' and '%s')", o->slug, argv[i]);
        o->slug = argv[i++];
    }
    if (!o->slug) return app_usage_error("render", "which page? give a SLUG such as prolotherapy/risks");
    if (!o->out) return app_usage_error("render", "where to? give -o FILE.png");
    return APP_GO_ON;
}

int cmd_render(int argc, char **argv) {
    app_paths paths = {0};
    render_opts o = {0};
    int status = parse_options(argc, argv, &paths, &o);
    if (status != APP_GO_ON) return status;
    if (app_config_and_content(&paths) != 0) return 2;
    if (!paths.db && paths.cfg.paths.index[0] && !getenv("KIOSK_DB")) paths.db = paths.cfg.paths.index;

    ks_store *store = app_load_store("render", &paths);
    if (!store) return 2;
    const ks_page *page = ks_store_find(store, o.slug);
    if (page) {
        status = render_page(page, &o, paths.content);
    } else {
        status = render_screen(o.slug, &o, store, &paths);
        if (status == KS_ERR_NOT_FOUND) {
            fprintf(stderr, "kiosk render: unknown page '%s' in %s\n", o.slug, paths.content);
            status = 1;
        }
    }
    ks_store_free(store);
    return status;
}
