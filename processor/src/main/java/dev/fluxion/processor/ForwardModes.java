package dev.fluxion.processor;

import dev.fluxion.processor.fwd.ForwardMode;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.model.TangentMethod;
import dev.fluxion.processor.write.GradClassWriter;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * The forward modes ({@code fJvp}) of a round's methods. A method calling another
 * {@code @Differentiable} method gets one only where the callee has one, so the round's methods
 * are derived until nothing changes (callees first); a callee compiled earlier has one where its
 * generated class declares {@code gJvp}. A method forward mode does not support yet, or whose
 * {@code fJvp} would clash with another method's name, simply gets none.
 */
final class ForwardModes {
    private ForwardModes() {}

    /** Each method's forward mode, by {@link Callee.UserMethod#key()}. */
    static Map<String, TangentMethod> of(Collection<MethodIr> methods, Elements elements) {
        Set<String> inRound = new HashSet<>();
        Map<String, Set<String>> namesByOwner = new LinkedHashMap<>();
        for (MethodIr m : methods) {
            inRound.add(m.self().key());
            namesByOwner.computeIfAbsent(m.self().ownerQualifiedName(), k -> new HashSet<>()).add(m.name());
        }
        Map<String, TangentMethod> done = new LinkedHashMap<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (MethodIr m : methods) {
                String key = m.self().key();
                if (done.containsKey(key) || namesByOwner.get(m.self().ownerQualifiedName())
                        .contains(Names.jvpMethod(m.name()))) {
                    continue;
                }
                Optional<TangentMethod> t = ForwardMode.derive(m, callee -> inRound.contains(callee.key())
                        ? done.containsKey(callee.key()) : compiledWithJvp(callee, elements));
                if (t.isPresent() && GradClassWriter.fits(t.get())) {
                    done.put(key, t.get());
                    changed = true;
                }
            }
        }
        return done;
    }

    /** Whether {@code m}'s generated class, compiled earlier, declares {@code mJvp}. */
    private static boolean compiledWithJvp(Callee.UserMethod m, Elements elements) {
        String owner = m.ownerQualifiedName();
        int dot = owner.lastIndexOf('.');
        String grad = (dot < 0 ? "" : owner.substring(0, dot + 1)) + Names.gradClass(owner.substring(dot + 1));
        TypeElement type = elements.getTypeElement(grad);
        if (type == null) {
            return false;
        }
        List<ExecutableElement> ms = ElementFilter.methodsIn(type.getEnclosedElements());
        return ms.stream().anyMatch(e -> e.getSimpleName().contentEquals(Names.jvpMethod(m.name())));
    }
}
