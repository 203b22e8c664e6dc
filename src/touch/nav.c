/* nav: the navigation stack and the idle timer, two small state machines. */
#include "kiosk/touch.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ navigation */

void ks_nav_reset(ks_nav *n) {
    memset(n, 0, sizeof *n);
    n->depth = 1;
    n->entries[0].screen = KS_SCREEN_HOME;
}

const ks_nav_entry *ks_nav_peek(const ks_nav *n) { return &n->entries[n->depth - 1]; }

ks_nav_entry *ks_nav_top(ks_nav *n) { return &n->entries[n->depth - 1]; }

void ks_nav_push(ks_nav *n, ks_screen screen, const char *slug) {
    ks_nav_entry *top = ks_nav_top(n);
    if (!slug || screen == KS_SCREEN_HOME || screen == KS_SCREEN_SEARCH) slug = "";
    if (screen == KS_SCREEN_HOME) {
        ks_nav_reset(n);
        return;
    }
    if (top->screen == screen && strcmp(top->slug, slug) == 0) return;
    if (n->depth == KS_NAV_DEPTH) { /* forget the oldest, keep home */
        memmove(&n->entries[1], &n->entries[2], (KS_NAV_DEPTH - 2) * sizeof n->entries[0]);
        n->depth--;
    }
    top = &n->entries[n->depth++];
    memset(top, 0, sizeof *top);
    top->screen = screen;
    snprintf(top->slug, sizeof top->slug, "%s", slug);
}

int ks_nav_back(ks_nav *n) {
    if (n->depth <= 1) return 0;
    n->depth--;
    return 1;
}

char *ks_nav_name(const ks_nav_entry *e, char *out, size_t cap) {
    switch (e->screen) {
    case KS_SCREEN_HOME: snprintf(out, cap, "home"); break;
    case KS_SCREEN_TOPIC: snprintf(out, cap, "topic:%s", e->slug); break;
    case KS_SCREEN_PAGE: snprintf(out, cap, "page:%s", e->slug); break;
    case KS_SCREEN_SEARCH: snprintf(out, cap, "search"); break;
    }
    return out;
}

/* ------------------------------------------------------------ idle */

void ks_idle_init(ks_idle *d, double timeout_s, double prompt_s, double now) {
    memset(d, 0, sizeof *d);
    d->timeout_ms = timeout_s > 0 ? timeout_s * 1000.0 : 0;
    d->prompt_ms = prompt_s * 1000.0;
    if (d->prompt_ms < KS_IDLE_PROMPT_MIN_MS) d->prompt_ms = KS_IDLE_PROMPT_MIN_MS;
    d->last_touch = now;
}

void ks_idle_touch(ks_idle *d, double now) {
    d->last_touch = now;
    d->prompting = 0;
}

ks_idle_action ks_idle_check(ks_idle *d, double now) {
    if (d->timeout_ms <= 0) return KS_IDLE_NONE;
    if (d->prompting) {
        if (now - d->prompt_at < d->prompt_ms) return KS_IDLE_NONE;
        ks_idle_touch(d, now);
        return KS_IDLE_RESET;
    }
    if (now - d->last_touch < d->timeout_ms) return KS_IDLE_NONE;
    d->prompting = 1;
    d->prompt_at = now;
    return KS_IDLE_PROMPT;
}

double ks_idle_due_in(const ks_idle *d, double now) {
    double due;
    if (d->timeout_ms <= 0) return -1;
    due = d->prompting ? d->prompt_at + d->prompt_ms : d->last_touch + d->timeout_ms;
    return due > now ? due - now : 0;
}
