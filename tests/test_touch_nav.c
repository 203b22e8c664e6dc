/* Navigation stack and idle timer. */
#include "harness.h"
#include "kiosk/touch.h"

static void test_stack(void) {
    ks_nav n;
    char name[300];
    ks_nav_reset(&n);
    INT_EQ(n.depth, 1);
    STR_EQ(ks_nav_name(ks_nav_top(&n), name, sizeof name), "home");
    ks_nav_push(&n, KS_SCREEN_TOPIC, "prolotherapy");
    ks_nav_push(&n, KS_SCREEN_PAGE, "prolotherapy/risks");
    STR_EQ(ks_nav_name(ks_nav_top(&n), name, sizeof name), "page:prolotherapy/risks");
    ks_nav_top(&n)->scroll = 0.5f;
    ks_nav_push(&n, KS_SCREEN_PAGE, "prolotherapy/risks"); /* same: no new entry */
    INT_EQ(n.depth, 3);
    ks_nav_push(&n, KS_SCREEN_PAGE, "glossary");
    INT_EQ(n.depth, 4);
    OK(ks_nav_back(&n));
    STR_EQ(ks_nav_name(ks_nav_top(&n), name, sizeof name), "page:prolotherapy/risks");
    OK(ks_nav_top(&n)->scroll == 0.5f); /* where it was left */
    ks_nav_push(&n, KS_SCREEN_SEARCH, "ignored");
    STR_EQ(ks_nav_name(ks_nav_top(&n), name, sizeof name), "search");
    ks_nav_push(&n, KS_SCREEN_HOME, NULL); /* home forgets the way there */
    INT_EQ(n.depth, 1);
    OK(!ks_nav_back(&n));
    STR_EQ(ks_nav_name(ks_nav_top(&n), name, sizeof name), "home");
}

static void test_stack_overflow(void) {
    ks_nav n;
    char slug[32], name[300];
    ks_nav_reset(&n);
    for (int i = 0; i < 100; i++) {
        snprintf(slug, sizeof slug, "p%d", i);
        ks_nav_push(&n, KS_SCREEN_PAGE, slug);
    }
    INT_EQ(n.depth, KS_NAV_DEPTH);
    INT_EQ(n.entries[0].screen, KS_SCREEN_HOME);
    STR_EQ(ks_nav_name(ks_nav_top(&n), name, sizeof name), "page:p99");
    for (int i = 0; i < 200; i++) ks_nav_back(&n);
    STR_EQ(ks_nav_name(ks_nav_top(&n), name, sizeof name), "home");
}

static void test_idle(void) {
    ks_idle d;
    ks_idle_init(&d, 90, 5, 1000); /* prompt raised to the 20 s minimum */
    OK(d.prompt_ms >= 20000);
    INT_EQ(ks_idle_check(&d, 1000 + 89000), KS_IDLE_NONE);
    OK(ks_idle_due_in(&d, 1000 + 89000) > 999 && ks_idle_due_in(&d, 1000 + 89000) < 1001);
    ks_idle_touch(&d, 60000);
    INT_EQ(ks_idle_check(&d, 1000 + 90000), KS_IDLE_NONE); /* a touch restarted it */
    INT_EQ(ks_idle_check(&d, 150000), KS_IDLE_PROMPT);
    OK(d.prompting);
    INT_EQ(ks_idle_check(&d, 151000), KS_IDLE_NONE); /* only once */
    INT_EQ(ks_idle_check(&d, 150000 + 19999), KS_IDLE_NONE); /* stays 20 s */
    INT_EQ(ks_idle_check(&d, 150000 + 20000), KS_IDLE_RESET);
    OK(!d.prompting);
    INT_EQ(ks_idle_check(&d, 170001), KS_IDLE_NONE); /* and starts over */
    INT_EQ(ks_idle_check(&d, 260000), KS_IDLE_PROMPT);
    ks_idle_touch(&d, 265000); /* continue */
    OK(!d.prompting);
    INT_EQ(ks_idle_check(&d, 290000), KS_IDLE_NONE);
}

static void test_idle_disabled(void) {
    ks_idle d;
    ks_idle_init(&d, 0, 30, 0);
    INT_EQ(ks_idle_check(&d, 1e9), KS_IDLE_NONE);
    OK(ks_idle_due_in(&d, 5) < 0);
}

int main(void) {
    RUN(test_stack);
    RUN(test_stack_overflow);
    RUN(test_idle);
    RUN(test_idle_disabled);
    return harness_done();
}
