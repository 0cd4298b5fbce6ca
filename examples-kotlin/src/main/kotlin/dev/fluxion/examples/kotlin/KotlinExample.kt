package dev.fluxion.examples.kotlin

import dev.fluxion.F.sigmoid
import dev.fluxion.Tensor
import dev.fluxion.examples.ChainRuleGrad
import dev.fluxion.examples.LogisticRegressionGrad

/**
 * Kotlin calling Fluxion: Tensor's `plus`/`times`/`minus`/`unaryMinus` are Kotlin operators, and
 * the generated gradient records destructure. The differentiable methods themselves are written in
 * Java (dev.fluxion.examples.LogisticRegression and ChainRule), where the annotation processor
 * runs; their generated classes are ordinary Java that Kotlin calls.
 */
data class Trained(val w: Tensor, val b: Tensor, val firstLoss: Double, val lastLoss: Double)

fun trainLogistic(epochs: Int, lr: Double): Trained {
    val x = Tensor.of(arrayOf(floatArrayOf(1f, 1f), floatArrayOf(1f, 0f), floatArrayOf(0f, 1f), floatArrayOf(0f, 0f)))
    val y = Tensor.of(arrayOf(floatArrayOf(0f), floatArrayOf(1f), floatArrayOf(0f), floatArrayOf(1f)))
    var w = Tensor.zeros(2, 1)
    var b = Tensor.zeros(1)
    var first = Double.NaN
    var last = Double.NaN
    repeat(epochs) { epoch ->
        val (loss, dw, db) = LogisticRegressionGrad.lossGrad(x, y, w, b)
        w -= dw * lr
        b -= db * lr
        if (epoch == 0) first = loss.item()
        last = loss.item()
    }
    return Trained(w, b, first, last)
}

/** The model's probabilities, written with operators: `sigmoid(x.matmul(w) + b)`. */
fun predict(x: Tensor, w: Tensor, b: Tensor): Tensor = sigmoid(x.matmul(w) + b)

fun main() {
    val (e, dedA, dedB) = ChainRuleGrad.eGrad(2.0, 1.0)
    println("e(2, 1) = $e, de/da = $dedA, de/db = $dedB")

    val trained = trainLogistic(1000, 0.01)
    println("loss ${trained.firstLoss} -> ${trained.lastLoss}")
    val x = Tensor.of(arrayOf(floatArrayOf(1f, 1f), floatArrayOf(0f, 0f)))
    println("p([1,1]), p([0,0]) = ${predict(x, trained.w, trained.b)}")
    println("-w = ${-trained.w}")
}
