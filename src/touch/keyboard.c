/* keyboard: the on-screen keyboard as boxes, laid out like a phone's.
 *
 *   Q W E R T Y U I O P
 *    A S D F G H J K L
 *    Z X C V B N M [Delete]
 *   [123] [Clear] [  Space  ] [Hide]
 *
 * and a second layer for digits and symbols ("o3", "C5", "2 weeks"):
 *
 *   1 2 3 4 5 6 7 8 9 0
 *    - / : ; ( ) & @ "
 *    . , ? ! ' % + [Delete]
 *   [ABC] [Clear] [  Space  ] [Hide]
 *
 * Positions are in units of one letter key; the unit is the width divided by
 * ten, capped so a landscape screen does not get keys a hand wide.
 */
#include "kiosk/touch.h"

#include "kiosk/base.h"

#include <assert.h>

#include <ctype.h>
#include <string.h>

static const char *const letter_labels[26] = {
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
    "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"};

static const char *const rows[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
static const char *const sym_rows[3] = {"1234567890", "-/:;()&@\"", ".,?!'%+"};
/* One static label per symbol key (labels are static storage). */
static const char *const sym_labels[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-", "/", ":", ";", "(",
                                         ")", "&", "@", "\"", ".", ",", "?", "!", "'", "%", "+"};
static const char sym_chars[] = "1234567890-/:;()&@\".,?!'%+";

static const char *sym_label(char c) {
    const char *at = strchr(sym_chars, c);
    return at && c ? sym_labels[at - sym_chars] : "?";
}
static const float row_offset[3] = {0.0f, 0.5f, 0.5f};

/* The grid keys sit on: a unit is a tenth of the rows' width. */
typedef struct key_grid {
    float unit;
    int left, top, key_h, gap;
} key_grid;

/* Where a key sits: from ux units, uw units wide, on row. */
typedef struct key_place {
    float ux, uw;
    int row;
} key_place;

static void add_key(ks_keyboard *kb, const key_grid *g, ks_key_kind kind, char ch, const char *label, key_place at) {
    assert(kb->n_keys < KS_KEYBOARD_MAX_KEYS);
    ks_key *k = &kb->keys[kb->n_keys++];
    k->kind = kind;
    k->ch = ch;
    k->label = label;
    k->x = g->left + (int)(at.ux * g->unit + 0.5f) + g->gap / 2;
    k->w = (int)((at.ux + at.uw) * g->unit + 0.5f) - (int)(at.ux * g->unit + 0.5f) - g->gap;
    k->y = g->top + at.row * (g->key_h + g->gap);
    k->h = g->key_h;
}

void ks_keyboard_layout(ks_keyboard *kb, int width, int max_height, float scale) {
    ks_keyboard_layout_layer(kb, width, max_height, scale, 0);
}

void ks_keyboard_layout_layer(ks_keyboard *kb, int width, int max_height, float scale, int layer) {
    int margin, gap, key_h, left, top;
    float unit, cap;
    if (scale < 1.0f) scale = 1.0f;
    memset(kb, 0, sizeof *kb);
    margin = (int)(8 * scale);
    gap = 10;
    if (width < 10 * KS_KEY_MIN + 2 * margin) { /* narrow: keep keys, thin gaps */
        margin = 4;
        gap = 4;
    }
    unit = (float)(width - 2 * margin) / 10.0f;
    cap = 150.0f * scale;
    if (unit > cap) unit = cap;
    key_h = (int)(84 * scale);
    if (max_height > 0) {
        int fit = (max_height - 2 * margin) / 4 - gap;
        if (key_h > fit) key_h = fit;
    }
    if (key_h < KS_KEY_MIN) key_h = KS_KEY_MIN;
    left = (width - (int)(10 * unit)) / 2;
    top = margin;
    kb->layer = layer ? 1 : 0;
    const key_grid g = {unit, left, top, key_h, gap};
    for (int r = 0; r < 3; r++) {
        const char *row = kb->layer ? sym_rows[r] : rows[r];
        for (int i = 0; row[i]; i++)
            add_key(kb, &g, KS_KEY_CHAR, row[i], kb->layer ? sym_label(row[i]) : letter_labels[row[i] - 'a'],
                    (key_place){row_offset[r] + (float)i, 1.0f, r});
    }
    add_key(kb, &g, KS_KEY_BACKSPACE, 0, "Delete", (key_place){7.5f, 2.5f, 2});
    add_key(kb, &g, KS_KEY_LAYER, 0, kb->layer ? "ABC" : "123", (key_place){0.0f, 1.75f, 3});
    add_key(kb, &g, KS_KEY_CLEAR, 0, "Clear", (key_place){1.75f, 1.75f, 3});
    add_key(kb, &g, KS_KEY_SPACE, 0, "Space", (key_place){3.5f, 4.5f, 3});
    add_key(kb, &g, KS_KEY_HIDE, 0, "Hide", (key_place){8.0f, 2.0f, 3});
    kb->width = width;
    kb->height = top + 4 * (key_h + gap) - gap + margin;
}

int ks_keyboard_hit(const ks_keyboard *kb, int x, int y) {
    /* The key whose box is nearest, if within a gap's width: a tap that
     * lands between two keys still types the closer one. */
    int best = -1, best_d = 16 * 16 + 1;
    for (int i = 0; i < kb->n_keys; i++) {
        const ks_key *k = &kb->keys[i];
        int dx = x < k->x ? k->x - x : (x >= k->x + k->w ? x - (k->x + k->w - 1) : 0);
        int dy = y < k->y ? k->y - y : (y >= k->y + k->h ? y - (k->y + k->h - 1) : 0);
        int d = dx * dx + dy * dy;
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

int ks_keyboard_find(const ks_keyboard *kb, char c) {
    char lc = (char)tolower((unsigned char)c);
    for (int i = 0; i < kb->n_keys; i++) {
        const ks_key *k = &kb->keys[i];
        if (c == ' ' && k->kind == KS_KEY_SPACE) return i;
        if (k->kind == KS_KEY_CHAR && (k->ch == lc || k->ch == c) && c != 0) return i;
    }
    return -1;
}

int ks_keyboard_apply(const ks_key *k, char *text, size_t cap) {
    size_t len = strlen(text);
    switch (k->kind) {
    case KS_KEY_CHAR:
    case KS_KEY_SPACE: {
        char c = k->kind == KS_KEY_SPACE ? ' ' : k->ch;
        if (c == ' ' && (len == 0 || text[len - 1] == ' ')) return 0;
        if (len + 1 >= cap) return 0;
        text[len] = c;
        text[len + 1] = '\0';
        return 1;
    }
    case KS_KEY_BACKSPACE:
        if (len == 0) return 0;
        text[ks_utf8_floor(text, len, len - 1)] = '\0';
        return 1;
    case KS_KEY_CLEAR:
        if (len == 0) return 0;
        text[0] = '\0';
        return 1;
    case KS_KEY_HIDE:
    case KS_KEY_LAYER:
        break;
    }
    return 0;
}
