package dev.fluxion.gradbench.evals;

import org.junit.jupiter.api.Test;

/**
 * The processor bugs met while writing the evals, each on a minimal program against central
 * differences; the one reverse engine fixed every one of them.
 */
class ProcessorReprosTest {
    static final double[] T = {0.3, -1.2, 2.5, 0.7, 2.4};

    @Test
    void elseIfInLoopPopsBranchBitsInOrder() {
        CentralDifferences.assertClose("streamed", CentralDifferences.gradient(ProcessorRepros::streamed, T.clone()),
                ProcessorReprosGrad.streamedGrad(T.clone()).t());
    }

    @Test
    void maxLoopThenExpSumLoopMatchesCentralDifferences() {
        CentralDifferences.assertClose("lseAlpha", CentralDifferences.gradient(a -> ProcessorRepros.lseAlpha(a, 5), T.clone()),
                ProcessorReprosGrad.lseAlphaGrad(T.clone(), 5).alpha());
    }

    @Test
    void elseIfWithoutElseInNestedLoopsMatchesCentralDifferences() {
        CentralDifferences.assertClose("nested", CentralDifferences.gradient(a -> ProcessorRepros.nested(a, 3, 5), T.clone()),
                ProcessorReprosGrad.nestedGrad(T.clone(), 3, 5).alpha());
    }

    @Test
    void arrayReadSharedByBothSidesOfAConditionalIsComputedInEach() {
        CentralDifferences.assertClose("shared", CentralDifferences.gradient(
                c -> ProcessorRepros.sharedReadInConditionalSides(c, 1), T.clone()),
                ProcessorReprosGrad.sharedReadInConditionalSidesGrad(T.clone(), 1).c());
    }
}
