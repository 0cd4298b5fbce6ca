package dev.fluxion.processor.parse;

import com.sun.source.tree.CompilationUnitTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Line numbers of source positions. javac keeps no line map when compiling with {@code -g:none}
 * (or {@code -g:source,vars}); then the lines are counted in the file's text, once per file.
 */
public final class SourceLines {
    private static final Map<CompilationUnitTree, int[]> NEWLINES = new WeakHashMap<>();

    private SourceLines() {}

    /** The 1-based line of {@code position} in {@code unit}; 0 for an unknown position. */
    public static long of(CompilationUnitTree unit, long position) {
        if (position < 0) {
            return 0;
        }
        if (unit.getLineMap() != null) {
            return unit.getLineMap().getLineNumber(position);
        }
        int[] newlines;
        synchronized (NEWLINES) {
            newlines = NEWLINES.computeIfAbsent(unit, SourceLines::newlines);
        }
        int i = Arrays.binarySearch(newlines, (int) Math.min(position, Integer.MAX_VALUE));
        return (i >= 0 ? i : -i - 1) + 1;
    }

    private static int[] newlines(CompilationUnitTree unit) {
        CharSequence text;
        try {
            text = unit.getSourceFile().getCharContent(true);
        } catch (IOException | RuntimeException e) {
            return new int[0];
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
