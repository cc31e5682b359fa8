"""Storage: the database engine, the tables of every feature, and their Alembic migrations.

SQLite by default, PostgreSQL when several bot processes share one database. Nothing here knows
Slack or the bot's rules; the domain services read and write through these models.
"""
