package dev.fluxion.cuda.bench;

import dev.fluxion.DType;
import dev.fluxion.Derivatives;
import dev.fluxion.Device;
import dev.fluxion.F;
import dev.fluxion.Fused;
import dev.fluxion.Reduction;
import dev.fluxion.Tensor;
import dev.fluxion.cuda.Cuda;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.Module;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Optimizer;
import dev.fluxion.optim.SGD;

import java.util.Random;

/**
 * The user's path on the GPU: the runtime's {@link Tensor} API with tensors moved by
 * {@code to(Device.cuda())}, every op dispatched through the {@code DeviceBackend} to a generated
 * or hand-written kernel. Figures: per-op dispatch of {@code x.relu()}, a fused group of generated
 * code as one kernel and op by op, the upload and download of
 * a batch, and training steps of an MLP as its generated code runs them ({@link Mlp#lossBackward}),
 * with SGD and with Adam, beside the CPU runtime's loss for the same step (the agreement check).
 */
final class TensorApiBench {

    /** Where figures go: {@code key value unit}. */
    interface Recorder {
        void record(String key, Object value, String unit);
    }

    private final Device device;
    private final Recorder out;

    TensorApiBench(Device device, Recorder out) {
        this.device = device;
        this.out = out;
    }

    void run() {
        dispatch();
        fusedGroup();
        transfers();
        for (boolean adam : new boolean[] {false, true}) {
            step(784, 256, 10, 64, 200, adam);
        }
        step(4096, 4096, 4096, 1024, 20, false);
    }

    private void dispatch() {
        Tensor x = Tensor.rand(new Random(2), 1024).to(device);
        for (int i = 0; i < 2000; i++) {
            x.relu();
        }
        Cuda.synchronize(device);
        int reps = 20000;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            x.relu();
        }
        long enqueued = System.nanoTime();
        Cuda.synchronize(device);
        long done = System.nanoTime();
        out.record("tensor_dispatch_relu1024_enqueue_us", (enqueued - t0) / 1e3 / reps, "us/op");
        out.record("tensor_dispatch_relu1024_total_us", (done - t0) / 1e3 / reps, "us/op");
    }

    /**
     * A fused group of generated code, {@code sigmoid(x * w + b)} over 1024×4096 floats, as one
     * generated kernel ({@link Fused#map}) and as its three ops one by one ({@link Fused#reference}).
     */
    private void fusedGroup() {
        Random rng = new Random(6);
        Tensor x = Tensor.randn(rng, 1024, 4096).to(device), w = Tensor.randn(rng, 4096).to(device);
        Tensor b = Tensor.randn(rng, 1024, 1).to(device);
        String group = "sigmoid(t0 * t1 + t2)";
        double[] none = {};
        for (boolean fused : new boolean[] {true, false}) {
            for (int i = 0; i < 20; i++) {
                run(fused, group, none, x, w, b);
            }
            Cuda.synchronize(device);
            int reps = 200;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                run(fused, group, none, x, w, b);
            }
            Cuda.synchronize(device);
            out.record("tensor_fused_sigmoid_mul_add_1024x4096" + (fused ? "" : "_op_by_op") + "_us",
                    (System.nanoTime() - t0) / 1e3 / reps, "us");
        }
    }

    private static Tensor run(boolean fused, String group, double[] scalars, Tensor... operands) {
        return fused ? Fused.map(group, scalars, operands) : Fused.reference(group, scalars, operands);
    }

    private void transfers() {
        Tensor batch = Tensor.randn(new Random(4), 64, 784);
        Tensor back = null;
        for (int i = 0; i < 20; i++) {
            back = batch.to(device).cpu();
        }
        int reps = 200;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            back = batch.to(device).cpu();
        }
        double us = (System.nanoTime() - t0) / 1e3 / reps;
        out.record("tensor_roundtrip_64x784_us", us, "us");
        out.record("tensor_roundtrip_64x784_exact", java.util.Arrays.equals(batch.toFloatArray(), back.toFloatArray()) ? 1 : 0, "");
    }

    /** A ReLU MLP as a module. */
    static final class Mlp extends Module {
        final Linear hidden;
        final Linear output;

        Mlp(int in, int width, int classes, Random rng) {
            hidden = new Linear(in, width, rng);
            output = new Linear(width, classes, rng);
        }

        /** The statements of the processor's W4MlpGrad.lossBackward: forward, pullback, accumulation. */
        Tensor lossBackward(Tensor images, Tensor labels) {
            Tensor linear1 = F.linear(images, hidden.weight, hidden.bias);
            Tensor relu1 = linear1.relu();
            Tensor linear2 = F.linear(relu1, output.weight, output.bias);
            Tensor result = F.crossEntropy(linear2, labels);
            Tensor linear2Adj = Derivatives.crossEntropyGrad(Tensor.onesLike(result), linear2, labels, Reduction.MEAN);
            Tensor relu1Adj = Derivatives.matmulGradA(linear2Adj, relu1, output.weight.t());
            Tensor outputWeightAdj = Derivatives.matmulGradB(linear2Adj, relu1, output.weight.t()).t();
            Tensor outputBiasAdj = Derivatives.unbroadcast(linear2Adj, output.bias);
            Tensor linear1Adj = Derivatives.reluGrad(relu1Adj, linear1, relu1);
            Tensor hiddenWeightAdj = Derivatives.matmulGradB(linear1Adj, images, hidden.weight.t()).t();
            Tensor hiddenBiasAdj = Derivatives.unbroadcast(linear1Adj, hidden.bias);
            hidden.weight.accumulateGrad(hiddenWeightAdj);
            hidden.bias.accumulateGrad(hiddenBiasAdj);
            output.weight.accumulateGrad(outputWeightAdj);
            output.bias.accumulateGrad(outputBiasAdj);
            return result;
        }
    }

    private void step(int in, int width, int classes, int batch, int steps, boolean adam) {
        Random rng = new Random(3);
        Tensor x = Tensor.randn(rng, batch, in);
        double[] lab = new double[batch];
        for (int i = 0; i < batch; i++) {
            lab[i] = rng.nextInt(classes);
        }
        Tensor labels = Tensor.fromArray(lab, batch).to(DType.INT64);
        Mlp model = new Mlp(in, width, classes, new Random(5));
        String key = "tensor_mlp_" + in + "_" + width + "_" + classes + "_b" + batch + (adam ? "_adam" : "");
        if (in <= 1024) {
            // The same first step on the CPU runtime: the device's loss must agree (float32).
            Mlp cpu = new Mlp(in, width, classes, new Random(5));
            out.record(key + "_cpu_first_loss", cpu.lossBackward(x, labels).item(), "");
        }
        model.to(device);
        Tensor dx = x.to(device), dLabels = labels.to(device);
        Optimizer opt = adam ? new Adam(model.parameters(), 1e-3) : new SGD(model.parameters(), 0.01);
        int warmup = 5;
        long t0 = 0;
        double first = 0;
        for (int s = 0; s < warmup + steps; s++) {
            if (s == warmup) {
                Cuda.synchronize(device);
                t0 = System.nanoTime();
            }
            opt.zeroGrad();
            Tensor loss = model.lossBackward(dx, dLabels);
            opt.step();
            if (s == 0) {
                first = loss.item();
            }
        }
        Cuda.synchronize(device);
        out.record(key + "_step_ms", (System.nanoTime() - t0) / 1e6 / steps, "ms");
        out.record(key + "_first_loss", first, "");
    }
}
