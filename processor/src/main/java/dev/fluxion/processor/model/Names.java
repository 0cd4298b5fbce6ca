package dev.fluxion.processor.model;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every name the generated code uses, decided here and nowhere else.
 *
 * <p>Static methods give the fixed names (classes, methods, records); a {@link Scope} hands out
 * local names within one generated method body, never twice and never one the user already uses.
 */
public final class Names {
    /** The qualified name of the generated classes' {@code @Generated} value. */
    public static final String GENERATOR = "dev.fluxion.processor.FluxionProcessor";
    /** The parameter that carries the model into generated {@code Module} methods. */
    public static final String MODEL = "model";
    /** The record component holding the forward value. */
    public static final String VALUE = "value";
    /** The pullback method running the backward pass. */
    public static final String BACKWARD = "backward";

    private Names() {}

    /** {@code Tutorial} → {@code TutorialGrad}; {@code Outer.Inner} → {@code Outer_InnerGrad}. */
    public static String gradClass(String ownerSimpleName) {
        return ownerSimpleName.replace('.', '_') + "Grad";
    }

    /** The qualified name of the generated class for a qualified owner in a package. */
    public static String gradClassQualified(String packageName, String ownerSimpleName) {
        String simple = gradClass(ownerSimpleName);
        return packageName.isEmpty() ? simple : packageName + "." + simple;
    }

    /** {@code e} → {@code eGrad}. */
    public static String gradMethod(String method) {
        return method + "Grad";
    }

    /**
     * The method a call of {@code gGrad(...).x()} inside differentiable code becomes
     * ({@link NestedCall}): {@code gGrad_x}.
     */
    public static String nestedGradient(String method, String component) {
        return gradMethod(method) + "_" + component;
    }

    /** Whether {@code name} is a {@link #nestedGradient} adapter's. */
    public static boolean isNestedGradient(String name) {
        return name.matches("\\w+Grad_\\w+");
    }

    /** {@code e} → {@code eVjp}. */
    public static String vjpMethod(String method) {
        return method + "Vjp";
    }

    /**
     * {@code fVjpCheckpointed}: the value now and the pullback later (the backward pass runs
     * {@code fVjp} again), for the calls of a recursion.
     */
    public static String checkpointedVjpMethod(String method) {
        return vjpMethod(method) + "Checkpointed";
    }

    /** The class {@link #checkpointedVjpMethod} returns. */
    public static String checkpointClass(String method) {
        return capitalize(method) + "Checkpoint";
    }

    /** {@code loss} → {@code lossBackward}. */
    public static String backwardMethod(String method) {
        return method + "Backward";
    }

    /** {@code e} → {@code EGradient}. */
    public static String gradientRecord(String method) {
        return capitalize(method) + "Gradient";
    }

    /**
     * The gradient record's component for each parameter, in order: the parameter's own name,
     * unless that would clash with a member every record has or one the generated record declares
     * ({@code value}, {@code hashCode}, {@code toString}, {@code component1}, ...), then
     * {@code valueGrad} (with {@code _} appended while another parameter has that name). A
     * function of the parameter names alone, so a caller computes the same names as the callee.
     */
    public static List<String> gradientComponents(List<String> paramNames) {
        List<String> out = new java.util.ArrayList<>();
        Set<String> used = new HashSet<>(List.of(VALUE));
        for (String p : paramNames) {
            String c = RECORD_MEMBERS.contains(p) || p.matches("component[0-9]+") ? p + "Grad" : p;
            while (!c.equals(p) && (used.contains(c) || paramNames.contains(c))) {
                c = c + "_";
            }
            used.add(c);
            out.add(c);
        }
        return out;
    }

    /**
     * The name a user's parameter or local has in generated code: its own, except in a method that
     * takes the model ({@code Module} methods), where {@code model} is the generated parameter, so
     * a user's {@code model} becomes {@code model_} (and {@code model_} becomes {@code model__}).
     */
    public static String userVariable(String name, boolean takesModel) {
        return takesModel && name.matches(MODEL + "_*") ? name + "_" : name;
    }

