/* config: INI settings through inih, one table of keys.
 *
 * inih's handler is not told the line it is on (Debian builds it without
 * INI_HANDLER_LINENO), so the text is fed through ini_parse_stream with a
 * reader of our own that counts lines: the handler runs right after its
 * line was read, so the count is that line's number.
 */
#include "kiosk/config.h"

#include "kiosk/base.h"

#include <ini.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* inih's line buffer (INI_MAX_LINE in Debian's build): a longer line would be
 * split silently, so it is refused first. */
#define MAX_LINE 200

typedef enum { K_TEXT, K_PATH, K_DIGITS, K_NUMBER, K_INT, K_ROTATE, K_NIGHT, K_BOOL } key_kind;

typedef struct key_def {
    const char *section, *key;
    key_kind kind;
    size_t offset;     /* into ks_config */
    size_t size;       /* of a text field */
    double lo, hi;     /* a number's range */
    const char *what;  /* said when the value is bad */
} key_def;

#define TEXT(sec, k, field, what) {sec, k, K_TEXT, offsetof(ks_config, field), sizeof(((ks_config *)0)->field), 0, 0, what}
#define PATH(sec, k, field, what) {sec, k, K_PATH, offsetof(ks_config, field), sizeof(((ks_config *)0)->field), 0, 0, what}
#define NUM(sec, k, field, lo, hi, what) {sec, k, K_NUMBER, offsetof(ks_config, field), 0, lo, hi, what}

