"""What the browser tests share: a uvicorn server in a thread over a prepared service, Debian's
Chromium driven by Playwright (no browser download), signing in, and a check that a screenshot
shows something."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import playwright.sync_api as playwright_sync
import pytest
import uvicorn
from PIL import Image, ImageStat

from thrombo.api.main import create_app
from thrombo.api.service import Service

CHROMIUM = os.environ.get("THROMBO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, service: Service) -> None:
        self.port = free_port()
        config = uvicorn.Config(create_app(service.settings, service), host="127.0.0.1",
                                port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("THROMBO_CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with playwright_sync.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def sign_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/")  # type: ignore[attr-defined]


def assert_drawn(png: Path, min_height: int) -> None:
    """The screenshot is as tall as its content needs and not one flat colour."""
    with Image.open(png) as image:
        assert image.height >= min_height, f"{png.name}: {image.height} px high"
        spread = ImageStat.Stat(image.convert("L")).stddev[0]
    assert spread > 10, f"{png.name} looks blank (grey-level spread {spread:.1f})"
