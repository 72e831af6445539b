//! A fresh PostgreSQL database for test suites (this crate's conformance suite and the careloop-app
//! scenarios): created from `CARELOOP_TEST_POSTGRES_URL`, emptied between cases, dropped at the end.
//! Kept here so the database's SQL stays inside the store crate.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::Connection as _;
use sqlx::postgres::PgConnection;

use crate::error::StoreError;

/// The variable naming the server the suites create their databases on (.ci/run sets it).
pub const TEST_POSTGRES_URL_VAR: &str = "CARELOOP_TEST_POSTGRES_URL";

/// The admin URL from [`TEST_POSTGRES_URL_VAR`]: `Ok(None)` when unset (the suite is skipped,
/// visibly), `Err` when unset under CI, which must always run the PostgreSQL suites.
pub fn admin_url_from_env() -> Result<Option<String>, String> {
    match std::env::var(TEST_POSTGRES_URL_VAR) {
        Ok(url) => Ok(Some(url)),
        Err(_) if std::env::var_os("CI").is_some() => Err(format!(
            "{TEST_POSTGRES_URL_VAR} must be set in CI (.ci/run sets it)"
        )),
        Err(_) => Ok(None),
    }
}

/// A database created for one test run.
#[derive(Debug)]
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDatabase {
    /// Creates `<prefix>_<pid>_<nanos>` on the server of `admin_url`.
    pub async fn create(admin_url: &str, prefix: &str) -> Result<Self, StoreError> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("{prefix}_{}_{nanos}", std::process::id());
        admin(admin_url, format!("CREATE DATABASE {name}")).await?;
        Ok(TestDatabase {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name)?,
            name,
        })
    }

    /// The URL of the test database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Empties every table, so the next case starts clean.
    pub async fn truncate(&self) -> Result<(), StoreError> {
        admin(
            &self.url,
            "TRUNCATE aggregates, events, member_access, idempotency, audit_log RESTART IDENTITY"
                .into(),
        )
        .await
    }

    /// Drops the database, closing any connection still open to it.
    pub async fn drop_database(self) -> Result<(), StoreError> {
        admin(
            &self.admin_url,
            format!("DROP DATABASE {} WITH (FORCE)", self.name),
        )
        .await
    }
}

async fn admin(url: &str, sql: String) -> Result<(), StoreError> {
    let mut conn = PgConnection::connect(url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

/// `url` with its database name replaced by `db`.
fn with_database(url: &str, db: &str) -> Result<String, StoreError> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let (scheme, rest) = base.split_once("://").ok_or(StoreError::Invalid {
        field: "database_url",
        problem: "has no scheme".into(),
    })?;
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    Ok(format!("{scheme}://{authority}/{db}{query}"))
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn test_database_url_keeps_authority_and_options() {
        let cases = [
            (
                "postgres://postgres@127.0.0.1:5432/postgres",
                "postgres://postgres@127.0.0.1:5432/t1",
            ),
            (
                "postgres://u:p@h/db?sslmode=disable",
                "postgres://u:p@h/t1?sslmode=disable",
            ),
            ("postgresql://h:5433", "postgresql://h:5433/t1"),
        ];
        for (url, want) in cases {
            assert_eq!(with_database(url, "t1").ok().as_deref(), Some(want));
        }
        assert!(with_database("no-scheme", "t1").is_err());
    }
}
