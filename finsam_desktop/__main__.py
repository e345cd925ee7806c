"""Start the window: `finsam-desktop` or `python -m finsam_desktop`."""

import sys


def main() -> int:
    from finsam_desktop.app import run

    return run()


if __name__ == "__main__":
    sys.exit(main())
