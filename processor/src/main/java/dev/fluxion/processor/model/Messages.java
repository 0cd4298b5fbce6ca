package dev.fluxion.processor.model;

import java.text.MessageFormat;

/**
 * Every message the processor shows a user, with the hint that says how to fix it.
 * Arguments are {@link MessageFormat} placeholders.
 */
public enum Messages {
    NOT_DIFFERENTIABLE(
            "not differentiable with respect to `{0}`: {1} has no derivative",
            "wrap it in detach(...) or mark the parameter @NoGrad"),
    ARRAY_OF_DIFFERENTIABLE(
            "not differentiable with respect to `{0}`: the array {1} is built from it, and an array element carries no gradient",
            "pass the values as parameters of their own (a varargs method too: give it separate double parameters), or build a Tensor with Tensor.of(...) and use Tensor operations"),
    VARARGS_CALL(
            "calling the varargs method {0} with separate arguments is not supported in a @Differentiable method",
            "pass it an array you already have (a double[] parameter), or declare {0} with separate parameters"),
    UNNAMED_GRADIENTS(
            "{0} was compiled without parameter names, and its generated gradient record does not say which parameter each gradient belongs to",
            "compile the class that declares {0} with -parameters (or -g), or give every parameter that can have a gradient in wrt (use @NoGrad on the others instead of wrt)"),
    PREDICATE_AS_VALUE(
            "not differentiable with respect to `{0}`: the comparison {1} is used as a value",
            "use it only as a condition or as the mask of where(...), or wrap its operand in detach(...)"),
    NO_GRAD_ARGUMENT(
            "not differentiable with respect to `{0}`: it is passed to {1}, whose parameter `{2}` has no gradient",
            "remove @NoGrad from `{2}` in {1} or wrap the argument in detach(...)"),
    NESTED_DIFFERENTIATION(
            "cannot differentiate a call to {0}: of generated derivative code, a @Differentiable method may call only gGrad(...).x() (one gradient component), gGrad(...).value() and g(...) of a static @Differentiable method g",
            "read the gradient as OtherGrad.gGrad(args).x(), one component per call, or call {0} outside @Differentiable code"),
    NESTED_CALL(
            "cannot differentiate through {0}: {1}",
            "differentiating a gradient needs the Hessian-vector product of the method: one returning double, on double and double[] inputs, or a scalar Tensor; write the inner derivative out, or detach it (call it outside @Differentiable code and pass the result as @NoGrad)"),
    UNKNOWN_METHOD(
            "cannot differentiate a call to {0}: it is neither @Differentiable nor a known operation",
            "annotate {0} with @Differentiable, or use a Tensor/F/Math operation"),
    MODULE_METHOD_NOT_DIFFERENTIABLE(
            "cannot differentiate {0}: {1} is not @Differentiable, so the gradient cannot flow through it into the field's Parameters",
            "annotate {1} with @Differentiable (with parameters matching this call), or compute the value here with known operations on the field's Parameters"),
    MODULE_ELEMENT_METHOD(
            "cannot differentiate {0} on an element of a list or array of modules: it is not a @Differentiable method (with parameters matching this call), so the gradient cannot flow through it into the element''s Parameters",
            "annotate {0} with @Differentiable, or call a @Differentiable method of the element"),
    MATRIX(
            "{0} is not supported in a @Differentiable method",
            "a local 2-D array is one flat array inside: read and write its elements a[i][j], a.length and a[i].length, create it as new double[n][m] (every row of one length), and copy a row element by element into a new double[] (a row cannot be shared, passed or assigned)"),
    MATRIX_PARAMETER(
            "the {1} parameter `{0}` cannot have a gradient yet",
            "mark it @NoGrad if it is data (its elements can be read), or pass the values as a flat {2}[] with an int row length and read x[i * n + j]"),
    MODULE_LIST_WRITE(
            "{0}(...) changes a list of modules inside a @Differentiable method: the backward pass runs on the modules the forward pass called, and the list must hold still for it",
            "build the list once, in the constructor or the field''s initialiser, and only read it here (get, size, a for loop)"),
    UNSUPPORTED(
            "{0} is not supported in a @Differentiable method",
            "rewrite it with locals, arithmetic, known operations and calls to @Differentiable methods"),
    UNKNOWN_NAME(
            "cannot resolve `{0}` in a @Differentiable method",
            "use a parameter, a local, or a Parameter/Module field of this class"),
    UNSUPPORTED_TYPE(
            "the type {0} of `{1}` is not supported in a @Differentiable method",
            "use double, float, int, long, boolean, their arrays, or Tensor"),
    ABSTRACT_METHOD(
            "@Differentiable cannot be used on an abstract method",
            "put it on a method with a body"),
    BAD_RETURN_TYPE(
            "@Differentiable method returns {0}, which cannot be differentiated",
            "return double, float or Tensor"),
    NOT_IN_CLASS(
            "@Differentiable methods must be declared in a class",
            "move the method into a class"),
    INSTANCE_NOT_MODULE(
            "@Differentiable instance method in a class that does not extend dev.fluxion.nn.Module",
            "make the method static, or extend Module so its Parameter fields are the leaves"),
    GENERATED_NAME_CLASH(
            "@Differentiable method `{0}` clashes with the @Differentiable method `{1}` (line {2}) of {3}: both would generate `{4}`",
            "rename one of them: the generated names ({0}, {0}Vjp, {0}Grad, {0}Backward and the nested types) come from the method name alone, so @Differentiable overloads are not supported"),
    BAD_WRT(
            "wrt names `{0}`, which is not a parameter of this method",
            "use one of: {1}"),
    WRT_NOT_DIFFERENTIABLE(
            "wrt names `{0}`, whose type {1} cannot have a gradient",
            "differentiate with respect to double, float, their arrays or Tensor parameters"),
    RECURSION(
            "recursive call to {0}: recursion through a Module method cannot be differentiated at compile time",
            "write the recursion as a loop, or as a static @Differentiable method that takes the model's tensors as arguments"),
    PRIVATE_FIELD(
            "field `{0}` is private, so the generated class cannot read it",
            "make it package-private or public"),
    NO_DIFFERENTIABLE_INPUT(
            "the result of {0} does not depend on any differentiable input: every gradient is zero",
            "check @NoGrad and wrt, or detach(...) calls on the way to the result"),
    ARRAY_WRITE_INPUT(
            "`{0}[...] = ...` writes into the input array `{0}`: a @Differentiable method cannot change its inputs",
            "write into a local array instead: double[] y = new double[{0}.length]; then y[i] = ... in a loop (or accumulate into a local: double s = 0; then s += term;)"),
    ARRAY_WRITE(
            "writing an element of the array `{0}` is not supported in a @Differentiable method: arrays are read-only here",
            "accumulate into a local instead (double s = 0; then s += term; in the loop), or compute the values with Tensor operations"),
    ITEM_STOPS_GRADIENT(
            "`{1}` stops the gradient: item() turns a tensor that depends on `{0}` into a plain double, so nothing computed from it is differentiated",
            "keep the value a Tensor (sum(), mean(), or a 1-element tensor with its operations), or write detach().item() to stop the gradient on purpose"),
    PLAIN_HELPER_ARGUMENT(
            "not differentiable with respect to `{0}`: `{1}` passes it to {2}, which is not @Differentiable, so its gradient would be lost",
            "annotate {2} with @Differentiable, or pass it only constants and @NoGrad data"),
    TENSOR_FACTORY_ARGUMENT(
            "not differentiable with respect to `{0}`: `{1}` builds a constant tensor from it, so its gradient would be lost",
            "build the tensor from differentiable values with Tensor operations (stack(0, Tensor.scalar(a), Tensor.scalar(b))), or pass the factory only constants and @NoGrad data"),
    ARRAY_WRITE_ALIAS(
            "`{0}` is written element by element, so it must hold a new array of its own: `{1}` would make it share the array of another variable",
            "create it with new double[n] (or an array literal) and copy the values in a loop"),
    LABELED_JUMP(
            "{0} is not supported in a @Differentiable method",
            "use a boolean flag instead of the label: set it and break out of the inner loop, then test it in the outer loop (for example while (!done && i < n))"),
    VERIFY_WITH(
            "verifyWith = \"{0}\" cannot give the example arguments: {1}",
            "write a static method without parameters in the same class whose last statement returns new Object[] with one value per parameter, in order (Tensor.of(...), double arrays, ints, doubles)"),
    SIDE_EFFECT(
            "`{0}` changes a variable inside an expression, which is not supported in a @Differentiable method: conditions and other expressions must not assign",
            "make the assignment (or ++/--) a statement of its own: do it before the loop and again at the end of its body, then test the variable in the condition"),
    GRADIENT_MISMATCH(
            "gradient check failed for {0} with respect to `{1}` at {2}: vᵀJ for a random cotangent v of the result derived {3}, numerical {4}; largest error {5} at element {6}",
            "the derivative rule used here is wrong: fix your @Derivative rule, or report a Fluxion bug if none of yours is involved; @Differentiable(verify = false) turns the check off"),
    TANGENT_MISMATCH(
            "forward-mode check failed for {0}: at {1}, along a random direction, {0}Jvp gives the tangent {2}, central differences of {0} give {3}",
            "the tangent rule used here is wrong: report a Fluxion bug with this method's source; @Differentiable(verify = false) turns the check off"),
    FORWARD_RULE_MISMATCH(
            "forward-mode check failed for {0}: at {1}, along a random direction, the rule gives the tangent {2}, central differences of {4} give {3}",
            "the forward rule is wrong: it must return the derivative of {4} along the tangents (J·v); fix it, or turn its check off with @Derivative(verify = false)"),
    FORWARD_RULE_NEEDED(
            "{0} gets no forward mode ({0}Jvp, {0}Hvp): it calls {1}, whose @Derivative rule is reverse only, and the tangent of a result that is not a scalar cannot be had from a reverse rule in one pass",
            "add a forward rule beside the reverse one: @Derivative(of = \"{1}\", mode = Derivative.Mode.FORWARD), taking {1}'s parameters and their tangents and returning the tangent of its result; {0}Grad and {0}Vjp are unaffected"),
    VECTOR_MODE_MISMATCH(
            "Jacobian check failed for {0}: at {1}, column {2} of {0}JacobianForward (all columns in one pass) is {3}, {0}Jvp along that input element gives {4}",
            "the vector-mode widening of the tangent program is wrong: report a Fluxion bug with this method's source; {0}JacobianReverse is not affected; @Differentiable(verify = false) turns the check off"),
    HVP_MISMATCH(
            "second-order check failed for {0}: at {1}, along a random direction v, {0}Hvp gives H·v = {2}, central differences of {0}Grad along v give {3}",
            "a second-order rule used here is wrong: report a Fluxion bug with this method's source; @Differentiable(verify = false) turns the check off"),
    VALUE_MISMATCH(
            "gradient check failed for {0}: the derived forward pass gives {1}, the method gives {2} at {3}",
            "report a Fluxion bug with this method's source; @Differentiable(verify = false) turns the check off"),
    FUSED_GRAD_MISMATCH(
            "processor bug: the one-pass {0} disagrees with the pullback in {1} at {2}: one pass {3}, pullback {4}",
            "report a Fluxion bug with this method's source; @Differentiable(verify = false) turns the check off"),
    GRADIENT_MISMATCH_SCALAR(
            "gradient check failed for {0} with respect to `{1}` at {2}: {3}; largest error {4}",
            "the derivative rule used here is wrong: fix your @Derivative rule, or report a Fluxion bug if none of yours is involved; @Differentiable(verify = false) turns the check off"),
    DERIVED_PASS_FAILED(
            "processor bug: the derived forward and backward pass of {0} fails at {1}, where the method itself evaluates: {2}",
            "report a Fluxion bug with this method's source; @Differentiable(verify = false) turns the check off"),
    GRADIENT_NOT_CHECKABLE(
            "gradient of {0} not verified at compile time: float64 finite differences could not check it at any of the {1} points tried ({2}); this does not mean that the derivative is wrong",
            "test this gradient at inputs of your own and set @Differentiable(verify = false), or build without -Afluxion.verify=strict, which makes an unchecked gradient an error"),
    GRADIENT_VERIFIED(
            "gradient of {0} verified at {1}",
            "-Afluxion.verify=on lists what was checked; leave the option out for a quiet build"),
    GRADIENT_PATHS_UNCHECKED(
            "gradient of {0}: no verified input point took {1}",
            "if the method can take these paths, check its gradient there in a test of your own"),
    GRADIENT_NOT_VERIFIED(
            "gradient of {0} not verified at compile time: {1}",
            "declare tensor shapes with @Shape(\"...\"), or set @Differentiable(verify = false)"),
    INVALID_RULE_CALL(
            "cannot differentiate {0}: the @Derivative rule of {1} has errors (reported on the rule)",
            "fix the rule, or remove its @Derivative annotation and make {1} @Differentiable"),
    DERIVATIVE_NO_PRIMAL(
            "@Derivative(of = \"{0}\") names no method of this class",
            "name a static method declared in the same class"),
    DERIVATIVE_SIGNATURE(
            "@Derivative rule {0} does not match its primal {1}: {2}",
            "declare it as {3}"),
    SHAPE_MISMATCH(
            "shape mismatch in {0}: {1} and {2}",
            "{3}"),
    BAD_SHAPE(
            "@Shape(\"{0}\") on `{1}`: {2}",
            "write dimension names or sizes separated by commas, such as @Shape(\"n,2\")"),
    LOOP_TAPE(
            "the backward pass of this loop saves {0} per iteration",
            "values computed from what the loop does not change are recomputed instead of saved"),
    HIDDEN_METHOD(
            "@Differentiable on a method of {0} class is not supported: javac does not show such methods to annotation processors, so no gradient would be generated",
            "move the method into a named top-level or member class (a static nested class works), and call it from here"),
    GENERATED_CLASS_EXISTS(
            "cannot generate {0} for the @Differentiable methods of {1}: a type named {0} already exists",
            "rename that type: Fluxion puts the gradients of the methods of {1} in the generated class {0}"),
    CODE_TOO_LARGE(
            "the code generated for {0} is too large for a Java method ({1}; the JVM allows 65,535 bytes per method)",
            "split {0} into several @Differentiable methods that call each other, or compute repeated terms in a loop or with Tensor operations"),
    TOO_DEEP(
            "the expression in {0} is nested too deeply for the processor (its stack overflowed)",
            "split the expression into locals (double a = ...; double b = a + ...;), or run javac with a larger stack (-J-Xss8m)"),
    PROCESSOR_BUG(
            "Fluxion processor bug while processing {0}: {1}",
            "please report it with this method's source; meanwhile exclude the method from @Differentiable");

    private final String text;
    private final String hint;

    Messages(String text, String hint) {
        this.text = text;
        this.hint = hint;
    }

    /** The message with its arguments filled in, followed by the hint. */
    public String format(Object... args) {
        return fill(text, args) + " (hint: " + fill(hint, args) + ")";
    }

    private static String fill(String pattern, Object... args) {
        return new MessageFormat(pattern.replace("'", "''")).format(args);
    }
}
