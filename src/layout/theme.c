/* theme: the two shipped looks and the WCAG contrast formula that checks
 * them (tests assert every text/background pair is at least 7:1). */
#include "kiosk/layout.h"

#include <math.h>
#include <string.h>

#define RGB(h) {(uint8_t)((h) >> 16), (uint8_t)(((h) >> 8) & 0xff), (uint8_t)((h) & 0xff), 255}

/* Calm: near-black on warm white, a deep teal accent for tiles and a deep
 * blue for links, amber callouts for warnings. */
static const ks_theme theme_default = {
    .name = "default",
    .background = RGB(0xFBF8F1),
    .text = RGB(0x1F1D1A),
    .muted = RGB(0x4A4540),
    .heading = RGB(0x14304A),
    .link = RGB(0x0A4A80),
    .accent = RGB(0x0B5563),
    .on_accent = RGB(0xFFFFFF),
    .surface = RGB(0xEFE9DD),
    .on_surface = RGB(0x1F1D1A),
    .callout_bg = RGB(0xFCEBC8),
    .callout_bar = RGB(0xB45309),
    .code_bg = RGB(0xECE7DD),
    .rule = RGB(0xC9C1B3),
    .highlight = RGB(0xFFD866),
    .placeholder = RGB(0xE8E3D8),
    .body_px = 30,
    .radius = 16,
};

/* White on black, yellow links and accent, a deep blue highlight so white
 * text stays readable on it. */
static const ks_theme theme_high_contrast = {
    .name = "high-contrast",
    .background = RGB(0x000000),
    .text = RGB(0xFFFFFF),
    .muted = RGB(0xE0E0E0),
    .heading = RGB(0xFFFFFF),
    .link = RGB(0xFFFF00),
    .accent = RGB(0xFFD500),
    .on_accent = RGB(0x000000),
    .surface = RGB(0x1A1A1A),
    .on_surface = RGB(0xFFFFFF),
    .callout_bg = RGB(0x2A1F00),
    .callout_bar = RGB(0xFFD500),
    .code_bg = RGB(0x1C1C1C),
    .rule = RGB(0xBFBFBF),
    .highlight = RGB(0x0030A0),
    .placeholder = RGB(0x262626),
    .body_px = 32,
    .radius = 12,
};

static const char *const theme_names[] = {"default", "high-contrast", NULL};

const ks_theme *ks_layout_theme(const char *name) {
    if (!name || strcmp(name, "default") == 0) return &theme_default;
    if (strcmp(name, "high-contrast") == 0) return &theme_high_contrast;
    return NULL;
}

const char *const *ks_layout_theme_names(void) { return theme_names; }

static double channel(uint8_t v) {
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(ks_color c) {
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double ks_layout_contrast(ks_color a, ks_color b) {
    double la = luminance(a), lb = luminance(b);
    if (la < lb) {
        double t = la;
        la = lb;
        lb = t;
    }
    return (la + 0.05) / (lb + 0.05);
}
