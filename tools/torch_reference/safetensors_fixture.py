#!/usr/bin/env python3
"""Writes a safetensors file with numpy, struct and json only, as safetensors.numpy.save_file does.

The file is Fluxion's interoperability fixture: runtime/src/test/resources/dev/fluxion/io/numpy_fixture.safetensors,
read by SafeTensorsTest.readsAFileWrittenByNumpy, which checks every value against the formulas below.

Layout, as the reference writer (huggingface/safetensors) lays it out: tensors sorted by dtype
alignment (largest first) then by name, data packed end to end from offset 0, header JSON padded
with spaces to a multiple of 8 bytes, "__metadata__" first.

Run:  python3 tools/torch_reference/safetensors_fixture.py [OUTPUT]
"""
import json
import struct
import sys

import numpy as np

TENSORS = {
    # fc1.weight[i, j] = (i * 3 + j) / 4 - 1, float32
    "fc1.weight": (np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 1).astype(np.float32),
    # fc1.bias = [0.1, -0.2] in float32 (not exactly representable: the test compares float32 values)
    "fc1.bias": np.array([0.1, -0.2], dtype=np.float32),
    # linspace(-1, 1, 5) in float64
    "scale": np.linspace(-1.0, 1.0, 5, dtype=np.float64),
    # int64 with a large value and a negative one
    "bn.num_batches_tracked": np.array(123456789012, dtype=np.int64),
    "labels": np.array([[3, -1], [0, 9]], dtype=np.int64),
    # bool mask
    "mask": np.array([True, False, True], dtype=np.bool_),
    # float16 halves, exactly representable: [0.5, -2, 65504]
    "half": np.array([0.5, -2.0, 65504.0], dtype=np.float16),
    # an empty tensor
    "empty": np.zeros((0, 4), dtype=np.float32),
}

DTYPES = {np.float64: "F64", np.float32: "F32", np.float16: "F16", np.int64: "I64", np.bool_: "BOOL"}


def main(out):
    items = sorted(TENSORS.items(), key=lambda kv: (-kv[1].dtype.itemsize, kv[0]))
    header = {"__metadata__": {"format": "np", "source": "tools/torch_reference/safetensors_fixture.py"}}
    data = b""
    for name, array in items:
        raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {
            "dtype": DTYPES[array.dtype.type],
            "shape": list(array.shape),
            "data_offsets": [len(data), len(data) + len(raw)],
        }
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runtime/src/test/resources/dev/fluxion/io/numpy_fixture.safetensors")
