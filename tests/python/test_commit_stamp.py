"""The commit stamp outside a git checkout (cmake/write_git_commit.cmake): a `git archive` of a
commit (what a GitHub tarball is) stamps that commit with "-archive"; a tree with neither git
nor an archived commit stamps "unknown". (Inside a checkout: test_cli_end_to_end.py.)"""
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("REGSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
SCRIPT = Path("cmake") / "write_git_commit.cmake"
CMAKE = shutil.which("cmake")

pytestmark = pytest.mark.skipif(CMAKE is None, reason="cmake not on PATH")


def git(*args, cwd=ROOT):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def stamp(source_dir, tmp_path):
    out = tmp_path / "git_commit.inc"
    subprocess.run([CMAKE, f"-DSOURCE_DIR={source_dir}", f"-DOUT={out}", "-P",
                    str(source_dir / SCRIPT)], check=True, capture_output=True)
    return out.read_text()


def extract_archive(tmp_path):
    """HEAD as `git archive` exports it, extracted into tmp_path/tree."""
    if shutil.which("git") is None or git("rev-parse", "HEAD").returncode != 0:
        pytest.skip("not a git checkout")
    tarball = tmp_path / "head.tar"
    proc = git("archive", "-o", str(tarball), "HEAD", ".gitattributes", "cmake")
    if proc.returncode != 0:
        pytest.skip(f"git archive failed: {proc.stderr.strip()}")
    tree = tmp_path / "tree"
    with tarfile.open(tarball) as tar:
        tar.extractall(tree)
    return tree


def test_an_archive_of_a_commit_stamps_that_commit(tmp_path):
    tree = extract_archive(tmp_path)
    head = git("rev-parse", "HEAD").stdout.strip()
    # export-subst has replaced the placeholder with HEAD, and the build stamps it.
    assert (tree / "cmake" / "archive_commit.txt").read_text().strip() == head
    assert stamp(tree, tmp_path) == f'"{head[:12]}-archive"\n'


def test_a_tree_without_git_or_archived_commit_stamps_unknown(tmp_path):
    tree = extract_archive(tmp_path)
    # As the file reads in a checkout, before git archive substitutes it.
    (tree / "cmake" / "archive_commit.txt").write_text("$Format:%H$\n")
    assert stamp(tree, tmp_path) == '"unknown"\n'
    (tree / "cmake" / "archive_commit.txt").unlink()
    assert stamp(tree, tmp_path) == '"unknown"\n'
