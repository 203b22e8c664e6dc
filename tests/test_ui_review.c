/* The review date on the page screen: "Checked by the clinic: MONTH YEAR"
 * after the page's text, from its 'reviewed' date, also when the date is
 * long past (the page still shows), and no line at all without a date. */
#include "harness.h"
#include "kiosk/base.h"
#include "kiosk/render.h"
#include "kiosk/store.h"
#include "kiosk/ui.h"

#include "../src/ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void write_page(const char *dir, const char *name, const char *reviewed) {
    char *path = ks_path_join(dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "---\ntitle: A page\nsection: general\nsummary: One plain line.\n%s%s%s---\n\n"
                   "# A page\n\nShort words here.\n",
                reviewed ? "reviewed: " : "", reviewed ? reviewed : "", reviewed ? "\n" : "");
        fclose(f);
    }
    free(path);
}

/* The body's text item holding s, or NULL. */
static const ks_item *body_text(ks_ui *ui, const char *s) {
    for (size_t i = 0; i < ks_layout_list_count(ui->body); i++) {
        const ks_item *it = ks_layout_list_item(ui->body, i);
        if (it->kind == KS_ITEM_TEXT && it->text && strstr(it->text, s)) return it;
    }
    return NULL;
}

static void test_review_line(void) {
    char dir[] = "/tmp/kiosk-test-review-XXXXXX";
    int err = 0;
    ks_store *store;
    ks_render_headless *hl;
    ks_store_view content;
    ks_ui *ui;
    OK(mkdtemp(dir) != NULL);
    write_page(dir, "old.md", "2020-01-15");
    write_page(dir, "new.md", "2026-11-29");
    write_page(dir, "none.md", NULL);
    store = ks_store_load(dir, NULL, &err);
    OK(store != NULL);
    hl = ks_render_headless_create(1080, 1920, ks_layout_theme("default"), NULL, &err);
    OK(hl != NULL);
    if (!store || !hl) return;
    content = ks_store_view_of(store);
    ui = ks_ui_create(NULL, &content, NULL, ks_render_headless_render(hl), (ks_ui_size){1080, 1920}, 0);
    OK(ui != NULL);
    if (ui) {
        const ks_item *date, *words;
        /* a date more than a year old: the page shows, with its date */
        INT_EQ(ks_ui_open(ui, "page:old", 1000), 0);
        ks_ui_tick(ui, 1000);
        STR_EQ(ks_ui_screen_name(ui), "page:old");
        words = body_text(ui, "Short");
        date = body_text(ui, "Checked by the clinic: January 2020");
        OK(words != NULL);
        OK(date != NULL);
        if (words && date) OK(date->box.y > words->box.y); /* after the page's text */

        INT_EQ(ks_ui_open(ui, "page:new", 2000), 0);
        ks_ui_tick(ui, 2000);
        OK(body_text(ui, "Checked by the clinic: November 2026") != NULL);

        INT_EQ(ks_ui_open(ui, "page:none", 3000), 0);
        ks_ui_tick(ui, 3000);
        OK(body_text(ui, "Short") != NULL);
        OK(body_text(ui, "Checked by the clinic") == NULL);
    }
    ks_ui_destroy(ui);
    ks_render_headless_destroy(hl);
    ks_store_free(store);
    {
        char *cmd = ks_sprintf("rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
        free(cmd);
    }
}

int main(void) {
    RUN(test_review_line);
    return harness_done();
}
