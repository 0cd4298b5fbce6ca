package dev.fluxion.processor.parse;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Expr.Reason;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;

/**
 * Translates expressions and types them itself: javac has not attributed method bodies while
 * annotation processing runs, so every name is resolved here against the locals in scope, the
 * class's fields and the file's imports.
 */
final class ExprParser {
    private final ParseContext cx;
    private final CallResolver calls;
    final LayerCalls layers;
    final ConstantTables tables;
    /** Where the statement being translated collects its {@code x[k++]} increments; null: refused. */
    private Increments increments;

    ExprParser(ParseContext cx) {
        this.cx = cx;
        this.layers = new LayerCalls(cx);
        this.tables = new ConstantTables(cx, this);
        this.calls = new CallResolver(cx, this);
    }

    Expr parse(ExpressionTree tree) {
        Pos pos = cx.pos(tree);
        return switch (tree) {
            case ParenthesizedTree p -> parse(p.getExpression());
            case LiteralTree l -> literal(l, pos);
            case IdentifierTree id -> identifier(id.getName().toString(), pos);
            case MemberSelectTree ms -> memberSelect(ms, pos);
            case BinaryTree b -> binary(b, pos);
            // Expressions are pure by construction: whatever would change a variable is refused here.
            case com.sun.source.tree.AssignmentTree a -> new Expr.Unsupported(Reason.SIDE_EFFECT, cx.rawText(a), pos);
            case com.sun.source.tree.CompoundAssignmentTree a ->
                    new Expr.Unsupported(Reason.SIDE_EFFECT, cx.rawText(a), pos);
            case UnaryTree u when u.getKind() == Tree.Kind.POSTFIX_INCREMENT
                    || u.getKind() == Tree.Kind.PREFIX_INCREMENT || u.getKind() == Tree.Kind.POSTFIX_DECREMENT
                    || u.getKind() == Tree.Kind.PREFIX_DECREMENT -> increments != null ? increments.lower(u, pos)
                    : new Expr.Unsupported(Reason.SIDE_EFFECT, cx.rawText(u), pos);
            case UnaryTree u -> unary(u, pos);
            case com.sun.source.tree.SwitchExpressionTree s -> Switches.expression(s, this, cx, pos);
            case ConditionalExpressionTree c -> conditional(c, pos);
            case TypeCastTree c -> cast(c, pos);
            case ArrayAccessTree a -> arrayRead(a, pos);
            case MethodInvocationTree m -> calls.resolve(m, pos);
            case NewArrayTree n -> newArray(n, pos);
            case NewClassTree n -> new Expr.Unsupported(Reason.CONSTRUCT,
                    n.getClassBody() != null ? "an anonymous class" : "`new " + n.getIdentifier() + "(...)`", pos);
            default -> new Expr.Unsupported(Reason.CONSTRUCT, describe(tree), pos);
        };
    }

    /**
     * Translates one statement's expressions with {@code increments} collecting their
     * {@code ++}/{@code --}; returns what {@code translate} returns.
     */
    <T> T collecting(Increments increments, java.util.function.Supplier<T> translate) {
        Increments outer = this.increments;
        this.increments = increments;
        try {
            return translate.get();
        } finally {
            this.increments = outer;
        }
    }

    /** Translates a subexpression Java may not evaluate (a branch of {@code ?:}, the right of {@code &&}). */
    Expr guarded(ExpressionTree tree) {
        if (increments == null) {
            return parse(tree);
        }
        increments.enterGuarded();
        try {
            return parse(tree);
        } finally {
            increments.exitGuarded();
        }
    }

    /** A user-facing name for a construct. */
    static String describe(Tree tree) {
        return switch (tree.getKind()) {
            case LAMBDA_EXPRESSION -> "a lambda";
            case MEMBER_REFERENCE -> "a method reference";
            case ASSIGNMENT -> "an assignment inside an expression";
            case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT ->
                    "an increment inside an expression";
            case INSTANCE_OF -> "instanceof";
            case SWITCH_EXPRESSION -> "a switch expression";
            default -> "`" + tree.getKind().name().toLowerCase().replace('_', ' ') + "`";
        };
    }

