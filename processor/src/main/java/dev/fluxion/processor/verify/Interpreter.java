package dev.fluxion.processor.verify;

import dev.fluxion.Tensor;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Names;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Evaluates IR in float64, inside javac: a method's body (the primal), a derived method's forward
 * statements, and its backward statements with a given cotangent. Known operations run on the
 * runtime's own {@code Tensor}/{@code F}/{@code Derivatives}; calls to other differentiable
 * methods run their IR (their pullbacks their derived backward IR).
 */
final class Interpreter {
    /** A bound on statements run, so a loop that never ends cannot hang javac. */
    private static final long STEP_LIMIT = 5_000_000;
    /** The value {@code model} stands for: field reads go to {@link #fields}. */
    static final ModelRef MODEL = new ModelRef(List.of());

    /**
     * A model during evaluation: the path of fields from the outermost model to it, {@code []} for
     * the outermost, {@code [b1]} for its {@code Module} field {@code b1}. A field read in a method
     * running on it reads {@code path + field}.
     */
    record ModelRef(List<String> path) {
        ModelRef {
            path = List.copyOf(path);
        }

        List<String> resolve(List<String> field) {
            List<String> full = new java.util.ArrayList<>(path);
            full.addAll(field);
            return full;
        }

        @Override
        public String toString() {
            return path.isEmpty() ? "model" : "model." + String.join(".", path);
        }
    }

    private final Registry registry;
    private final Function<List<String>, Object> fields;
    private long steps;
    /** Where branch outcomes go; null when the path is not recorded. */
    private PathRecorder recorder;
    /** Whether to watch arithmetic and call results for infinities and NaN. */
    private boolean watchOverflow;
    private boolean overflowed;
    /** Where floating operations are logged ({@link RoundingTrace}); null when not traced. */
    private RoundingTrace trace;

    /** An interpreter over {@code registry}, reading {@code this}'s fields through {@code fields}. */
    Interpreter(Registry registry, Function<List<String>, Object> fields) {
        this.registry = registry;
        this.fields = fields;
    }

    /** This interpreter, recording the paths it takes through {@code r}'s sites. */
    Interpreter recording(PathRecorder r) {
        this.recorder = r;
        return this;
    }

    /** This interpreter, noting whether an intermediate value overflows ({@link #overflowed()}). */
    Interpreter watchingOverflow() {
        this.watchOverflow = true;
        return this;
    }

    /** This interpreter, logging each floating-point operation's operands and result to {@code t}. */
    Interpreter tracing(RoundingTrace t) {
        this.trace = t;
        return this;
    }

    /** Whether an operation's result was infinite or NaN (when {@link #watchingOverflow() watched}). */
    boolean overflowed() {
        return overflowed;
    }

    /** Statements evaluated so far. */
    long steps() {
        return steps;
    }

    /** Runs {@code m}'s body on {@code args} and returns its result. */
    Object call(MethodIr m, List<Object> args) {
        return call(m, args, MODEL);
    }

    /** Runs {@code m}'s body on {@code args}, its field reads on {@code model}. */
    private Object call(MethodIr m, List<Object> args, ModelRef model) {
        Map<String, Object> env = bind(m.params(), args);
        Frame f = new Frame(env, model);
        if (f.block(m.body().stmts()) != Flow.RETURN) {
            throw new EvalException(m.name() + " ended without returning a value");
        }
        return Values.coerce(f.returned, m.returnType());
    }

    /** Runs {@code d}'s forward statements: the result and the locals its backward pass reads. */
    Pullback forward(DerivedMethod d, List<Object> args) {
        Map<String, Object> env = bind(d.method().params(), args);
        // A Module method's first argument is its model: this class's, or a Module field's.
        ModelRef model = d.method().takesModel() && !args.isEmpty() && args.get(0) instanceof ModelRef r ? r : MODEL;
        env.put(Names.MODEL, model);
        Frame f = new Frame(env, model);
        if (f.block(d.forward()) == Flow.RETURN) {
            return new Pullback(d, env, f.returned);
        }
        return new Pullback(d, env, Values.coerce(f.eval(d.result()), d.method().returnType()));
    }

