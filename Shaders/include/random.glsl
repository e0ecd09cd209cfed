// PCG random numbers: a hash seeds one independent stream per pixel and
// sample, so results do not depend on dispatch order or batch size.
uint pcgHash(uint v) {
    uint state = v * 747796405u + 2891336453u;
    uint word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

struct Rng { uint state; };

Rng rngCreate(uvec2 pixel, uint sampleIndex, uint seed) {
    Rng r;
    r.state = pcgHash(pixel.x ^ pcgHash(pixel.y ^ pcgHash(sampleIndex ^ pcgHash(seed + 0x9e3779b9u))));
    return r;
}

float rngNext(inout Rng r) {
    r.state = r.state * 747796405u + 2891336453u;
    uint word = ((r.state >> ((r.state >> 28u) + 4u)) ^ r.state) * 277803737u;
    word = (word >> 22u) ^ word;
    return float(word >> 8) * (1.0 / 16777216.0);
}

vec2 rngNext2(inout Rng r) { return vec2(rngNext(r), rngNext(r)); }
vec3 rngNext3(inout Rng r) { return vec3(rngNext(r), rngNext(r), rngNext(r)); }
