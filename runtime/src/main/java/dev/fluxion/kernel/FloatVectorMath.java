package dev.fluxion.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 transcendental functions on vectors, written with IEEE additions, multiplications,
 * divisions, fused multiply-adds and bit operations only. Loaded only when {@link Vectors#AVAILABLE}.
 *
 * <p>Why not {@code lanewise(VectorOperators.EXP)}: its result depends on how the JIT compiled the
 * calling loop (interpreted and C1 code evaluate {@code Math.exp} per lane, C2 calls a vector math
 * library), so the same call on the same input changed by one ulp after a few hundred calls and two
 * identical training runs in one JVM diverged. Every operation used here is exactly rounded (Java
 * floating point is strict, and the Vector API's {@code FMA} is fused in every tier), so each
 * function gives the same bits for the same input in every tier, on every x86 or ARM CPU.
 *
 * <p>Accuracy against the correctly rounded result, tested over the whole float range: {@link #exp}
 * and {@link #log} within 1 ulp, {@link #expm1}, {@link #log1p}, {@link #sigmoid}, {@link #tanh}
 * within 3 ulp; NaN, infinities, zeros and subnormals follow {@link Math}.
 */
final class FloatVectorMath {
    private static final float LOG2E = 1.44269504f;
    /** ln 2 split so that {@code k·LN2_HI} is exact for |k| ≤ 2¹⁵ (Cody and Waite). */
    private static final float LN2_HI = Float.intBitsToFloat(0x3f317200);
    private static final float LN2_LO = Float.intBitsToFloat(0x35bfbe8e);
    /** 1.5·2²³: adding it rounds a float below 2²² to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B400000;
    private static final float SQRT2 = 1.41421356f;
    /** The bits of √½ rounded to float. */
    private static final int SQRT_HALF_BITS = 0x3f3504f3;
    /** Half of ln 2: below it in magnitude expm1 uses its series, above it exp(x) − 1 loses nothing. */
    private static final float HALF_LN2 = 0.34657359f;

    private FloatVectorMath() {}

    /** eˣ. */
    static FloatVector exp(FloatVector x) {
        VectorSpecies<Float> s = x.species();
        // Beyond these, eˣ is 0 or ∞ in float; clamping keeps 2ᵏ's two factors normal floats.
        FloatVector c = x.max(-104f).min(89f);
        FloatVector t = c.fma(FloatVector.broadcast(s, LOG2E), FloatVector.broadcast(s, ROUNDER));
        FloatVector k = t.sub(ROUNDER);
        IntVector ki = t.reinterpretAsInts().sub(ROUNDER_BITS);
        FloatVector r = k.fma(FloatVector.broadcast(s, -LN2_HI), c);
        r = k.fma(FloatVector.broadcast(s, -LN2_LO), r);
        // e^r for |r| ≤ ln2/2 by its Taylor series to degree 7 (truncation below 0.1 ulp).
        FloatVector p = FloatVector.broadcast(s, 1f / 5040f);
        p = p.fma(r, FloatVector.broadcast(s, 1f / 720f));
        p = p.fma(r, FloatVector.broadcast(s, 1f / 120f));
        p = p.fma(r, FloatVector.broadcast(s, 1f / 24f));
        p = p.fma(r, FloatVector.broadcast(s, 1f / 6f));
        p = p.fma(r, FloatVector.broadcast(s, 0.5f));
        p = p.fma(r, FloatVector.broadcast(s, 1f));
        p = p.fma(r, FloatVector.broadcast(s, 1f));
        // p·2ᵏ as p·2^(k/2)·2^(k−k/2): each factor is a normal float for k in [−150, 128], and
        // only the last product rounds (into the subnormals, or up to ∞).
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = ki.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector e = p.mul(s1).mul(s2);
        return e.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** eˣ − 1, accurate near 0. */
    static FloatVector expm1(FloatVector x) {
        VectorSpecies<Float> s = x.species();
        // |x| < ln2/2: x + x²/2! + … + x⁹/9! (truncation below 0.01 ulp).
        FloatVector p = FloatVector.broadcast(s, 1f / 362880f);
        p = p.fma(x, FloatVector.broadcast(s, 1f / 40320f));
        p = p.fma(x, FloatVector.broadcast(s, 1f / 5040f));
        p = p.fma(x, FloatVector.broadcast(s, 1f / 720f));
        p = p.fma(x, FloatVector.broadcast(s, 1f / 120f));
        p = p.fma(x, FloatVector.broadcast(s, 1f / 24f));
        p = p.fma(x, FloatVector.broadcast(s, 1f / 6f));
        p = p.fma(x, FloatVector.broadcast(s, 0.5f));
        FloatVector series = p.mul(x).fma(x, x);
        FloatVector direct = exp(x).sub(1f);
        return direct.blend(series, x.abs().compare(VectorOperators.LT, HALF_LN2));
    }

    /** ln x: NaN below 0, −∞ at ±0. */
    static FloatVector log(FloatVector x) {
        // Subnormals are scaled by 2²³ (exactly) so that the exponent field is meaningful.
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        IntVector bits = x.blend(x.mul(8388608f), tiny).reinterpretAsInts();
        // x = 2ᵏ·m with m in [√½, √2), so that f = m − 1 is small on both sides: counting the
        // exponent from √½'s bits moves the split there without a comparison (musl's logf).
        IntVector ix = bits.sub(SQRT_HALF_BITS);
        IntVector k = ix.lanewise(VectorOperators.ASHR, 23);
        FloatVector m = ix.and(0x007fffff).add(SQRT_HALF_BITS).reinterpretAsFloats();
        // k as a float without a lane conversion (C2 does not always intrinsify I2F): small ints
        // added to 1.5·2²³'s bits are that float plus k.
        FloatVector kf = k.add(ROUNDER_BITS).reinterpretAsFloats().sub(ROUNDER).sub(23f, tiny);
        return specialLogs(x, reducedLog(m.sub(1f), kf));
    }

    /** ln(1 + u) for u in [0, 1] (no special cases but NaN, which passes through). */
    static FloatVector log1pOfUnit(FloatVector u) {
        FloatVector w = u.add(1f);
        // w in [1, 2]: above √2, halve it (exactly) and count one ln 2.
        VectorMask<Float> big = w.compare(VectorOperators.GT, SQRT2);
        FloatVector m = w.blend(w.mul(0.5f), big);
        FloatVector k = FloatVector.zero(u.species()).blend(1f, big);
        FloatVector d = w.sub(1f);
        // Goldberg: ln(w)·u/(w − 1) is ln(1 + u) to a few ulps though w rounded; u where w = 1.
        return reducedLog(m.sub(1f), k).mul(u.div(d)).blend(u, d.compare(VectorOperators.EQ, 0f));
    }

    /**
     * k·ln 2 + ln(1 + f) for f in [√½ − 1, √2 − 1]: ln(1 + f) = f − (hfsq − s·(hfsq + R)), with
     * s = f/(2 + f) and R the series of 2·atanh(s)/s − 2 (fdlibm's e_logf, with Taylor
     * coefficients: the truncation is below 0.01 ulp here). Split from {@link #log} so that each
     * part is small enough for C2 to inline into a loop.
     */
    private static FloatVector reducedLog(FloatVector f, FloatVector k) {
        VectorSpecies<Float> s = f.species();
        FloatVector hfsq = f.mul(f).mul(0.5f);
        FloatVector sv = f.div(f.add(2f));
        FloatVector z = sv.mul(sv);
        FloatVector r = FloatVector.broadcast(s, 2f / 11f);
        r = r.fma(z, FloatVector.broadcast(s, 2f / 9f));
        r = r.fma(z, FloatVector.broadcast(s, 2f / 7f));
        r = r.fma(z, FloatVector.broadcast(s, 2f / 5f));
        r = r.fma(z, FloatVector.broadcast(s, 2f / 3f));
        r = r.mul(z);
        FloatVector lo = sv.mul(hfsq.add(r)).add(k.mul(LN2_LO));
        return k.mul(LN2_HI).sub(hfsq.sub(lo).sub(f));
    }

    /** The special cases of ln x, as Math.log: NaN for NaN and negatives, −∞ at ±0, ∞ at ∞. */
    private static FloatVector specialLogs(FloatVector x, FloatVector log) {
        FloatVector out = log.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        out = out.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        return out.blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN)));
    }

    /**
     * ln(1 + x) from x and {@code logW} = ln(w), w = 1 + x rounded, accurate near 0 (Goldberg:
     * ln(w)·x/(w − 1)). Two steps so that a loop can compute {@code logW} in a pass of its own:
     * both in one loop are too many nodes for C2 to inline, and then it boxes every vector.
     */
    static FloatVector log1p(FloatVector x, FloatVector logW) {
        FloatVector d = x.add(1f).sub(1f);
        // Where 1 + x rounds to 1, ln(1 + x) = x to float precision; where it is ∞, so is the result.
        return logW.mul(x.div(d)).blend(x, d.compare(VectorOperators.EQ, 0f))
                .blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    }

    /** 1/(1 + e⁻ˣ), as 1/(1 + e^−|x|) or e^−|x|/(1 + e^−|x|): neither overflows. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        FloatVector d = e.add(1f);
        return FloatVector.broadcast(x.species(), 1f).blend(e, x.compare(VectorOperators.LT, 0f)).div(d);
    }

    /** tanh x = −expm1(−2|x|)/(2 + expm1(−2|x|)), with the sign of x. */
    static FloatVector tanh(FloatVector x) {
        FloatVector m = expm1(x.abs().mul(-2f));
        FloatVector t = m.neg().div(m.add(2f));
        return t.blend(t.neg(), x.compare(VectorOperators.LT, 0f)).blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** ln(1 + eˣ) = max(x, 0) + log1p(e^−|x|). */
    static FloatVector softplus(FloatVector x) {
        return x.max(0f).add(log1pOfUnit(exp(x.abs().neg())));
    }
}
