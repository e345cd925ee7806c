"""Printed documents and exports: one module per document; no Qt, no Session."""
