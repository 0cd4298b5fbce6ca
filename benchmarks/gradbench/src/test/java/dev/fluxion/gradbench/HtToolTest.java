package dev.fluxion.gradbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluxion.gradbench.evals.Modules;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * GradBench's smallest {@code ht} inputs (hand1: 100 correspondences on the small model's 544
 * vertices; fixtures from {@code src/test/resources/ht/make.sh}) through the tool: the
 * {@code jacobian} answer against float64 central differences of the tool's own {@code objective}
 * answer, column by column. For the complicated variant each u of each correspondence is moved on
 * its own: its own three rows must match the compressed columns 0 and 1, every other row must stay.
 */
class HtToolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double STEP = 1e-6;
    private final GradBenchTool tool = new GradBenchTool(Modules.all());

    @Test
    void complicatedJacobianMatchesCentralDifferences() throws Exception {
        ObjectNode input = fixture("hand1_small_complicated");
        double[][] jacobian = jacobian(input);
        int rows = 3 * input.get("data").get("correspondences").size();
        assertEquals(rows, jacobian.length);
        assertEquals(28, jacobian[0].length);
        for (int t = 0; t < 26; t++) {
            double[] column = difference(input, (ArrayNode) input.get("theta"), t);
            for (int r = 0; r < rows; r++) {
                assertClose(column[r], jacobian[r][2 + t], "theta " + t + ", row " + r);
            }
        }
        ArrayNode us = (ArrayNode) input.get("us");
        for (int p = 0; p < us.size(); p++) {
            for (int k = 0; k < 2; k++) {
                double[] column = difference(input, (ArrayNode) us.get(p), k);
                for (int r = 0; r < rows; r++) {
                    double expected = r / 3 == p ? jacobian[r][k] : 0;
                    assertClose(column[r], expected, "u" + k + " of correspondence " + p + ", row " + r);
                }
            }
        }
    }

    @Test
    void simpleJacobianMatchesCentralDifferences() throws Exception {
        ObjectNode input = fixture("hand1_small_simple");
        assertEquals(0, input.get("us").size());
        double[][] jacobian = jacobian(input);
        int rows = 3 * input.get("data").get("correspondences").size();
        assertEquals(rows, jacobian.length);
        assertEquals(26, jacobian[0].length);
        for (int t = 0; t < 26; t++) {
            double[] column = difference(input, (ArrayNode) input.get("theta"), t);
            for (int r = 0; r < rows; r++) {
                assertClose(column[r], jacobian[r][t], "theta " + t + ", row " + r);
            }
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-6 * (1 + Math.abs(expected)), what);
    }

    private static ObjectNode fixture(String name) throws IOException {
        try (InputStream in = new GZIPInputStream(HtToolTest.class.getResourceAsStream("/ht/" + name + ".json.gz"))) {
            ObjectNode input = (ObjectNode) JSON.readTree(in);
            input.put("min_runs", 1);
            input.put("min_seconds", 0);
            return input;
        }
    }

    private JsonNode evaluate(String function, ObjectNode input) throws Exception {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", 1);
        message.put("kind", "evaluate");
        message.put("module", "ht");
        message.put("function", function);
        message.set("input", input);
        JsonNode r = JSON.readTree(tool.respond(JSON.writeValueAsString(message)));
        assertTrue(r.get("success").asBoolean(), () -> r.toString());
        return r.get("output");
    }

    private double[][] jacobian(ObjectNode input) throws Exception {
        JsonNode out = evaluate("jacobian", input);
        double[][] j = new double[out.size()][];
        for (int r = 0; r < j.length; r++) {
            j[r] = Json.vector(out.get(r));
        }
        return j;
    }

    /** (objective(x + h e_k) − objective(x − h e_k)) / 2h, with {@code x[k]} an element of {@code input}. */
    private double[] difference(ObjectNode input, ArrayNode x, int k) throws Exception {
        double xk = x.get(k).asDouble();
        double h = STEP * Math.max(1, Math.abs(xk));
        x.set(k, xk + h);
        double[] plus = Json.vector(evaluate("objective", input));
        x.set(k, xk - h);
        double[] minus = Json.vector(evaluate("objective", input));
        x.set(k, xk);
        double[] d = new double[plus.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (plus[i] - minus[i]) / (2 * h);
        }
        return d;
    }
}
