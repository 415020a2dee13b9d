"""The generated report in a real headless browser: Debian's Chromium driven by Playwright.

Checks that the page renders without console errors, every image loads, and clicking a column
header sorts its table. Skips (with the reason) where Chromium or Playwright is not installed;
``.ci/run`` installs Chromium with apt.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def page(rendered_grid):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    index = rendered_grid[1]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page()
        problems: list[str] = []
        pg.on(
            "console",
            lambda msg: (
                problems.append(f"console {msg.type}: {msg.text}")
                if msg.type in ("error", "warning")
                else None
            ),
        )
        pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        pg.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
        pg.goto(index.as_uri(), wait_until="load")
        yield pg, problems
        browser.close()


def test_renders_without_console_errors(page):
    pg, problems = page
    assert pg.title().startswith("nlp-bench report")
    assert problems == []


def test_every_image_loads(page):
    pg, _ = page
    sizes = pg.eval_on_selector_all(
        "img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.alt])"
    )
    assert len(sizes) >= 10
    broken = [alt for complete, width, alt in sizes if not complete or width == 0]
    assert broken == []


def test_clicking_a_header_sorts(page):
    pg, _ = page
    table = pg.locator("#ds-imdb ~ table.sortable").first
    col = "(t) => Array.from(t.tBodies[0].rows).map(r => r.cells[0].textContent.trim())"
    before = table.evaluate(col)
    assert before == ["nbsvm", "lstm", "nb"]  # the report lists by accuracy, best first
    table.locator("thead th", has_text="model").click()
    assert table.evaluate(col) == ["lstm", "nb", "nbsvm"]
    table.locator("thead th", has_text="fit s").click()
    fit = table.evaluate(
        "(t) => Array.from(t.tBodies[0].rows).map(r => Number(r.cells[5].dataset.v))"
    )
    assert fit == sorted(fit) and fit[0] < fit[-1]
    table.locator("thead th", has_text="fit s").click()
    assert table.evaluate(col)[0] == "lstm"  # a second click sorts descending
