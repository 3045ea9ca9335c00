"""The wheel: the bundled rules and their examples work once installed, outside the
checkout, and nothing beside the package (a stray ``site-packages/rules``) is used."""

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with kconsist installed from a wheel by the venv's own pip (pip's
    ``--python`` option installs elsewhere in some pip versions), its dependencies read
    from this environment's site-packages."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-build-isolation", "--no-deps",
         "-w", str(tmp / "dist"), str(ROOT)],
        check=True, cwd=tmp,
    )  # fmt: skip
    (wheel,) = (tmp / "dist").glob("kconsist-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin/python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )  # fmt: skip
    # Dependencies from here; a plain path entry, so no .pth of it (an editable
    # install of the checkout) is run. It may hold kconsist itself (the README's
    # command installs it), hence --ignore-installed below; the venv's own copy comes
    # first on sys.path.
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    (site / "rules").mkdir()  # what another PyPI package may create
    (site / "rules/bogus.yaml").write_text("not: a rule file\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--ignore-installed",
         str(wheel)],
        check=True,
    )  # fmt: skip
    return venv


def run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin/kconsist"), *args], cwd=cwd, capture_output=True, text=True
    )


def test_installed_rules_and_examples(installed: Path, tmp_path: Path):
    proc = run(installed, "test-rules", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1] == "37 passed, 0 failed"
    assert all(str(installed) in line for line in lines[:-1])  # never the checkout's


def test_installed_audit_of_a_shipped_example(installed: Path, tmp_path: Path):
    site = next(installed.glob("lib/python*/site-packages"))
    proc = run(installed, "audit", str(site / "kconsist/examples/pt-reclaim-v3"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[-1].startswith("kconsist: 5 findings (5 errors")
