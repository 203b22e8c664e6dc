/* The --script language: every command, and errors that name the line. */
#include "harness.h"
#include "kiosk/touch.h"

static void test_parse_all(void) {
    const char *text =
        "# a journey\n"
        "tap 540 700\n"
        "\n"
        "  drag 500 1500 500 300 250\n"
        "type ligament pain  \n"
        "wait 16\r\n"
        "idle 90.5\n"
        "shot out/home.png\n"
        "expect page:prolotherapy/risks\n"
        "resize 1920 1080\n"
        "quit";
    int line = -1;
    char err[200] = "";
    ks_script *s = ks_script_parse(text, &line, err, sizeof err);
    const ks_script_cmd *c;
    OK(s != NULL);
    if (!s) return;
    INT_EQ(ks_script_count(s), 9);
    c = ks_script_cmd_at(s, 0);
    INT_EQ(c->op, KS_SCRIPT_TAP);
    INT_EQ(c->line, 2);
    INT_EQ((int)c->a[0], 540);
    INT_EQ((int)c->a[1], 700);
    c = ks_script_cmd_at(s, 1);
    INT_EQ(c->op, KS_SCRIPT_DRAG);
    INT_EQ(c->line, 4);
    INT_EQ((int)c->a[3], 300);
    INT_EQ((int)c->a[4], 250);
    c = ks_script_cmd_at(s, 2);
    INT_EQ(c->op, KS_SCRIPT_TYPE);
    STR_EQ(c->text, "ligament pain");
    c = ks_script_cmd_at(s, 3);
    INT_EQ(c->op, KS_SCRIPT_WAIT);
    INT_EQ((int)c->a[0], 16);
    c = ks_script_cmd_at(s, 4);
    INT_EQ(c->op, KS_SCRIPT_IDLE);
    OK(c->a[0] == 90.5);
    c = ks_script_cmd_at(s, 5);
    STR_EQ(c->text, "out/home.png");
    c = ks_script_cmd_at(s, 6);
    INT_EQ(c->op, KS_SCRIPT_EXPECT);
    STR_EQ(c->text, "page:prolotherapy/risks");
    c = ks_script_cmd_at(s, 7);
    INT_EQ(c->op, KS_SCRIPT_RESIZE);
    INT_EQ((int)c->a[0], 1920);
    c = ks_script_cmd_at(s, 8);
    INT_EQ(c->op, KS_SCRIPT_QUIT);
    INT_EQ(c->line, 11);
    OK(ks_script_cmd_at(s, 9) == NULL);
    ks_script_free(s);
}

static void expect_error(const char *text, int want_line, const char *want_msg) {
    int line = -1;
    char err[200] = "";
    ks_script *s = ks_script_parse(text, &line, err, sizeof err);
    OK(s == NULL);
    ks_script_free(s);
    INT_EQ(line, want_line);
    STR_CONTAINS(err, want_msg);
}

static void test_errors(void) {
    expect_error("tap 1 2\nfly 3 4\n", 2, "unknown command 'fly'");
    expect_error("tap 1\n", 1, "needs 2 numbers");
    expect_error("tap 1 2 3\n", 1, "unexpected");
    expect_error("\n\ntap x 2\n", 3, "not a number");
    expect_error("wait -5\n", 1, "out of range");
    expect_error("wait 5ms\n", 1, "not a number");
    expect_error("type\n", 1, "needs an argument");
    expect_error("shot   \n", 1, "needs an argument");
    expect_error("quit now\n", 1, "unexpected");
    expect_error("resize 10 10\n", 1, "size");
    expect_error("drag 1 2 3 4\n", 1, "needs 5 numbers");
    expect_error("wait nan\n", 1, "out of range");
    expect_error("resize nan 600\n", 1, "out of range");
}

static void test_empty(void) {
    int line = 0;
    char err[10];
    ks_script *s = ks_script_parse("# nothing\n\n", &line, err, sizeof err);
    OK(s != NULL);
    if (s) INT_EQ(ks_script_count(s), 0);
    ks_script_free(s);
    ks_script_free(NULL);
}

int main(void) {
    RUN(test_parse_all);
    RUN(test_errors);
    RUN(test_empty);
    return harness_done();
}
