"""Finsam Desktop: case work and statistics for Finsam coordination teams."""

__version__ = "0.1.0"
APP_NAME = "Finsam Desktop"
APP_ID = "finsam-desktop"
