"""The only package that imports SQLAlchemy: the database, its schema, its repositories."""
