/* libFuzzer harness: front matter and the store. Each input is written as
 * one page (the first byte picks where: a general page, a topic's page or
 * its index.md) into a folder on tmpfs beside a fixed good page, and the
 * folder is loaded and checked with ks_store_load: YAML bounds, libyaml,
 * the body bounds, cmark, links, readability. Nothing may crash, hang or
 * leak; every diagnostic must have a path, a line >= 1 and a message. */
#include "kiosk/base.h"
#include "kiosk/store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void setup(void) {
    char *p;
    snprintf(dir, sizeof dir, "/dev/shm/kiosk-fuzz-store-%d", (int)getpid());
    if (access("/dev/shm", W_OK) != 0) snprintf(dir, sizeof dir, "/tmp/kiosk-fuzz-store-%d", (int)getpid());
    mkdir(dir, 0755);
    p = ks_sprintf("%s/topic", dir);
    mkdir(p, 0755);
    free(p);
    p = ks_sprintf("%s/about.md", dir);
    const char *good = "---\ntitle: About\nsection: about\nsummary: Who we are.\n---\n\n# About\n\nSee [it](topic/a.md).\n";
    ks_write_file_atomic(p, good, strlen(good));
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const where[] = {"page.md", "topic/a.md", "topic/index.md", "synonyms.txt"};
    if (!dir[0]) setup();
    const char *name = where[size ? data[0] % 4 : 0];
    char *path = ks_sprintf("%s/%s", dir, name);
    ks_write_file_atomic(path, size ? (const char *)data + 1 : "", size ? size - 1 : 0);
    int err = 0;
    ks_store_options opts = {.today = 1795000000};
    ks_store *s = ks_store_load(dir, &opts, &err);
    if (!s) abort();
    for (size_t i = 0; i < ks_store_diag_count(s); i++) {
        const ks_diag *d = ks_store_diag(s, i);
        if (!d->path || !d->message || d->line < 1) abort();
    }
    for (size_t i = 0; i < ks_store_page_count(s); i++) {
        const ks_page *p = ks_store_page(s, i);
        if (!p->slug || !p->title || !p->text) abort();
    }
    ks_store_free(s);
    unlink(path);
    free(path);
    return 0;
}
