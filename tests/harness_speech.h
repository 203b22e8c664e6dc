/* For the tests that need espeak-ng to speak (include after harness.h and
 * "kiosk/speech.h"). */
#ifndef KIOSK_TEST_HARNESS_SPEECH_H
#define KIOSK_TEST_HARNESS_SPEECH_H

/* harness_espeak_can_start(): espeak-ng's voice data (Debian package
 * espeak-ng-data) is outside this project: where espeak-ng cannot start at
 * all, this says why (harness_skip) and returns 0, and the test ends with
 * harness_done(). Any other failure (a voice, the reader) is left to the
 * test to find. */
static inline int harness_espeak_can_start(void) {
    char err[300] = "";
    ks_speech_synth *s = ks_speech_synth_open(NULL, 100, err, sizeof err);
    if (s) {
        ks_speech_synth_close(s);
        return 1;
    }
    if (!strstr(err, "cannot start")) return 1; /* not for want of data: let the test say what */
    harness_skip("%s", err);
    return 0;
}

#endif
