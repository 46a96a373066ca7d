//! Domain values the database keeps as text, read back into their types
//! here and nowhere else: a milestone from its code, a time zone from its
//! IANA name, open exceptions from their codes. Writes bind the same text (`Milestone::code`, `TimeZone::name`).
//! Generic over the backend, so SQLite and PostgreSQL read them alike.

use crate::domain::returns::{Condition, Resolution, ReturnReason, ReturnStatus, RmaNumber};
use crate::domain::{Milestone, OpenExceptions, TimeZone};
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Type};

/// Each of these is a text column to the database.
macro_rules! stored_as_text {
    ($($t:ty),*) => {$(
        impl<DB: Database> Type<DB> for $t
        where
            String: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as Type<DB>>::compatible(ty)
            }
        }
    )*};
}

stored_as_text!(Milestone, TimeZone, OpenExceptions, ReturnStatus, ReturnReason, Resolution, Condition, RmaNumber);

/// A return's codes (`returns.status`, `return_lines.reason`, ...) and its
/// RMA number. As for a milestone, only the store writes these (from
/// `code()`, or the RMA's `Display`), so one it cannot read is an error.
macro_rules! decoded_from_str {
    ($($t:ty),*) => {$(
        impl<'r, DB: Database> Decode<'r, DB> for $t
        where
            String: Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(<String as Decode<DB>>::decode(value)?.parse::<$t>()?)
            }
        }
    )*};
}

decoded_from_str!(ReturnStatus, ReturnReason, Resolution, Condition, RmaNumber);

/// A milestone column (`orders.status_milestone`, `shipments.status_milestone`).
/// Only the store writes these, from `Milestone::code`; a code it does not
/// know means the data or the code base is wrong, so reading it fails (the
/// query errors with the column and the code) rather than guessing.
impl<'r, DB: Database> Decode<'r, DB> for Milestone
where
    String: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(<String as Decode<DB>>::decode(value)?.parse::<Milestone>()?)
    }
}

/// A time zone column (`orders.ship_to_time_zone`, `tenants.time_zone`).
/// The API refuses unknown names, but older rows or another writer may
/// hold one; a page or a notification must not fail for it, so it reads as
/// UTC (which pages name) and the bad name is logged.
impl<'r, DB: Database> Decode<'r, DB> for TimeZone
where
    String: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let (zone, unknown) = TimeZone::parse_or_utc(&<String as Decode<DB>>::decode(value)?);
        if let Some(unknown) = unknown {
            tracing::warn!(%unknown, "stored time zone read as UTC");
        }
        Ok(zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::SqlitePoolOptions;

    async fn memory() -> sqlx::SqlitePool {
        SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await.unwrap()
    }

    #[tokio::test]
    async fn milestones_read_from_their_codes_and_unknown_codes_fail() {
        let pool = memory().await;
        let read: (Option<Milestone>, Option<Milestone>) =
            sqlx::query_as("SELECT 'out_for_delivery', NULL").fetch_one(&pool).await.unwrap();
        assert_eq!(read, (Some(Milestone::OutForDelivery), None));
        let err = sqlx::query_scalar::<_, Milestone>("SELECT 'teleported'").fetch_one(&pool).await.unwrap_err();
        assert!(matches!(err, sqlx::Error::ColumnDecode { .. }), "{err:?}");
        assert!(err.to_string().contains("teleported"), "{err}");
    }

    #[tokio::test]
    async fn return_codes_read_back_and_unknown_ones_fail() {
        let pool = memory().await;
        let read: (ReturnStatus, Option<Condition>, RmaNumber) =
            sqlx::query_as("SELECT 'label_issued', NULL, 'RMA-0000001Z'").fetch_one(&pool).await.unwrap();
        assert_eq!(read, (ReturnStatus::LabelIssued, None, RmaNumber::parse("RMA-0000001Z").unwrap()));
        let err = sqlx::query_scalar::<_, ReturnReason>("SELECT 'bored'").fetch_one(&pool).await.unwrap_err();
        assert!(err.to_string().contains("bored"), "{err}");
    }

    #[tokio::test]
    async fn zones_read_from_their_names_and_unknown_names_read_as_utc() {
        let pool = memory().await;
        let read: (TimeZone, TimeZone) =
            sqlx::query_as("SELECT 'America/Chicago', 'Mars/Olympus'").fetch_one(&pool).await.unwrap();
        assert_eq!(read, (TimeZone::parse("America/Chicago").unwrap(), TimeZone::UTC));
    }
}

/// `orders.open_exceptions`: exception codes joined by commas, written by
/// `store::append` from the derived status. Like a milestone, a code the
/// store did not write is an error, not a guess.
impl<'r, DB: Database> Decode<'r, DB> for OpenExceptions
where
    String: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(<String as Decode<DB>>::decode(value)?.parse::<OpenExceptions>()?)
    }
}
