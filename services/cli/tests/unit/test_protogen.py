"""`make proto`: the committed stubs match the `.proto` sources, and drift is caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smartcommune.cli import protogen

ROOT = protogen.find_root(Path(__file__).resolve().parent)


def test_the_committed_stubs_are_up_to_date() -> None:
    assert protogen.main(["--check", "--root", str(ROOT)]) == 0


def test_check_names_the_stale_files_after_a_proto_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(
        ROOT / "proto", tmp_path / "proto", ignore=shutil.ignore_patterns("__pycache__")
    )
    source = tmp_path / "proto" / "identity" / "v1" / "signing.proto"
    source.write_text(
        source.read_text().replace("string reason = 6;", "string reason = 6;\n  int32 x = 99;")
    )

    assert protogen.main(["--check", "--root", str(tmp_path)]) == 1
    stale = capsys.readouterr().err
    assert "proto/src/smartcommune/contracts/identity/v1/signing_pb2.py" in stale
    assert "signing_pb2_grpc.py" not in stale  # the service did not change

    assert protogen.main(["--root", str(tmp_path)]) == 0  # regenerate, then it is clean
    assert protogen.main(["--check", "--root", str(tmp_path)]) == 0


def test_a_removed_contract_leaves_no_stale_stubs_behind(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "proto", tmp_path / "proto", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / "proto" / "identity" / "v1" / "signing.proto").unlink()
    assert protogen.main(["--root", str(tmp_path)]) == 0
    contracts = tmp_path / "proto" / "src" / "smartcommune" / "contracts"
    assert not (contracts / "identity").exists()
    assert (contracts / "scoring" / "v1").is_dir()  # the contracts still in proto/ stay


def test_imports_of_sibling_contracts_move_into_the_package() -> None:
    generated = (
        "from identity.v1 import signing_pb2 as identity_dot_v1_dot_signing__pb2\n"
        "import identity.v1.signing_pb2\n"
        "from google.protobuf import timestamp_pb2\n"
        "from identityx import y\n"
        "_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'identity.v1.signing_pb2', _globals)\n"
    )
    assert protogen.rewrite_imports(generated, {"identity"}) == (
        "from smartcommune.contracts.identity.v1 import signing_pb2 as"
        " identity_dot_v1_dot_signing__pb2\n"
        "import smartcommune.contracts.identity.v1.signing_pb2\n"
        "from google.protobuf import timestamp_pb2\n"
        "from identityx import y\n"
        "_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR,"
        " 'smartcommune.contracts.identity.v1.signing_pb2', _globals)\n"
    )
