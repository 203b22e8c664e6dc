/* speech: what a page says (sentences, their ranges of the doc's text,
 * what is and is not read), the synthesiser into memory, the reader thread
 * (order, cancel, never two espeak-ngs), and `kiosk speak` on shipped pages:
 * the WAV lasts as long as its words take at the rate (±25 %), is not
 * silent, and has one start time per sentence of the document. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/config.h"
#include "kiosk/doc.h"
#include "kiosk/speech.h"
#include "harness_speech.h"
#include "kiosk/store.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT KIOSK_BUILD_DIR "/speech"

static ks_speech_script *script_of(const char *md, ks_doc **doc_out) {
    ks_doc *doc = ks_doc_parse(md, strlen(md), "x");
    ks_speech_script *s = ks_speech_script_from_doc(doc);
    if (doc_out)
        *doc_out = doc;
    else
        ks_doc_destroy(doc);
    return s;
}

static const char *said(const ks_speech_script *s, size_t i) {
    const ks_speech_sentence *x = ks_speech_script_sentence(s, i);
    return x ? x->text : "(none)";
}

static void test_sentences(void) {
    const char *md = "# Risks and side effects\n\n"
                     "Soreness is common. It passes in 2 days! Is it serious?  Rarely, e.g. an infection.\n"
                     "Dr. Lee checks you (as [the glossary](glossary.md#dextrose) says). After that you go home.\n\n"
                     "- soreness where the needle went in\n"
                     "- mild swelling\n\n"
                     "1. Rest.\n"
                     "2. Ice the joint\n\n"
                     "> Call us at once if you have a fever.\n\n"
                     "---\n\n"
                     "<div>raw html</div>\n\n"
                     "## Dextrose\n\n"
                     "A kind of sugar.\n";
    ks_doc *doc;
    ks_speech_script *s = script_of(md, &doc);
    static const char *const want[] = {
        "Risks and side effects",
        "Soreness is common.",
        "It passes in 2 days!",
        "Is it serious?",
        "Rarely, e.g. an infection.",
        "Dr. Lee checks you (as the glossary says).",
        "After that you go home.",
        "soreness where the needle went in",
        "mild swelling",
        "1. Rest.",
        "2. Ice the joint",
        "Call us at once if you have a fever.",
        "Dextrose",
        "A kind of sugar.",
    };
    size_t n = sizeof want / sizeof want[0];
    INT_EQ(ks_speech_script_count(s), n);
    for (size_t i = 0; i < n; i++) STR_EQ(said(s, i), want[i]);
    /* Each sentence's range is where it is in the doc's text (the number of
     * an item is not in the text: layout draws it as a marker). */
    size_t tlen;
    const char *text = ks_doc_text(doc, &tlen);
    for (size_t i = 0; i < ks_speech_script_count(s); i++) {
        const ks_speech_sentence *x = ks_speech_script_sentence(s, i);
        OK(x->src + x->src_len <= tlen);
        const char *t = x->text;
        if (t[0] >= '0' && t[0] <= '9') t = strchr(t, ' ') + 1;
        OK(strncmp(text + x->src, t, x->src_len > 10 ? 10 : x->src_len) == 0);
        if (i) OK(x->src >= ks_speech_script_sentence(s, i - 1)->src + ks_speech_script_sentence(s, i - 1)->src_len);
    }
    /* Link targets, raw HTML and rules are not read. */
    for (size_t i = 0; i < ks_speech_script_count(s); i++) {
        OK(!strstr(said(s, i), "glossary.md"));
        OK(!strstr(said(s, i), "dextrose"));
        OK(!strstr(said(s, i), "raw html"));
    }
    INT_EQ(ks_speech_script_sentence(s, 0)->words, 4);
    INT_EQ(ks_speech_script_words(s), 4 + 3 + 5 + 3 + 5 + 8 + 5 + 6 + 2 + 2 + 4 + 9 + 1 + 4);
    /* Where reading starts from a line on screen. */
    const char *after = strstr(text, "After that");
    INT_EQ(ks_speech_script_find(s, (size_t)(after - text)), 6);
    INT_EQ(ks_speech_script_find(s, (size_t)(after - text) + 3), 6);
    INT_EQ(ks_speech_script_find(s, 0), 0);
    INT_EQ(ks_speech_script_find(s, tlen), n);
    ks_speech_script_destroy(s);
    ks_doc_destroy(doc);

    /* Empty and wordless documents say nothing. */
    s = script_of("", NULL);
    INT_EQ(ks_speech_script_count(s), 0);
    ks_speech_script_destroy(s);
    s = script_of("---\n\n- \n\n> ...\n", NULL);
    INT_EQ(ks_speech_script_count(s), 0);
    ks_speech_script_destroy(s);
    ks_speech_script_destroy(NULL);
}

