/* vm_field_point W H [CONTENT]: print "X Y", where Home's search field is
 * on a W x H screen with the shipped content (or CONTENT), laid out by the
 * same ui code headlessly. scripts/test-vm taps there in the virtual
 * machine (the burn-in shift moves Home by at most 0.75 % either way, well
 * inside the field). Exit 1 with a message when it cannot tell. */
#include "kiosk/base.h"
#include "kiosk/render.h"
#include "kiosk/store.h"
#include "kiosk/ui.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int err = 0, x = -1, y = -1, w, h;
    const char *content = argc > 3 ? argv[3] : KIOSK_SOURCE_DIR "/content";
    ks_store *store;
    ks_render_headless *hl;
    ks_store_view view;
    ks_ui *ui;
    if (argc < 3 || (w = atoi(argv[1])) <= 0 || (h = atoi(argv[2])) <= 0) {
        fprintf(stderr, "usage: vm_field_point WIDTH HEIGHT [CONTENT]\n");
        return 2;
    }
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    store = ks_store_load(content, NULL, &err);
    if (!store) {
        fprintf(stderr, "vm_field_point: cannot load %s (%d)\n", content, err);
        return 1;
    }
    view = ks_store_view_of(store);
    hl = ks_render_headless_create(w, h, ks_layout_theme("default"), NULL, &err);
    if (!hl) {
        fprintf(stderr, "vm_field_point: no headless renderer (%d)\n", err);
        ks_store_free(store);
        return 1;
    }
    ui = ks_ui_create(NULL, &view, NULL, ks_render_headless_render(hl), (ks_ui_size){w, h}, 0);
    if (ui) ks_ui_search_field_point(ui, &x, &y);
    ks_ui_destroy(ui);
    ks_render_headless_destroy(hl);
    ks_store_free(store);
    if (x < 0 || y < 0) {
        fprintf(stderr, "vm_field_point: no search field on Home at %dx%d\n", w, h);
        return 1;
    }
    printf("%d %d\n", x, y);
    return 0;
}
