"""``python -m dynastream_mock serve``: the same command as ``dynastream-mock serve``."""

import sys

from .server.cli import main

sys.exit(main())
