package dev.fluxion;

import java.util.Arrays;

import dev.fluxion.kernel.StridedLoop;
import org.jspecify.annotations.Nullable;

/** Shape ops that return views sharing storage (reshape copies only when it must). */
final class Views {
    private Views() {}

    static Tensor transpose(Tensor t, int d0, int d1) {
        if (t.shape.length == 0) {
            return t;
        }
        int a = Shapes.dim("transpose", d0, t.shape);
        int b = Shapes.dim("transpose", d1, t.shape);
        int[] shape = t.shape.clone();
        int[] strides = t.strides.clone();
        shape[a] = t.shape[b];
        shape[b] = t.shape[a];
        strides[a] = t.strides[b];
        strides[b] = t.strides[a];
        return t.view(shape, strides, t.offset);
    }

    static Tensor t(Tensor t) {
        if (t.shape.length > 2) {
            throw new FluxionException("t: expects a tensor with at most 2 dims, got shape " + Shapes.str(t.shape)
                    + "; use transpose(d0, d1)");
        }
        return t.shape.length < 2 ? t : transpose(t, 0, 1);
    }

    /** {@code shape} with a −1 entry replaced so that the element count is {@code numel}. */
    static int[] inferShape(String op, int[] from, int[] shape) {
        int numel = Shapes.numel(from);
        int[] r = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < r.length; i++) {
            if (r[i] == -1) {
                if (infer >= 0) {
                    throw new FluxionException(op + ": only one dim can be -1, got " + Arrays.toString(shape));
                }
                infer = i;
            } else if (r[i] < 0) {
                throw new FluxionException(op + ": invalid size " + r[i] + " in " + Arrays.toString(shape));
            } else {
                known *= r[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new FluxionException(op + ": shape " + Arrays.toString(shape) + " is invalid for a tensor of shape "
                        + Shapes.str(from) + " (" + numel + " elements)");
            }
            r[infer] = (int) (numel / known);
        } else if (known != numel) {
            throw new FluxionException(op + ": shape " + Arrays.toString(shape) + " is invalid for a tensor of shape "
                    + Shapes.str(from) + " (" + numel + " elements)");
        }
        return r;
    }

    static Tensor reshape(Tensor t, int[] requested, boolean mustView) {
        String op = mustView ? "view" : "reshape";
        int[] shape = inferShape(op, t.shape, requested);
        if (t.isContiguous()) {
            return t.view(shape, StridedLoop.contiguousStrides(shape), t.offset);
        }
        int[] strides = viewStrides(t.shape, t.strides, shape);
        if (strides != null) {
            return t.view(shape, strides, t.offset);
        }
        if (mustView) {
            throw new FluxionException("view: a tensor of shape " + Shapes.str(t.shape) + " with strides "
                    + Arrays.toString(t.strides) + " cannot be viewed as " + Shapes.str(shape)
                    + "; use reshape(...) (which copies) or contiguous() first");
        }
        Tensor c = t.copy();
        return c.view(shape, StridedLoop.contiguousStrides(shape), 0);
    }

