//! Downloads for accounts payable (and anyone who may see the order's
//! documents): proof-of-delivery files, the generated POD PDF, and, for a
//! date range, the CSV for invoice matching and a ZIP of every POD (the
//! documents themselves are made in `crate::documents`).

use super::pages::date_range;
use super::{get_session, order_for, PortalError};
use crate::auth::session::SignedIn;
use crate::documents::csv;
use crate::documents::pod_archive::{build_zip, safe_segment, ArchiveEntry};
use crate::documents::pod_pdf::render_pdf;
use crate::domain::pod_document::{PodDocument, PodFile, PodLabels, PodLine};
use crate::domain::{OrderId, ShipmentId, TenantId};
use crate::i18n::Translator;
use crate::policy::{self, Action, Decision};
use crate::present::portal::{shipment_label, time_in};
use crate::present::tracking::format_time;
use crate::state::AppState;
use crate::store::{self, DeliveryRow, PodRecord};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// A download under a safe file name, never cached.
pub fn attachment(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], bytes).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", safe_segment(filename))) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// One of the order's original POD files (signature or photo).
pub async fn pod_file(
    State(state): State<AppState>,
    Path((number, sha256)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let signed_in = get_session(&state, &headers).await?;
    let (order, owner) = order_for(&state, &signed_in, &number, Action::DownloadProofOfDelivery).await?;
    let pods = store::order_pods(&state.pool, owner.tenant, order).await?;
    let file = pods.iter().flat_map(|p| &p.files).find(|f| f.sha256 == sha256).ok_or(PortalError::NotFound)?;
    let name = format!("{}-{}-{}.{}", safe_segment(&number), file.kind, &file.sha256[..12], extension(file));
    let response = crate::api::pod::file_response(&state, file, Some(&name))
        .await
        .map_err(|()| store::corrupt(format!("proof-of-delivery file {}", file.sha256)))?;
    Ok(response)
}

fn extension(file: &store::PodFile) -> &'static str {
    if file.content_type == "image/png" {
        "png"
    } else {
        "jpg"
    }
}

