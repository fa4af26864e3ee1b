from qwen_tui.cli import main

raise SystemExit(main())
