/* state: what the last sync did, in a small text file beside the index,
 * and the version file each release carries.
 *
 * The state file is `key: value` lines (values on one line), written
 * atomically, readable by staff with any pager:
 *
 *     last_run: 1795969192
 *     result: refused
 *     message: refused 1a2b3c4 (2026-11-29 "New risks page"): 2 errors; still showing 9f8e7d6
 *     last_reached: 1795969192
 *     commit: 9f8e7d6...          the version shown, with
 *     commit_time: 1795960000     its date and
 *     subject: Fix a typo         its message
 *     refused: 1a2b3c4...         the newest refused version, with
 *     refused_time / refused_subject
 *     problem: prolotherapy/risks.md:3: error: 'title' is missing   (one per line)
 */
#include "sync_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const result_names[] = {"never", "up to date", "switched", "refused", "unreachable", "failed"};

const char *ks_sync_result_name(ks_sync_result r) {
    return (unsigned)r < sizeof result_names / sizeof result_names[0] ? result_names[r] : "unknown";
}

static void copy_field(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) n = ks_utf8_floor(src, n, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* One line: no newlines inside a value. */
static void put_field(ks_buf *b, const char *key, const char *value) {
    ks_buf_printf(b, "%s: ", key);
    for (const char *p = value; *p; p++) ks_buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
    ks_buf_putc(b, '\n');
}

/* Write data to path through a temporary file renamed over it: readers see
 * the old or the new state, never half of one. Not fsynced: this runs every
 * few minutes, a flush costs tens of milliseconds on a busy disk, and a state
 * lost to a power cut only means "last sync: never" until the next run. */
static int write_replace(const char *path, const char *data, size_t len) {
    char *tmp = ks_sprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = 0;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) unlink(tmp);
    free(tmp);
    return ok ? KS_OK : KS_ERR_IO;
}

int ks_sync_state_save(const char *path, const ks_sync_state *st) {
    ks_buf b = {0};
    int rc;
    ks_buf_printf(&b, "last_run: %lld\n", (long long)st->last_run);
    put_field(&b, "result", ks_sync_result_name(st->result));
    put_field(&b, "message", st->message);
    ks_buf_printf(&b, "last_reached: %lld\n", (long long)st->last_reached);
    put_field(&b, "commit", st->current.commit);
    ks_buf_printf(&b, "commit_time: %lld\n", (long long)st->current.time);
    put_field(&b, "subject", st->current.subject);
    put_field(&b, "refused", st->refused.commit);
    ks_buf_printf(&b, "refused_time: %lld\n", (long long)st->refused.time);
    put_field(&b, "refused_subject", st->refused.subject);
    for (const char *p = st->problems; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n) {
            ks_buf_puts(&b, "problem: ");
            ks_buf_append(&b, p, n);
            ks_buf_putc(&b, '\n');
        }
        p += n + (nl ? 1 : 0);
    }
    rc = write_replace(path, b.data, b.len);
    ks_buf_free(&b);
    return rc;
}

int ks_sync_state_load(const char *path, ks_sync_state *st) {
    char *text = NULL;
    size_t len = 0, used = 0;
    int rc;
    memset(st, 0, sizeof *st);
    if (!path) return KS_ERR_NOT_FOUND;
    rc = ks_read_file(path, 1 << 20, &text, &len);
    if (rc != KS_OK) return rc == KS_ERR_NOT_FOUND ? rc : KS_ERR_IO;
    for (char *line = text, *next; line && *line; line = next) {
        char *colon, *value;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        colon = strstr(line, ": ");
        if (!colon) continue;
        *colon = '\0';
        value = colon + 2;
        if (!strcmp(line, "last_run")) st->last_run = (time_t)strtoll(value, NULL, 10);
        else if (!strcmp(line, "last_reached")) st->last_reached = (time_t)strtoll(value, NULL, 10);
        else if (!strcmp(line, "commit_time")) st->current.time = (time_t)strtoll(value, NULL, 10);
        else if (!strcmp(line, "refused_time")) st->refused.time = (time_t)strtoll(value, NULL, 10);
        else if (!strcmp(line, "message")) copy_field(st->message, sizeof st->message, value);
        else if (!strcmp(line, "subject")) copy_field(st->current.subject, sizeof st->current.subject, value);
        else if (!strcmp(line, "refused_subject")) copy_field(st->refused.subject, sizeof st->refused.subject, value);
        else if (!strcmp(line, "commit") && sr_is_commit(value)) memcpy(st->current.commit, value, 41);
        else if (!strcmp(line, "refused") && sr_is_commit(value)) memcpy(st->refused.commit, value, 41);
        else if (!strcmp(line, "result")) {
            for (size_t i = 0; i < sizeof result_names / sizeof result_names[0]; i++)
                if (!strcmp(value, result_names[i])) st->result = (ks_sync_result)i;
        } else if (!strcmp(line, "problem")) {
            size_t n = strlen(value);
            if (used + n + 2 <= sizeof st->problems) {
                memcpy(st->problems + used, value, n);
                used += n;
                st->problems[used++] = '\n';
                st->problems[used] = '\0';
            }
        }
    }
    free(text);
    return KS_OK;
}

