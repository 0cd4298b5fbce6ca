#!/usr/bin/env python3
"""Reference numbers for the examples' tests, computed by PyTorch (Debian python3-torch).

Run: /usr/bin/python3 tools/torch_reference/examples_reference.py
"""
import torch

torch.set_default_dtype(torch.float32)
print("torch", torch.__version__)

# Tutorial 1: logistic regression, w = b = 0, hand-written updates, lr 0.01, 1000 epochs.
x = torch.tensor([[1., 1.], [1., 0.], [0., 1.], [0., 0.]])
y = torch.tensor([[0.], [1.], [0.], [1.]])
w = torch.zeros(2, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
losses = []
for epoch in range(1000):
    p = torch.sigmoid(x @ w + b)
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    loss.backward()
    losses.append(loss.item())
    with torch.no_grad():
        w -= 0.01 * w.grad
        b -= 0.01 * b.grad
        w.grad.zero_()
        b.grad.zero_()
print("logistic losses[0], [999]:", repr(losses[0]), repr(losses[-1]))
print("logistic w:", w.detach().flatten().tolist(), "b:", b.item())

# Tutorial 3: softmax of [1, 2, 3] / 0.6 and its VJP with [1, 0, 0].
t = torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True)
s = torch.softmax(t / 0.6, 0)
s.backward(torch.tensor([1., 0., 0.], dtype=torch.float64))
print("softmax T=0.6:", s.tolist(), "vjp:", t.grad.tolist())