/* Phone numbers digit by digit; ranges with "to"; other numbers as written. */
static void test_numbers(void) {
    ks_speech_script *s = script_of("Call 555\xe2\x80\x91" "0100 or 555\xc2\xa0" "010\xc2\xa0" "4477 now.\n\n"
                                    "Rest for 8-9 hours, or 2\xe2\x80\x93" "3 days.\n\n"
                                    "It is written O3 and costs 120 dollars.\n\n"
                                    "Line one  \nline two.\n",
                                    NULL);
    INT_EQ(ks_speech_script_count(s), 4);
    STR_EQ(said(s, 0), "Call 5 5 5, 0 1 0 0 or 5 5 5, 0 1 0, 4 4 7 7 now.");
    STR_EQ(said(s, 1), "Rest for 8 to 9 hours, or 2 to 3 days.");
    STR_EQ(said(s, 2), "It is written O3 and costs 120 dollars.");
    STR_EQ(said(s, 3), "Line one line two.");
    ks_speech_script_destroy(s);
}

typedef struct pcm {
    int16_t *v;
    size_t n, cap;
    size_t stop_after; /* return nonzero once this many samples came (0: never) */
} pcm;

static int collect(void *ctx, const int16_t *x, size_t n) {
    pcm *p = ctx;
    if (p->n + n > p->cap) {
        p->cap = (p->n + n) * 2;
        p->v = ks_realloc(p->v, p->cap * sizeof *p->v);
    }
    memcpy(p->v + p->n, x, n * sizeof *x);
    p->n += n;
    return p->stop_after && p->n >= p->stop_after;
}

static double rms(const int16_t *v, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += (double)v[i] * v[i];
    return n ? sqrt(sum / (double)n) / 32768.0 : 0;
}

