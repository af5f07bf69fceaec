"""E-safety training toolkit: each school's own social media policy, taught and tracked."""

__version__ = "0.2.0"
