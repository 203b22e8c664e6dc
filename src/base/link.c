/* link: how the kiosk names pages and headings from what a page links to.
 * One grammar for the store (which checks links) and doc (which follows
 * them), so `kiosk check` and the screen can never disagree. */
#include "kiosk/base.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Whether url starts with a scheme ("http:", "javascript:", "C:") or is
 * protocol-relative ("//host"): either way it leaves the kiosk. */
int ks_link_is_external(const char *url) {
    const char *p = url;
    if (url[0] == '/' && url[1] == '/') return 1;
    if (url[0] == '\\') return 1;
    if (!isalpha((unsigned char)*p)) return 0;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.') p++;
    return *p == ':';
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) into a new string; a decoded NUL, '/' or '\\' is
 * refused (returns NULL) so encoding cannot smuggle a path step in. */
static char *percent_decode(const char *s, size_t n) {
    char *out = ks_malloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n &&
            hexval((unsigned char)s[i + 1]) >= 0 && hexval((unsigned char)s[i + 2]) >= 0) {
            int c = hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]);
            if (c == 0 || c == '/' || c == '\\') {
                free(out);
                return NULL;
            }
            out[o++] = (char)c;
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* Join base_dir (a slug's folder, may be "") and rel, resolving "." and
 * "..", collapsing "//". Returns a new string or NULL when ".." climbs above
 * the top. A leading '/' in rel means the top. */
static char *normalise(const char *base_dir, const char *rel) {
    ks_buf joined = {0};
    if (rel[0] != '/' && base_dir[0]) {
        ks_buf_puts(&joined, base_dir);
        ks_buf_putc(&joined, '/');
    }
    ks_buf_puts(&joined, rel);
    char *all = ks_buf_detach(&joined);
    size_t n = strlen(all);
    /* Component stack as offsets into out. */
    char *out = ks_malloc(n + 1);
    size_t o = 0;
    size_t i = 0;
    int ok = 1;
    while (i <= n) {
        size_t j = i;
        while (j < n && all[j] != '/') j++;
        size_t len = j - i;
        if (len == 0 || (len == 1 && all[i] == '.')) {
            /* skip */
        } else if (len == 2 && all[i] == '.' && all[i + 1] == '.') {
            if (o == 0) {
                ok = 0;
                break;
            }
            while (o > 0 && out[o - 1] != '/') o--;
            if (o > 0) o--; /* the slash before it */
        } else {
            if (o > 0) out[o++] = '/';
            memcpy(out + o, all + i, len);
            o += len;
        }
        i = j + 1;
    }
    out[o] = '\0';
    /* A trailing slash on the original means a folder. */
    if (ok && n > 0 && all[n - 1] == '/') {
        char *f = ks_sprintf("%s%sindex.md", out, o ? "/" : "");
        free(out);
        out = f;
    }
    free(all);
    if (!ok) {
        free(out);
        return NULL;
    }
    return out;
}

/* Whether path could be a file under content/: no characters that no page
 * file name has (':' and shell/markup specials, control characters). */
static int plain_path(const char *path) {
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        if (*p < 0x20 || *p == 0x7f || strchr(":<>\"|*\\", *p)) return 0;
    return 1;
}

static char *slug_dir(const char *base_slug) {
    if (!base_slug) return ks_strdup("");
    const char *slash = strrchr(base_slug, '/');
    if (!slash) return ks_strdup("");
    return ks_strndup(base_slug, (size_t)(slash - base_slug));
}

static void lower(char *s) {
    for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

static int ends_with_ci(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int ks_link_resolve(const char *base_slug, const char *url, char **target) {
    *target = NULL;
    if (!url || !*url || ks_link_is_external(url)) return 0;
    if (!base_slug) base_slug = "";
    size_t n = strcspn(url, "?#");
    const char *frag = strchr(url, '#');
    char *frag_dec = NULL;
    if (frag && frag[1]) {
        /* The fragment names a heading: make it an anchor the way headings'
         * anchors are made, so "#Side Effects" finds "side-effects". */
        char *dec = percent_decode(frag + 1, strlen(frag + 1));
        if (!dec) return 0;
        frag_dec = ks_link_anchor(dec, strlen(dec));
        free(dec);
    }
    char *path = NULL;
    if (n == 0) {
        /* "#fragment" (or "?query") alone: this page. */
        if (!frag_dec || !*base_slug) {
            free(frag_dec);
            return 0;
        }
        path = ks_strdup(base_slug);
    } else {
        char *rel = percent_decode(url, n);
        char *dir = slug_dir(base_slug);
        path = rel ? normalise(dir, rel) : NULL;
        free(rel);
        free(dir);
        if (!path || !*path) {
            free(path);
            free(frag_dec);
            return 0;
        }
        const char *last = strrchr(path, '/');
        last = last ? last + 1 : path;
        if (ends_with_ci(path, ".md")) {
            path[strlen(path) - 3] = '\0';
        } else if (strchr(last, '.')) {
            /* Some other file (a PDF, an image): not a page. */
            free(path);
            free(frag_dec);
            return 0;
        }
        if (!*path || !plain_path(path)) {
            free(path);
            free(frag_dec);
            return 0;
        }
        lower(path);
    }
    if (frag_dec && *frag_dec)
        *target = ks_sprintf("%s#%s", path, frag_dec);
    else
        *target = ks_strdup(path);
    free(path);
    free(frag_dec);
    return 1;
}

char *ks_link_resolve_image(const char *base_slug, const char *src) {
    if (!src || !*src || ks_link_is_external(src)) return NULL;
    size_t n = strcspn(src, "?#");
    if (n == 0) return NULL;
    char *rel = percent_decode(src, n);
    if (!rel) return NULL;
    char *dir = slug_dir(base_slug);
    char *path = normalise(dir, rel);
    free(rel);
    free(dir);
    if (path && !*path) {
        free(path);
        path = NULL;
    }
    return path;
}

char *ks_link_anchor(const char *text, size_t len) {
    ks_buf b = {0};
    int dash = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (isalnum(c) || c >= 0x80) {
            if (dash && b.len) ks_buf_putc(&b, '-');
            dash = 0;
            ks_buf_putc(&b, (char)tolower(c));
        } else {
            dash = 1; /* any other ASCII separates words, as in the store */
        }
    }
    return ks_buf_detach(&b);
}
