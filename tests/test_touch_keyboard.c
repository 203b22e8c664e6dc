/* The on-screen keyboard: key sizes for every text size and width, hit
 * testing, and editing the query. */
#include "harness.h"
#include "kiosk/touch.h"

#include <string.h>

static void check_layout(int width, int max_h, float scale, int min_w, int min_h) {
    for (int layer = 0; layer < 2; layer++) {
    ks_keyboard kb;
    ks_keyboard_layout_layer(&kb, width, max_h, scale, layer);
    INT_EQ(kb.n_keys, 26 + 5); /* 26 letters or digits and symbols; Delete, 123/ABC, Clear, Space, Hide */
    for (int i = 0; i < kb.n_keys; i++) {
        const ks_key *k = &kb.keys[i];
        if (k->w < min_w || k->h < min_h)
            fprintf(stderr, "  key %s is %dx%d at width %d scale %.1f\n", k->label, k->w, k->h, width, scale);
        OK(k->w >= min_w);
        OK(k->h >= min_h);
        OK(k->x >= 0 && k->x + k->w <= width);
        OK(k->y >= 0 && k->y + k->h <= kb.height);
        for (int j = 0; j < i; j++) { /* no two keys overlap */
            const ks_key *o = &kb.keys[j];
            OK(k->x >= o->x + o->w || o->x >= k->x + k->w || k->y >= o->y + o->h || o->y >= k->y + k->h);
        }
    }
    if (max_h > 0) OK(kb.height <= max_h || kb.height <= 4 * (KS_KEY_MIN + 16) + 16);
    }
}

static void test_sizes(void) {
    /* Keys are at least 64 px square at 1080 wide, taller with the text
     * size; width is what the screen allows (a tenth of it), >= 64 from 800
     * px up. */
    check_layout(1080, 0, 1.0f, 64, 64);
    check_layout(1080, 0, 1.5f, 90, 96);
    check_layout(1080, 0, 2.0f, 90, 128);
    check_layout(800, 0, 1.0f, 64, 64);
    check_layout(800, 0, 2.0f, 64, 128);
    check_layout(1920, 0, 1.0f, 64, 64);
    check_layout(3840, 0, 2.0f, 128, 128);
    check_layout(1920, 400, 2.0f, 64, 64);
}

static void test_grows_with_text_size(void) {
    ks_keyboard a, b;
    ks_keyboard_layout(&a, 1080, 0, 1.0f);
    ks_keyboard_layout(&b, 1080, 0, 2.0f);
    OK(b.keys[0].h >= 2 * a.keys[0].h - 2);
    OK(b.height > a.height);
    /* On a wide screen keys are capped, not a hand wide. */
    ks_keyboard_layout(&a, 3840, 0, 1.0f);
    OK(a.keys[0].w <= 150);
}

static void test_phone_rows(void) {
    ks_keyboard kb;
    int q, p, a, z, sp, bs;
    ks_keyboard_layout(&kb, 1080, 0, 1.0f);
    q = ks_keyboard_find(&kb, 'q');
    p = ks_keyboard_find(&kb, 'P');
    a = ks_keyboard_find(&kb, 'a');
    z = ks_keyboard_find(&kb, 'z');
    sp = ks_keyboard_find(&kb, ' ');
    OK(q >= 0 && p >= 0 && a >= 0 && z >= 0 && sp >= 0);
    INT_EQ(kb.keys[q].y, kb.keys[p].y);      /* q..p on one row */
    OK(kb.keys[q].x < kb.keys[p].x);
    OK(kb.keys[a].y > kb.keys[q].y);         /* a row below */
    OK(kb.keys[a].x > kb.keys[q].x);         /* offset like a phone */
    OK(kb.keys[z].y > kb.keys[a].y);
    OK(kb.keys[sp].y > kb.keys[z].y);        /* space at the bottom */
    OK(kb.keys[sp].w > 3 * kb.keys[q].w);    /* and wide */
    INT_EQ(ks_keyboard_find(&kb, '1'), -1);
    bs = -1;
    for (int i = 0; i < kb.n_keys; i++)
        if (kb.keys[i].kind == KS_KEY_BACKSPACE) bs = i;
    OK(bs >= 0);
    INT_EQ(kb.keys[bs].y, kb.keys[z].y);
}

static void test_hit(void) {
    ks_keyboard kb;
    int e;
    ks_keyboard_layout(&kb, 1080, 0, 1.0f);
    e = ks_keyboard_find(&kb, 'e');
    INT_EQ(ks_keyboard_hit(&kb, kb.keys[e].x + kb.keys[e].w / 2, kb.keys[e].y + kb.keys[e].h / 2), e);
    /* Just past the right edge, in the gap: still e (nearer than r). */
    INT_EQ(ks_keyboard_hit(&kb, kb.keys[e].x + kb.keys[e].w + 2, kb.keys[e].y + 5), e);
    /* Far away: nothing. */
    INT_EQ(ks_keyboard_hit(&kb, 5, kb.height + 200), -1);
}

