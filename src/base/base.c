/* base: memory policy, buffers, files, hashing, clock and logging. */
#include "kiosk/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The one out-of-memory policy: say so and abort. */
static void ks_oom(size_t n) {
    fprintf(stderr, "kiosk: out of memory allocating %zu bytes\n", n);
    abort();
}

void *ks_malloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) ks_oom(n);
    return p;
}

void *ks_calloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) ks_oom(count * size);
    return p;
}

void *ks_realloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) ks_oom(n);
    return q;
}

char *ks_strdup(const char *s) {
    return s ? ks_strndup(s, strlen(s)) : NULL;
}

char *ks_strndup(const char *s, size_t n) {
    char *p = ks_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ks_sprintf(const char *fmt, ...) {
    ks_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    ks_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return ks_buf_detach(&b);
}

/* ------------------------------------------------------------------ buffer */

static void buf_reserve(ks_buf *b, size_t extra) {
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    b->data = ks_realloc(b->data, cap);
    b->cap = cap;
}

void ks_buf_append(ks_buf *b, const void *data, size_t len) {
    buf_reserve(b, len);
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void ks_buf_puts(ks_buf *b, const char *s) { ks_buf_append(b, s, strlen(s)); }

void ks_buf_putc(ks_buf *b, char c) { ks_buf_append(b, &c, 1); }

void ks_buf_vprintf(ks_buf *b, const char *fmt, va_list ap) {
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void ks_buf_printf(ks_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ks_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void ks_buf_clear(ks_buf *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

char *ks_buf_detach(ks_buf *b) {
    char *p = b->data ? b->data : ks_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void ks_buf_free(ks_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void ks_buf_json_string(ks_buf *b, const char *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t run = i; /* plain ASCII up to the next byte needing care: one append */
        while (run < len && (c = (unsigned char)s[run]) >= 0x20 && c < 0x7f && c != '"' && c != '\\') run++;
        if (run > i) {
            ks_buf_append(b, s + i, run - i);
            i = run;
            continue;
        }
        if (c < 0x80) {
            switch (c) {
            case '"': ks_buf_puts(b, "\\\""); break;
            case '\\': ks_buf_puts(b, "\\\\"); break;
            case '\n': ks_buf_puts(b, "\\n"); break;
            case '\r': ks_buf_puts(b, "\\r"); break;
            case '\t': ks_buf_puts(b, "\\t"); break;
            default:
                if (c < 0x20 || c == 0x7f) ks_buf_printf(b, "\\u%04x", c);
                else ks_buf_putc(b, (char)c);
            }
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = ks_utf8_decode(s + i, len - i, &cp);
        if (cp == 0xFFFD && n == 1) ks_buf_puts(b, "\xEF\xBF\xBD");
        else ks_buf_append(b, s + i, n);
        i += n;
    }
}

/* ------------------------------------------------------------------ UTF-8 */

size_t ks_utf8_decode(const char *str, size_t len, uint32_t *cp) {
    const unsigned char *s = (const unsigned char *)str;
    if (len == 0) {
        *cp = 0;
        return 0;
    }
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (n > len) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return n;
}

int ks_utf8_valid(const char *s, size_t len, size_t *bad) {
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = ks_utf8_decode(s + i, len - i, &cp);
        if (cp == 0xFFFD && n == 1 &&
            !(len - i >= 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0)) {
            if (bad) *bad = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

size_t ks_utf8_encode(uint32_t cp, char *out) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t ks_utf8_floor(const char *s, size_t len, size_t pos) {
    if (pos >= len) return len;
    while (pos > 0 && ((unsigned char)s[pos] & 0xC0) == 0x80) pos--;
    return pos;
}

void ks_buf_put_escaped(ks_buf *b, const char *s) {
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '\\') ks_buf_puts(b, "\\\\");
        else if (*p == '\n') ks_buf_puts(b, "\\n");
        else if (*p == '\t') ks_buf_puts(b, "\\t");
        else if (*p == '\r') ks_buf_puts(b, "\\r");
        else if (*p == 0x1b) ks_buf_puts(b, "\\e");
        else if (*p < 0x20 || *p == 0x7f) ks_buf_printf(b, "\\x%02x", *p);
        else ks_buf_putc(b, (char)*p);
    }
}

char *ks_escaped(const char *s) {
    ks_buf b = {0};
    ks_buf_put_escaped(&b, s);
    if (!b.data) return ks_strdup("");
    return ks_buf_detach(&b);
}

/* ------------------------------------------------------------------ files */

int ks_read_file(const char *path, size_t max, char **out, size_t *len) {
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not hang us */
    if (fd < 0) return errno == ENOENT ? KS_ERR_NOT_FOUND : KS_ERR_IO;
    int rc = ks_read_fd(fd, max, out, len);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int ks_write_file_atomic(const char *path, const void *data, size_t len) {
    char *tmp = ks_sprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        free(tmp);
        return KS_ERR_IO;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            close(fd);
            unlink(tmp);
            free(tmp);
            return KS_ERR_IO;
        }
        p += n;
        left -= (size_t)n;
    }
    int rc = (fsync(fd) == 0 && close(fd) == 0 && rename(tmp, path) == 0) ? KS_OK : KS_ERR_IO;
    if (rc != KS_OK) unlink(tmp);
    free(tmp);
    return rc;
}

char *ks_path_join(const char *dir, const char *name) {
    size_t dl = strlen(dir);
    if (dl == 0) return ks_strdup(name);
    return ks_sprintf("%s%s%s", dir, dir[dl - 1] == '/' ? "" : "/", name);
}

/* ------------------------------------------------------------------ misc */

uint64_t ks_hash64(const void *data, size_t len) {
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

double ks_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void ks_log(const char *fmt, ...) {
    ks_buf b = {0};
    va_list ap;
    ks_buf_puts(&b, "kiosk: ");
    va_start(ap, fmt);
    ks_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    ks_buf_putc(&b, '\n');
    fputs(b.data, stderr);
    ks_buf_free(&b);
}