static const key_def keys[] = {
    TEXT("clinic", "name", clinic.name, "the clinic's name, up to 127 bytes"),
    TEXT("clinic", "phone", clinic.phone, "a phone number, up to 63 bytes"),
    TEXT("clinic", "urgent_phone", clinic.urgent_phone, "a phone number, up to 63 bytes"),
    TEXT("clinic", "emergency_number", clinic.emergency_number, "a number such as 911, up to 31 bytes"),
    PATH("clinic", "logo", clinic.logo, "the absolute path of a PNG or SVG file"),
    PATH("paths", "content", paths.content, "the absolute path of the content folder"),
    PATH("paths", "index", paths.index, "the absolute path of the index file"),
    {"screen", "rotate", K_ROTATE, offsetof(ks_config, screen.rotate), 0, 0, 0, "0, 90, 180 or 270"},
    NUM("screen", "screen_off_minutes", screen.screen_off_minutes, 0, 10080, "minutes, 0 to 10080 (0: never)"),
    {"screen", "night", K_NIGHT, 0, 0, 0, 0, "HH:MM-HH:MM such as 20:00-07:00, or 'off'"},
    NUM("idle", "seconds", idle.seconds, 0, 86400, "seconds, 0 to 86400 (0 turns the reset off)"),
    NUM("idle", "prompt_seconds", idle.prompt_seconds, 20, 3600, "seconds, 20 to 3600"),
    {"staff", "pin", K_DIGITS, offsetof(ks_config, staff.pin), sizeof(((ks_config *)0)->staff.pin), 0, 0,
     "1 to 15 digits"},
    NUM("staff", "hold_seconds", staff.hold_seconds, 1, 60, "seconds, 1 to 60"),
    TEXT("sync", "source", sync.source, "a git URL, a folder or a bundle file"),
    PATH("sync", "releases", sync.releases, "the absolute path of a folder"),
    {"sync", "keep", K_INT, offsetof(ks_config, sync.keep), 0, 1, 100, "a whole number, 1 to 100"},
    {"speech", "enabled", K_BOOL, offsetof(ks_config, speech.enabled), 0, 0, 0, "yes or no"},
    TEXT("speech", "voice", speech.voice, "an espeak-ng voice name such as en-us or en, up to 63 bytes"),
    {"speech", "rate", K_INT, offsetof(ks_config, speech.rate), 0, 80, 300, "words per minute, 80 to 300"},
    {"speech", "volume", K_INT, offsetof(ks_config, speech.volume), 0, 10, 200, "percent, 10 to 200"},
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* The keys of the old flat format, and where they went. */
static const struct {
    const char *old, *now;
} renamed[] = {
    {"idle_seconds", "[idle] seconds"},       {"prompt_seconds", "[idle] prompt_seconds"},
    {"staff_pin", "[staff] pin"},             {"staff_hold_seconds", "[staff] hold_seconds"},
    {"title", "[clinic] name"},
};

int ks_config_pin_is_default(const ks_config *c) { return strcmp(c->staff.pin, KS_CONFIG_DEFAULT_PIN) == 0; }

void ks_config_defaults(ks_config *c) {
    memset(c, 0, sizeof *c);
    c->screen.rotate = 0;
    c->screen.screen_off_minutes = 30;
    c->screen.night_from = c->screen.night_to = -1;
    c->idle.seconds = 90;
    c->idle.prompt_seconds = 30;
    snprintf(c->staff.pin, sizeof c->staff.pin, "%s", KS_CONFIG_DEFAULT_PIN);
    c->staff.hold_seconds = 5;
    c->sync.keep = 3;
    c->speech.enabled = 1;
    snprintf(c->speech.voice, sizeof c->speech.voice, "en-us");
    c->speech.rate = 150;
    c->speech.volume = 100;
}

/* ------------------------------------------------------------ values */

static int parse_number(const char *v, double lo, double hi, double *out) {
    char *end;
    double d;
    errno = 0;
    d = strtod(v, &end);
    if (end == v || *end || errno || !(d >= lo && d <= hi)) return KS_ERR_INVALID; /* NaN fails too */
    *out = d;
    return 0;
}

/* "HH:MM" → minutes of the day, or -1. */
static int parse_clock(const char *s, size_t n) {
    if (n != 5 || s[2] != ':') return KS_ERR_INVALID;
    for (size_t i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9')) return KS_ERR_INVALID;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59) return KS_ERR_INVALID;
    return h * 60 + m;
}

static int set_value(ks_config *c, const key_def *k, const char *v) {
    char *field = (char *)c + k->offset;
    size_t n = strlen(v);
    double d;
    switch (k->kind) {
    case K_TEXT:
    case K_PATH:
        if (n >= k->size) return KS_ERR_INVALID;
        if (k->kind == K_PATH && n && v[0] != '/') return KS_ERR_INVALID;
        memcpy(field, v, n + 1);
        return 0;
    case K_DIGITS:
        if (n < 1 || n >= k->size || strspn(v, "0123456789") != n) return KS_ERR_INVALID;
        memcpy(field, v, n + 1);
        return 0;
    case K_NUMBER:
        return parse_number(v, k->lo, k->hi, (double *)(void *)field);
    case K_INT:
        if (parse_number(v, k->lo, k->hi, &d) || d != floor(d)) return KS_ERR_INVALID;
        *(int *)(void *)field = (int)d;
        return 0;
    case K_ROTATE:
        if (strcmp(v, "0") && strcmp(v, "90") && strcmp(v, "180") && strcmp(v, "270")) return KS_ERR_INVALID;
        *(int *)(void *)field = atoi(v);
        return 0;
    case K_BOOL:
        if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
            *(int *)(void *)field = 1;
        else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
            *(int *)(void *)field = 0;
        else
            return KS_ERR_INVALID;
        return 0;
    case K_NIGHT: {
        const char *dash = strchr(v, '-');
        int from, to;
        if (!strcmp(v, "off") || !*v) {
            c->screen.night_from = c->screen.night_to = -1;
            return 0;
        }
        if (!dash) return KS_ERR_INVALID;
        from = parse_clock(v, (size_t)(dash - v));
        to = parse_clock(dash + 1, strlen(dash + 1));
        if (from < 0 || to < 0 || from == to) return KS_ERR_INVALID;
        c->screen.night_from = from;
        c->screen.night_to = to;
        return 0;
    }
    }
    return KS_ERR_INVALID;
}

/* ------------------------------------------------------------ parsing */

typedef struct parse_state {
    ks_config *c;
    const char *text; /* what is left to read */
    int line;         /* the number of the line last read */
    int err_line;     /* the line of the handler's first complaint, 0 none */
    char msg[256];
} parse_state;

/* ini_reader: the next line of the text into buf (at most num - 1 bytes). */
static char *read_line(char *buf, int num, void *stream) {
    parse_state *st = stream;
    const char *p = st->text, *nl;
    size_t len, take;
    if (!*p) return NULL;
    nl = strchr(p, '\n');
    len = nl ? (size_t)(nl - p) + 1 : strlen(p);
    take = len < (size_t)num - 1 ? len : (size_t)num - 1;
    memcpy(buf, p, take);
    buf[take] = '\0';
    st->text = p + len;
    st->line++;
    return buf;
}

static int complain(parse_state *st, const char *fmt, const char *a, const char *b) {
    if (!st->err_line) {
        st->err_line = st->line;
        snprintf(st->msg, sizeof st->msg, fmt, a, b);
    }
    return 0;
}

static int on_value(void *user, const char *section, const char *name, const char *value) {
    parse_state *st = user;
    int section_known = 0;
    if (!*section) {
        for (size_t i = 0; i < sizeof renamed / sizeof renamed[0]; i++)
            if (!strcmp(name, renamed[i].old))
                return complain(st, "'%s' is now '%s' (see the README's configuration table)", name,
                                renamed[i].now);
        return complain(st, "'%s' is outside a section: put it under its [section]%s", name, "");
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(section, keys[i].section)) continue;
        section_known = 1;
        if (strcmp(name, keys[i].key)) continue;
        if (set_value(st->c, &keys[i], value) != 0)
            return complain(st, "%s: %s", name, keys[i].what);
        return 1;
    }
    if (!section_known)
        return complain(st, "unknown section [%s] (clinic, paths, screen, idle, staff, sync, speech)%s", section, "");
    return complain(st, "unknown setting '%s' in [%s]", name, section);
}

int ks_config_parse(ks_config *c, const char *text, const char *name, char *err, size_t cap) {
    parse_state st;
    int line = 0, r;
    /* A line inih would cut in two. */
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        line++;
        if (len >= MAX_LINE - 1) {
            snprintf(err, cap, "%s:%d: line longer than %d characters", name, line, MAX_LINE - 2);
            return KS_ERR_INVALID;
        }
        p += len + (nl ? 1 : 0);
    }
    memset(&st, 0, sizeof st);
    st.c = c;
    st.text = text;
    r = ini_parse_stream(read_line, &st, on_value, &st);
    if (r == 0) return 0;
    if (r == st.err_line)
        snprintf(err, cap, "%s:%d: %s", name, r, st.msg);
    else
        snprintf(err, cap, "%s:%d: expected '[section]' or 'key = value'", name, r);
    return KS_ERR_INVALID;
}

