/* ui_config: the ui's settings from the configuration's, for the commands
 * that draw (run, render): only the full kiosk links the ui (README, "Two
 * executables"). */
#include "app.h"

#include "kiosk/ui.h"

#include <stdio.h>

/* The ui's settings from the configuration file's. */
void app_ui_config(const ks_config *c, ks_ui_config *u) {
    ks_ui_config_defaults(u);
    u->idle_seconds = c->idle.seconds;
    u->prompt_seconds = c->idle.prompt_seconds;
    u->staff_hold_seconds = c->staff.hold_seconds;
    snprintf(u->staff_pin, sizeof u->staff_pin, "%s", c->staff.pin);
    u->staff_pin_is_default = ks_config_pin_is_default(c); /* said in red on the staff screen */
    if (c->clinic.name[0]) snprintf(u->title, sizeof u->title, "%s", c->clinic.name);
    u->screen_off_minutes = c->screen.screen_off_minutes;
    u->night_from = c->screen.night_from;
    u->night_to = c->screen.night_to;
    snprintf(u->logo, sizeof u->logo, "%s", c->clinic.logo);
    u->speech_enabled = c->speech.enabled;
    snprintf(u->speech_voice, sizeof u->speech_voice, "%s", c->speech.voice);
    u->speech_rate = c->speech.rate;
    u->speech_volume = c->speech.volume;
}
