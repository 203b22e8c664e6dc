/* draw: ks_render's life cycle and the replay of a display list. */
#include "render_int.h"

#include "kiosk/base.h"

#include <stdlib.h>
#include <string.h>

#ifndef KIOSK_ASSETS_DIR
#define KIOSK_ASSETS_DIR "assets"
#endif

ks_render *ks_render_create_ex(SDL_Renderer *r, const ks_theme *theme, const ks_render_options *opts,
                               int *err) {
    int dummy;
    if (!err) err = &dummy;
    *err = KS_OK;
    if (!r) {
        *err = KS_ERR_INVALID;
        return NULL;
    }
    ks_render *rd = ks_calloc(1, sizeof *rd);
    rd->r = r;
    rd->theme = theme ? theme : ks_layout_theme("default");
    rd->content_dir = ks_strdup(opts && opts->content_dir ? opts->content_dir : NULL);
    rd->assets_dir = ks_strdup(opts && opts->assets_dir ? opts->assets_dir : KIOSK_ASSETS_DIR);
    rd->budget = opts && opts->cache_bytes ? opts->cache_bytes : (size_t)64 << 20;
    rd->image_budget = opts && opts->image_cache_bytes ? opts->image_cache_bytes : (size_t)64 << 20;
    render_metrics_init(rd);
    /* TTF_Init counts its callers; ks_render_destroy's TTF_Quit undoes ours. */
    if (TTF_Init() != 0) {
        ks_log("cannot start SDL_ttf: %s", TTF_GetError());
        *err = KS_ERR_IO;
        ks_render_destroy(rd);
        return NULL;
    }
    rd->ttf_inited = 1;
    int rc = render_fonts_load(rd, opts ? opts->font_dir : NULL);
    if (rc != KS_OK) {
        *err = rc;
        ks_render_destroy(rd);
        return NULL;
    }
    return rd;
}

ks_render *ks_render_create(SDL_Renderer *r, const ks_theme *theme, int *err) {
    return ks_render_create_ex(r, theme, NULL, err);
}

void ks_render_destroy(ks_render *rd) {
    if (!rd) return;
    render_texts_free(rd);
    render_images_free(rd);
    render_corners_free(rd);
    render_fonts_free(rd);
    if (rd->ttf_inited) TTF_Quit();
    free(rd->measures);
    free(rd->content_dir);
    free(rd->assets_dir);
    free(rd);
}

void ks_render_set_theme(ks_render *rd, const ks_theme *theme) {
    if (theme) rd->theme = theme;
}

const ks_font_metrics *ks_render_metrics(ks_render *rd) { return &rd->metrics; }

void ks_render_get_stats(const ks_render *rd, ks_render_stats *out) {
    out->text_textures = rd->n_texts;
    out->text_bytes = rd->text_bytes;
    out->rasterised = rd->rasterised;
    out->images = 0;
    for (size_t i = 0; i < rd->n_images; i++) out->images += rd->images[i].bytes > 0;
    out->image_bytes = rd->image_bytes;
    out->image_budget = rd->image_budget;
    out->images_decoded = rd->images_decoded;
}

static SDL_Rect target_rect(ks_render *rd, const ks_rect *clip) {
    SDL_Rect c = {0, 0, 0, 0};
    if (clip) {
        c = (SDL_Rect){clip->x, clip->y, clip->w, clip->h};
    } else {
        SDL_GetRendererOutputSize(rd->r, &c.w, &c.h);
    }
    return c;
}

