package dev.fluxion.cuda.bench;

import dev.fluxion.Device;

import dev.fluxion.DType;
import dev.fluxion.Reduction;
import dev.fluxion.Tensor;
import dev.fluxion.cuda.Cuda;
import dev.fluxion.cuda.CudaBlas;
import dev.fluxion.cuda.CudaNN;
import dev.fluxion.cuda.CudaOps;
import dev.fluxion.cuda.CudaTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The GPU benchmarks of the CUDA backend, printed and written as {@code key value unit} lines to
 * {@code <out>/java-bench.txt} for gpu-check.sh to set beside PyTorch's and C's figures:
 * SGEMM 4096³ (TFLOP/s), per-op dispatch (µs per small elementwise op, enqueue only and with the
 * final synchronisation) and an MLP training step (784-256-10 batch 64; 4096-4096-4096 batch 1024),
 * through the device API; then the same through the runtime's Tensor API ({@link TensorApiBench}).
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp ... dev.fluxion.cuda.bench.CudaBench OUTDIR}
 */
public final class CudaBench {

    private final Device device = Device.cuda();
    private final List<String> lines = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        if (!Cuda.available()) {
            System.err.println(Cuda.unavailableReason());
            System.exit(2);
        }
        Path out = Path.of(args.length > 0 ? args[0] : ".");
        CudaBench b = new CudaBench();
        b.record("device", Cuda.deviceName(b.device).replace(' ', '_'), "");
        b.sgemm(4096);
        b.dispatch();
        b.mlp(784, 256, 10, 64, 200);
        b.mlp(4096, 4096, 4096, 1024, 20);
        new TensorApiBench(b.device, b::record).run();
        Files.createDirectories(out);
        Files.write(out.resolve("java-bench.txt"), b.lines);
    }

    private void record(String key, Object value, String unit) {
        String line = key + " " + (value instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : value) + " " + unit;
        System.out.println(line);
        lines.add(line.strip());
    }

    private void sgemm(int n) {
        Random rng = new Random(1);
        CudaTensor a = CudaTensor.toDevice(Tensor.rand(rng, n, n), device);
        CudaTensor b = CudaTensor.toDevice(Tensor.rand(rng, n, n), device);
        for (int i = 0; i < 3; i++) {
            CudaBlas.matmul(a, b).close();
        }
        Cuda.synchronize(device);
        int reps = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            CudaBlas.matmul(a, b).close();
        }
        Cuda.synchronize(device);
        double seconds = (System.nanoTime() - t0) / 1e9 / reps;
        record("sgemm_" + n + "_ms", seconds * 1e3, "ms");
        record("sgemm_" + n + "_tflops", 2.0 * n * n * n / seconds / 1e12, "TFLOP/s");
    }

    private void dispatch() {
        CudaTensor x = CudaTensor.toDevice(Tensor.rand(new Random(2), 1024), device);
        for (int i = 0; i < 2000; i++) {
            CudaOps.relu(x).close();
        }
        Cuda.synchronize(device);
        int reps = 20000;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            CudaOps.relu(x).close();
        }
        long enqueued = System.nanoTime();
        Cuda.synchronize(device);
        long done = System.nanoTime();
        record("dispatch_relu1024_enqueue_us", (enqueued - t0) / 1e3 / reps, "us/op");
        record("dispatch_relu1024_total_us", (done - t0) / 1e3 / reps, "us/op");
    }

    /** SGD steps of a ReLU MLP with cross entropy, forward and backward on the device. */
    private void mlp(int in, int hidden, int classes, int batch, int steps) {
        Random rng = new Random(3);
        CudaTensor x = CudaTensor.toDevice(Tensor.randn(rng, batch, in), device);
        double[] lab = new double[batch];
        for (int i = 0; i < batch; i++) {
            lab[i] = rng.nextInt(classes);
        }
        CudaTensor labels = CudaTensor.toDevice(Tensor.fromArray(lab, batch).to(DType.INT64), device);
        CudaTensor w1 = CudaTensor.toDevice(Tensor.randn(rng, hidden, in).times(Math.sqrt(2.0 / in)), device);
        CudaTensor b1 = CudaTensor.zeros(device, DType.FLOAT32, hidden);
        CudaTensor w2 = CudaTensor.toDevice(Tensor.randn(rng, classes, hidden).times(Math.sqrt(1.0 / hidden)), device);
        CudaTensor b2 = CudaTensor.zeros(device, DType.FLOAT32, classes);
        CudaTensor one = CudaTensor.toDevice(Tensor.scalar(1.0, DType.FLOAT32), device);
        double lr = 0.01;
        double firstLoss = 0;
        long t0 = 0;
        int warmup = 5;
        for (int step = 0; step < warmup + steps; step++) {
            if (step == warmup) {
                Cuda.synchronize(device);
                t0 = System.nanoTime();
            }
            CudaTensor z1 = CudaBlas.linear(x, w1, b1);
            CudaTensor h = CudaOps.relu(z1);
            CudaTensor logits = CudaBlas.linear(h, w2, b2);
            CudaTensor loss = CudaNN.crossEntropy(logits, labels, Reduction.MEAN);
            CudaTensor gLogits = CudaNN.crossEntropyGrad(one, logits, labels, Reduction.MEAN);
            CudaTensor gw2 = CudaBlas.matmul(gLogits, h, true, false);
            CudaTensor gb2 = CudaOps.sumToShape(gLogits, new int[] {classes});
            CudaTensor gh = CudaBlas.matmul(gLogits, w2);
            CudaTensor gz1 = CudaOps.reluGrad(gh, z1);
            CudaTensor gw1 = CudaBlas.matmul(gz1, x, true, false);
            CudaTensor gb1 = CudaOps.sumToShape(gz1, new int[] {hidden});
            CudaOps.addInPlace(w1, gw1, -lr);
            CudaOps.addInPlace(b1, gb1, -lr);
            CudaOps.addInPlace(w2, gw2, -lr);
            CudaOps.addInPlace(b2, gb2, -lr);
            if (step == 0) {
                firstLoss = loss.item();
            }
            for (CudaTensor t : List.of(z1, h, logits, loss, gLogits, gw2, gb2, gh, gz1, gw1, gb1)) {
                t.close();
            }
        }
        Cuda.synchronize(device);
        double ms = (System.nanoTime() - t0) / 1e6 / steps;
        String key = "mlp_" + in + "_" + hidden + "_" + classes + "_b" + batch;
        record(key + "_step_ms", ms, "ms");
        record(key + "_first_loss", firstLoss, "");
    }
}
