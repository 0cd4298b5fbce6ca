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
 */
public record ElementwiseKernel(String name, List<ScalarType> inputs, int params, ScalarType compute, ScalarType output,
        Expr body, String sourceLine) {

    /** The most inputs one kernel takes (the launch geometry holds this many stride rows). */
    public static final int MAX_INPUTS = 8;

    /** The most dims of an output (and so of any broadcast input). */
    public static final int MAX_RANK = 8;

    /** The most scalar arguments of one kernel. */
    public static final int MAX_PARAMS = 8;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

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
    }

    /** A kernel whose inputs, computation and output are all of one type. */
    public static ElementwiseKernel of(String name, int inputs, ScalarType type, Expr body, String sourceLine) {
        return new ElementwiseKernel(name, java.util.Collections.nCopies(inputs, type), body.maxParam() + 1, type, type,
                body, sourceLine);
    }
}
