/* image: a picture's type and size from its first bytes, without decoding
 * (the store checks pictures without SDL; render asks layout's size the
 * same way before it decodes anything). */
#include "kiosk/base.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The frame size of a JPEG: the first start-of-frame marker's. */
static int jpeg_size(const unsigned char *p, size_t len, int *w, int *h) {
    size_t i = 2;
    while (i + 4 <= len) {
        if (p[i] != 0xFF) return 0;
        unsigned m = p[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
            i += 2;
            continue;
        }
        unsigned seg = be16(p + i + 2);
        if (seg < 2) return 0;
        if ((m >= 0xC0 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (i + 9 > len) return 0;
            *h = (int)be16(p + i + 5);
            *w = (int)be16(p + i + 7);
            return 1;
        }
        i += 2 + seg;
    }
    return 0;
}

/* A number in an SVG length ("960", "960px", "12.5"); 0 for units other
 * than px (nanosvg would convert them; we do not guess). */
static double svg_length(const char *v) {
    char *end;
    double d = strtod(v, &end);
    if (end == v || d <= 0) return 0;
    if (*end == '"' || *end == '\'' || strncmp(end, "px", 2) == 0) return d;
    return 0;
}

/* The value of attribute name in the tag starting at tag, or NULL. */
static const char *svg_attr(const char *tag, const char *tag_end, const char *name) {
    size_t n = strlen(name);
    for (const char *p = tag; p && p + n + 2 < tag_end; p++) {
        if ((p == tag || isspace((unsigned char)p[-1])) && strncmp(p, name, n) == 0) {
            const char *q = p + n;
            while (isspace((unsigned char)*q)) q++;
            if (*q != '=') continue;
            q++;
            while (isspace((unsigned char)*q)) q++;
            if (*q == '"' || *q == '\'') return q + 1;
        }
    }
    return NULL;
}

static int svg_size(const char *s, size_t len, int *w, int *h) {
    /* The root element, in the first 4 KiB (after an XML declaration,
     * comments, a doctype). */
    size_t n = len < 4096 ? len : 4096;
    char *text = ks_strndup(s, n);
    int ok = 0;
    const char *tag = strstr(text, "<svg");
    if (tag && (isspace((unsigned char)tag[4]) || tag[4] == '>')) {
        const char *end = strchr(tag, '>');
        if (!end) end = text + strlen(text);
        ok = 1;
        const char *wv = svg_attr(tag, end, "width"), *hv = svg_attr(tag, end, "height");
        double dw = wv ? svg_length(wv) : 0, dh = hv ? svg_length(hv) : 0;
        if ((!dw || !dh)) {
            const char *vb = svg_attr(tag, end, "viewBox");
            double x, y, vw, vh;
            char *e;
            if (vb) {
                x = strtod(vb, &e);
                y = strtod(e + (*e == ','), &e);
                vw = strtod(e + (*e == ','), &e);
                vh = strtod(e + (*e == ','), &e);
                (void)x;
                (void)y;
                if (vw > 0 && vh > 0) {
                    if (!dw && !dh) {
                        dw = vw;
                        dh = vh;
                    } else if (!dh) {
                        dh = dw * vh / vw;
                    } else {
                        dw = dh * vw / vh;
                    }
                }
            }
        }
        if (dw > 0 && dh > 0 && dw < 1e6 && dh < 1e6) {
            *w = (int)(dw + 0.5);
            *h = (int)(dh + 0.5);
        }
    }
    free(text);
    return ok;
}

ks_image_type ks_image_sniff(const void *data, size_t len, int *w, int *h) {
    const unsigned char *p = data;
    int dw = 0, dh = 0;
    ks_image_type t = KS_IMAGE_UNKNOWN;
    if (len >= 24 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(p + 12, "IHDR", 4) == 0) {
        t = KS_IMAGE_PNG;
        uint32_t a = be32(p + 16), b = be32(p + 20);
        if (a <= 0x7FFFFFFF && b <= 0x7FFFFFFF) {
            dw = (int)a;
            dh = (int)b;
        }
    } else if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
        t = KS_IMAGE_JPEG;
        jpeg_size(p, len, &dw, &dh);
    } else if (len >= 10 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) {
        t = KS_IMAGE_GIF;
        dw = (int)le16(p + 6);
        dh = (int)le16(p + 8);
    } else if (len >= 26 && p[0] == 'B' && p[1] == 'M') {
        t = KS_IMAGE_BMP;
        int32_t a = (int32_t)le32(p + 18), b = (int32_t)le32(p + 22);
        dw = a < 0 ? -a : a;
        dh = b < 0 ? -b : b;
    } else if (len >= 30 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) {
        t = KS_IMAGE_WEBP;
        if (memcmp(p + 12, "VP8X", 4) == 0) {
            dw = (int)((uint32_t)p[24] | (uint32_t)p[25] << 8 | (uint32_t)p[26] << 16) + 1;
            dh = (int)((uint32_t)p[27] | (uint32_t)p[28] << 8 | (uint32_t)p[29] << 16) + 1;
        } else if (memcmp(p + 12, "VP8 ", 4) == 0) {
            dw = (int)(le16(p + 26) & 0x3FFF);
            dh = (int)(le16(p + 28) & 0x3FFF);
        } else if (memcmp(p + 12, "VP8L", 4) == 0 && len >= 25) {
            uint32_t b = le32(p + 21);
            dw = (int)(b & 0x3FFF) + 1;
            dh = (int)((b >> 14) & 0x3FFF) + 1;
        }
    } else {
        /* SVG: text whose first element is <svg>, possibly after a BOM, an
         * XML declaration, comments or a doctype. */
        size_t i = len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        while (i < len && isspace(p[i])) i++;
        if (i < len && p[i] == '<' && svg_size((const char *)p + i, len - i, &dw, &dh)) t = KS_IMAGE_SVG;
    }
    if (w) *w = dw;
    if (h) *h = dh;
    return t;
}

const char *ks_image_type_name(ks_image_type t) {
    switch (t) {
    case KS_IMAGE_PNG: return "PNG";
    case KS_IMAGE_JPEG: return "JPEG";
    case KS_IMAGE_GIF: return "GIF";
    case KS_IMAGE_BMP: return "BMP";
    case KS_IMAGE_WEBP: return "WebP";
    case KS_IMAGE_SVG: return "SVG";
    default: return "unknown";
    }
}
