"""``python -m kconsist``."""

import sys

from kconsist.main import main

sys.exit(main())
