//! Server-sent events, each message framed once as the bytes that go on
//! the wire. A view sent to ten thousand subscribers is then one buffer
//! they all point at; axum's `Sse` would build (and copy the view into) a
//! frame of its own for every subscriber.

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use std::convert::Infallible;
use std::time::Duration;

/// A comment after this long without a message, so that proxies and
/// browsers keep a quiet stream open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
const KEEP_ALIVE_COMMENT: &[u8] = b":\n\n";

/// One message: its `event` name, its `id` when it has one, then `data`.
/// A line break in `data` would end the field early, so each line gets its
/// own `data:` field (the client joins them with line breaks again). JSON
/// as serde writes it has none.
pub fn message(event: &'static str, id: Option<i64>, data: &str) -> Bytes {
    let mut frame = String::with_capacity(data.len() + event.len() + 40);
    frame.push_str("event: ");
    frame.push_str(event);
    frame.push('\n');
    if let Some(id) = id {
        frame.push_str("id: ");
        frame.push_str(&id.to_string());
        frame.push('\n');
    }
    for line in data.split('\n') {
        frame.push_str("data: ");
        frame.push_str(line.strip_suffix('\r').unwrap_or(line));
        frame.push('\n');
    }
    frame.push('\n');
    Bytes::from(frame)
}

/// An event stream response: the messages as they come, and a keep-alive
/// comment in quiet spells.
pub struct EventStream<S>(pub S);

impl<S> IntoResponse for EventStream<S>
where
    S: Stream<Item = Bytes> + Send + 'static,
{
    fn into_response(self) -> Response {
        let messages = self.0;
        let body = async_stream::stream! {
            let mut messages = std::pin::pin!(messages);
            // One timer a stream, pushed back after each message (not one
            // made anew per message: ten thousand streams send each one).
            let quiet = tokio::time::sleep(KEEP_ALIVE);
            tokio::pin!(quiet);
            loop {
                tokio::select! {
                    next = messages.next() => match next {
                        Some(message) => yield Ok::<_, Infallible>(message),
                        None => break,
                    },
                    () = &mut quiet => yield Ok(Bytes::from_static(KEEP_ALIVE_COMMENT)),
                }
                quiet.as_mut().reset(tokio::time::Instant::now() + KEEP_ALIVE);
            }
        };
        ([(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")], Body::from_stream(body))
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_framed_as_the_spec_reads_it() {
        assert_eq!(message("tracking", Some(42), r#"{"a":1}"#), "event: tracking\nid: 42\ndata: {\"a\":1}\n\n");
        assert_eq!(message("changed", None, "7"), "event: changed\ndata: 7\n\n");
        // A line break in the data cannot end the message early.
        assert_eq!(message("note", None, "one\r\ntwo\n"), "event: note\ndata: one\ndata: two\ndata: \n\n");
    }

    #[tokio::test(start_paused = true)]
    async fn a_quiet_stream_sends_keep_alives_and_shared_messages_are_not_copied() {
        let shared = message("tracking", Some(1), "{}");
        let (send, messages) = futures::channel::mpsc::unbounded::<Bytes>();
        let response = EventStream(messages).into_response();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/event-stream");
        let mut body = response.into_body().into_data_stream();
        send.unbounded_send(shared.clone()).unwrap();
        let first = body.next().await.unwrap().unwrap();
        assert_eq!(first.as_ptr(), shared.as_ptr(), "the subscriber sends the shared buffer itself");
        // Nothing for a while: a comment keeps the connection.
        let quiet = body.next().await.unwrap().unwrap();
        assert_eq!(quiet, KEEP_ALIVE_COMMENT);
        drop(send);
        assert!(body.next().await.is_none(), "the response ends with its messages");
    }
}
