"""A private Mosquitto for tests and benchmarks: started on a free port with the
configuration that loses nothing (docs/ingest.md), so results do not depend on how the
machine's own broker was set up."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

MOSQUITTO = "/usr/sbin/mosquitto"


def mosquitto_binary() -> str | None:
    if Path(MOSQUITTO).exists():
        return MOSQUITTO
    return shutil.which("mosquitto")


def lossless_config(port: int, *, persistence_dir: str | None = None) -> str:
    """mosquitto.conf for a listener on 127.0.0.1:<port>. The limits matter: by default
    Mosquitto keeps only 1,000 queued and 20 in-flight QoS 1 messages per client and drops
    the rest for a subscriber that falls behind."""
    lines = [
        f"listener {port} 127.0.0.1",
        "allow_anonymous true",
        "max_queued_messages 0",  # 0: no limit (nothing dropped for a slow subscriber)
        "max_queued_bytes 0",
        "max_inflight_messages 0",  # 0: no limit; ingest acknowledges a whole batch at once
        "set_tcp_nodelay true",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
    ]
    if persistence_dir:
        lines += ["persistence true", f"persistence_location {persistence_dir.rstrip('/')}/"]
    else:
        lines.append("persistence false")
    return "\n".join(lines) + "\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def private_broker(binary: str | None = None):
    """Run Mosquitto for the duration of the block; yields its ``mqtt://127.0.0.1:<port>``."""
    binary = binary or mosquitto_binary()
    if not binary:
        raise FileNotFoundError("mosquitto is not installed (apt-get install mosquitto)")
    with tempfile.TemporaryDirectory(prefix="cb-mosquitto-") as tmp:
        port = free_port()
        config = Path(tmp) / "mosquitto.conf"
        config.write_text(lossless_config(port))
        log = open(Path(tmp) / "mosquitto.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen([binary, "-c", str(config)], stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        raise RuntimeError(
                            "mosquitto did not start: "
                            + (Path(tmp) / "mosquitto.log").read_text(errors="replace")[-500:]
                        ) from None
                    time.sleep(0.05)
            yield f"mqtt://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
