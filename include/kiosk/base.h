/* base: the few things every module needs and none should write again.
 *
 * - Memory: ks_malloc and friends. The kiosk has one out-of-memory policy and
 *   it lives here: an allocation that fails prints a message and aborts. No
 *   caller checks for NULL from these functions. (A kiosk that cannot get a
 *   few kilobytes cannot show a page either; the process supervisor restarts
 *   it and the index on disk is never half-written, see index.h.)
 * - ks_buf: a growable byte buffer, always NUL-terminated.
 * - UTF-8: validation and decoding.
 * - Files: reading a whole file with a size limit.
 * - Links: how a link written on a page names another page and heading,
 *   the one grammar the store checks and doc follows.
 * - A 64-bit content hash, a monotonic clock, and logging to stderr.
 *
 * Depends on nothing but libc. No SDL, no SQLite, no cmark.
 */
#ifndef KIOSK_BASE_H
#define KIOSK_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ memory */

/* Allocate, or abort with a message: never returns NULL. ks_malloc(0) returns
 * a unique pointer to free. The caller frees with free(). */
void *ks_malloc(size_t n);
void *ks_calloc(size_t count, size_t size);
void *ks_realloc(void *p, size_t n);
/* A copy of s (NULL gives NULL); the caller frees it. */
char *ks_strdup(const char *s);
/* A NUL-terminated copy of the first n bytes of s; the caller frees it. */
char *ks_strndup(const char *s, size_t n);
/* printf into a new string; the caller frees it. */
char *ks_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------------ buffer */

/* A growable byte buffer. Zero-initialise it ({0}) to start; data is NULL
 * until the first append, and always NUL-terminated after one. Release with
 * ks_buf_free, or take ownership of data with ks_buf_detach. */
typedef struct ks_buf {
    char *data; /* the bytes, NUL-terminated (NULL while empty and unused) */
    size_t len; /* bytes used, not counting the NUL */
    size_t cap; /* bytes allocated */
} ks_buf;

