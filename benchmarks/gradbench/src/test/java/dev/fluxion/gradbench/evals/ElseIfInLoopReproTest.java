package dev.fluxion.gradbench.evals;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class ElseIfInLoopReproTest {
    static final double[] T = {0.3, -1.2, 2.5, 0.7, 2.4};

    @Test
    @Disabled("wrong gradient on main: an if nested in an else inside a loop pops its branch bits out of"
            + " order (outer's bit read as the inner's); fixed on w-engine (3716483, LIFO branch bits)")
    void elseIfInLoopPopsBranchBitsInOrder() {
        CentralDifferences.assertClose("streamed", CentralDifferences.gradient(ElseIfInLoopRepro::streamed, T.clone()),
                ElseIfInLoopReproGrad.streamedGrad(T.clone()).t());
    }

    @Test
    void lseAlpha() {
        CentralDifferences.assertClose("lseAlpha", CentralDifferences.gradient(a -> ElseIfInLoopRepro.lseAlpha(a, 5), T.clone()),
                ElseIfInLoopReproGrad.lseAlphaGrad(T.clone(), 5).alpha());
    }

    @Test
    void nested() {
        CentralDifferences.assertClose("nested", CentralDifferences.gradient(a -> ElseIfInLoopRepro.nested(a, 3, 5), T.clone()),
                ElseIfInLoopReproGrad.nestedGrad(T.clone(), 3, 5).alpha());
    }
}
