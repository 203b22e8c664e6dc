/* The configuration file the package installs (scripts/kiosk.conf, as
 * /etc/clinic-kiosk/kiosk.conf): it parses as shipped, it lists every key
 * of every section that include/kiosk/config.h names, and each key's
 * commented line, uncommented, parses and holds the default, so what the
 * file says is the default is the default.
 */
#include "harness.h"
#include "kiosk/config.h"

#include <ctype.h>

static char *shipped;

/* The shipped text with every "# key = value" line uncommented. */
static char *uncommented(const char *text) {
    char *out = malloc(strlen(text) + 1), *o = out;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        const char *k = p + 2;
        int key_line = p[0] == '#' && p[1] == ' ' && islower((unsigned char)*k);
        while (key_line && (islower((unsigned char)*k) || *k == '_')) k++;
        if (key_line && !strncmp(k, " =", 2)) {
            memcpy(o, p + 2, len - 2);
            o += len - 2;
        } else {
            memcpy(o, p, len);
            o += len;
        }
        p += len;
    }
    *o = '\0';
    return out;
}

static void test_parses_as_shipped(void) {
    ks_config c, d;
    char err[512] = "";
    ks_config_defaults(&c);
    ks_config_defaults(&d);
    INT_EQ(ks_config_parse(&c, shipped, "kiosk.conf", err, sizeof err), 0);
    if (err[0]) fprintf(stderr, "%s\n", err);
    OK(memcmp(&c, &d, sizeof c) == 0);
}

static void test_defaults_are_the_defaults(void) {
    ks_config c, d;
    char err[512] = "", *text = uncommented(shipped);
    ks_config_defaults(&c);
    ks_config_defaults(&d);
    INT_EQ(ks_config_parse(&c, text, "kiosk.conf (uncommented)", err, sizeof err), 0);
    if (err[0]) fprintf(stderr, "%s\n", err);
    OK(memcmp(&c, &d, sizeof c) == 0);
    free(text);
}

/* Every " *   [section]  key, key" line of config.h's opening comment: each
 * key is in the file, as "# key =", after "[section]". */
static void test_every_key_listed(void) {
    char path[1024], *h, *p;
    int keys = 0;
    snprintf(path, sizeof path, "%s/include/kiosk/config.h", KIOSK_SOURCE_DIR);
    h = harness_read_file(path);
    OK(h != NULL);
    if (!h) return;
    for (p = strstr(h, " *   ["); p; p = strstr(p, " *   [")) {
        char section[32], want[64], *q = p + 5, *end = strchr(p, '\n'), *sec_at;
        size_t n = strcspn(q, "]") + 1;
        snprintf(section, sizeof section, "%.*s", (int)n, q);
        sec_at = strstr(shipped, section);
        OK(sec_at != NULL);
        q += n;
        while (q < end) {
            q += strspn(q, " ,");
            n = strcspn(q, " ,\n");
            if (!n) break;
            snprintf(want, sizeof want, "\n# %.*s =", (int)n, q);
            keys++;
            if (!sec_at || !strstr(sec_at, want)) {
                OK(!"a key of config.h is in kiosk.conf");
                fprintf(stderr, "missing in scripts/kiosk.conf: %s %s\n", section, want + 1);
            }
            q += n;
        }
        p = end;
    }
    OK(keys >= 17);
    free(h);
}

int main(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/scripts/kiosk.conf", KIOSK_SOURCE_DIR);
    shipped = harness_read_file(path);
    if (!shipped) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    RUN(test_parses_as_shipped);
    RUN(test_defaults_are_the_defaults);
    RUN(test_every_key_listed);
    free(shipped);
    return harness_done();
}
