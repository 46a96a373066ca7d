//! GPS fixes, routes, the live map's data, the ETA window and the
//! arriving-soon geofence, through the real API and tracking page.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::auth::api_key::Scope;
use milepost::auth::tracking_link;
use milepost::domain::{ShipmentId, TenantId};
use milepost::store;
use serde_json::{json, Value};

/// Denver, where `common::order` delivers.
const HOME: (f64, f64) = (39.7392, -104.9903);

/// A point `km` north of the delivery address.
fn north_of_home(km: f64) -> (f64, f64) {
    (HOME.0 + km / 111.195, HOME.1)
}

struct Delivery {
    app: TestApp,
    tenant: TenantId,
    key: String,
    shipment: ShipmentId,
    token: String,
}

/// An order out for delivery on one shipment, with a tracking link.
async fn out_for_delivery() -> Delivery {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let shipment = shipment(&app.pool, order.id, "1Z999", vec![(order.lines[0], 10), (order.lines[1], 4)]).await;
    let at = Utc::now() - Duration::hours(1);
    store::append(&app.pool, tenant, order.id, &[event("carrier", "OUT_FOR_DELIVERY", "ofd", at, Some(shipment))])
        .await
        .unwrap();
    let key = api_key(&app.pool, tenant, &[Scope::Carrier, Scope::Wms]).await;
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap();
    Delivery { app, tenant, key, shipment, token: token.as_str().to_string() }
}

fn fix(shipment: Option<ShipmentId>, vehicle: Option<&str>, (lat, lng): (f64, f64), minutes_ago: i64) -> Value {
    json!({"shipment_id": shipment.map(|s| s.0), "vehicle_id": vehicle, "latitude": lat, "longitude": lng,
           "recorded_at": Utc::now() - Duration::minutes(minutes_ago)})
}

async fn post(d: &Delivery, body: Value) -> (u16, Value) {
    let response = d.app.post("/api/v1/positions", &d.key, body).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn bad_fixes_are_refused_naming_the_field() {
    let d = out_for_delivery().await;
    let (status, problem) = post(&d, fix(Some(d.shipment), None, (91.0, 0.0), 0)).await;
    assert_eq!((status, fields(&problem)), (422, vec!["latitude"]));
    let (status, problem) = post(&d, fix(Some(d.shipment), None, (0.0, -181.0), 0)).await;
    assert_eq!((status, fields(&problem)), (422, vec!["longitude"]));
    let (status, problem) = post(&d, fix(Some(d.shipment), None, HOME, -10)).await;
    assert_eq!((status, fields(&problem)), (422, vec!["recorded_at"]), "ten minutes in the future");
    let (status, problem) = post(&d, fix(None, None, HOME, 0)).await;
    assert_eq!((status, fields(&problem)), (422, vec!["vehicle_id"]));

    let batch =
        json!({"positions": [fix(Some(d.shipment), None, HOME, 1), fix(Some(ShipmentId(9999)), None, HOME, 0)]});
    let (status, problem) = post(&d, batch).await;
    assert_eq!((status, fields(&problem)), (422, vec!["positions[1].shipment_id"]));
    assert!(store::last_mile(&d.app.pool, d.tenant, d.shipment, Utc::now() - Duration::hours(1))
        .await
        .unwrap()
        .fixes
        .is_empty());

    // Another tenant's shipment is as unknown as a missing one.
    let other = tenant(&d.app.pool, "other").await;
    let their_key = api_key(&d.app.pool, other, &[Scope::Carrier]).await;
    let response = d.app.post("/api/v1/positions", &their_key, fix(Some(d.shipment), None, HOME, 0)).await;
    assert_eq!(response.status(), 422);
    // And an OMS key may not post positions.
    let oms = api_key(&d.app.pool, d.tenant, &[Scope::Oms]).await;
    assert_eq!(d.app.post("/api/v1/positions", &oms, fix(Some(d.shipment), None, HOME, 0)).await.status(), 403);
}

#[tokio::test]
async fn the_tracking_page_shows_the_vehicle_and_an_arrival_window_that_counts_stops_ahead() {
    let d = out_for_delivery().await;
    // Another order on the same van, delivered first.
    let before = order(&d.app.pool, d.tenant, "SO-0", None).await;
    let first = shipment(&d.app.pool, before.id, "1Z000", vec![(before.lines[0], 10)]).await;
    let route = json!({"stops": [{"shipment_id": first.0, "service_minutes": 10}, {"shipment_id": d.shipment.0}]});
    assert_eq!(d.app.put("/api/v1/vehicles/VAN-7/route", &d.key, route).await.status(), 204);
    let bad = json!({"stops": [{"shipment_id": 424242}]});
    let problem: Value = d.app.put("/api/v1/vehicles/VAN-7/route", &d.key, bad).await.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("stops[0].shipment_id"), "{problem}");

    // The van drives south towards Denver at 36 km/h: 600 m a minute.
    let fixes: Vec<Value> =
        (0..10).map(|i| fix(None, Some("VAN-7"), north_of_home(20.0 - 0.6 * i as f64), 9 - i)).collect();
    let (status, outcome) = post(&d, json!({"positions": fixes})).await;
    assert_eq!((status, outcome["recorded"].as_i64()), (200, Some(10)), "{outcome}");

    let html = d.app.get(&format!("/t/{}", d.token)).await.text().await.unwrap();
    assert!(html.contains("Arriving "), "an arrival window is rendered on the server");
    assert!(html.contains("Location updated"));
    assert!(html.contains("1 delivery before yours"), "the stop ahead is counted");
    let view = tracking_view(&d).await;
    let last_mile = &view["last_mile"];
    assert_eq!(last_mile["stops_ahead"], 1);
    assert_eq!(last_mile["trail"].as_array().unwrap().len(), 10);
    assert_eq!(last_mile["destination"], json!([HOME.0, HOME.1]));
    assert!(last_mile["eta"].as_str().unwrap().starts_with("Arriving "));
}

