"""pytest configuration: the `slow` marker, for tests left out of `bash scripts/test` (the fast suite)
and run by `bash scripts/test --full` (and CI)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: slow numerics, run by `bash scripts/test --full` (CI)")
