//! The OpenAPI 3.1 document, generated from the handlers and types above,
//! and a readable reference page rendered from that same document
//! (`ui::pages::api_reference` draws it).

use super::{
    conditions, edi, events, languages, notifications, orders, pod, positions, problem, promise, returns, warehouse,
};
use crate::ingest::api_json;
use axum::response::Html;
use axum::Json;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Milepost API", version = "1",
         description = "Feed order, warehouse and carrier events into Milepost and read live timelines. \
                        Errors are RFC 9457 problem documents (`application/problem+json`) naming each bad field. \
                        Every write accepts an `Idempotency-Key` header: a retry with the same key and body returns the first response."),
    paths(
        orders::upsert_order, orders::confirm_order, orders::cancel_order, orders::create_tracking_link,
        orders::get_order, orders::order_stream,
        warehouse::warehouse_step, warehouse::ship_confirm,
        events::post_events, events::receive_webhook, edi::post_edi, edi::get_acknowledgment,
        edi::list_partners, edi::get_partner, edi::put_partner, edi::delete_partner,
        notifications::order_notifications, notifications::resend, notifications::add_endpoint,
        notifications::put_rule, notifications::put_quiet_hours,
        positions::post_positions, positions::put_route, positions::get_positions, positions::put_settings,
        pod::post_pod, pod::get_pod, pod::get_pod_file,
        conditions::post_readings, conditions::put_limit, conditions::put_device, conditions::put_settings,
        conditions::chart,
        crate::api::kpis::get_kpis, crate::api::kpis::get_kpi_csv, promise::put_settings, languages::get_settings, languages::put_settings,
        super::tracking_stream::tracking_stream,
        returns::get_policy, returns::put_policy, returns::create_return, returns::order_returns,
        returns::list_returns, returns::get_return, returns::post_decision, returns::post_cancel,
        returns::post_shipment,
        returns::post_receipt, returns::post_credit, returns::post_photo, returns::get_kpis,
    ),
    components(schemas(
        problem::Problem, problem::FieldError,
        orders::OrderIn, orders::ContactIn, orders::ShipToIn, orders::LineIn, orders::OrderOut, orders::ActionIn,
        orders::ActionOut, orders::TrackingLinkIn, orders::TrackingLinkOut, orders::OrderDetail, orders::ShipmentSummary, orders::PredictedDelivery,
        warehouse::ShipmentIn, warehouse::ShipmentLineIn, warehouse::ShipmentOut,
        api_json::EventIn, api_json::EventBatch, events::EventResult, events::EventsOut,
        crate::ingest::edi::EdiOutcome, crate::ingest::edi::TransactionResult, crate::ingest::edi::EdiAnswer,
        crate::ingest::edi::EdiBatch, crate::ingest::edi::BatchItem,
        edi::PartnerSettings, edi::Partner, crate::domain::edi_partner::TransactionSet, crate::domain::edi_partner::AckKind,
        crate::domain::edi_partner::Ta1Policy, crate::domain::edi_partner::PartnerShipTo,
        notifications::NotificationOut, notifications::EndpointIn, notifications::EndpointOut, notifications::RuleIn,
        notifications::QuietHoursIn,
        pod::PodForm, pod::PodOut, pod::PodFileOut,
        conditions::ReadingIn, conditions::ReadingBatch, conditions::ReadingsOut, conditions::LimitIn,
        conditions::DeviceIn, conditions::ConditionSettingsIn,
        positions::PositionIn, positions::PositionBatch, positions::PositionsOut, positions::RouteIn, positions::StopIn,
        positions::TrailOut, positions::FixOut, positions::LastMileSettingsIn,
        crate::domain::kpi::KpiReport, crate::domain::kpi::AppliedFilters, crate::domain::kpi::Headline,
        crate::domain::kpi::Rate, crate::domain::kpi::Spread, crate::domain::kpi::WeekPoint,
        crate::domain::kpi::ScorecardRow, crate::domain::kpi::ExceptionRow, crate::domain::kpi::SourceQualityRow,
        crate::domain::kpi::ChannelRow, promise::PromiseSettingsIn, languages::LanguageSettings,
        returns::ReturnAddressDoc, returns::ReturnPolicyIn, returns::ReturnPolicyOut, returns::ReturnLineOut,
        returns::ReturnShipmentOut, returns::CreditOut, returns::ReturnOut, returns::ReturnsOut, returns::ReturnIn,
        returns::ReturnLineIn, returns::DecisionIn, returns::ReturnShipmentIn, returns::ReceiptIn,
        returns::ReceiptLineIn, returns::CreditIn, returns::PhotoOut, returns::ReasonOut,
        returns::ReturnsBreakdownOut, returns::ReturnKpisOut,
    )),
    modifiers(&SecuritySchemes, &CommonProblems),
    tags(
        (name = "OMS", description = "Order management: orders, confirmation, cancellation, tracking links. Scope `oms`."),
        (name = "WMS", description = "Warehouse: release, pick, pack, stage, load, ship-confirm. Scope `wms`."),
        (name = "Events", description = "Status events from any source, one or up to 1,000 at a time."),
        (name = "Webhooks", description = "Signed carrier webhooks (Standard Webhooks)."),
        (name = "EDI", description = "ANSI X12 interchanges: 214, 856, 850, 855."),
        (name = "Last mile", description = "GPS fixes (scope `carrier`) and vehicle routes (scope `wms`): the live map, the ETA, the arriving-soon milestone."),
        (name = "Proof of delivery", description = "Receiver, time, GPS stamp, signature and photos (upload: scope `carrier`; read and download: any scope)."),
        (name = "Conditions", description = "IoT sensor readings (scope `carrier`), limits and devices (scope `wms`), excursions and their chart."),
        (name = "Notifications", description = "Email, SMS and signed webhooks sent for milestones and exceptions."),
        (name = "Orders", description = "Reading an order's timeline, once or live."),
        (name = "Tracking", description = "The buyer's tracking link: no login, the token is the key."),
        (name = "Languages", description = "The languages buyer pages and notifications speak: a default and the ones offered. Scope `admin`."),
        (name = "Delivery promise", description = "Predicted delivery windows are on every order (`predicted_delivery`); the trending-late threshold is a tenant setting. Scope `admin`."),
        (name = "KPIs", description = "The KPI dashboard's figures and CSV tables, from weekly rollups. Scope `admin`, or a signed-in administrator or customer-service session."),
        (name = "Returns", description = "Returns (RMA) on the order's own thread: the policy (read: any scope; change: `admin`), requests and decisions (`oms`), return parcels (`oms` or `carrier`), the warehouse's receipt (`wms`) and accounting's credit (`oms`). Each step is an event on the order's timeline (`return:requested`, `return:approved`, `return:label_issued`, `return:in_transit`, `return:received`, `return:inspected`, `return:refunded`, `return:credited`, ...) and goes to webhook endpoints as `return.status`; carrier events for a return parcel's tracking number move the return, never the order."),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("mp_<prefix>_<secret>")
                    .description(Some("A per-tenant API key with scopes `oms`, `wms`, `carrier` and/or `admin` (admin implies all). Keys are shown once and can be revoked."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "webhook_signature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "webhook-signature",
                "Standard Webhooks: `v1,<base64 HMAC-SHA256 of id.timestamp.body>` with `webhook-id` and `webhook-timestamp` headers; the tenant's secret is `whsec_<base64>`; two secrets may be live during rotation.",
            ))),
        );
    }
}

