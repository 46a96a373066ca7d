//! Proof of delivery: upload (the driver's app), read and download (accounts
//! payable matching invoices, customer service).

use super::problem::{ApiResult, FieldError, Problem};
use super::require;
use crate::auth::api_key::{ApiCaller, Scope};
use crate::domain::ShipmentId;
use crate::ingest::pod::{PodError, PodIn, Upload};
use crate::state::AppState;
use crate::store::{self, PodRecord, PodSaved};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Per image; a phone photo is 2-5 MB.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;
pub const MAX_PHOTOS: usize = 5;
/// The whole form: a signature, five photos and the text fields.
pub const MAX_BODY_BYTES: usize = (MAX_PHOTOS + 1) * MAX_IMAGE_BYTES + 64 * 1024;

/// The form of `POST /api/v1/shipments/{id}/pod` (`multipart/form-data`).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PodForm {
    pub receiver_name: String,
    /// RFC 3339, not in the future.
    pub delivered_at: DateTime<Utc>,
    /// The GPS stamp, both or neither.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// How far off the GPS stamp may be, in metres (0 to 10,000); only with it.
    pub accuracy_m: Option<f64>,
    pub note: Option<String>,
    /// PNG or JPEG, up to 8 MB.
    #[schema(value_type = Option<String>, format = Binary)]
    pub signature: Option<Vec<u8>>,
    /// Up to 5 PNG or JPEG photos, 8 MB each.
    #[schema(value_type = Option<Vec<String>>, format = Binary)]
    pub photo: Option<Vec<Vec<u8>>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PodOut {
    pub pod_id: i64,
    pub shipment_id: i64,
    pub receiver_name: String,
    pub delivered_at: DateTime<Utc>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub note: Option<String>,
    pub files: Vec<PodFileOut>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PodFileOut {
    /// `signature` or `photo`.
    pub kind: String,
    pub sha256: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Where to download it (same API key).
    pub url: String,
}

fn pod_out(pod: &PodRecord) -> PodOut {
    PodOut {
        pod_id: pod.id,
        shipment_id: pod.shipment.0,
        receiver_name: pod.receiver_name.clone(),
        delivered_at: pod.delivered_at,
        latitude: pod.location.map(|p| p.lat),
        longitude: pod.location.map(|p| p.lng),
        accuracy_m: pod.accuracy_m,
        note: pod.note.clone(),
        files: pod
            .files
            .iter()
            .map(|f| PodFileOut {
                kind: f.kind.clone(),
                sha256: f.sha256.clone(),
                content_type: f.content_type.clone(),
                size_bytes: f.size_bytes,
                url: format!("/api/v1/shipments/{}/pod/files/{}", pod.shipment.0, f.sha256),
            })
            .collect(),
    }
}

/// Text fields as they arrive, checked once all are in.
#[derive(Default)]
struct Fields {
    receiver_name: Option<String>,
    delivered_at: Option<String>,
    latitude: Option<String>,
    longitude: Option<String>,
    accuracy_m: Option<String>,
    note: Option<String>,
    uploads: Vec<Upload>,
}

async fn read_form(mut form: Multipart, errors: &mut Vec<FieldError>) -> ApiResult<Fields> {
    let mut fields = Fields::default();
    let bad_form = |e: axum::extract::multipart::MultipartError| {
        Problem::field("body", format!("is not a readable multipart form ({})", e.body_text()))
    };
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        let name = field.name().unwrap_or_default().to_string();
        let kind = match name.as_str() {
            "signature" => Some("signature"),
            "photo" => Some("photo"),
            _ => None,
        };
        if let Some(kind) = kind {
            let index = fields.uploads.iter().filter(|u| u.kind == kind).count();
            let label = if kind == "photo" { format!("photo[{index}]") } else { name.clone() };
            let bytes = field.bytes().await.map_err(bad_form)?;
            if bytes.len() > MAX_IMAGE_BYTES {
                errors.push(FieldError { field: label, message: format!("is larger than {MAX_IMAGE_BYTES} bytes") });
            } else if kind == "signature" && index > 0 {
                errors.push(FieldError { field: label, message: "only one signature".into() });
            } else {
                fields.uploads.push(Upload { kind, field: label, bytes: bytes.to_vec() });
            }
            continue;
        }
        let text = field.text().await.map_err(bad_form)?;
        let slot = match name.as_str() {
            "receiver_name" => &mut fields.receiver_name,
            "delivered_at" => &mut fields.delivered_at,
            "latitude" => &mut fields.latitude,
            "longitude" => &mut fields.longitude,
            "accuracy_m" => &mut fields.accuracy_m,
            "note" => &mut fields.note,
            _ => {
                errors.push(FieldError { field: name, message: "is not a field of a proof of delivery".into() });
                continue;
            }
        };
        if slot.is_some() {
            // Which one would be meant? Refused rather than guessed.
            errors.push(FieldError { field: name, message: "is given more than once".into() });
            continue;
        }
        *slot = Some(text);
    }
    Ok(fields)
}

