#!/usr/bin/env python3
"""PyTorch's W4 training step (MLP 784-256-10, ReLU, cross-entropy, batch 64, optim.SGD lr 0.01)
timed in CPU time of the calling thread as well as wall time, for comparing with Fluxion's
CpuTimeProbe on a machine too loaded for wall-clock figures.

With one intra-op thread (OMP_NUM_THREADS=1, --threads 1) PyTorch runs every kernel on the calling
thread, so time.thread_time() is the step's whole CPU cost and, like CpuTimeProbe, does not count
the time other processes held the core. The model is the one of ../shared/bench/torch_workloads.py.

Usage: OMP_NUM_THREADS=1 python3 torch_w4_cputime.py [--threads 1] [--batches 15] [--steps 200]
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--batches", type=int, default=15)
p.add_argument("--steps", type=int, default=200)
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
x = torch.rand(64, 784)
y = torch.randint(0, 10, (64,))
model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
loss_fn = nn.CrossEntropyLoss()
opt = torch.optim.SGD(model.parameters(), lr=0.01)


def step():
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss


for _ in range(3 * args.steps):  # warm-up
    step()
cpu, wall = [], []
for _ in range(args.batches):
    c0, w0 = time.thread_time(), time.perf_counter()
    for _ in range(args.steps):
        step()
    cpu.append((time.thread_time() - c0) / args.steps * 1e6)
    wall.append((time.perf_counter() - w0) / args.steps * 1e6)
print(f"torch {torch.__version__} threads={torch.get_num_threads()} W4 step: "
      f"CPU of the calling thread min {min(cpu):.1f} median {statistics.median(cpu):.1f} us; "
      f"wall min {min(wall):.1f} median {statistics.median(wall):.1f} us ({args.batches} batches of {args.steps} steps)")