static void test_synth(void) {
    char err[300] = "";
    ks_speech_synth *s = ks_speech_synth_open(NULL, 100, err, sizeof err);
    OK(s != NULL);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    int sr = ks_speech_synth_sample_rate(s);
    OK(sr >= 16000 && sr <= 48000);
    /* Only one espeak-ng per process. */
    char err2[300] = "";
    OK(ks_speech_synth_open("en-us", 100, err2, sizeof err2) == NULL);
    OK(strstr(err2, "already in use") != NULL);

    const char *text = "The thick cord at the back of the ankle joins the calf muscle to the heel bone.";
    pcm a = {0}, b = {0};
    INT_EQ(ks_speech_synth_say(s, text, 150, collect, &a), 0);
    INT_EQ(ks_speech_synth_say(s, text, 120, collect, &b), 0);
    double da = (double)a.n / sr, db = (double)b.n / sr;
    OK(da > 16 * 60.0 / 150 * 0.75 && da < 16 * 60.0 / 150 * 1.25 + 0.5); /* 16 words */
    OK(db > da * 1.1);                                                       /* slower is longer */
    OK(rms(a.v, a.n) > 0.02);
    /* A louder volume is louder. */
    ks_speech_synth_close(s);
    s = ks_speech_synth_open("en-us", 50, err, sizeof err);
    OK(s != NULL);
    pcm q = {0};
    if (s) INT_EQ(ks_speech_synth_say(s, text, 150, collect, &q), 0);
    OK(rms(q.v, q.n) < rms(a.v, a.n) * 0.7);
    /* The callback stops a sentence at once. */
    pcm c = {0};
    c.stop_after = 1;
    if (s) INT_EQ(ks_speech_synth_say(s, text, 150, collect, &c), 1);
    OK(c.n < (size_t)sr / 10);
    ks_speech_synth_close(s);
    /* A voice that does not exist is named. */
    OK(ks_speech_synth_open("no-such-voice", 100, err, sizeof err) == NULL);
    OK(strstr(err, "no-such-voice") != NULL);
    /* And after all that, one can be opened again. */
    s = ks_speech_synth_open("en", 100, err, sizeof err);
    OK(s != NULL);
    ks_speech_synth_close(s);
    ks_speech_synth_close(NULL);

    /* WAV: header and samples round-trip. */
    mkdir(OUT, 0755);
    INT_EQ(ks_speech_wav_write(OUT "/a.wav", a.v, a.n, sr), 0);
    char *data = NULL;
    size_t len = 0;
    INT_EQ(ks_read_file(OUT "/a.wav", 1u << 26, &data, &len), 0);
    INT_EQ(len, 44 + 2 * a.n);
    OK(data && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WAVEfmt ", 8) == 0);
    free(data);
    free(a.v);
    free(b.v);
    free(c.v);
    free(q.v);
}

/* ------------------------------------------------------------ reader */

typedef struct sink_log {
    pthread_mutex_t mu;
    unsigned job;
    size_t samples;
    size_t order[64]; /* sentences in the order their first chunk came */
    size_t n_order;
    int done;         /* the end marker came */
    unsigned wrong_job;
    int hold;         /* after a chunk, the sink waits while this is set */
    pthread_cond_t released;
} sink_log;

static void sink(void *ctx, unsigned job, size_t sentence, const int16_t *pcm_, size_t n) {
    sink_log *l = ctx;
    (void)pcm_;
    pthread_mutex_lock(&l->mu);
    if (job != l->job) {
        l->wrong_job++;
    } else if (sentence == SIZE_MAX) {
        l->done = 1;
    } else {
        if ((!l->n_order || l->order[l->n_order - 1] != sentence) && l->n_order < 64) l->order[l->n_order++] = sentence;
        l->samples += n;
        while (l->hold) pthread_cond_wait(&l->released, &l->mu);
    }
    pthread_mutex_unlock(&l->mu);
}

static int wait_for(sink_log *l, int (*cond)(const sink_log *), double seconds) {
    for (int i = 0; i < seconds * 100; i++) {
        pthread_mutex_lock(&l->mu);
        int ok = cond(l);
        pthread_mutex_unlock(&l->mu);
        if (ok) return 1;
        usleep(10000);
    }
    return 0;
}

static int is_done(const sink_log *l) { return l->done; }
static int has_sound(const sink_log *l) { return l->samples > 0; }

static void test_reader(void) {
    sink_log l;
    memset(&l, 0, sizeof l);
    pthread_mutex_init(&l.mu, NULL);
    pthread_cond_init(&l.released, NULL);
    char err[300] = "";
    ks_speech_reader *r = ks_speech_reader_create("en-us", 100, sink, &l, err, sizeof err);
    OK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    OK(ks_speech_reader_sample_rate(r) >= 16000);
    /* The reader owns espeak-ng: nobody else may open it meanwhile. */
    OK(ks_speech_synth_open(NULL, 100, err, sizeof err) == NULL);

    const char *texts[] = {"One.", "Two sentences here.", "Three.", "Four."};
    pthread_mutex_lock(&l.mu);
    l.job = ks_speech_reader_start(r, texts, 4, 1, 150);
    pthread_mutex_unlock(&l.mu);
    OK(l.job != 0);
    OK(wait_for(&l, is_done, 20));
    INT_EQ(l.n_order, 3);
    INT_EQ(l.order[0], 1);
    INT_EQ(l.order[1], 2);
    INT_EQ(l.order[2], 3);

    /* Cancel: the chunks stop and no end marker comes. */
    const char *long_text[] = {"This is a long sentence that goes on and on about the knee, the ankle, the "
                               "shoulder, the back, the hip and the elbow, and then once more about the knee.",
                               "And another."};
    pthread_mutex_lock(&l.mu);
    l.done = 0;
    l.samples = 0;
    l.n_order = 0;
    l.hold = 1; /* the reader waits in the sink after its first chunk until cancelled */
    l.job = ks_speech_reader_start(r, long_text, 2, 0, 150);
    pthread_mutex_unlock(&l.mu);
    OK(wait_for(&l, has_sound, 20));
    ks_speech_reader_cancel(r);
    pthread_mutex_lock(&l.mu);
    l.hold = 0;
    pthread_cond_broadcast(&l.released);
    pthread_mutex_unlock(&l.mu);
    /* A chunk already on its way may still land (on a loaded machine, late);
     * then the samples stop: wait until a 300 ms window adds none. */
    size_t after_cancel = 0;
    int settled = 0;
    for (int tries = 0; tries < 30 && !settled; tries++) {
        pthread_mutex_lock(&l.mu);
        size_t before = l.samples;
        pthread_mutex_unlock(&l.mu);
        usleep(300000);
        pthread_mutex_lock(&l.mu);
        after_cancel = l.samples;
        pthread_mutex_unlock(&l.mu);
        settled = after_cancel == before;
    }
    OK(settled);
    OK(!l.done);
    OK(after_cancel < 22050 * 6); /* far less than the whole sentence */

    /* A new job replaces the one in progress. */
    pthread_mutex_lock(&l.mu);
    l.job = ks_speech_reader_start(r, long_text, 2, 0, 150);
    pthread_mutex_unlock(&l.mu);
    const char *short_text[] = {"Short."};
    pthread_mutex_lock(&l.mu);
    l.done = 0;
    l.n_order = 0;
    l.job = ks_speech_reader_start(r, short_text, 1, 0, 150);
    pthread_mutex_unlock(&l.mu);
    OK(wait_for(&l, is_done, 20));
    INT_EQ(l.n_order, 1);
    ks_speech_reader_destroy(r);
    ks_speech_reader_destroy(NULL);
    /* Destroyed: espeak-ng is free again. */
    ks_speech_synth *s = ks_speech_synth_open(NULL, 100, err, sizeof err);
    OK(s != NULL);
    ks_speech_synth_close(s);
    /* A missing voice fails at create, saying so. */
    OK(ks_speech_reader_create("no-such-voice", 100, sink, &l, err, sizeof err) == NULL);
    OK(strstr(err, "no-such-voice") != NULL);
    pthread_mutex_destroy(&l.mu);
    pthread_cond_destroy(&l.released);
}

/* ------------------------------------------------------------ kiosk speak */

static int read_wav(const char *path, int16_t **pcm_out, size_t *n, int *rate) {
    char *data = NULL;
    size_t len = 0;
    if (ks_read_file(path, 1u << 28, &data, &len) != 0 || len < 44 || memcmp(data, "RIFF", 4) != 0) {
        free(data);
        return -1;
    }
    const unsigned char *u = (const unsigned char *)data;
    *rate = (int)(u[24] | u[25] << 8 | u[26] << 16 | (unsigned)u[27] << 24);
    size_t bytes = (size_t)(u[40] | u[41] << 8 | u[42] << 16 | (unsigned)u[43] << 24);
    if (bytes > len - 44) bytes = len - 44;
    *n = bytes / 2;
    *pcm_out = ks_malloc(bytes ? bytes : 1);
    for (size_t i = 0; i < *n; i++) (*pcm_out)[i] = (int16_t)(u[44 + 2 * i] | u[45 + 2 * i] << 8);
    free(data);
    return 0;
}

static int count_words(const char *t) {
    int n = 0, in = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        int w = isalnum(*p) || *p >= 0x80 || *p == '\'';
        if (w && !in) n++;
        in = w;
    }
    return n;
}

