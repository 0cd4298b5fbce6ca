/**
 * Training-step benchmarks for the reference workloads W1–W4 of {@code shared/bench}: each
 * workload trained three ways in one JMH run — a Fluxion model as a user writes it (an annotated
 * {@code Module} whose gradient code the processor generates), the same step written by hand over
 * {@code float[]}, and (outside JMH) PyTorch CPU eager via {@code torch_workloads.py}.
 *
 * <p>Every benchmark method runs a whole training run of the workload's step count from the same
 * initial parameters and reports time per step, as {@code torch_workloads.py} does.
 */
package dev.fluxion.bench.training;
