"""`python -m smartcommune.kit.migrations [URL]`: upgrade the kit's tables to head."""

import sys

from . import upgrade_to_head

upgrade_to_head(sys.argv[1] if len(sys.argv) > 1 else None)
