"""Benchmark unpacking a content package into object storage: checking and streaming every member of a
zip into the local storage backend (courses.online.packages) against a baseline in the same run, plain
`zipfile.extractall` of the same zip into a directory, and the peak Python memory of both (tracemalloc),
which shows that a package is never held in memory whole.

The package: --files files of --kb KB each of incompressible bytes (like video and images) plus an
index.html. Target: peak memory < 10 % of the package size. The checked unpack also pays for the
storage backend's fsync of every file (readers never see half-written objects); the baseline does not.
The last line is `online_unpack: N MB in X s (baseline Y s), peak Z MB`.

    .venv/bin/python bench/online_unpack.py [--files 40] [--kb 1024]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_zip(path: Path, files: int, kb: int) -> int:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("index.html", "<!DOCTYPE html><p>bench</p>")
        for n in range(files):
            archive.writestr(f"media/clip{n:03d}.bin", os.urandom(kb * 1024))
    return path.stat().st_size


def measure(fn) -> tuple[float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak / (1024 * 1024)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--kb", type=int, default=1024)
    args = parser.parse_args()

    from courses.online import packages
    from lms.storage import LocalStorage

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        size = build_zip(tmp / "package.zip", args.files, args.kb)
        limits = packages.Limits(package_bytes=size + 1, total_bytes=size * 2, file_bytes=size)

        def baseline():
            with zipfile.ZipFile(tmp / "package.zip") as archive:
                archive.extractall(tmp / "baseline")

        def ours():
            with open(tmp / "package.zip", "rb") as stream:
                archive, members = packages.open_zip(stream, limits)
                packages.read_structure(archive, members, "")
                packages.unpack(archive, members, LocalStorage(tmp / "storage"), "online/bench")

        base_time, base_peak = measure(baseline)
        our_time, our_peak = measure(ours)
    mb = size / (1024 * 1024)
    print(f"package: {args.files + 1} files, {mb:.1f} MB")
    print(f"baseline extractall: {base_time:.2f} s, peak {base_peak:.1f} MB")
    print(f"checked unpack to storage: {our_time:.2f} s, peak {our_peak:.1f} MB "
          f"({our_time / base_time:.2f}x baseline, peak {100 * our_peak / mb:.1f} % of the package)")
    print(f"online_unpack: {mb:.0f} MB in {our_time:.2f} s (baseline {base_time:.2f} s), peak {our_peak:.1f} MB")


if __name__ == "__main__":
    main()
