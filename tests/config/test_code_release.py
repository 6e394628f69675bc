"""What is kept is keyed by the code's release too, so a release that changes a template,
the code or a catalogue never serves what the one before rendered."""

from config import settings as project_settings


def make_tree(root):
    for folder in ("centres", "activities", "advice", "incidents", "config", "templates"):
        (root / folder / "migrations").mkdir(parents=True)
    (root / "activities" / "calendar.py").write_text("VIEWS = ()\n")
    (root / "templates" / "base.html").write_text("<html></html>\n")


def test_a_change_to_code_templates_or_catalogues_makes_a_new_release(tmp_path, monkeypatch):
    monkeypatch.setattr(project_settings, "BASE_DIR", tmp_path)
    make_tree(tmp_path)
    first = project_settings.code_release()
    assert project_settings.code_release() == first
    (tmp_path / "templates" / "base.html").write_text("<html lang='da'></html>\n")
    second = project_settings.code_release()
    assert second != first
    (tmp_path / "activities" / "django.mo").write_bytes(b"\x00")
    third = project_settings.code_release()
    assert third != second
    (tmp_path / "config" / "more.py").write_text("X = 1\n")
    assert project_settings.code_release() != third


def test_migrations_and_other_files_do_not(tmp_path, monkeypatch):
    monkeypatch.setattr(project_settings, "BASE_DIR", tmp_path)
    make_tree(tmp_path)
    first = project_settings.code_release()
    (tmp_path / "centres" / "migrations" / "0001_initial.py").write_text("x = 1\n")
    (tmp_path / "centres" / "notes.txt").write_text("x\n")
    assert project_settings.code_release() == first


def test_every_kept_cache_carries_the_release(settings):
    for alias in ("dashboard", "calendar", "openings", "shared-openings"):
        assert settings.CACHES[alias]["KEY_PREFIX"] == project_settings.KEPT_PREFIX
