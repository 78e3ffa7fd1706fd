"""``python -m adlk``：见 :mod:`adlk.cli`。"""

import sys

from adlk.cli import main

sys.exit(main())
