"""carepath: community mental-health toolkits rendered as multilingual websites and handouts."""

__version__ = "0.1.0"
