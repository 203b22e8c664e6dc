/* config: the kiosk's one configuration file.
 *
 * INI text (read by inih, Debian libinih-dev), sections and keys:
 *
 *   [clinic]  name, phone, urgent_phone, emergency_number, logo
 *   [paths]   content, index
 *   [screen]  rotate, screen_off_minutes, night
 *   [idle]    seconds, prompt_seconds
 *   [staff]   pin, hold_seconds
 *   [sync]    source, releases, keep
 *   [speech]  enabled, voice, rate, volume
 *
 * '#' and ';' start a comment line. An unknown section or key, a key
 * outside a section or a bad value is an error naming the file and line.
 * A value type: no allocation, copy it freely.
 */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include <stddef.h>

/* The file read when no --config is given and $KIOSK_CONFIG is unset (only
 * if it exists; otherwise the defaults apply). */
#define KS_CONFIG_PATH "/etc/clinic-kiosk/kiosk.conf"

typedef struct ks_config {
    struct {
        char name[128];            /* shown on Home ("" = "Clinic information") */
        char phone[64];            /* the clinic's phone ("" = "the front desk") */
        char urgent_phone[64];     /* out-of-hours or urgent line ("" = phone, else "the front desk") */
        char emergency_number[32]; /* "" = "your local emergency number" */
        char logo[1024];           /* PNG or SVG path ("" = the default in assets/) */
    } clinic;
    struct {
        char content[1024]; /* the content folder ("" = built-in default) */
        char index[1024];   /* the index file ("" = built-in default) */
    } paths;
    struct {
        int rotate;                /* 0, 90, 180 or 270 degrees clockwise (0) */
        double screen_off_minutes; /* black screen after this long untouched (30; 0 never) */
        int night_from, night_to;  /* minutes of the day the screen stays off; -1 = none */
    } screen;
    struct {
        double seconds;        /* no touch this long: "Are you still reading?" (90; 0 off) */
        double prompt_seconds; /* the prompt stays this long, then reset (30; >= 20) */
    } idle;
    struct {
        char pin[16];        /* digits staff type after the corner hold ("2580") */
        double hold_seconds; /* how long to hold the top-left corner (5) */
    } staff;
    struct {
        char source[1024];   /* git URL, path or bundle file ("" = no sync) */
        char releases[1024]; /* folder of checked-out versions ("" = beside the index) */
        int keep;            /* versions kept besides the current one (3) */
    } sync;
    struct {
        int enabled;         /* the Listen button (1; yes/no) */
        char voice[64];      /* espeak-ng voice ("en-us") */
        int rate;            /* words per minute (150; 80 to 300; "Slower" is 120) */
        int volume;          /* percent of espeak-ng's normal loudness (100; 10 to 200) */
    } speech;
} ks_config;

/* The defaults named above. */
void ks_config_defaults(ks_config *c);

/* The staff PIN every kiosk ships with: anyone who reads the README knows
 * it. */
#define KS_CONFIG_DEFAULT_PIN "2580"
/* 1 while c's staff PIN is still KS_CONFIG_DEFAULT_PIN (kiosk run says so
 * in its log at start; the staff screen says so in red), else 0. */
int ks_config_pin_is_default(const ks_config *c);

/* Parse INI text into c (over what it holds: call ks_config_defaults first).
 * name is the file name used in messages. Returns 0, or KS_ERR_INVALID with
 * err (cap bytes) set to "NAME:LINE: message" for the first problem; c then
 * holds the values read before it. */
int ks_config_parse(ks_config *c, const char *text, const char *name, char *err, size_t cap);

/* Read the file at path (at most 1 MiB) and parse it. Returns 0,
 * KS_ERR_INVALID as above, or KS_ERR_IO / KS_ERR_TOO_BIG with err saying
 * "PATH: why". A FIFO, a device or a folder is refused as not a regular
 * file (never read). */
int ks_config_load(ks_config *c, const char *path, char *err, size_t cap);

/* The text of a page placeholder such as {{clinic.phone}}: name is
 * "clinic.name", "clinic.phone", "clinic.urgent_phone" or
 * "clinic.emergency_number". *value (borrowed from c, or a constant) is the
 * configured text, or a fallback that always works when it is unset ("this
 * clinic", "the front desk", "your local emergency number"). Returns 0, or
 * KS_ERR_NOT_FOUND for an unknown name (*value untouched). */
int ks_config_placeholder(const ks_config *c, const char *name, const char **value);

/* Every placeholder name ks_config_placeholder knows, NULL-terminated. */
extern const char *const ks_config_placeholder_names[];

#endif
