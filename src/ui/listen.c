/* listen: the page read aloud, sentence by sentence, with the sentence
 * being read marked on screen and kept in view.
 *
 * Threads. The speech module's reader thread owns espeak-ng and hands each
 * chunk of samples to sink() below, which queues it on the SDL audio
 * device (SDL_QueueAudio locks the device itself) and notes where each
 * sentence starts. The UI thread never waits for synthesis: it only reads
 * those counters under a mutex held for a few instructions. The reader
 * stays at most AHEAD_S seconds ahead of playback (it waits inside sink,
 * on its own thread), so a long page never fills memory.
 *
 * Time. Playback position is the UI's clock since playback began, minus
 * pauses, so a scripted run or a test that advances the clock sees the
 * highlight move exactly as a listener would; when synthesis falls behind
 * (an underrun: the device has nothing to play either) the clock waits for
 * it. A job number tells stale chunks (from a stopped reading) from current
 * ones: sink drops them, so Stop is silent at once.
 */
#include "ui_int.h"

#include "kiosk/base.h"
#include "kiosk/speech.h"

#include <SDL.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AHEAD_S 10.0 /* seconds of speech synthesised ahead of playback */

struct ui_listen {
    ks_speech_reader *reader;
    SDL_AudioDeviceID dev;
    int sample_rate;
    int slower;
    int audio_init;          /* we started SDL's audio subsystem */

    /* Playback (UI thread). */
    ks_listen_state state;
    ks_speech_script *script;
    size_t n;                /* its sentences read: those the screen shows */
    const ks_doc *doc;       /* the document the script was made from */
    double t0;               /* UI time playback (re)started */
    double played_ms;        /* played before t0 */
    double tap_ms;           /* UI time of the Listen tap */
    size_t first, cur;       /* the sentence reading began at; the one being read */
    ks_display_list *mark;   /* the marked sentence, in page px */
    size_t mark_cur;         /* the sentence mark holds, SIZE_MAX: none */
    const ks_display_list *mark_body; int mark_scale_w; /* what mark was made over */

    /* Shared with sink (under mu). */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned job;            /* the reading that may queue audio; 0 none */
    size_t *starts;          /* per sentence: the sample it starts at, SIZE_MAX not yet */
    size_t n_starts;
    size_t made;             /* samples queued */
    size_t played;           /* samples played (the UI's position) */
    int done;                /* the last sentence is queued */
    double first_audio_real; /* SDL_GetTicks64 of the first chunk, -1 none */
    double tap_real;         /* SDL_GetTicks64 of the tap */
};

typedef struct ui_listen ui_listen;

/* ------------------------------------------------------------ the sink */

static void sink(void *ctx, unsigned job, size_t sentence, const int16_t *pcm, size_t n) {
    ui_listen *l = ctx;
    pthread_mutex_lock(&l->mu);
    size_t ahead = (size_t)(AHEAD_S * l->sample_rate);
    while (job == l->job && l->made > l->played + ahead) pthread_cond_wait(&l->cv, &l->mu);
    if (job == l->job) {
        if (sentence == SIZE_MAX) {
            l->done = 1;
        } else if (n) {
            if (sentence < l->n_starts && l->starts[sentence] == SIZE_MAX) l->starts[sentence] = l->made;
            if (SDL_QueueAudio(l->dev, pcm, (Uint32)(n * sizeof *pcm)) != 0)
                ks_log("speech: cannot queue audio: %s", SDL_GetError());
            if (l->first_audio_real < 0) l->first_audio_real = (double)SDL_GetTicks64();
            l->made += n;
        }
    }
    pthread_mutex_unlock(&l->mu);
}

/* ------------------------------------------------------------ set-up */

