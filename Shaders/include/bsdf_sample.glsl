// One sampled direction of a BSDF (DESIGN.md conventions): wo towards the
// light, its pdf per solid angle and weight = f·|cos θo| / pdf. A failed
// sample has pdf 0 and weight 0.
struct BsdfSample { vec3 wo; float pdf; vec3 weight; };
