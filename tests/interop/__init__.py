"""Interoperability tests with the real Qwen Code CLI; see conftest.py."""