void ui_listen_create(ks_ui *ui) {
    char err[300];
    ui->listen = NULL;
    if (!ui->cfg.speech_enabled) return;
    int audio_init = !SDL_WasInit(SDL_INIT_AUDIO);
    if (audio_init && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        ks_log("speech: no Listen button: no audio (%s)", SDL_GetError());
        return;
    }
    ui_listen *l = ks_calloc(1, sizeof *l);
    l->audio_init = audio_init;
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    l->first_audio_real = -1;
    l->mark = ks_layout_list_create();
    l->mark_cur = SIZE_MAX;
    l->reader = ks_speech_reader_create(ui->cfg.speech_voice, ui->cfg.speech_volume, sink, l, err, sizeof err);
    if (!l->reader) {
        ks_log("%s: no Listen button", err);
        ui->listen = l;
        ui_listen_destroy(ui);
        return;
    }
    l->sample_rate = ks_speech_reader_sample_rate(l->reader);
    SDL_AudioSpec want, have;
    SDL_zero(want);
    want.freq = l->sample_rate;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 512; /* 23 ms: a short way from the queue to the speaker */
    l->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0); /* SDL converts to what the device takes */
    if (!l->dev) {
        ks_log("speech: no Listen button: cannot open an audio device (%s)", SDL_GetError());
        ui->listen = l;
        ui_listen_destroy(ui);
        return;
    }
    ks_log("speech: Listen ready (espeak-ng voice %s, %d words a minute, audio through %s)",
           ui->cfg.speech_voice[0] ? ui->cfg.speech_voice : "en-us", ui->cfg.speech_rate,
           SDL_GetCurrentAudioDriver() ? SDL_GetCurrentAudioDriver() : "?");
    ui->listen = l;
}

static void forget_reading(ui_listen *l) {
    ks_speech_script_destroy(l->script);
    l->script = NULL;
    l->n = 0;
    l->doc = NULL;
    l->state = KS_LISTEN_OFF;
    ks_layout_list_clear(l->mark);
    l->mark_cur = SIZE_MAX;
}

void ui_listen_destroy(ks_ui *ui) {
    ui_listen *l = ui->listen;
    if (!l) return;
    ui_listen_stop(ui);
    ks_speech_reader_destroy(l->reader); /* wakes and joins the thread */
    if (l->dev) SDL_CloseAudioDevice(l->dev);
    if (l->audio_init) SDL_QuitSubSystem(SDL_INIT_AUDIO);
    forget_reading(l);
    free(l->starts);
    ks_layout_list_destroy(l->mark);
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
    free(l);
    ui->listen = NULL;
}

/* ------------------------------------------------------------ control */

static int rate_of(const ks_ui *ui) {
    int r = ui->cfg.speech_rate > 0 ? ui->cfg.speech_rate : KS_SPEECH_RATE_DEFAULT;
    return ui->listen->slower ? KS_SPEECH_RATE_SLOW : r;
}

void ui_listen_stop(ks_ui *ui) {
    ui_listen *l = ui->listen;
    if (!l || l->state == KS_LISTEN_OFF) return;
    pthread_mutex_lock(&l->mu);
    l->job = 0; /* sink drops whatever is still coming */
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    ks_speech_reader_cancel(l->reader);
    SDL_PauseAudioDevice(l->dev, 1);
    SDL_ClearQueuedAudio(l->dev);
    forget_reading(l);
    ui->view.dirty = 1;
}

void ui_listen_reset(ks_ui *ui) {
    if (!ui->listen) return;
    ui_listen_stop(ui);
    ui->listen->slower = 0;
}

/* The first sentence whose text is on screen: the first text of the
 * document whose line starts at or below the top of the view. */
static size_t first_on_screen(const ks_ui *ui, const ks_speech_script *s) {
    int top = (int)lroundf(ui->view.scroll);
    for (size_t i = 0; i < ks_layout_list_count(ui->body); i++) {
        const ks_item *it = ks_layout_list_item(ui->body, i);
        if (it->kind == KS_ITEM_TEXT && it->src_len && it->box.y >= top) return ks_speech_script_find(s, it->src);
    }
    return 0;
}

/* How many sentences of s the screen shows (from the first): all of a
 * page; of a topic's overview, those that begin in the part shown. */
static size_t shown(const ks_ui *ui, const ks_speech_script *s) {
    size_t end = 0, n = 0;
    for (size_t i = 0; i < ks_layout_list_count(ui->body); i++) {
        const ks_item *it = ks_layout_list_item(ui->body, i);
        if (it->kind == KS_ITEM_TEXT && it->src_len && it->src + it->src_len > end) end = it->src + it->src_len;
    }
    while (n < ks_speech_script_count(s) && ks_speech_script_sentence(s, n)->src < end) n++;
    return n;
}

