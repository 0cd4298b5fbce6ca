package dev.fluxion;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.ReduceOp;
import dev.fluxion.kernel.StridedLoop;
import dev.fluxion.kernel.UnaryOp;
import org.jspecify.annotations.Nullable;

/**
 * A dense, strided n-dimensional array of float32 (the default), float64, int64 or bool values.
 *
 * <p>A tensor is a view: {@code shape}, {@code strides} and {@code offset} over a flat
 * {@code float[]} (FLOAT32) or {@code double[]} (the other types); element (i₀, …, i_{r−1}) is
 * at {@code offset + Σ i_d · strides[d]}. Shape operations ({@link #transpose}, {@link #slice},
 * {@link #expand}, ...) return views sharing the storage; every other op returns a new contiguous
 * tensor. Tensors are immutable to user code: the only mutators are the {@code ...InPlace}
 * methods, meant for optimizers. Elementwise ops broadcast as NumPy and PyTorch do, and mixing
 * float32 with float64 promotes to float64.
 *
 * <p>Every method also exists as a static in {@link F}; the derivative rules are in
 * {@link Derivatives}.
 */
public sealed class Tensor permits Parameter {
    private static final AtomicBoolean ANOMALY_DETECTION = new AtomicBoolean(false);

    final DType dtype;
    final float @Nullable [] f;
    final double @Nullable [] d;
    final int[] shape;
    final int[] strides;
    final int offset;
    /**
     * {@link #isContiguous()} once asked: 0 not yet known, 1 contiguous, 2 not. Shape and strides
     * never change, so a race only computes the same answer twice. Lazy, because many views are
     * made and never asked.
     */
    private byte contiguity;
    /** The memory of a tensor on a device other than the CPU (then {@code f} and {@code d} are null); null on the CPU. */
    final @Nullable DeviceBuffer buffer;

    Tensor(DType dtype, float @Nullable [] f, double @Nullable [] d, int[] shape, int[] strides, int offset) {
        this.dtype = dtype;
        this.f = f;
        this.d = d;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.buffer = null;
    }

    /** A view of device memory (see {@link Devices#wrap}). */
    Tensor(DType dtype, DeviceBuffer buffer, int[] shape, int[] strides, int offset) {
        this.dtype = dtype;
        this.f = null;
        this.d = null;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.buffer = buffer;
    }

    /** A view of {@code other}'s storage (used by {@link Parameter}). */
    Tensor(Tensor other) {
        this.dtype = other.dtype;
        this.f = other.f;
        this.d = other.d;
        this.shape = other.shape;
        this.strides = other.strides;
        this.offset = other.offset;
        this.buffer = other.buffer;
    }

    // ---------------------------------------------------------------- factories

    /** A 1-D float32 tensor holding a copy of {@code values}. */
    public static Tensor of(float... values) {
        return Factories.fromArray(values.clone(), values.length);
    }

    /** A 1-D float64 tensor holding a copy of {@code values}. */
    public static Tensor of(double... values) {
        return Factories.fromArray(values.clone(), DType.FLOAT64, values.length);
    }

    /** A 2-D float32 tensor from rows of equal length. */
    public static Tensor of(float[][] rows) {
        return Factories.of(rows);
    }

    /** A 2-D float64 tensor from rows of equal length. */
    public static Tensor of(double[][] rows) {
        return Factories.of(rows);
    }

    /** A 0-dim float64 tensor holding {@code value}. */
    public static Tensor scalar(double value) {
        return scalar(value, DType.FLOAT64);
    }

    /** A 0-dim tensor of {@code dtype} holding {@code value}. */
    public static Tensor scalar(double value, DType dtype) {
        return Factories.full(dtype, value);
    }

    /** A float32 tensor of {@code shape} holding a copy of row-major {@code data}. */
    public static Tensor fromArray(float[] data, int... shape) {
        return Factories.fromArray(data.clone(), shape);
    }

