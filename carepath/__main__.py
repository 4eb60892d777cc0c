"""`python -m carepath`: the same command line as the `carepath` command and build.py."""

import sys

from carepath.cli import main

sys.exit(main())