    /** PyTorch's computeStride: strides viewing old as newShape without a copy, or null. */
    static int @Nullable [] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        if (Shapes.numel(oldShape) == 0 || oldShape.length == 0) {
            return StridedLoop.contiguousStrides(newShape);
        }
        int[] ns = new int[newShape.length];
        int viewD = newShape.length - 1;
        long chunkBase = oldStrides[oldStrides.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int td = oldShape.length - 1; td >= 0; td--) {
            tensorNumel *= oldShape[td];
            if (td == 0 || (oldShape[td - 1] != 1 && oldStrides[td - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    ns[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (td > 0) {
                    chunkBase = oldStrides[td - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? ns : null;
    }

    static Tensor squeeze(Tensor t) {
        int n = 0;
        for (int s : t.shape) {
            if (s != 1) n++;
        }
        int[] shape = new int[n];
        int[] strides = new int[n];
        int j = 0;
        for (int d = 0; d < t.shape.length; d++) {
            if (t.shape[d] != 1) {
                shape[j] = t.shape[d];
                strides[j++] = t.strides[d];
            }
        }
        return t.view(shape, strides, t.offset);
    }

    static Tensor squeeze(Tensor t, int dim) {
        if (t.shape.length == 0) {
            return t;
        }
        int d = Shapes.dim("squeeze", dim, t.shape);
        if (t.shape[d] != 1) {
            return t;
        }
        return t.view(remove(t.shape, d), remove(t.strides, d), t.offset);
    }

    static Tensor unsqueeze(Tensor t, int dim) {
        int d = Shapes.dim("unsqueeze", dim, t.shape.length + 1, t.shape);
        int stride = d < t.shape.length ? t.strides[d] * Math.max(1, t.shape[d]) : 1;
        return t.view(insert(t.shape, d, 1), insert(t.strides, d, stride), t.offset);
    }

    static Tensor expand(Tensor t, int[] target) {
        if (target.length < t.shape.length) {
            throw new FluxionException("expand: shape " + Shapes.str(t.shape) + " cannot be expanded to "
                    + Arrays.toString(target) + " (fewer dims)");
        }
        int lead = target.length - t.shape.length;
        int[] shape = new int[target.length];
        int[] strides = new int[target.length];
        for (int i = 0; i < target.length; i++) {
            int j = i - lead;
            int want = target[i];
            if (j < 0) {
                if (want < 0) {
                    throw new FluxionException("expand: size -1 is not allowed in a new leading dim: "
                            + Arrays.toString(target));
                }
                shape[i] = want;
                strides[i] = 0;
            } else if (want == -1 || want == t.shape[j]) {
                shape[i] = t.shape[j];
                strides[i] = t.strides[j];
            } else if (t.shape[j] == 1 && want >= 0) {
                shape[i] = want;
                strides[i] = 0;
            } else {
                throw new FluxionException("expand: shape " + Shapes.str(t.shape) + " cannot be expanded to "
                        + Arrays.toString(target) + " (dim " + j + " has size " + t.shape[j] + ", not 1)");
            }
        }
        return t.view(shape, strides, t.offset);
    }

    static Tensor slice(Tensor t, int dim, int start, int end, int step) {
        int d = Shapes.dim("slice", dim, t.shape);
        if (step <= 0) {
            throw new FluxionException("slice: step must be positive, got " + step);
        }
        int size = t.shape[d];
        int s = clampIndex(start, size);
        int e = clampIndex(end, size);
        int n = e > s ? (e - s + step - 1) / step : 0;
        int[] shape = t.shape.clone();
        int[] strides = t.strides.clone();
        shape[d] = n;
        strides[d] = t.strides[d] * step;
        return t.view(shape, strides, t.offset + (n > 0 ? s * t.strides[d] : 0));
    }

    private static int clampIndex(int i, int size) {
        int r = i < 0 ? i + size : i;
        return Math.max(0, Math.min(size, r));
    }

    static Tensor get(Tensor t, int[] indices) {
        if (indices.length > t.shape.length) {
            throw new FluxionException("get: " + indices.length + " indices for a tensor of shape " + Shapes.str(t.shape));
        }
        int offset = t.offset;
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k] < 0 ? indices[k] + t.shape[k] : indices[k];
            if (i < 0 || i >= t.shape[k]) {
                throw new FluxionException("get: index " + indices[k] + " is out of range for dim " + k + " of size "
                        + t.shape[k] + " (shape " + Shapes.str(t.shape) + ")");
            }
            offset += i * t.strides[k];
        }
        int n = indices.length;
        return t.view(Arrays.copyOfRange(t.shape, n, t.shape.length), Arrays.copyOfRange(t.strides, n, t.strides.length), offset);
    }

    static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    static int[] insert(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 0, i);
        r[i] = v;
        System.arraycopy(a, i, r, i + 1, a.length - i);
        return r;
    }
}
