"""template.yaml read as data (tools/template_yaml.py, which the local stack reads it with too)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from template_yaml import load  # noqa: F401
