"""W6 in PyTorch CPU eager float32: the MNIST CNN of examples/MnistCnn.java, batch 64, SGD lr 0.01.

conv 5x5 (1->16) . ReLU . max-pool 2 . conv 5x5 (16->32) . ReLU . max-pool 2 . dropout 0.3 .
linear (512->128) . ReLU . dropout 0.3 . linear (128->10), cross-entropy, in training mode.
Prints us per training step (forward, backward, update): min, median and max over repetitions of
a 20-step run, after one warm-up run, as ../shared/bench/torch_workloads.py does.

    OMP_NUM_THREADS=1 /usr/bin/python3 benchmarks/torch_cnn.py --threads 1
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--reps", type=int, default=10)
p.add_argument("--steps", type=int, default=20)
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)

x = torch.rand(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))


def make():
    model = nn.Sequential(nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Dropout(0.3), nn.Linear(512, 128), nn.ReLU(),
                          nn.Dropout(0.3), nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


step = make()
for _ in range(args.steps):
    step()
per_step, cpu_per_step = [], []
for _ in range(args.reps):
    step = make()
    t0, c0 = time.perf_counter(), time.thread_time()
    for _ in range(args.steps):
        loss = step()
    per_step.append((time.perf_counter() - t0) / args.steps * 1e6)
    # The thread's own CPU time, comparable with benchmarks' CpuTimeProbe on a loaded machine
    # (with --threads 1 every op runs on this thread).
    cpu_per_step.append((time.thread_time() - c0) / args.steps * 1e6)
xs, cs = sorted(per_step), sorted(cpu_per_step)
print(f"W6 MNIST CNN b64 SGD (torch {torch.__version__}, {args.threads} thread(s)) final loss {float(loss):.4f} | "
      f"us/step min {xs[0]:.1f}  median {statistics.median(xs):.1f}  max {xs[-1]:.1f}  "
      f"| CPU us/step min {cs[0]:.1f}  median {statistics.median(cs):.1f}  "
      f"(reps={args.reps} x {args.steps} steps)", flush=True)