static void speak_page(const ks_store *store, const char *slug, int rate) {
    const ks_page *page = ks_store_find(store, slug);
    OK(page != NULL);
    if (!page) return;
    ks_doc *doc = ks_page_doc(page);
    ks_speech_script *script = ks_speech_script_from_doc(doc);
    size_t sentences = ks_speech_script_count(script);
    ks_speech_script_destroy(script);
    ks_doc_destroy(doc);
    OK(sentences > 10);

    char *wav = ks_sprintf(OUT "/%s-%d.wav", strchr(slug, '/') ? strchr(slug, '/') + 1 : slug, rate);
    char *cmd = ks_sprintf("%s speak --content %s/content %s -o %s --rate %d", KIOSK_BIN, KIOSK_SOURCE_DIR, slug,
                           wav, rate);
    char *out = NULL;
    INT_EQ(harness_run(cmd, &out), 0);
    /* One line per sentence: start seconds, tab, words; starts increase. */
    size_t lines = 0;
    int words = 0;
    double prev = -1;
    for (char *line = out; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        char *tab = strchr(line, '\t');
        OK(tab != NULL);
        if (tab) {
            double t = strtod(line, NULL);
            OK(t > prev);
            prev = t;
            words += count_words(tab + 1);
        }
        lines++;
        line = nl ? nl + 1 : NULL;
    }
    INT_EQ(lines, sentences);
    int16_t *pcm_ = NULL;
    size_t n = 0;
    int sr = 0;
    INT_EQ(read_wav(wav, &pcm_, &n, &sr), 0);
    double secs = sr ? (double)n / sr : 0, expect = words * 60.0 / rate;
    fprintf(stderr, "  %s at %d: %d words, %.1f s (expected %.1f), RMS %.3f\n", slug, rate, words, secs, expect,
            rms(pcm_, n));
    OK(secs > expect * 0.75 && secs < expect * 1.25);
    OK(prev < secs);
    OK(rms(pcm_, n) > 0.02);
    free(pcm_);
    free(out);
    free(cmd);
    free(wav);
}

