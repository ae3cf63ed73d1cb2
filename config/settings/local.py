"""Development settings: the default for `manage.py`, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
