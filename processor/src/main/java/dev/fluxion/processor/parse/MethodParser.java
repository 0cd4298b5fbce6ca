package dev.fluxion.processor.parse;

import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Expr.Reason;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.NestedCall;
import dev.fluxion.processor.model.SampleArgument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * The parse phase: a {@code @Differentiable} method's body (a javac tree) to a typed IR method.
 * Constructs outside the supported subset become {@code Unsupported} nodes, which {@code check}
 * reports; parsing itself never fails on user code.
 */
public final class MethodParser {
    private final Trees trees;
    private final Elements elements;
    private final Map<String, NestedCall> nested = new LinkedHashMap<>();
    private final java.util.Set<ExecutableElement> helpers = new java.util.LinkedHashSet<>();
    private final java.util.Set<ExecutableElement> helpersParsed = new java.util.HashSet<>();

    public MethodParser(Trees trees, Elements elements) {
        this.trees = trees;
        this.elements = elements;
    }

    /**
     * The calls of generated derivative code ({@code OtherGrad.gGrad(x).x()}) in the methods parsed
     * so far, each once: the adapters the callers' generated classes must declare.
     */
    public List<NestedCall> nestedCalls() {
        return List.copyOf(nested.values());
    }

    /** Parses {@code method}, which must have a body. */
    public MethodIr parse(ExecutableElement method) {
        TreePath path = trees.getPath(method);
        CompilationUnitTree unit = path.getCompilationUnit();
        MethodTree tree = (MethodTree) path.getLeaf();
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        boolean instance = !method.getModifiers().contains(Modifier.STATIC);
        ParseContext cx = new ParseContext(trees, elements, unit, owner, instance, nested);
        Callee.UserMethod self = Signatures.userMethod(method);
        List<Param> params = new ArrayList<>();
        for (int i = 0; i < method.getParameters().size(); i++) {
            VariableElement p = method.getParameters().get(i);
            String name = p.getSimpleName().toString();
            Type type = self.paramTypes().get(i);
            cx.declare(name, type);
            params.add(new Param(cx.irName(name), type, self.differentiable().get(i), cx.pos(tree.getParameters().get(i))));
        }
        ExprParser exprs = new ExprParser(cx);
        Statements statements = new Statements(cx, exprs);
        // An abstract or native method has no body: parsing never fails, the checks say what is wrong.
        Stmt.Block body = tree.getBody() != null ? statements.block(tree.getBody())
                : new Stmt.Block(List.of(new Stmt.Unsupported(Reason.CONSTRUCT, "a method without a body",
                        cx.pos(tree))), cx.pos(tree));
        body = withTables(body, exprs);
        helpers.addAll(cx.helpers);
        String pkg = elements.getPackageOf(owner).getQualifiedName().toString();
        String qualified = owner.getQualifiedName().toString();
        String simple = pkg.isEmpty() ? qualified : qualified.substring(pkg.length() + 1);
        return new MethodIr(self, pkg, simple, TypeMapper.isSubclassOf(owner, TypeMapper.MODULE), params, body,
                cx.pos(tree));
    }

    /** {@code body} with the local copies of the constant tables it reads declared first. */
    private static Stmt.Block withTables(Stmt.Block body, ExprParser exprs) {
        if (exprs.tables.copies().isEmpty()) {
            return body;
        }
        List<Stmt> out = new ArrayList<>(exprs.tables.copies());
        out.addAll(body.stmts());
        return new Stmt.Block(out, body.pos());
    }

    /**
     * The example arguments of {@code @Differentiable(verifyWith = name)} on {@code method}: one
     * method without parameters per argument, each the sample method's statements then
     * {@code return} that argument; or what is wrong with the sample method.
     *
     * @param values the arguments (empty where {@code problem} is set)
     * @param problem why there is no sample (null where there is one)
     */
    public record Sample(List<SampleArgument> values, String problem) {}

