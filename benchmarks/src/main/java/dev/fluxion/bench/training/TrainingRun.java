package dev.fluxion.bench.training;

import dev.fluxion.Tensor;
import dev.fluxion.nn.Module;
import dev.fluxion.optim.SGD;

/**
 * What every training benchmark shares: the data, the SGD optimizer, the initial parameter values,
 * and the timed loops. A subclass supplies the generated {@code lossBackward} call.
 */
abstract class TrainingRun {
    protected Tensor x;
    protected Tensor y;
    protected Snapshot initial;
    private SGD opt;

    /** Keeps the data, makes the optimizer and remembers the model's initial parameters. */
    protected final void prepare(Workloads.Data data, Module model, double lr) {
        x = data.x();
        y = data.y();
        opt = new SGD(model.parameters(), lr);
        initial = Snapshot.of(model);
    }

    /** The generated forward + backward call, accumulating into the model's gradients. */
    protected abstract Tensor lossBackward();

    /** One Fluxion step: {@code zeroGrad}, the generated {@code lossBackward}, {@code step}. */
    protected final double fluxionStep() {
        opt.zeroGrad();
        Tensor loss = lossBackward();
        opt.step();
        return loss.item();
    }

    /** A whole Fluxion training run of {@code steps} steps from the initial parameters. */
    protected final Tensor fluxionRun(int steps) {
        initial.restore();
        Tensor loss = null;
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            loss = lossBackward();
            opt.step();
        }
        return loss;
    }

    /** A whole hand-written training run of {@code steps} steps from the initial parameters. */
    protected static float handRun(HandStep hand, int steps) {
        hand.reset();
        float loss = 0;
        for (int s = 0; s < steps; s++) {
            loss = hand.step();
        }
        return loss;
    }
}
