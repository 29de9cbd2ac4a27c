"""Hot spots from pyinstrument sessions: which functions the time goes to, as shares."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

TOP = 12


def _walk(
    frame: Any, stack: tuple[str, ...], inclusive: dict[str, float], own: dict[str, float]
) -> None:
    if frame.is_synthetic:  # "[self]"/"[await]" leaves: already in the parent's own time
        return
    name = _name(frame)
    own[name] = own.get(name, 0.0) + float(frame.total_self_time)
    if name not in stack:  # count recursion once
        inclusive[name] = inclusive.get(name, 0.0) + float(frame.time)
    for child in frame.children:
        _walk(child, (*stack, name), inclusive, own)


def _name(frame: Any) -> str:
    path = str(frame.file_path_short or frame.file_path or "")
    return f"{frame.function} ({path}:{frame.line_no})" if path else str(frame.function)


def hot_spots(session: Any) -> dict[str, Any]:
    """Top functions by own time and by inclusive time, as shares of the whole profile."""
    root = session.root_frame()
    if root is None:
        return {"total_s": 0.0, "self": [], "inclusive_app": []}
    total = float(root.time) or 1.0
    inclusive: dict[str, float] = {}
    own: dict[str, float] = {}
    _walk(root, (), inclusive, own)

    def rows(items: dict[str, float]) -> list[dict[str, Any]]:
        ranked = sorted(items.items(), key=lambda kv: -kv[1])[:TOP]
        return [
            {"function": k, "seconds": round(v, 3), "share": round(v / total, 3)} for k, v in ranked
        ]

    app = {k: v for k, v in inclusive.items() if "nato_qa" in k}
    return {"total_s": round(total, 2), "self": rows(own), "inclusive_app": rows(app)}


def profile_call(name: str, fn: Callable[[], Any], out_dir: Path) -> dict[str, Any]:
    """Profile ``fn()`` in this process; the text tree goes to ``out_dir/profile-NAME.txt``."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        fn()
    finally:
        profiler.stop()
    (out_dir / f"profile-{name}.txt").write_text(
        profiler.output_text(unicode=False, color=False, show_all=False)
    )
    return hot_spots(profiler.last_session)


def profile_command(
    name: str, args: list[str], out_dir: Path, env: dict[str, str], cwd: Path
) -> dict[str, Any]:
    """Profile a fresh ``python -m ...`` process (for cold starts), imports included."""
    from pyinstrument.session import Session

    session_file = out_dir / f"profile-{name}.pyisession"
    cmd = [sys.executable, "-m", "pyinstrument", "-r", "pyisession", "-o", str(session_file), *args]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=600)
    if done.returncode != 0 or not session_file.exists():
        return {"error": (done.stderr or done.stdout)[-400:]}
    session = Session.load(str(session_file))
    text = subprocess.run(
        [sys.executable, "-m", "pyinstrument", "--load", str(session_file), "-r", "text",
         "--no-color", "--no-unicode"],
        capture_output=True, text=True, timeout=120,
    ).stdout  # fmt: skip
    (out_dir / f"profile-{name}.txt").write_text(text)
    session_file.unlink(missing_ok=True)
    return hot_spots(session)
