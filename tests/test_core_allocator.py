"""Arrow's allocator is told to use small pages before pyarrow loads (validators.core.allocator)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MIMALLOC_")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_the_command_line_sets_small_pages_before_pyarrow_loads():
    # mimalloc prints its options at start with MIMALLOC_VERBOSE: the one it read must be 0
    out = _run("import sys, os, cli; assert 'pyarrow' not in sys.modules; print(os.environ['MIMALLOC_ALLOW_THP']);"
               "import pyarrow as pa; pa.array(['事项'])", MIMALLOC_VERBOSE="1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0"]
    if "option 'allow_thp'" in out.stderr:   # pyarrow built with mimalloc
        assert "option 'allow_thp': 0" in out.stderr


def test_a_setting_of_the_user_is_kept_and_nothing_is_set_once_pyarrow_is_loaded():
    kept = _run("import os, cli; print(os.environ['MIMALLOC_ALLOW_THP'])", MIMALLOC_ALLOW_THP="1")
    assert kept.stdout.split() == ["1"], kept.stderr
    late = _run("import os, pyarrow; from validators.core.allocator import prefer_small_pages;"
                "print(prefer_small_pages(), os.environ.get('MIMALLOC_ALLOW_THP'))")
    assert late.stdout.split() == ["False", "None"], late.stderr
