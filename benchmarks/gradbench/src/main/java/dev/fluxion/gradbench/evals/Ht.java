package dev.fluxion.gradbench.evals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import dev.fluxion.gradbench.Json;
import java.util.Map;

/**
 * GradBench's {@code ht} (hand tracking, from ADBench): a hand mesh skinned by a chain of 22 bones
 * (wrist, four bones per finger, forearm) posed by 26 parameters {@code theta} (global rotation as
 * an angle-axis, global translation, 20 finger angles); the residuals are, per correspondence, the
 * data point minus the mesh point it corresponds to: a vertex ({@code simple}: no {@code us}) or a
 * point of a triangle with barycentric coordinates (u0, u1, 1 − u0 − u1) ({@code complicated}).
 *
 * <p>{@link #residuals} is written as GradBench's C++ ({@code cpp/gradbench/evals/ht.hpp}) writes
 * it: the pose parameters, each bone's Euler rotation and its relative, absolute and skinning
 * transforms as small matrices multiplied in loops, every vertex of the mesh skinned by the bones
 * that weigh on it, the global rotation and translation applied to every vertex, then one
 * residual per correspondence and coordinate.
 *
 * <p>The Jacobian has 3n rows; the complicated variant's 2n columns of {@code us} are sparse, as
 * each correspondence's residuals depend on its own (u0, u1) only. GradBench's tools answer it
 * compressed, 2 + 26 columns: ∂r/∂u0 and ∂r/∂u1 of each row's own correspondence, then ∂r/∂θ. That
 * compression is written into the method: {@code du0} and {@code du1} move every correspondence's
 * coordinates together (u0 = us[2i] + du0), so at du0 = du1 = 0 the derivative with respect to
 * {@code du0} is, in each row, the derivative with respect to that row's own u0. The Jacobian is
 * then {@code HtGrad.residualsJacobianForward}: all 28 columns in one vector-mode forward pass.
 */
public final class Ht {
    private Ht() {}

    /** The fingers, each posed by the angles of its second (two), third and fourth bone (one each). */
    static final int FINGERS = 5;

    /**
     * Example arguments for compile-time verification: GradBench's 22-bone tree, four vertices,
     * two triangles and three correspondences (the complicated variant).
     */
    static Object[] sample() {
        int[] parents = {-1, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15, 0, 17, 18, 19, 0};
        int bones = parents.length;
        // rigid transforms: a rotation about z by a, then about x by b, and a translation t
        double[][] relatives = new double[bones][16];
        double[][] inverses = new double[bones][16];
        for (int b = 0; b < bones; b++) {
            for (int k = 0; k < 2; k++) {
                double a = k == 0 ? 0.3 + 0.1 * b : -0.2 * b;
                double c = k == 0 ? 0.05 * b : 0.1;
                double t = k == 0 ? 0.2 : -0.05 * b;
                double[] m = {Math.cos(a), -Math.sin(a) * Math.cos(c), Math.sin(a) * Math.sin(c), t,
                    Math.sin(a), Math.cos(a) * Math.cos(c), -Math.cos(a) * Math.sin(c), 0.5 * t,
                    0, Math.sin(c), Math.cos(c), -t, 0, 0, 0, 1};
                for (int j = 0; j < 16; j++) {
                    if (k == 0) {
                        relatives[b][j] = m[j];
                    } else {
                        inverses[b][j] = m[j];
                    }
                }
            }
        }
        double[][] positions = {{0.1, 0.2, 0.3, 1}, {-0.2, 0.4, 0.1, 1}, {0.3, -0.1, 0.5, 1}, {0.05, 0.15, -0.2, 1}};
        double[][] weights = new double[4][bones];
        for (int v = 0; v < 4; v++) {
            weights[v][(5 * v + 2) % bones] = 0.6;
            weights[v][(7 * v + 7) % bones] = 0.4;
        }
        double[] theta = new double[26];
        for (int i = 0; i < 26; i++) {
            theta[i] = 0.4 * Math.sin(1.3 * i + 0.5);
        }
        double[] us = {0.2, 0.3, 0.5, 0.1, 0.25, 0.25};
        int[][] triangles = {{0, 1, 2}, {1, 3, 2}};
        int[] correspondences = {1, 0, 1};
        double[][] points = {{0.1, 0.2, 0.3}, {0.2, -0.3, 0.1}, {-0.4, 0.1, 0.2}};
        return new Object[] {theta, 0.0, 0.0, us, parents, relatives, inverses, positions, weights, false,
            triangles, correspondences, points};
    }

