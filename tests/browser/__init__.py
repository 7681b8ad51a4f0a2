"""Helpers for tests that drive headless Chromium against pages served on 127.0.0.1."""