int ks_sync_release_version(const char *dir, ks_sync_version *v) {
    char *path = ks_path_join(dir, ".kiosk-release"), *text = NULL;
    size_t len;
    int rc = ks_read_file(path, 65536, &text, &len);
    memset(v, 0, sizeof *v);
    free(path);
    if (rc != KS_OK) return KS_ERR_NOT_FOUND;
    for (char *line = text, *next; line && *line; line = next) {
        char *colon;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (!(colon = strstr(line, ": "))) continue;
        *colon = '\0';
        if (!strcmp(line, "commit") && sr_is_commit(colon + 2)) memcpy(v->commit, colon + 2, 41);
        else if (!strcmp(line, "time")) v->time = (time_t)strtoll(colon + 2, NULL, 10);
        else if (!strcmp(line, "subject")) copy_field(v->subject, sizeof v->subject, colon + 2);
    }
    free(text);
    return v->commit[0] ? KS_OK : KS_ERR_NOT_FOUND;
}

char *ks_sync_default_state_path(const char *db) {
    size_t n = strlen(db);
    if (n > 3 && strcmp(db + n - 3, ".db") == 0) n -= 3;
    return ks_sprintf("%.*s-sync.txt", (int)n, db);
}

static void when(time_t t, char *out, size_t cap) {
    struct tm tm;
    if (!t) {
        snprintf(out, cap, "never");
        return;
    }
    localtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%d %H:%M", &tm);
}

void ks_sync_describe(const ks_sync_state *st, const ks_sync_version *shown, ks_buf *b) {
    char t1[32], t2[32];
    if (shown && shown->commit[0]) {
        when(shown->time, t1, sizeof t1);
        ks_buf_printf(b, "Content version: %.7s of %s \"%s\"\n", shown->commit, t1, shown->subject);
    } else {
        ks_buf_puts(b, "Content version: not managed by kiosk sync\n");
    }
    if (!st || !st->last_run) {
        ks_buf_puts(b, "Last sync: never\n");
        return;
    }
    when(st->last_run, t1, sizeof t1);
    when(st->last_reached, t2, sizeof t2);
    ks_buf_printf(b, "Last sync: %s: %s\n", t1, st->message); /* the message starts with what happened */
    if (st->result == KS_SYNC_UNREACHABLE || st->result == KS_SYNC_FAILED)
        ks_buf_printf(b, "Last synced with the source: %s\n", t2);
    if (st->refused.commit[0] && strcmp(st->refused.commit, st->current.commit) != 0) {
        int shown_lines = 0;
        when(st->refused.time, t1, sizeof t1);
        ks_buf_printf(b, "Refused version: %.7s of %s \"%s\", because:\n", st->refused.commit, t1,
                      st->refused.subject);
        for (const char *p = st->problems; *p && shown_lines < 10; shown_lines++) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            ks_buf_puts(b, "  ");
            ks_buf_append(b, p, n);
            ks_buf_putc(b, '\n');
            p += n + (nl ? 1 : 0);
        }
    }
}