    /** The IR type a type tree names; {@code null} for {@code var}. */
    Type typeOf(Tree typeTree) {
        if (typeTree == null) {
            return null;
        }
        return switch (typeTree) {
            case com.sun.source.tree.PrimitiveTypeTree p -> switch (p.getPrimitiveTypeKind()) {
                case DOUBLE -> Type.Prim.DOUBLE;
                case FLOAT -> Type.Prim.FLOAT;
                case LONG -> Type.Prim.LONG;
                case INT -> Type.Prim.INT;
                case SHORT -> Type.Prim.SHORT;
                case BYTE -> Type.Prim.BYTE;
                case CHAR -> Type.Prim.CHAR;
                case BOOLEAN -> Type.Prim.BOOLEAN;
                default -> Type.Prim.ERROR;
            };
            case com.sun.source.tree.ArrayTypeTree a -> typeOf(a.getType()) instanceof Type.Prim p
                    ? new Type.ArrayOf(p) : Type.Prim.ERROR;
            default -> {
                String name = typeTree.toString();
                if (name.equals("var")) {
                    yield null;
                }
                yield cx.imports.resolveType(name).map(ExprParser::declared).orElse(Type.Prim.ERROR);
            }
        };
    }

    private static Type declared(String qualifiedName) {
        return qualifiedName.equals(Type.TENSOR_CLASS) || qualifiedName.equals(TypeMapper.PARAMETER)
                ? Type.TENSOR : new Type.Declared(qualifiedName);
    }

    private Expr literal(LiteralTree l, Pos pos) {
        Type type = switch (l.getKind()) {
            case INT_LITERAL -> Type.Prim.INT;
            case LONG_LITERAL -> Type.Prim.LONG;
            case FLOAT_LITERAL -> Type.Prim.FLOAT;
            case DOUBLE_LITERAL -> Type.Prim.DOUBLE;
            case BOOLEAN_LITERAL -> Type.Prim.BOOLEAN;
            default -> null;
        };
        if (type == null) {
            return new Expr.Unsupported(Reason.CONSTRUCT, "a " + l.getKind().name().toLowerCase().replace("_literal", "")
                    + " literal", pos);
        }
        return new Expr.Literal(cx.rawText(l), type, pos);
    }

    Expr identifier(String name, Pos pos) {
        if (name.equals("this")) {
            return new Expr.FieldRead(List.of(), new Type.Declared(cx.owner.getQualifiedName().toString()), false, pos);
        }
        Optional<Expr> alias = cx.aliasOf(name);
        if (alias.isPresent()) {
            return alias.get();
        }
        if (cx.matrixOf(name).isPresent()) {
            return new Expr.Unsupported(Reason.MATRIX, "the 2-D array `" + name + "` used as a whole", pos);
        }
        Optional<Type> local = cx.lookup(name);
        if (local.isPresent()) {
            return new Expr.Var(cx.irName(name), local.get(), pos);
        }
        return field(cx.owner, List.of(), name, pos);
    }

    /** A field {@code name} of {@code holder}, read through {@code path} from {@code this}. */
    Expr field(TypeElement holder, List<String> path, String name, Pos pos) {
        for (Element member : cx.elements.getAllMembers(holder)) {
            if (member.getKind() != ElementKind.FIELD || !member.getSimpleName().contentEquals(name)) {
                continue;
            }
            VariableElement f = (VariableElement) member;
            if (f.getConstantValue() != null) {
                return new Expr.Literal(constantText(f.getConstantValue()),
                        TypeMapper.map(f.asType()), pos);
            }
            Expr table = tables.read(f, pos);
            if (table != null) {
                return table;
            }
            if (f.getModifiers().contains(Modifier.STATIC) || !cx.instance) {
                return new Expr.Unsupported(Reason.CONSTRUCT, "reading the non-constant field `" + name + "`", pos);
            }
            if (f.getModifiers().contains(Modifier.PRIVATE)) {
                return new Expr.Unsupported(Reason.PRIVATE_FIELD, name, pos);
            }
            List<String> full = new ArrayList<>(path);
            full.add(name);
            boolean parameter = f.asType().getKind() == TypeKind.DECLARED && TypeMapper.isSubclassOf(
                    (TypeElement) ((DeclaredType) f.asType()).asElement(), TypeMapper.PARAMETER);
            return new Expr.FieldRead(full, TypeMapper.map(f.asType()), parameter, pos);
        }
        return new Expr.Unsupported(Reason.UNKNOWN_NAME, name, pos);
    }

