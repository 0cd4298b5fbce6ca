package dev.fluxion.processor.parse;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/** Resolves simple class names and statically imported names the way javac would for one file. */
final class ImportScope {
    private final Elements elements;
    private final String packageName;
    private final Map<String, String> singleTypes = new HashMap<>();
    private final List<String> onDemandPackages = new ArrayList<>();
    /** Static imports: the class, and the member name or {@code *}. */
    private final List<String[]> statics = new ArrayList<>();

    ImportScope(CompilationUnitTree unit, Elements elements) {
        this.elements = elements;
        this.packageName = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
        for (ImportTree imp : unit.getImports()) {
            String text = imp.getQualifiedIdentifier().toString();
            int dot = text.lastIndexOf('.');
            String owner = text.substring(0, Math.max(dot, 0));
            String member = text.substring(dot + 1);
            if (imp.isStatic()) {
                statics.add(new String[] {owner, member});
            } else if (member.equals("*")) {
                onDemandPackages.add(owner);
            } else {
                singleTypes.put(member, text);
            }
        }
    }

    /** The qualified name of the class a simple or qualified name denotes, if any. */
    Optional<String> resolveType(String name) {
        if (name.contains(".")) {
            TypeElement e = elements.getTypeElement(name);
            if (e != null) {
                return Optional.of(name);
            }
            int dot = name.indexOf('.');
            return resolveType(name.substring(0, dot))
                    .map(outer -> outer + name.substring(dot))
                    .filter(q -> elements.getTypeElement(q) != null);
        }
        if (singleTypes.containsKey(name)) {
            return Optional.of(singleTypes.get(name));
        }
        List<String> candidates = new ArrayList<>();
        candidates.add(packageName.isEmpty() ? name : packageName + "." + name);
        onDemandPackages.forEach(p -> candidates.add(p + "." + name));
        candidates.add("java.lang." + name);
        return candidates.stream().filter(c -> elements.getTypeElement(c) != null).findFirst();
    }

    /** The classes whose statically imported members may be named {@code member}, in order. */
    List<String> staticOwnersOf(String member) {
        List<String> out = new ArrayList<>();
        for (String[] s : statics) {
            if (s[1].equals(member) || s[1].equals("*")) {
                out.add(s[0]);
            }
        }
        return out;
    }
}
