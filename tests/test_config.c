/* config: the INI file, every key, every kind of mistake with its line. */
#include "harness.h"

#include "kiosk/base.h"
#include "kiosk/config.h"

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse(ks_config *c, const char *text, char *err, size_t cap) {
    return ks_config_parse(c, text, "kiosk.conf", err, cap);
}

static void test_defaults(void) {
    ks_config c;
    ks_config_defaults(&c);
    OK(c.idle.seconds == 90);
    OK(c.idle.prompt_seconds == 30);
    STR_EQ(c.staff.pin, "2580");
    INT_EQ(ks_config_pin_is_default(&c), 1);
    {
        ks_config d;
        char err[256];
        ks_config_defaults(&d);
        INT_EQ(parse(&d, "[staff]\npin = 7391\n", err, sizeof err), 0);
        INT_EQ(ks_config_pin_is_default(&d), 0);
        INT_EQ(parse(&d, "[staff]\npin = 2580\n", err, sizeof err), 0);
        INT_EQ(ks_config_pin_is_default(&d), 1); /* written out, still the default */
    }
    OK(c.staff.hold_seconds == 5);
    INT_EQ(c.screen.rotate, 0);
    OK(c.screen.screen_off_minutes == 30);
    INT_EQ(c.screen.night_from, -1);
    INT_EQ(c.screen.night_to, -1);
    INT_EQ(c.sync.keep, 3);
    STR_EQ(c.clinic.name, "");
    STR_EQ(c.paths.content, "");
    INT_EQ(c.speech.enabled, 1);
    STR_EQ(c.speech.voice, "en-us");
    INT_EQ(c.speech.rate, 150);
    INT_EQ(c.speech.volume, 100);
}

static void test_every_key(void) {
    ks_config c;
    char err[256] = "";
    const char *text = "# The clinic's kiosk\n"
                       "; a comment too\n"
                       "\n"
                       "[clinic]\n"
                       "name = Riverside Clinic\n"
                       "phone = 555-0100\n"
                       "urgent_phone = 555-0199\n"
                       "emergency_number = 911\n"
                       "logo = /etc/clinic-kiosk/logo.svg\n"
                       "[paths]\n"
                       "content = /srv/clinic/pages\n"
                       "index = /var/lib/clinic-kiosk/index.db\n"
                       "[screen]\n"
                       "rotate = 270\n"
                       "screen_off_minutes = 0\n"
                       "night = 20:00-07:30\n"
                       "[idle]\n"
                       "seconds = 120\n"
                       "prompt_seconds = 45\n"
                       "[staff]\n"
                       "pin = 13579\n"
                       "hold_seconds = 3\n"
                       "[sync]\n"
                       "source = /media/usb/pages.bundle\n"
                       "releases = /var/lib/clinic-kiosk/releases\n"
                       "keep = 5\n"
                       "[speech]\n"
                       "enabled = no\n"
                       "voice = en-gb\n"
                       "rate = 130\n"
                       "volume = 80\n";
    ks_config_defaults(&c);
    INT_EQ(parse(&c, text, err, sizeof err), 0);
    STR_EQ(err, "");
    STR_EQ(c.clinic.name, "Riverside Clinic");
    STR_EQ(c.clinic.phone, "555-0100");
    STR_EQ(c.clinic.urgent_phone, "555-0199");
    STR_EQ(c.clinic.emergency_number, "911");
    STR_EQ(c.clinic.logo, "/etc/clinic-kiosk/logo.svg");
    STR_EQ(c.paths.content, "/srv/clinic/pages");
    STR_EQ(c.paths.index, "/var/lib/clinic-kiosk/index.db");
    INT_EQ(c.screen.rotate, 270);
    OK(c.screen.screen_off_minutes == 0);
    INT_EQ(c.screen.night_from, 20 * 60);
    INT_EQ(c.screen.night_to, 7 * 60 + 30);
    OK(c.idle.seconds == 120);
    OK(c.idle.prompt_seconds == 45);
    STR_EQ(c.staff.pin, "13579");
    OK(c.staff.hold_seconds == 3);
    STR_EQ(c.sync.source, "/media/usb/pages.bundle");
    STR_EQ(c.sync.releases, "/var/lib/clinic-kiosk/releases");
    INT_EQ(c.sync.keep, 5);
    INT_EQ(c.speech.enabled, 0);
    STR_EQ(c.speech.voice, "en-gb");
    INT_EQ(c.speech.rate, 130);
    INT_EQ(c.speech.volume, 80);
    INT_EQ(parse(&c, "[speech]\nenabled = yes\n", err, sizeof err), 0);
    INT_EQ(c.speech.enabled, 1);
    /* night = off turns the schedule off again; an inline comment is not the value. */
    INT_EQ(parse(&c, "[screen]\nnight = off\nrotate = 90 ; sideways\n", err, sizeof err), 0);
    INT_EQ(c.screen.night_from, -1);
    INT_EQ(c.screen.rotate, 90);
}

