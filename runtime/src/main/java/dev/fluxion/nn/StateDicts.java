package dev.fluxion.nn;

import dev.fluxion.FluxionException;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@link Module#loadStateDict(Map, boolean)}: check every key and shape first, then copy. */
final class StateDicts {
    private StateDicts() {}

    /** Where one state-dict key writes: a parameter, or a buffer of some module. */
    private record Target(Tensor current, Module owner, String localName, boolean isBuffer) {}

    static IncompatibleKeys load(Module module, Map<String, ? extends Tensor> state, boolean strict) {
        String who = module.getClass().getSimpleName();
        LinkedHashMap<String, Target> targets = targets(module);
        List<String> missing = new ArrayList<>();
        for (String key : targets.keySet()) {
            if (!state.containsKey(key)) {
                missing.add(key);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : state.keySet()) {
            if (!targets.containsKey(key)) {
                unexpected.add(key);
            }
        }
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            StringBuilder sb = new StringBuilder("loadStateDict: error(s) in loading state_dict for " + who + ":");
            if (!missing.isEmpty()) {
                sb.append(" missing key(s): ").append(quoted(missing)).append('.');
            }
            if (!unexpected.isEmpty()) {
                sb.append(" unexpected key(s): ").append(quoted(unexpected)).append('.');
            }
            throw new FluxionException(sb.toString());
        }
        for (Map.Entry<String, Target> e : targets.entrySet()) {
            Tensor value = state.get(e.getKey());
            if (value == null) {
                if (state.containsKey(e.getKey())) {
                    throw new FluxionException("loadStateDict: the value of \"" + e.getKey() + "\" is null");
                }
                continue;
            }
            Tensor current = e.getValue().current();
            if (!Arrays.equals(value.shape(), current.shape())) {
                throw new FluxionException("loadStateDict: size mismatch for \"" + e.getKey() + "\": copying a value of shape "
                        + Arrays.toString(value.shape()) + " from the checkpoint, the shape in " + who + " is "
                        + Arrays.toString(current.shape()));
            }
        }
        for (Map.Entry<String, Target> e : targets.entrySet()) {
            Tensor value = state.get(e.getKey());
            if (value == null) {
                continue;
            }
            Target t = e.getValue();
            if (t.isBuffer()) {
                t.owner().loadBuffer(t.localName(), value);
            } else {
                t.current().copyInPlace(value);
            }
        }
        return new IncompatibleKeys(missing, unexpected);
    }

    private static LinkedHashMap<String, Target> targets(Module module) {
        LinkedHashMap<String, Target> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            out.put(e.getKey(), new Target(e.getValue(), module, e.getKey(), false));
        }
        module.namedModules().forEach((prefix, m) -> m.buffers().forEach((name, t) ->
                out.put(prefix.isEmpty() ? name : prefix + "." + name, new Target(t, m, name, true))));
        return out;
    }

    private static String quoted(List<String> keys) {
        return keys.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(", "));
    }
}
