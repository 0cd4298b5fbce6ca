package dev.fluxion.gradbench.evals;

import dev.fluxion.gradbench.EvalModule;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every GradBench module this tool implements. */
public final class Modules {
    private Modules() {}

    /** The modules by name. */
    public static Map<String, EvalModule> all() {
        return List.of(Hello.module(), Lse.module(), Llsq.module(), Gmm.module(), Kmeans.module(), Ba.module(), Ode.module(), Lstm.module(), Det.module(), Particle.module(), Saddle.module(), Ht.module()).stream()
                .collect(Collectors.toMap(EvalModule::name, Function.identity()));
    }
}
