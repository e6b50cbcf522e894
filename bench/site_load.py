"""How long the site's ER view takes to load in a real browser, for synthetic schemas.

For each size: a project from ``gen_project.py``, ``drizzle-doc site`` into ``--out``, then
Debian's chromium (headless, through Playwright) opens ``er.html`` from ``file://``; the time
is from navigation to the view being drawn (``data-er-ready``), best of ``--repeat``, with the
layout's own share as er.js reports it.

    python bench/site_load.py --sizes 100,1000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_project import generate  # noqa: E402


def load_times(site: Path, repeat: int) -> tuple[float, dict]:
    from playwright.sync_api import sync_playwright

    best, stats = float("inf"), {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                t0 = time.perf_counter()
                page.goto((site / "er.html").as_uri())
                page.wait_for_selector("body[data-er-ready='1']", timeout=120_000)
                took = time.perf_counter() - t0
                if took < best:
                    best, stats = took, page.evaluate("window.DRIZZLE_DOC_ER_STATS")
                page.close()
        finally:
            browser.close()
    return best, stats


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "out" / "site")
    args = ap.parse_args(argv)
    print(f"{'tables':>7} {'site (s)':>9} {'load (s)':>9} {'layout (ms)':>12}  mode")
    for size in (int(s) for s in args.sizes.split(",")):
        project = args.out / f"t{size}"
        generate(size, project)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "drizzle_doc", "site", "--out", str(project / "site")],
                       cwd=project, check=True, stdout=subprocess.DEVNULL)
        built = time.perf_counter() - t0
        best, stats = load_times(project / "site", args.repeat)
        print(f"{size:>7} {built:>9.2f} {best:>9.2f} {stats.get('layoutMs', 0):>12}  {stats.get('mode')}")


if __name__ == "__main__":
    main()
