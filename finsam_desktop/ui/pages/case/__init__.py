"""The case screen of one participation and its tabs."""