/* Start reading at sentence first (the script is made). */
static void start_at(ks_ui *ui, size_t first) {
    ui_listen *l = ui->listen;
    size_t n = l->n;
    const char **texts = ks_malloc((n ? n : 1) * sizeof *texts);
    for (size_t i = 0; i < n; i++) texts[i] = ks_speech_script_sentence(l->script, i)->text;
    SDL_ClearQueuedAudio(l->dev);
    pthread_mutex_lock(&l->mu);
    free(l->starts);
    l->starts = ks_malloc((n ? n : 1) * sizeof *l->starts);
    for (size_t i = 0; i < n; i++) l->starts[i] = SIZE_MAX;
    l->n_starts = n;
    l->made = l->played = 0;
    l->done = 0;
    l->first_audio_real = -1;
    l->tap_real = (double)SDL_GetTicks64();
    /* Under mu, so sink cannot see the new job before l->job says it. */
    l->job = ks_speech_reader_start(l->reader, texts, n, first, rate_of(ui));
    pthread_mutex_unlock(&l->mu);
    free(texts);
    l->first = l->cur = first;
    l->played_ms = 0;
    l->t0 = ui->now;
    l->tap_ms = ui->now;
    l->state = KS_LISTEN_PLAYING;
    l->mark_cur = SIZE_MAX;
    SDL_PauseAudioDevice(l->dev, 0);
    ui->view.dirty = 1;
}

void ui_listen_tap(ks_ui *ui, int tag) {
    ui_listen *l = ui->listen;
    if (!l) return;
    switch (tag) {
    case TAG_LISTEN:
        if (!ui_screen_doc(ui)) return;
        ui_listen_stop(ui);
        l->script = ks_speech_script_from_doc(ui->page.doc);
        l->doc = ui->page.doc;
        l->n = shown(ui, l->script);
        if (!l->n) {
            forget_reading(l);
            return;
        }
        {
            size_t first = first_on_screen(ui, l->script);
            start_at(ui, first < l->n ? first : 0);
        }
        break;
    case TAG_LISTEN_PAUSE:
        if (l->state == KS_LISTEN_PLAYING) {
            l->played_ms += ui->now - l->t0;
            l->state = KS_LISTEN_PAUSED;
            SDL_PauseAudioDevice(l->dev, 1);
        } else if (l->state == KS_LISTEN_PAUSED) {
            l->t0 = ui->now;
            l->state = KS_LISTEN_PLAYING;
            SDL_PauseAudioDevice(l->dev, 0);
        }
        ui->view.dirty = 1;
        break;
    case TAG_LISTEN_STOP: ui_listen_stop(ui); break;
    case TAG_LISTEN_SLOWER:
        l->slower = !l->slower;
        if (l->state != KS_LISTEN_OFF) { /* go on at the new pace from this sentence */
            int paused = l->state == KS_LISTEN_PAUSED;
            start_at(ui, l->cur);
            if (paused) {
                l->state = KS_LISTEN_PAUSED;
                SDL_PauseAudioDevice(l->dev, 1);
            }
        }
        ui->view.dirty = 1;
        break;
    default: break;
    }
}

int ui_listen_playing(const ks_ui *ui) { return ui->listen && ui->listen->state == KS_LISTEN_PLAYING; }

/* ------------------------------------------------------------ following */

/* The page-px extent (top of the first line, bottom of the last) of doc
 * text [a, b) in the body; 0 when none of it is laid out. */
static int extent(const ks_ui *ui, size_t a, size_t b, int *top, int *bottom) {
    int found = 0;
    for (size_t i = 0; i < ks_layout_list_count(ui->body); i++) {
        const ks_item *it = ks_layout_list_item(ui->body, i);
        if (it->kind != KS_ITEM_TEXT || !it->src_len || it->src >= b || it->src + it->src_len <= a) continue;
        if (!found || it->box.y < *top) *top = it->box.y;
        if (!found || it->box.y + it->box.h > *bottom) *bottom = it->box.y + it->box.h;
        found = 1;
    }
    return found;
}

