"""Domain services: plain functions over a SQLAlchemy session. They flush, never commit."""
