"""Headless core of qwen-tui.

Nothing under this package may import Textual or Rich: the non-interactive commands and any library
user run on it alone (tests/unit/test_core_is_headless.py checks this).
"""
