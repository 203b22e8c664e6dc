/* input: SDL events -> the ui's pointer, wheel and key calls (input.h). */
#include "input.h"

void app_input_init(app_input *in, int w, int h) {
    in->finger_down = 0;
    in->finger_id = 0;
    app_input_resize(in, w, h);
}

void app_input_resize(app_input *in, int w, int h) {
    in->w = w;
    in->h = h;
}

static int mouse_button(ks_ui *ui, const SDL_Event *ev, double now) {
    if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT) return 0;
    ks_ui_pointer(ui, ev->type == SDL_MOUSEBUTTONDOWN ? KS_POINTER_DOWN : KS_POINTER_UP, (float)ev->button.x,
                  (float)ev->button.y, now);
    return 1;
}

static int mouse_motion(ks_ui *ui, const SDL_Event *ev, double now) {
    if (ev->motion.which == SDL_TOUCH_MOUSEID || !(ev->motion.state & SDL_BUTTON_LMASK)) return 0;
    ks_ui_pointer(ui, KS_POINTER_MOVE, (float)ev->motion.x, (float)ev->motion.y, now);
    return 1;
}

/* Finger positions are 0..1 of the screen. One finger drives the pointer;
 * a second one (a resting thumb, a child's hand) is ignored until the first
 * lifts. */
static int finger(app_input *in, ks_ui *ui, const SDL_Event *ev, double now) {
    float x = ev->tfinger.x * (float)in->w, y = ev->tfinger.y * (float)in->h;
    long long id = (long long)ev->tfinger.fingerId;
    if (ev->type == SDL_FINGERDOWN) {
        if (ks_ui_pointer_down(ui)) return 0;
        in->finger_down = 1;
        in->finger_id = id;
        ks_ui_pointer(ui, KS_POINTER_DOWN, x, y, now);
        return 1;
    }
    if (!in->finger_down || id != in->finger_id) return 0;
    if (ev->type == SDL_FINGERUP) in->finger_down = 0;
    ks_ui_pointer(ui, ev->type == SDL_FINGERUP ? KS_POINTER_UP : KS_POINTER_MOVE, x, y, now);
    return 1;
}

static int key(ks_ui *ui, const SDL_Event *ev, double now) {
    switch (ev->key.keysym.sym) {
    case SDLK_BACKSPACE: return ks_ui_key(ui, KS_KEY_BACKSPACE, 0, now);
    case SDLK_DELETE: return ks_ui_key(ui, KS_KEY_CLEAR, 0, now);
    default: return 0; /* letters, digits and space come as text input */
    }
}

int app_input_event(app_input *in, ks_ui *ui, const SDL_Event *ev, double now) {
    switch (ev->type) {
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: return mouse_button(ui, ev, now);
    case SDL_MOUSEMOTION: return mouse_motion(ui, ev, now);
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP: return finger(in, ui, ev, now);
    case SDL_MOUSEWHEEL: /* staff with a mouse */
        if (ev->wheel.which == SDL_TOUCH_MOUSEID) return 0;
        return ks_ui_wheel(ui, (float)ev->wheel.y, now);
    case SDL_KEYDOWN: return key(ui, ev, now);
    case SDL_TEXTINPUT: return ks_ui_text(ui, ev->text.text, now);
    case SDL_WINDOWEVENT:
        if (ev->window.event != SDL_WINDOWEVENT_EXPOSED) return 0;
        ks_ui_redraw(ui);
        return 1;
    default: return 0;
    }
}
