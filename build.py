#!/usr/bin/env python3
"""Build the toolkit: `python build.py` (site + PDFs), `python build.py serve`, `python build.py check`."""

import sys

from carepath.cli import main

if __name__ == "__main__":
    sys.exit(main())
