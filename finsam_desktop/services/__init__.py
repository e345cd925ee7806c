"""One module per capability: plain functions over a Session that return domain objects."""
