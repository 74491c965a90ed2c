"""botocore's data files load in one place (architecture.md: one botocore model loader)."""

from __future__ import annotations

import ast
from pathlib import Path

from dynastream_mock.models import load_data, service_model

PACKAGE = Path(__file__).resolve().parent.parent / "dynastream_mock"

#: The one module that reads botocore's data files.
LOADER_MODULE = PACKAGE / "models.py"


def imports_botocore_loaders(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            if any(alias.name == "botocore.loaders" for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            if node.module == "botocore.loaders":
                return True
            if node.module == "botocore" and any(a.name == "loaders" for a in node.names):
                return True
    return False


def test_only_models_imports_botocore_loaders() -> None:
    importers = {path for path in PACKAGE.rglob("*.py") if imports_botocore_loaders(path)}

    assert importers == {LOADER_MODULE}


def test_the_check_sees_imports() -> None:
    assert imports_botocore_loaders(LOADER_MODULE)
    assert not imports_botocore_loaders(PACKAGE / "mock.py")


def test_a_service_model_loads_once_and_is_shared() -> None:
    first = service_model("dynamodbstreams")

    assert service_model("dynamodbstreams") is first
    assert "GetShardIterator" in first["operations"]


def test_load_data_reads_any_data_file() -> None:
    partitions = load_data("partitions")

    assert "aws" in {partition["id"] for partition in partitions["partitions"]}
    assert load_data("partitions") is partitions
