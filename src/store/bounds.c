/* bounds: the cost of a page body, measured before cmark sees it.
 *
 * cmark (0.30 in Debian 12) has inputs on which it is slow far beyond
 * their size: unclosed link brackets ("[a](" repeated: 2.7 s for 1 MiB),
 * runs of emphasis delimiters that never match (0.9 s), unclosed HTML
 * attributes, hundreds of thousands of nested block quotes. A patient page
 * needs none of that, so a body that holds too many of these pieces, or
 * nests deeper than any page does, is an error with its line (the page
 * keeps its last good version) and is never parsed. Every page up to the
 * 1 MiB limit is then checked in well under 200 ms (bench_store_hostile).
 */
#include "store_int.h"

#include <stdio.h>

#define MAX_BRACKETS 10000   /* '[' and ']': links, images */
#define MAX_DELIMITERS 20000 /* '*' and '_' */
#define MAX_ANGLES 10000     /* '<': HTML and autolinks */
#define MAX_BACKTICKS 20000  /* '`' */
#define MAX_LINES 20000      /* lines: headings, list items and paragraphs are nodes */
#define MAX_NESTING 32       /* block quotes and lists opened on one line */
#define MAX_CONTAINERS 20000 /* quotes and list items opened, all lines together */

/* How many containers ('>' quotes, '-', '+', '*' or "1." list items) the
 * line at s opens before its text. */
static int line_nesting(const char *s, size_t len) {
    size_t i = 0;
    int depth = 0;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
        if (i < len && s[i] == '>') {
            depth++;
            i++;
            continue;
        }
        if (i + 1 < len && (s[i] == '-' || s[i] == '+' || s[i] == '*') && (s[i + 1] == ' ' || s[i + 1] == '\t')) {
            depth++;
            i += 2;
            continue;
        }
        size_t d = i;
        while (d < len && d - i < 9 && s[d] >= '0' && s[d] <= '9') d++;
        if (d > i && d + 1 < len && (s[d] == '.' || s[d] == ')') && (s[d + 1] == ' ' || s[d + 1] == '\t')) {
            depth++;
            i = d + 2;
            continue;
        }
        return depth;
    }
}

int store_page_body_over_bounds(const char *body, size_t len, int *line, char *why, size_t cap) {
    size_t brackets = 0, delims = 0, angles = 0, ticks = 0, containers = 0;
    int ln = 0;
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && body[end] != '\n') end++;
        int nesting = line_nesting(body + i, end - i);
        if (nesting > MAX_NESTING) {
            *line = ln;
            snprintf(why, cap, "this line opens more than %d quotes or lists inside each other; "
                               "a page needs only a few levels", MAX_NESTING);
            return 1;
        }
        if ((containers += (size_t)nesting) > MAX_CONTAINERS) {
            *line = ln;
            snprintf(why, cap, "the page has more than %d list items and quotes by this line; "
                               "split it into several pages", MAX_CONTAINERS);
            return 1;
        }
        for (size_t k = i; k < end; k++) {
            char c = body[k];
            brackets += c == '[' || c == ']';
            delims += c == '*' || c == '_';
            angles += c == '<';
            ticks += c == '`';
        }
        const char *what = brackets > MAX_BRACKETS ? "square brackets ([ ])"
                           : delims > MAX_DELIMITERS ? "'*' and '_' marks"
                           : angles > MAX_ANGLES ? "'<' signs"
                           : ticks > MAX_BACKTICKS ? "backticks (`)"
                                                   : NULL;
        size_t limit = brackets > MAX_BRACKETS ? MAX_BRACKETS
                       : delims > MAX_DELIMITERS ? MAX_DELIMITERS
                       : angles > MAX_ANGLES ? MAX_ANGLES
                                               : MAX_BACKTICKS;
        if (what) {
            *line = ln;
            snprintf(why, cap, "the page has more than %zu %s by this line; a page needs far fewer "
                               "(split it, or remove what was pasted in by mistake)", limit, what);
            return 1;
        }
        if (++ln > MAX_LINES) {
            *line = ln - 1;
            snprintf(why, cap, "the page has more than %d lines; split it into several pages", MAX_LINES);
            return 1;
        }
        i = end + 1;
    }
    return 0;
}
