import pytest

from adlk.profiles import PROFILES, ProfileError, get_profile


def test_default_is_full(monkeypatch):
    monkeypatch.delenv("ADLK_PROFILE", raising=False)
    assert get_profile().name == "full"
    assert get_profile().train_per_class is None


def test_env_selects_smoke(monkeypatch):
    monkeypatch.setenv("ADLK_PROFILE", " Smoke ")
    prof = get_profile()
    assert prof.name == "smoke" and prof.train_per_class == 100 and prof.test_per_class == 50


def test_blank_env_is_full(monkeypatch):
    monkeypatch.setenv("ADLK_PROFILE", "")
    assert get_profile().is_full


def test_unknown_profile_lists_valid_ones(monkeypatch):
    monkeypatch.setenv("ADLK_PROFILE", "fast")
    with pytest.raises(ProfileError) as err:
        get_profile()
    msg = str(err.value)
    assert "'fast'" in msg and "ADLK_PROFILE" in msg
    for name in PROFILES:
        assert name in msg


def test_smoke_announces_once(capsys, monkeypatch):
    import adlk.profiles as p

    monkeypatch.setattr(p, "_announced", set())
    get_profile("smoke")
    get_profile("smoke")
    err = capsys.readouterr().err
    assert err.count("profile 'smoke'") == 1
