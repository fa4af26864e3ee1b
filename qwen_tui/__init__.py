"""qwen-tui: the front door of Qwen Code's authentication and privacy settings."""

__version__ = "0.1.0"
