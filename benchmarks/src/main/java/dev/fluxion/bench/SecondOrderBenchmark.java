package dev.fluxion.bench;

import dev.fluxion.Tensor;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Second order and Jacobians against first order and hand-written code, in one run: the W3 loss's
 * Hessian-vector product ({@code w3LossHvp}, one forward and one backward pass of its tangent
 * program) beside its gradient (target: HVP ≤ 3× the gradient), and the 6 → 6 arm's generated
 * {@code armJacobian} beside the hand-written one (target ≤ 1.5×). Batch 759 float32, as W3.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class SecondOrderBenchmark {
    Tensor[] p;
    Tensor[] v;
    Tensor x;
    Tensor y;
    double[] q;

    @Setup
    public void setup() {
        Random rnd = new Random(7);
        int[][] shapes = {{6, 8}, {6}, {4, 6}, {4}, {1, 4}, {1}};
        p = new Tensor[6];
        v = new Tensor[6];
        for (int i = 0; i < 6; i++) {
            p[i] = Tensor.randn(rnd, shapes[i]).times(0.5);
            v[i] = Tensor.randn(rnd, shapes[i]);
        }
        x = Tensor.randn(rnd, 759, 8);
        y = Tensor.rand(rnd, 759, 1).gt(0.5).toFloat();
        q = new double[] {0.3, -0.5, 0.9, 0.2, -1.1, 0.6};
        double[] hand = SecondOrder.handArmJacobian(q);
        for (var generated : new SecondOrderGrad.ArmJacobian[] {SecondOrderGrad.armJacobian(q),
                SecondOrderGrad.armJacobianReverse(q)}) {
            for (int i = 0; i < hand.length; i++) {
                double g = generated.q()[i / 6][i % 6];
                if (Math.abs(g - hand[i]) > 1e-12) {
                    throw new IllegalStateException("arm Jacobian [" + i + "]: generated " + g + ", hand " + hand[i]);
                }
            }
        }
    }

    /** The W3 loss's gradient in its six parameters. */
    @Benchmark
    public Object w3Gradient() {
        return SecondOrderGrad.w3LossGrad(p[0], p[1], p[2], p[3], p[4], p[5], x, y);
    }

    /** The W3 loss's Hessian-vector product in its six parameters. */
    @Benchmark
    public Object w3Hvp() {
        return SecondOrderGrad.w3LossHvp(p[0], p[1], p[2], p[3], p[4], p[5], x, y, v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    /** The arm's value alone. */
    @Benchmark
    public Object armValue() {
        return SecondOrderGrad.arm(q);
    }

    /** The generated 6 × 6 Jacobian ({@code fJacobian} picks forward: all six columns in one vector-mode pass). */
    @Benchmark
    public Object armJacobian() {
        return SecondOrderGrad.armJacobian(q);
    }

    /** The generated 6 × 6 Jacobian by rows: six backward passes through one pullback. */
    @Benchmark
    public Object armJacobianReverse() {
        return SecondOrderGrad.armJacobianReverse(q);
    }

    /** The hand-written 6 × 6 Jacobian. */
    @Benchmark
    public double[] armJacobianByHand() {
        return SecondOrder.handArmJacobian(q);
    }
}
