package dev.fluxion.processor;

import com.sun.source.util.Trees;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.SourceRef;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;

/** Reports diagnostics on the exact tree they are about, so IDEs underline the expression. */
final class DiagnosticReporter {
    private final Trees trees;
    private final Messager messager;

    DiagnosticReporter(Trees trees, Messager messager) {
        this.trees = trees;
        this.messager = messager;
    }

    /** Reports {@code d}; falls back to {@code element} when the diagnostic has no source tree. */
    void report(Diagnostic d, Element element) {
        if (d.pos().origin() instanceof SourceRef ref) {
            trees.printMessage(d.kind(), d.text(), ref.tree(), ref.unit());
        } else {
            messager.printMessage(d.kind(), d.text(), element);
        }
    }
}
