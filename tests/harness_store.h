/* Shared by the store tests: a snapshot described as text. */
#ifndef KIOSK_TEST_HARNESS_STORE_H
#define KIOSK_TEST_HARNESS_STORE_H

#include "harness.h"
#include "kiosk/base.h"
#include "kiosk/store.h"

/* Everything a snapshot says, as text: two snapshots are the same when
 * their descriptions are. (with_content: 1 the pages' content, 2 without
 * the diagnostics' list, only their counts.) */
static inline char *harness_store_describe(const ks_store *s, int with_content) {
    ks_buf b = {0};
    for (size_t i = 0; i < ks_store_page_count(s); i++) {
        const ks_page *p = ks_store_page(s, i);
        ks_buf_printf(&b, "page %s path=%s topic=%s section=%s title=%s summary=%s reviewed=%s order=%d idx=%d "
                          "body_line=%d hash=%016llx errors=%d warnings=%d grade=%.3f doc=%d\n",
                      p->slug, p->path, p->topic, p->section, p->title, p->summary, p->reviewed, p->order,
                      p->is_topic_index, p->body_line, (unsigned long long)p->hash, p->errors, p->warnings,
                      p->grade, (with_content & 1) ? ks_page_has_body(p) : 0);
        for (size_t k = 0; k < p->n_keywords; k++) ks_buf_printf(&b, "  kw %s\n", p->keywords[k]);
        for (size_t k = 0; k < p->n_headings; k++)
            ks_buf_printf(&b, "  h%d %s #%s :%d\n", p->headings[k].level, p->headings[k].text,
                          p->headings[k].anchor, p->headings[k].line);
        for (size_t k = 0; k < p->n_links; k++)
            ks_buf_printf(&b, "  link %s -> %s #%s :%d\n", p->links[k].url,
                          p->links[k].slug ? p->links[k].slug : "(none)",
                          p->links[k].fragment ? p->links[k].fragment : "", p->links[k].line);
        if (with_content & 1) ks_buf_printf(&b, "  markdown %s\n  text %s\n", p->markdown, p->text);
        OK(ks_store_find(s, p->slug) == p);
    }
    for (size_t i = 0; i < ks_store_topic_count(s); i++) {
        const ks_topic *t = ks_store_topic(s, i);
        ks_buf_printf(&b, "topic %s title=%s summary=%s order=%d index=%s\n", t->slug, t->title, t->summary,
                      t->order, t->index ? t->index->slug : "(none)");
        OK(t->index == NULL || t->index == ks_store_find(s, t->index->slug));
    }
    for (size_t i = 0; i < ks_store_synonym_count(s); i++) {
        const ks_synonym *y = ks_store_synonym(s, i);
        ks_buf_printf(&b, "synonym %s = %s :%d\n", y->from, y->to, y->line);
    }
    ks_buf_printf(&b, "synonyms hash %016llx\n", (unsigned long long)ks_store_synonyms_hash(s));
    for (size_t i = 0; !(with_content & 2) && i < ks_store_diag_count(s); i++) {
        const ks_diag *d = ks_store_diag(s, i);
        ks_buf_printf(&b, "%s:%d: %s: %s\n", d->path, d->line, d->severity == KS_DIAG_ERROR ? "error" : "warning",
                      d->message);
    }
    ks_buf_printf(&b, "errors %zu of %zu\n", ks_store_error_count(s), ks_store_diag_total(s));
    return ks_buf_detach(&b);
}

#endif
