"""The administrator's pages: accounts and the access log review."""
