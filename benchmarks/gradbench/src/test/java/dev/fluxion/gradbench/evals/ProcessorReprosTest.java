package dev.fluxion.gradbench.evals;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The processor bugs met while writing the evals, each on a minimal program against central
 * differences; the disabled ones fail on main and pass on the engine rewrite's branch.
 */
class ProcessorReprosTest {
    static final double[] T = {0.3, -1.2, 2.5, 0.7, 2.4};

    @Test
    @Disabled("wrong gradient on main: an if nested in an else inside a loop pops its branch bits out of"
            + " order (outer's bit read as the inner's); fixed on w-engine (3716483, LIFO branch bits)")
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
    @Disabled("wrong gradient on main: c[1], read by both sides of the ?:, is computed in the first side"
            + " only and read as 0 by the second; fixed on w-engine (29cba36, ?: side temporaries)")
    void arrayReadSharedByBothSidesOfAConditionalIsComputedInEach() {
        CentralDifferences.assertClose("shared", CentralDifferences.gradient(
                c -> ProcessorRepros.sharedReadInConditionalSides(c, 1), T.clone()),
                ProcessorReprosGrad.sharedReadInConditionalSidesGrad(T.clone(), 1).c());
    }
}