    /** Runs the backward statements of {@code p} with the result's cotangent {@code g}. */
    GradientValues backward(Pullback p, Object g) {
        Map<String, Object> env = new HashMap<>(p.forwardLocals());
        env.replaceAll((k, v) -> Values.copy(v));
        env.put(p.method().cotangent(), g);
        Frame f = new Frame(env, p.forwardLocals().get(Names.MODEL) instanceof ModelRef r ? r : MODEL);
        f.block(p.method().backward());
        Map<String, Object> out = new LinkedHashMap<>();
        for (DerivedMethod.Gradient gr : p.method().gradients()) {
            out.put(gr.name(), Values.coerce(f.eval(gr.value()), gr.type()));
        }
        return new GradientValues(p.value(), out);
    }

    /**
     * Runs {@code d}'s one-pass {@code fGrad} ({@link DerivedMethod#fusedGrad}, not empty): the
     * value and the gradients for the seed cotangent 1.
     */
    GradientValues fusedGrad(DerivedMethod d, List<Object> args) {
        Map<String, Object> env = bind(d.method().params(), args);
        env.put(Names.MODEL, MODEL);
        Frame f = new Frame(env, MODEL);
        f.block(d.fusedGrad());
        Map<String, Object> out = new LinkedHashMap<>();
        for (DerivedMethod.Gradient gr : d.gradients()) {
            out.put(gr.name(), Values.coerce(f.eval(gr.value()), gr.type()));
        }
        return new GradientValues(Values.coerce(f.eval(d.result()), d.method().returnType()), out);
    }

