#pragma once
#include <png.h>

/// PNG_FORMAT_* and PNG_IMAGE_* are function-like or compound macros.
static const png_uint_32 LQ_PNG_FORMAT_RGBA = PNG_FORMAT_RGBA;
static const png_uint_32 LQ_PNG_FORMAT_RGB = PNG_FORMAT_RGB;
static const png_uint_32 LQ_PNG_FORMAT_GRAY = PNG_FORMAT_GRAY;
static const png_uint_32 LQ_PNG_IMAGE_VERSION = PNG_IMAGE_VERSION;
static inline png_uint_32 lq_png_image_size(png_image img) { return PNG_IMAGE_SIZE(img); }
static inline int lq_png_image_failed(png_image img) { return PNG_IMAGE_FAILED(img); }
