"""SQLAlchemy models, the engine and sessions, backups and Alembic migrations."""
