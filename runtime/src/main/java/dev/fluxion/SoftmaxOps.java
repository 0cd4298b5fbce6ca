package dev.fluxion;

import dev.fluxion.kernel.ReduceOp;

/** Softmax and log-softmax along one dim, shifted by the max for stability. */
final class SoftmaxOps {
    private SoftmaxOps() {}

    static Tensor softmax(Tensor t, int dim, boolean log) {
        String name = log ? "logSoftmax" : "softmax";
        Tensor x = t.dtype.isFloatingPoint() ? t : t.toFloat();
        if (x.shape.length == 0) {
            Shapes.dim(name, dim, 1, x.shape);
            return Tensor.checked(name, log ? Tensor.zerosLike(x) : Tensor.onesLike(x));
        }
        int d = Shapes.dim(name, dim, x.shape);
        if (x.numel() == 0) {
            return Tensor.zerosLike(x);
        }
        Tensor m = Reduce.reduce(name, ReduceOp.MAX, x, new int[] {d}, true);
        Tensor shifted = x.minus(m);
        Tensor e = shifted.exp();
        Tensor s = Reduce.reduce(name, ReduceOp.SUM, e, new int[] {d}, true);
        return Tensor.checked(name, log ? shifted.minus(s.log()) : e.div(s));
    }
}
