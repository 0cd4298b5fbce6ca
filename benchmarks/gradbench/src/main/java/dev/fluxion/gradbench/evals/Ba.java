package dev.fluxion.gradbench.evals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import dev.fluxion.gradbench.Json;
import java.util.Arrays;
import java.util.Map;

/**
 * GradBench's {@code ba} (bundle adjustment, from ADBench): for each observation i of point
 * {@code obs[2i+1]} by camera {@code obs[2i]}, the reprojection error w_i (project(cam, X) − feat_i)
 * (two rows) and the weight error 1 − w_i² (one row). Cameras have 11 parameters: Rodrigues
 * rotation (0–2), centre (3–5), focal length (6), principal point (7–8), radial distortion (9–10).
 *
 * <p>The Jacobian is sparse: each observation's two reprojection rows depend on one camera, one point
 * and one weight, and {@link #reprojectionError} returns both, so its generated
 * {@code reprojectionErrorJacobian} gives the observation's 2 × 15 block in one call.
 */
public final class Ba {
    private Ba() {}

    static final int CAMERA_PARAMETERS = 11;

    /** w (project(cam, x) − feat): both rows of one observation's reprojection error. */
    @Differentiable
    static double[] reprojectionError(double[] cam, double[] x, double w, @NoGrad double featX,
            @NoGrad double featY) {
        // the point relative to the camera centre
        double px = x[0] - cam[3];
        double py = x[1] - cam[4];
        double pz = x[2] - cam[5];
        // rotated by Rodrigues' formula about r = cam[0..2] (first order where |r| = 0)
        double sqtheta = cam[0] * cam[0] + cam[1] * cam[1] + cam[2] * cam[2];
        double qx = 0;
        double qy = 0;
        double qz = 0;
        if (sqtheta != 0) {
            double theta = Math.sqrt(sqtheta);
            double cos = Math.cos(theta);
            double sin = Math.sin(theta);
            double w0 = cam[0] / theta;
            double w1 = cam[1] / theta;
            double w2 = cam[2] / theta;
            double along = (w0 * px + w1 * py + w2 * pz) * (1 - cos);
            qx = px * cos + (w1 * pz - w2 * py) * sin + w0 * along;
            qy = py * cos + (w2 * px - w0 * pz) * sin + w1 * along;
            qz = pz * cos + (w0 * py - w1 * px) * sin + w2 * along;
        } else {
            qx = px + (cam[1] * pz - cam[2] * py);
            qy = py + (cam[2] * px - cam[0] * pz);
            qz = pz + (cam[0] * py - cam[1] * px);
        }
        // perspective division, radial distortion, focal length and principal point
        double u = qx / qz;
        double v = qy / qz;
        double rsq = u * u + v * v;
        double distortion = 1 + cam[9] * rsq + cam[10] * rsq * rsq;
        double[] err = new double[2];
        err[0] = w * (u * distortion * cam[6] + cam[7] - featX);
        err[1] = w * (v * distortion * cam[6] + cam[8] - featY);
        return err;
    }

    /** The weight error 1 − w². */
    @Differentiable
    static double weightError(double w) {
        return 1 - w * w;
    }

    /** The prepared input, expanded as {@code ba::from_json} expands GradBench's one-of-each file. */
    record Input(int n, int m, int p, double[] cams, double[] x, double[] w, int[] obs, double[] feats) {}

    static Input input(JsonNode in) {
        int n = in.get("n").asInt();
        int m = in.get("m").asInt();
        int p = in.get("p").asInt();
        double[] cam = Json.vector(in.get("cam"));
        double[] point = Json.vector(in.get("x"));
        double[] feat = Json.vector(in.get("feat"));
        double[] cams = new double[CAMERA_PARAMETERS * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(cam, 0, cams, i * CAMERA_PARAMETERS, CAMERA_PARAMETERS);
        }
        double[] x = new double[3 * m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(point, 0, x, i * 3, 3);
        }
        double[] w = new double[p];
        Arrays.fill(w, in.get("w").asDouble());
        int[] obs = new int[2 * p];
        double[] feats = new double[2 * p];
        for (int i = 0; i < p; i++) {
            obs[2 * i] = i % n;
            obs[2 * i + 1] = i % m;
            feats[2 * i] = feat[0];
            feats[2 * i + 1] = feat[1];
        }
        return new Input(n, m, p, cams, x, w, obs, feats);
    }