    /** Parses the sample method {@code name} of {@code method}'s class (see {@link Sample}). */
    public Sample parseSample(ExecutableElement method, String name) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        ExecutableElement found = javax.lang.model.util.ElementFilter.methodsIn(owner.getEnclosedElements()).stream()
                .filter(m -> m.getSimpleName().contentEquals(name) && m.getParameters().isEmpty()
                        && m.getModifiers().contains(Modifier.STATIC))
                .findFirst().orElse(null);
        TreePath path = found == null ? null : trees.getPath(found);
        if (path == null || ((MethodTree) path.getLeaf()).getBody() == null) {
            return new Sample(List.of(), "no static method " + name + "() with a body in " + owner.getSimpleName());
        }
        List<? extends StatementTree> stmts = ((MethodTree) path.getLeaf()).getBody().getStatements();
        if (stmts.isEmpty() || !(stmts.getLast() instanceof ReturnTree r)
                || !(r.getExpression() instanceof NewArrayTree array) || array.getInitializers() == null) {
            return new Sample(List.of(), name + "() must end with `return new Object[] {...};`, one value per parameter");
        }
        if (array.getInitializers().size() != method.getParameters().size()) {
            return new Sample(List.of(), name + "() returns " + array.getInitializers().size() + " values for "
                    + method.getParameters().size() + " parameters");
        }
        ParseContext cx = new ParseContext(trees, elements, path.getCompilationUnit(), owner, false, new LinkedHashMap<>());
        ExprParser exprs = new ExprParser(cx);
        Statements statements = new Statements(cx, exprs);
        List<Stmt> body = new ArrayList<>();
        for (StatementTree st : stmts.subList(0, stmts.size() - 1)) {
            body.addAll(statements.statements(st));
        }
        List<Expr> values = new ArrayList<>();
        List<Expr> rowLengths = new ArrayList<>();
        for (ExpressionTree e : array.getInitializers()) {
            // a 2-D local, used as a whole: its flat array, and its row length to cut it by
            Optional<ParseContext.Matrix> matrix = e instanceof IdentifierTree id
                    ? cx.matrixOf(id.getName().toString()) : Optional.empty();
            Expr v = matrix.isPresent() ? new Expr.Var(cx.irName(((IdentifierTree) e).getName().toString()),
                    cx.lookup(((IdentifierTree) e).getName().toString()).orElseThrow(), cx.pos(e)) : exprs.parse(e);
            if (v instanceof Expr.Unsupported u) {
                return new Sample(List.of(), "cannot evaluate `" + cx.rawText(e) + "` in " + name + "() (" + u.what()
                        + (u.reason() == Reason.MATRIX ? "; declare the 2-D array as a local and return the local" : "")
                        + ")");
            }
            values.add(v);
            rowLengths.add(matrix.map(m -> (Expr) new Expr.Var(m.cols(), Type.Prim.INT, cx.pos(e))).orElse(null));
        }
        helpers.addAll(cx.helpers);
        Callee.UserMethod self = Signatures.userMethod(found);
        String pkg = elements.getPackageOf(owner).getQualifiedName().toString();
        String simple = owner.getQualifiedName().toString().substring(pkg.isEmpty() ? 0 : pkg.length() + 1);
        List<SampleArgument> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Expr rowLength = rowLengths.get(i);
            out.add(new SampleArgument(returning(values.get(i), body, self, pkg, simple, path, exprs, cx),
                    rowLength == null ? null : returning(rowLength, body, self, pkg, simple, path, exprs, cx)));
        }
        return new Sample(out, null);
    }

    /** The sample method's statements, then {@code return v}, as a method without parameters. */
    private static MethodIr returning(Expr v, List<Stmt> body, Callee.UserMethod self, String pkg, String simple,
                                      TreePath path, ExprParser exprs, ParseContext cx) {
        List<Stmt> one = new ArrayList<>(body);
        one.add(new Stmt.Return(v, v.pos()));
        return new MethodIr(self, pkg, simple, false, List.of(),
                withTables(new Stmt.Block(one, cx.pos(path.getLeaf())), exprs), cx.pos(path.getLeaf()));
    }

    /**
     * The plain helpers called by the methods parsed so far (and by those helpers), each parsed once,
     * for the verifier to evaluate ({@code Registry.addPlain}): only those whose source is in this
     * compilation; another's compiled class cannot be loaded at compile time.
     */
    public List<MethodIr> helpersCalled() {
        List<MethodIr> out = new ArrayList<>();
        while (!helpers.isEmpty()) {
            ExecutableElement h = helpers.iterator().next();
            helpers.remove(h);
            if (helpersParsed.add(h) && trees.getPath(h) != null) {
                out.add(parse(h));
            }
        }
        return out;
    }

    /** Statement translation, with block scoping of locals. */
    private record Statements(ParseContext cx, ExprParser exprs) {

        Stmt.Block block(BlockTree tree) {
            return block(tree.getStatements(), cx.pos(tree));
        }

        /** {@code trees} in a scope of their own. */
        Stmt.Block block(List<? extends StatementTree> trees, Pos pos) {
            cx.enterScope();
            try {
                List<Stmt> out = new ArrayList<>();
                for (StatementTree s : trees) {
                    out.addAll(statements(s));
                }
                return new Stmt.Block(out, pos);
            } finally {
                cx.exitScope();
            }
        }

        private Stmt.Block body(StatementTree tree) {
            if (tree instanceof BlockTree b) {
                return block(b);
            }
            return block(List.of(tree), cx.pos(tree));
        }

        /**
         * One statement as the statements it means: itself, with the {@code ++}/{@code --} inside
         * its expressions before or after it ({@link Increments}), or a {@code switch}'s
         * {@code if} chain ({@link Switches}).
         */
        List<Stmt> statements(StatementTree tree) {
            if (tree instanceof com.sun.source.tree.SwitchTree s) {
                return Switches.statement(s, exprs, cx, this::block, cx.pos(tree));
            }
            if (tree instanceof VariableTree v && v.getType() instanceof ArrayTypeTree outer
                    && outer.getType() instanceof ArrayTypeTree) {
                return Matrices.local(v, exprs, cx);
            }
            if (!(tree instanceof VariableTree || tree instanceof ExpressionStatementTree || tree instanceof ReturnTree)) {
                Stmt s = statement(tree);
                return s == null ? List.of() : List.of(s);
            }
            Increments increments = new Increments(cx, tree);
            Stmt s = exprs.collecting(increments, () -> statement(tree));
            List<Stmt> out = new ArrayList<>(increments.before());
            out.add(s);
            if (!(s instanceof Stmt.Return)) {
                out.addAll(increments.after());
            }
            return out;
        }

        Stmt statement(StatementTree tree) {
            Pos pos = cx.pos(tree);
            return switch (tree) {
                case VariableTree v -> local(v, pos);
                case ExpressionStatementTree e -> expressionStatement(e.getExpression(), pos);
                case ReturnTree r -> r.getExpression() == null
                        ? new Stmt.Unsupported(Reason.CONSTRUCT, "`return;` without a value", pos)
                        : new Stmt.Return(exprs.parse(r.getExpression()), pos);
                case BlockTree b -> block(b);
                case IfTree i -> new Stmt.If(exprs.parse(i.getCondition()), body(i.getThenStatement()),
                        i.getElseStatement() == null ? new Stmt.Block(List.of(), pos) : body(i.getElseStatement()), pos);
                case WhileLoopTree w -> new Stmt.While(exprs.parse(w.getCondition()), body(w.getStatement()), pos);
                case DoWhileLoopTree d -> new Stmt.DoWhile(body(d.getStatement()), exprs.parse(d.getCondition()), pos);
                case ForLoopTree f -> forLoop(f, pos);
                case com.sun.source.tree.EnhancedForLoopTree f -> enhancedFor(f, pos);
                case BreakTree b -> b.getLabel() == null ? new Stmt.Break(pos)
                        : new Stmt.Unsupported(Reason.LABELED_JUMP, "a labeled `break " + b.getLabel() + "`", pos);
                case ContinueTree c -> c.getLabel() == null ? new Stmt.Continue(pos)
                        : new Stmt.Unsupported(Reason.LABELED_JUMP, "a labeled `continue " + c.getLabel() + "`", pos);
                // A label alone changes nothing; a labeled break or continue inside is reported.
                case com.sun.source.tree.LabeledStatementTree l -> statement(l.getStatement());
                default -> switch (tree.getKind()) {
                    case EMPTY_STATEMENT, ASSERT -> null;
                    default -> new Stmt.Unsupported(Reason.CONSTRUCT, describe(tree), pos);
                };
            };
        }

        private static String describe(Tree tree) {
            return switch (tree.getKind()) {
                case TRY -> "try";
                case SYNCHRONIZED -> "synchronized";
                case THROW -> "throw";
                case ENHANCED_FOR_LOOP -> "an enhanced for loop";
                case CLASS, RECORD, INTERFACE, ENUM -> "a local class";
                default -> "`" + tree.getKind().name().toLowerCase().replace('_', ' ') + "`";
            };
        }

        private Stmt forLoop(ForLoopTree f, Pos pos) {
            cx.enterScope();
            try {
                List<Stmt> init = new ArrayList<>();
                for (StatementTree s : f.getInitializer()) {
                    init.add(statement(s));
                }
                Expr cond = f.getCondition() == null ? null : exprs.parse(f.getCondition());
                List<Stmt> update = new ArrayList<>();
                for (ExpressionStatementTree s : f.getUpdate()) {
                    update.add(statement(s));
                }
                return new Stmt.For(init, cond, update, body(f.getStatement()), pos);
            } finally {
                cx.exitScope();
            }
        }

        /**
         * {@code for (Linear l : layers) body} over a field holding modules: an indexed loop,
         * {@code for (int l_index = 0; l_index < Layers.size(layers); l_index++)}, in whose body
         * {@code l} stands for {@code Layers.at(layers, l_index)}. Over an array variable: {@link #forEach}.
         */
        private Stmt enhancedFor(com.sun.source.tree.EnhancedForLoopTree f, Pos pos) {
            Expr collection = exprs.parse(f.getExpression());
            if (collection instanceof Expr.Unsupported) {
                return new Stmt.ExprStmt(collection, pos);
            }
            java.util.Optional<String> element = exprs.layers.elementOf(collection);
            if (element.isEmpty()) {
                return forEach(f, pos);
            }
            String variable = f.getVariable().getName().toString();
            String index = indexName(variable);
            Pos at = cx.pos(f.getExpression());
            cx.enterScope();
            try {
                cx.declare(index, Type.Prim.INT);
                Expr i = new Expr.Var(cx.irName(index), Type.Prim.INT, at);
                List<Stmt> init = List.of(new Stmt.Let(cx.irName(index), Type.Prim.INT,
                        new Expr.Literal("0", Type.Prim.INT, at), at));
                Expr cond = new Expr.Binary(Expr.BinOp.LT, i, LayerCalls.size(collection, at), Type.Prim.BOOLEAN, at);
                List<Stmt> update = List.of(new Stmt.Assign(cx.irName(index), new Expr.Binary(Expr.BinOp.PLUS, i,
                        one(at), Type.Prim.INT, at), at));
                cx.enterScope();
                Stmt.Block body;
                try {
                    cx.alias(variable, LayerCalls.at(collection, i, element.get(), at));
                    body = body(f.getStatement());
                } finally {
                    cx.exitScope();
                }
                return new Stmt.For(init, cond, update, body, pos);
            } finally {
                cx.exitScope();
            }
        }

        /**
         * {@code for (double v : a) body} over an array local or parameter {@code a}: an indexed
         * loop, {@code for (int v_i = 0; v_i < a.length; v_i++) { double v = a[v_i]; body }}.
         */
        private Stmt forEach(com.sun.source.tree.EnhancedForLoopTree f, Pos pos) {
            Expr array = exprs.parse(f.getExpression());
            if (array instanceof Expr.Var data && Type.rowOf(data.type()) != null) {
                return forEachRow(f, data, pos); // for (double[] row : data) over @NoGrad 2-D data
            }
            if (!(array instanceof Expr.Var arr) || !(arr.type() instanceof Type.ArrayOf type)) {
                return new Stmt.Unsupported(Reason.CONSTRUCT, "an enhanced for loop over `" + f.getExpression()
                        + "` (only over an array variable, or a field holding modules: a List, array or ModuleList of layers)", pos);
            }
            Type declared = exprs.typeOf(f.getVariable().getType());
            Type elementType = declared != null ? declared : type.element();
            return indexedLoop(f, arr, elementType, i -> {
                Expr read = new Expr.ArrayRead(arr, i, type.element(), pos);
                return !elementType.equals(type.element()) && elementType.isNumeric()
                        ? new Expr.Cast(elementType, read, pos) : read;
            }, pos);
        }

        /**
         * {@code for (double[] row : data) body} over {@code @NoGrad} 2-D data: an indexed loop,
         * {@code for (int row_i = 0; row_i < data.length; row_i++) { double[] row = data[row_i]; body }}.
         */
        private Stmt forEachRow(com.sun.source.tree.EnhancedForLoopTree f, Expr.Var data, Pos pos) {
            Type.ArrayOf rowType = Type.rowOf(data.type());
            Type declared = exprs.typeOf(f.getVariable().getType());
            if (declared != null && !declared.equals(rowType)) {
                return new Stmt.Unsupported(Reason.CONSTRUCT, "an enhanced for loop over `" + f.getExpression()
                        + "` with a `" + f.getVariable().getType() + "` variable", pos);
            }
            return indexedLoop(f, data, rowType, i -> new Expr.ArrayRead(data, i, rowType, pos), pos);
        }

        /**
         * The indexed loop an enhanced for over an array becomes:
         * {@code for (int e_i = 0; e_i < array.length; e_i++) { T e = read(e_i); body }}, with
         * {@code e} declared as {@code elementType} in the body's scope.
         */
        private Stmt indexedLoop(com.sun.source.tree.EnhancedForLoopTree f, Expr.Var array, Type elementType,
                                 java.util.function.Function<Expr.Var, Expr> read, Pos pos) {
            cx.enterScope();
            try {
                String element = f.getVariable().getName().toString();
                String index = cx.unusedName(element + "_i");
                cx.declare(index, Type.Prim.INT);
                Expr.Var i = new Expr.Var(cx.irName(index), Type.Prim.INT, pos);
                Stmt init = new Stmt.Let(cx.irName(index), Type.Prim.INT, new Expr.Literal("0", Type.Prim.INT, pos), pos);
                Expr condition = new Expr.Binary(Expr.BinOp.LT, i, new Expr.ArrayLength(array, pos), Type.Prim.BOOLEAN,
                        pos);
                Stmt update = new Stmt.Assign(cx.irName(index), new Expr.Binary(Expr.BinOp.PLUS, i, one(pos),
                        Type.Prim.INT, pos), pos);
                cx.enterScope();
                try {
                    cx.declare(element, elementType);
                    List<Stmt> body = new ArrayList<>();
                    body.add(new Stmt.Let(cx.irName(element), elementType, read.apply(i), pos));
                    body.addAll(statements(f.getStatement()));
                    return new Stmt.For(List.of(init), condition, List.of(update), new Stmt.Block(body, pos), pos);
                } finally {
                    cx.exitScope();
                }
            } finally {
                cx.exitScope();
            }
        }

        /** A name for the hidden index of a loop over {@code variable}'s collection, used by nothing else. */
        private String indexName(String variable) {
            String name = variable + "_index";
            for (int k = 2; cx.inScope(name) || fieldNamed(name); k++) {
                name = variable + "_index" + k;
            }
            return name;
        }

        private boolean fieldNamed(String name) {
            return cx.elements.getAllMembers(cx.owner).stream().anyMatch(m -> m.getSimpleName().contentEquals(name));
        }

        private Stmt local(VariableTree v, Pos pos) {
            String name = v.getName().toString();
            Type declared = exprs.typeOf(v.getType());
            Expr init = v.getInitializer() == null ? null
                    : declared instanceof Type.ArrayOf array && v.getInitializer() instanceof NewArrayTree literal
                    && literal.getType() == null ? exprs.arrayLiteral(array, literal, cx.pos(literal))
                    : exprs.parse(v.getInitializer());
            Type type = declared != null ? declared : init == null ? Type.Prim.ERROR : init.type();
            cx.declare(name, type);
            if (type == Type.Prim.ERROR || type == Type.Prim.VOID) {
                return new Stmt.Unsupported(Reason.TYPE, v.getType() + " " + name, pos);
            }
            if (init != null && !type.equals(init.type()) && type.isNumeric() && init.type().isNumeric()) {
                init = new Expr.Cast(type, init, init.pos()); // widening, spelled out for the IR
            }
            return new Stmt.Let(cx.irName(name), type, init, pos);
        }

        private Stmt expressionStatement(ExpressionTree e, Pos pos) {
            return switch (e) {
                case AssignmentTree a -> assign(a.getVariable(), exprs.parse(a.getExpression()), pos);
                case CompoundAssignmentTree c -> {
                    Expr.BinOp op = switch (c.getKind()) {
                        case PLUS_ASSIGNMENT -> Expr.BinOp.PLUS;
                        case MINUS_ASSIGNMENT -> Expr.BinOp.MINUS;
                        case MULTIPLY_ASSIGNMENT -> Expr.BinOp.TIMES;
                        case DIVIDE_ASSIGNMENT -> Expr.BinOp.DIVIDE;
                        case REMAINDER_ASSIGNMENT -> Expr.BinOp.REMAINDER;
                        case AND_ASSIGNMENT -> Expr.BinOp.BIT_AND;
                        case OR_ASSIGNMENT -> Expr.BinOp.BIT_OR;
                        case XOR_ASSIGNMENT -> Expr.BinOp.XOR;
                        case LEFT_SHIFT_ASSIGNMENT -> Expr.BinOp.SHL;
                        case RIGHT_SHIFT_ASSIGNMENT -> Expr.BinOp.SHR;
                        case UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> Expr.BinOp.USHR;
                        default -> null;
                    };
                    if (op == null) {
                        yield new Stmt.Unsupported(Reason.CONSTRUCT, "the operator in `" + pos.source() + "`", pos);
                    }
                    yield compound(c.getVariable(), op, exprs.parse(c.getExpression()), pos);
                }
                case UnaryTree u when u.getKind() == Tree.Kind.POSTFIX_INCREMENT
                        || u.getKind() == Tree.Kind.PREFIX_INCREMENT ->
                        compound(u.getExpression(), Expr.BinOp.PLUS, one(pos), pos);
                case UnaryTree u when u.getKind() == Tree.Kind.POSTFIX_DECREMENT
                        || u.getKind() == Tree.Kind.PREFIX_DECREMENT ->
                        compound(u.getExpression(), Expr.BinOp.MINUS, one(pos), pos);
                default -> new Stmt.ExprStmt(exprs.parse(e), pos);
            };
        }

        private static Expr one(Pos pos) {
            return new Expr.Literal("1", Type.Prim.INT, pos);
        }

        private Stmt compound(ExpressionTree target, Expr.BinOp op, Expr rhs, Pos pos) {
            if (target instanceof com.sun.source.tree.ArrayAccessTree a && element(a) instanceof Expr.ArrayRead read
                    && !(rhs instanceof Expr.Unsupported)) {
                // a[i] op= v is a[i] = a[i] op v (expressions are pure: i is evaluated twice)
                if (!read.type().isNumeric() || !rhs.type().isNumeric()
                        || op.isBitwise() && (!read.type().isIntegral() || !rhs.type().isIntegral())) {
                    return new Stmt.Unsupported(Reason.CONSTRUCT, "`" + op.symbol() + "=` on " + read.type().javaName(), pos);
                }
                return assign(target, new Expr.Binary(op, read, rhs, Type.promote(read.type(), rhs.type()), pos), pos);
            }
            if (!(target instanceof IdentifierTree id) || cx.lookup(id.getName().toString()).isEmpty()) {
                return assign(target, rhs, pos);
            }
            Type type = cx.lookup(id.getName().toString()).get();
            Expr current = new Expr.Var(cx.irName(id.getName().toString()), type, cx.pos(target));
            if (rhs instanceof Expr.Unsupported) {
                return assign(target, rhs, pos);
            }
            if (!type.isNumeric() || !rhs.type().isNumeric()
                    || op.isBitwise() && (!type.isIntegral() || !rhs.type().isIntegral())) {
                return new Stmt.Unsupported(Reason.CONSTRUCT, "`" + op.symbol() + "=` on " + type.javaName()
                        + (op.isBitwise() ? " (only on int and long values)" : ""), pos);
            }
            Expr value = new Expr.Binary(op, current, rhs, op.isShift() ? Type.promote(type, Type.Prim.INT)
                    : Type.promote(type, rhs.type()), pos);
            return assign(target, value, pos);
        }

        private Stmt assign(ExpressionTree target, Expr value, Pos pos) {
            String matrix = Matrices.wholeOrRow(target, cx);
            if (matrix != null) {
                return new Stmt.Unsupported(Reason.MATRIX, target instanceof IdentifierTree
                        ? "assigning the 2-D array `" + matrix + "` again (declare a new one)"
                        : "assigning the row `" + cx.rawText(target) + "` of a 2-D array", cx.pos(target));
            }
            if (target instanceof IdentifierTree id && cx.lookup(id.getName().toString()).isPresent()) {
                Type type = cx.lookup(id.getName().toString()).get();
                if (!value.type().equals(type) && type.isNumeric() && value.type().isNumeric()) {
                    value = new Expr.Cast(type, value, value.pos());
                }
                return new Stmt.Assign(cx.irName(id.getName().toString()), value, pos);
            }
            if (target instanceof com.sun.source.tree.ArrayAccessTree a && element(a) instanceof Expr.ArrayRead read
                    && read.array() instanceof Expr.Var arr) {
                if (value instanceof Expr.Unsupported) {
                    return new Stmt.ExprStmt(value, pos); // reported where it is
                }
                if (!value.type().equals(read.type()) && read.type().isNumeric() && value.type().isNumeric()) {
                    value = new Expr.Cast(read.type(), value, value.pos());
                }
                return new Stmt.ArrayStore(arr.name(), read.index(), value, pos);
            }
            if (target instanceof com.sun.source.tree.ArrayAccessTree a) {
                ExpressionTree array = a.getExpression();
                while (array instanceof com.sun.source.tree.ArrayAccessTree inner) {
                    array = inner.getExpression();
                }
                return new Stmt.Unsupported(Reason.ARRAY_WRITE,
                        array instanceof IdentifierTree arr ? arr.getName().toString() : "", cx.pos(target));
            }
            return new Stmt.Unsupported(Reason.CONSTRUCT, "a field write", cx.pos(target));
        }

        /**
         * The element {@code a[i]} written by an assignment, as a read, where {@code a} is a local
         * or parameter of a one-dimensional primitive array type (check refuses writes into
         * parameters); otherwise null.
         */
        private Expr element(com.sun.source.tree.ArrayAccessTree a) {
            if (a.getExpression() instanceof com.sun.source.tree.ArrayAccessTree row
                    && row.getExpression() instanceof IdentifierTree id && cx.matrixOf(id.getName().toString()).isPresent()) {
                Expr read = exprs.parse(a); // a[i][j] of a flattened 2-D local: a[i * a_cols + j]
                return read instanceof Expr.ArrayRead r && r.array() instanceof Expr.Var ? read : null;
            }
            if (!(a.getExpression() instanceof IdentifierTree id) || cx.lookup(id.getName().toString()).isEmpty()
                    || !(cx.lookup(id.getName().toString()).get() instanceof Type.ArrayOf)) {
                return null;
            }
            Expr read = exprs.parse(a);
            return read instanceof Expr.ArrayRead r && r.array() instanceof Expr.Var ? read : null;
        }
    }
}
