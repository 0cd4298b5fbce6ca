package dev.fluxion.processor.parse;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.Trees;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.NestedCall;
import dev.fluxion.processor.model.SourceRef;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/** What parsing one method needs: the file, its imports, and the locals in scope. */
final class ParseContext {
    final Trees trees;
    final Elements elements;
    final CompilationUnitTree unit;
    final TypeElement owner;
    final boolean instance;
    final ImportScope imports;
    private final SourcePositions positions;
    private final CharSequence source;
    private final String fileName;
    private final Deque<Map<String, Type>> scopes = new ArrayDeque<>();
    /** Names that stand for an expression: the variable of {@code for (Linear l : layers)}. */
    private final Deque<Map<String, dev.fluxion.processor.ir.Expr>> aliases = new ArrayDeque<>();
    /** The 2-D local arrays in scope, each flattened into one array ({@link Matrix}), by source name. */
    private final Deque<Map<String, Matrix>> matrices = new ArrayDeque<>();
    /** The calls of generated derivative code met so far, by adapter key ({@link NestedCalls}). */
    final Map<String, NestedCall> nested;
    /** The plain helpers the method calls ({@link PlainHelpers}), for the verifier to evaluate. */
    final java.util.Set<javax.lang.model.element.ExecutableElement> helpers = new java.util.LinkedHashSet<>();

    ParseContext(Trees trees, Elements elements, CompilationUnitTree unit, TypeElement owner, boolean instance,
                 Map<String, NestedCall> nested) {
        this.nested = nested;
        this.trees = trees;
        this.elements = elements;
        this.unit = unit;
        this.owner = owner;
        this.instance = instance;
        this.imports = new ImportScope(unit, elements);
        this.positions = trees.getSourcePositions();
        CharSequence text;
        try {
            text = unit.getSourceFile().getCharContent(true);
        } catch (IOException | RuntimeException e) {
            text = "";
        }
        this.source = text;
        String uri = unit.getSourceFile().getName();
        this.fileName = uri.substring(Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\')) + 1);
        scopes.push(new HashMap<>());
        aliases.push(new HashMap<>());
        matrices.push(new HashMap<>());
    }

    /**
     * A local {@code T[][] a = new T[n][m]}, flattened: the IR array {@code a} of {@code n * m}
     * elements, row {@code i} at {@code i * m}, and the int locals holding {@code n} and {@code m}.
     *
     * @param rows the IR name of the local holding the number of rows
     * @param cols the IR name of the local holding the row length
     * @param knownCols the row length where the declaration gives it as a constant
     *     ({@code new double[n][3]}, a literal), else −1
     */
    record Matrix(String rows, String cols, int knownCols) {}

    /** Declares the 2-D local {@code name} (already declared as its flat array) in the current scope. */
    void declareMatrix(String name, Matrix m) {
        matrices.peek().put(name, m);
    }

    /** The flattened 2-D local {@code name}, if {@code name} is one in scope. */
    Optional<Matrix> matrixOf(String name) {
        for (Map<String, Matrix> scope : matrices) {
            if (scope.containsKey(name)) {
                return Optional.of(scope.get(name));
            }
        }
        return Optional.empty();
    }

    /**
     * {@code base}, or {@code base} with underscores appended, such that no local in scope and no
     * word of the source file has that name: a local the processor adds that no user variable can
     * shadow, wherever it is declared.
     */
    String unusedName(String base) {
        String name = base;
        while (inScope(name) || java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(name) + "\\b")
                .matcher(source).find()) {
            name = name + "_";
        }
        return name;
    }

    /** The position of a tree, with its own source text on one line. */
    Pos pos(Tree tree) {
        long start = positions.getStartPosition(unit, tree);
        long end = positions.getEndPosition(unit, tree);
        long line = SourceLines.of(unit, start);
        return new Pos(fileName, line, text(start, end), new SourceRef(tree, unit));
    }

    /** The source text of a tree, exactly. */
    String rawText(Tree tree) {
        long start = positions.getStartPosition(unit, tree);
        long end = positions.getEndPosition(unit, tree);
        return start < 0 || end > source.length() || end < start ? tree.toString()
                : source.subSequence((int) start, (int) end).toString();
    }

    private String text(long start, long end) {
        if (start < 0 || end < start || end > source.length()) {
            return "";
        }
        String s = source.subSequence((int) start, (int) end).toString();
        int brace = s.indexOf('{');
        if (brace > 0 && !s.startsWith("new ")) {
            s = s.substring(0, brace);
        }
        return s.replaceAll("\\s+", " ").trim();
    }

    /** The name a user's variable has in the IR and the generated code ({@link Names#userVariable}). */
    String irName(String name) {
        return Names.userVariable(name, instance);
    }

    void enterScope() {
        scopes.push(new HashMap<>());
        aliases.push(new HashMap<>());
        matrices.push(new HashMap<>());
    }

    void exitScope() {
        scopes.pop();
        aliases.pop();
        matrices.pop();
    }

    /** Makes {@code name} stand for {@code value} in the current scope. */
    void alias(String name, dev.fluxion.processor.ir.Expr value) {
        aliases.peek().put(name, value);
    }

    /** The expression {@code name} stands for, if it is an alias in scope. */
    Optional<dev.fluxion.processor.ir.Expr> aliasOf(String name) {
        for (Map<String, dev.fluxion.processor.ir.Expr> scope : aliases) {
            if (scope.containsKey(name)) {
                return Optional.of(scope.get(name));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code name} is a local, a parameter or an alias in scope (so not a field or a type). */
    boolean inScope(String name) {
        return lookup(name).isPresent() || aliasOf(name).isPresent();
    }

    void declare(String name, Type type) {
        scopes.peek().put(name, type);
    }

    /** The type of a local or parameter in scope. */
    Optional<Type> lookup(String name) {
        for (Map<String, Type> scope : scopes) {
            Type t = scope.get(name);
            if (t != null) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
