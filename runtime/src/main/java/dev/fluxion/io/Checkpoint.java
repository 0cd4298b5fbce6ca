package dev.fluxion.io;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import dev.fluxion.nn.IncompatibleKeys;
import dev.fluxion.nn.Module;
import dev.fluxion.optim.Optimizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saving and resuming training in one call: a model's {@link Module#stateDict() state dict},
 * optionally with its optimizer's, in one {@link SafeTensors} file.
 *
 * <p>The model's tensors keep their PyTorch keys ({@code fc1.weight}), so a model-only checkpoint
 * is an ordinary safetensors state dict that {@code safetensors.torch.load_file} reads and
 * {@code model.load_state_dict} accepts. With an optimizer, its {@link Optimizer#stateDict()}
 * entries are added under {@code optimizer.} ({@code optimizer.state.0.exp_avg}), and the file's
 * metadata records the optimizer's class under {@code fluxion.optimizer}.
 *
 * <pre>{@code
 * Checkpoint.save(Path.of("run/epoch3.safetensors"), model, adam);
 * // later, in a fresh process, with a model and an Adam built the same way:
 * Checkpoint.load(Path.of("run/epoch3.safetensors"), model, adam);
 * }</pre>
 */
public final class Checkpoint {
    private static final String OPTIMIZER_PREFIX = "optimizer.";
    private static final String OPTIMIZER_META = "fluxion.optimizer";

    private Checkpoint() {}

    /**
     * Saves the model's state dict, atomically (see {@link SafeTensors#save(Path, Map, Map)}).
     *
     * @param file the file to create or replace
     * @param model the model
     * @throws FluxionException if the file cannot be written
     */
    public static void save(Path file, Module model) {
        SafeTensors.save(file, model.stateDict(), Map.of("format", "pt"));
    }

    /**
     * Saves the model's and the optimizer's state, atomically, so that training resumes exactly.
     *
     * @param file the file to create or replace
     * @param model the model
     * @param optimizer its optimizer
     * @throws FluxionException if the file cannot be written
     */
    public static void save(Path file, Module model, Optimizer optimizer) {
        LinkedHashMap<String, Tensor> all = new LinkedHashMap<>(model.stateDict());
        optimizer.stateDict().forEach((k, v) -> all.put(OPTIMIZER_PREFIX + k, v));
        SafeTensors.save(file, all, Map.of("format", "pt", OPTIMIZER_META, optimizer.getClass().getName()));
    }

    /**
     * Loads a model's state strictly: every key of the model must be in the file and no other
     * (optimizer entries of a training checkpoint are skipped).
     *
     * @param file a checkpoint or any safetensors state dict
     * @param model the model to fill, in place
     * @throws FluxionException naming the file, for an unreadable or corrupt file, or missing,
     *     unexpected or mis-shaped keys (the model is then unchanged)
     */
    public static void load(Path file, Module model) {
        load(file, model, true);
    }

    /**
     * Loads a model's state, strictly or not.
     *
     * @param file a checkpoint or any safetensors state dict
     * @param model the model to fill, in place
     * @param strict whether missing and unexpected keys are errors
     * @return the keys that did not match (both lists empty when strict)
     * @throws FluxionException naming the file, for an unreadable or corrupt file, mis-shaped keys,
     *     or (when strict) missing or unexpected keys
     */
    public static IncompatibleKeys load(Path file, Module model, boolean strict) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        try {
            return model.loadStateDict(split(contents, false), strict);
        } catch (FluxionException e) {
            throw new FluxionException("Checkpoint.load " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads the model's state (strictly) and the optimizer's from a file written by
     * {@link #save(Path, Module, Optimizer)}. Both are checked before either changes.
     *
     * @param file the training checkpoint
     * @param model the model to fill, in place
     * @param optimizer the optimizer to restore, of the class the file was saved from
     * @throws FluxionException naming the file, for an unreadable or corrupt file, a file without
     *     optimizer state or with another optimizer's, or keys or shapes that do not match
     */
    public static void load(Path file, Module model, Optimizer optimizer) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        String saved = contents.metadata().get(OPTIMIZER_META);
        if (saved == null) {
            throw new FluxionException("Checkpoint.load " + file + ": the file holds no optimizer state"
                    + " (it was saved without an optimizer)");
        }
        if (!saved.equals(optimizer.getClass().getName())) {
            throw new FluxionException("Checkpoint.load " + file + ": the file holds the state of " + saved
                    + ", not of " + optimizer.getClass().getName());
        }
        try {
            // Check the model first without writing: a strict load throws before it copies anything.
            Map<String, Tensor> modelState = split(contents, false);
            Map<String, Tensor> before = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> before.put(k, v.copy()));
            model.loadStateDict(modelState, true);
            try {
                optimizer.loadStateDict(split(contents, true));
            } catch (FluxionException e) {
                model.loadStateDict(before, true); // leave the model as it was
                throw e;
            }
        } catch (FluxionException e) {
            throw new FluxionException("Checkpoint.load " + file + ": " + e.getMessage(), e);
        }
    }

    /** The model's entries, or (with {@code optimizer}) the optimizer's with the prefix removed. */
    private static Map<String, Tensor> split(SafeTensors.Contents contents, boolean optimizer) {
        boolean training = contents.metadata().containsKey(OPTIMIZER_META);
        Map<String, Tensor> out = new LinkedHashMap<>();
        contents.tensors().forEach((k, v) -> {
            boolean isOptimizer = training && k.startsWith(OPTIMIZER_PREFIX);
            if (isOptimizer == optimizer) {
                out.put(optimizer ? k.substring(OPTIMIZER_PREFIX.length()) : k, v);
            }
        });
        return out;
    }
}
