"""What `pip install` costs: the lean core against core + engine + opa (the old core).

    .venv/bin/python -m bench.install.size

Builds the wheel once, then installs it into two fresh virtualenvs side by side (pip's cache
warm for both, newest versions the pins allow) and prints size on disk, package count, time,
and the ratios.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def install(wheel: Path, extras: str, target: Path) -> tuple[float, int, float]:
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    pip = [str(target / "bin" / "python"), "-m", "pip"]
    spec = f"{wheel}[{extras}]" if extras else str(wheel)
    start = time.perf_counter()
    subprocess.run([*pip, "install", "--quiet", spec], check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file() and not p.is_symlink())
    frozen = subprocess.run([*pip, "list", "--format=freeze"], capture_output=True, text=True)
    return size / 1e6, len(frozen.stdout.split()), elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        dist = Path(scratch) / "dist"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--wheel-dir",
                str(dist),
                str(ROOT),
            ],
            check=True,
        )
        [wheel] = dist.glob("*.whl")
        rows = {}
        for label, extras in (("plain", ""), ("plain + engine + opa", "engine,opa")):
            install(wheel, extras, Path(scratch) / "warm")  # fill pip's cache first
            shutil.rmtree(Path(scratch) / "warm")
            rows[label] = install(wheel, extras, Path(scratch) / label.replace(" ", ""))
        print("| install | size | packages | time |")
        print("|---|---|---|---|")
        for label, (mb, count, seconds) in rows.items():
            print(f"| `{label}` | {mb:.0f} MB | {count} | {seconds:.0f} s |")
        (lean_mb, lean_n, lean_s), (full_mb, full_n, full_s) = rows.values()
        print(
            f"| lean / full | {lean_mb / full_mb:.2f} | {lean_n / full_n:.2f} | "
            f"{lean_s / full_s:.2f} |"
        )


if __name__ == "__main__":
    main()
