#pragma once
#include <OpenEXR/openexr.h>
#include <OpenEXR/ImfCRgbaFile.h>

/// EXR_DEFAULT_CONTEXT_INITIALIZER is a compound literal Swift cannot import;
/// a zeroed initializer is NOT the default (zip_level -2, dwa_quality -1, size set).
static inline exr_context_initializer_t lq_exr_default_initializer(void) {
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    return init;
}
