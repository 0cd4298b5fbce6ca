package dev.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Parameter discovery by reflection: order, names, nesting, sharing; zeroGrad and freezing. */
class ModuleTest {
    static class Base extends Module {
        final Parameter first = param(Tensor.of(1.0));
    }

    static final class Net extends Base {
        static final Parameter IGNORED_STATIC = Parameter.of(Tensor.of(0.0));
        final Linear fc1 = new Linear(3, 2, new Random(1));
        final Tensor notAParameter = Tensor.zeros(2);
        final Tensor heldAsTensor = param(Tensor.of(2.0, 3.0));
        final Linear fc2 = new Linear(2, 1, false, new Random(2));
        final Parameter last = param(Tensor.zeros(2, 2));
        final List<Linear> blocks = List.of(new Linear(1, 1, new Random(3)), new Linear(1, 1, new Random(4)));
        final Module[] extra = {null, new Base()};
        final List<String> unrelated = List.of("a", "b");
        Parameter unset;
    }

    @Test
    void namesFollowDeclarationOrderSuperclassFirstWithDottedPaths() {
        Net net = new Net();
        List<String> names = new ArrayList<>(net.namedParameters().keySet());
        assertEquals(List.of("first", "fc1.weight", "fc1.bias", "heldAsTensor", "fc2.weight", "last",
                "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias", "extra.1.first"), names);
        assertSame(net.fc1.weight, net.namedParameters().get("fc1.weight"));
        assertSame(net.blocks.get(1).bias, net.namedParameters().get("blocks.1.bias"));
        assertSame(net.heldAsTensor, net.namedParameters().get("heldAsTensor"));
    }

    @Test
    void parametersListsTheSameObjectsInTheSameOrder() {
        Net net = new Net();
        assertEquals(new ArrayList<>(net.namedParameters().values()), net.parameters());
        assertSame(net.first, net.parameters().get(0));
        assertSame(net.last, net.parameters().get(5));
        assertTrue(net.parameters().get(0).requiresGrad());
    }

    static final class Tied extends Module {
        final Linear encoder = new Linear(2, 2, new Random(5));
        final Linear alias = encoder; // a shared sub-module
        final Parameter w = encoder.weight; // a tied weight
        final Parameter own = param(Tensor.of(1.0));
        Tied self = this; // a cycle
    }

    @Test
    void sharedParametersAndModulesAppearOnceUnderTheirFirstName() {
        Tied t = new Tied();
        assertEquals(List.of("encoder.weight", "encoder.bias", "own"), new ArrayList<>(t.namedParameters().keySet()));
        assertEquals(3, t.parameters().size());
    }

    static final class Outer extends Module {
        final Parameter p = param(Tensor.of(1.0));
        final Inner inner = new Inner();

        /** An inner class: its synthetic this$0 field points at the enclosing module. */
        final class Inner extends Module {
            final Parameter q = param(Tensor.of(2.0));

            /** Uses Outer.this, so javac keeps this$0 (it drops the field when unused, since JDK 18). */
            Parameter outerParameter() {
                return p;
            }
        }
    }

    @Test
    void innerClassModulesDoNotWalkIntoTheirEnclosingInstance() {
        Outer outer = new Outer();
        assertSame(outer.p, outer.inner.outerParameter());
        assertEquals(List.of("q"), new ArrayList<>(outer.inner.namedParameters().keySet()));
        assertEquals(List.of("p", "inner.q"), new ArrayList<>(outer.namedParameters().keySet()));
    }

    @Test
    void aModuleWithoutParametersHasNone() {
        Module empty = new Module() {};
        assertTrue(empty.namedParameters().isEmpty());
        assertTrue(empty.parameters().isEmpty());
    }

    @Test
    void paramMakesATrainableLeafWithTheInitialValues() {
        Base b = new Base();
        assertTrue(b.first.requiresGrad());
        assertTrue(b.first.isLeaf());
        assertNull(b.first.grad());
        assertArrayEquals(new double[] {1.0}, b.first.toDoubleArray(), 0.0);
    }

    @Test
    void zeroGradZerosEveryGradientInPlaceAndLeavesMissingOnesNull() {
        Net net = new Net();
        net.fc1.bias.accumulateGrad(Tensor.of(1f, 2f));
        net.fc1.bias.accumulateGrad(Tensor.of(0.5f, 0.5f));
        assertArrayEquals(new double[] {1.5, 2.5}, net.fc1.bias.grad().toDoubleArray(), 0.0);
        Tensor buffer = net.fc1.bias.grad();
        net.zeroGrad();
        assertSame(buffer, net.fc1.bias.grad());
        assertArrayEquals(new double[] {0, 0}, net.fc1.bias.grad().toDoubleArray(), 0.0);
        assertNull(net.fc1.weight.grad());
        net.fc1.bias.accumulateGrad(Tensor.of(4f, -1f));
        assertArrayEquals(new double[] {4, -1}, net.fc1.bias.grad().toDoubleArray(), 0.0);
    }

    @Test
    void frozenSubModuleIsNotTrainedByTheOptimizer() {
        Net net = new Net();
        double[] fc1Before = net.fc1.weight.toDoubleArray();
        double[] lastBefore = net.last.toDoubleArray();
        for (Parameter p : net.fc1.parameters()) {
            p.requiresGrad(false);
        }
        SGD sgd = new SGD(net.parameters(), 0.5);
        for (Parameter p : net.parameters()) {
            if (p.requiresGrad()) {
                p.accumulateGrad(Tensor.onesLike(p));
            }
        }
        sgd.step();
        assertArrayEquals(fc1Before, net.fc1.weight.toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {lastBefore[0] - 0.5, lastBefore[1] - 0.5, lastBefore[2] - 0.5,
                lastBefore[3] - 0.5}, net.last.toDoubleArray(), 1e-7);
    }

    @Test
    void toDTypeConvertsEveryParameterAndFloatingBufferKeepingSharingAndRequiresGrad() {
        Linear shared = new Linear(3, 2, new Random(1));
        Sequential net = new Sequential(shared, new Tanh(), new BatchNorm1d(2), shared);
        net.namedParameters().get("2.bias").requiresGrad(false);
        float[] before = shared.weight.toFloatArray();
        assertSame(net, net.to(dev.fluxion.DType.FLOAT64));
        net.namedParameters().forEach((name, p) -> assertEquals(dev.fluxion.DType.FLOAT64, p.dtype(), name));
        net.namedBuffers().forEach((name, b) -> assertTrue(!b.dtype().isFloatingPoint()
                || b.dtype() == dev.fluxion.DType.FLOAT64, name + " " + b.dtype()));
        assertSame(((Linear) net.get(0)).weight, ((Linear) net.get(3)).weight, "a shared weight stays shared");
        assertTrue(!net.namedParameters().get("2.bias").requiresGrad(), "requiresGrad is kept");
        double[] after = shared.weight.toDoubleArray();
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], 0, "values are kept");
        }
        org.junit.jupiter.api.Assertions.assertThrows(dev.fluxion.FluxionException.class,
                () -> net.to(dev.fluxion.DType.INT64));
    }
}