async fn tracking_view(d: &Delivery) -> Value {
    let response = d.app.get(&format!("/t/{}/events?after=0", d.token)).await;
    let mut stream = SseReader::new(response);
    let message = stream.next(std::time::Duration::from_secs(5)).await.expect("a tracking message");
    serde_json::from_str(&message.data).unwrap()
}

#[tokio::test]
async fn arriving_soon_fires_once_when_the_vehicle_enters_the_radius() {
    let d = out_for_delivery().await;
    let far = fix(Some(d.shipment), None, north_of_home(3.0), 2);
    assert_eq!(post(&d, far).await.1["arriving_soon"], json!([]));
    let near = fix(Some(d.shipment), None, north_of_home(0.5), 1);
    assert_eq!(post(&d, near).await.1["arriving_soon"], json!([d.shipment.0]));
    let nearer = fix(Some(d.shipment), None, north_of_home(0.1), 0);
    assert_eq!(post(&d, nearer).await.1["arriving_soon"], json!([]), "once per shipment");

    let view = tracking_view(&d).await;
    assert_eq!(view["headline"], "Arriving soon");
    let arriving: Vec<&Value> =
        view["timeline"].as_array().unwrap().iter().filter(|e| e["label"] == "Arriving soon").collect();
    assert_eq!(arriving.len(), 1);
}

#[tokio::test]
async fn a_new_fix_reaches_the_open_tracking_stream() {
    let d = out_for_delivery().await;
    post(&d, fix(Some(d.shipment), None, north_of_home(5.0), 1)).await;
    let response = d.app.get(&format!("/t/{}/events?after=0", d.token)).await;
    let mut stream = SseReader::new(response);
    let first: Value =
        serde_json::from_str(&stream.next(std::time::Duration::from_secs(5)).await.unwrap().data).unwrap();
    assert_eq!(first["last_mile"]["vehicle"][0].as_f64(), Some(north_of_home(5.0).0));
    post(&d, fix(Some(d.shipment), None, north_of_home(4.0), 0)).await;
    // On PostgreSQL the first fix's notice can reach this node after the
    // stream opened and repeat the view it started with: skip repeats.
    let mut moved = first.clone();
    for _ in 0..3 {
        moved = serde_json::from_str(&stream.next(std::time::Duration::from_secs(5)).await.unwrap().data).unwrap();
        if moved["last_mile"]["vehicle"] != first["last_mile"]["vehicle"] {
            break;
        }
    }
    assert_eq!(
        moved["last_mile"]["vehicle"][0].as_f64(),
        Some(north_of_home(4.0).0),
        "the map moves without a new event"
    );
    assert_eq!(moved["last_event_id"], first["last_event_id"]);
}