static void set_color(ks_render *rd, ks_color c) {
    SDL_SetRenderDrawColor(rd->r, c.r, c.g, c.b, c.a);
    SDL_SetRenderDrawBlendMode(rd->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
}

void ks_render_clear(ks_render *rd, const ks_rect *clip) {
    if (!clip) rd->frame_start = rd->frame + 1; /* a whole new frame begins */
    SDL_Rect c = target_rect(rd, clip);
    SDL_Rect saved;
    int had_clip = SDL_RenderIsClipEnabled(rd->r);
    SDL_RenderGetClipRect(rd->r, &saved);
    SDL_RenderSetClipRect(rd->r, NULL);
    set_color(rd, rd->theme->background);
    SDL_RenderFillRect(rd->r, &c);
    SDL_RenderSetClipRect(rd->r, had_clip ? &saved : NULL);
}

static int fill_rect(ks_render *rd, SDL_Rect b, ks_color color, int radius) {
    int rc = 0;
    if (b.w <= 0 || b.h <= 0 || color.a == 0) return 0;
    int r = radius;
    if (r > b.w / 2) r = b.w / 2;
    if (r > b.h / 2) r = b.h / 2;
    set_color(rd, color);
    if (r <= 1) return SDL_RenderFillRect(rd->r, &b);
    SDL_Rect mid = {b.x, b.y + r, b.w, b.h - 2 * r};
    SDL_Rect topr = {b.x + r, b.y, b.w - 2 * r, r};
    SDL_Rect bot = {b.x + r, b.y + b.h - r, b.w - 2 * r, r};
    if (mid.h > 0) rc |= SDL_RenderFillRect(rd->r, &mid);
    if (topr.w > 0) rc |= SDL_RenderFillRect(rd->r, &topr);
    if (bot.w > 0) rc |= SDL_RenderFillRect(rd->r, &bot);
    for (int corner = 0; corner < 4; corner++) {
        SDL_Texture *t = render_corner(rd, r, color, corner);
        if (!t) continue;
        SDL_Rect d = {(corner & 1) ? b.x + b.w - r : b.x, (corner & 2) ? b.y + b.h - r : b.y, r, r};
        rc |= SDL_RenderCopy(rd->r, t, NULL, &d);
    }
    return rc;
}

/* A grey box with a cross: an image the display list names but that cannot
 * be drawn (deleted after layout). */
static void image_placeholder(ks_render *rd, SDL_Rect d) {
    fill_rect(rd, d, rd->theme->placeholder, 0);
    set_color(rd, rd->theme->muted);
    SDL_RenderDrawLine(rd->r, d.x, d.y, d.x + d.w - 1, d.y + d.h - 1);
    SDL_RenderDrawLine(rd->r, d.x + d.w - 1, d.y, d.x, d.y + d.h - 1);
}

int ks_render_draw(ks_render *rd, const ks_display_list *dl, int ox, int oy, const ks_rect *clip) {
    SDL_Rect c = target_rect(rd, clip);
    int rc = 0;
    rd->frame++;
    /* The caller's clip is put back afterwards. */
    SDL_Rect saved;
    int had_clip = SDL_RenderIsClipEnabled(rd->r);
    SDL_RenderGetClipRect(rd->r, &saved);
    SDL_RenderSetClipRect(rd->r, &c);
    size_t n = ks_layout_list_count(dl);
    for (size_t i = 0; i < n; i++) {
        const ks_item *it = ks_layout_list_item(dl, i);
        SDL_Rect d = {it->box.x + ox, it->box.y + oy, it->box.w, it->box.h};
        if (it->kind == KS_ITEM_LINK || it->kind == KS_ITEM_ANCHOR) continue;
        if (d.y >= c.y + c.h || d.x >= c.x + c.w || d.x + d.w <= c.x) continue;
        switch (it->kind) {
        case KS_ITEM_RECT:
            if (d.y + d.h <= c.y) continue;
            rc |= fill_rect(rd, d, it->color, it->radius);
            break;
        case KS_ITEM_TEXT: {
            /* The texture may be taller than the box (font height vs line
             * skip); test against its real extent. */
            if (d.y + d.h + it->size <= c.y) continue;
            text_entry *e = render_text(rd, it);
            if (!e) continue;
            SDL_Rect t = {d.x, d.y, e->w, e->h};
            if (t.y + t.h <= c.y) continue;
            rc |= SDL_RenderCopy(rd->r, e->tex, NULL, &t);
            break;
        }
        case KS_ITEM_IMAGE: {
            if (d.y + d.h <= c.y) continue;
            image_entry *e = render_image(rd, it->target);
            SDL_Texture *t = e ? render_image_texture(rd, e, d.w, d.h) : NULL;
            if (t)
                rc |= SDL_RenderCopy(rd->r, t, NULL, &d);
            else
                image_placeholder(rd, d);
            break;
        }
        default:
            break;
        }
    }
    SDL_RenderSetClipRect(rd->r, had_clip ? &saved : NULL);
    render_texts_evict(rd);
    render_images_evict(rd);
    return rc ? KS_ERR_IO : KS_OK;
}
