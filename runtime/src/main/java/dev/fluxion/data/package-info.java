/**
 * Data loading, as {@code torch.utils.data}: a {@link dev.fluxion.data.Dataset} of samples
 * ({@link dev.fluxion.data.TensorDataset} over whole tensors), mini-batches from a
 * {@link dev.fluxion.data.DataLoader} (seeded shuffling, drop-last, background prefetching),
 * random splits ({@link dev.fluxion.data.Datasets}), and tensors read from CSV
 * ({@link dev.fluxion.data.Csv}) and IDX/MNIST ({@link dev.fluxion.data.Idx}) files.
 *
 * <pre>{@code
 * var data = new TensorDataset(Idx.read(images).div(255).unsqueeze(1), Idx.read(labels));
 * var split = Datasets.trainTestSplit(data, 0.1, 42);
 * var loader = DataLoader.builder(split.train()).batchSize(64).shuffle(42).prefetch(2).build();
 * for (Batch b : loader) { ... b.x() ... b.y() ... }
 * }</pre>
 */
@NullMarked
package dev.fluxion.data;

import org.jspecify.annotations.NullMarked;