static void test_kiosk_speak(void) {
    mkdir(OUT, 0755);
    int err = 0;
    ks_store *store = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    OK(store != NULL);
    if (!store) return;
    speak_page(store, "prolotherapy/risks", 150);
    speak_page(store, "glossary", 150);
    speak_page(store, "ozone-therapy/what-it-is", 120);
    ks_store_free(store);
    /* Usage errors and unknown pages. */
    char *cmd = ks_sprintf("%s speak --content %s/content no/such -o " OUT "/x.wav 2>&1", KIOSK_BIN, KIOSK_SOURCE_DIR);
    char *out = NULL;
    INT_EQ(harness_run(cmd, &out), 1);
    OK(out && strstr(out, "unknown page 'no/such'"));
    free(out);
    free(cmd);
    cmd = ks_sprintf("%s speak glossary -o " OUT "/x.wav --rate 5 2>&1", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 2);
    OK(out && strstr(out, "--rate wants words per minute"));
    free(out);
    free(cmd);
    cmd = ks_sprintf("%s speak glossary 2>&1", KIOSK_BIN);
    INT_EQ(harness_run(cmd, &out), 2);
    free(out);
    free(cmd);
}

int main(void) {
    if (!harness_espeak_can_start()) return harness_done();
    RUN(test_sentences);
    RUN(test_numbers);
    RUN(test_synth);
    RUN(test_reader);
    RUN(test_kiosk_speak);
    return harness_done();
}