    /**
     * A constant's literal text: as Java spells it, except infinities and NaN, which the IR keeps
     * as {@code Infinity}, {@code -Infinity}, {@code NaN} (one atom each, never {@code 1.0/0.0}).
     */
    private String constantText(Object value) {
        if ((value instanceof Double d && (d.isInfinite() || d.isNaN()))
                || (value instanceof Float f && (f.isInfinite() || f.isNaN()))) {
            return value.toString();
        }
        return cx.elements.getConstantExpression(value);
    }

    private Expr memberSelect(MemberSelectTree ms, Pos pos) {
        String name = ms.getIdentifier().toString();
        ExpressionTree recv = ms.getExpression();
        if (name.equals("length")) {
            // a.length and a[i].length of a flattened 2-D local: its row count and row length
            if (recv instanceof IdentifierTree id && cx.matrixOf(id.getName().toString()).isPresent()) {
                return new Expr.Var(cx.matrixOf(id.getName().toString()).get().rows(), Type.Prim.INT, pos);
            }
            if (recv instanceof ArrayAccessTree row && row.getExpression() instanceof IdentifierTree id
                    && cx.matrixOf(id.getName().toString()).isPresent()) {
                return new Expr.Var(cx.matrixOf(id.getName().toString()).get().cols(), Type.Prim.INT, pos);
            }
        }
        if (recv instanceof IdentifierTree id && !cx.inScope(id.getName().toString())
                && !id.getName().contentEquals("this") && fieldOrNull(id.getName().toString()) == null) {
            Optional<String> type = cx.imports.resolveType(id.getName().toString());
            if (type.isPresent()) {
                return staticMember(type.get(), name, pos);
            }
        }
        if (recv instanceof MemberSelectTree qualified) {
            String text = qualified.toString();
            String first = text.substring(0, text.indexOf('.'));
            if (!cx.inScope(first) && !first.equals("this") && fieldOrNull(first) == null) {
                Optional<String> type = cx.imports.resolveType(text);
                if (type.isPresent()) {
                    return staticMember(type.get(), name, pos);
                }
            }
        }
        Expr target = parse(recv);
        if (target instanceof Expr.Unsupported) {
            return target;
        }
        if (name.equals("length") && (target.type() instanceof Type.ArrayOf || Type.rowOf(target.type()) != null)) {
            return new Expr.ArrayLength(target, pos);
        }
        if (name.equals("length") && layers.elementOf(target).isPresent()) {
            return LayerCalls.size(target, pos);
        }
        if (target instanceof Expr.FieldRead fr && fr.type() instanceof Type.Declared d) {
            TypeElement holder = cx.elements.getTypeElement(d.qualifiedName());
            if (holder != null) {
                return field(holder, fr.path(), name, pos);
            }
        }
        return new Expr.Unsupported(Reason.CONSTRUCT, "`" + cx.rawText(ms) + "`", pos);
    }

    private Element fieldOrNull(String name) {
        return cx.elements.getAllMembers(cx.owner).stream()
                .filter(m -> m.getKind() == ElementKind.FIELD && m.getSimpleName().contentEquals(name))
                .findFirst().orElse(null);
    }

