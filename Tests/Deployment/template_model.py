"""template.yaml read as data (tools/template_yaml.py, which the local stack reads it with too)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT / "tools"))

from template_yaml import load  # noqa: E402,F401