static void test_apply(void) {
    ks_keyboard kb;
    char text[8] = "";
    const ks_key *sp, *bs = NULL, *clear = NULL, *hide = NULL;
    ks_keyboard_layout(&kb, 1080, 0, 1.0f);
    for (int i = 0; i < kb.n_keys; i++) {
        if (kb.keys[i].kind == KS_KEY_BACKSPACE) bs = &kb.keys[i];
        if (kb.keys[i].kind == KS_KEY_CLEAR) clear = &kb.keys[i];
        if (kb.keys[i].kind == KS_KEY_HIDE) hide = &kb.keys[i];
    }
    sp = &kb.keys[ks_keyboard_find(&kb, ' ')];
    INT_EQ(ks_keyboard_apply(sp, text, sizeof text), 0); /* no leading space */
    INT_EQ(ks_keyboard_apply(&kb.keys[ks_keyboard_find(&kb, 'k')], text, sizeof text), 1);
    INT_EQ(ks_keyboard_apply(&kb.keys[ks_keyboard_find(&kb, 'N')], text, sizeof text), 1);
    STR_EQ(text, "kn");
    INT_EQ(ks_keyboard_apply(sp, text, sizeof text), 1);
    INT_EQ(ks_keyboard_apply(sp, text, sizeof text), 0); /* no double space */
    STR_EQ(text, "kn ");
    INT_EQ(ks_keyboard_apply(bs, text, sizeof text), 1);
    STR_EQ(text, "kn");
    INT_EQ(ks_keyboard_apply(hide, text, sizeof text), 0);
    for (int i = 0; i < 10; i++) ks_keyboard_apply(&kb.keys[ks_keyboard_find(&kb, 'x')], text, sizeof text);
    INT_EQ((int)strlen(text), 7); /* capped, still terminated */
    INT_EQ(ks_keyboard_apply(clear, text, sizeof text), 1);
    STR_EQ(text, "");
    INT_EQ(ks_keyboard_apply(bs, text, sizeof text), 0);
    /* Backspace removes a whole UTF-8 character. */
    strcpy(text, "a\xc3\xa9");
    ks_keyboard_apply(bs, text, sizeof text);
    STR_EQ(text, "a");
}

/* The "123" key shows digits and symbols, "ABC" the letters again: "o3"
 * can be typed. */
static void test_digits_layer(void) {
    ks_keyboard kb;
    char text[16] = "";
    const ks_key *layer = NULL;
    ks_keyboard_layout(&kb, 1080, 0, 1.0f);
    INT_EQ(kb.layer, 0);
    INT_EQ(ks_keyboard_find(&kb, '3'), -1);
    for (int i = 0; i < kb.n_keys; i++)
        if (kb.keys[i].kind == KS_KEY_LAYER) layer = &kb.keys[i];
    OK(layer != NULL);
    if (!layer) return;
    STR_EQ(layer->label, "123");
    OK(layer->w >= KS_KEY_MIN && layer->h >= KS_KEY_MIN);
    INT_EQ(ks_keyboard_apply(&kb.keys[ks_keyboard_find(&kb, 'o')], text, sizeof text), 1);
    INT_EQ(ks_keyboard_apply(layer, text, sizeof text), 0); /* switching types nothing */
    ks_keyboard_layout_layer(&kb, 1080, 0, 1.0f, 1);
    INT_EQ(kb.layer, 1);
    for (const char *c = "1234567890-/'.,?"; *c; c++) {
        int k = ks_keyboard_find(&kb, *c);
        OK(k >= 0);
        if (k >= 0) INT_EQ(kb.keys[k].ch, *c);
    }
    INT_EQ(ks_keyboard_find(&kb, 'q'), -1);
    INT_EQ(ks_keyboard_apply(&kb.keys[ks_keyboard_find(&kb, '3')], text, sizeof text), 1);
    STR_EQ(text, "o3");
    OK(ks_keyboard_find(&kb, ' ') >= 0); /* space, delete and clear stay */
    for (int i = 0; i < kb.n_keys; i++)
        if (kb.keys[i].kind == KS_KEY_LAYER) STR_EQ(kb.keys[i].label, "ABC");
    /* the digits sit where the top letter row was, the same size */
    ks_keyboard letters;
    ks_keyboard_layout(&letters, 1080, 0, 1.0f);
    const ks_key *one = &kb.keys[ks_keyboard_find(&kb, '1')], *q = &letters.keys[ks_keyboard_find(&letters, 'q')];
    INT_EQ(one->x, q->x);
    INT_EQ(one->w, q->w);
    INT_EQ(one->h, q->h);
}

int main(void) {
    RUN(test_sizes);
    RUN(test_grows_with_text_size);
    RUN(test_phone_rows);
    RUN(test_hit);
    RUN(test_apply);
    RUN(test_digits_layer);
    return harness_done();
}
