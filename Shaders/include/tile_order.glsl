// The order in which a dispatch visits its 8×8 pixel tiles.
//
// Lavapipe hands each of its worker threads one contiguous range of a
// dispatch's workgroups. In scanline order one thread then gets the sky and
// another the floor: on the Mitsuba peer scene the two threads of a 2-core
// machine did 63 % and 27 % of the work. Workgroup i instead shades tile
// (i · stride) mod count, with the stride near count/φ and coprime to count:
// a permutation under which every contiguous range of workgroups samples the
// whole frame. Same pixels, same random streams, same image.
#ifndef LQ_TILE_ORDER_GLSL
#define LQ_TILE_ORDER_GLSL

uint lqGreatestCommonDivisor(uint a, uint b) {
    while (b != 0u) { uint r = a % b; a = b; b = r; }
    return a;
}

/// The tile visited by workgroup `index` of `count` (a permutation of 0..<count).
uint scatteredTile(uint index, uint count) {
    if (count <= 2u) return index;
    uint stride = max(1u, uint(float(count) * 0.618034));
    while (lqGreatestCommonDivisor(stride, count) != 1u) stride++;
    return uint((uint64_t(index) * uint64_t(stride)) % uint64_t(count));
}

#endif
