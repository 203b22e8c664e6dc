/* libFuzzer harness: doc + layout. The input (after two bytes that pick
 * the width, 600..3840 px, and the text scale, 1.0..2.0) is parsed as
 * Markdown into a doc (ks_doc_parse, cmark underneath) and laid out with
 * fake font metrics (width proportional to code points), highlights on.
 * Nothing may crash; every run must be valid UTF-8 and no item may start
 * left of the column or beyond the width. */
#include "kiosk/base.h"
#include "kiosk/doc.h"
#include "kiosk/layout.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz_metrics.h"

static void check_runs(const ks_doc_block *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < b[i].n_runs; k++)
            if (!ks_utf8_valid(b[i].runs[k].text, b[i].runs[k].len, NULL)) abort();
        check_runs(b[i].children, b[i].n_children);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2 || size > 256 * 1024) return 0;
    int width = 600 + (int)(data[0] * 3240 / 255);
    double scale = 1.0 + data[1] / 255.0;
    ks_doc *doc = ks_doc_parse((const char *)data + 2, size - 2, (data[0] & 1) ? "topic/page" : "page");
    size_t nb;
    const ks_doc_block *blocks = ks_doc_blocks(doc, &nb);
    check_runs(blocks, nb);
    const char *hl[] = {"word", "e", "knee"};
    ks_layout_params p = {width, scale, ks_layout_theme((data[1] & 1) ? "high-contrast" : "default"), hl, 3, 0};
    ks_display_list *dl = ks_layout_list_create();
    ks_layout_info info;
    if (ks_layout_doc(dl, doc, &fuzz_metrics, &p, &info) != 0) abort();
    ks_layout_list_destroy(dl);
    ks_doc_destroy(doc);
    return 0;
}