/// The generated PDF of one shipment's proof of delivery.
pub async fn pod_pdf(
    State(state): State<AppState>,
    Path((number, shipment)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let signed_in = get_session(&state, &headers).await?;
    let (order, owner) = order_for(&state, &signed_in, &number, Action::DownloadProofOfDelivery).await?;
    let doc =
        pod_document(&state, owner.tenant, order, ShipmentId(shipment), None).await?.ok_or(PortalError::NotFound)?;
    let pdf = render_pdf(&doc).map_err(store::corrupt)?;
    Ok(attachment(pdf, "application/pdf", &format!("{}-{}.pdf", number, doc.pod_id)))
}

/// What the PDF of a shipment's POD says, with its pictures from the blob
/// store, or `None` if it has no POD. In English for the portal, or in a
/// buyer's language (`reader`, from the tracking page).
pub async fn pod_document(
    state: &AppState,
    tenant: TenantId,
    order: OrderId,
    shipment: ShipmentId,
    reader: Option<&Translator>,
) -> store::Result<Option<PodDocument>> {
    let pods = store::order_pods(&state.pool, tenant, order).await?;
    let Some(pod) = pods.into_iter().find(|p| p.shipment == shipment) else { return Ok(None) };
    let snapshot = store::order_snapshot(&state.pool, tenant, order).await?;
    let brand = store::get_tenant(&state.pool, tenant).await?.brand_name;
    let expected = store::shipment_expected_lines(&state.pool, order, shipment).await?;
    let mut doc = document(&brand, &snapshot, &pod, &expected);
    if let Some(t) = reader {
        doc.labels = t.pod_labels();
        doc.delivered_at = format_time(pod.delivered_at, snapshot.order.ship_to.time_zone, t);
    }
    for (entry, file) in doc.files.iter_mut().zip(&pod.files) {
        // A missing or unreadable blob leaves the file listed without its
        // picture: the document is still worth having.
        match state.blobs.get(&file.sha256).await {
            Ok(bytes) => entry.image = Some(bytes),
            Err(error) => tracing::warn!(%error, sha256 = %file.sha256, "POD file missing from the blob store"),
        }
    }
    Ok(Some(doc))
}

fn document(
    brand: &str,
    snapshot: &store::OrderSnapshot,
    pod: &PodRecord,
    lines: &[store::ExpectedLine],
) -> PodDocument {
    let o = &snapshot.order;
    let tz = o.ship_to.time_zone;
    let shipment = snapshot
        .shipments
        .iter()
        .find(|s| s.id == pod.shipment)
        .map(|s| shipment_label(&s.carrier, &s.tracking_number))
        .unwrap_or_default();
    PodDocument {
        brand_name: brand.to_string(),
        order_number: o.order_number.clone(),
        customer_po: o.customer_po.clone(),
        shipment,
        receiver_name: pod.receiver_name.clone(),
        delivered_at: time_in(pod.delivered_at, tz),
        document_date: pod.delivered_at,
        place: pod.location.map(|l| match pod.accuracy_m {
            Some(m) => format!("{:.5}, {:.5} (±{m:.0} m)", l.lat, l.lng),
            None => format!("{:.5}, {:.5}", l.lat, l.lng),
        }),
        ship_to: o.ship_to.address_lines(),
        lines: lines
            .iter()
            .map(|l| PodLine {
                line_number: l.line_number,
                sku: l.sku.clone(),
                description: l.description.clone(),
                quantity: l.quantity,
                unit: snapshot.lines.iter().find(|x| x.id == l.order_line_id).map_or("EA".into(), |x| x.unit.clone()),
            })
            .collect(),
        note: pod.note.clone(),
        receiving: crate::present::portal::receipt_text(snapshot, pod.shipment),
        labels: PodLabels::default(),
        pod_id: format!("POD-{}", pod.id),
        files: pod
            .files
            .iter()
            .map(|f| PodFile { label: format!("{} sha256:{}", f.kind, f.sha256), image: None })
            .collect(),
    }
}

#[derive(Deserialize)]
pub struct Range {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// Deliveries in the range within the person's reach, if they may export them.
async fn deliveries_for(
    state: &AppState,
    signed_in: &SignedIn,
    range: &Range,
) -> Result<(String, Vec<DeliveryRow>), PortalError> {
    if policy::decide_role(&signed_in.person, Action::ExportDeliveries) != Decision::Allow {
        return Err(PortalError::Forbidden);
    }
    let (from, to, start, end) = date_range(&range.from, &range.to);
    let rows = store::deliveries(&state.pool, policy::reach(&signed_in.person), start, end).await?;
    Ok((format!("{from}_{to}"), rows))
}

/// The invoice-matching file of these deliveries, with what came back of
/// their orders and the credits for it.
async fn deliveries_file(state: &AppState, tenant: TenantId, rows: &[DeliveryRow]) -> store::Result<Vec<u8>> {
    let mut orders: Vec<OrderId> = rows.iter().map(|r| r.order_id).collect();
    orders.sort();
    orders.dedup();
    let returned = store::returned_to_orders(&state.pool, tenant, &orders).await?;
    Ok(csv::deliveries(rows, &returned).into_bytes())
}

/// PO, order, shipment, delivered quantity, delivered at, POD id, shortage,
/// receiving's findings, and the order's returned units and credits.
pub async fn deliveries_csv(
    State(state): State<AppState>,
    Query(range): Query<Range>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let signed_in = get_session(&state, &headers).await?;
    let (period, rows) = deliveries_for(&state, &signed_in, &range).await?;
    let file = deliveries_file(&state, signed_in.person.tenant, &rows).await?;
    Ok(attachment(file, "text/csv; charset=utf-8", &format!("deliveries_{period}.csv")))
}

/// Every POD in the range: per shipment, the generated PDF and the original files.
pub async fn deliveries_zip(
    State(state): State<AppState>,
    Query(range): Query<Range>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let signed_in = get_session(&state, &headers).await?;
    let (period, rows) = deliveries_for(&state, &signed_in, &range).await?;
    let tenant = signed_in.person.tenant;
    let mut entries =
        vec![ArchiveEntry { path: "deliveries.csv".into(), bytes: deliveries_file(&state, tenant, &rows).await? }];
    for row in rows.iter().filter(|r| r.pod_id.is_some()) {
        let folder = format!(
            "{}/{}",
            safe_segment(&row.order_number),
            safe_segment(&format!("{}-{}", row.carrier, row.tracking_number))
        );
        let Some(doc) = pod_document(&state, tenant, row.order_id, row.shipment_id, None).await? else {
            continue;
        };
        let pdf = render_pdf(&doc).map_err(store::corrupt)?;
        entries.push(ArchiveEntry { path: format!("{folder}/{}.pdf", doc.pod_id), bytes: pdf });
        let pods = store::order_pods(&state.pool, tenant, row.order_id).await?;
        for file in pods.iter().filter(|p| p.shipment == row.shipment_id).flat_map(|p| &p.files) {
            let bytes = state
                .blobs
                .get(&file.sha256)
                .await
                .map_err(|e| store::corrupt(format!("proof-of-delivery file {}: {e}", file.sha256)))?;
            entries.push(ArchiveEntry { path: format!("{folder}/{}.{}", file.kind, extension(file)), bytes });
        }
    }
    let zip = build_zip(&entries).map_err(|e| store::corrupt(format!("building a ZIP: {e}")))?;
    Ok(attachment(zip, "application/zip", &format!("proof-of-delivery_{period}.zip")))
}
