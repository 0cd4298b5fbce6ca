package dev.fluxion.gradbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluxion.gradbench.evals.Modules;
import org.junit.jupiter.api.Test;

/** The protocol, message by message, as GradBench's evals send it. */
class GradBenchToolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GradBenchTool tool = new GradBenchTool(Modules.all());

    private JsonNode respond(String message) throws Exception {
        return JSON.readTree(tool.respond(message));
    }

    @Test
    void startNamesTheTool() throws Exception {
        JsonNode r = respond("{\"id\": 0, \"kind\": \"start\", \"eval\": \"hello\"}");
        assertEquals(0, r.get("id").asInt());
        assertEquals("fluxion", r.get("tool").asText());
    }

    @Test
    void defineSucceedsOnlyForImplementedModules() throws Exception {
        assertTrue(respond("{\"id\": 1, \"kind\": \"define\", \"module\": \"lse\"}").get("success").asBoolean());
        JsonNode r = respond("{\"id\": 1, \"kind\": \"define\", \"module\": \"nosuch\"}");
        assertFalse(r.get("success").asBoolean());
        assertTrue(r.get("error").asText().contains("nosuch"));
    }

    @Test
    void evaluateRepeatsUntilMinRunsAndTimesEachRun() throws Exception {
        JsonNode r = respond("{\"id\": 2, \"kind\": \"evaluate\", \"module\": \"lse\", \"function\": \"gradient\","
                + " \"input\": {\"x\": [1.0, 2.0, 3.0], \"min_runs\": 5, \"min_seconds\": 0}}");
        assertEquals(2, r.get("id").asInt());
        assertTrue(r.get("success").asBoolean());
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(Math.exp(i + 1) / z, r.get("output").get(i).asDouble(), 1e-12);
        }
        JsonNode timings = r.get("timings");
        assertEquals("prepare", timings.get(0).get("name").asText());
        assertEquals(6, timings.size());
        for (int i = 1; i < 6; i++) {
            assertEquals("evaluate", timings.get(i).get("name").asText());
            assertTrue(timings.get(i).get("nanoseconds").isIntegralNumber());
        }
    }

    @Test
    void helloDoubleAnswersTheDerivative() throws Exception {
        JsonNode r = respond("{\"id\": 3, \"kind\": \"evaluate\", \"module\": \"hello\", \"function\": \"double\","
                + " \"input\": 1.5}");
        assertEquals(3.0, r.get("output").asDouble(), 1e-12);
        assertEquals(2, r.get("timings").size());
    }

    @Test
    void gmmJacobianHasGradBenchsShape() throws Exception {
        JsonNode r = respond("{\"id\": 4, \"kind\": \"evaluate\", \"module\": \"gmm\", \"function\": \"jacobian\","
                + " \"input\": {\"d\": 2, \"k\": 2, \"n\": 1, \"m\": 0, \"gamma\": 1.0, \"alpha\": [0.1, 0.2],"
                + " \"mu\": [[0.1, 0.2], [0.3, 0.4]], \"q\": [[0.1, 0.2], [0.3, 0.4]], \"l\": [[0.5], [0.6]],"
                + " \"x\": [[1.0, 2.0]]}}");
        JsonNode out = r.get("output");
        assertEquals(2, out.get("alpha").size());
        assertEquals(2, out.get("mu").size());
        assertEquals(2, out.get("mu").get(1).size());
        assertEquals(1, out.get("l").get(0).size());
    }

    @Test
    void unknownFunctionFailsWithAnError() throws Exception {
        JsonNode r = respond("{\"id\": 5, \"kind\": \"evaluate\", \"module\": \"lse\", \"function\": \"hessian\","
                + " \"input\": {\"x\": [1.0]}}");
        assertFalse(r.get("success").asBoolean());
        assertTrue(r.get("error").asText().contains("lse.hessian"));
    }

    @Test
    void analysisIsAcknowledged() throws Exception {
        JsonNode r = respond("{\"id\": 6, \"kind\": \"analysis\", \"of\": 2, \"valid\": true}");
        assertEquals(6, r.get("id").asInt());
        assertEquals(1, r.size());
    }
}
