"""In-process baseline for the backends benchmark: the fraud MLP through
onnxruntime's Python API (the same 1.31.1 library the module loads), one
request at a time. Prints the p50 of 5,000 runs after 500 warm-up runs, in
microseconds. Python adds a few microseconds per call to what the C API costs.

usage: python onnx.py <onnx-fraud.onnx>
"""
import sys
import time

import numpy as np
import onnxruntime as ort

sess = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
t = (np.arange(30, dtype=np.float32) * 37 % 100 / 100).reshape(1, 30)
r = (np.arange(256, dtype=np.float32) * 37 % 100 / 100).reshape(1, 256)
names = [i.name for i in sess.get_inputs()]
us = []
for i in range(5500):
    s = time.perf_counter()
    sess.run(None, {names[0]: t, names[1]: r})
    if i >= 500:
        us.append((time.perf_counter() - s) * 1e6)
us.sort()
print(f"inprocess_onnx_p50_us {us[len(us) // 2]:.1f}")
