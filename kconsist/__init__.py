"""kconsist: cross-language consistency checks for Linux kernel trees."""

__version__ = "0.1.0"