int ks_config_load(ks_config *c, const char *path, char *err, size_t cap) {
    struct stat sb;
    char *text = NULL;
    size_t len;
    int r;
    if (stat(path, &sb) != 0) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        return KS_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(err, cap, "%s: not a regular file", path);
        return KS_ERR_IO;
    }
    r = ks_read_file(path, 1 << 20, &text, &len);
    if (r != KS_OK) {
        snprintf(err, cap, "%s: %s", path, r == KS_ERR_TOO_BIG ? "larger than 1 MiB" : strerror(errno));
        return r;
    }
    if (memchr(text, '\0', len)) {
        snprintf(err, cap, "%s: not a text file", path);
        free(text);
        return KS_ERR_INVALID;
    }
    r = ks_config_parse(c, text, path, err, cap);
    free(text);
    return r;
}

/* ------------------------------------------------------------ placeholders */

const char *const ks_config_placeholder_names[] = {"clinic.name", "clinic.phone", "clinic.urgent_phone",
                                                   "clinic.emergency_number", NULL};

int ks_config_placeholder(const ks_config *c, const char *name, const char **value) {
    if (!strcmp(name, "clinic.name")) {
        *value = c->clinic.name[0] ? c->clinic.name : "this clinic";
    } else if (!strcmp(name, "clinic.phone")) {
        *value = c->clinic.phone[0] ? c->clinic.phone : "the front desk";
    } else if (!strcmp(name, "clinic.urgent_phone")) {
        *value = c->clinic.urgent_phone[0] ? c->clinic.urgent_phone
                 : c->clinic.phone[0]      ? c->clinic.phone
                                           : "the front desk";
    } else if (!strcmp(name, "clinic.emergency_number")) {
        *value = c->clinic.emergency_number[0] ? c->clinic.emergency_number : "your local emergency number";
    } else {
        return KS_ERR_NOT_FOUND;
    }
    return 0;
}
