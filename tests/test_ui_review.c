/* The review date on the page screen: "Checked by the clinic: MONTH YEAR"
 * after the page's text, from its 'reviewed' date, also when the date is
 * long past (the page still shows), and no line at all without a date. */
#include "harness_ui.h"

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

static void test_review_line(void) {
    char dir[] = "/tmp/kiosk-test-review-XXXXXX";
    int err = 0;
    ks_store *store;
    ks_store_view content;
    world w;
    world_spec spec = {.width = 1080, .height = 1920, .content = &content};
    OK(mkdtemp(dir) != NULL);
    write_page(dir, "old.md", "2020-01-15");
    write_page(dir, "new.md", "2026-11-29");
    write_page(dir, "none.md", NULL);
    store = ks_store_load(dir, NULL, &err);
    OK(store != NULL);
    if (!store) return;
    content = ks_store_view_of(store);
    world_open_spec(&w, &spec);
    OK(w.ui != NULL);
    if (w.ui) {
        const ks_item *date, *words;
        /* a date more than a year old: the page shows, with its date */
        INT_EQ(ks_ui_open(w.ui, "page:old", 1000), 0);
        ks_ui_tick(w.ui, 1000);
        STR_EQ(ks_ui_screen_name(w.ui), "page:old");
        words = find_text(w.ui->body, "Short");
        date = find_text(w.ui->body, "Checked by the clinic: January 2020");
        OK(words != NULL);
        OK(date != NULL);
        if (words && date) OK(date->box.y > words->box.y); /* after the page's text */

        INT_EQ(ks_ui_open(w.ui, "page:new", 2000), 0);
        ks_ui_tick(w.ui, 2000);
        OK(find_text(w.ui->body, "Checked by the clinic: November 2026") != NULL);

        INT_EQ(ks_ui_open(w.ui, "page:none", 3000), 0);
        ks_ui_tick(w.ui, 3000);
        OK(find_text(w.ui->body, "Short") != NULL);
        OK(find_text(w.ui->body, "Checked by the clinic") == NULL);
    }
    world_close(&w);
    ks_store_free(store);
    harness_rm_rf(dir);
}

int main(void) {
    RUN(test_review_line);
    return harness_done();
}
