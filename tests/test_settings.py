"""Settings read at call time: the warning printed when the app is reachable from other machines, the
explicit filter."""

import pytest

from lpmc import settings


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "::1", "[::1]"])
def test_loopback_hosts_need_no_warning(monkeypatch, host):
    monkeypatch.setenv("LPMC_HOST", host)
    assert settings.host_warning() is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "music.example.org"])
def test_other_hosts_are_warned_about(monkeypatch, host):
    monkeypatch.setenv("LPMC_HOST", host)
    warning = settings.host_warning()
    assert warning.startswith(f"LPMC_HOST={host}: lpmc is reachable from other machines, without a login.")
    assert "reverse proxy" in warning and "auth" in warning and "LPMC_LIBRARY_DB" in warning


@pytest.mark.parametrize(
    ("value", "on"), [("", True), ("1", True), ("0", False), ("off", False), ("No", False)]
)
def test_the_explicit_filter_is_on_unless_turned_off(monkeypatch, value, on):
    monkeypatch.setenv("LPMC_EXPLICIT_FILTER", value)
    assert settings.explicit_filter() is on
