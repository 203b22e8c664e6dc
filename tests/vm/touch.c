/* vm-touch W H X Y: a real kernel touchscreen inside scripts/test-vm's
 * virtual machine, made with uinput (QEMU 7.2 has no virtio-multitouch, and
 * its virtio-tablet is an absolute pointer, not a touchscreen). The device
 * is direct (INPUT_PROP_DIRECT), multi-touch (ABS_MT_SLOT, ABS_MT_TRACKING_ID,
 * ABS_MT_POSITION_X/Y) with ABS_X/ABS_Y and BTN_TOUCH, its ranges the screen's
 * W x H pixels, so udev tags it ID_INPUT_TOUCHSCREEN as it does a real
 * panel. It stays until killed; each SIGUSR1 is one finger's tap (down,
 * 100 ms, up) at pixel X,Y.
 *
 * Built statically on the host by scripts/test-vm (the guest has no
 * compiler) and copied into the image: standard C and Linux headers only. */
#include <errno.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t taps, stop;

static void on_signal(int sig) {
    if (sig == SIGUSR1)
        taps++;
    else
        stop = 1;
}

static int emit(int fd, int type, int code, int value) {
    struct input_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = (unsigned short)type;
    ev.code = (unsigned short)code;
    ev.value = value;
    return write(fd, &ev, sizeof ev) == (ssize_t)sizeof ev ? 0 : -1;
}

static int abs_axis(int fd, int code, int max) {
    struct uinput_abs_setup a;
    memset(&a, 0, sizeof a);
    a.code = (unsigned short)code;
    a.absinfo.minimum = 0;
    a.absinfo.maximum = max;
    return ioctl(fd, UI_SET_ABSBIT, code) < 0 || ioctl(fd, UI_ABS_SETUP, &a) < 0 ? -1 : 0;
}

static int create(int w, int h) {
    struct uinput_setup setup;
    int fd = open("/dev/uinput", O_WRONLY | O_NONBLOCK);
    if (fd < 0) return -1;
    memset(&setup, 0, sizeof setup);
    setup.id.bustype = BUS_VIRTUAL;
    setup.id.vendor = 0x1209;
    setup.id.product = 0x0001;
    snprintf(setup.name, sizeof setup.name, "test-vm touchscreen");
    if (ioctl(fd, UI_SET_PROPBIT, INPUT_PROP_DIRECT) < 0 || ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0 ||
        ioctl(fd, UI_SET_KEYBIT, BTN_TOUCH) < 0 || ioctl(fd, UI_SET_EVBIT, EV_ABS) < 0 ||
        abs_axis(fd, ABS_X, w - 1) < 0 || abs_axis(fd, ABS_Y, h - 1) < 0 || abs_axis(fd, ABS_MT_SLOT, 9) < 0 ||
        abs_axis(fd, ABS_MT_TRACKING_ID, 65535) < 0 || abs_axis(fd, ABS_MT_POSITION_X, w - 1) < 0 ||
        abs_axis(fd, ABS_MT_POSITION_Y, h - 1) < 0 || ioctl(fd, UI_DEV_SETUP, &setup) < 0 ||
        ioctl(fd, UI_DEV_CREATE) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int tap(int fd, int x, int y, int id) {
    struct timespec hold = {0, 100 * 1000 * 1000};
    if (emit(fd, EV_ABS, ABS_MT_SLOT, 0) || emit(fd, EV_ABS, ABS_MT_TRACKING_ID, id) ||
        emit(fd, EV_ABS, ABS_MT_POSITION_X, x) || emit(fd, EV_ABS, ABS_MT_POSITION_Y, y) ||
        emit(fd, EV_KEY, BTN_TOUCH, 1) || emit(fd, EV_ABS, ABS_X, x) || emit(fd, EV_ABS, ABS_Y, y) ||
        emit(fd, EV_SYN, SYN_REPORT, 0))
        return -1;
    nanosleep(&hold, NULL);
    if (emit(fd, EV_ABS, ABS_MT_TRACKING_ID, -1) || emit(fd, EV_KEY, BTN_TOUCH, 0) || emit(fd, EV_SYN, SYN_REPORT, 0))
        return -1;
    return 0;
}

int main(int argc, char **argv) {
    int w, h, x, y, fd, done = 0;
    struct sigaction sa;
    sigset_t block, old;
    if (argc != 5 || (w = atoi(argv[1])) <= 1 || (h = atoi(argv[2])) <= 1 || (x = atoi(argv[3])) < 0 || x >= w ||
        (y = atoi(argv[4])) < 0 || y >= h) {
        fprintf(stderr, "usage: vm-touch WIDTH HEIGHT X Y (X,Y inside the screen)\n");
        return 2;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old);
    fd = create(w, h);
    if (fd < 0) {
        fprintf(stderr, "vm-touch: cannot make a uinput device: %s\n", strerror(errno));
        return 1;
    }
    printf("vm-touch: a %dx%d touchscreen; SIGUSR1 taps at %d,%d\n", w, h, x, y);
    fflush(stdout);
    while (!stop) {
        while (taps > done && !stop) {
            done++;
            if (tap(fd, x, y, done) < 0) {
                fprintf(stderr, "vm-touch: writing events failed: %s\n", strerror(errno));
                stop = 1;
                break;
            }
            printf("vm-touch: tap %d at %d,%d\n", done, x, y);
            fflush(stdout);
        }
        if (!stop) sigsuspend(&old);
    }
    ioctl(fd, UI_DEV_DESTROY);
    close(fd);
    return 0;
}
