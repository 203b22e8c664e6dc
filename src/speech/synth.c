/* synth: espeak-ng into memory.
 *
 * espeak-ng keeps its state in globals, so the process may hold one
 * synthesiser at a time (an atomic flag says whether it is taken) and uses
 * it from the thread that opened it. AUDIO_OUTPUT_SYNCHRONOUS makes
 * espeak_Synth() return only when the text is spoken, calling our callback
 * with each buffer of samples as it is made; the espeak_Synth user_data
 * carries the caller's function, so no state of ours is global.
 */
#include "kiosk/speech.h"

#include "kiosk/base.h"

#include <espeak-ng/speak_lib.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Samples handed to the caller per callback: espeak's buffer length. Short,
 * so the first sound is ready soon and a stop is heard at once. */
#define BUFFER_MS 20

struct ks_speech_synth {
    int sample_rate;
};

/* The one synthesiser espeak-ng's globals allow (a lock, not state). */
static atomic_flag taken = ATOMIC_FLAG_INIT;
/* espeak-ng is started once per process and never terminated: in
 * test_speech, espeak_Terminate() (libespeak-ng 1.51, Debian 12) waited
 * forever on its internal thread's condition variable, so a closed
 * synthesiser leaves espeak-ng loaded (a few MB) for the next one. Only
 * touched while holding 'taken'. */
static int started_rate;

typedef struct say_ctx {
    ks_speech_pcm_fn fn;
    void *ctx;
    int stopped;
} say_ctx;

static int on_samples(short *wav, int n, espeak_EVENT *events) {
    say_ctx *sc = events ? events[0].user_data : NULL;
    if (!sc) return 0;
    if (sc->stopped) return 1;
    if (wav && n > 0 && sc->fn(sc->ctx, (const int16_t *)wav, (size_t)n)) {
        sc->stopped = 1;
        return 1;
    }
    return 0;
}

ks_speech_synth *ks_speech_synth_open(const char *voice, int volume, char *err, size_t cap) {
    if (atomic_flag_test_and_set(&taken)) {
        snprintf(err, cap, "speech: espeak-ng is already in use in this process");
        return NULL;
    }
    int rate = started_rate;
    if (!rate) rate = started_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS, NULL, espeakINITIALIZE_DONT_EXIT);
    if (rate <= 0) {
        started_rate = 0;
        snprintf(err, cap, "speech: espeak-ng cannot start (its voice data missing? install the Debian package espeak-ng-data)");
        atomic_flag_clear(&taken);
        return NULL;
    }
    if (!voice || !*voice) voice = "en-us";
    if (espeak_SetVoiceByName(voice) != EE_OK) {
        snprintf(err, cap, "speech: espeak-ng has no voice '%s' (try en-us or en; 'espeak-ng --voices=en' lists them)", voice);
        atomic_flag_clear(&taken);
        return NULL;
    }
    espeak_SetParameter(espeakVOLUME, volume < 10 ? 10 : volume > 200 ? 200 : volume, 0);
    espeak_SetSynthCallback(on_samples);
    ks_speech_synth *s = ks_calloc(1, sizeof *s);
    s->sample_rate = rate;
    return s;
}

void ks_speech_synth_close(ks_speech_synth *s) {
    if (!s) return;
    free(s);
    atomic_flag_clear(&taken);
}

int ks_speech_synth_sample_rate(const ks_speech_synth *s) { return s ? s->sample_rate : 0; }

int ks_speech_synth_say(ks_speech_synth *s, const char *text, int rate, ks_speech_pcm_fn fn, void *ctx) {
    if (!s || !text || !fn) return KS_ERR_INVALID;
    say_ctx sc = {fn, ctx, 0};
    espeak_SetParameter(espeakRATE, rate < 80 ? 80 : rate > 450 ? 450 : rate, 0);
    espeak_ERROR e = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8 | espeakENDPAUSE,
                                  NULL, &sc);
    if (sc.stopped) return 1;
    return e == EE_OK ? 0 : KS_ERR_IO;
}

/* ------------------------------------------------------------ WAV */

static void put16(unsigned char *p, unsigned v) {
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void put32(unsigned char *p, uint32_t v) {
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

int ks_speech_wav_write(const char *path, const int16_t *pcm, size_t n, int rate) {
    size_t bytes = n * 2;
    if (bytes > 0xffffffffu - 44) return KS_ERR_IO;
    unsigned char *buf = ks_malloc(44 + bytes);
    memcpy(buf, "RIFF", 4);
    put32(buf + 4, (uint32_t)(36 + bytes));
    memcpy(buf + 8, "WAVEfmt ", 8);
    put32(buf + 16, 16);
    put16(buf + 20, 1); /* PCM */
    put16(buf + 22, 1); /* mono */
    put32(buf + 24, (uint32_t)rate);
    put32(buf + 28, (uint32_t)rate * 2);
    put16(buf + 32, 2);
    put16(buf + 34, 16);
    memcpy(buf + 36, "data", 4);
    put32(buf + 40, (uint32_t)bytes);
    for (size_t i = 0; i < n; i++) put16(buf + 44 + 2 * i, (uint16_t)pcm[i]);
    int r = ks_write_file_atomic(path, buf, 44 + bytes);
    free(buf);
    return r == KS_OK ? 0 : KS_ERR_IO;
}
