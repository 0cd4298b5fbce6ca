package dev.fluxion.processor.verify;

import dev.fluxion.processor.model.DerivedMethod;
import java.util.Map;

/**
 * A callee's pullback during evaluation: its derived method and the forward locals its backward
 * pass reads. Stands for the generated {@code FPullback} object.
 */
record Pullback(DerivedMethod method, Map<String, Object> forwardLocals, Object value) {}
