"""``python -m claimsmap``: the same as the ``claimsmap`` command."""

import sys

from claimsmap.cli import main

sys.exit(main())
