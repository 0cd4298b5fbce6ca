package dev.fluxion.nn;

import dev.fluxion.ConvDerivatives;
import dev.fluxion.Derivatives;
import dev.fluxion.F;
import dev.fluxion.FluxionException;
import dev.fluxion.NnDerivatives;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The forward and backward passes of the runtime's layers, in the shape of a class the annotation
 * processor generates: {@code layer.forward(x)} in {@code @Differentiable} code is differentiated
 * as a call of the static method {@link Layers#forward(Layer, Tensor)}, whose pullback is written
 * here by hand from the rules of {@link Derivatives}, {@link ConvDerivatives} and
 * {@link NnDerivatives}. A pullback's {@code backward} accumulates into the gradient of each of the
 * layer's {@link Parameter}s that requires it, as a generated {@code Module} method does, and
 * returns the cotangent of the input.
 */
public final class LayersGrad {
    private LayersGrad() {}

    /**
     * {@link Layers#forward}: the forward pass only.
     *
     * @param layer the layer
     * @param x its input
     * @return its output
     */
    public static Tensor forward(Layer layer, Tensor x) {
        if (layer == null) {
            throw new FluxionException("forward: the layer is null");
        }
        return layer.forward(x);
    }

    /**
     * Runs the forward pass of {@code layer} on {@code x} and returns its pullback.
     *
     * @param layer the layer: one of the runtime's, or a {@link Sequential} of them
     * @param x its input
     * @return the pullback, holding the output
     */
    public static ForwardPullback forwardVjp(Layer layer, Tensor x) {
        if (layer == null) {
            throw new FluxionException("forward: the layer is null");
        }
        if (x == null) {
            throw new FluxionException(layer.getClass().getSimpleName() + ".forward: the input is null");
        }
        return new ForwardPullback(step(layer, x));
    }

    /**
     * The value of {@code layer.forward(x)} and the cotangent of {@code x}, computed when first
     * asked for: the first layer of a network has an input with no gradient, and a convolution's
     * input cotangent costs as much as its weight's.
     */
    public static final class ForwardGradient {
        private final Step step;
        private final @Nullable Tensor g;
        private @Nullable Tensor x;
        private boolean done;

        private ForwardGradient(Step step, @Nullable Tensor g) {
            this.step = step;
            this.g = g;
        }

        /** The forward value. */
        public Tensor value() {
            return step.out;
        }

        /** The cotangent of the input; null for indices (an {@link Embedding}) or a null cotangent. */
        public synchronized @Nullable Tensor x() {
            if (!done) {
                x = g == null ? null : step.input(g);
                done = true;
            }
            return x;
        }
    }

    /** The value of {@code layer.forward(x)} and what its backward pass needs. */
    public static final class ForwardPullback {
        private final Step step;

        private ForwardPullback(Step step) {
            this.step = step;
        }

        /** The forward value. */
        public Tensor value() {
            return step.out;
        }

        /**
         * Pulls the cotangent of the value back to the input, accumulating into the layer's
         * parameters. May run any number of times.
         *
         * @param g the cotangent of the value, its shape
         * @return the value and the cotangent of the input
         */
        public ForwardGradient backward(Tensor g) {
            if (g == null) {
                return new ForwardGradient(step, null);
            }
            if (!Arrays.equals(g.shape(), step.out.shape())) {
                throw new FluxionException(step.name() + " backward: Mismatch in shape: grad_output has a shape of "
                        + Arrays.toString(g.shape()) + " and output has a shape of " + Arrays.toString(step.out.shape()));
            }
            step.params(g);
            return new ForwardGradient(step, g);
        }

        @Override
        public String toString() {
            return "ForwardPullback[" + step.name() + "Backward]";
        }
    }

    /** One layer's forward result and backward rule. */
    private abstract static class Step {
        final Tensor x;
        final Tensor out;

        Step(Tensor x, Tensor out) {
            this.x = x;
            this.out = out;
        }

        abstract String name();

        /** Accumulates the parameters' gradients. */
        void params(Tensor g) {}

        /** The cotangent of x; null where x has none. */
        abstract @Nullable Tensor input(Tensor g);
    }

    private static void accumulate(@Nullable Parameter p, java.util.function.Supplier<Tensor> grad) {
        if (p != null && p.requiresGrad()) {
            p.accumulateGrad(grad.get());
        }
    }

    private static Step step(Layer layer, Tensor x) {
        return switch (layer) {
            case Linear l -> new Step(x, F.linear(x, l.weight, l.bias)) {
                String name() {
                    return "Linear";
                }

                void params(Tensor g) {
                    accumulate(l.weight, () -> Derivatives.matmulGradB(g, x, l.weight.t()).t());
                    accumulate(l.bias, () -> Derivatives.unbroadcast(g, l.bias));
                }

                Tensor input(Tensor g) {
                    return Derivatives.matmulGradA(g, x, l.weight.t());
                }
            };
            case Conv2d c -> new Step(x, F.conv2d(x, c.weight, c.bias, c.stride(), c.padding())) {
                String name() {
                    return "Conv2d";
                }

                void params(Tensor g) {
                    accumulate(c.weight, () -> ConvDerivatives.conv2dGradWeight(g, x, c.weight, c.stride(), c.padding()));
                    accumulate(c.bias, () -> ConvDerivatives.conv2dGradBias(g, c.bias));
                }

                Tensor input(Tensor g) {
                    return ConvDerivatives.conv2dGradInput(g, x, c.weight, c.stride(), c.padding());
                }
            };
            case MaxPool2d p -> new Step(x, p.forward(x)) {
                String name() {
                    return "MaxPool2d";
                }

                Tensor input(Tensor g) {
                    return ConvDerivatives.maxPool2dGrad(g, x, p.kernel(), p.stride());
                }
            };
            case LayerNorm n -> new Step(x, n.forward(x)) {
                String name() {
                    return "LayerNorm";
                }

                void params(Tensor g) {
                    accumulate(n.weight, () -> NnDerivatives.layerNormGradWeight(g, x, n.normalizedShape(), n.eps()));
                    accumulate(n.bias, () -> NnDerivatives.layerNormGradBias(g, n.normalizedShape()));
                }

                Tensor input(Tensor g) {
                    return NnDerivatives.layerNormGradInput(g, x, n.normalizedShape(), n.weight, n.eps());
                }
            };
            case BatchNorm1d b -> batchNorm(b, x);
            case Embedding e -> new Step(x, e.forward(x)) {
                String name() {
                    return "Embedding";
                }

                void params(Tensor g) {
                    accumulate(e.weight, () -> NnDerivatives.embeddingGrad(g, x, e.weight));
                }

                @Nullable Tensor input(Tensor g) {
                    return null; // indices have no gradient
                }
            };
            case Dropout d -> {
                Tensor mask = d.mask(x);
                yield new Step(x, d.isTraining() && d.p() != 0 ? x.times(mask) : x) {
                    String name() {
                        return "Dropout";
                    }

                    Tensor input(Tensor g) {
                        return NnDerivatives.dropoutGrad(g, mask);
                    }
                };
            }
            case ReLU r -> pointwise("ReLU", x, x.relu(), Derivatives::reluGrad);
            case Tanh t -> pointwise("Tanh", x, x.tanh(), Derivatives::tanhGrad);
            case Sigmoid s -> pointwise("Sigmoid", x, x.sigmoid(), Derivatives::sigmoidGrad);
            case GELU ge -> pointwise("GELU", x, x.gelu(), Derivatives::geluGrad);
            case Softmax s -> {
                Tensor out = x.softmax(s.dim());
                yield new Step(x, out) {
                    String name() {
                        return "Softmax";
                    }

                    Tensor input(Tensor g) {
                        return Derivatives.softmaxGrad(g, out, s.dim());
                    }
                };
            }
            case Flatten f -> new Step(x, f.forward(x)) {
                String name() {
                    return "Flatten";
                }

                Tensor input(Tensor g) {
                    return Derivatives.reshapeGrad(g, x);
                }
            };
            case Sequential s -> sequential(s, x);
            case Module m -> generated(m, x);
            default -> throw new FluxionException("forward of " + layer.getClass().getName()
                    + " has no derivative: in @Differentiable code use the runtime's layers, a Sequential of them,"
                    + " or a Module whose forward is @Differentiable");
        };
    }

    /**
     * A Module of the user's own (in a {@link Sequential}): its generated pullback, whose backward
     * accumulates into its Parameters and gives the input's cotangent in one call; {@code input}
     * reads what {@code params} computed for the same cotangent (tensors compare by identity), so
     * that a pullback run several times accumulates once per run.
     */
    private static Step generated(Module m, Tensor x) {
        GeneratedForward.Pullback pb = GeneratedForward.vjp(m, x);
        return new Step(x, pb.value()) {
            private final java.util.Map<Tensor, java.util.Optional<Tensor>> inputs = new java.util.WeakHashMap<>();

            String name() {
                return pb.name();
            }

            synchronized void params(Tensor g) {
                inputs.put(g, java.util.Optional.ofNullable(pb.backward(g)));
            }

            synchronized @Nullable Tensor input(Tensor g) {
                java.util.Optional<Tensor> in = inputs.get(g);
                if (in == null) {
                    throw new FluxionException(pb.name() + " backward: the cotangent of its input was asked for"
                            + " before its backward pass ran");
                }
                return in.orElse(null);
            }
        };
    }

    private interface PointwiseRule {
        Tensor grad(Tensor g, Tensor x, Tensor out);
    }

    private static Step pointwise(String name, Tensor x, Tensor out, PointwiseRule rule) {
        return new Step(x, out) {
            String name() {
                return name;
            }

            Tensor input(Tensor g) {
                return rule.grad(g, x, out);
            }
        };
    }

    private static Step batchNorm(BatchNorm1d b, Tensor x) {
        boolean training = b.isTraining();
        // Evaluation normalises by the running statistics: kept as they were, for the backward pass.
        Tensor mean = b.runningMean().copy();
        Tensor var = b.runningVar().copy();
        Tensor out = b.forward(x);
        return new Step(x, out) {
            String name() {
                return "BatchNorm1d";
            }

            void params(Tensor g) {
                accumulate(b.weight, () -> NnDerivatives.batchNormGradWeight(g, x, mean, var, training, b.eps()));
                accumulate(b.bias, () -> NnDerivatives.batchNormGradBias(g));
            }

            Tensor input(Tensor g) {
                return NnDerivatives.batchNormGradInput(g, x, var, b.weight, training, b.eps());
            }
        };
    }

    /** Layer after layer; the backward pass keeps the cotangent reaching the first, for {@code input}. */
    private static Step sequential(Sequential s, Tensor x) {
        List<Step> steps = new ArrayList<>();
        Tensor h = x;
        for (Layer layer : s.layers()) {
            Step st = step(layer, h);
            steps.add(st);
            h = st.out;
        }
        return new Step(x, h) {
            /** The cotangent that reached the first layer, by the cotangent of the output (by identity). */
            private final java.util.Map<Tensor, java.util.Optional<Tensor>> firsts = new java.util.WeakHashMap<>();

            String name() {
                return "Sequential";
            }

            synchronized void params(Tensor g) {
                Tensor gi = g;
                for (int i = steps.size() - 1; i >= 0 && gi != null; i--) {
                    steps.get(i).params(gi);
                    if (i > 0) {
                        gi = steps.get(i).input(gi);
                    }
                }
                firsts.put(g, java.util.Optional.ofNullable(gi));
            }

            synchronized @Nullable Tensor input(Tensor g) {
                if (steps.isEmpty()) {
                    return g;
                }
                java.util.Optional<Tensor> first = firsts.get(g);
                if (first == null) {
                    Tensor gi = g;
                    for (int i = steps.size() - 1; i > 0 && gi != null; i--) {
                        gi = steps.get(i).input(gi);
                    }
                    first = java.util.Optional.ofNullable(gi);
                    firsts.put(g, first);
                }
                return first.map(f -> steps.get(0).input(f)).orElse(null);
            }
        };
    }
}
