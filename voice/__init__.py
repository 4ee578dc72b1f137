"""voice: a phone line with no menu tree."""

__version__ = "0.1.0"
