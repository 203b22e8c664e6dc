/* kiosk speak: a page's speech, as the kiosk's Listen button reads it,
 * written to a WAV file, with each sentence's start time printed. No sound
 * card needed: this is how tests and staff check what the kiosk says. */
#include "app.h"

#include "kiosk/base.h"
#include "kiosk/doc.h"
#include "kiosk/speech.h"
#include "kiosk/store.h"

#include <stdlib.h>
#include <string.h>

static void help(void) {
    printf("usage: kiosk speak SLUG -o FILE.wav [--rate N] [--content DIR] [--config FILE]\n\n"
           "Speaks a page with espeak-ng, as the kiosk's Listen button does, into a\n"
           "WAV file (16-bit mono), and prints one line per sentence: its start in\n"
           "seconds, a tab, and the words spoken. A summary goes to stderr.\n\n"
           "  -o, --output FILE  where to write the WAV (required)\n"
           "  --rate N           words per minute, 80 to 300 (default: [speech] rate, 150)\n"
           "  --content DIR      the content folder\n"
           "  --config FILE      the configuration ([speech] voice, rate, volume)\n\n"
           "Exit status: 0 written, 1 unknown page or the file cannot be written,\n"
           "2 usage error or espeak-ng cannot start.\n");
}

typedef struct pcm_buf {
    int16_t *v;
    size_t n, cap;
} pcm_buf;

static int collect(void *ctx, const int16_t *pcm, size_t n) {
    pcm_buf *b = ctx;
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->v = ks_realloc(b->v, b->cap * sizeof *b->v);
    }
    memcpy(b->v + b->n, pcm, n * sizeof *pcm);
    b->n += n;
    return 0;
}

typedef struct speak_opts {
    const char *slug, *out; /* the page, the WAV file */
    int rate;               /* words per minute; 0: the configuration's */
} speak_opts;

/* The command line into *paths and *o: APP_GO_ON to go on, else the exit code. */
static int parse_options(int argc, char **argv, app_paths *paths, speak_opts *o) {
    for (int i = 1; i < argc;) {
        const char *v = NULL;
        int r = app_take_path_option(paths, argc, argv, &i);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (app_is_help(argv[i])) {
            help();
            return 0;
        }
        if ((r = app_take_value("-o", argc, argv, &i, &v)) != 0 ||
            (r = app_take_value("--output", argc, argv, &i, &v)) != 0) {
            if (r < 0) return 2;
            o->out = v;
            continue;
        }
        if ((r = app_take_value("--rate", argc, argv, &i, &v)) != 0) {
            if (r < 0) return 2;
            char *end;
            long n = strtol(v, &end, 10);
            if (end == v || *end || n < 80 || n > 300)
                return app_usage_error("speak", "--rate wants words per minute, 80 to 300 (got '%s')", v);
            o->rate = (int)n;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1]) return app_usage_error("speak", "unknown option '%s'", argv[i]);
        if (o->slug) return app_usage_error("speak", "one SLUG only (got '%s' and '%s')", o->slug, argv[i]);
        o->slug = argv[i++];
    }
    if (!o->slug) return app_usage_error("speak", "which page? give a SLUG such as prolotherapy/risks");
    if (!o->out) return app_usage_error("speak", "where to? give -o FILE.wav");
    return APP_GO_ON;
}

/* Speak every sentence of script into o->out, printing each one's start;
 * a summary on stderr. Returns the exit code. */
static int speak_script(const ks_speech_script *script, const ks_config *cfg, const speak_opts *o) {
    char err[300];
    ks_speech_synth *synth = ks_speech_synth_open(cfg->speech.voice, cfg->speech.volume, err, sizeof err);
    if (!synth) {
        fprintf(stderr, "kiosk %s\n", err);
        return 2;
    }
    int sr = ks_speech_synth_sample_rate(synth);
    pcm_buf pcm = {0};
    int status = 0;
    for (size_t i = 0; i < ks_speech_script_count(script); i++) {
        const ks_speech_sentence *s = ks_speech_script_sentence(script, i);
        printf("%.3f\t%s\n", (double)pcm.n / sr, s->text);
        if (ks_speech_synth_say(synth, s->text, o->rate, collect, &pcm) != 0) {
            fprintf(stderr, "kiosk speak: espeak-ng could not speak sentence %zu\n", i + 1);
            status = 1;
        }
    }
    fflush(stdout);
    ks_speech_synth_close(synth);
    if (ks_speech_wav_write(o->out, pcm.v, pcm.n, sr) != 0) {
        fprintf(stderr, "kiosk speak: cannot write '%s'\n", o->out);
        status = 1;
    } else {
        double secs = (double)pcm.n / sr;
        int words = ks_speech_script_words(script);
        fprintf(stderr, "kiosk speak: wrote %s: %zu sentences, %d words, %.1f s (%.0f words a minute at rate %d)\n",
                o->out, ks_speech_script_count(script), words, secs, secs > 0 ? words * 60.0 / secs : 0.0, o->rate);
    }
    free(pcm.v);
    return status;
}

int cmd_speak(int argc, char **argv) {
    app_paths paths = {0};
    speak_opts o = {0};
    int status = parse_options(argc, argv, &paths, &o);
    if (status != APP_GO_ON) return status;
    if (app_config_and_content(&paths) != 0) return 2;
    if (!o.rate) o.rate = paths.cfg.speech.rate;

    ks_store *store = app_load_store("speak", &paths);
    if (!store) return 2;
    const ks_page *page = ks_store_find(store, o.slug);
    if (!page) {
        fprintf(stderr, "kiosk speak: unknown page '%s' in %s\n", o.slug, paths.content);
        ks_store_free(store);
        return 1;
    }
    ks_doc *doc = ks_page_doc(page);
    ks_speech_script *script = ks_speech_script_from_doc(doc);
    ks_doc_destroy(doc);
    ks_store_free(store);

    status = speak_script(script, &paths.cfg, &o);
    ks_speech_script_destroy(script);
    return status;
}
