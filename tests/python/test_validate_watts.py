"""scripts/validate_watts.py: the Watts (2002) table and, with --plot, its figure."""
import os
import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import pytest

ROOT = Path(os.environ.get("REGSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY = Path(os.environ.get("REGSIM_BINARY", ROOT / "build" / "regsim"))
SCRIPT = ROOT / "scripts" / "validate_watts.py"
PYTHON = "/usr/bin/python3"

pytestmark = pytest.mark.skipif(not BINARY.exists(), reason=f"regsim not built at {BINARY}")


def validate(*args):
    return subprocess.run([PYTHON, str(SCRIPT), "--binary", str(BINARY), *map(str, args)],
                          capture_output=True, text=True)


def test_table_and_figure_over_a_z_grid(tmp_path):
    out = tmp_path / "watts.png"
    proc = validate("--replicates", 20, "--z", "1:4:1.5", "--plot", out)
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    assert [r.split("|")[1].strip() for r in rows[1:]] == ["1", "2.5", "4"]
    # Inside the window (1.02 < z < 5.76) cascades happen; at z = 1 none can.
    assert "1.02 < z < 5.76" in proc.stdout
    assert rows[1].split("|")[3].strip() == "0.000" and float(rows[3].split("|")[3]) > 0.5
    img = mpimg.imread(str(out))
    assert img.shape[:2] == (630, 1050)  # 7 x 4.2 in at 150 dpi
    assert img[..., :3].std() > 0.01


def test_an_existing_figure_is_kept_without_force(tmp_path):
    out = tmp_path / "keep.png"
    out.write_bytes(b"precious")
    proc = validate("--replicates", 2, "--z", "2:2:1", "--plot", out)
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert out.read_bytes() == b"precious"
    assert validate("--replicates", 2, "--z", "2:2:1", "--plot", out, "--force").returncode == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("args,message", [
    (["--z", "1:10"], "START:STOP:STEP"),
    (["--z", "5:1:1"], "START <= STOP"),
    (["--plot", "w.gif"], ".png, .svg, .pdf"),
])
def test_bad_options_are_refused(tmp_path, args, message):
    proc = validate(*args)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
