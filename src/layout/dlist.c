/* dlist: the display list, a growable array of ks_item plus an arena for
 * their strings. */
#include "kiosk/layout.h"

#include "kiosk/base.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

struct ks_display_list {
    ks_item *items;
    size_t n, cap;
    chunk *strings; /* newest first */
};

ks_display_list *ks_layout_list_create(void) {
    return ks_calloc(1, sizeof(ks_display_list));
}

void ks_layout_list_destroy(ks_display_list *dl) {
    if (!dl) return;
    for (chunk *c = dl->strings, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(dl->items);
    free(dl);
}

void ks_layout_list_clear(ks_display_list *dl) {
    dl->n = 0;
    if (!dl->strings) return;
    /* Keep the newest (largest) chunk for reuse. */
    chunk *keep = dl->strings;
    for (chunk *c = keep->next, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    keep->next = NULL;
    keep->used = 0;
}

static char *arena_reserve(ks_display_list *dl, size_t n) {
    chunk *c = dl->strings;
    if (!c || c->cap - c->used < n) {
        size_t cap = c ? c->cap * 2 : 8192;
        if (cap > (size_t)1 << 20) cap = (size_t)1 << 20;
        if (cap < n) cap = n;
        c = ks_malloc(sizeof *c + cap);
        c->next = dl->strings;
        c->used = 0;
        c->cap = cap;
        dl->strings = c;
    }
    char *p = c->data + c->used;
    c->used += n;
    return p;
}

static const char *copy_plain(ks_display_list *dl, const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s);
    char *p = arena_reserve(dl, n + 1);
    memcpy(p, s, n + 1);
    return p;
}

/* Copy text as one clean line: valid UTF-8, control characters as spaces. */
static const char *copy_text(ks_display_list *dl, const char *s, size_t n, size_t *out_len) {
    int clean = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c >= 0x80) {
            clean = 0;
            break;
        }
    }
    if (!clean && ks_utf8_valid(s, n, NULL)) {
        clean = 1;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x20 || c == 0x7f) clean = 0;
        }
    }
    if (clean) {
        char *p = arena_reserve(dl, n + 1);
        memcpy(p, s, n);
        p[n] = '\0';
        *out_len = n;
        return p;
    }
    ks_buf b = {0};
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = ks_utf8_decode(s + i, n - i, &cp);
        if (cp < 0x20 || cp == 0x7f) cp = ' ';
        char enc[4];
        ks_buf_append(&b, enc, ks_utf8_encode(cp, enc));
        i += k;
    }
    char *p = arena_reserve(dl, b.len + 1);
    memcpy(p, b.data ? b.data : "", b.len);
    p[b.len] = '\0';
    *out_len = b.len;
    ks_buf_free(&b);
    return p;
}

size_t ks_layout_list_add(ks_display_list *dl, const ks_item *item) {
    if (dl->n == dl->cap) {
        dl->cap = dl->cap ? dl->cap * 2 : 64;
        dl->items = ks_realloc(dl->items, dl->cap * sizeof *dl->items);
    }
    assert(item->kind >= KS_ITEM_RECT && item->kind <= KS_ITEM_ANCHOR);
    assert(!item->text || item->kind == KS_ITEM_TEXT); /* only text items carry text */
    ks_item *it = &dl->items[dl->n];
    *it = *item;
    if (item->text) {
        it->text = copy_text(dl, item->text, item->len, &it->len);
    } else {
        it->len = 0;
    }
    it->target = copy_plain(dl, item->target);
    return dl->n++;
}

size_t ks_layout_list_add_rect(ks_display_list *dl, ks_rect box, ks_color color, int radius) {
    ks_item it = {0};
    it.kind = KS_ITEM_RECT;
    it.box = box;
    it.color = color;
    it.radius = radius;
    return ks_layout_list_add(dl, &it);
}

size_t ks_layout_list_add_link(ks_display_list *dl, ks_rect box, const char *target, int tag) {
    ks_item it = {0};
    it.kind = KS_ITEM_LINK;
    it.box = box;
    it.target = target ? target : "";
    it.tag = tag;
    return ks_layout_list_add(dl, &it);
}