fn number(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>) -> Option<f64> {
    let value = value?;
    let parsed = value.trim().parse().ok();
    if parsed.is_none() {
        errors.push(FieldError { field: field.into(), message: format!("`{value}` is not a number") });
    }
    parsed
}

/// Record a proof of delivery for a shipment (`multipart/form-data`, see
/// `PodForm`): the receiver, when, the GPS stamp, a signature and/or
/// photos. Image types are judged from the bytes and their metadata (EXIF,
/// text chunks) removed; files are stored by SHA-256. The shipment is marked
/// delivered through the normal event path. A shipment has one proof; a
/// second upload is refused.
#[utoipa::path(post, path = "/api/v1/shipments/{shipment_id}/pod", tag = "Proof of delivery",
    params(("shipment_id" = String, Path, pattern = r"^[+-]?[0-9]{1,18}$", description = "Milepost's shipment id (a whole number)")),
    request_body(content = PodForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = PodOut),
        (status = 404, description = "Not this tenant's shipment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The shipment already has a proof of delivery", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = ["carrier"])))]
pub async fn post_pod(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(shipment_id): Path<i64>,
    form: Multipart,
) -> ApiResult<Response> {
    require(&caller, Scope::Carrier)?;
    let mut errors = Vec::new();
    let fields = read_form(form, &mut errors).await?;
    let receiver_name = fields.receiver_name.as_deref().map(str::trim).unwrap_or_default().to_string();
    FieldError::check_text(&mut errors, "receiver_name", &receiver_name, 200);
    let delivered_at = match fields.delivered_at.as_deref().map(DateTime::parse_from_rfc3339) {
        Some(Ok(at)) if at.with_timezone(&Utc) <= Utc::now() + chrono::Duration::seconds(60) => Some(at.into()),
        Some(Ok(_)) => {
            errors.push(FieldError { field: "delivered_at".into(), message: "is in the future".into() });
            None
        }
        Some(Err(_)) => {
            errors.push(FieldError { field: "delivered_at".into(), message: "is not an RFC 3339 time".into() });
            None
        }
        None => {
            errors.push(FieldError { field: "delivered_at".into(), message: "is required".into() });
            None
        }
    };
    let latitude = number(&mut errors, "latitude", fields.latitude.as_deref());
    let longitude = number(&mut errors, "longitude", fields.longitude.as_deref());
    let location = FieldError::check_coordinates(&mut errors, "", latitude, longitude);
    let accuracy_m = number(&mut errors, "accuracy_m", fields.accuracy_m.as_deref());
    if accuracy_m.is_some_and(|a| !(0.0..=10_000.0).contains(&a)) {
        errors.push(FieldError { field: "accuracy_m".into(), message: "must be between 0 and 10,000 metres".into() });
    } else if accuracy_m.is_some() && latitude.is_none() && longitude.is_none() {
        errors.push(FieldError { field: "accuracy_m".into(), message: "goes with latitude and longitude".into() });
    }
    let note = fields.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 1000) {
        errors.push(FieldError { field: "note".into(), message: "must be at most 1,000 characters".into() });
    }
    let photos = fields.uploads.iter().filter(|u| u.kind == "photo").count();
    if photos > MAX_PHOTOS {
        errors.push(FieldError { field: "photo".into(), message: format!("at most {MAX_PHOTOS} photos") });
    }
    if fields.uploads.is_empty() && !errors.iter().any(|e| e.field.starts_with("photo") || e.field == "signature") {
        errors.push(FieldError {
            field: "signature".into(),
            message: "a signature or at least one photo is required".into(),
        });
    }
    let (Some(delivered_at), true) = (delivered_at, errors.is_empty()) else {
        return Err(Problem::invalid(errors));
    };
    let pod = PodIn {
        shipment: ShipmentId(shipment_id),
        receiver_name,
        delivered_at,
        location,
        accuracy_m,
        note,
        uploads: fields.uploads,
    };
    match crate::ingest::pod::record(&state, caller.tenant, pod).await {
        Ok((PodSaved::Saved { .. }, _)) => {
            let saved = store::shipment_pod(&state.pool, caller.tenant, ShipmentId(shipment_id)).await?;
            let saved = saved.ok_or_else(Problem::internal)?;
            Ok((StatusCode::CREATED, Json(pod_out(&saved))).into_response())
        }
        Ok((PodSaved::AlreadyRecorded, _)) => Err(Problem::conflict(format!(
            "Shipment {shipment_id} already has a proof of delivery; it is never replaced."
        ))),
        Err(PodError::Image(field, e)) => Err(Problem::field(field, e.to_string())),
        Err(PodError::Store(store::StoreError::NotFound(_))) => {
            Err(Problem::not_found("shipment", "shipment_id", &shipment_id.to_string()))
        }
        Err(PodError::Store(e)) => Err(e.into()),
        Err(PodError::Storage(e)) => {
            tracing::error!(error = %e, "storing a proof-of-delivery image failed");
            Err(Problem::internal())
        }
    }
}