    private Expr staticMember(String owner, String name, Pos pos) {
        TypeElement type = cx.elements.getTypeElement(owner);
        if (type != null && type.getKind() == ElementKind.ENUM) {
            return new Expr.EnumConst(owner, name, pos);
        }
        if (type != null) {
            for (Element m : type.getEnclosedElements()) {
                if (m instanceof VariableElement v && m.getSimpleName().contentEquals(name)
                        && v.getConstantValue() != null) {
                    return new Expr.Literal(constantText(v.getConstantValue()),
                            TypeMapper.map(v.asType()), pos);
                }
                Expr table = m instanceof VariableElement v && m.getSimpleName().contentEquals(name)
                        ? tables.read(v, pos) : null;
                if (table != null) {
                    return table;
                }
            }
        }
        return new Expr.Unsupported(Reason.UNKNOWN_NAME, owner + "." + name, pos);
    }

    private Expr binary(BinaryTree b, Pos pos) {
        if (Chains.family(b.getKind()) != null) {
            Expr chain = Chains.balanced(b, this);
            if (chain != null) {
                return chain;
            }
        }
        Expr.BinOp op = switch (b.getKind()) {
            case PLUS -> Expr.BinOp.PLUS;
            case MINUS -> Expr.BinOp.MINUS;
            case MULTIPLY -> Expr.BinOp.TIMES;
            case DIVIDE -> Expr.BinOp.DIVIDE;
            case REMAINDER -> Expr.BinOp.REMAINDER;
            case AND -> Expr.BinOp.BIT_AND;
            case OR -> Expr.BinOp.BIT_OR;
            case XOR -> Expr.BinOp.XOR;
            case LEFT_SHIFT -> Expr.BinOp.SHL;
            case RIGHT_SHIFT -> Expr.BinOp.SHR;
            case UNSIGNED_RIGHT_SHIFT -> Expr.BinOp.USHR;
            case LESS_THAN -> Expr.BinOp.LT;
            case GREATER_THAN -> Expr.BinOp.GT;
            case LESS_THAN_EQUAL -> Expr.BinOp.LE;
            case GREATER_THAN_EQUAL -> Expr.BinOp.GE;
            case EQUAL_TO -> Expr.BinOp.EQ;
            case NOT_EQUAL_TO -> Expr.BinOp.NE;
            case CONDITIONAL_AND -> Expr.BinOp.AND;
            case CONDITIONAL_OR -> Expr.BinOp.OR;
            default -> null;
        };
        if (op == null) {
            return new Expr.Unsupported(Reason.CONSTRUCT, "the operator in `" + cx.rawText(b) + "`", pos);
        }
        Expr left = parse(b.getLeftOperand());
        Expr right = op == Expr.BinOp.AND || op == Expr.BinOp.OR ? guarded(b.getRightOperand())
                : parse(b.getRightOperand());
        if (left instanceof Expr.Unsupported) {
            return left;
        }
        if (right instanceof Expr.Unsupported) {
            return right;
        }
        Type type;
        if (op.isBitwise()) {
            if (!left.type().isIntegral() || !right.type().isIntegral()) {
                String hint = left.type() == Type.Prim.BOOLEAN && (op == Expr.BinOp.BIT_AND || op == Expr.BinOp.BIT_OR)
                        ? " (write " + (op == Expr.BinOp.BIT_AND ? "&&" : "||") + " for booleans)" : " (only on int and long values)";
                return new Expr.Unsupported(Reason.CONSTRUCT, "`" + op.symbol() + "` on " + left.type().javaName()
                        + " and " + right.type().javaName() + hint, pos);
            }
            type = op.isShift() ? Type.promote(left.type(), Type.Prim.INT) : Type.promote(left.type(), right.type());
        } else if (op.isPredicate()) {
            type = Type.Prim.BOOLEAN;
        } else if (left.type().isNumeric() && right.type().isNumeric()) {
            type = Type.promote(left.type(), right.type());
        } else {
            return new Expr.Unsupported(Reason.CONSTRUCT, "`" + op.symbol() + "` on " + left.type().javaName()
                    + " and " + right.type().javaName(), pos);
        }
        return new Expr.Binary(op, left, right, type, pos);
    }