size_t ks_layout_list_add_image(ks_display_list *dl, ks_rect box, const char *src) {
    ks_item it = {0};
    it.kind = KS_ITEM_IMAGE;
    it.box = box;
    it.target = src ? src : "";
    return ks_layout_list_add(dl, &it);
}

void ks_layout_list_set_tag(ks_display_list *dl, size_t i, int tag) {
    assert(i < dl->n); /* i is what ks_layout_list_add* returned for this list */
    if (i < dl->n) dl->items[i].tag = tag;
}

size_t ks_layout_list_count(const ks_display_list *dl) { return dl ? dl->n : 0; }

const ks_item *ks_layout_list_item(const ks_display_list *dl, size_t i) {
    return i < dl->n ? &dl->items[i] : NULL;
}

/* For layout: change an item already added (a callout's height is known
 * only after its contents). */
ks_item *ks_layout_list_item_mut(ks_display_list *dl, size_t i) {
    return i < dl->n ? &dl->items[i] : NULL;
}

ks_rect ks_layout_list_bounds(const ks_display_list *dl) {
    ks_rect r = {0, 0, 0, 0};
    int any = 0, x1 = 0, y1 = 0;
    for (size_t i = 0; i < dl->n; i++) {
        const ks_item *it = &dl->items[i];
        if (it->kind == KS_ITEM_LINK || it->kind == KS_ITEM_ANCHOR) continue;
        if (!any) {
            r.x = it->box.x;
            r.y = it->box.y;
            x1 = it->box.x + it->box.w;
            y1 = it->box.y + it->box.h;
            any = 1;
            continue;
        }
        if (it->box.x < r.x) r.x = it->box.x;
        if (it->box.y < r.y) r.y = it->box.y;
        if (it->box.x + it->box.w > x1) x1 = it->box.x + it->box.w;
        if (it->box.y + it->box.h > y1) y1 = it->box.y + it->box.h;
    }
    if (any) {
        r.w = x1 - r.x;
        r.h = y1 - r.y;
    }
    return r;
}

const ks_item *ks_layout_list_hit(const ks_display_list *dl, int x, int y) {
    for (size_t i = dl->n; i-- > 0;) {
        const ks_item *it = &dl->items[i];
        if (it->kind != KS_ITEM_LINK) continue;
        if (x >= it->box.x && x < it->box.x + it->box.w && y >= it->box.y && y < it->box.y + it->box.h)
            return it;
    }
    return NULL;
}

int ks_layout_list_anchor_y(const ks_display_list *dl, const char *anchor) {
    if (!anchor) return -1;
    for (size_t i = 0; i < dl->n; i++) {
        const ks_item *it = &dl->items[i];
        if (it->kind == KS_ITEM_ANCHOR && it->target && strcasecmp(it->target, anchor) == 0)
            return it->box.y;
    }
    return -1;
}

/* The byte of it->text that shows doc_text[off] (it->src <= off <=
 * it->src + it->src_len): both advance together, except that a run of
 * spaces in the document is one space in the item. */
static size_t item_byte(const ks_item *it, const char *doc_text, size_t off) {
    size_t i = 0, j = it->src;
    while (j < off && i < it->len) {
        if (doc_text[j] == ' ' && it->text[i] != ' ') {
            j++; /* a second space of a run */
            continue;
        }
        i++;
        j++;
    }
    return i;
}

int ks_layout_item_span(const ks_item *it, const char *doc_text, size_t from, size_t to, size_t *b0,
                        size_t *b1) {
    if (!it || it->kind != KS_ITEM_TEXT || !it->src_len || !doc_text) return 0;
    size_t s = it->src, e = it->src + it->src_len;
    if (to <= s || from >= e || from >= to) return 0;
    *b0 = item_byte(it, doc_text, from > s ? from : s);
    *b1 = item_byte(it, doc_text, to < e ? to : e);
    return *b1 > *b0;
}