/// A shipment's proof of delivery (any scope: accounts payable and customer
/// service read it).
#[utoipa::path(get, path = "/api/v1/shipments/{shipment_id}/pod", tag = "Proof of delivery",
    params(("shipment_id" = String, Path, pattern = r"^[+-]?[0-9]{1,18}$", description = "Milepost's shipment id (a whole number)")),
    responses((status = 200, body = PodOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = [])))]
pub async fn get_pod(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(shipment_id): Path<i64>,
) -> ApiResult<Json<PodOut>> {
    let pod = store::shipment_pod(&state.pool, caller.tenant, ShipmentId(shipment_id)).await?;
    let pod = pod.ok_or_else(|| Problem::not_found("proof of delivery", "shipment_id", &shipment_id.to_string()))?;
    Ok(Json(pod_out(&pod)))
}

/// One image of a proof of delivery, as stored (checked against its SHA-256).
#[utoipa::path(get, path = "/api/v1/shipments/{shipment_id}/pod/files/{sha256}", tag = "Proof of delivery",
    params(("shipment_id" = String, Path, pattern = r"^[+-]?[0-9]{1,18}$", description = "Milepost's shipment id (a whole number)"), ("sha256" = String, Path)),
    responses((status = 200, description = "The image", content_type = "image/png"),
              (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = [])))]
pub async fn get_pod_file(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path((shipment_id, sha256)): Path<(i64, String)>,
) -> ApiResult<Response> {
    let pod = store::shipment_pod(&state.pool, caller.tenant, ShipmentId(shipment_id)).await?;
    let not_found = || Problem::not_found("proof-of-delivery file", "sha256", &sha256);
    let pod = pod.ok_or_else(not_found)?;
    let (position, file) = pod.files.iter().enumerate().find(|(_, f)| f.sha256 == sha256).ok_or_else(not_found)?;
    let extension = if file.content_type == "image/png" { "png" } else { "jpg" };
    let name = format!("pod-shipment-{shipment_id}-{}-{}.{extension}", file.kind, position + 1);
    file_response(&state, file, Some(&name)).await.map_err(|()| Problem::internal())
}

/// The bytes of a stored image with its type; `attachment` names it for
/// download. A damaged file is an error, never served.
pub async fn file_response(state: &AppState, file: &store::PodFile, attachment: Option<&str>) -> Result<Response, ()> {
    let bytes = state.blobs.get(&file.sha256).await.map_err(|e| {
        tracing::error!(error = %e, sha256 = file.sha256, "reading a proof-of-delivery image failed");
    })?;
    let mut response = ([(header::CONTENT_TYPE, file.content_type.clone())], bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, max-age=3600, immutable"));
    if let Some(name) =
        attachment.and_then(|n| header::HeaderValue::from_str(&format!("attachment; filename=\"{n}\"")).ok())
    {
        headers.insert(header::CONTENT_DISPOSITION, name);
    }
    Ok(response)
}