    /** No-argument methods every generated gradient record has, which a component must not hide. */
    private static final Set<String> RECORD_MEMBERS = Set.of(VALUE, "hashCode", "toString", "getClass", "clone",
            "finalize", "notify", "notifyAll", "wait");

    /** {@code e} → {@code EPullback}. */
    public static String pullbackClass(String method) {
        return capitalize(method) + "Pullback";
    }

    /** The adjoint (cotangent) local of a forward variable: {@code pred} → {@code pred_adj}. */
    public static String adjoint(String variable) {
        return variable + "_adj";
    }

    /** The local holding a callee's pullback: {@code h} → {@code h_pullback}. */
    public static String calleePullback(String variable) {
        return variable + "_pullback";
    }

    /** The local holding a callee's gradient record: {@code h} → {@code h_grad}. */
    public static String calleeGradient(String variable) {
        return variable + "_grad";
    }

    /** The forward-mode method: {@code f} → {@code fJvp}. */
    public static String jvpMethod(String method) {
        return method + "Jvp";
    }

    /** The whole Jacobian: {@code f} → {@code fJacobian}. */
    public static String jacobianMethod(String method) {
        return method + "Jacobian";
    }

    /** The record {@code fJacobian} returns: {@code f} → {@code FJacobian}. */
    public static String jacobianRecord(String method) {
        return capitalize(method) + "Jacobian";
    }

    /** The Hessian-vector product: {@code f} → {@code fHvp}. */
    public static String hvpMethod(String method) {
        return method + "Hvp";
    }

    /** The Hessian: {@code f} → {@code fHessian}. */
    public static String hessianMethod(String method) {
        return method + "Hessian";
    }

    /** The record {@code fJvp} returns: {@code f} → {@code FTangent}. */
    public static String tangentRecord(String method) {
        return capitalize(method) + "Tangent";
    }

    /** The tangent of a variable: {@code x} → {@code x_dot}, as Tapenade's {@code _d}. */
    public static String tangent(String variable) {
        return variable + "_dot";
    }

    /** The record component of a tangent record holding the value's tangent. */
    public static final String TANGENT = "tangent";

    /** The local that caches a field read: {@code [fc1, weight]} → {@code fc1_weight}. */
    public static String fieldLocal(List<String> path) {
        return String.join("_", path);
    }

    /** The local holding the returned value when the return expression was compound. */
    public static String result() {
        return "result";
    }

    /** {@code exp} → {@code Exp}. */
    public static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The names used in one generated method body. */
    /**
     * {@code base}, or {@code base_}, {@code base__}, ... : the first not in {@code taken}, which
     * then holds it. For names the writer adds beside the user's in one generated method.
     */
    public static String freshIn(String base, Set<String> taken) {
        String n = unusedIn(base, taken);
        taken.add(n);
        return n;
    }

    /** As {@link #freshIn} without claiming the name: {@code taken} is left as it is. */
    public static String unusedIn(String base, Set<String> taken) {
        String n = base;
        while (taken.contains(n)) {
            n = n + "_";
        }
        return n;
    }

    public static final class Scope {
        private final Set<String> used = new HashSet<>();

        /** A scope that avoids the given names (the user's parameters and locals). */
        public Scope(Iterable<String> taken) {
            taken.forEach(used::add);
        }

        /** Claims {@code name} as is; false if it was already taken. */
        public boolean claim(String name) {
            return used.add(name);
        }

        /** {@code base} if free, else {@code base2}, {@code base3}, ... */
        public String fresh(String base) {
            if (used.add(base)) {
                return base;
            }
            for (int i = 2; ; i++) {
                String candidate = base + i;
                if (used.add(candidate)) {
                    return candidate;
                }
            }
        }

        /** A temporary named after what it holds: {@code exp} → {@code exp1}, {@code exp2}, ... */
        public String temp(String what) {
            for (int i = 1; ; i++) {
                String candidate = what + i;
                if (used.add(candidate)) {
                    return candidate;
                }
            }
        }
    }
}