    private Expr unary(UnaryTree u, Pos pos) {
        Expr.UnOp op = switch (u.getKind()) {
            case UNARY_MINUS -> Expr.UnOp.NEG;
            case UNARY_PLUS -> Expr.UnOp.PLUS;
            case LOGICAL_COMPLEMENT -> Expr.UnOp.NOT;
            case BITWISE_COMPLEMENT -> Expr.UnOp.COMPLEMENT;
            default -> null;
        };
        if (op == null) {
            return new Expr.Unsupported(Reason.CONSTRUCT, describe(u), pos);
        }
        Expr operand = parse(u.getExpression());
        if (operand instanceof Expr.Unsupported) {
            return operand;
        }
        if (op == Expr.UnOp.COMPLEMENT && !operand.type().isIntegral()) {
            return new Expr.Unsupported(Reason.CONSTRUCT, "`~` on " + operand.type().javaName() + " (only on int and long values)", pos);
        }
        Type type = op == Expr.UnOp.NOT ? Type.Prim.BOOLEAN : Type.promote(operand.type(), Type.Prim.INT);
        return new Expr.Unary(op, operand, type, pos);
    }


    private Expr conditional(ConditionalExpressionTree c, Pos pos) {
        Expr cond = parse(c.getCondition());
        Expr t = guarded(c.getTrueExpression());
        Expr f = guarded(c.getFalseExpression());
        for (Expr e : List.of(cond, t, f)) {
            if (e instanceof Expr.Unsupported) {
                return e;
            }
        }
        Type type = t.type().isNumeric() && f.type().isNumeric() ? Type.promote(t.type(), f.type()) : t.type();
        return new Expr.Conditional(cond, t, f, type, pos);
    }

    private Expr cast(TypeCastTree c, Pos pos) {
        Type target = typeOf(c.getType());
        Expr operand = parse(c.getExpression());
        if (operand instanceof Expr.Unsupported) {
            return operand;
        }
        if (target != null && target.equals(operand.type())) {
            return operand; // an identity cast, (Tensor) exp(x) or (double) (x * y): nothing to convert
        }
        if (target == null || !target.isNumeric() || !operand.type().isNumeric()) {
            return new Expr.Unsupported(Reason.CONSTRUCT, "the cast `" + cx.rawText(c) + "`", pos);
        }
        return new Expr.Cast(target, operand, pos);
    }

    private Expr arrayRead(ArrayAccessTree a, Pos pos) {
        if (a.getExpression() instanceof ArrayAccessTree row && row.getExpression() instanceof IdentifierTree id
                && cx.matrixOf(id.getName().toString()).isPresent()) {
            return matrixElement(id.getName().toString(), row.getIndex(), a.getIndex(), pos);
        }
        if (a.getExpression() instanceof IdentifierTree id && cx.matrixOf(id.getName().toString()).isPresent()) {
            return new Expr.Unsupported(Reason.MATRIX, "the row `" + cx.rawText(a) + "` of a 2-D array used as a value",
                    pos);
        }
        Expr array = parse(a.getExpression());
        Expr index = parse(a.getIndex());
        if (array instanceof Expr.Unsupported) {
            return array;
        }
        if (index instanceof Expr.Unsupported) {
            return index;
        }
        Optional<String> layer = layers.elementOf(array);
        if (layer.isPresent() && index.type().isNumeric()) {
            return LayerCalls.at(array, index, layer.get(), pos);
        }
        Type.ArrayOf row = Type.rowOf(array.type());
        if (row != null) {
            return new Expr.ArrayRead(array, index, row, pos); // a row of @NoGrad 2-D data: read only
        }
        if (!(array.type() instanceof Type.ArrayOf arr)) {
            return new Expr.Unsupported(Reason.CONSTRUCT, "indexing " + array.type().javaName(), pos);
        }
        return new Expr.ArrayRead(array, index, arr.element(), pos);
    }

