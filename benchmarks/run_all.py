"""Run every benchmark with its default sizes (see benchmarks/RESULTS.md for recorded figures)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in sorted(HERE.glob("bench_*.py")):
    print(f"\n## {script.name}", flush=True)
    subprocess.run([sys.executable, str(script)], check=True)
