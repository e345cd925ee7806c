"""``python -m finsam_desktop.cli``: the same as ``finsam``."""

import sys

from finsam_desktop.cli.program import main

sys.exit(main())