/* Scroll so the sentence being read is in view (a third of the way down
 * when it must move), unless a finger is on the glass. */
static void keep_in_view(ks_ui *ui) {
    ui_listen *l = ui->listen;
    const ks_speech_sentence *s = ks_speech_script_sentence(l->script, l->cur);
    int top = 0, bottom = 0, view = ui_view_h(ui);
    if (!s || ui->touch.g.down || view <= 0) return;
    if (!extent(ui, s->src, s->src + s->src_len, &top, &bottom)) return;
    int controls = ks_layout_body_px(ui->look.theme, ui->look.scale) * 4; /* the buttons at the bottom */
    if (top >= ui->view.scroll + 8 && bottom <= ui->view.scroll + view - controls) return;
    float want = (float)(top - view / 3);
    float max = (float)(ui->geom.content_h - view);
    if (want > max) want = max;
    if (want < 0) want = 0;
    ui->view.scroll = want;
    ui->view.dirty = 1;
}

void ui_listen_tick(ks_ui *ui, double now) {
    ui_listen *l = ui->listen;
    if (!l || l->state == KS_LISTEN_OFF) return;
    if (l->doc != ui->page.doc) { /* the page changed under us (new content) */
        ui_listen_stop(ui);
        return;
    }
    if (l->state != KS_LISTEN_PLAYING) return;
    double sr = l->sample_rate;
    pthread_mutex_lock(&l->mu);
    size_t made = l->made;
    int done = l->done;
    pthread_mutex_unlock(&l->mu);
    double pos_ms = l->played_ms + (now > l->t0 ? now - l->t0 : 0);
    double made_ms = (double)made * 1000.0 / sr;
    if (pos_ms >= made_ms) {
        if (done) { /* the end of the page */
            ui_listen_stop(ui);
            return;
        }
        /* Synthesis is behind: the clock waits for it, as the speaker does. */
        l->played_ms = made_ms;
        l->t0 = now;
        pos_ms = made_ms;
    }
    size_t pos = (size_t)(pos_ms * sr / 1000.0);
    size_t cur = l->cur;
    pthread_mutex_lock(&l->mu);
    l->played = pos;
    pthread_cond_broadcast(&l->cv); /* the reader may make more */
    for (size_t i = l->first; i < l->n_starts && l->starts[i] != SIZE_MAX && l->starts[i] <= pos; i++) cur = i;
    pthread_mutex_unlock(&l->mu);
    if (cur != l->cur || l->mark_cur == SIZE_MAX) {
        l->cur = cur;
        keep_in_view(ui);
        ui->view.dirty = 1;
    }
}

int ui_listen_timeout_ms(const ks_ui *ui, double now) {
    ui_listen *l = ui->listen;
    if (!l || l->state != KS_LISTEN_PLAYING) return -1;
    /* The next sentence's start, if known; else look again soon (20 Hz
     * while synthesis catches up: never a busy loop). */
    double pos_ms = l->played_ms + (now - l->t0);
    double next = -1;
    pthread_mutex_lock(&l->mu);
    if (l->cur + 1 < l->n_starts && l->starts[l->cur + 1] != SIZE_MAX)
        next = (double)l->starts[l->cur + 1] * 1000.0 / l->sample_rate;
    else if (l->done)
        next = (double)l->made * 1000.0 / l->sample_rate;
    pthread_mutex_unlock(&l->mu);
    if (next < 0) return 50;
    double d = next - pos_ms;
    if (d < 0) d = 0;
    return d > 250 ? 250 : (int)ceil(d);
}

/* ------------------------------------------------------------ drawing */

static int measure(const ks_ui *ui, const ks_item *it, size_t n) {
    return n ? ui->fm->measure(ui->fm->ctx, it->face, it->size, it->text, n) : 0;
}

/* The marked sentence: each piece of its text again, on the highlight
 * colour, over the body's own text (text is drawn opaque, so a mark behind
 * it would not show). */
