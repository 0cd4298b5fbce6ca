package dev.fluxion.processor.ir;

import java.util.List;

/** An expression: pure (no side effects), typed, with a source position. */
public sealed interface Expr {

    /** The static type of the value. */
    Type type();

    /** Where it came from. */
    Pos pos();

    /** The direct subexpressions, in evaluation order. */
    default List<Expr> children() {
        return List.of();
    }

    /** A local variable or parameter. */
    record Var(String name, Type type, Pos pos) implements Expr {}

    /** A literal, as Java source writes it ({@code 2}, {@code 0.6}, {@code 1f}, {@code true}). */
    record Literal(String text, Type type, Pos pos) implements Expr {
        /** A double literal made by the processor. */
        public static Literal ofDouble(double value) {
            return new Literal(Double.toString(value), Type.Prim.DOUBLE, Pos.NONE);
        }
    }

    /** An enum constant: {@code Reduction.SUM}. */
    record EnumConst(String ownerQualifiedName, String name, Pos pos) implements Expr {
        @Override
        public Type type() {
            return new Type.Declared(ownerQualifiedName);
        }
    }

    /** A read of a field of {@code this}, by path: {@code w}, {@code fc1.weight}. */
    record FieldRead(List<String> path, Type type, boolean parameter, Pos pos) implements Expr {
        public FieldRead {
            path = List.copyOf(path);
        }
    }

    /** {@code left op right}. */
    record Binary(BinOp op, Expr left, Expr right, Type type, Pos pos) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of(left, right);
        }
    }

    /** {@code op operand}. */
    record Unary(UnOp op, Expr operand, Type type, Pos pos) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of(operand);
        }
    }

    /** {@code condition ? whenTrue : whenFalse}. */
    record Conditional(Expr condition, Expr whenTrue, Expr whenFalse, Type type, Pos pos) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of(condition, whenTrue, whenFalse);
        }
    }

    /** {@code (type) operand} between primitive types. */
    record Cast(Type type, Expr operand, Pos pos) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of(operand);
        }
    }

    /** A call; tensor methods take their receiver as the first argument. */
    record Call(Callee callee, List<Expr> args, Type type, Pos pos) implements Expr {
        public Call {
            args = List.copyOf(args);
        }

        @Override
        public List<Expr> children() {
            return args;
        }
    }

    /** {@code array[index]}. */
    record ArrayRead(Expr array, Expr index, Type type, Pos pos) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of(array, index);
        }
    }

    /** {@code array.length}. */
    record ArrayLength(Expr array, Pos pos) implements Expr {
        @Override
        public Type type() {
            return Type.Prim.INT;
        }

        @Override
        public List<Expr> children() {
            return List.of(array);
        }
    }

    /** {@code new int[] {a, b}} or, with no elements and a length, {@code new double[n]}. */
    record NewArray(Type.ArrayOf type, List<Expr> elements, Expr length, Pos pos) implements Expr {
        @Override
        public List<Expr> children() {
            return length == null ? List.copyOf(elements) : List.of(length);
        }
    }

    /**
     * Something the processor cannot translate; {@code check} reports it.
     *
     * @param reason why
     * @param what the construct or name, for the message
     */
    record Unsupported(Reason reason, String what, Pos pos) implements Expr {
        @Override
        public Type type() {
            return Type.Prim.ERROR;
        }
    }

    /** Why a node is {@link Unsupported}. */
    enum Reason {
        /** A Java construct outside the supported subset (lambda, {@code new}, field write, ...). */
        CONSTRUCT,
        /** A call to a method that is neither {@code @Differentiable} nor a known operation. */
        UNKNOWN_METHOD,
        /**
         * A call of a method of a {@code Module} field that is not {@code @Differentiable};
         * {@code what} is the call and the method, separated by {@code |}: {@code b1.helper(...)|Block.helper}.
         */
        MODULE_METHOD,
        /** A name that is not a local, parameter or usable field. */
        UNKNOWN_NAME,
        /** A local or parameter of a type the processor cannot handle. */
        TYPE,
        /** A private field the generated class could not read. */
        PRIVATE_FIELD,
        /** A write into an array element; {@code what} is the array's name ("" if not a name). */
        ARRAY_WRITE,
        /** A call of a varargs {@code @Differentiable} method with separate arguments; {@code what} names it. */
        VARARGS_CALL,
        /**
         * A call of a method compiled without parameter names whose gradients cannot be placed
         * ({@code Signatures.gradientsPlaceable}); {@code what} names it.
         */
        UNNAMED_GRADIENTS,
        /** A labeled break or continue; {@code what} names it ({@code break outer}). */
        LABELED_JUMP,
        /** An assignment, {@code ++} or {@code --} inside an expression; {@code what} is its source. */
        SIDE_EFFECT,
        /**
         * A method of one of the user's own modules called on an element of a list or array;
         * {@code what} is the module's class and method ({@code Block.forward}).
         */
        MODULE_ELEMENT,
        /** A use of a 2-D array the flattened form cannot express; {@code what} describes it. */
        MATRIX,
        /**
         * A call that changes a list of modules ({@code blocks.set(0, b)}, {@code blocks.add(b)});
         * {@code what} is the call ({@code blocks.set}).
         */
        MODULE_LIST_WRITE
    }

    /** Binary operators. */
    enum BinOp {
        PLUS("+"), MINUS("-"), TIMES("*"), DIVIDE("/"), REMAINDER("%"),
        BIT_AND("&"), BIT_OR("|"), XOR("^"), SHL("<<"), SHR(">>"), USHR(">>>"),
        LT("<"), GT(">"), LE("<="), GE(">="), EQ("=="), NE("!="), AND("&&"), OR("||");

        private final String symbol;

        BinOp(String symbol) {
            this.symbol = symbol;
        }

        /** The Java operator. */
        public String symbol() {
            return symbol;
        }

        /** Whether the result is a boolean. */
        public boolean isPredicate() {
            return ordinal() >= LT.ordinal();
        }

        /** Whether this is a bitwise or shift operator (integral operands only here). */
        public boolean isBitwise() {
            return ordinal() >= BIT_AND.ordinal() && ordinal() <= USHR.ordinal();
        }

        /** Whether this is a shift, whose type is its left operand's alone. */
        public boolean isShift() {
            return this == SHL || this == SHR || this == USHR;
        }

        /** Java precedence, higher binds tighter. */
        public int precedence() {
            return switch (this) {
                case TIMES, DIVIDE, REMAINDER -> 12;
                case PLUS, MINUS -> 11;
                case SHL, SHR, USHR -> 10;
                case LT, GT, LE, GE -> 9;
                case EQ, NE -> 8;
                case BIT_AND -> 7;
                case XOR -> 6;
                case BIT_OR -> 5;
                case AND -> 4;
                case OR -> 3;
            };
        }
    }

    /** Unary operators. */
    enum UnOp {
        NEG("-"), PLUS("+"), NOT("!"), COMPLEMENT("~");

        private final String symbol;

        UnOp(String symbol) {
            this.symbol = symbol;
        }

        /** The Java operator. */
        public String symbol() {
            return symbol;
        }
    }
}