    private static Map<String, Object> bind(List<Param> params, List<Object> args) {
        Map<String, Object> env = new HashMap<>();
        int offset = args.size() - params.size(); // a leading model argument
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            env.put(p.name(), Values.coerce(Values.copy(args.get(i + offset)), p.type()));
        }
        return env;
    }

    private enum Flow { NORMAL, BREAK, CONTINUE, RETURN }

    /** One activation: its locals and, once returned, its result. */
    private final class Frame {
        private final Map<String, Object> env;
        private final ModelRef model;
        private Object returned;

        Frame(Map<String, Object> env, ModelRef model) {
            this.env = env;
            this.model = model;
        }

        Flow block(List<Stmt> stmts) {
            for (Stmt s : stmts) {
                Flow flow = exec(s);
                if (flow != Flow.NORMAL) {
                    return flow;
                }
            }
            return Flow.NORMAL;
        }

        Flow exec(Stmt s) {
            if (++steps > STEP_LIMIT) {
                throw new EvalException("more than " + STEP_LIMIT + " statements evaluated (a loop that does not end?)");
            }
            switch (s) {
                case Stmt.Let l -> env.put(l.name(), l.init() == null ? defaultValue(l.type())
                        : Values.coerce(eval(l.init()), l.type()));
                case Stmt.Assign a -> env.put(a.name(), Values.coerce(eval(a.value()), typeOf(a.name(), a.value())));
                case Stmt.ArrayAccumulate a -> {
                    Object array = env.get(a.array());
                    int i = Values.toInt(eval(a.index()));
                    Object v = eval(a.value());
                    switch (array) {
                        case double[] d -> d[i] += Values.toDouble(v);
                        case null, default -> throw new EvalException("cannot accumulate into " + a.array());
                    }
                }
                case Stmt.ArrayStore a -> {
                    Object array = env.get(a.array());
                    int i = Values.toInt(eval(a.index()));
                    Object v = eval(a.value());
                    switch (array) {
                        case double[] d -> d[i] = Values.toDouble(v);
                        case int[] d -> d[i] = Values.toInt(v);
                        case long[] d -> d[i] = ((Number) v).longValue();
                        case boolean[] d -> d[i] = Values.toBoolean(v);
                        case null, default -> throw new EvalException("cannot write into " + a.array());
                    }
                }
                case Stmt.Return r -> {
                    returned = eval(r.value());
                    return Flow.RETURN;
                }
                case Stmt.ExprStmt e -> eval(e.expr());
                case Stmt.Block b -> {
                    return block(b.stmts());
                }
                case Stmt.If i -> {
                    boolean taken = Values.toBoolean(eval(i.condition()));
                    if (recorder != null) {
                        recorder.branch(i, taken);
                    }
                    return taken ? block(i.then().stmts()) : block(i.otherwise().stmts());
                }
                case Stmt.While w -> {
                    int trips = 0;
                    while (Values.toBoolean(eval(w.condition()))) {
                        trips++;
                        Flow f = loopBody(w.body());
                        if (f == Flow.BREAK || f == Flow.RETURN) {
                            return left(w, f, trips);
                        }
                    }
                    return left(w, Flow.NORMAL, trips);
                }
                case Stmt.DoWhile d -> {
                    int trips = 0;
                    do {
                        trips++;
                        Flow f = loopBody(d.body());
                        if (f == Flow.BREAK || f == Flow.RETURN) {
                            return left(d, f, trips);
                        }
                    } while (Values.toBoolean(eval(d.condition())));
                    return left(d, Flow.NORMAL, trips);
                }
                case Stmt.For f -> {
                    for (Stmt init : f.init()) {
                        exec(init);
                    }
                    int trips = 0;
                    while (f.condition() == null || Values.toBoolean(eval(f.condition()))) {
                        trips++;
                        Flow flow = loopBody(f.body());
                        if (flow == Flow.BREAK || flow == Flow.RETURN) {
                            return left(f, flow, trips);
                        }
                        for (Stmt u : f.update()) {
                            exec(u);
                        }
                    }
                    return left(f, Flow.NORMAL, trips);
                }
                case Stmt.Break b -> {
                    return Flow.BREAK;
                }
                case Stmt.Continue c -> {
                    return Flow.CONTINUE;
                }
                case Stmt.Unsupported u -> throw new EvalException("cannot evaluate " + u.what());
            }
            return Flow.NORMAL;
        }

        /** Records how {@code loop} was left ({@code how}: normally, by break or by return); the flow after it. */
        private Flow left(Stmt loop, Flow how, int trips) {
            if (recorder != null) {
                recorder.loopExit(loop, switch (how) {
                    case BREAK -> BranchSites.Outcome.EXIT_BREAK;
                    case RETURN -> BranchSites.Outcome.EXIT_RETURN;
                    default -> BranchSites.Outcome.EXIT_CONDITION;
                }, trips);
            }
            return how == Flow.RETURN ? Flow.RETURN : Flow.NORMAL;
        }

        private Flow loopBody(Stmt.Block body) {
            if (++steps > STEP_LIMIT) {
                throw new EvalException("more than " + STEP_LIMIT + " steps evaluated (a loop that does not end?)");
            }
            Flow f = block(body.stmts());
            return f == Flow.CONTINUE ? Flow.NORMAL : f;
        }

        /** The declared type of an assigned local is the type of its current value's kind. */
        private Type typeOf(String name, Expr value) {
            Object current = env.get(name);
            if (current instanceof Integer) {
                return Type.Prim.INT;
            }
            if (current instanceof Long) {
                return Type.Prim.LONG;
            }
            if (current instanceof Double) {
                return Type.Prim.DOUBLE;
            }
            return value.type();
        }

        Object eval(Expr e) {
            Object v = value(e);
            if (watchOverflow && !overflowed && (e instanceof Expr.Binary || e instanceof Expr.Unary
                    || e instanceof Expr.Call) && !Values.finite(v)) {
                overflowed = true;
            }
            return v;
        }

        private Object value(Expr e) {
            return switch (e) {
                case Expr.Var v -> {
                    if (!env.containsKey(v.name())) {
                        throw new EvalException("no value for `" + v.name() + "`");
                    }
                    yield env.get(v.name());
                }
                case Expr.Literal l -> Values.literal(l.text(), l.type());
                case Expr.EnumConst c -> enumConstant(c);
                case Expr.FieldRead f -> fields.apply(model.resolve(f.path()));
                case Expr.Binary b -> binary(b);
                case Expr.Unary u -> unary(u);
                case Expr.Conditional c -> {
                    boolean taken = Values.toBoolean(eval(c.condition()));
                    if (recorder != null) {
                        recorder.branch(c, taken);
                    }
                    // Java promotes both sides to the ?:'s type: `k == 1 ? k : a` is a double.
                    yield Values.coerce(taken ? eval(c.whenTrue()) : eval(c.whenFalse()), c.type());
                }
                case Expr.Cast c -> Values.coerce(eval(c.operand()), c.type());
                case Expr.Call c -> call(c);
                case Expr.ArrayRead a -> arrayRead(eval(a.array()), Values.toInt(eval(a.index())));
                case Expr.ArrayLength a -> java.lang.reflect.Array.getLength(eval(a.array()));
                case Expr.NewArray n -> newArray(n);
                case Expr.Unsupported u -> throw new EvalException("cannot evaluate " + u.what());
            };
        }

        private Object binary(Expr.Binary b) {
            switch (b.op()) {
                case AND -> {
                    return Values.toBoolean(eval(b.left())) && Values.toBoolean(eval(b.right()));
                }
                case OR -> {
                    return Values.toBoolean(eval(b.left())) || Values.toBoolean(eval(b.right()));
                }
                default -> { }
            }
            Object l = eval(b.left());
            Object r = eval(b.right());
            if (!(l instanceof Number) || !(r instanceof Number)) {
                return referenceBinary(b.op(), l, r);
            }
            // a shift has its left operand's type (int << long is an int)
            Type t = b.op().isShift() ? numberType(l) : Type.promote(numberType(l), numberType(r));
            return switch (b.op()) {
                case LT -> Values.toDouble(l) < Values.toDouble(r);
                case GT -> Values.toDouble(l) > Values.toDouble(r);
                case LE -> Values.toDouble(l) <= Values.toDouble(r);
                case GE -> Values.toDouble(l) >= Values.toDouble(r);
                case EQ -> t == Type.Prim.DOUBLE ? Values.toDouble(l) == Values.toDouble(r)
                        : ((Number) l).longValue() == ((Number) r).longValue();
                case NE -> t == Type.Prim.DOUBLE ? Values.toDouble(l) != Values.toDouble(r)
                        : ((Number) l).longValue() != ((Number) r).longValue();
                default -> {
                    Object v = arithmetic(b.op(), t, (Number) l, (Number) r);
                    if (trace != null && v instanceof Double d) {
                        trace.add(false, false, d, List.of(l, r));
                    }
                    yield v;
                }
            };
        }

        private static Type numberType(Object v) {
            return v instanceof Integer ? Type.Prim.INT : v instanceof Long ? Type.Prim.LONG : Type.Prim.DOUBLE;
        }

        private static Object arithmetic(Expr.BinOp op, Type t, Number l, Number r) {
            if (t == Type.Prim.DOUBLE) {
                double a = l.doubleValue();
                double b = r.doubleValue();
                return switch (op) {
                    case PLUS -> a + b;
                    case MINUS -> a - b;
                    case TIMES -> a * b;
                    case DIVIDE -> a / b;
                    case REMAINDER -> a % b;
                    default -> throw new EvalException("operator " + op.symbol());
                };
            }
            if (t == Type.Prim.LONG) {
                long a = l.longValue();
                long b = r.longValue();
                return switch (op) {
                    case PLUS -> a + b;
                    case MINUS -> a - b;
                    case TIMES -> a * b;
                    case DIVIDE -> a / b;
                    case REMAINDER -> a % b;
                    case BIT_AND -> a & b;
                    case BIT_OR -> a | b;
                    case XOR -> a ^ b;
                    case SHL -> a << b;
                    case SHR -> a >> b;
                    case USHR -> a >>> b;
                    default -> throw new EvalException("operator " + op.symbol());
                };
            }
            int a = l.intValue();
            int b = r.intValue();
            if ((op == Expr.BinOp.DIVIDE || op == Expr.BinOp.REMAINDER) && b == 0) {
                throw new EvalException("integer division by zero");
            }
            return switch (op) {
                case PLUS -> a + b;
                case MINUS -> a - b;
                case TIMES -> a * b;
                case DIVIDE -> a / b;
                case REMAINDER -> a % b;
                case BIT_AND -> a & b;
                case BIT_OR -> a | b;
                case XOR -> a ^ b;
                case SHL -> a << b;
                case SHR -> a >> b;
                case USHR -> a >>> b;
                default -> throw new EvalException("operator " + op.symbol());
            };
        }

        /** Tensors only meet Java operators in null checks (and, defensively, arithmetic). */
        private static Object referenceBinary(Expr.BinOp op, Object l, Object r) {
            return switch (op) {
                case EQ -> l instanceof Boolean ? l.equals(r) : l == r;
                case NE -> l instanceof Boolean ? !l.equals(r) : l != r;
                case PLUS -> Values.toTensor(l).plus(Values.toTensor(r));
                case MINUS -> Values.toTensor(l).minus(Values.toTensor(r));
                case TIMES -> Values.toTensor(l).times(Values.toTensor(r));
                case DIVIDE -> Values.toTensor(l).div(Values.toTensor(r));
                default -> throw new EvalException("operator " + op.symbol() + " on " + Values.describe(l));
            };
        }

        private Object unary(Expr.Unary u) {
            Object v = eval(u.operand());
            return switch (u.op()) {
                case NOT -> !Values.toBoolean(v);
                case PLUS -> v;
                case COMPLEMENT -> v instanceof Long l ? ~l : ~Values.toInt(v);
                case NEG -> switch (v) {
                    case Tensor t -> t.neg();
                    case Integer i -> -i;
                    case Long l -> -l;
                    default -> -Values.toDouble(v);
                };
            };
        }

        private Object call(Expr.Call c) {
            List<Object> args = new java.util.ArrayList<>();
            for (int i = 0; i < c.args().size(); i++) {
                Expr a = c.args().get(i);
                // A Module method's vjp runs on a model: this one, or a Module field (model.b1).
                args.add(i == 0 && a instanceof Expr.FieldRead f && takesModel(c)
                        ? new ModelRef(model.resolve(f.path())) : eval(a));
            }
            Object result = switch (c.callee()) {
                case Callee.Known k -> OpCalls.known(k.op(), args);
                // A runtime layer's forward pass: the layer itself, as the generated code calls it.
                case Callee.User u when Callee.isLayerForward(u.method()) -> args.getFirst() instanceof LayerFields.ListOf seq
                        ? sequenceForward(seq, args.get(1))
                        : OpCalls.callStatic(u.method().ownerQualifiedName(), u.method().name(), args);
                // A method of the user's own module on an element of a list: the element is the model.
                case Callee.User u when Callee.isOnElement(u.method()) -> {
                    var target = registry.plain(u.method().key())
                            .orElseThrow(() -> new EvalException("cannot evaluate " + u.method().name()
                                    + " (its IR is not available)"));
                    if (!(args.getFirst() instanceof ModelRef element)) {
                        throw new EvalException(u.method().name() + " on " + Values.describe(args.getFirst())
                                + ", not an element of a list of modules");
                    }
                    yield Interpreter.this.call(target, args.subList(1, args.size()), element);
                }
                case Callee.User u -> {
                    var target = registry.plain(u.method().key())
                            .orElseThrow(() -> new EvalException("cannot evaluate " + u.method().name()
                                    + " (its IR is not available)"));
                    yield Interpreter.this.call(target, args, new ModelRef(model.resolve(u.receiver())));
                }
                case Callee.Static s -> staticCall(s, args);
                case Callee.Instance i -> instanceCall(i.name(), args);
            };
            if (trace != null && result instanceof Double d) {
                trace.add(RoundingTrace.selects(c.callee()), RoundingTrace.periodic(c.callee()), d, args);
            }
            return Values.coerce(result, c.type());
        }

        private boolean takesModel(Expr.Call c) {
            return c.callee() instanceof Callee.Static s && registry.vjp(s.ownerQualifiedName(), s.name())
                    .map(d -> d.method().takesModel()).orElse(false);
        }

        private Object staticCall(Callee.Static s, List<Object> args) {
            if (s.ownerQualifiedName().equals(FieldScan.LAYERS) && !args.isEmpty()
                    && args.getFirst() instanceof LayerFields.ListOf list) {
                return listCall(s.name(), list, args);
            }
            if (s.ownerQualifiedName().equals(LAYERS_GRAD) && !args.isEmpty()
                    && args.getFirst() instanceof LayerFields.ListOf seq) {
                return switch (s.name()) {
                    case "forward" -> sequenceForward(seq, args.get(1));
                    case "forwardVjp" -> sequenceVjp(seq, args.get(1));
                    default -> throw new EvalException("LayersGrad." + s.name() + " on a Sequential holding modules of its own");
                };
            }
            var vjp = registry.vjp(s.ownerQualifiedName(), s.name());
            if (vjp.isPresent()) {
                return Interpreter.this.forward(vjp.get(), args);
            }
            var gradient = registry.gradient(s.ownerQualifiedName(), s.name());
            if (gradient.isPresent()) {
                // OtherGrad.fGrad(x) and fHvp(x, v) inside a nested call's adapter: seed 1 (a Tensor of
                // ones for a Tensor method's scalar result, as the generated fGrad seeds it).
                Pullback p = Interpreter.this.forward(gradient.get(), args);
                return backward(p, p.value() instanceof dev.fluxion.Tensor t ? dev.fluxion.Tensor.onesLike(t) : 1.0);
            }
            var plain = registry.plain(s.ownerQualifiedName() + "#" + s.name());
            if (plain.isPresent()) {
                return Interpreter.this.call(plain.get(), args);
            }
            return OpCalls.callStatic(s.ownerQualifiedName(), s.name(), args);
        }

        /**
         * {@code Layers.size(list)} and {@code Layers.at(list, i)} on a list field of a point: a
         * runtime layer element reads as its live layer, one of the user's own modules as the model
         * at the element's path.
         */
        private Object listCall(String name, LayerFields.ListOf list, List<Object> args) {
            if (name.equals("size")) {
                return list.size();
            }
            if (name.equals("at") && args.size() == 2) {
                int i = Values.toInt(args.get(1));
                if (i < 0 || i >= list.size()) {
                    throw new EvalException("layer index " + i + " out of range for a list of " + list.size() + " layers",
                            new IndexOutOfBoundsException(i));
                }
                return list.modules().get(i) ? new ModelRef(list.element(i)) : fields.apply(list.element(i));
            }
            throw new EvalException("Layers." + name + " on a list of modules");
        }

        /**
         * {@code seq.forward(x)} on a {@code Sequential} holding the user's own modules: its
         * elements in order, a runtime layer through its live layer, one of the user's modules
         * through its {@code forward} with the element as the model.
         */
        private Object sequenceForward(LayerFields.ListOf seq, Object x) {
            Object h = x;
            for (int k = 0; k < seq.size(); k++) {
                h = seq.modules().get(k)
                        ? Interpreter.this.call(elementForward(seq, k), List.of(h), new ModelRef(seq.element(k)))
                        : OpCalls.callStatic(FieldScan.LAYERS, FieldScan.FORWARD, List.of(fields.apply(seq.element(k)), h));
            }
            return h;
        }

        /**
         * The pullback of {@code seq.forward(x)}, as {@code LayersGrad.forwardVjp} composes it: a
         * runtime layer's own pullback, the derived forward pass of one of the user's modules.
         */
        private SequencePullback sequenceVjp(LayerFields.ListOf seq, Object x) {
            List<Object> steps = new java.util.ArrayList<>();
            Object h = x;
            for (int k = 0; k < seq.size(); k++) {
                if (seq.modules().get(k)) {
                    DerivedMethod d = registry.derived(elementForward(seq, k).self().key())
                            .orElseThrow(() -> new EvalException("cannot evaluate the pullback of " + seq + " (no derived forward)"));
                    Pullback p = Interpreter.this.forward(d, List.of(new ModelRef(seq.element(k)), h));
                    steps.add(p);
                    h = p.value();
                } else {
                    Object p = OpCalls.callStatic(LAYERS_GRAD, "forwardVjp", List.of(fields.apply(seq.element(k)), h));
                    steps.add(p);
                    h = OpCalls.callInstance(p, Names.VALUE, List.of());
                }
            }
            return new SequencePullback(steps, h);
        }

        /** The backward pass of a {@link SequencePullback}: its steps last to first; the input's cotangent as {@code x}. */
        private GradientValues sequenceBackward(SequencePullback sp, Object g) {
            Object gi = g;
            for (int k = sp.steps().size() - 1; k >= 0 && gi != null; k--) {
                Object step = sp.steps().get(k);
                if (step instanceof Pullback p) {
                    GradientValues gv = backward(p, gi);
                    gi = gv.components().get(inputGradient(p.method()));
                } else {
                    gi = OpCalls.callInstance(OpCalls.callInstance(step, Names.BACKWARD, List.of(gi)), "x", List.of());
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("x", gi);
            return new GradientValues(sp.value(), out);
        }

        private Object instanceCall(String name, List<Object> args) {
            Object receiver = args.get(0);
            List<Object> rest = args.subList(1, args.size());
            if (receiver instanceof SequencePullback sp) {
                if (name.equals(Names.VALUE)) {
                    return sp.value();
                }
                if (name.equals(Names.BACKWARD)) {
                    return sequenceBackward(sp, rest.get(0));
                }
            }
            if (receiver instanceof Pullback p) {
                if (name.equals(Names.VALUE)) {
                    return p.value();
                }
                if (name.equals(Names.BACKWARD)) {
                    return backward(p, rest.get(0));
                }
            }
            if (receiver instanceof GradientValues g) {
                if (name.equals(Names.VALUE)) {
                    return g.value();
                }
                if (g.components().containsKey(name)) {
                    return g.components().get(name);
                }
            }
            return OpCalls.callInstance(receiver, name, rest);
        }

        private static Object arrayRead(Object array, int i) {
            return switch (array) {
                case double[] d -> d[i];
                case int[] a -> a[i];
                case long[] a -> a[i];
                case boolean[] a -> a[i];
                case Object[] rows -> rows[i]; // a row of 2-D data
                case null, default -> throw new EvalException("cannot index " + Values.describe(array));
            };
        }

        private Object newArray(Expr.NewArray n) {
            Type.Prim element = n.type().element();
            int length = n.length() != null ? Values.toInt(eval(n.length())) : n.elements().size();
            Object array = switch (element) {
                case DOUBLE, FLOAT -> new double[length];
                case LONG -> new long[length];
                case BOOLEAN -> new boolean[length];
                default -> new int[length];
            };
            for (int i = 0; i < n.elements().size(); i++) {
                Object v = Values.coerce(eval(n.elements().get(i)), element);
                java.lang.reflect.Array.set(array, i, v);
            }
            return array;
        }
    }

    /** {@code LayersGrad}: the pullbacks of the runtime's layers and of a {@code Sequential}. */
    private static final String LAYERS_GRAD = "dev.fluxion.nn.LayersGrad";

    /**
     * The pullback of a {@code Sequential} holding the user's own modules: per element, a runtime
     * layer's live pullback or a {@link Pullback} of the module's derived forward pass.
     */
    private record SequencePullback(List<Object> steps, Object value) {}

    /** The {@code forward} of the user's module at element {@code k} of {@code seq}. */
    private MethodIr elementForward(LayerFields.ListOf seq, int k) {
        String cls = seq.classes().get(k);
        return registry.plain(cls + "#" + FieldScan.FORWARD)
                .orElseThrow(() -> new EvalException("cannot evaluate forward of " + cls + " (its IR is not available)"));
    }

    /** The name of the gradient of a module forward pass's tensor input in its derived method. */
    private static String inputGradient(DerivedMethod d) {
        List<Param> params = d.method().params();
        Param input = params.getLast();
        for (DerivedMethod.Gradient gr : d.gradients()) {
            if (gr.name().equals(input.name())) {
                return gr.name();
            }
        }
        if (d.gradients().isEmpty()) {
            return null; // a @NoGrad input: no cotangent reaches the elements before
        }
        if (d.gradients().size() == 1) {
            return d.gradients().getFirst().name();
        }
        throw new EvalException("cannot tell which gradient of " + d.method().name() + " is its input's");
    }

    private static Object defaultValue(Type t) {
        return switch (t) {
            case Type.Prim p when p == Type.Prim.DOUBLE || p == Type.Prim.FLOAT -> 0.0;
            case Type.Prim p when p == Type.Prim.LONG -> 0L;
            case Type.Prim p when p == Type.Prim.BOOLEAN -> false;
            case Type.Prim p when p.isNumeric() -> 0;
            default -> null;
        };
    }

    private static Object enumConstant(Expr.EnumConst c) {
        try {
            Class<?> type = Class.forName(c.ownerQualifiedName(), true, Interpreter.class.getClassLoader());
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(c.name())) {
                    return constant;
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // fall through
        }
        throw new EvalException("cannot evaluate " + c.ownerQualifiedName() + "." + c.name() + " at compile time");
    }
}