void ks_buf_append(ks_buf *b, const void *data, size_t len);
void ks_buf_puts(ks_buf *b, const char *s);
void ks_buf_putc(ks_buf *b, char c);
void ks_buf_printf(ks_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s for a one-line message: control characters (newline, tab, ESC,
 * DEL...) written as \n, \t, \e or \xHH and a backslash as \\, so a
 * file name cannot break a line of output or drive a terminal. */
void ks_buf_put_escaped(ks_buf *b, const char *s);
/* The same as a new string the caller frees. */
char *ks_escaped(const char *s);
void ks_buf_vprintf(ks_buf *b, const char *fmt, va_list ap);
/* Keep the buffer's memory but forget its contents. */
void ks_buf_clear(ks_buf *b);
/* Return data (never NULL: an empty buffer gives "") and leave b empty; the
 * caller frees the result. */
char *ks_buf_detach(ks_buf *b);
void ks_buf_free(ks_buf *b);
/* Append s as the inside of a JSON string (quotes not included). Invalid
 * UTF-8 bytes become U+FFFD, so the output is always valid JSON. */
void ks_buf_json_string(ks_buf *b, const char *s, size_t len);

/* ------------------------------------------------------------------ UTF-8 */

/* Whether s[0..len) is valid UTF-8 (no overlongs, no surrogates, nothing past
 * U+10FFFF). On failure *bad (if not NULL) is the offset of the first bad
 * byte. */
int ks_utf8_valid(const char *s, size_t len, size_t *bad);
/* Decode one code point at s (at most len bytes). Returns the number of bytes
 * it takes (at least 1 when len > 0); an invalid sequence decodes as U+FFFD
 * and takes 1 byte. */
size_t ks_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encode cp into out (4 bytes at least); returns the byte count. */
size_t ks_utf8_encode(uint32_t cp, char *out);
/* The largest offset <= pos that starts a UTF-8 sequence in s. */
size_t ks_utf8_floor(const char *s, size_t len, size_t pos);

/* ------------------------------------------------------------------ files */

/* Errors. Every function that can fail returns KS_OK (0) or a negative
 * code, never a positive one and never -1 of its own making; a constructor
 * returns NULL and puts the code in an `int *err`; a lookup that may find
 * nothing returns KS_ERR_NOT_FOUND, apart from a failure (see
 * ks_index_get_page). A positive return is a count or a yes/no, never an
 * error. Codes -1..-19 are these, shared by every module; a module adds its
 * own below them (index: -20..-29, index.h).
 *
 * Retryable or fatal: KS_ERR_BUSY is the one retryable code (SQLite's BUSY
 * and LOCKED: another process held the database past the wait; nothing
 * was changed). The same call may succeed later, and a caller that can
 * wait retries (kiosk index for a while, the watcher at its next change,
 * the usage counts at the next count); ks_err_retryable() says which codes
 * those are. Every other code is fatal for that call: retrying unchanged
 * fails the same way, so the caller reports it (and, where the kiosk is
 * running, keeps the last good content). */
enum {
    KS_OK = 0,
    KS_ERR_IO = -1,        /* cannot open or read; errno says why */
    KS_ERR_TOO_BIG = -2,   /* larger than the limit given */
    KS_ERR_INVALID = -3,   /* malformed input */
    KS_ERR_NOT_FOUND = -4, /* no such thing */
    KS_ERR_BUSY = -5       /* retryable: a database was busy or locked; nothing changed, try again later */
};

/* 1 when the same call may succeed later (KS_ERR_BUSY), 0 for KS_OK and for
 * every fatal code. */
static inline int ks_err_retryable(int rc) { return rc == KS_ERR_BUSY; }

/* Read the whole file at path into a new NUL-terminated buffer (*out, length
 * *len). Files larger than max bytes are not read: KS_ERR_TOO_BIG. Returns
 * KS_OK or a negative KS_ERR_*; errno is kept from the failing call. The
 * caller frees *out. */
int ks_read_file(const char *path, size_t max, char **out, size_t *len);
/* Write data to path atomically: a temporary file beside it, fsync, rename.
 * Returns KS_OK or KS_ERR_IO. */
int ks_write_file_atomic(const char *path, const void *data, size_t len);
/* mkdir -p: make the folder path and every missing folder above it, with
 * mode (less the umask). Returns KS_OK, also when they exist already, or
 * KS_ERR_IO with errno from the mkdir that failed (what was made stays). */
int ks_make_dirs(const char *path, unsigned mode);
/* The same for the folders above path's last component: before writing a
 * file whose folder may not exist yet ("out/home.png" makes "out"). */
int ks_make_parent_dirs(const char *path, unsigned mode);
/* dir + "/" + name, in a new string the caller frees. */
char *ks_path_join(const char *dir, const char *name);

/* ------------------------------------------------------------ files beneath a folder
 * (src/base/files.c) Content is opened relative to its folder's descriptor,
 * one path component at a time with O_NOFOLLOW, so nothing reached through
 * content/ can lead out of it, and what is checked is what is read. */

/* Open rel (a relative path) beneath the folder open as dirfd, as openat()
 * would with flags (O_CLOEXEC and O_NOFOLLOW are added), except that every
 * step is taken with O_NOFOLLOW and a symbolic link met on the way is
 * resolved by hand: followed when it stays beneath dirfd, refused when it
 * is absolute or climbs above dirfd. Returns a new descriptor the caller
 * closes, or -1 with errno: EXDEV (leads outside, or rel is absolute),
 * ELOOP (more than 40 links), ENOENT (missing, or a link to nothing), or
 * what openat said. Opening a FIFO never blocks (O_NONBLOCK is added for
 * anything that is not a folder). */
int ks_open_beneath(int dirfd, const char *rel, int flags);
/* Read the regular file open as fd (from its current offset) into a new
 * NUL-terminated buffer, at most max bytes (else KS_ERR_TOO_BIG). Returns
 * KS_OK, or KS_ERR_IO with errno (EISDIR for something that is not a
 * regular file). fd stays open; the caller frees *out. */
int ks_read_fd(int fd, size_t max, char **out, size_t *len);

/* What the first bytes of a picture say about it (src/base/image.c): no
 * decoding, so the cores can check pictures without SDL. */
typedef enum {
    KS_IMAGE_UNKNOWN = 0,
    KS_IMAGE_PNG,
    KS_IMAGE_JPEG,
    KS_IMAGE_GIF,
    KS_IMAGE_BMP,
    KS_IMAGE_WEBP,
    KS_IMAGE_SVG
} ks_image_type;
/* The type of the picture in data (len bytes) and, when its header says, its
 * size in pixels (*w, *h; 0 when unknown, as for an SVG without width and
 * height or viewBox). Returns the type, KS_IMAGE_UNKNOWN for anything else. */
ks_image_type ks_image_sniff(const void *data, size_t len, int *w, int *h);
/* "PNG", "JPEG", ..., "unknown". */
const char *ks_image_type_name(ks_image_type t);

/* ------------------------------------------------------------------ links */

/* Whether url leaves the kiosk: it has a scheme ("http:", "mailto:",
 * "javascript:", "C:"), or starts with "//" or a backslash. */
int ks_link_is_external(const char *url);
/* Resolve a link as written in the page at base_slug. For a link that stays
 * in the kiosk (no scheme; a .md file, a folder, or "#fragment" alone),
 * returns 1 and sets *target to a new string "slug" or "slug#anchor":
 * ".md" stripped, "./" and "../" resolved against base_slug's folder,
 * percent-escapes decoded, lowercased, the fragment made an anchor as
 * ks_link_anchor does, a folder link "topic/" meaning "topic/index". (A
 * folder named without the slash, "../prolotherapy", gives "prolotherapy":
 * the store and the UI open "prolotherapy/index" when there is no page
 * "prolotherapy" but such a topic.) Returns 0 (and
 * *target = NULL) for a link that leaves the kiosk, climbs above the content
 * folder, or names something that is not a page. The caller frees *target. */
int ks_link_resolve(const char *base_slug, const char *url, char **target);
/* Resolve an image source as written in the page at base_slug to a path
 * relative to the content folder ("prolotherapy/knee.png"; "/x.png" is
 * relative to the content folder's top). Returns a new string the caller
 * frees, or NULL for a source with a scheme or one that climbs out. */
char *ks_link_resolve_image(const char *base_slug, const char *src);

/* The anchor of a heading text: ASCII letters
 * and digits lowercased, bytes >= 0x80 kept, every run of anything else one
 * '-' between words ("Don't panic!" -> "don-t-panic"). A new string the
 * caller frees. */
char *ks_link_anchor(const char *text, size_t len);

/* ------------------------------------------------------------------ misc */

/* 64-bit FNV-1a of data: a content fingerprint, not a cryptographic hash. */
uint64_t ks_hash64(const void *data, size_t len);
/* Milliseconds on a monotonic clock, with sub-millisecond precision. */
double ks_now_ms(void);

/* Log one line to stderr, prefixed "kiosk: ". Thread-safe (one fputs per
 * line). */
void ks_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
