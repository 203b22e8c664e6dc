/* live: what `kiosk run` adds to the ui for live content and staff.
 *
 * - The content watcher (watch.h) runs from start to exit; the ui gets the
 *   watcher's merged snapshots (last good versions kept) through
 *   ks_store_view, and app_live_update() swaps a newer one in between
 *   frames. The watcher's wake-up becomes an SDL user event, so the loop
 *   sleeping in SDL_WaitEventTimeout wakes at once.
 * - Usage counts (stats.h) for the ui's page_view / empty_search hooks.
 * - `kiosk run --script -`: script lines read from stdin one at a time, each
 *   answered on stdout, with a few extra commands for tests (see
 *   app_live_interactive).
 *
 * Everything here runs on the UI thread except the wake-up callback, and
 * app_live_start, which the window's start-up runs on a thread of its own
 * (cmd_run.c) before the ui exists.
 */
#ifndef KIOSK_APP_LIVE_H
#define KIOSK_APP_LIVE_H

#include "app.h"

#include <signal.h>

#include "kiosk/stats.h"
#include "kiosk/ui.h"
#include "kiosk/watch.h"

typedef struct app_live app_live;

/* Load paths->content and start watching it, keeping paths->db up to date;
 * wait for the watcher's first index sync (up to 2 minutes, less when
 * *stop, if given, becomes non-zero: SIGTERM), open search on the index and
 * the usage counts beside it. Returns NULL (after a message) only when the
 * watcher cannot start. Free with app_live_stop(). */
app_live *app_live_start(const app_paths *paths, volatile sig_atomic_t *stop);
/* Stop the watcher, close the counts. NULL is fine. */
void app_live_stop(app_live *l);

/* From now on the watcher's wake-up pushes an SDL user event (SDL must be
 * initialised; call from the UI thread). */
void app_live_wake_sdl(app_live *l);
/* No more SDL events from the watcher: when this returns, none is being
 * pushed either. Call before SDL_Quit (the watcher runs on until
 * app_live_stop). */
void app_live_unwake_sdl(app_live *l);

/* The content of the newest snapshot taken (borrowed; valid until the next
 * app_live_update or app_live_stop). */
ks_store_view app_live_content(app_live *l);
/* The newest snapshot taken (borrowed, same lifetime). */
const ks_watch_snapshot *app_live_snapshot(app_live *l);
/* If the watcher posted a newer snapshot, hand it to ui and drop the old one;
 * reopen the search when needed (see app_live_search). Returns 1 when the
 * content changed. ui may be NULL (just take the content). */
int app_live_update(app_live *l, ks_ui *ui);

/* The search on the index for the ui (borrowed; NULL while the index
 * cannot be opened). app_live_update(l, ui) replaces it, telling ui, when
 * the index appears or its file is replaced (a damaged index restored from
 * its backup), so give the ui this handle and update with the same ui. */
ks_search *app_live_search(app_live *l);

/* Set hooks->ctx, page_view and empty_search to count usage, and
 * staff_status / staff_reset for the staff status screen (other fields are
 * left as they are; their callbacks must not use ctx). */
void app_live_hooks(app_live *l, ks_ui_hooks *hooks);
/* The usage counts handle, or NULL when the file could not be opened. */
ks_stats *app_live_stats(app_live *l);

/* The staff status as lines in the form ks_ui_hooks.staff_status takes
 * ("# Section", "Label: value", "  detail", "! warning"): Content (the
 * synced version, when content last changed, topics and pages), Pages kept
 * from their last good version (file:line: message), Problems found in the
 * last check, Index (search, watching, size, uptime), Usage (page views,
 * searches that found nothing). Appends to b. */
void app_live_status_text(app_live *l, ks_buf *b);

/* Read script lines from in, run each on ui as it arrives (the watcher's
 * snapshots are taken before each), answer each on out with one line:
 * "ok", "fail LINE: why" or the answer to an extra command:
 *   open SPEC      ks_ui_open (home, topic:SLUG, page:SLUG, search:TEXT)
 *   screen         the screen's name
 *   shown          for a page screen: "SLUG stale=0|1 TEXT" (the text the
 *                  ui was given, on one line); else "-"
 *   tiles          the topics on Home, "slug=title|..."
 *   pages          the number of pages and the generation
 *   find TEXT      the slugs the kiosk's search finds for TEXT (at most 5,
 *                  best first), "none", or "unavailable" without an index
 *   status         the staff status, lines joined with " | "
 * Stops at `quit` or the end of input. Returns 0. */
int app_live_interactive(app_live *l, ks_ui *ui, const ks_ui_script_host *host, FILE *in, FILE *out);

#endif
