/* reader: the thread that owns espeak-ng.
 *
 * The thread opens the synthesiser itself (espeak-ng must be used from one
 * thread), then sleeps on a condition variable until a job arrives. A job
 * is a copy of the sentences' texts; the thread speaks them one by one,
 * handing each chunk of samples to the sink. The current job's number is
 * an atomic the synthesis callback reads on every chunk, so starting a new
 * job or cancelling stops the sentence being made within one chunk
 * (20 ms of audio), and neither ever waits for the thread.
 */
#include "kiosk/speech.h"

#include "kiosk/base.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct job {
    char **texts;
    size_t n, first;
    int rate;
    unsigned id;
} job;

struct ks_speech_reader {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ks_speech_sink sink;
    void *ctx;
    char voice[64];
    int volume;
    int sample_rate;
    /* guarded by mu */
    job pending;        /* texts == NULL: none */
    int quit;
    int started;        /* the thread has tried to open espeak-ng */
    char err[256];      /* why it could not */
    unsigned next_id;
    /* read by the synthesis callback on the reader's thread */
    atomic_uint current;/* the job that may still speak */
};

static void free_job(job *j) {
    for (size_t i = 0; i < j->n; i++) free(j->texts[i]);
    free(j->texts);
    memset(j, 0, sizeof *j);
}

typedef struct chunk_ctx {
    ks_speech_reader *r;
    unsigned id;
    size_t sentence;
} chunk_ctx;

static int on_pcm(void *ctx, const int16_t *pcm, size_t n) {
    chunk_ctx *c = ctx;
    if (atomic_load(&c->r->current) != c->id) return 1;
    c->r->sink(c->r->ctx, c->id, c->sentence, pcm, n);
    return 0;
}

static void *run(void *arg) {
    ks_speech_reader *r = arg;
    char err[256] = "";
    ks_speech_synth *s = ks_speech_synth_open(r->voice, r->volume, err, sizeof err);
    pthread_mutex_lock(&r->mu);
    r->started = 1;
    r->sample_rate = ks_speech_synth_sample_rate(s);
    if (!s) snprintf(r->err, sizeof r->err, "%s", err);
    pthread_cond_broadcast(&r->cv);
    while (s) {
        while (!r->pending.texts && !r->quit) pthread_cond_wait(&r->cv, &r->mu);
        if (r->quit) break;
        job j = r->pending;
        memset(&r->pending, 0, sizeof r->pending);
        pthread_mutex_unlock(&r->mu);
        size_t i = j.first;
        for (; i < j.n && atomic_load(&r->current) == j.id; i++) {
            chunk_ctx c = {r, j.id, i};
            if (ks_speech_synth_say(s, j.texts[i], j.rate, on_pcm, &c) < 0)
                ks_log("speech: espeak-ng could not speak sentence %zu", i);
        }
        if (i >= j.n && atomic_load(&r->current) == j.id) r->sink(r->ctx, j.id, SIZE_MAX, NULL, 0);
        free_job(&j);
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    ks_speech_synth_close(s);
    return NULL;
}

ks_speech_reader *ks_speech_reader_create(const char *voice, int volume, ks_speech_sink sink, void *ctx,
                                          char *err, size_t cap) {
    if (!sink) {
        snprintf(err, cap, "speech: no sink");
        return NULL;
    }
    ks_speech_reader *r = ks_calloc(1, sizeof *r);
    r->sink = sink;
    r->ctx = ctx;
    snprintf(r->voice, sizeof r->voice, "%s", voice ? voice : "");
    r->volume = volume;
    atomic_init(&r->current, 0);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    if (pthread_create(&r->thread, NULL, run, r) != 0) {
        snprintf(err, cap, "speech: cannot start a thread");
        pthread_cond_destroy(&r->cv);
        pthread_mutex_destroy(&r->mu);
        free(r);
        return NULL;
    }
    pthread_mutex_lock(&r->mu);
    while (!r->started) pthread_cond_wait(&r->cv, &r->mu);
    int failed = r->sample_rate <= 0;
    if (failed) snprintf(err, cap, "%s", r->err);
    pthread_mutex_unlock(&r->mu);
    if (failed) {
        pthread_join(r->thread, NULL); /* it has already ended */
        pthread_cond_destroy(&r->cv);
        pthread_mutex_destroy(&r->mu);
        free(r);
        return NULL;
    }
    return r;
}

void ks_speech_reader_destroy(ks_speech_reader *r) {
    if (!r) return;
    pthread_mutex_lock(&r->mu);
    r->quit = 1;
    atomic_store(&r->current, 0);
    free_job(&r->pending);
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

int ks_speech_reader_sample_rate(const ks_speech_reader *r) { return r ? r->sample_rate : 0; }

unsigned ks_speech_reader_start(ks_speech_reader *r, const char *const *texts, size_t n, size_t first,
                                int rate) {
    job j = {0};
    j.texts = ks_malloc((n ? n : 1) * sizeof *j.texts);
    for (size_t i = 0; i < n; i++) j.texts[i] = ks_strdup(texts[i] ? texts[i] : "");
    j.n = n;
    j.first = first;
    j.rate = rate;
    pthread_mutex_lock(&r->mu);
    free_job(&r->pending);
    if (++r->next_id == 0) r->next_id = 1;
    j.id = r->next_id;
    r->pending = j;
    atomic_store(&r->current, j.id);
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return j.id;
}

void ks_speech_reader_cancel(ks_speech_reader *r) {
    if (!r) return;
    pthread_mutex_lock(&r->mu);
    free_job(&r->pending);
    atomic_store(&r->current, 0);
    pthread_mutex_unlock(&r->mu);
}
