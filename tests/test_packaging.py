"""The wheel ships the house style: render from an installed copy, outside the source tree."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_styles_and_renders_from_installed_copy(tmp_path) -> None:
    built = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                            str(tmp_path / "wheel"), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "wheel").glob("exporter-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "exporter/styles/templates/article.html.j2" in names
    assert "exporter/styles/print.css" in names
    # A venv that sees this environment's dependencies (a plain path in a .pth file:
    # the editable exporter's own .pth is not processed) but gets exporter from the wheel.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    site_dir = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              capture_output=True, text=True, check=True).stdout.strip()
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(site_dir, "deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--force-reinstall",
                    str(wheel)], check=True, capture_output=True)
    example = ROOT / "examples" / "tram-line" / "article.json"
    code = ("import exporter.rendering.style as s, sys; print(s.default_style_dir())")
    where = subprocess.run([py, "-c", code], capture_output=True, text=True, check=True,
                           cwd=tmp_path).stdout.strip()
    assert str(venv) in where and where.endswith("exporter/styles")
    out = tmp_path / "out"
    result = subprocess.run([py, "-m", "exporter", "export", str(example), "-f", "html", "-o",
                             str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Council approves" in (out / "riverside-tram-line-approved.html").read_text("utf-8")