    /** A float64 tensor of {@code shape} holding a copy of row-major {@code data}. */
    public static Tensor fromArray(double[] data, int... shape) {
        return Factories.fromArray(data.clone(), DType.FLOAT64, shape);
    }

    /** A float32 tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return Factories.full(DType.FLOAT32, 0, shape);
    }

    /** A tensor of zeros of {@code dtype}. */
    public static Tensor zeros(DType dtype, int... shape) {
        return Factories.full(dtype, 0, shape);
    }

    /** A float32 tensor of ones. */
    public static Tensor ones(int... shape) {
        return Factories.full(DType.FLOAT32, 1, shape);
    }

    /** A tensor of ones of {@code dtype}. */
    public static Tensor ones(DType dtype, int... shape) {
        return Factories.full(dtype, 1, shape);
    }

    /** A float32 tensor with every element {@code value}. */
    public static Tensor full(double value, int... shape) {
        return Factories.full(DType.FLOAT32, value, shape);
    }

    /** A tensor of {@code dtype} with every element {@code value}. */
    public static Tensor full(DType dtype, double value, int... shape) {
        return Factories.full(dtype, value, shape);
    }

    /** Zeros with the shape, dtype and device of {@code t}. */
    public static Tensor zerosLike(Tensor t) {
        return fullLike(t, 0);
    }

    /** Ones with the shape, dtype and device of {@code t}. */
    public static Tensor onesLike(Tensor t) {
        return fullLike(t, 1);
    }

    /** {@code value} everywhere, with the shape, dtype and device of {@code t}. */
    public static Tensor fullLike(Tensor t, double value) {
        if (t.buffer != null) {
            return Devices.backendOf("fullLike", t).full(t.device(), t.dtype, value, t.shape.clone());
        }
        return Factories.full(t.dtype, value, t.shape);
    }

    /** float32 {@code [start, start + step, ...]} up to but excluding {@code end}. */
    public static Tensor arange(double start, double end, double step) {
        return Factories.arange(start, end, step);
    }

    /** float32 {@code [0, 1, ..., n − 1]} (float32, unlike PyTorch's int64, so it mixes with weights). */
    public static Tensor arange(int n) {
        return Factories.arange(0, n, 1);
    }

    /** float32 {@code n} evenly spaced values from {@code start} to {@code end} inclusive. */
    public static Tensor linspace(double start, double end, int n) {
        return Factories.linspace(start, end, n);
    }

    /** float32 uniform samples in [0, 1). */
    public static Tensor rand(Random rng, int... shape) {
        return Factories.rand(rng, DType.FLOAT32, false, shape);
    }

    /** Uniform samples in [0, 1) of {@code dtype}. */
    public static Tensor rand(Random rng, DType dtype, int... shape) {
        return Factories.rand(rng, dtype, false, shape);
    }

    /** float32 standard normal samples. */
    public static Tensor randn(Random rng, int... shape) {
        return Factories.rand(rng, DType.FLOAT32, true, shape);
    }

    /** Standard normal samples of {@code dtype}. */
    public static Tensor randn(Random rng, DType dtype, int... shape) {
        return Factories.rand(rng, dtype, true, shape);
    }

    /** The float32 n×n identity matrix. */
    public static Tensor eye(int n) {
        return Factories.eye(n, DType.FLOAT32);
    }

    /** The n×n identity matrix of {@code dtype}. */
    public static Tensor eye(int n, DType dtype) {
        return Factories.eye(n, dtype);
    }

    // ---------------------------------------------------------------- metadata

    /** The sizes of the dimensions (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of dimensions (0 for a scalar tensor). */
    public int dim() {
        return shape.length;
    }

    /** The size of dimension {@code d}; negative {@code d} counts from the end. */
    public int size(int d) {
        return shape[Shapes.dim("size", d, shape)];
    }

