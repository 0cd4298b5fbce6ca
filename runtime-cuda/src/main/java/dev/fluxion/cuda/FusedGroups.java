package dev.fluxion.cuda;

import dev.fluxion.FusedExpr;
import dev.fluxion.Tensor;
import dev.fluxion.cuda.codegen.CudaSourceGenerator;
import dev.fluxion.cuda.codegen.ElementwiseKernel;
import dev.fluxion.cuda.codegen.Expr;
import dev.fluxion.cuda.codegen.ScalarType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * The processor's fused elementwise groups ({@code Fused.map("sigmoid(t0 * t1 + t2)", x, w, b)}) on
 * CUDA tensors: each distinct expression and dtype becomes one generated kernel
 * ({@link CudaSourceGenerator}, compiled by NVRTC once and cached on disk), launched over the
 * group's operands in place. The expression's tensor operands are the kernel's inputs (in the order
 * the expression first reads them), its scalar operands {@code s0, s1, ...} the kernel's scalar
 * arguments (a new learning rate reuses the kernel), its literals constants in the source; every
 * op computes in the operands' dtype, so each rounds as the op alone would.
 */
final class FusedGroups {

    /** A group's kernel and which of the call's tensors and scalars it reads, in its own order. */
    record Group(ElementwiseKernel kernel, int[] tensors, int[] scalars) {
    }

    /** Groups by expression and storage type (empty where the group does not fit one kernel). */
    private static final Map<List<Object>, Optional<Group>> GROUPS = new ConcurrentHashMap<>();

    private FusedGroups() {
    }

    /** {@code body} over {@code in} (one device, one floating dtype) in one launch, or null where it does not fit one kernel. */
    static Tensor run(FusedExpr body, double[] scalars, Tensor[] in) {
        ScalarType type = ScalarType.storageOf(in[0].dtype());
        Optional<Group> group = GROUPS.computeIfAbsent(List.of(body, type), k -> Optional.ofNullable(group(body, type)));
        if (group.isEmpty()) {
            return null;
        }
        Group g = group.get();
        Tensor[] inputs = new Tensor[g.tensors().length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = in[g.tensors()[i]];
        }
        double[] params = new double[g.scalars().length];
        for (int i = 0; i < params.length; i++) {
            params[i] = scalars[g.scalars()[i]];
        }
        return FusedElementwise.apply(g.kernel(), in[0].dtype(), params, inputs);
    }

    /** The kernel of {@code body} in {@code type}, or null with more inputs or scalars than one kernel takes. */
    static Group group(FusedExpr body, ScalarType type) {
        Numbering n = new Numbering();
        Expr e = n.translate(body);
        if (n.tensors.size() > ElementwiseKernel.MAX_INPUTS || n.scalars.size() > ElementwiseKernel.MAX_PARAMS) {
            return null;
        }
        String formula = CudaSourceGenerator.formula(e);
        CRC32 crc = new CRC32();
        crc.update(formula.getBytes(StandardCharsets.UTF_8));
        String name = String.format("fx_fused_%08x_%s", crc.getValue(), type.c());
        ElementwiseKernel k = new ElementwiseKernel(name, java.util.Collections.nCopies(n.tensors.size(), type),
                n.scalars.size(), type, type, e, "Fused.map group");
        return new Group(k, n.tensors.stream().mapToInt(Integer::intValue).toArray(),
                n.scalars.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Numbers the tensor and scalar operands as the expression first reads them. */
    private static final class Numbering {
        final List<Integer> tensors = new ArrayList<>();
        final List<Integer> scalars = new ArrayList<>();

        Expr translate(FusedExpr e) {
            return switch (e) {
                case FusedExpr.Input in -> Expr.input(slot(tensors, in.index()));
                case FusedExpr.Scalar s -> s.scalarIndex() < 0 ? Expr.constant(s.literal())
                        : Expr.param(slot(scalars, s.scalarIndex()));
                case FusedExpr.Unary u -> new Expr.Unary(u.op(), translate(u.x()), u.p(), u.q());
                case FusedExpr.Binary b -> Expr.binary(b.op(), translate(b.a()), translate(b.b()));
                // The runtime sends only unbroadcasts that change nothing (same shape and dtype).
                case FusedExpr.Unbroadcast u -> translate(u.x());
                case FusedExpr.Reduce r -> throw new IllegalArgumentException("a reduction inside a fused group: " + e);
            };
        }

        private static int slot(List<Integer> slots, int operand) {
            int at = slots.indexOf(operand);
            if (at < 0) {
                slots.add(operand);
                at = slots.size() - 1;
            }
            return at;
        }
    }
}
