package dev.fluxion.gradbench.evals;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * For a loaded machine, where the tool's wall-clock timings mostly measure the load: the eval
 * functions GradBenchTool times (Ba.objective/jacobian, Lstm.objective/jacobian), on the
 * class path given (main's build or a branch's): per call the thread's CPU time (min, median),
 * wall time (min), allocation, and the JVM's total GC time over the timed calls.
 * Compile this file against a build to compare it with another (benchmarks/RESULTS.md, issue 13).
 *
 * <p>args: {@code ba FILE} or {@code lstm L C}, then the functions (objective,jacobian), the timed
 * calls and the untimed warm-up calls.
 */
public final class CpuTimes {
    private CpuTimes() {}

    static volatile Object sink;

    /** Prints one line per function: see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int k;
        Supplier<Object> objective;
        Supplier<Object> jacobian;
        String label;
        if (args[0].equals("ba")) {
            List<String> lines = Files.readAllLines(Path.of(args[1]));
            String[] nmp = lines.get(0).trim().split("\\s+");
            int n = Integer.parseInt(nmp[0]), m = Integer.parseInt(nmp[1]), p = Integer.parseInt(nmp[2]);
            double[] cam = Arrays.stream(lines.get(1).trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
            double[] pt = Arrays.stream(lines.get(2).trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
            double w = Double.parseDouble(lines.get(3).trim());
            double[] feat = Arrays.stream(lines.get(4).trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
            double[] cams = new double[11 * n];
            for (int i = 0; i < n; i++) System.arraycopy(cam, 0, cams, 11 * i, 11);
            double[] x = new double[3 * m];
            for (int i = 0; i < m; i++) System.arraycopy(pt, 0, x, 3 * i, 3);
            double[] ws = new double[p];
            Arrays.fill(ws, w);
            int[] obs = new int[2 * p];
            double[] feats = new double[2 * p];
            for (int i = 0; i < p; i++) { obs[2*i] = i % n; obs[2*i+1] = i % m; feats[2*i] = feat[0]; feats[2*i+1] = feat[1]; }
            Ba.Input in = new Ba.Input(n, m, p, cams, x, ws, obs, feats);
            objective = () -> Ba.objective(in);
            jacobian = () -> Ba.jacobian(in);
            label = Path.of(args[1]).getFileName().toString().split("_")[0];
            k = 2;
        } else {
            int l = Integer.parseInt(args[1]), c = Integer.parseInt(args[2]), b = 7;
            Random r = new Random(1);
            double[] main = new double[8 * l * b];
            for (int i = 0; i < main.length; i++) main[i] = r.nextDouble();
            double[] extra = new double[3 * b];
            for (int i = 0; i < extra.length; i++) extra[i] = r.nextDouble();
            double[] state = new double[2 * l * b];
            for (int i = 0; i < state.length; i++) state[i] = r.nextDouble();
            double[] seq = new double[c * b];
            for (int t = 0; t < c; t++) { int ch = 32 + r.nextInt(95); for (int j = 0; j < b; j++) seq[t * b + j] = (ch >> (b - 1 - j)) & 1; }
            Lstm.Input in = new Lstm.Input(main, extra, state, seq, l, c, b);
            objective = () -> Lstm.objective(in);
            jacobian = () -> Lstm.jacobian(in);
            label = "lstm l=" + l + " c=" + c;
            k = 3;
        }
        int batches = Integer.parseInt(args[k + 1]);
        int warm = Integer.parseInt(args[k + 2]);
        for (String f : args[k].split(",")) {
            run(label + " " + f, f.equals("objective") ? objective : jacobian, batches, warm);
        }
    }

    static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, g.getCollectionTime());
        return t;
    }

    static void run(String name, Supplier<Object> body, int batches, int warm) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warm; i++) sink = body.get();
        long[] t = new long[batches];
        long[] wall = new long[batches];
        long a0 = bean.getCurrentThreadAllocatedBytes();
        long g0 = gcMillis();
        for (int i = 0; i < batches; i++) {
            long w = System.nanoTime();
            long s = bean.getCurrentThreadCpuTime();
            sink = body.get();
            t[i] = bean.getCurrentThreadCpuTime() - s;
            wall[i] = System.nanoTime() - w;
        }
        long g1 = gcMillis();
        long a1 = bean.getCurrentThreadAllocatedBytes();
        Arrays.sort(t);
        Arrays.sort(wall);
        System.out.printf("%-22s cpu min %9.3f ms median %9.3f ms | wall min %9.3f ms | %7.1f MB/call | GC %5d ms over %d calls%n",
                name, t[0] / 1e6, t[batches / 2] / 1e6, wall[0] / 1e6, (a1 - a0) / 1e6 / batches, g1 - g0, batches);
    }
}
