"""The Textual user interface. Imported only for interactive commands (the core never imports it)."""
