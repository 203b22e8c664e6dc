/* script: the `kiosk run --script` language, parsed into commands.
 *
 *   tap X Y              drag X1 Y1 X2 Y2 MS     type TEXT
 *   wait MS              idle SECONDS            shot FILE.png
 *   expect SCREEN        resize W H              clock HH:MM
 *   quit
 *
 * Numbers are decimal (integers or with a fraction), coordinates must be
 * >= 0, times >= 0. Anything else on a line, or a missing argument, is an
 * error naming the line.
 */
#include "kiosk/touch.h"

#include "kiosk/base.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ks_script {
    ks_script_cmd *cmds;
    size_t n, cap;
};

typedef struct op_spec {
    const char *name;
    ks_script_op op;
    int n_numbers; /* numeric arguments */
    int has_text;  /* the rest of the line is a text argument */
} op_spec;

static const op_spec ops[] = {
    {"tap", KS_SCRIPT_TAP, 2, 0},       {"drag", KS_SCRIPT_DRAG, 5, 0},
    {"type", KS_SCRIPT_TYPE, 0, 1},     {"wait", KS_SCRIPT_WAIT, 1, 0},
    {"idle", KS_SCRIPT_IDLE, 1, 0},     {"shot", KS_SCRIPT_SHOT, 0, 1},
    {"expect", KS_SCRIPT_EXPECT, 0, 1}, {"resize", KS_SCRIPT_RESIZE, 2, 0},
    {"clock", KS_SCRIPT_CLOCK, 0, 1},   {"quit", KS_SCRIPT_QUIT, 0, 0},
};

void ks_script_free(ks_script *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) free(s->cmds[i].text);
    free(s->cmds);
    free(s);
}

size_t ks_script_count(const ks_script *s) { return s->n; }

const ks_script_cmd *ks_script_cmd_at(const ks_script *s, size_t i) {
    return i < s->n ? &s->cmds[i] : NULL;
}

static int fail(char *err, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* Parse one non-blank line (NUL-terminated, no newline) into *cmd. */
static int parse_line(char *line, ks_script_cmd *cmd, char *err, size_t cap) {
    char *p = line, *word, *end;
    const op_spec *spec = NULL;
    while (isspace((unsigned char)*p)) p++;
    word = p;
    while (*p && !isspace((unsigned char)*p)) p++;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if ((size_t)(p - word) == strlen(ops[i].name) && strncmp(word, ops[i].name, (size_t)(p - word)) == 0)
            spec = &ops[i];
    if (!spec) {
        *p = '\0';
        return fail(err, cap, "unknown command '%s' (expected tap, drag, type, wait, idle, shot, expect, resize, clock or quit)", word);
    }
    cmd->op = spec->op;
    for (int i = 0; i < spec->n_numbers; i++) {
        double v;
        while (isspace((unsigned char)*p)) p++;
        if (!*p) return fail(err, cap, "'%s' needs %d number%s", spec->name, spec->n_numbers, spec->n_numbers > 1 ? "s" : "");
        v = strtod(p, &end);
        if (end == p || (*end && !isspace((unsigned char)*end)))
            return fail(err, cap, "'%s': not a number: '%.*s'", spec->name, (int)strcspn(p, " \t"), p);
        if (!(v >= 0 && v <= 1e9)) /* written so NaN fails too */
            return fail(err, cap, "'%s': number out of range: %g", spec->name, v);
        cmd->a[i] = v;
        p = end;
    }
    while (isspace((unsigned char)*p)) p++;
    if (spec->has_text) {
        end = p + strlen(p);
        while (end > p && isspace((unsigned char)end[-1])) end--;
        if (end == p) return fail(err, cap, "'%s' needs an argument", spec->name);
        cmd->text = ks_strndup(p, (size_t)(end - p));
    } else if (*p) {
        return fail(err, cap, "'%s': unexpected '%s'", spec->name, p);
    }
    if (cmd->op == KS_SCRIPT_RESIZE && (cmd->a[0] < 100 || cmd->a[1] < 100 || cmd->a[0] > 8192 || cmd->a[1] > 8192))
        return fail(err, cap, "'resize': size must be between 100 and 8192");
    if (cmd->op == KS_SCRIPT_CLOCK) {
        int hh, mm, used = 0;
        if (sscanf(cmd->text, "%2d:%2d%n", &hh, &mm, &used) != 2 || cmd->text[used] || hh < 0 || hh > 23 || mm < 0 ||
            mm > 59)
            return fail(err, cap, "'clock' wants HH:MM, e.g. 19:58 (got '%s')", cmd->text);
        cmd->a[0] = hh * 60 + mm;
    }
    return 0;
}

ks_script *ks_script_parse(const char *text, int *err_line, char *err, size_t cap) {
    ks_script *s = ks_calloc(1, sizeof *s);
    int line_no = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = ks_strndup(p, len), *q = line;
        line_no++;
        p += len + (nl ? 1 : 0);
        if (len && line[len - 1] == '\r') line[len - 1] = '\0';
        while (isspace((unsigned char)*q)) q++;
        if (*q && *q != '#') {
            ks_script_cmd cmd;
            memset(&cmd, 0, sizeof cmd);
            cmd.line = line_no;
            if (parse_line(q, &cmd, err, cap) != 0) {
                free(cmd.text);
                free(line);
                if (err_line) *err_line = line_no;
                ks_script_free(s);
                return NULL;
            }
            if (s->n == s->cap) {
                s->cap = s->cap ? 2 * s->cap : 16;
                s->cmds = ks_realloc(s->cmds, s->cap * sizeof *s->cmds);
            }
            s->cmds[s->n++] = cmd;
        }
        free(line);
    }
    return s;
}
