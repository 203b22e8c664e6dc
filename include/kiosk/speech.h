/* speech: a page read aloud, sentence by sentence.
 *
 * Three layers, each usable alone:
 *
 * - The script (no synthesis): what of a document is spoken, split into
 *   sentences. Headings, paragraphs, list items (each item its own
 *   sentence, a numbered item says its number), callouts, picture captions
 *   and code are read; markers, rules, link targets and pictures themselves
 *   are not. Each sentence carries its range of ks_doc_text(), the
 *   coordinate system layout's text items share (ks_item.src), so the
 *   sentence being read can be marked on screen exactly.
 * - The synthesiser: espeak-ng's C API (Debian libespeak-ng-dev, voices
 *   from espeak-ng-data) into memory, 16-bit mono PCM at its sample rate.
 *   espeak-ng is process-global and not thread-safe: one synthesiser may be
 *   open at a time, and only the thread that opened it may use it.
 * - The reader: a thread that owns a synthesiser and turns sentences into
 *   PCM chunks handed to a sink, so the UI thread never waits for speech.
 *
 * Depends on base and doc, espeak-ng and pthreads. No SDL: playback is the
 * caller's (the UI queues the chunks on an SDL audio device).
 */
#ifndef KIOSK_SPEECH_H
#define KIOSK_SPEECH_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/doc.h"

/* ---------------------------------------------------------------- script */

typedef struct ks_speech_sentence {
    const char *text;  /* what is spoken: UTF-8, spaces made single, a
                          numbered item's number in front; owned by the script */
    size_t src;        /* its range of ks_doc_text(): src .. src + src_len */
    size_t src_len;
    int words;         /* words in text (runs of letters or digits) */
} ks_speech_sentence;

typedef struct ks_speech_script ks_speech_script;

/* The sentences of doc, in reading order. Never fails (an empty document
 * gives an empty script). doc is only read and may be freed afterwards. The
 * caller frees the result with ks_speech_script_destroy(). */
ks_speech_script *ks_speech_script_from_doc(const ks_doc *doc);
/* Free a script. NULL is fine. */
void ks_speech_script_destroy(ks_speech_script *s);
/* How many sentences; sentence i (< count), valid until the script is freed. */
size_t ks_speech_script_count(const ks_speech_script *s);
const ks_speech_sentence *ks_speech_script_sentence(const ks_speech_script *s, size_t i);
/* The first sentence that ends after doc text offset src (where to start
 * reading from a line on screen); count when none does. */
size_t ks_speech_script_find(const ks_speech_script *s, size_t src);
/* Words in the whole script. */
int ks_speech_script_words(const ks_speech_script *s);

/* ---------------------------------------------------------- synthesiser */

#define KS_SPEECH_RATE_DEFAULT 150 /* words per minute */
#define KS_SPEECH_RATE_SLOW 120    /* the "Slower" toggle */

typedef struct ks_speech_synth ks_speech_synth;

/* Receives PCM as it is made: n 16-bit mono samples. Return nonzero to stop
 * the sentence at once. */
typedef int (*ks_speech_pcm_fn)(void *ctx, const int16_t *pcm, size_t n);

/* Start espeak-ng with voice (NULL or "": "en-us") at volume percent (100 is
 * espeak-ng's normal loudness; 10 .. 200). espeak-ng's data is found where
 * Debian's espeak-ng-data puts it. Returns NULL with err (cap bytes) saying
 * why: the data or the voice is missing, or another synthesiser is open in
 * this process. Use it and close it with ks_speech_synth_close() on the
 * thread that opened it. */
ks_speech_synth *ks_speech_synth_open(const char *voice, int volume, char *err, size_t cap);
/* Give espeak-ng up, for another synthesiser (on any thread) to open.
 * espeak-ng itself stays loaded until the process ends. NULL is fine. */
void ks_speech_synth_close(ks_speech_synth *s);
/* The PCM sample rate (22050 for espeak-ng's voices). */
int ks_speech_synth_sample_rate(const ks_speech_synth *s);
/* Speak text (UTF-8) at rate words per minute (80 .. 450), handing the
 * samples to fn as they are made (about 20 ms at a time), the last of them
 * before it returns. Returns 0 when the sentence is done, 1 when fn stopped
 * it, KS_ERR_IO when espeak-ng failed. */
int ks_speech_synth_say(ks_speech_synth *s, const char *text, int rate, ks_speech_pcm_fn fn, void *ctx);

/* Write PCM (n 16-bit mono samples at rate) as a WAV file, atomically.
 * Returns 0 or KS_ERR_IO. */
int ks_speech_wav_write(const char *path, const int16_t *pcm, size_t n, int rate);

/* ---------------------------------------------------------------- reader */

/* Receives the reader's output, on the reader's thread: for job, sentence
 * (an index into the sentences given to ks_speech_reader_start) and n
 * samples of it. A sentence's first chunk comes before any of the next
 * sentence's; when the job has read its last sentence the sink is called
 * once more with sentence == SIZE_MAX and n == 0. Chunks of a job that was
 * cancelled may still arrive: compare job with the current one. */
typedef void (*ks_speech_sink)(void *ctx, unsigned job, size_t sentence, const int16_t *pcm, size_t n);

typedef struct ks_speech_reader ks_speech_reader;

/* Start the reader's thread, which opens the synthesiser (voice, volume as
 * ks_speech_synth_open) and then sleeps until given work. Waits only for
 * espeak-ng to start (tens of milliseconds, once, at start-up). Returns
 * NULL with err saying why when espeak-ng cannot start. sink and ctx are
 * borrowed until ks_speech_reader_destroy(). */
ks_speech_reader *ks_speech_reader_create(const char *voice, int volume, ks_speech_sink sink, void *ctx,
                                          char *err, size_t cap);
/* Stop the thread (a sentence being spoken is cut short) and free. NULL is
 * fine. */
void ks_speech_reader_destroy(ks_speech_reader *r);
/* The PCM sample rate of everything the sink receives. */
int ks_speech_reader_sample_rate(const ks_speech_reader *r);
/* Read sentences first .. n-1 of texts (copied) at rate words per minute,
 * replacing any job in progress. Never waits for synthesis. Returns the
 * new job's number (never 0). */
unsigned ks_speech_reader_start(ks_speech_reader *r, const char *const *texts, size_t n, size_t first,
                                int rate);
/* Cancel the job in progress (the sentence being made stops within one
 * chunk). Never waits. */
void ks_speech_reader_cancel(ks_speech_reader *r);

#endif
