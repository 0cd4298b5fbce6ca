package dev.fluxion.examples.kotlin

import dev.fluxion.Tensor
import dev.fluxion.examples.ChainRuleGrad
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class KotlinExampleTest {
    @Test
    fun destructuresTheGradientRecord() {
        val (e, dedA, dedB) = ChainRuleGrad.eGrad(1.0, 2.0)
        assertEquals(9.0, e)
        assertEquals(3.0, dedA)   // b + 1
        assertEquals(6.0, dedB)   // a + 2b + 1
    }

    @Test
    fun operatorsTrainTheSameModelAsJava() {
        // Same numbers as the Java tutorial (PyTorch: loss 0.36515581607818604 after 1000 epochs).
        val trained = trainLogistic(1000, 0.01)
        assertEquals(0.6931471824645996, trained.firstLoss, 1e-6)
        assertEquals(0.36515581607818604, trained.lastLoss, 1e-4)
        val p = predict(Tensor.of(arrayOf(floatArrayOf(0f, 0f))), trained.w, trained.b).item()
        assertEquals(1.0 / (1.0 + Math.exp(-trained.b.item())), p, 1e-6)
    }
}