    /** {@code a[i][j]} of the flattened 2-D local {@code a}: {@code a[i * a_cols + j]}. */
    private Expr matrixElement(String name, ExpressionTree rowTree, ExpressionTree colTree, Pos pos) {
        ParseContext.Matrix m = cx.matrixOf(name).get();
        Expr i = parse(rowTree);
        Expr j = parse(colTree);
        if (i instanceof Expr.Unsupported) {
            return i;
        }
        if (j instanceof Expr.Unsupported) {
            return j;
        }
        if (!isIntIndex(i.type()) || !isIntIndex(j.type())) {
            return new Expr.Unsupported(Reason.CONSTRUCT, "indexing with " + (isIntIndex(i.type()) ? j : i).type().javaName(),
                    pos);
        }
        Type.ArrayOf flat = (Type.ArrayOf) cx.lookup(name).get();
        Expr cols = new Expr.Var(m.cols(), Type.Prim.INT, pos);
        Expr start = new Expr.Binary(Expr.BinOp.TIMES, i, cols, Type.Prim.INT, pos);
        Expr index = new Expr.Binary(Expr.BinOp.PLUS, start, j, Type.Prim.INT, pos);
        // A column outside its row would read a neighbouring row where Java throws: index −1 throws.
        // A constant column inside a constant row length needs no check (a[i][0] of new double[n][3]).
        int column = Matrices.constant(j);
        boolean inside = column >= 0 && column < m.knownCols();
        Expr inRow = new Expr.Binary(Expr.BinOp.AND,
                new Expr.Binary(Expr.BinOp.GE, j, new Expr.Literal("0", Type.Prim.INT, pos), Type.Prim.BOOLEAN, pos),
                new Expr.Binary(Expr.BinOp.LT, j, cols, Type.Prim.BOOLEAN, pos), Type.Prim.BOOLEAN, pos);
        Expr checked = pure(j) && !inside
                ? new Expr.Conditional(inRow, index, new Expr.Literal("-1", Type.Prim.INT, pos), Type.Prim.INT, pos)
                : index;
        return new Expr.ArrayRead(new Expr.Var(cx.irName(name), flat, pos), checked, flat.element(), pos);
    }

    /** Variables and literals combined by operators: an expression that may be evaluated twice. */
    private static boolean pure(Expr e) {
        return switch (e) {
            case Expr.Var v -> true;
            case Expr.Literal l -> true;
            case Expr.Binary b -> pure(b.left()) && pure(b.right());
            default -> false;
        };
    }

    private static boolean isIntIndex(Type t) {
        return t == Type.Prim.INT || t == Type.Prim.SHORT || t == Type.Prim.BYTE || t == Type.Prim.CHAR;
    }

    /** {@code double[] a = {x, 2};}: the literal's element type is the declared one. */
    Expr arrayLiteral(Type.ArrayOf type, NewArrayTree n, Pos pos) {
        if (n.getInitializers() == null) {
            return new Expr.Unsupported(Reason.CONSTRUCT, "`" + cx.rawText(n) + "`", pos);
        }
        List<Expr> elements = new ArrayList<>();
        for (ExpressionTree e : n.getInitializers()) {
            Expr x = parse(e);
            if (x instanceof Expr.Unsupported) {
                return x;
            }
            if (!x.type().equals(type.element()) && x.type().isNumeric() && type.element().isNumeric()) {
                x = new Expr.Cast(type.element(), x, x.pos());
            }
            elements.add(x);
        }
        return new Expr.NewArray(type, elements, null, pos);
    }

    private Expr newArray(NewArrayTree n, Pos pos) {
        Type element = typeOf(n.getType());
        if (!(element instanceof Type.Prim p) || n.getDimensions().size() > 1) {
            return new Expr.Unsupported(Reason.CONSTRUCT, "`" + cx.rawText(n) + "`", pos);
        }
        List<Expr> elements = new ArrayList<>();
        if (n.getInitializers() != null) {
            for (ExpressionTree e : n.getInitializers()) {
                Expr x = parse(e);
                if (x instanceof Expr.Unsupported) {
                    return x;
                }
                elements.add(x);
            }
        }
        Expr length = n.getDimensions().isEmpty() ? null : parse(n.getDimensions().get(0));
        return new Expr.NewArray(new Type.ArrayOf(p), elements, length, pos);
    }
}