/// The problems any operation can answer with, added to each where it
/// applies, so no operation's list misses one the server really sends:
/// axum refuses a path or query parameter that does not parse (400), a
/// body over the limit (413) or of the wrong type (415) before the handler
/// runs; every API key can be unknown (401) or lack a scope (403).
struct CommonProblems;

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Ok(mut doc) = serde_json::to_value(&*openapi) else { return };
        let Some(paths) = doc["paths"].as_object_mut() else { return };
        for (path, item) in paths.iter_mut() {
            let Some(operations) = item.as_object_mut() else { continue };
            for operation in operations.values_mut() {
                add_common_problems(path, operation);
            }
        }
        if let Ok(modified) = serde_json::from_value(doc) {
            *openapi = modified;
        }
    }
}

fn add_common_problems(path: &str, operation: &mut Value) {
    let security = operation["security"].to_string();
    let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
    let has = |place: &str| parameters.iter().any(|p| p["in"] == place);
    let body_types: Vec<String> =
        operation["requestBody"]["content"].as_object().map(|c| c.keys().cloned().collect()).unwrap_or_default();
    let mut add = |status: &str, description: &str| {
        let Some(responses) = operation["responses"].as_object_mut() else { return };
        responses.entry(status.to_string()).or_insert_with(|| {
            serde_json::json!({
                "description": description,
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
            })
        });
    };
    if has("path") || has("query") || body_types.iter().any(|t| t.starts_with("multipart/")) {
        add("400", "A path or query parameter, or the form's framing, does not parse");
    }
    if security.contains("api_key") {
        add("401", "No API key, or an unknown or revoked one");
        add("403", "The API key lacks the scope this needs");
    }
    if security.contains("webhook_signature") {
        add("401", "The signature does not verify");
    }
    if path.starts_with("/api/v1/") && has("path") {
        add("404", "Not found in your tenant");
    }
    if !body_types.is_empty() {
        add("413", "The body is over the limit");
        add("422", "Invalid fields, each named");
    }
    if body_types.iter().any(|t| t.contains("json")) {
        add("415", "The body is not sent as JSON");
    }
    if path.starts_with("/api/v1/") && (has("path") || has("query")) {
        add("422", "Invalid fields, each named");
    }
    if path.starts_with("/t/") {
        add("429", "Too many requests from this address; see `Retry-After`");
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as served: utoipa's types cannot hold every JSON Schema
/// keyword, so the ones they cannot are added here.
pub fn document_json() -> Value {
    let mut doc = serde_json::to_value(document()).unwrap_or_default();
    // An event names its order or its shipment's tracking number, not both.
    if let Some(event) = doc.pointer_mut("/components/schemas/EventIn").and_then(Value::as_object_mut) {
        let given = |field: &str| serde_json::json!({"required": [field], "properties": {field: {"type": "string"}}});
        event.insert("oneOf".into(), serde_json::json!([given("order_number"), given("tracking_number")]));
    }
    // utoipa writes an optional header (`Option<i64>`) as nullable, but a
    // header has no null: an optional one is simply absent.
    for parameter in doc["paths"].as_object_mut().into_iter().flat_map(|paths| paths.values_mut()).flat_map(|item| {
        let operations = item.as_object_mut().into_iter().flat_map(|ops| ops.values_mut());
        operations.filter_map(|op| op.get_mut("parameters").and_then(Value::as_array_mut))
    }) {
        for header in parameter.iter_mut().filter(|p| p["in"] == "header") {
            if let Some(types) = header["schema"]["type"].as_array() {
                let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                if let [one] = kept.as_slice() {
                    header["schema"]["type"] = one.clone();
                }
            }
        }
    }
    doc
}

pub async fn openapi_json() -> Json<Value> {
    Json(document_json())
}

/// The problem types (`type` ends `#problem-{slug}`), for the reference page.
const PROBLEMS: [(&str, &str); 9] = [
    (
        "validation",
        "422: one or more fields are invalid; `errors` names each with a JSON path such as `lines[2].quantity`.",
    ),
    (
        "not-found",
        "404: the order (or other record) does not exist in your tenant. Records of other tenants are never revealed.",
    ),
    ("unauthorized", "401: no API key, an unknown or revoked key, or a webhook signature that does not verify."),
    ("forbidden", "403: the API key lacks the scope this endpoint or event source needs."),
    ("conflict", "409: the tracking number is already used, or a webhook id was already received."),
    ("too-large", "413: the body exceeds 2 MiB; split batches."),
    ("unsupported-media-type", "415: send JSON with `Content-Type: application/json`."),
    ("idempotency-key-reused", "422: an Idempotency-Key was reused with a different request."),
    ("internal", "500: nothing was changed; retry with the same Idempotency-Key."),
];

/// `GET /api/docs`: the same document, for people.
pub async fn reference_page() -> Html<String> {
    Html(crate::ui::pages::api_reference::page(document_json(), &PROBLEMS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_and_lists_every_route() {
        let doc = serde_json::to_value(document()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        for path in [
            "/api/v1/orders/{order_number}",
            "/api/v1/orders/{order_number}/confirm",
            "/api/v1/orders/{order_number}/cancel",
            "/api/v1/orders/{order_number}/tracking-links",
            "/api/v1/orders/{order_number}/stream",
            "/api/v1/orders/{order_number}/warehouse/{step}",
            "/api/v1/orders/{order_number}/shipments",
            "/api/v1/events",
            "/api/v1/webhooks/{source}",
            "/t/{token}/events",
            "/api/v1/return-policy",
            "/api/v1/orders/{order_number}/returns",
            "/api/v1/returns",
            "/api/v1/returns/{rma}",
            "/api/v1/returns/{rma}/decision",
            "/api/v1/returns/{rma}/shipments",
            "/api/v1/returns/{rma}/receipt",
            "/api/v1/returns/{rma}/credit",
            "/api/v1/return-photos",
            "/api/v1/kpis/returns",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
        }
        assert!(doc["components"]["securitySchemes"].get("api_key").is_some());
        assert!(doc["components"]["schemas"].get("Problem").is_some());
    }

    #[test]
    fn every_operation_lists_the_problems_it_can_answer_with() {
        let doc = document_json();
        for (path, operations) in doc["paths"].as_object().unwrap() {
            for (method, operation) in operations.as_object().unwrap() {
                let responses = operation["responses"].as_object().unwrap();
                let has = |status: &str| responses.contains_key(status);
                let label = format!("{method} {path}");
                if operation["security"].to_string().contains("api_key") {
                    assert!(has("401") && has("403"), "{label}");
                }
                if operation["requestBody"].is_object() {
                    assert!(has("413") && has("422"), "{label}");
                }
                if operation["requestBody"]["content"].get("application/json").is_some() {
                    assert!(has("415"), "{label}");
                }
                if operation["parameters"].as_array().is_some_and(|p| p.iter().any(|p| p["in"] == "path")) {
                    assert!(has("400"), "{label}");
                }
                // The API's own errors; the buyer's tracking stream (`/t/`) is not the API.
                let api_errors = responses.iter().filter(|(s, _)| s.starts_with('4') && path.starts_with("/api/"));
                for (status, response) in api_errors {
                    assert!(response["content"].get("application/problem+json").is_some(), "{label} {status}");
                }
            }
        }
        // Query strings are documented as query parameters.
        let resume = &doc["paths"]["/t/{token}/events"]["get"]["parameters"];
        assert!(resume.as_array().unwrap().iter().any(|p| p["name"] == "after" && p["in"] == "query"));
        let hours = &doc["paths"]["/api/v1/shipments/{shipment_id}/positions"]["get"]["parameters"];
        assert!(hours.as_array().unwrap().iter().any(|p| p["name"] == "hours" && p["in"] == "query"));
        assert!(doc["components"]["schemas"]["EventIn"]["oneOf"].is_array());
        // An optional header is absent, never null.
        let stream = doc["paths"]["/api/v1/orders/{order_number}/stream"]["get"]["parameters"].as_array().unwrap();
        let last_event_id = stream.iter().find(|p| p["name"] == "Last-Event-ID").unwrap();
        assert_eq!(
            (&last_event_id["schema"]["type"], &last_event_id["required"]),
            (&serde_json::json!("integer"), &serde_json::json!(false))
        );
    }
}
