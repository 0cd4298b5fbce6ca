package dev.fluxion.gradbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluxion.gradbench.evals.Modules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Fluxion as a GradBench tool: reads one JSON message a line on stdin and answers each with one
 * line on stdout, as GradBench's {@code python/gradbench/gradbench/tools/*}{@code /run.py} do.
 *
 * <ul>
 *   <li>{@code start} → {@code {"id", "tool": "fluxion"}}
 *   <li>{@code define} (a module) → {@code {"id", "success"}}; for an eval with no Fluxion
 *       implementation {@code success} is false with an {@code error} naming it, which is how
 *       GradBench's protocol lets a tool decline an eval
 *   <li>{@code evaluate} (module, function, input) → {@code {"id", "success", "output",
 *       "timings"}}: timings in nanoseconds, one {@code prepare} then one {@code evaluate} per run
 *       ({@link Runs})
 *   <li>anything else ({@code analysis}, ...) → {@code {"id"}}
 * </ul>
 */
public final class GradBenchTool {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, EvalModule> modules;

    GradBenchTool(Map<String, EvalModule> modules) {
        this.modules = modules;
    }

    /** Speaks the protocol on stdin and stdout until stdin ends. */
    public static void main(String[] args) throws IOException {
        GradBenchTool tool = new GradBenchTool(Modules.all());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            out.println(tool.respond(line));
            out.flush();
        }
    }

    /** The one-line answer to one message. */
    String respond(String line) throws IOException {
        JsonNode message = JSON.readTree(line);
        ObjectNode response = JSON.createObjectNode();
        response.set("id", message.get("id"));
        switch (message.path("kind").asText()) {
            case "start" -> response.put("tool", "fluxion");
            case "define" -> define(message.path("module").asText(), response);
            case "evaluate" -> evaluate(message, response);
            default -> { }
        }
        return JSON.writeValueAsString(response);
    }

    private void define(String module, ObjectNode response) {
        boolean known = modules.containsKey(module);
        response.put("success", known);
        if (!known) {
            response.put("error", "fluxion does not implement the module " + module);
        }
    }

    private void evaluate(JsonNode message, ObjectNode response) {
        String module = message.path("module").asText();
        String name = message.path("function").asText();
        EvalModule evalModule = modules.get(module);
        EvalFunction<?, ?> function = evalModule == null ? null : evalModule.functions().get(name);
        if (function == null) {
            response.put("success", false);
            response.put("error", "fluxion does not implement " + module + "." + name);
            return;
        }
        try {
            Runs.Result result = Runs.run(function, message.get("input"));
            response.put("success", true);
            response.set("output", JSON.valueToTree(result.output()));
            response.set("timings", JSON.valueToTree(result.timings()));
        } catch (RuntimeException | Error e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            response.put("success", false);
            response.put("error", trace.toString());
        }
    }
}
