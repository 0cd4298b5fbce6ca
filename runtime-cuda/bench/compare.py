"""Sets CudaBench's figures beside PyTorch's and C's, with the targets of issue 15, as Markdown.

usage: python3 compare.py OUTDIR   (reads java-bench.txt, torch-bench.txt, c-sgemm.txt there)
"""
import os
import sys

out = sys.argv[1]


def read(name):
    values = {}
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return values
    for line in open(path):
        parts = line.split()
        if len(parts) >= 2:
            try:
                values[parts[0]] = float(parts[1])
            except ValueError:
                values[parts[0]] = parts[1]
    return values


java, torch, c = read("java-bench.txt"), read("torch-bench.txt"), read("c-sgemm.txt")
rows = ["| figure | Fluxion (Java, FFM) | PyTorch eager | C + cuBLAS | ratio | target | met |",
        "|---|---|---|---|---|---|---|"]


def row(label, key, unit, baseline, target_text, better_if_higher, threshold, torch_key=None):
    j = java.get(key)
    t = torch.get(torch_key or key)
    cv = c.get(key)
    base = {"c": cv, "torch": t}[baseline]
    if isinstance(j, float) and isinstance(base, float) and base > 0:
        ratio = j / base if better_if_higher else base / j
        met = "yes" if ratio >= threshold else "NO"
        ratio_text = f"{ratio:.3f}"
    else:
        ratio_text, met = "n/a", "n/a"
    fmt = lambda v: f"{v:.4g} {unit}" if isinstance(v, float) else "—"
    rows.append(f"| {label} | {fmt(j)} | {fmt(t)} | {fmt(cv)} | {ratio_text} | {target_text} | {met} |")


row("SGEMM 4096³", "sgemm_4096_tflops", "TFLOP/s", "c", "≥ 0.95 × C", True, 0.95)
row("SGEMM 4096³ vs torch.mm", "sgemm_4096_tflops", "TFLOP/s", "torch", "(info)", True, 0.0)
row("dispatch, relu on 1024 floats (enqueue)", "dispatch_relu1024_enqueue_us", "µs/op", "torch", "≤ PyTorch", False, 1.0)
row("dispatch, relu on 1024 floats (with sync)", "dispatch_relu1024_total_us", "µs/op", "torch", "≤ PyTorch", False, 1.0)
row("MLP 784-256-10 b64 SGD step", "mlp_784_256_10_b64_step_ms", "ms", "torch", "≥ 2× PyTorch", False, 2.0)
row("MLP 4096-4096-4096 b1024 SGD step", "mlp_4096_4096_4096_b1024_step_ms", "ms", "torch", "≥ 1.2× PyTorch", False, 1.2)
# The user's path: the runtime's Tensor API on tensors moved with to(Device.cuda()).
row("Tensor API: x.relu() dispatch (enqueue)", "tensor_dispatch_relu1024_enqueue_us", "µs/op", "torch", "≤ PyTorch", False,
    1.0, "dispatch_relu1024_enqueue_us")
row("Tensor API: x.relu() dispatch (with sync)", "tensor_dispatch_relu1024_total_us", "µs/op", "torch", "≤ PyTorch", False,
    1.0, "dispatch_relu1024_total_us")
row("Fused.map(\"sigmoid(t0 * t1 + t2)\") 1024×4096: one kernel", "tensor_fused_sigmoid_mul_add_1024x4096_us", "µs",
    "torch", "(info) faster than eager's three", False, 1.0, "fused_sigmoid_mul_add_1024x4096_us")
row("the same group op by op on the device", "tensor_fused_sigmoid_mul_add_1024x4096_op_by_op_us", "µs", "torch",
    "(info)", False, 0.0, "fused_sigmoid_mul_add_1024x4096_us")
row("Tensor API: W4 step, SGD (Module.to)", "tensor_mlp_784_256_10_b64_step_ms", "ms", "torch", "≥ 2× PyTorch", False,
    2.0, "mlp_784_256_10_b64_step_ms")
row("Tensor API: W4 step, Adam", "tensor_mlp_784_256_10_b64_adam_step_ms", "ms", "torch", "≥ 2× PyTorch", False,
    2.0, "mlp_784_256_10_b64_adam_step_ms")
row("Tensor API: MLP 4096³ b1024 step, SGD", "tensor_mlp_4096_4096_4096_b1024_step_ms", "ms", "torch", "≥ 1.2× PyTorch",
    False, 1.2, "mlp_4096_4096_4096_b1024_step_ms")
print(f"Device: {java.get('device', torch.get('device', '?'))}; PyTorch {torch.get('torch_version', '?')}")
print()
print("\n".join(rows))
print()
print("ratio: speed of Fluxion relative to the baseline (>1: Fluxion faster). The MLP steps are hand-written")
print("forward/backward calls of the device API (no fused kernels yet), one kernel per op; the Tensor API rows")
print("run the generated code's statements on tensors moved with to(Device.cuda()).")
for key in ("tensor_mlp_784_256_10_b64", "tensor_mlp_784_256_10_b64_adam"):
    cpu, dev = java.get(key + "_cpu_first_loss"), java.get(key + "_first_loss")
    if isinstance(cpu, float) and isinstance(dev, float):
        agree = "yes" if abs(cpu - dev) <= 1e-4 * abs(cpu) + 1e-5 else "NO"
        print(f"- {key}: first-step loss on CUDA {dev:.6f}, on the CPU {cpu:.6f}: agree (float32): {agree}")
rt = java.get("tensor_roundtrip_64x784_exact")
if rt is not None:
    print(f"- to(cuda)/cpu() round trip of a 64×784 batch exact: {'yes' if rt == 1.0 else 'NO'}"
          f" ({java.get('tensor_roundtrip_64x784_us', 0):.1f} µs)")
