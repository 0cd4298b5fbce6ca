package dev.fluxion.kernel;

import org.jspecify.annotations.Nullable;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API float paths of {@link BceKernels} (the parts with a log or exp per element, where
 * the scalar loop does not vectorise). Loaded only when {@link Vectors#AVAILABLE}; tails use the
 * scalar formulas.
 */
final class VectorBce {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    private VectorBce() {}

    static double bce(float[] p, int pOff, float[] y, int yOff, int n, float @Nullable [] o) {
        int len = FS.length();
        int upper = FS.loopBound(n);
        FloatVector acc = FloatVector.zero(FS);
        int i = 0;
        for (; i < upper; i += len) {
            FloatVector pv = FloatVector.fromArray(FS, p, pOff + i);
            FloatVector yv = FloatVector.fromArray(FS, y, yOff + i);
            FloatVector logP = pv.lanewise(VectorOperators.LOG).max(-100f);
            FloatVector log1mP = pv.neg().add(1f).lanewise(VectorOperators.LOG).max(-100f);
            FloatVector l = yv.mul(logP).add(yv.neg().add(1f).mul(log1mP)).neg();
            if (o != null) {
                l.intoArray(o, i);
            }
            acc = acc.add(l);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float l = (float) BceKernels.bce(p[pOff + i], y[yOff + i]);
            if (o != null) o[i] = l;
            s += l;
        }
        return s;
    }

    static double bceWithLogits(float[] z, int zOff, float[] y, int yOff, int n, float @Nullable [] o) {
        int len = FS.length();
        int upper = FS.loopBound(n);
        FloatVector acc = FloatVector.zero(FS);
        int i = 0;
        for (; i < upper; i += len) {
            FloatVector zv = FloatVector.fromArray(FS, z, zOff + i);
            FloatVector yv = FloatVector.fromArray(FS, y, yOff + i);
            FloatVector softplus = zv.max(0f).add(zv.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P));
            FloatVector l = softplus.sub(zv.mul(yv));
            if (o != null) {
                l.intoArray(o, i);
            }
            acc = acc.add(l);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float l = (float) BceKernels.bceWithLogits(z[zOff + i], y[yOff + i]);
            if (o != null) o[i] = l;
            s += l;
        }
        return s;
    }

    static void bceWithLogitsGrad(float[] z, int zOff, float[] y, int yOff, int n, float scale, float[] o) {
        int len = FS.length();
        int upper = FS.loopBound(n);
        FloatVector one = FloatVector.broadcast(FS, 1f);
        int i = 0;
        for (; i < upper; i += len) {
            FloatVector zv = FloatVector.fromArray(FS, z, zOff + i);
            FloatVector sig = one.div(zv.neg().lanewise(VectorOperators.EXP).add(1f));
            sig.sub(FloatVector.fromArray(FS, y, yOff + i)).mul(scale).intoArray(o, i);
        }
        for (; i < n; i++) {
            o[i] = (float) ((UnaryOp.sigmoid(z[zOff + i]) - y[yOff + i]) * scale);
        }
    }
}