/* Each bad text, and the exact message it must give. */
static void test_mistakes(void) {
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"[idle]\nseconds = 10\nprompt_seconds = 5\n", "kiosk.conf:3: prompt_seconds: seconds, 20 to 3600"},
        {"[idle]\nseconds = nan\n", "kiosk.conf:2: seconds: seconds, 0 to 86400 (0 turns the reset off)"},
        {"[idle]\nseconds = 1e999\n", "kiosk.conf:2: seconds: seconds, 0 to 86400 (0 turns the reset off)"},
        {"[staff]\npin = 12a4\n", "kiosk.conf:2: pin: 1 to 15 digits"},
        {"[staff]\npin =\n", "kiosk.conf:2: pin: 1 to 15 digits"},
        {"\n[clinic]\ncolour = red\n", "kiosk.conf:3: unknown setting 'colour' in [clinic]"},
        {"[display]\nrotate = 90\n", "kiosk.conf:2: unknown section [display] (clinic, paths, screen, idle, staff, sync, speech)"},
        {"idle_seconds = 120\n", "kiosk.conf:1: 'idle_seconds' is now '[idle] seconds' (see the README's configuration table)"},
        {"title = Our clinic\n", "kiosk.conf:1: 'title' is now '[clinic] name' (see the README's configuration table)"},
        {"colour = red\n", "kiosk.conf:1: 'colour' is outside a section: put it under its [section]"},
        {"[screen]\njust words\n", "kiosk.conf:2: expected '[section]' or 'key = value'"},
        {"[screen\n", "kiosk.conf:1: expected '[section]' or 'key = value'"},
        {"[screen]\nrotate = 45\n", "kiosk.conf:2: rotate: 0, 90, 180 or 270"},
        {"[screen]\nnight = 25:00-07:00\n", "kiosk.conf:2: night: HH:MM-HH:MM such as 20:00-07:00, or 'off'"},
        {"[screen]\nnight = 20:00\n", "kiosk.conf:2: night: HH:MM-HH:MM such as 20:00-07:00, or 'off'"},
        {"[screen]\nnight = 07:00-07:00\n", "kiosk.conf:2: night: HH:MM-HH:MM such as 20:00-07:00, or 'off'"},
        {"[screen]\nscreen_off_minutes = -1\n", "kiosk.conf:2: screen_off_minutes: minutes, 0 to 10080 (0: never)"},
        {"[paths]\ncontent = pages\n", "kiosk.conf:2: content: the absolute path of the content folder"},
        {"[sync]\nkeep = 2.5\n", "kiosk.conf:2: keep: a whole number, 1 to 100"},
        {"[speech]\nenabled = maybe\n", "kiosk.conf:2: enabled: yes or no"},
        {"[speech]\nrate = 1000\n", "kiosk.conf:2: rate: words per minute, 80 to 300"},
        {"[speech]\nvolume = 0\n", "kiosk.conf:2: volume: percent, 10 to 200"},
        {"[speech]\npitch = 50\n", "kiosk.conf:2: unknown setting 'pitch' in [speech]"},
        /* A syntax error before a bad value: the first problem is named. */
        {"[idle]\nnonsense\nseconds = soon\n", "kiosk.conf:2: expected '[section]' or 'key = value'"},
        {"[idle]\nseconds = soon\nnonsense\n", "kiosk.conf:2: seconds: seconds, 0 to 86400 (0 turns the reset off)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ks_config c;
        char err[256] = "";
        ks_config_defaults(&c);
        INT_EQ(parse(&c, cases[i].text, err, sizeof err), KS_ERR_INVALID);
        STR_EQ(err, cases[i].message);
    }
}

static void test_values_kept_before_a_mistake(void) {
    ks_config c;
    char err[256];
    ks_config_defaults(&c);
    INT_EQ(parse(&c, "[idle]\nseconds = 10\nprompt_seconds = 5\n", err, sizeof err), KS_ERR_INVALID);
    OK(c.idle.seconds == 10);
    OK(c.idle.prompt_seconds == 30); /* the bad value changed nothing */
}

