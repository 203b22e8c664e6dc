/* libFuzzer harness: the --script parser (ks_script_parse). Any bytes: it
 * returns a script or NULL with a line >= 1 and a message; every command of
 * a script has an operation in range and its text NUL-terminated. */
#include "kiosk/ui.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1), err[256];
    int line = 0;
    memcpy(text, data, size);
    text[size] = '\0';
    err[0] = '\0';
    ks_script *s = ks_script_parse(text, &line, err, sizeof err);
    if (!s) {
        if (line < 1 || !err[0] || !memchr(err, '\0', sizeof err)) abort();
    } else {
        for (size_t i = 0; i < ks_script_count(s); i++) {
            const ks_script_cmd *c = ks_script_cmd_at(s, i);
            if (!c || c->op < KS_SCRIPT_TAP || c->op > KS_SCRIPT_QUIT || c->line < 1) abort();
            if ((c->op == KS_SCRIPT_TYPE || c->op == KS_SCRIPT_SHOT || c->op == KS_SCRIPT_EXPECT) && !c->text) abort();
        }
        ks_script_free(s);
    }
    free(text);
    return 0;
}
