//! Request extractors that answer with problem+json instead of plain text.

use super::problem::{FieldError, Problem};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::{Extension, Router};
use serde::de::DeserializeOwned;

/// The most any API body may be: a batch of 1,000 events fits with room.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The body limit of the route a request is for, set by `with_body_limit`
/// next to axum's own, so refusals can say what the limit is.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimit(pub usize);

/// Bodies of these routes may be up to `limit` bytes, for axum's extractors
/// and for any layer added to the routes before this.
pub fn with_body_limit<S: Clone + Send + Sync + 'static>(routes: Router<S>, limit: usize) -> Router<S> {
    routes.layer(DefaultBodyLimit::max(limit)).layer(Extension(BodyLimit(limit)))
}

/// The limit `with_body_limit` set for this request.
pub fn body_limit<B>(request: &axum::http::Request<B>) -> usize {
    request.extensions().get::<BodyLimit>().map_or(BODY_LIMIT, |limit| limit.0)
}

/// The raw body (EDI, signed webhooks), refused as problem+json when too large.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        read_body(request, state).await.map(RawBody)
    }
}

async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, Problem> {
    let limit = body_limit(&request);
    Bytes::from_request(request, state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            Problem::too_large(limit)
        } else {
            Problem::field("body", "could not be read")
        }
    })
}

/// Query string whose errors name the parameter (axum's own `Query`
/// answers in plain text).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map(ApiQuery).map_err(|error| {
            let field = error.path().to_string();
            let field = if field == "." { "query".to_string() } else { field };
            Problem::bad_parameter(field, error.inner().to_string())
        })
    }
}

/// JSON body whose errors name the exact field (`lines[1].quantity`).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let bytes = json_body(request, state).await?;
        parse_json_object(&bytes, false).map(ApiJson)
    }
}

/// Like `ApiJson`, but an empty body means `T::default()` (optional bodies).
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let empty = request.headers().get(header::CONTENT_LENGTH).is_some_and(|v| v == "0")
            || (request.headers().get(header::CONTENT_TYPE).is_none()
                && request.headers().get(header::TRANSFER_ENCODING).is_none());
        if empty {
            return Ok(OptionalJson(T::default()));
        }
        let bytes = json_body(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        parse_json_object::<Option<T>>(&bytes, true).map(|body| OptionalJson(body.unwrap_or_default()))
    }
}

pub async fn json_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, Problem> {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
    if !is_json {
        return Err(Problem::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "Send the body as JSON with `Content-Type: application/json`.",
        ));
    }
    read_body(request, state).await
}

/// One JSON document, and nothing after it but whitespace. A whole number
/// written with a fraction (`3.0`) is a whole number, as JSON Schema says.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    from_value(json_value(bytes)?)
}

/// Like `parse_json` for a body that must be one object (or `null`, when
/// `null_allowed`): serde would otherwise read a struct from an array of
/// its fields in order, so `[null]` passed for `{}`.
fn parse_json_object<T: DeserializeOwned>(bytes: &[u8], null_allowed: bool) -> Result<T, Problem> {
    let value = json_value(bytes)?;
    if !(value.is_object() || (null_allowed && value.is_null())) {
        return Err(Problem::field("body", "must be a JSON object"));
    }
    from_value(value)
}

fn json_value(bytes: &[u8]) -> Result<serde_json::Value, Problem> {
    let syntax_error = |inner: serde_json::Error| {
        Problem::invalid(vec![FieldError { field: "body".into(), message: format!("is not valid JSON ({inner})") }])
    };
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(syntax_error)?;
    whole_numbers_as_integers(&mut value);
    Ok(value)
}

fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, Problem> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let field = if path == "." { "body".to_string() } else { path };
        // serde's own wording ("missing field `x`", "invalid type: ...") is already precise.
        let message = inner.to_string().split(" at line ").next().unwrap_or_default().to_string();
        Problem::invalid(vec![FieldError { field, message }])
    })
}

fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// One object, or `{"<key>": [...]}` with 1 to `max` of them, read as the
/// batch type `B` (so errors name `<key>[3].field`) and unwrapped by
/// `items`. Returns the objects and whether they came as a batch.
pub fn one_or_batch<T: DeserializeOwned, B: DeserializeOwned>(
    bytes: &[u8],
    key: &str,
    max: usize,
    items: impl FnOnce(B) -> Vec<T>,
) -> Result<(Vec<T>, bool), Problem> {
    let value: serde_json::Value = parse_json(bytes)?;
    if value.get(key).is_none() {
        return Ok((vec![parse_json(bytes)?], false));
    }
    let batch = items(parse_json(bytes)?);
    if batch.is_empty() || batch.len() > max {
        return Err(Problem::field(key, format!("must hold 1 to {max} (got {})", batch.len())));
    }
    Ok((batch, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Line {
        quantity: u32,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Order {
        lines: Vec<Line>,
    }

    #[test]
    fn errors_name_the_field() {
        let problem = parse_json::<Order>(br#"{"lines":[{"quantity":1},{"quantity":"two"}]}"#).unwrap_err();
        assert_eq!(problem.errors[0].field, "lines[1].quantity");
        assert!(problem.errors[0].message.contains("invalid type"), "{}", problem.errors[0].message);
        let missing = parse_json::<Order>(b"{}").unwrap_err();
        assert!(missing.errors[0].message.contains("missing field `lines`"));
        let listed = parse_json_object::<Order>(br#"[[{"quantity":1}]]"#, false).unwrap_err();
        assert_eq!((listed.errors[0].field.as_str(), listed.status), ("body", 422));
        assert!(parse_json_object::<Option<Order>>(b"null", true).unwrap().is_none());
        let broken = parse_json::<Order>(b"{").unwrap_err();
        assert!(broken.errors[0].message.contains("not valid JSON"));
    }

    #[test]
    fn whole_numbers_may_have_a_fraction_of_zero() {
        let order = parse_json::<Order>(br#"{"lines":[{"quantity":3.0}]}"#).unwrap();
        assert_eq!(order.lines[0].quantity, 3);
        let half = parse_json::<Order>(br#"{"lines":[{"quantity":3.5}]}"#).unwrap_err();
        assert_eq!(half.errors[0].field, "lines[0].quantity");
    }

    #[test]
    fn nothing_may_follow_the_document() {
        let trailing = parse_json::<Order>(br#"{"lines":[]} xyz"#).unwrap_err();
        assert_eq!(trailing.errors[0].field, "body");
        assert!(trailing.errors[0].message.contains("not valid JSON"), "{}", trailing.errors[0].message);
        assert!(parse_json::<Order>(br#"{"lines":[]}{"lines":[]}"#).is_err(), "two documents");
        assert!(parse_json::<Order>(b"{\"lines\":[]} \n\t").is_ok(), "whitespace is fine");
    }
}