#[tokio::test]
async fn the_trail_can_be_read_and_the_radius_set_per_tenant() {
    let d = out_for_delivery().await;
    for (i, km) in [5.0, 4.0, 3.0].into_iter().enumerate() {
        post(&d, fix(Some(d.shipment), None, north_of_home(km), 3 - i as i64)).await;
    }
    let url = format!("/api/v1/shipments/{}/positions", d.shipment.0);
    let trail: Value = d.app.send(reqwest::Method::GET, &url, &d.key, None).await.json().await.unwrap();
    assert_eq!(trail["trail"].as_array().unwrap().len(), 3);
    assert_eq!(trail["latest"]["latitude"].as_f64(), Some(north_of_home(3.0).0));
    let bad = d.app.send(reqwest::Method::GET, &format!("{url}?hours=48"), &d.key, None).await;
    assert_eq!(bad.status(), 422);

    // Only admins change the radius; a 5 km radius makes the van 3 km out "arriving soon".
    let admin = api_key(&d.app.pool, d.tenant, &[Scope::Admin]).await;
    assert_eq!(
        d.app.put("/api/v1/last-mile-settings", &d.key, json!({"arriving_soon_radius_m": 5000.0})).await.status(),
        403
    );
    assert_eq!(
        d.app.put("/api/v1/last-mile-settings", &admin, json!({"arriving_soon_radius_m": 10.0})).await.status(),
        422
    );
    assert_eq!(
        d.app.put("/api/v1/last-mile-settings", &admin, json!({"arriving_soon_radius_m": 5000.0})).await.status(),
        204
    );
    let outcome = post(&d, fix(Some(d.shipment), None, north_of_home(3.0), 0)).await.1;
    assert_eq!(outcome["arriving_soon"], json!([d.shipment.0]));
}

#[tokio::test]
async fn positions_past_the_retention_are_pruned_but_the_last_known_one_stays() {
    let d = out_for_delivery().await;
    let days_ago = |days: i64| Utc::now() - Duration::days(days);
    let at = |shipment: Option<ShipmentId>, vehicle: Option<&str>, km: f64, when| store::NewPosition {
        shipment,
        vehicle: vehicle.map(str::to_string),
        point: milepost::domain::LatLng::parse(north_of_home(km).0, north_of_home(km).1).unwrap(),
        accuracy_m: None,
        speed_mps: None,
        heading_deg: None,
        recorded_at: when,
    };
    store::record_positions(
        &d.app.pool,
        d.tenant,
        &[
            // A parcel tracker that went quiet long ago: only its last fix stays.
            at(Some(d.shipment), None, 9.0, days_ago(60)),
            at(Some(d.shipment), None, 8.0, days_ago(45)),
            // A van still reporting: its old trail goes, its recent one stays.
            at(None, Some("VAN-1"), 7.0, days_ago(50)),
            at(None, Some("VAN-1"), 6.0, days_ago(40)),
            at(None, Some("VAN-1"), 5.0, days_ago(2)),
            at(None, Some("VAN-1"), 4.0, days_ago(1)),
            // A van that went quiet: its last fix stays.
            at(None, Some("VAN-2"), 3.0, days_ago(90)),
            at(None, Some("VAN-2"), 2.0, days_ago(80)),
        ],
    )
    .await
    .unwrap();
    let remaining = || async {
        let rows: Vec<(Option<i64>, Option<String>, f64)> = milepost::on_pool!(&d.app.pool, |c| sqlx::query_as(
            "SELECT shipment_id, vehicle_id, latitude FROM positions ORDER BY recorded_at"
        )
        .fetch_all(c)
        .await
        .unwrap());
        rows.into_iter()
            .map(|(s, v, lat)| (s.map(|_| "parcel".to_string()).or(v).unwrap(), ((lat - HOME.0) * 111.195).round()))
            .collect::<Vec<_>>()
    };
    let deleted = store::prune_positions(&d.app.pool, days_ago(30)).await.unwrap();
    assert_eq!(deleted, 4);
    assert_eq!(
        remaining().await,
        [
            ("VAN-2".to_string(), 2.0),
            ("parcel".to_string(), 8.0),
            ("VAN-1".to_string(), 5.0),
            ("VAN-1".to_string(), 4.0)
        ]
    );
    assert_eq!(store::prune_positions(&d.app.pool, days_ago(30)).await.unwrap(), 0, "nothing more to prune");
}
