/**
 * CUDA C for elementwise expressions: {@link dev.fluxion.cuda.codegen.Expr} trees over a kernel's
 * inputs become readable kernels ({@link dev.fluxion.cuda.codegen.CudaSourceGenerator}). Pure Java:
 * the processor's fusion pass can use it at compile time; {@code dev.fluxion.cuda.FusedElementwise}
 * compiles and launches the kernels at run time.
 */
package dev.fluxion.cuda.codegen;
