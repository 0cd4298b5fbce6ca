"""PyTorch eager CUDA figures beside CudaBench's: the same shapes, the same measurements.

Writes `key value unit` lines to OUT/torch-bench.txt:
SGEMM 4096³ (torch.mm, TF32 off), per-op dispatch (torch.relu on 1024 floats, enqueue only and
with the final synchronisation), sigmoid(x * w + b) over 1024×4096 floats (eager: three kernels),
and an MLP step (784-256-10 batch 64 with SGD and with Adam;
4096-4096-4096 batch 1024 with SGD).
"""
import sys
import time

import torch

out = sys.argv[1] if len(sys.argv) > 1 else "."
torch.backends.cuda.matmul.allow_tf32 = False
dev = torch.device("cuda")
lines = []


def record(key, value, unit=""):
    line = f"{key} {value:.4f} {unit}".strip() if isinstance(value, float) else f"{key} {value} {unit}".strip()
    print(line)
    lines.append(line)


def sgemm(n):
    g = torch.Generator(device=dev).manual_seed(1)
    a = torch.rand(n, n, device=dev, generator=g)
    b = torch.rand(n, n, device=dev, generator=g)
    for _ in range(3):
        torch.mm(a, b)
    torch.cuda.synchronize()
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        torch.mm(a, b)
    torch.cuda.synchronize()
    s = (time.perf_counter() - t0) / reps
    record(f"sgemm_{n}_ms", s * 1e3, "ms")
    record(f"sgemm_{n}_tflops", 2.0 * n ** 3 / s / 1e12, "TFLOP/s")


def dispatch():
    x = torch.rand(1024, device=dev)
    for _ in range(2000):
        torch.relu(x)
    torch.cuda.synchronize()
    reps = 20000
    t0 = time.perf_counter()
    for _ in range(reps):
        torch.relu(x)
    t1 = time.perf_counter()
    torch.cuda.synchronize()
    t2 = time.perf_counter()
    record("dispatch_relu1024_enqueue_us", (t1 - t0) * 1e6 / reps, "us/op")
    record("dispatch_relu1024_total_us", (t2 - t0) * 1e6 / reps, "us/op")


def fused_group():
    """sigmoid(x * w + b) over 1024×4096 floats, eager: three kernels (Fluxion's Fused.map: one)."""
    g = torch.Generator(device=dev).manual_seed(6)
    x = torch.randn(1024, 4096, device=dev, generator=g)
    w = torch.randn(4096, device=dev, generator=g)
    b = torch.randn(1024, 1, device=dev, generator=g)
    for _ in range(20):
        torch.sigmoid(x * w + b)
    torch.cuda.synchronize()
    reps = 200
    t0 = time.perf_counter()
    for _ in range(reps):
        torch.sigmoid(x * w + b)
    torch.cuda.synchronize()
    record("fused_sigmoid_mul_add_1024x4096_us", (time.perf_counter() - t0) * 1e6 / reps, "us")


def mlp(inp, hidden, classes, batch, steps, adam=False):
    torch.manual_seed(3)
    model = torch.nn.Sequential(torch.nn.Linear(inp, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, classes)).to(dev)
    # Adam as Fluxion's: the default (for-each) implementation, not the fused one.
    opt = torch.optim.Adam(model.parameters(), lr=1e-3) if adam else torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(batch, inp, device=dev)
    y = torch.randint(0, classes, (batch,), device=dev)
    warmup = 5
    t0 = 0.0
    for step in range(warmup + steps):
        if step == warmup:
            torch.cuda.synchronize()
            t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    torch.cuda.synchronize()
    ms = (time.perf_counter() - t0) * 1e3 / steps
    record(f"mlp_{inp}_{hidden}_{classes}_b{batch}{'_adam' if adam else ''}_step_ms", ms, "ms")


record("device", torch.cuda.get_device_name().replace(" ", "_"))
record("torch_version", torch.__version__)
sgemm(4096)
dispatch()
fused_group()
mlp(784, 256, 10, 64, 200)
mlp(784, 256, 10, 64, 200, adam=True)
mlp(4096, 4096, 4096, 1024, 20)
with open(f"{out}/torch-bench.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
