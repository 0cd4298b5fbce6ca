package dev.fluxion.cuda.codegen;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One elementwise kernel to generate: {@code out[i] = body(in0[…], in1[…], …)} over every element
 * of the output, the inputs broadcast to its shape.
 *
 * @param name the kernel's C name (an identifier; the fusion pass makes it from the method and group)
 * @param inputs how each input is stored ({@code in0}, {@code in1}, … in order); at most {@link #MAX_INPUTS}
 * @param params the number of scalar arguments ({@code p0}, {@code p1}, …, doubles given at launch)
 * @param compute the type the body computes in
 * @param output how the output is stored
 * @param body the expression
 * @param sourceLine the user's source line the group came from, put in a comment above the kernel
 *     (e.g. {@code Model.java:26: return relu(x * w + b);}); empty for none
 * @param inputNames the inputs' names in the generated C (the user's variable names, so the kernel
 *     reads like the source); empty for {@code in0}, {@code in1}, …
 */
public record ElementwiseKernel(String name, List<ScalarType> inputs, int params, ScalarType compute, ScalarType output,
        Expr body, String sourceLine, List<String> inputNames) {

    /** The most inputs one kernel takes (the launch geometry holds this many stride rows). */
    public static final int MAX_INPUTS = 8;

    /** The most dims of an output (and so of any broadcast input). */
    public static final int MAX_RANK = 8;

    /** The most scalar arguments of one kernel. */
    public static final int MAX_PARAMS = 8;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Names the generated code uses itself (and C keywords an input name could plausibly be). */
    private static final Pattern RESERVED = Pattern.compile(
            "(t|p|o|in)[0-9]+|i|c|d|rest|geo|out|fx_.*|FX_.*|float|double|int|long|const|return|if|else|for|auto|char|void");

    /** A kernel whose inputs are named {@code in0}, {@code in1}, …. */
    public ElementwiseKernel(String name, List<ScalarType> inputs, int params, ScalarType compute, ScalarType output,
            Expr body, String sourceLine) {
        this(name, inputs, params, compute, output, body, sourceLine, List.of());
    }

    public ElementwiseKernel {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("kernel name '" + name + "' is not a C identifier");
        }
        inputs = List.copyOf(inputs);
        if (inputs.size() > MAX_INPUTS) {
            throw new IllegalArgumentException("kernel " + name + ": " + inputs.size() + " inputs, at most "
                    + MAX_INPUTS + " (split the group)");
        }
        if (body.maxInput() >= inputs.size()) {
            throw new IllegalArgumentException("kernel " + name + ": the body reads input " + body.maxInput()
                    + " but the kernel has " + inputs.size());
        }
        if (body.maxParam() >= params || params > MAX_PARAMS) {
            throw new IllegalArgumentException("kernel " + name + ": the body reads scalar argument " + body.maxParam()
                    + " but the kernel has " + params + " (at most " + MAX_PARAMS + ")");
        }
        if (sourceLine.contains("\n") || sourceLine.contains("*/")) {
            throw new IllegalArgumentException("kernel " + name + ": the source line must be one line");
        }
        inputNames = List.copyOf(inputNames);
        if (!inputNames.isEmpty()) {
            if (inputNames.size() != inputs.size() || inputNames.stream().distinct().count() != inputNames.size()) {
                throw new IllegalArgumentException("kernel " + name + ": needs " + inputs.size()
                        + " distinct input names, got " + inputNames);
            }
            for (String n : inputNames) {
                if (!IDENTIFIER.matcher(n).matches() || RESERVED.matcher(n).matches()) {
                    throw new IllegalArgumentException("kernel " + name + ": input name '" + n
                            + "' is not a C identifier or is one the generated code uses; rename it (say " + n + "_in)");
                }
            }
        }
    }

    /** The C name of input {@code i}: its given name, else {@code in<i>}. */
    public String inputName(int i) {
        return inputNames.isEmpty() ? "in" + i : inputNames.get(i);
    }

    /** A kernel whose inputs, computation and output are all of one type. */
    public static ElementwiseKernel of(String name, int inputs, ScalarType type, Expr body, String sourceLine) {
        return new ElementwiseKernel(name, java.util.Collections.nCopies(inputs, type), body.maxParam() + 1, type, type,
                body, sourceLine);
    }
}
