/* Fake font metrics for the layout fuzzers (tests/test_layout_fuzz.c and
 * the libFuzzer harness tests/fuzz/fuzz_doc_layout.c): width proportional
 * to code points (0.55 em each), fixed line height, and picture sizes made
 * up from the path, a third of them missing. Include after "kiosk/base.h"
 * and "kiosk/layout.h"; use fuzz_metrics. */
#ifndef KIOSK_TEST_FUZZ_METRICS_H
#define KIOSK_TEST_FUZZ_METRICS_H

#include <stdint.h>
#include <string.h>

static int fake_measure(void *ctx, ks_face face, int size, const char *text, size_t len) {
    (void)ctx;
    (void)face;
    size_t cps = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += ks_utf8_decode(text + i, len - i, &cp);
        cps++;
    }
    return (int)(cps * (size_t)size * 11 / 20);
}

static void fake_line(void *ctx, ks_face face, int size, int *height, int *ascent) {
    (void)ctx;
    (void)face;
    *height = size * 6 / 5;
    *ascent = size * 9 / 10;
}

static int fake_image(void *ctx, const char *src, int *w, int *h) {
    (void)ctx;
    *w = 50 + (int)(strlen(src) * 97 % 3000);
    *h = 20 + (int)(strlen(src) * 31 % 2000);
    return strlen(src) % 3 ? 0 : KS_ERR_NOT_FOUND;
}

static const ks_font_metrics fuzz_metrics = {NULL, fake_measure, fake_line, fake_image};

#endif
