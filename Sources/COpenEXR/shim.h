#pragma once
#include <OpenEXR/openexr.h>
#include <OpenEXR/ImfCRgbaFile.h>

/// EXR_DEFAULT_CONTEXT_INITIALIZER is a compound literal Swift cannot import;
/// a zeroed initializer is NOT the default (zip_level -2, dwa_quality -1, size set).
static inline exr_context_initializer_t lq_exr_default_initializer(void) {
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    return init;
}

/// Context flags are shift macros; re-exported so Swift sees them with a fixed type.
static const int LQ_EXR_CONTEXT_FLAG_SILENT_HEADER_PARSE = EXR_CONTEXT_FLAG_SILENT_HEADER_PARSE;

/// The coding channel's pointer lives in an anonymous union; these setters keep
/// the Swift side independent of how the importer names union members.
static inline void lq_exr_set_decode_ptr(exr_coding_channel_info_t *ch, uint8_t *ptr) {
    ch->decode_to_ptr = ptr;
}
static inline void lq_exr_set_encode_ptr(exr_coding_channel_info_t *ch, const uint8_t *ptr) {
    ch->encode_from_ptr = ptr;
}
