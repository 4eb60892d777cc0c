#!/usr/bin/env python3
"""Build the toolkit: `python build.py` (site + PDFs), `python build.py serve`, `python build.py check`."""

import sys

if __name__ == "__main__":
    # imported here, not above: the PDF and MkDocs workers start by importing this file again (multiprocessing's
    # spawn), and need none of the command line
    from carepath.cli import main

    sys.exit(main())
