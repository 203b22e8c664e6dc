/* main: picks the subcommand. Everything else lives in cmd_<name>.c.
 * Built twice (README, "Two executables"): into the full kiosk, which holds
 * every command, and with KIOSK_LEAN into the lean one users call, where
 * run, render and speak are NULL and start the full kiosk (exec_full.c). */
#include "app.h"

#include <string.h>

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv); /* NULL: the full kiosk runs it */
    const char *summary;
} command;

#ifdef KIOSK_LEAN
#define FULL(fn) NULL
#else
#define FULL(fn) fn
#endif

/* The command-line contract (see README "Command line"). Each issue that
 * delivers a subcommand adds its line here. */
static const command commands[] = {
    {"check", cmd_check, "validate every page; print path:line: problems"},
    {"index", cmd_index, "build or update the search index; print what changed"},
    {"search", cmd_search, "search the index as the kiosk does (--json, --stdin)"},
    {"render", FULL(cmd_render), "draw a page headlessly to a PNG (no display needed)"},
    {"speak", FULL(cmd_speak), "read a page aloud into a WAV file; print each sentence's start"},
    {"stats", cmd_stats, "print (or --reset) the anonymous usage counts"},
    {"sync", cmd_sync, "bring the content in line with a git source, checked, switched atomically"},
    {"run", FULL(cmd_run), "the touch kiosk (the default; --windowed, --script FILE)"},
};

static void usage(FILE *out) {
    fprintf(out, "usage: kiosk [COMMAND] [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nEvery command accepts --content DIR (default: %s)\n"
                 "and --db FILE (default: $KIOSK_DB, else $XDG_STATE_HOME/clinic-kiosk/index.db).\n"
                 "'kiosk COMMAND --help' describes one command.\n",
            "$KIOSK_CONTENT, else ./content, else the shipped content");
}

/* Run command c with its arguments (argc, argv), or the full kiosk with
 * the whole command line all. */
static int start(const command *c, int argc, char **argv, char **all) {
    return c->fn ? c->fn(argc, argv) : app_exec_full(all);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(commands[i].name, "run") == 0) return start(&commands[i], argc, argv, argv);
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("kiosk %s\n", KIOSK_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, argv[1]) == 0) return start(&commands[i], argc - 1, argv + 1, argv);
    /* Options without a command go to 'run' (kiosk --windowed). */
    if (argv[1][0] == '-')
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(commands[i].name, "run") == 0) return start(&commands[i], argc, argv, argv);
    fprintf(stderr, "kiosk: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
