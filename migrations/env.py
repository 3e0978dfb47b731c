"""Alembic environment for Flask-Migrate: the database and metadata come from the running app."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from app.search import not_in_models

config = context.config
if config.config_file_name is not None:
    # Keep the app's and pytest's loggers working when migrations run inside them.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_extension = current_app.extensions["migrate"]
engine = migrate_extension.db.engine
target_metadata = migrate_extension.db.metadata
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def skip_empty_revisions(context, revision, directives):
    """`flask db migrate` with no model changes writes no empty revision file."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def include_name(name, type_, parent_names) -> bool:
    """The search index (app.search) is made by migration 0008, not described by the models."""
    return not not_in_models(name, type_)


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    options = dict(migrate_extension.configure_args)
    options.setdefault("process_revision_directives", skip_empty_revisions)
    options.setdefault("include_name", include_name)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a SQLite table by copying it and dropping the old one; with
            # foreign keys on, that drop would cascade to every row referencing it (all of a
            # user's data for `users`). SQLite ignores this pragma inside a transaction, hence here.
            # A rebuilt table also loses its triggers: a migration that rebuilds `expenses` must
            # create those of 0006 and 0008 again, and one that rebuilds `categories`,
            # `overall_budgets` or `category_budgets` those of 0009 (test_rollups checks they are
            # all there at head).
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_metadata, **options)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise RuntimeError(f"migration left rows with broken references: {problems[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