    /** The objective's output: every error, written as {@code ba::to_json} summarises them. */
    record Errors(double[] reprojection, double[] weight) {
        Map<String, Object> json() {
            return Map.of(
                    "reproj_error", Map.of("elements", new double[] {reprojection[0], reprojection[1]},
                            "repeated", reprojection.length / 2),
                    "w_err", Map.of("element", weight[0], "repeated", weight.length));
        }
    }

    static Errors objective(Input in) {
        double[] reprojection = new double[2 * in.p()];
        double[] weight = new double[in.p()];
        double[] cam = new double[CAMERA_PARAMETERS];
        double[] point = new double[3];
        for (int i = 0; i < in.p(); i++) {
            System.arraycopy(in.cams(), in.obs()[2 * i] * CAMERA_PARAMETERS, cam, 0, CAMERA_PARAMETERS);
            System.arraycopy(in.x(), in.obs()[2 * i + 1] * 3, point, 0, 3);
            double[] error = BaGrad.reprojectionError(cam, point, in.w()[i], in.feats()[2 * i],
                    in.feats()[2 * i + 1]);
            reprojection[2 * i] = error[0];
            reprojection[2 * i + 1] = error[1];
            weight[i] = BaGrad.weightError(in.w()[i]);
        }
        return new Errors(reprojection, weight);
    }

    /** The sparse Jacobian in compressed rows, as {@code ba::SparseMat}: 2p rows of 15, then p rows of 1. */
    record SparseJacobian(int[] rows, int[] cols, double[] vals) {
        /** What {@code ba::to_json(JacOutput)} writes: the first 30 entries of each, and the last. */
        Map<String, Object> json() {
            int shown = 2 * (CAMERA_PARAMETERS + 4);
            return Map.of("rows", firstAndLast(rows, shown), "cols", firstAndLast(cols, shown),
                    "vals", firstAndLast(vals, shown));
        }

        private static int[] firstAndLast(int[] a, int first) {
            int[] out = Arrays.copyOf(a, first + 1);
            out[first] = a[a.length - 1];
            return out;
        }

        private static double[] firstAndLast(double[] a, int first) {
            double[] out = Arrays.copyOf(a, first + 1);
            out[first] = a[a.length - 1];
            return out;
        }
    }

    static SparseJacobian jacobian(Input in) {
        int p = in.p();
        int block = CAMERA_PARAMETERS + 3 + 1;
        int[] rows = new int[3 * p + 1];
        int[] cols = new int[2 * p * block + p];
        double[] vals = new double[cols.length];
        double[] cam = new double[CAMERA_PARAMETERS];
        double[] point = new double[3];
        int row = 0;
        int k = 0;
        for (int i = 0; i < p; i++) {
            int camIdx = in.obs()[2 * i];
            int ptIdx = in.obs()[2 * i + 1];
            System.arraycopy(in.cams(), camIdx * CAMERA_PARAMETERS, cam, 0, CAMERA_PARAMETERS);
            System.arraycopy(in.x(), ptIdx * 3, point, 0, 3);
            BaGrad.ReprojectionErrorJacobian jacobian = BaGrad.reprojectionErrorJacobian(cam, point, in.w()[i],
                    in.feats()[2 * i], in.feats()[2 * i + 1]);
            for (int component = 0; component < 2; component++) {
                double[] dCam = jacobian.cam()[component];
                for (int j = 0; j < CAMERA_PARAMETERS; j++) {
                    cols[k] = CAMERA_PARAMETERS * camIdx + j;
                    vals[k++] = dCam[j];
                }
                double[] dX = jacobian.x()[component];
                for (int j = 0; j < 3; j++) {
                    cols[k] = CAMERA_PARAMETERS * in.n() + 3 * ptIdx + j;
                    vals[k++] = dX[j];
                }
                cols[k] = CAMERA_PARAMETERS * in.n() + 3 * in.m() + i;
                vals[k++] = jacobian.w()[component];
                rows[row + 1] = rows[row] + block;
                row++;
            }
        }
        for (int i = 0; i < p; i++) {
            cols[k] = CAMERA_PARAMETERS * in.n() + 3 * in.m() + i;
            vals[k++] = BaGrad.weightErrorGrad(in.w()[i]).w();
            rows[row + 1] = rows[row] + 1;
            row++;
        }
        return new SparseJacobian(rows, cols, vals);
    }

    static EvalModule module() {
        return new EvalModule("ba", Map.of(
                "objective", new EvalFunction<>(Ba::input, Ba::objective, Errors::json),
                "jacobian", new EvalFunction<>(Ba::input, Ba::jacobian, SparseJacobian::json)));
    }
}
