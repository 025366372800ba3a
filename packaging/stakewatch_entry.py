"""The frozen app's entry point: the same `main` as the installed `stakewatch` command."""

import multiprocessing
import sys

if __name__ == "__main__":
    # The price provider runs in a spawned child process; in a frozen app that child
    # starts this executable again, and freeze_support() makes it serve instead of opening
    # the window.
    multiprocessing.freeze_support()
    from gui.__main__ import main

    sys.exit(main())
