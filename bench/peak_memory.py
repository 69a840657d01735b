"""Run a command; print its wall time and peak memory as JSON.

The peak is of the whole process tree (import_hugo reads ahead in a second process): the sum
of each process's proportional set size (PSS: pages shared between the forked processes are
counted once in all), sampled every 20 ms. `largest_process_mb` is the largest single
process's peak resident memory, as the kernel keeps it.
Usage: python -m bench.peak_memory COMMAND [ARG...]
"""

import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path


def tree(pid):
    """`pid` and its descendants still running."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(descendant for child in children for descendant in tree(int(child)))]


def pss_kib(pid):
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1))


started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
peak_tree_kib = 0
while process.poll() is None:
    peak_tree_kib = max(peak_tree_kib, sum(pss_kib(pid) for pid in tree(process.pid)))
    time.sleep(0.02)
seconds = time.perf_counter() - started
largest_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(
    json.dumps(
        {
            "seconds": seconds,
            "peak_mb": peak_tree_kib / 1024,
            "largest_process_mb": largest_kib / 1024,
            "returncode": process.returncode,
        }
    )
)
