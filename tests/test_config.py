"""Settings: defaults load, a user's file overrides, and every mistake names its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from draftpod.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "user.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_load_with_every_section(tmp_path: Path) -> None:
    """The shipped defaults are complete and resolve relative paths against the root."""
    config = load_config(root=tmp_path)
    assert config.draft.packs_per_player == 3
    assert config.paths.sets_dir == tmp_path / "sets"
    assert config.scheduler.zmq_address.startswith("tcp://127.0.0.1:")


def test_user_file_overrides_a_subset(tmp_path: Path) -> None:
    """Only the keys in the user's file change."""
    path = write(tmp_path, "draft:\n  pick_seconds: 30\nscheduler:\n  http_port: 9999\n")
    config = load_config(path, root=tmp_path)
    assert config.draft.pick_seconds == 30
    assert config.scheduler.http_port == 9999
    assert config.draft.packs_per_player == 3


def test_a_free_mapping_takes_the_users_keys_and_is_read_only(tmp_path: Path) -> None:
    """``render.image_folders`` is empty by default; a user's keys are set codes, not settings."""
    assert dict(load_config(root=tmp_path).render.image_folders) == {}
    path = write(tmp_path, "render:\n  image_folders:\n    NEO: scans/neo\n    vow: /srv/vow\n")
    folders = load_config(path, root=tmp_path).render.image_folders
    assert dict(folders) == {"NEO": Path("scans/neo"), "vow": Path("/srv/vow")}
    with pytest.raises(TypeError):
        folders["NEO"] = Path("x")  # type: ignore[index]


def test_environment_names_the_user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DRAFTPOD_CONFIG is used when no path is given."""
    monkeypatch.setenv("DRAFTPOD_CONFIG", str(write(tmp_path, "draft:\n  max_seats: 6\n")))
    assert load_config(root=tmp_path).draft.max_seats == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "draft:\n  pick_secs: 30\n", "unknown setting 'draft.pick_secs'", id="unknown-key"
        ),
        pytest.param("nonsense:\n  a: 1\n", "unknown setting 'nonsense'", id="unknown-section"),
        pytest.param(
            "draft:\n  pick_seconds: fast\n",
            "'draft.pick_seconds' must be a whole number",
            id="wrong-type",
        ),
        pytest.param(
            "draft:\n  pick_seconds: true\n",
            "'draft.pick_seconds' must be a whole number",
            id="bool-is-not-int",
        ),
        pytest.param(
            "draft:\n  timer_policy: slow\n",
            "'draft.timer_policy' must be one of",
            id="not-a-choice",
        ),
        pytest.param("draft: 3\n", "'draft' must be a mapping", id="section-not-mapping"),
        pytest.param(
            "render:\n  image_folders: scans\n",
            "'render.image_folders' must be a mapping",
            id="free-mapping-not-mapping",
        ),
        pytest.param(
            "render:\n  image_folders:\n    NEO: 3\n",
            "'render.image_folders.NEO' must be a non-empty path",
            id="free-mapping-value-type",
        ),
        pytest.param(
            "render:\n  image_folders:\n    123: scans\n",
            "'render.image_folders.123' must be text",
            id="free-mapping-key-type",
        ),
        pytest.param(
            "render:\n  image_folder:\n    NEO: scans\n",
            "unknown setting 'render.image_folder'",
            id="free-mapping-misspelt",
        ),
        pytest.param("- a\n- b\n", "expected a mapping", id="top-level-list"),
        pytest.param("draft: [\n", "not valid YAML", id="broken-yaml"),
        pytest.param(
            "draft: !!python/object:os.system {}\n", "not valid YAML", id="yaml-tag-refused"
        ),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    """An unknown key, a wrong type or bad YAML is refused with the key and the file named."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_config(path, root=tmp_path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    """A settings path that does not exist is named in the error."""
    with pytest.raises(ConfigError, match="cannot read settings file"):
        load_config(tmp_path / "absent.yaml", root=tmp_path)
