//! The buyer's live stream, `GET /t/{token}/events`: not under `/api`, but
//! its parameters are checked and refused as the API's are.

use super::extract::ApiQuery;
use super::problem::Problem;
use crate::live::event_stream::EventStream;
use crate::live::sse::{tracking_event_stream, Resume, StreamLanguage, Streams};
use crate::store::TrackingLinkTarget;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Extension;
use futures::Stream;

/// `GET /t/{token}/events`: the buyer's live view. Each message carries the
/// whole customer view (already filtered and localised), so a reconnecting
/// page gets everything it missed in one message.
#[utoipa::path(get, path = "/t/{token}/events", tag = "Tracking",
    params(("token" = String, Path, description = "The tracking link's token"),
           Resume, StreamLanguage,
           ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id (reconnections)")),
    responses(
        (status = 200, description = "text/event-stream: `event: tracking`, `id` = newest event id included, `data` = the customer view as JSON", content_type = "text/event-stream"),
        (status = 404, description = "Unknown, expired or revoked token (the same response for each)", content_type = "text/html"),
    ))]
pub async fn tracking_stream(
    State(state): State<Streams>,
    Extension(target): Extension<TrackingLinkTarget>,
    Path(token): Path<String>,
    ApiQuery(query): ApiQuery<Resume>,
    ApiQuery(language): ApiQuery<StreamLanguage>,
    headers: HeaderMap,
) -> Result<EventStream<impl Stream<Item = Bytes>>, Problem> {
    let resume = query.point(&headers)?;
    Ok(tracking_event_stream(state, target, token, resume, language.lang))
}