    /**
     * The 3n residuals, point minus mesh point per correspondence and coordinate, as
     * {@code ht::objective}; {@code du0} and {@code du1} are added to every correspondence's
     * barycentric coordinates (0 for the objective; the compressed Jacobian's two columns).
     *
     * @param theta the 26 pose parameters
     * @param us the barycentric coordinates (u0, u1) of each correspondence; empty for the simple variant
     * @param parents each bone's parent, −1 for the root; a parent comes before its children
     * @param baseRelatives each bone's 4 × 4 base transform relative to its parent, rows concatenated
     * @param inverseBaseAbsolutes each bone's inverse 4 × 4 base absolute transform, rows concatenated
     * @param basePositions each vertex's homogeneous rest position (x, y, z, 1)
     * @param weights each vertex's weight per bone
     * @param triangles each triangle's three vertices
     * @param correspondences each data point's triangle (complicated) or vertex (simple)
     * @param points the data points
     */
    @Differentiable(verifyWith = "sample")
    static double[] residuals(double[] theta, double du0, double du1, @NoGrad double[] us, @NoGrad int[] parents,
            @NoGrad double[][] baseRelatives, @NoGrad double[][] inverseBaseAbsolutes,
            @NoGrad double[][] basePositions, @NoGrad double[][] weights, @NoGrad boolean mirrored,
            @NoGrad int[][] triangles, @NoGrad int[] correspondences, @NoGrad double[][] points) {
        int bones = parents.length;
        // GradBench's 3 × (bones + 3) pose parameters, one row here per column there: the global
        // rotation, the scale (ones), the global translation, then each bone's Euler angles (x, z, y).
        double[][] pose = new double[bones + 3][3];
        for (int i = 0; i < 3; i++) {
            pose[0][i] = theta[i];
            pose[1][i] = 1;
            pose[2][i] = theta[3 + i];
        }
        int next = 6;
        int row = 5; // the first finger's second bone (row 3 is the wrist, row 4 the finger's first bone)
        for (int finger = 0; finger < FINGERS; finger++) {
            for (int joint = 2; joint <= 4; joint++) {
                pose[row][0] = theta[next++];
                if (joint == 2) {
                    pose[row][1] = theta[next++];
                }
                row++;
            }
            row++;
        }

        // Each bone's skinning transform (top three rows): absolute · inverse base absolute, where
        // absolute = parent's absolute · base relative · [R 0; 0 1] and R = Rz Ry Rx.
        double[][] absolutes = new double[bones][16];
        double[][] transforms = new double[bones][12];
        for (int b = 0; b < bones; b++) {
            double tx = pose[b + 3][0];
            double tz = pose[b + 3][1];
            double ty = pose[b + 3][2];
            double[][] rx = {{1, 0, 0}, {0, Math.cos(tx), -Math.sin(tx)}, {0, Math.sin(tx), Math.cos(tx)}};
            double[][] ry = {{Math.cos(ty), 0, Math.sin(ty)}, {0, 1, 0}, {-Math.sin(ty), 0, Math.cos(ty)}};
            double[][] rz = {{Math.cos(tz), -Math.sin(tz), 0}, {Math.sin(tz), Math.cos(tz), 0}, {0, 0, 1}};
            double[][] rzy = new double[3][3];
            double[][] rotation = new double[3][3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 3; k++) {
                        rzy[i][j] += rz[i][k] * ry[k][j];
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 3; k++) {
                        rotation[i][j] += rzy[i][k] * rx[k][j];
                    }
                }
            }
            double[][] relative = new double[4][4];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 3; k++) {
                        relative[i][j] += baseRelatives[b][4 * i + k] * rotation[k][j];
                    }
                }
                relative[i][3] = baseRelatives[b][4 * i + 3];
            }
            int parent = parents[b];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    if (parent == -1) {
                        absolutes[b][4 * i + j] = relative[i][j];
                    } else {
                        double sum = 0;
                        for (int k = 0; k < 4; k++) {
                            sum += absolutes[parent][4 * i + k] * relative[k][j];
                        }
                        absolutes[b][4 * i + j] = sum;
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    double sum = 0;
                    for (int k = 0; k < 4; k++) {
                        sum += absolutes[b][4 * i + k] * inverseBaseAbsolutes[b][4 * k + j];
                    }
                    transforms[b][4 * i + j] = sum;
                }
            }
        }

        // Every vertex skinned: Σ over the bones that weigh on it of weight · transform · rest position.
        int vertices = basePositions.length;
        double[][] positions = new double[vertices][3];
        for (int v = 0; v < vertices; v++) {
            for (int b = 0; b < bones; b++) {
                double w = weights[v][b];
                if (w != 0) {
                    for (int i = 0; i < 3; i++) {
                        positions[v][i] += w * (transforms[b][4 * i] * basePositions[v][0]
                                + transforms[b][4 * i + 1] * basePositions[v][1]
                                + transforms[b][4 * i + 2] * basePositions[v][2]
                                + transforms[b][4 * i + 3] * basePositions[v][3]);
                    }
                }
            }
            if (mirrored) {
                positions[v][0] = -positions[v][0];
            }
        }

        // The global transform: the angle-axis rotation (the identity below a norm of 1e-4), its
        // columns scaled, then the translation.
        double norm = Math.sqrt(pose[0][0] * pose[0][0] + pose[0][1] * pose[0][1] + pose[0][2] * pose[0][2]);
        double[][] global = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        if (norm >= 1e-4) {
            double x = pose[0][0] / norm;
            double y = pose[0][1] / norm;
            double z = pose[0][2] / norm;
            double s = Math.sin(norm);
            double c = Math.cos(norm);
            global[0][0] = x * x + (1 - x * x) * c;
            global[0][1] = x * y * (1 - c) - z * s;
            global[0][2] = x * z * (1 - c) + y * s;
            global[1][0] = x * y * (1 - c) + z * s;
            global[1][1] = y * y + (1 - y * y) * c;
            global[1][2] = y * z * (1 - c) - x * s;
            global[2][0] = x * z * (1 - c) - y * s;
            global[2][1] = z * y * (1 - c) + x * s;
            global[2][2] = z * z + (1 - z * z) * c;
        }
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                global[i][j] = global[i][j] * pose[1][j];
            }
        }
        for (int v = 0; v < vertices; v++) {
            double px = positions[v][0];
            double py = positions[v][1];
            double pz = positions[v][2];
            for (int i = 0; i < 3; i++) {
                positions[v][i] = global[i][0] * px + global[i][1] * py + global[i][2] * pz + pose[2][i];
            }
        }

        // The residuals: point − vertex (simple), point − u0 a − u1 b − (1 − u0 − u1) c (complicated).
        int n = correspondences.length;
        double[] err = new double[3 * n];
        for (int p = 0; p < n; p++) {
            int target = correspondences[p];
            if (us.length == 0) {
                for (int j = 0; j < 3; j++) {
                    err[3 * p + j] = points[p][j] - positions[target][j];
                }
            } else {
                int a = triangles[target][0];
                int b = triangles[target][1];
                int c = triangles[target][2];
                double u0 = us[2 * p] + du0;
                double u1 = us[2 * p + 1] + du1;
                for (int j = 0; j < 3; j++) {
                    err[3 * p + j] = points[p][j]
                            - (u0 * positions[a][j] + u1 * positions[b][j] + (1 - u0 - u1) * positions[c][j]);
                }
            }
        }
        return err;
    }

    /** The prepared input: {@code theta}, {@code us} (flat, empty for simple) and the data, as {@code ht::from_json} reads them. */
    record Input(double[] theta, double[] us, int[] parents, double[][] baseRelatives,
            double[][] inverseBaseAbsolutes, double[][] basePositions, double[][] weights, boolean mirrored,
            int[][] triangles, int[] correspondences, double[][] points) {
        boolean complicated() {
            return us.length != 0;
        }
    }

    static Input input(JsonNode in) {
        JsonNode data = in.get("data");
        JsonNode model = data.get("model");
        return new Input(Json.vector(in.get("theta")), Json.rows(in.get("us")), ints(model.get("parents")),
                matrices(model.get("base_relatives")), matrices(model.get("inverse_base_absolutes")),
                rowsOf(model.get("base_positions")), rowsOf(model.get("weights")),
                model.get("is_mirrored").asBoolean(), intRows(model.get("triangles")),
                ints(data.get("correspondences")), rowsOf(data.get("points")));
    }

    private static int[] ints(JsonNode node) {
        int[] v = new int[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = node.get(i).asInt();
        }
        return v;
    }

    private static int[][] intRows(JsonNode node) {
        int[][] m = new int[node.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = ints(node.get(i));
        }
        return m;
    }

    private static double[][] rowsOf(JsonNode node) {
        double[][] m = new double[node.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = Json.vector(node.get(i));
        }
        return m;
    }

    /** Each 4 × 4 matrix of a list, rows concatenated. */
    private static double[][] matrices(JsonNode node) {
        double[][] m = new double[node.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = Json.rows(node.get(i));
        }
        return m;
    }

    /** {@code objective}: the 3n residuals. */
    static double[] objective(Input in) {
        return residuals(in.theta(), 0, 0, in.us(), in.parents(), in.baseRelatives(), in.inverseBaseAbsolutes(),
                in.basePositions(), in.weights(), in.mirrored(), in.triangles(), in.correspondences(), in.points());
    }

    /** {@code jacobian}: all 26 (simple) or 2 + 26 (complicated) columns in one vector-mode pass. */
    static Jacobian jacobian(Input in) {
        HtGrad.ResidualsJacobian j = HtGrad.residualsJacobianForward(in.theta(), 0, 0, in.us(), in.parents(),
                in.baseRelatives(), in.inverseBaseAbsolutes(), in.basePositions(), in.weights(), in.mirrored(),
                in.triangles(), in.correspondences(), in.points());
        return new Jacobian(in.complicated(), j.du0(), j.du1(), j.theta());
    }

    /** The Jacobian's columns as the generated record holds them. */
    record Jacobian(boolean complicated, double[] du0, double[] du1, double[][] theta) {
        /** What {@code ht::to_json(JacOutput)} writes: one row per residual, ∂/∂u0 and ∂/∂u1 first where there are us. */
        double[][] rows() {
            int offset = complicated ? 2 : 0;
            double[][] out = new double[theta.length][];
            for (int r = 0; r < theta.length; r++) {
                double[] row = new double[offset + theta[r].length];
                if (complicated) {
                    row[0] = du0[r];
                    row[1] = du1[r];
                }
                System.arraycopy(theta[r], 0, row, offset, theta[r].length);
                out[r] = row;
            }
            return out;
        }
    }

    static EvalModule module() {
        return new EvalModule("ht", Map.of(
                "objective", EvalFunction.of(Ht::input, Ht::objective),
                "jacobian", new EvalFunction<>(Ht::input, Ht::jacobian, Jacobian::rows)));
    }
}
