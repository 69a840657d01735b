"""Run a command; print its wall time and peak resident memory as JSON.

A process of its own, so the peak memory of its children is that one command's.
Usage: python -m bench.peak_memory COMMAND [ARG...]
"""

import json
import resource
import subprocess
import sys
import time

started = time.perf_counter()
returncode = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
seconds = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"seconds": seconds, "peak_mb": peak_kib / 1024, "returncode": returncode}))
