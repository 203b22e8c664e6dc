/* bench_ui_listen: read aloud's figures, printed (never asserted).
 *
 *   tap on Listen -> first audio sample queued        (target <= 300 ms)
 *   frame times while speaking (tick + draw)          (target: none over 16 ms)
 *   CPU while speaking                                (target <= 30 % of one core)
 *   resident memory (peak) while speaking             (target <= 64 MB)
 *
 * The kiosk's own loop, in real time: the headless software renderer at
 * 1080x1920 (the window's drawing code), SDL audio through the driver in
 * $SDL_AUDIODRIVER (default 'dummy', which consumes the queue in real time
 * as a sound card would; 'disk' writes it to a file). Each round opens a
 * page, taps Listen, and plays SECONDS of it with the kiosk's sleep
 * (ks_ui_timeout_ms), so CPU is what the kiosk itself would use.
 *
 * usage: bench_ui_listen [SECONDS] [ROUNDS]   (default 20 s, 3 rounds)
 */
#include "kiosk/base.h"
#include "kiosk/render.h"
#include "kiosk/store.h"
#include "kiosk/ui.h"

#include "../../src/ui/ui_int.h"

#include <SDL.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec * 1000.0 + ru.ru_utime.tv_usec / 1000.0 + ru.ru_stime.tv_sec * 1000.0 +
           ru.ru_stime.tv_usec / 1000.0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 20;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    const char *pages[] = {"prolotherapy/risks", "glossary", "ozone-therapy/what-it-is"};
    int err = 0;
    setenv("SDL_AUDIODRIVER", "dummy", 0);
    ks_store *store = ks_store_load(KIOSK_SOURCE_DIR "/content", NULL, &err);
    if (!store) {
        fprintf(stderr, "bench_ui_listen: cannot load the shipped content\n");
        return 1;
    }
    ks_render_headless *hl = ks_render_headless_create(1080, 1920, ks_layout_theme("default"), NULL, &err);
    ks_store_view content = ks_store_view_of(store);
    ks_ui_config cfg;
    ks_ui_config_defaults(&cfg);
    cfg.speech_enabled = 1;
    ks_ui *ui = ks_ui_create(&cfg, &content, NULL, ks_render_headless_render(hl), (ks_ui_size){1080, 1920}, now_ms());
    ks_ui_listen_info in;
    ks_ui_listen_info_get(ui, &in);
    if (!in.available) {
        fprintf(stderr, "bench_ui_listen: speech is not available (see the log above)\n");
        return 1;
    }
    size_t cap = 100000, nf = 0;
    double *frames = malloc(cap * sizeof *frames), first[16];
    double cpu_total = 0, wall_total = 0;
    int n_first = 0, sentences = 0;
    for (int r = 0; r < rounds; r++) {
        const char *page = pages[r % 3];
        char spec[128];
        snprintf(spec, sizeof spec, "page:%s", page);
        ks_ui_open(ui, spec, now_ms());
        ks_ui_tick(ui, now_ms());
        ks_ui_draw(ui);
        int x, y;
        if (ks_ui_listen_point(ui, "listen", &x, &y) != 0) {
            fprintf(stderr, "bench_ui_listen: no Listen button on %s\n", page);
            return 1;
        }
        double t_tap = now_ms();
        ks_ui_pointer(ui, KS_POINTER_DOWN, (float)x, (float)y, t_tap);
        ks_ui_pointer(ui, KS_POINTER_UP, (float)x, (float)y, t_tap + 1);
        double c0 = cpu_ms(), w0 = now_ms();
        size_t last = (size_t)-1;
        int got_first = 0;
        while (now_ms() - w0 < seconds * 1000) {
            double f0 = now_ms();
            float scroll0 = ui->view.scroll;
            ks_ui_tick(ui, f0);
            int drew = ks_ui_needs_frame(ui);
            if (drew) ks_ui_draw(ui);
            double f1 = now_ms();
            if (nf < cap) frames[nf++] = f1 - f0;
            if (getenv("BENCH_VERBOSE") && f1 - f0 > 8) {
                double a = now_ms();
                ks_ui_draw(ui);
                fprintf(stderr, "  slow frame %.1f ms (drew %d, scrolled %d; the same frame again: %.1f ms)\n", f1 - f0,
                        drew, ui->view.scroll != scroll0, now_ms() - a);
            }
            ks_ui_listen_info_get(ui, &in);
            if (!got_first && in.first_audio_ms >= 0 && n_first < 16) {
                first[n_first++] = in.first_audio_ms;
                got_first = 1;
            }
            if (in.state == KS_LISTEN_OFF) break;
            if (in.sentence != last) sentences++, last = in.sentence;
            int to = ks_ui_timeout_ms(ui, now_ms());
            if (to < 0 || to > 250) to = 250;
            SDL_Delay((Uint32)to); /* the kiosk sleeps in SDL_WaitEventTimeout as long */
        }
        cpu_total += cpu_ms() - c0;
        wall_total += now_ms() - w0;
        /* Stop, as leaving the page does. */
        ks_ui_open(ui, "home", now_ms());
        ks_ui_tick(ui, now_ms());
    }
    qsort(frames, nf, sizeof *frames, cmp_double);
    qsort(first, (size_t)n_first, sizeof *first, cmp_double);
    size_t over = 0;
    for (size_t i = 0; i < nf; i++) over += frames[i] > 16.0;
    printf("audio driver: %s; %d rounds of %.0f s; %d sentence changes followed\n", SDL_GetCurrentAudioDriver(),
           rounds, seconds, sentences);
    if (n_first)
        printf("tap on Listen -> first audio queued   median %6.1f ms   max %6.1f ms   (target <= 300 ms)\n",
               first[n_first / 2], first[n_first - 1]);
    printf("frames while speaking (tick + draw)   median %6.2f ms   p99 %6.2f ms   max %6.2f ms   %zu of %zu over 16 ms "
           "(target: none)\n",
           frames[nf / 2], frames[(nf * 99) / 100], frames[nf - 1], over, nf);
    printf("CPU while speaking                    %5.1f %% of one core (target <= 30 %%)\n",
           wall_total > 0 ? 100.0 * cpu_total / wall_total : 0.0);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak resident memory                  %5.1f MB (target <= 64 MB)\n", ru.ru_maxrss / 1024.0);
    ks_ui_destroy(ui);
    ks_render_headless_destroy(hl);
    ks_store_free(store);
    free(frames);
    return 0;
}
