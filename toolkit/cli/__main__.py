"""`python -m toolkit.cli` runs the `esafety` command."""

import sys

from toolkit.cli import main

sys.exit(main())
