package dev.fluxion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The run-time traps of issue 14: each gives a clear error naming the operation, not NaN or an NPE. */
class RuntimeTrapsTest {
    @Test
    void bceRejectsProbabilitiesOutsideTheUnitInterval() {
        Tensor y = Tensor.of(1.0, 0.0);
        FluxionException e = assertThrows(FluxionException.class, () -> F.bce(Tensor.of(0.5, 1.5), y));
        assertEquals("bce: all elements of the input should be between 0 and 1, but the input of shape [2] holds values"
                + " in [0.5, 1.5]; pass probabilities (sigmoid(z)), or use bceWithLogits(z, y) on the logits", e.getMessage());
        assertThrows(FluxionException.class, () -> F.bce(Tensor.of(-0.01f, 0.5f), y.toFloat(), Reduction.SUM));
        assertThrows(FluxionException.class, () -> F.bce(Tensor.of(Double.NaN, 0.5), y));
        // The edges are allowed, with PyTorch's log clamp: −[1·ln 1 + 1·max(ln 0, −100)]/2 = 50.
        assertEquals(50.0, F.bce(Tensor.of(1.0, 1.0), Tensor.of(1.0, 0.0)).item(), 1e-12);
    }

    @Test
    void whereRejectsANonBoolMask() {
        Tensor a = Tensor.of(1.0, 2.0), b = Tensor.of(3.0, 4.0);
        FluxionException e = assertThrows(FluxionException.class, () -> F.where(Tensor.of(1.0, 0.0), a, b));
        assertTrue(e.getMessage().startsWith("where: the mask must be a BOOL tensor (a comparison such as x.gt(0)), got"
                + " FLOAT64 of shape [2]"), e.getMessage());
        assertThrows(FluxionException.class, () -> F.where(Tensor.of(1f, 0f).argmax(), a, b));
        assertEquals(4.0, F.where(Tensor.of(1.0, 0.0).ne(0), a, b).toDoubleArray()[1]);
    }

    @Test
    void powGradBStillWorksWithItsLogicalAndMask() {
        // d/db a^b = a^b·ln a, and 0 at a = 0 with b >= 0 (the mask that used to be INT64).
        Tensor a = Tensor.of(0.0, 2.0), b = Tensor.of(1.0, 3.0);
        Tensor grad = Derivatives.powGradB(Tensor.ones(DType.FLOAT64, 2), a, b, a.pow(b));
        assertEquals(0.0, grad.toDoubleArray()[0]);
        assertEquals(8 * Math.log(2), grad.toDoubleArray()[1], 1e-12);
    }

    @Test
    void arangeWithTooManyElementsSaysSo() {
        FluxionException e = assertThrows(FluxionException.class, () -> Tensor.arange(0, 3e9, 1));
        assertEquals("arange: [0.0, 3.0E9) with step 1.0 has 3000000000 elements, more than 2^31 - 1", e.getMessage());
        e = assertThrows(FluxionException.class, () -> Tensor.arange(0, Double.POSITIVE_INFINITY, 1));
        assertTrue(e.getMessage().contains("infinitely many elements"), e.getMessage());
        assertEquals(3, Tensor.arange(0, 3, 1).numel());
    }

    @Test
    void inPlaceUpdatesWithANullOperandNameTheOperation() {
        Parameter p = Parameter.of(Tensor.zeros(3));
        FluxionException e = assertThrows(FluxionException.class, () -> p.addInPlace(p.grad(), -0.1));
        assertEquals("addInPlace: the operand other is null (a Parameter's grad() is null until a backward pass has"
                + " accumulated into it)", e.getMessage());
        assertThrows(FluxionException.class, () -> p.copyInPlace(null));
        assertThrows(FluxionException.class, () -> p.addcmulInPlace(p, null, 1));
        assertThrows(FluxionException.class, () -> p.addcdivInPlace(null, p, 1));
    }
}
