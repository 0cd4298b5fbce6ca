#!/usr/bin/env python3
"""PyTorch beside SecondOrderBenchmark and RosenbrockJvpBenchmark: the W3 loss's gradient and its
Hessian-vector product (double backward, as torch.autograd.functional.hvp and by hand), the
Rosenbrock objective and its JVP (torch.autograd.functional.jvp: the double-backward trick, and
forward AD with dual numbers), and the 6 -> 6 arm's value and Jacobian. One thread, float32 for
W3 and float64 for the others, as the Java benchmarks. Median of 7 repeats, microseconds per call.

Run: /usr/bin/python3 benchmarks/torch_second_order.py [--cpu]
(--cpu: CPU time of the calling thread, time.thread_time, for a loaded machine; as CpuTimeProbe)
"""
import math
import sys
import time
import timeit

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F
from torch.autograd.functional import hvp, jacobian, jvp

torch.set_num_threads(1)
torch.manual_seed(7)


TIMER = time.thread_time if "--cpu" in sys.argv else time.perf_counter


def per_call_us(fn, number):
    times = timeit.repeat(fn, number=number, repeat=7, timer=TIMER)
    return sorted(times)[3] / number * 1e6


# ---- W3: 8-6-4-1, batch 759, float32
shapes = [(6, 8), (6,), (4, 6), (4,), (1, 4), (1,)]
params = [(torch.randn(*s) * 0.5).requires_grad_() for s in shapes]
vs = [torch.randn(*s) for s in shapes]
x = torch.randn(759, 8)
y = (torch.rand(759, 1) > 0.5).float()


def w3(w1, b1, w2, b2, w3_, b3):
    h1 = torch.sigmoid(F.linear(x, w1, b1))
    h2 = torch.sigmoid(F.linear(h1, w2, b2))
    return F.binary_cross_entropy(torch.sigmoid(F.linear(h2, w3_, b3)), y)


def w3_grad():
    return torch.autograd.grad(w3(*params), params)


def w3_hvp_functional():
    return hvp(w3, tuple(params), tuple(vs))


def w3_hvp_double_backward():
    g = torch.autograd.grad(w3(*params), params, create_graph=True)
    dot = sum((gi * vi).sum() for gi, vi in zip(g, vs))
    return torch.autograd.grad(dot, params)


# ---- Rosenbrock, n = 10,000, float64
n = 10_000
xr = torch.tensor([math.sin(0.37 * i) * 1.5 for i in range(n)], dtype=torch.float64)
vr = torch.tensor([math.cos(0.11 * i) for i in range(n)], dtype=torch.float64)


def rosenbrock(z):
    return (100 * (z[1:] - z[:-1] ** 2) ** 2 + (1 - z[:-1]) ** 2).sum()


def rosen_forward_ad():
    with fwAD.dual_level():
        out = rosenbrock(fwAD.make_dual(xr, vr))
        return fwAD.unpack_dual(out).tangent


# ---- the arm, float64
q = torch.tensor([0.3, -0.5, 0.9, 0.2, -1.1, 0.6], dtype=torch.float64)
lengths = torch.tensor([1 - 0.1 * k for k in range(6)], dtype=torch.float64)


def arm(qq):
    t = torch.cumsum(qq, 0)
    xs = torch.cumsum(lengths * torch.cos(t), 0)
    ys = torch.cumsum(lengths * torch.sin(t), 0)
    return torch.stack([xs[1], ys[1], xs[3], ys[3], xs[5], ys[5]])


print("torch", torch.__version__, "threads", torch.get_num_threads(), "timer", TIMER.__name__)
g = per_call_us(w3_grad, 200)
print(f"w3 gradient                      {g:10.1f} us")
h1 = per_call_us(w3_hvp_functional, 100)
print(f"w3 hvp (autograd.functional.hvp) {h1:10.1f} us  {h1 / g:.2f}x gradient")
h2 = per_call_us(w3_hvp_double_backward, 100)
print(f"w3 hvp (double backward by hand) {h2:10.1f} us  {h2 / g:.2f}x gradient")
o = per_call_us(lambda: rosenbrock(xr), 200)
print(f"rosenbrock objective             {o:10.1f} us")
j1 = per_call_us(lambda: jvp(rosenbrock, xr, vr), 100)
print(f"rosenbrock jvp (functional.jvp)  {j1:10.1f} us  {j1 / o:.2f}x objective")
j2 = per_call_us(rosen_forward_ad, 100)
print(f"rosenbrock jvp (forward AD)      {j2:10.1f} us  {j2 / o:.2f}x objective")
a = per_call_us(lambda: arm(q), 1000)
print(f"arm value                        {a:10.1f} us")
aj = per_call_us(lambda: jacobian(arm, q), 100)
print(f"arm jacobian (functional)        {aj:10.1f} us  {aj / a:.2f}x value")
aj2 = per_call_us(lambda: jacobian(arm, q, vectorize=True), 100)
print(f"arm jacobian (vectorize=True)    {aj2:10.1f} us  {aj2 / a:.2f}x value")