static void test_long_lines(void) {
    ks_config c;
    char err[256], text[600];
    /* A line inih would cut in two is refused, not half read. */
    snprintf(text, sizeof text, "[clinic]\nname = %0300d\n", 7);
    ks_config_defaults(&c);
    INT_EQ(parse(&c, text, err, sizeof err), KS_ERR_INVALID);
    STR_EQ(err, "kiosk.conf:2: line longer than 198 characters");
    /* A name too long for its field is a bad value. */
    snprintf(text, sizeof text, "[clinic]\nname = %0150d\n", 7);
    INT_EQ(parse(&c, text, err, sizeof err), KS_ERR_INVALID);
    STR_EQ(err, "kiosk.conf:2: name: the clinic's name, up to 127 bytes");
    STR_EQ(c.clinic.name, "");
}

static void test_load(void) {
    char dir[] = "/tmp/kiosk-config-XXXXXX", err[512];
    ks_config c;
    OK(mkdtemp(dir) != NULL);
    char *good = ks_path_join(dir, "kiosk.conf"), *fifo = ks_path_join(dir, "fifo.conf"),
         *bin = ks_path_join(dir, "bin.conf");
    OK(ks_write_file_atomic(good, "[clinic]\nname = Hill Clinic\n", 28) == KS_OK);
    ks_config_defaults(&c);
    INT_EQ(ks_config_load(&c, good, err, sizeof err), 0);
    STR_EQ(c.clinic.name, "Hill Clinic");
    /* A FIFO is never opened (it would block): said plainly. */
    OK(mkfifo(fifo, 0600) == 0);
    INT_EQ(ks_config_load(&c, fifo, err, sizeof err), KS_ERR_IO);
    STR_CONTAINS(err, "not a regular file");
    INT_EQ(ks_config_load(&c, dir, err, sizeof err), KS_ERR_IO);
    STR_CONTAINS(err, "not a regular file");
    INT_EQ(ks_config_load(&c, "/nonexistent/kiosk.conf", err, sizeof err), KS_ERR_IO);
    STR_CONTAINS(err, "No such file");
    OK(ks_write_file_atomic(bin, "[clinic]\0name = x\n", 18) == KS_OK);
    INT_EQ(ks_config_load(&c, bin, err, sizeof err), KS_ERR_INVALID);
    STR_CONTAINS(err, "not a text file");
    /* A message names the file as given. */
    OK(ks_write_file_atomic(good, "[idle]\nseconds = x\n", 19) == KS_OK);
    INT_EQ(ks_config_load(&c, good, err, sizeof err), KS_ERR_INVALID);
    OK(strncmp(err, good, strlen(good)) == 0 && strstr(err, ":2: seconds:"));
    unlink(good);
    unlink(fifo);
    unlink(bin);
    rmdir(dir);
    free(good);
    free(fifo);
    free(bin);
}

static void test_placeholders(void) {
    ks_config c;
    const char *v = NULL;
    char err[256];
    ks_config_defaults(&c);
    /* Unset: words that always work. */
    INT_EQ(ks_config_placeholder(&c, "clinic.phone", &v), 0);
    STR_EQ(v, "the front desk");
    INT_EQ(ks_config_placeholder(&c, "clinic.urgent_phone", &v), 0);
    STR_EQ(v, "the front desk");
    INT_EQ(ks_config_placeholder(&c, "clinic.emergency_number", &v), 0);
    STR_EQ(v, "your local emergency number");
    INT_EQ(ks_config_placeholder(&c, "clinic.name", &v), 0);
    STR_EQ(v, "this clinic");
    /* Set. The urgent line falls back to the clinic's phone. */
    INT_EQ(parse(&c, "[clinic]\nname = Hill Clinic\nphone = 555-0100\nemergency_number = 112\n", err, sizeof err), 0);
    INT_EQ(ks_config_placeholder(&c, "clinic.urgent_phone", &v), 0);
    STR_EQ(v, "555-0100");
    INT_EQ(ks_config_placeholder(&c, "clinic.emergency_number", &v), 0);
    STR_EQ(v, "112");
    INT_EQ(ks_config_placeholder(&c, "clinic.name", &v), 0);
    STR_EQ(v, "Hill Clinic");
    v = "untouched";
    INT_EQ(ks_config_placeholder(&c, "clinic.fax", &v), KS_ERR_NOT_FOUND);
    STR_EQ(v, "untouched");
    /* The list names exactly the known ones. */
    size_t n = 0;
    for (const char *const *p = ks_config_placeholder_names; *p; p++, n++)
        INT_EQ(ks_config_placeholder(&c, *p, &v), 0);
    INT_EQ(n, 4);
}

int main(void) {
    RUN(test_defaults);
    RUN(test_every_key);
    RUN(test_mistakes);
    RUN(test_values_kept_before_a_mistake);
    RUN(test_long_lines);
    RUN(test_load);
    RUN(test_placeholders);
    return harness_done();
}
