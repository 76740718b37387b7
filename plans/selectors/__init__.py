"""Reads: querysets already limited to what the user may see, one module per audience."""

from plans.selectors.drafting import *  # noqa: F403
from plans.selectors.evidence import *  # noqa: E402, F403
from plans.selectors.signoff import *  # noqa: F403
from plans.selectors.submission import *  # noqa: F403
