/**
 * CPU kernels: elementwise row kernels ({@link dev.fluxion.kernel.Elementwise}), reductions
 * ({@link dev.fluxion.kernel.Reductions}), the N-d strided driver
 * ({@link dev.fluxion.kernel.StridedLoop}), matrix products ({@code Gemm}) and the thread pool
 * ({@link dev.fluxion.kernel.Parallel}). Each kernel has a scalar reference beside its fast path.
 */
@NullMarked
package dev.fluxion.kernel;

import org.jspecify.annotations.NullMarked;
