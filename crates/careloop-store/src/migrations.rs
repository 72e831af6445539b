//! Embedded migrations, one folder per engine (the same schema and types of the same meaning;
//! PostgreSQL adds 0002, the event transaction id for commit-safe log reads).

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// (version, description, SQL) for SQLite, in order.
pub(crate) const SQLITE: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "aggregates owner",
        include_str!("../migrations/sqlite/0002_aggregates_owner.sql"),
    ),
    (
        3,
        "aggregates queue county",
        include_str!("../migrations/sqlite/0003_aggregates_queue_county.sql"),
    ),
    (
        4,
        "aggregates queue owner member",
        include_str!("../migrations/sqlite/0004_aggregates_queue_owner_member.sql"),
    ),
    (
        5,
        "audit actor org",
        include_str!("../migrations/sqlite/0005_audit_actor_org.sql"),
    ),
    (
        6,
        "aggregates changed",
        include_str!("../migrations/sqlite/0006_aggregates_changed.sql"),
    ),
];

/// (version, description, SQL) for PostgreSQL, in order. 0002 (event transaction ids) has no
/// SQLite counterpart: SQLite has one writer, so its event seq order is already commit order.
pub(crate) const POSTGRES: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "event xid",
        include_str!("../migrations/postgres/0002_event_xid.sql"),
    ),
    (
        3,
        "aggregates owner",
        include_str!("../migrations/postgres/0003_aggregates_owner.sql"),
    ),
    (
        4,
        "aggregates queue county",
        include_str!("../migrations/postgres/0004_aggregates_queue_county.sql"),
    ),
    (
        5,
        "audit actor org",
        include_str!("../migrations/postgres/0005_audit_actor_org.sql"),
    ),
    (
        6,
        "aggregates changed",
        include_str!("../migrations/postgres/0006_aggregates_changed.sql"),
    ),
];

/// The embedded migrator for one engine's list ([`crate::dialect::Dialect::MIGRATIONS`]).
pub(crate) fn migrator(list: &'static [(i64, &'static str, &'static str)]) -> Migrator {
    let migrations = list
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                sql.into_sql_str(),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}
