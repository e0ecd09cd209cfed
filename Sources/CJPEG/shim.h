#pragma once
// libjpeg(-turbo) reports fatal errors through error_exit, which must not
// return: the decoder below catches them with setjmp/longjmp (impossible from
// Swift), so Swift only sees a status and a message.
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <setjmp.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} lq_jpeg_error;

static void lq_jpeg_error_exit(j_common_ptr cinfo) {
    lq_jpeg_error *e = (lq_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->message);
    longjmp(e->jump, 1);
}

/// Warnings (corrupt data, premature end) are counted, not printed.
static void lq_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

/// Decodes a JPEG held in memory to 8-bit RGB, 3 bytes per pixel, top row
/// first. Returns 0 and a malloc'ed buffer (free with lq_jpeg_free) on
/// success; 1 (libjpeg error), 2 (image larger than max_pixels) or 3 (the
/// data was corrupt or truncated: libjpeg warned) with `message` filled.
static inline int lq_jpeg_decode(const unsigned char *data, unsigned long size, unsigned long max_pixels,
                                 unsigned char **pixels_out, int *width_out, int *height_out,
                                 char *message, size_t message_size) {
    struct jpeg_decompress_struct cinfo;
    lq_jpeg_error err;
    unsigned char *volatile pixels = NULL;
    *pixels_out = NULL;
    *width_out = 0;
    *height_out = 0;
    if (message_size > 0) message[0] = 0;
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = lq_jpeg_error_exit;
    err.base.output_message = lq_jpeg_output_message;
    err.message[0] = 0;
    if (setjmp(err.jump)) {
        if (message_size > 0) snprintf(message, message_size, "%s", err.message);
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    unsigned long w = cinfo.image_width, h = cinfo.image_height;
    if (w == 0 || h == 0 || w > max_pixels || h > max_pixels || w * h > max_pixels) {
        if (message_size > 0) snprintf(message, message_size, "%lux%lu pixels", w, h);
        jpeg_destroy_decompress(&cinfo);
        return 2;
    }
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3) {
        if (message_size > 0) snprintf(message, message_size, "%d output components", cinfo.output_components);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    size_t stride = (size_t)cinfo.output_width * 3;
    pixels = (unsigned char *)malloc(stride * cinfo.output_height);
    if (!pixels) {
        if (message_size > 0) snprintf(message, message_size, "out of memory");
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    long warnings = err.base.num_warnings;
    *width_out = (int)cinfo.output_width;
    *height_out = (int)cinfo.output_height;
    jpeg_destroy_decompress(&cinfo);
    if (warnings > 0) {
        if (message_size > 0) snprintf(message, message_size, "%ld decoder warning(s)", warnings);
        free(pixels);
        return 3;
    }
    *pixels_out = pixels;
    return 0;
}

static inline void lq_jpeg_free(unsigned char *pixels) { free(pixels); }

/// Expands 8-bit RGB (top row first) to float RGBA through a 256-entry table
/// per code value, alpha 1, optionally flipping rows. In C so that textures
/// of millions of pixels load quickly in unoptimised (debug) builds too.
static inline void lq_rgb8_expand(const unsigned char *rgb, long width, long height, const float *table,
                                  int flip_rows, float *rgba) {
    for (long y = 0; y < height; ++y) {
        const unsigned char *src = rgb + (flip_rows ? height - 1 - y : y) * width * 3;
        float *dst = rgba + y * width * 4;
        for (long x = 0; x < width; ++x) {
            dst[4 * x] = table[src[3 * x]];
            dst[4 * x + 1] = table[src[3 * x + 1]];
            dst[4 * x + 2] = table[src[3 * x + 2]];
            dst[4 * x + 3] = 1.0f;
        }
    }
}
