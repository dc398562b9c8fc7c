"""Storage: SQLAlchemy 2 ORM, engine setup, Alembic migrations, unit of work."""