    /** The number of elements, {@code Π shape[d]}. */
    public int numel() {
        return Shapes.numel(shape);
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** Elements between neighbours along each dimension in the storage (a copy). */
    public int[] strides() {
        return strides.clone();
    }

    /** Where the elements are: {@link Device#cpu()}, or the device of a tensor moved with {@link #to(Device)}. */
    public Device device() {
        return buffer == null ? Device.cpu() : buffer.device();
    }

    /** Whether the elements lie in row-major order without gaps (size-1 dims ignored). */
    public boolean isContiguous() {
        byte c = contiguity;
        if (c == 0) {
            c = Shapes.isContiguous(shape, strides) ? (byte) 1 : (byte) 2;
            contiguity = c;
        }
        return c == 1;
    }

    // ---------------------------------------------------------------- conversion

    /** The single element's value; requires {@code numel() == 1}. */
    public double item() {
        if (numel() != 1) {
            throw new FluxionException("item: a tensor with " + numel() + " elements (shape "
                    + Shapes.str(shape) + ") cannot be converted to a scalar; it needs exactly one");
        }
        if (buffer != null) {
            return Devices.toHost(this).item(); // waits for the device's queued work
        }
        return f != null ? f[offset] : d[offset];
    }

    /** The elements in row-major order, as floats (a copy). */
    public float[] toFloatArray() {
        return Conversions.toFloatArray(this);
    }

    /** The elements in row-major order, as doubles (a copy). */
    public double[] toDoubleArray() {
        return Conversions.toDoubleArray(this);
    }

    /**
     * The elements as nested Java arrays matching the rank: {@code float[]}, {@code float[][]}, ...
     * for float32, {@code double[]...} otherwise; a boxed {@code Float}/{@code Double} for 0-dim.
     */
    public Object toArray() {
        return Conversions.toArray(this);
    }

    /** The elements as nested lists of {@code Double}; a 0-dim tensor gives a one-element list. */
    public List<?> toList() {
        return Conversions.toList(this);
    }

    /** This tensor converted to float32 (this tensor itself if it already is). */
    public Tensor toFloat() {
        return to(DType.FLOAT32);
    }

    /** This tensor converted to float64 (this tensor itself if it already is). */
    public Tensor toDouble() {
        return to(DType.FLOAT64);
    }

    /** This tensor converted to {@code dtype} (this tensor itself if it already is). */
    public Tensor to(DType dtype) {
        return Conversions.to(this, dtype);
    }

    /**
     * This tensor on {@code device} (this tensor itself if it is already there), as PyTorch's
     * {@code tensor.to(device)}: a copy on the device, contiguous. A non-CPU device needs its
     * backend on the class path ({@code dev.fluxion:fluxion-cuda} for CUDA) and a usable driver;
     * otherwise this throws, naming what is missing.
     */
    public Tensor to(Device device) {
        if (device.equals(device())) {
            return this;
        }
        if (buffer != null && !device.isCuda()) {
            return Devices.toHost(this);
        }
        Tensor host = Devices.toHost(this);
        return Devices.backend("to(" + device + ")", device).toDevice(host, device);
    }

    /** This tensor in CPU memory (this tensor itself if it is there): {@code to(Device.cpu())}. */
    public Tensor cpu() {
        return Devices.toHost(this);
    }

    /** This tensor on CUDA device 0: {@code to(Device.cuda())}. */
    public Tensor cuda() {
        return to(Device.cuda());
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    /** A contiguous copy with its own storage. */
    public Tensor copy() {
        return Conversions.copy(this, dtype);
    }

    /** The same values with the gradient stopped; at run time the identity. */
    public Tensor detach() {
        return this;
    }

    // ---------------------------------------------------------------- elementwise

    /** {@code out = this + other}, broadcast. */
    public Tensor plus(Tensor other) {
        return Pointwise.binary("plus", BinaryOp.PLUS, this, other);
    }

    /** {@code out_i = x_i + c}. */
    public Tensor plus(double c) {
        return Pointwise.binary("plus", BinaryOp.PLUS, this, Pointwise.scalarFor(this, c));
    }

    /** {@code out = this − other}, broadcast. */
    public Tensor minus(Tensor other) {
        return Pointwise.binary("minus", BinaryOp.MINUS, this, other);
    }

    /** {@code out_i = x_i − c}. */
    public Tensor minus(double c) {
        return Pointwise.binary("minus", BinaryOp.MINUS, this, Pointwise.scalarFor(this, c));
    }

    /** {@code out = this · other} elementwise, broadcast. */
    public Tensor times(Tensor other) {
        return Pointwise.binary("times", BinaryOp.TIMES, this, other);
    }

    /** {@code out_i = x_i · c}. */
    public Tensor times(double c) {
        return Pointwise.binary("times", BinaryOp.TIMES, this, Pointwise.scalarFor(this, c));
    }

    /** {@code out = this / other} elementwise, broadcast (true division). */
    public Tensor div(Tensor other) {
        return Pointwise.binary("div", BinaryOp.DIV, this, other);
    }

    /** {@code out_i = x_i / c}. */
    public Tensor div(double c) {
        return Pointwise.binary("div", BinaryOp.DIV, this, Pointwise.scalarFor(this, c));
    }

    /** {@code out = this ^ other} elementwise, broadcast. */
    public Tensor pow(Tensor other) {
        return Pointwise.binary("pow", BinaryOp.POW, this, other);
    }

    /** {@code out_i = x_i ^ p}. */
    public Tensor pow(double p) {
        if (p == 2) {
            return square();
        }
        return Pointwise.binary("pow", BinaryOp.POW, this, Pointwise.scalarFor(this, p));
    }

    /** {@code out_i = c − x_i} (c on the left). */
    public Tensor rsub(double c) {
        return Pointwise.binary("rsub", BinaryOp.MINUS, Pointwise.scalarFor(this, c), this);
    }

    /** {@code out_i = c / x_i} (c on the left). */
    public Tensor rdiv(double c) {
        return Pointwise.binary("rdiv", BinaryOp.DIV, Pointwise.scalarFor(this, c), this);
    }

    /** {@code out_i = −x_i} (Kotlin's unary minus operator). */
    public Tensor unaryMinus() {
        return neg();
    }

    /** {@code out_i = −x_i}. */
    public Tensor neg() {
        return Pointwise.unary("neg", UnaryOp.NEG, this);
    }

    /** {@code out_i = |x_i|}. */
    public Tensor abs() {
        return Pointwise.unary("abs", UnaryOp.ABS, this);
    }

    /** {@code out_i = exp(x_i)}. */
    public Tensor exp() {
        return Pointwise.unary("exp", UnaryOp.EXP, this);
    }

    /** {@code out_i = ln(x_i)}. */
    public Tensor log() {
        return Pointwise.unary("log", UnaryOp.LOG, this);
    }

    /** {@code out_i = ln(1 + x_i)}, accurate for small x. */
    public Tensor log1p() {
        return Pointwise.unary("log1p", UnaryOp.LOG1P, this);
    }

    /** {@code out_i = √x_i}. */
    public Tensor sqrt() {
        return Pointwise.unary("sqrt", UnaryOp.SQRT, this);
    }

    /** {@code out_i = x_i²}. */
    public Tensor square() {
        return Pointwise.unary("square", UnaryOp.SQUARE, this);
    }

    /** {@code out_i = 1 / (1 + exp(−x_i))}. */
    public Tensor sigmoid() {
        return Pointwise.unary("sigmoid", UnaryOp.SIGMOID, this);
    }

    /** {@code out_i = tanh(x_i)}. */
    public Tensor tanh() {
        return Pointwise.unary("tanh", UnaryOp.TANH, this);
    }

    /** {@code out_i = max(x_i, 0)}. */
    public Tensor relu() {
        return Pointwise.unary("relu", UnaryOp.RELU, this);
    }

    /** {@code out_i = x_i · Φ(x_i) = x_i (1 + erf(x_i/√2)) / 2} (exact GELU, PyTorch's default). */
    public Tensor gelu() {
        return Pointwise.unary("gelu", UnaryOp.GELU, this);
    }

    /** {@code out_i = ln(1 + exp(x_i))}, computed without overflow. */
    public Tensor softplus() {
        return Pointwise.unary("softplus", UnaryOp.SOFTPLUS, this);
    }

    /** {@code out_i = sin(x_i)}. */
    public Tensor sin() {
        return Pointwise.unary("sin", UnaryOp.SIN, this);
    }

    /** {@code out_i = cos(x_i)}. */
    public Tensor cos() {
        return Pointwise.unary("cos", UnaryOp.COS, this);
    }

    /** {@code out_i = x_i if x_i ≥ 0 else slope · x_i}. */
    public Tensor leakyRelu(double slope) {
        return Pointwise.unary("leakyRelu", UnaryOp.LEAKY_RELU, slope, 0, this);
    }

    /** {@code out_i = min(max(x_i, lo), hi)}. */
    public Tensor clamp(double lo, double hi) {
        return Pointwise.unary("clamp", UnaryOp.CLAMP, lo, hi, this);
    }

    /** BOOL {@code out_i = x_i > y_i}, broadcast. */
    public Tensor gt(Tensor other) {
        return Pointwise.binary("gt", BinaryOp.GT, this, other);
    }

    /** BOOL {@code out_i = x_i > c}. */
    public Tensor gt(double c) {
        return Pointwise.binary("gt", BinaryOp.GT, this, Pointwise.scalarFor(this, c));
    }

    /** BOOL {@code out_i = x_i < y_i}, broadcast. */
    public Tensor lt(Tensor other) {
        return Pointwise.binary("lt", BinaryOp.LT, this, other);
    }

    /** BOOL {@code out_i = x_i < c}. */
    public Tensor lt(double c) {
        return Pointwise.binary("lt", BinaryOp.LT, this, Pointwise.scalarFor(this, c));
    }

    /** BOOL {@code out_i = x_i ≥ y_i}, broadcast. */
    public Tensor ge(Tensor other) {
        return Pointwise.binary("ge", BinaryOp.GE, this, other);
    }

    /** BOOL {@code out_i = x_i ≥ c}. */
    public Tensor ge(double c) {
        return Pointwise.binary("ge", BinaryOp.GE, this, Pointwise.scalarFor(this, c));
    }

    /** BOOL {@code out_i = x_i ≤ y_i}, broadcast. */
    public Tensor le(Tensor other) {
        return Pointwise.binary("le", BinaryOp.LE, this, other);
    }

    /** BOOL {@code out_i = x_i ≤ c}. */
    public Tensor le(double c) {
        return Pointwise.binary("le", BinaryOp.LE, this, Pointwise.scalarFor(this, c));
    }

    /** BOOL {@code out_i = x_i = y_i}, broadcast. */
    public Tensor eq(Tensor other) {
        return Pointwise.binary("eq", BinaryOp.EQ, this, other);
    }

    /** BOOL {@code out_i = x_i = c}. */
    public Tensor eq(double c) {
        return Pointwise.binary("eq", BinaryOp.EQ, this, Pointwise.scalarFor(this, c));
    }

    /** BOOL {@code out_i = x_i ≠ y_i}, broadcast. */
    public Tensor ne(Tensor other) {
        return Pointwise.binary("ne", BinaryOp.NE, this, other);
    }

    /** BOOL {@code out_i = x_i ≠ c}. */
    public Tensor ne(double c) {
        return Pointwise.binary("ne", BinaryOp.NE, this, Pointwise.scalarFor(this, c));
    }

    // ---------------------------------------------------------------- reductions

    /** 0-dim {@code Σ_i x_i}. */
    public Tensor sum() {
        return Reduce.reduce("sum", ReduceOp.SUM, this, Reduce.allDims(this), false);
    }

    /** {@code Σ} over {@code dim}, which is removed. */
    public Tensor sum(int dim) {
        return sum(new int[] {dim}, false);
    }

    /** {@code Σ} over {@code dim}, kept with size 1 when {@code keepDim}. */
    public Tensor sum(int dim, boolean keepDim) {
        return sum(new int[] {dim}, keepDim);
    }

    /** {@code Σ} over {@code dims}, kept with size 1 when {@code keepDim}. */
    public Tensor sum(int[] dims, boolean keepDim) {
        return Reduce.reduce("sum", ReduceOp.SUM, this, dims, keepDim);
    }

    /** 0-dim {@code (1/n) Σ_i x_i}. */
    public Tensor mean() {
        return Reduce.mean(this, Reduce.allDims(this), false);
    }

    /** Mean over {@code dim}, which is removed. */
    public Tensor mean(int dim) {
        return mean(new int[] {dim}, false);
    }

    /** Mean over {@code dim}, kept with size 1 when {@code keepDim}. */
    public Tensor mean(int dim, boolean keepDim) {
        return mean(new int[] {dim}, keepDim);
    }

    /** Mean over {@code dims}: {@code Σ x / Π shape[dims]}. */
    public Tensor mean(int[] dims, boolean keepDim) {
        return Reduce.mean(this, dims, keepDim);
    }

    /** 0-dim {@code max_i x_i}. */
    public Tensor max() {
        return Reduce.reduce("max", ReduceOp.MAX, this, Reduce.allDims(this), false);
    }

    /** Max over {@code dim}, which is removed (values only). */
    public Tensor max(int dim) {
        return max(new int[] {dim}, false);
    }

    /** Max over {@code dim}, kept with size 1 when {@code keepDim}. */
    public Tensor max(int dim, boolean keepDim) {
        return max(new int[] {dim}, keepDim);
    }

    /** Max over {@code dims}. */
    public Tensor max(int[] dims, boolean keepDim) {
        return Reduce.reduce("max", ReduceOp.MAX, this, dims, keepDim);
    }

    /** 0-dim {@code min_i x_i}. */
    public Tensor min() {
        return Reduce.reduce("min", ReduceOp.MIN, this, Reduce.allDims(this), false);
    }

    /** Min over {@code dim}, which is removed (values only). */
    public Tensor min(int dim) {
        return min(new int[] {dim}, false);
    }

    /** Min over {@code dim}, kept with size 1 when {@code keepDim}. */
    public Tensor min(int dim, boolean keepDim) {
        return min(new int[] {dim}, keepDim);
    }

    /** Min over {@code dims}. */
    public Tensor min(int[] dims, boolean keepDim) {
        return Reduce.reduce("min", ReduceOp.MIN, this, dims, keepDim);
    }

    /** 0-dim {@code ln Σ_i exp(x_i)}, computed as {@code m + ln Σ exp(x_i − m)}, m = max x. */
    public Tensor logSumExp() {
        return Reduce.logSumExp(this, Reduce.allDims(this), false);
    }

    /** {@code ln Σ exp} over {@code dim}, which is removed. */
    public Tensor logSumExp(int dim) {
        return logSumExp(new int[] {dim}, false);
    }

    /** {@code ln Σ exp} over {@code dim}, kept with size 1 when {@code keepDim}. */
    public Tensor logSumExp(int dim, boolean keepDim) {
        return logSumExp(new int[] {dim}, keepDim);
    }

    /** {@code ln Σ exp} over {@code dims}. */
    public Tensor logSumExp(int[] dims, boolean keepDim) {
        return Reduce.logSumExp(this, dims, keepDim);
    }

    /** 0-dim L2 norm {@code √(Σ_i x_i²)}. */
    public Tensor norm() {
        return Reduce.norm(this, Reduce.allDims(this), false);
    }

    /** L2 norm over {@code dim}: {@code √(Σ x²)}, kept with size 1 when {@code keepDim}. */
    public Tensor norm(int dim, boolean keepDim) {
        return Reduce.norm(this, new int[] {dim}, keepDim);
    }

    /** 0-dim INT64: the row-major index of the first maximum. No gradient. */
    public Tensor argmax() {
        return Reduce.argmax(this.reshape(-1), 0, false);
    }

    /** INT64 index of the first maximum along {@code dim}, which is removed. No gradient. */
    public Tensor argmax(int dim) {
        return Reduce.argmax(this, dim, false);
    }

    /** INT64 index of the first maximum along {@code dim}, kept with size 1 when {@code keepDim}. */
    public Tensor argmax(int dim, boolean keepDim) {
        return Reduce.argmax(this, dim, keepDim);
    }

    // ---------------------------------------------------------------- linear algebra

    /**
     * The matrix product, as {@code torch.matmul}: 1-D·1-D is the dot product (0-dim); 2-D·2-D
     * {@code out_ij = Σ_k a_ik b_kj}; a 1-D operand is a row (left) or column (right) vector
     * whose dim is removed from the result; higher ranks are batches of matrices with broadcast
     * batch dims.
     */
    public Tensor matmul(Tensor other) {
        return MatMul.matmul(this, other);
    }

    // ---------------------------------------------------------------- shape

    /** A view with dims {@code d0} and {@code d1} swapped. */
    public Tensor transpose(int d0, int d1) {
        return Views.transpose(this, d0, d1);
    }

    /** The transpose of a matrix (a view); 0-D and 1-D tensors are returned as they are. */
    public Tensor t() {
        return Views.t(this);
    }

    /** The same elements in {@code shape} (one entry may be −1); a view when possible, else a copy. */
    public Tensor reshape(int... shape) {
        return Views.reshape(this, shape, false);
    }

    /** A view with {@code shape} (one entry may be −1); throws if the strides do not allow a view. */
    public Tensor view(int... shape) {
        return Views.reshape(this, shape, true);
    }

    /** A view without the size-1 dims. */
    public Tensor squeeze() {
        return Views.squeeze(this);
    }

    /** A view without dim {@code dim} if its size is 1 (else this tensor). */
    public Tensor squeeze(int dim) {
        return Views.squeeze(this, dim);
    }

    /** A view with a new size-1 dim at {@code dim} (−1 appends). */
    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    /** A view broadcast to {@code shape} (size-1 dims repeat with stride 0; −1 keeps a size). */
    public Tensor expand(int... shape) {
        return Views.expand(this, shape);
    }

    /** A view of indices {@code [start, end)} along {@code dim} (negative indices count from the end). */
    public Tensor slice(int dim, int start, int end) {
        return Views.slice(this, dim, start, end, 1);
    }

    /** A view of indices {@code start, start + step, ...} below {@code end} along {@code dim}. */
    public Tensor slice(int dim, int start, int end, int step) {
        return Views.slice(this, dim, start, end, step);
    }

    /** A view selecting index {@code indices[k]} along leading dim k, like {@code x[i, j]}. */
    public Tensor get(int... indices) {
        return Views.get(this, indices);
    }

    /** {@code out} takes the slices {@code indices} along {@code dim}, in order (index_select). */
    public Tensor index(int dim, int[] indices) {
        return Gather.index(this, dim, indices);
    }

    /** {@code out[i][j] = x[index[i][j]][j]} for dim 0 (and likewise), as {@code torch.gather}. */
    public Tensor gather(int dim, Tensor index) {
        return Gather.gather(this, dim, index);
    }

    // ---------------------------------------------------------------- softmax

    /** {@code out_i = exp(x_i) / Σ_j exp(x_j)} along {@code dim}. */
    public Tensor softmax(int dim) {
        return SoftmaxOps.softmax(this, dim, false);
    }

    /** {@code out_i = x_i − ln Σ_j exp(x_j)} along {@code dim}. */
    public Tensor logSoftmax(int dim) {
        return SoftmaxOps.softmax(this, dim, true);
    }

    // ---------------------------------------------------------------- in place (optimizers only)

    /** {@code this += alpha · other} ({@code other} broadcast to this shape). Modified: this. */
    public Tensor addInPlace(Tensor other, double alpha) {
        return InPlace.add(this, other, alpha);
    }

    /** {@code this *= c}. Modified: this. */
    public Tensor mulInPlace(double c) {
        return InPlace.mul(this, c);
    }

    /** {@code this = other} ({@code other} broadcast to this shape, converted). Modified: this. */
    public Tensor copyInPlace(Tensor other) {
        return InPlace.copy(this, other);
    }

    /** {@code this_i = value}. Modified: this. */
    public Tensor fillInPlace(double value) {
        return InPlace.fill(this, value);
    }

    /** {@code this += value · a · b}. Modified: this. */
    public Tensor addcmulInPlace(Tensor a, Tensor b, double value) {
        return InPlace.addCombined(this, a, b, value, false);
    }

    /** {@code this += value · a / b}. Modified: this. */
    public Tensor addcdivInPlace(Tensor a, Tensor b, double value) {
        return InPlace.addCombined(this, a, b, value, true);
    }

    // ---------------------------------------------------------------- misc

    /**
     * Turns anomaly detection on or off for all threads: when on, every op checks its result for
     * NaN and ±Inf and throws a {@link FluxionException} naming the op. Off by default.
     */
    public static void anomalyDetection(boolean enabled) {
        ANOMALY_DETECTION.set(enabled);
    }

    /** Whether anomaly detection is on. */
    public static boolean isAnomalyDetectionEnabled() {
        return ANOMALY_DETECTION.get();
    }

    /** Whether shapes match and {@code |x_i − y_i| ≤ atol + rtol·|y_i|} everywhere. */
    public boolean allClose(Tensor other, double rtol, double atol) {
        return Conversions.allClose(this, other, rtol, atol);
    }

    /** The values, printed as PyTorch prints them: {@code tensor([[1., 2.],\n        [3., 4.]])}. */
    @Override
    public String toString() {
        if (buffer != null) {
            String host = TensorFormat.format(Devices.toHost(this));
            return host.substring(0, host.length() - 1) + ", device='" + device() + "')";
        }
        return TensorFormat.format(this);
    }

    // ---------------------------------------------------------------- internals

    /** Storage-index of the first element and strides, as a loop operand. */
    int[] contiguousStrides() {
        return StridedLoop.contiguousStrides(shape);
    }

    /** A new contiguous tensor of zeros with this storage kind. */
    static Tensor empty(DType dtype, int[] shape) {
        int n = Shapes.numel(shape);
        return dtype == DType.FLOAT32
                ? new Tensor(dtype, new float[n], null, shape, StridedLoop.contiguousStrides(shape), 0)
                : new Tensor(dtype, null, new double[n], shape, StridedLoop.contiguousStrides(shape), 0);
    }

    /** A view of this storage with another shape, strides and offset. */
    Tensor view(int[] newShape, int[] newStrides, int newOffset) {
        return buffer != null
                ? new Tensor(dtype, buffer, newShape, newStrides, newOffset)
                : new Tensor(dtype, f, d, newShape, newStrides, newOffset);
    }

    /** Runs the anomaly check on an op's result and returns it. */
    static Tensor checked(String op, Tensor result) {
        if (ANOMALY_DETECTION.get()) {
            Conversions.checkFinite(op, result);
        }
        return result;
    }
}
