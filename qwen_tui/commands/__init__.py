"""Non-interactive commands: each runs on the headless core alone and returns an exit code."""
