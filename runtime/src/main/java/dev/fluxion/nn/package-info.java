/**
 * Models with parameters: {@link dev.fluxion.nn.Module}, the base class whose {@code Parameter}
 * fields are found by reflection, and ready-made layers as in {@code torch.nn}:
 * {@link dev.fluxion.nn.Linear}, {@link dev.fluxion.nn.Conv2d}, {@link dev.fluxion.nn.MaxPool2d},
 * {@link dev.fluxion.nn.LayerNorm}, {@link dev.fluxion.nn.BatchNorm1d},
 * {@link dev.fluxion.nn.Embedding}, {@link dev.fluxion.nn.Dropout}, {@link dev.fluxion.nn.Flatten}, the activations
 * {@link dev.fluxion.nn.ReLU}, {@link dev.fluxion.nn.Tanh}, {@link dev.fluxion.nn.Sigmoid},
 * {@link dev.fluxion.nn.GELU}, {@link dev.fluxion.nn.Softmax}, and the containers
 * {@link dev.fluxion.nn.Sequential} and {@link dev.fluxion.nn.ModuleList}. Layers start from
 * PyTorch's default initialisation ({@link dev.fluxion.nn.Init}); state dicts use PyTorch's keys.
 *
 * <p>Modules are plain objects. The annotation processor reads their {@code @Differentiable}
 * methods at compile time and generates the backward pass; the runtime never records a graph.
 */
@NullMarked
package dev.fluxion.nn;

import org.jspecify.annotations.NullMarked;
