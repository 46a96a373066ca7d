//! Sensor readings: stored, excursions opened and closed, and the events
//! they appended published like any other.

use crate::domain::TenantId;
use crate::state::AppState;
use crate::store::{self, NewReading, ReadingsOutcome};

pub async fn record(state: &AppState, tenant: TenantId, readings: &[NewReading]) -> store::Result<ReadingsOutcome> {
    let outcome = store::record_readings(&state.pool, tenant, readings).await?;
    for (order, appended) in &outcome.appended {
        super::publish(state, tenant, *order, &[appended]);
    }
    Ok(outcome)
}
