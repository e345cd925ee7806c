"""The Qt user interface. The only package (with app.py and __main__.py) that imports Qt."""