static void build_mark(ks_ui *ui) {
    ui_listen *l = ui->listen;
    const ks_speech_sentence *s = ks_speech_script_sentence(l->script, l->cur);
    const char *dt = ks_doc_text(ui->page.doc, NULL);
    ks_layout_list_clear(l->mark);
    l->mark_cur = l->cur;
    l->mark_body = ui->body;
    l->mark_scale_w = ui->w * 10 + (int)lround(ui->look.scale * 4) + ui->look.high_contrast * 100000;
    if (!s) return;
    for (size_t i = 0; i < ks_layout_list_count(ui->body); i++) {
        const ks_item *it = ks_layout_list_item(ui->body, i);
        size_t b0, b1;
        if (!ks_layout_item_span(it, dt, s->src, s->src + s->src_len, &b0, &b1)) continue;
        int x0 = it->box.x + measure(ui, it, b0), x1 = it->box.x + measure(ui, it, b1);
        ks_item t = *it;
        t.box.x = x0;
        t.box.w = x1 - x0;
        t.text = it->text + b0;
        t.len = b1 - b0;
        t.bg = ui->look.theme->highlight;
        t.target = NULL;
        t.src += b0; /* approximate: not used for drawing */
        /* A little wider than the glyphs, so kerning at the cut never shows. */
        ks_layout_list_add_rect(l->mark, (ks_rect){x0 - 2, it->box.y, x1 - x0 + 4, it->box.h}, ui->look.theme->highlight, 0);
        ks_layout_list_add(l->mark, &t);
    }
}

int ui_listen_draw(ks_ui *ui, int dx, int dy, const ks_rect *view) {
    ui_listen *l = ui->listen;
    if (!l || l->state == KS_LISTEN_OFF || !ui->page.doc || l->doc != ui->page.doc) return 0;
    int look = ui->w * 10 + (int)lround(ui->look.scale * 4) + ui->look.high_contrast * 100000;
    /* The body is laid out again on a resize, text size or theme change:
     * mark again too. */
    if (l->mark_cur != l->cur || l->mark_body != ui->body || l->mark_scale_w != look ||
        (ks_layout_list_count(l->mark) == 0 && l->cur < l->n))
        build_mark(ui);
    return ks_render_draw(ui->rd, l->mark, dx, dy, view);
}

/* ------------------------------------------------------------ state */

int ui_listen_status(const ks_ui *ui, ks_listen_state *state, int *slower) {
    const ui_listen *l = ui->listen;
    if (!l) return -1;
    *state = l->state;
    *slower = l->slower;
    return 0;
}

/* ------------------------------------------------------------ for tests */

int ks_ui_listen_info_get(const ks_ui *ui, ks_ui_listen_info *info) {
    ui_listen *l = ui->listen;
    memset(info, 0, sizeof *info);
    info->first_audio_ms = -1;
    if (!l) return 0;
    info->available = 1;
    info->state = l->state;
    info->slower = l->slower;
    if (l->state == KS_LISTEN_OFF) return 0;
    const ks_speech_sentence *s = ks_speech_script_sentence(l->script, l->cur);
    info->sentence = l->cur;
    info->sentences = l->n;
    info->text = s ? s->text : NULL;
    info->pos_ms = l->played_ms + (l->state == KS_LISTEN_PLAYING ? ui->now - l->t0 : 0);
    pthread_mutex_lock(&l->mu);
    info->made_ms = (double)l->made * 1000.0 / l->sample_rate;
    info->made_all = l->done;
    if (l->first_audio_real >= 0) info->first_audio_ms = l->first_audio_real - l->tap_real;
    pthread_mutex_unlock(&l->mu);
    int top = 0, bottom = 0;
    if (s && extent(ui, s->src, s->src + s->src_len, &top, &bottom)) {
        for (size_t i = 0; i < ks_layout_list_count(ui->body); i++) {
            const ks_item *it = ks_layout_list_item(ui->body, i);
            if (it->kind == KS_ITEM_TEXT && it->src_len && it->src < s->src + s->src_len &&
                it->src + it->src_len > s->src) {
                info->box = it->box;
                info->box.y += ui->geom.body_top - (int)lroundf(ui->view.scroll);
                break;
            }
        }
    }
    return 0;
}
