"""Vendored third-party code: pytest collects nothing here (e.g. formatter/application_test.py)."""

collect_ignore_glob = ["*"]
