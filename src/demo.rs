//! Demo data: two brands, three B2B accounts and a few hundred orders in
//! every state, fed through the same `store::append` path as real sources.

use crate::auth::tracking_link::{self, TrackingToken};
use crate::domain::{BrandColor, LatLng, OrderLineId, StatusDictionary, TenantId, TimeZone};
use crate::store::{self, NewEvent, NewOrder, NewOrderLine, NewPosition, NewShipment, NewTenant, Pool, ShipTo};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Where a demo order stops. The first orders of each tenant take these in
/// order, so the showcase links always find one of each.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Scenario {
    OutForDelivery,
    Delivered,
    SplitPartlyDelivered,
    PartialShipment,
    Late,
    FailedAttempt,
    AddressIssue,
    Damaged,
    Held,
    Delayed,
    ReturnedToSender,
    Cancelled,
    InTransit,
    ArrivedAtHub,
    Shipped,
    Packed,
    Picked,
    Released,
    Confirmed,
    Placed,
    /// Out for delivery with a van reporting its position (and, under
    /// `serve --demo`, driving towards the address).
    OnTheMap,
    /// Refrigerated freight in transit whose logger went above 8 °C for an
    /// hour and came back into range.
    ColdChain,
}

impl Scenario {
    /// New scenarios go at the end: order numbers follow this order.
    pub const ALL: [Scenario; 22] = [
        Scenario::OutForDelivery,
        Scenario::Delivered,
        Scenario::SplitPartlyDelivered,
        Scenario::PartialShipment,
        Scenario::Late,
        Scenario::FailedAttempt,
        Scenario::AddressIssue,
        Scenario::Damaged,
        Scenario::Held,
        Scenario::Delayed,
        Scenario::ReturnedToSender,
        Scenario::Cancelled,
        Scenario::InTransit,
        Scenario::ArrivedAtHub,
        Scenario::Shipped,
        Scenario::Packed,
        Scenario::Picked,
        Scenario::Released,
        Scenario::Confirmed,
        Scenario::Placed,
        Scenario::OnTheMap,
        Scenario::ColdChain,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Scenario::OutForDelivery => "out for delivery",
            Scenario::Delivered => "delivered",
            Scenario::SplitPartlyDelivered => "split shipment, 1 of 2 delivered",
            Scenario::PartialShipment => "partial shipment, items to follow",
            Scenario::Late => "late (promised date passed)",
            Scenario::FailedAttempt => "exception: failed delivery attempt",
            Scenario::AddressIssue => "exception: address issue",
            Scenario::Damaged => "exception: damaged",
            Scenario::Held => "exception: held at customs",
            Scenario::Delayed => "exception: delayed",
            Scenario::ReturnedToSender => "returned to sender",
            Scenario::Cancelled => "cancelled",
            Scenario::InTransit => "in transit",
            Scenario::ArrivedAtHub => "arrived at local hub",
            Scenario::Shipped => "shipped",
            Scenario::Packed => "packed",
            Scenario::Picked => "picked",
            Scenario::Released => "released to warehouse",
            Scenario::Confirmed => "confirmed",
            Scenario::Placed => "placed",
            Scenario::OnTheMap => "out for delivery, live on the map",
            Scenario::ColdChain => "cold chain, temperature excursion",
        }
    }

    /// Scenarios that make the best first impression, printed by `make run`.
    pub const SHOWCASE: [Scenario; 10] = [
        Scenario::OnTheMap,
        Scenario::ColdChain,
        Scenario::OutForDelivery,
        Scenario::Delivered,
        Scenario::SplitPartlyDelivered,
        Scenario::PartialShipment,
        Scenario::Late,
        Scenario::FailedAttempt,
        Scenario::ReturnedToSender,
        Scenario::Cancelled,
    ];
}

/// name, line 1, line 2, city, "region postcode" (or just postcode), time
/// zone, (latitude, longitude)
type Address = (&'static str, &'static str, Option<&'static str>, &'static str, &'static str, &'static str, (f64, f64));

struct Brand {
    tenant: NewTenant,
    prefix: &'static str,
    accounts: &'static [(&'static str, &'static str)],
    products: &'static [(&'static str, &'static str, &'static str)],
    addresses: &'static [Address],
    carriers: &'static [(&'static str, &'static str, &'static str)],
    hubs: &'static [&'static str],
}

fn brands() -> Vec<Brand> {
    vec![
        Brand {
            tenant: NewTenant {
                slug: "northwind".into(),
                brand_name: "Northwind Industrial Supply".into(),
                logo_url: Some("/brands/northwind.svg".into()),
                primary_color: BrandColor::parse("#0b3d91").expect("valid colour"),
                accent_color: BrandColor::parse("#f59e0b").expect("valid colour"),
                support_email: Some("support@northwind.example".into()),
                support_phone: Some("+1 312 555 0142".into()),
                locale: "en-US".into(),
                time_zone: "America/Chicago".into(),
            },
            prefix: "NW",
            accounts: &[("Acme Fabrication Inc.", "ACME-001"), ("Great Lakes Hospital Group", "GLHG-077")],
            products: &[
                ("NW-BRG-6204", "Ball bearing 6204-2RS", "EA"),
                ("NW-GLV-NIT-L", "Nitrile gloves, large (box of 100)", "BX"),
                ("NW-HYD-HOSE-12", "Hydraulic hose 1/2 in x 10 ft", "EA"),
                ("NW-SAF-GOG", "Safety goggles, anti-fog", "EA"),
                ("NW-CBL-TIE-300", "Cable ties 300 mm (pack of 500)", "PK"),
                ("NW-LUB-EP2", "EP2 lithium grease cartridge 14 oz", "EA"),
                ("NW-FLT-HV-20", "HVAC filter MERV 13, 20x20x2", "EA"),
            ],
            addresses: &[
                (
                    "Receiving Dock 4",
                    "1200 W Fulton Market",
                    None,
                    "Chicago",
                    "IL 60607",
                    "America/Chicago",
                    (41.8867, -87.6581),
                ),
                (
                    "Central Stores",
                    "455 Lakeshore Dr",
                    Some("Building B"),
                    "Cleveland",
                    "OH 44114",
                    "America/New_York",
                    (41.5079, -81.696),
                ),
                (
                    "Plant 2 Receiving",
                    "88 Industrial Pkwy",
                    None,
                    "Denver",
                    "CO 80216",
                    "America/Denver",
                    (39.785, -104.956),
                ),
                (
                    "Materials Management",
                    "1001 Harbor Ave",
                    Some("Loading bay 3"),
                    "Seattle",
                    "WA 98104",
                    "America/Los_Angeles",
                    (47.587, -122.37),
                ),
            ],
            carriers: &[("UPS", "Ground", "1Z"), ("FedEx", "Freight Economy", "7"), ("XPO", "LTL", "XPO")],
            hubs: &["Memphis, TN, US", "Louisville, KY, US", "Indianapolis, IN, US", "Dallas, TX, US"],
        },
        Brand {
            tenant: NewTenant {
                slug: "bloombark".into(),
                brand_name: "Bloom & Bark".into(),
                logo_url: Some("/brands/bloombark.svg".into()),
                primary_color: BrandColor::parse("#1f7a4d").expect("valid colour"),
                accent_color: BrandColor::parse("#f4a261").expect("valid colour"),
                support_email: Some("hello@bloomandbark.example".into()),
                support_phone: Some("+44 20 7946 0321".into()),
                locale: "en-GB".into(),
                time_zone: "Europe/London".into(),
            },
            prefix: "BB",
            accounts: &[("Harbour Vets Ltd", "HVL-012")],
            products: &[
                ("BB-KIB-10", "Grain-free kibble 10 kg", "EA"),
                ("BB-TOY-ROPE", "Rope tug toy", "EA"),
                ("BB-BED-M", "Orthopaedic dog bed, medium", "EA"),
                ("BB-MON-17", "Monstera deliciosa, 17 cm pot", "EA"),
                ("BB-CAT-LTR", "Clumping cat litter 15 l", "EA"),
                ("BB-FERN-12", "Boston fern, 12 cm pot", "EA"),
            ],
            addresses: &[
                ("Amelia Hart", "14 Rosebery Avenue", None, "London", "EC1R 4SX", "Europe/London", (51.5258, -0.109)),
                (
                    "Harbour Vets Ltd",
                    "3 Quay Street",
                    Some("Unit 5"),
                    "Manchester",
                    "M3 3HN",
                    "Europe/London",
                    (53.479, -2.253),
                ),
                ("Callum Reid", "27 Dundas Street", None, "Edinburgh", "EH3 6QQ", "Europe/London", (55.957, -3.199)),
                ("Sophie Martin", "8 Rue des Lilas", None, "Paris", "75019", "Europe/Paris", (48.877, 2.395)),
            ],
            carriers: &[("Royal Mail", "Tracked 48", "RM"), ("DPD", "Next Day", "15"), ("Evri", "Standard", "H0")],
            hubs: &["Rugby, GB", "Birmingham, GB", "Coventry, GB", "Hinckley, GB"],
        },
    ]
}

#[derive(Debug)]
pub struct DemoSummary {
    pub tenants: usize,
    pub orders: usize,
    pub events: usize,
}

/// Loads the demo into an empty database. `orders_per_tenant` should be at
/// least `Scenario::ALL.len()` so every state exists for every brand.
pub async fn seed(
    pool: &Pool,
    dictionary: &StatusDictionary,
    now: DateTime<Utc>,
    orders_per_tenant: usize,
) -> store::Result<DemoSummary> {
    let mut rng = StdRng::seed_from_u64(0x6d69_6c65_706f_7374);
    let mut summary = DemoSummary { tenants: 0, orders: 0, events: 0 };
    for brand in brands() {
        let tenant = store::create_tenant(pool, &brand.tenant).await?;
        summary.tenants += 1;
        let mut accounts = Vec::new();
        for (name, reference) in brand.accounts {
            accounts.push(store::create_account(pool, tenant, name, reference).await?);
        }
        for i in 0..orders_per_tenant {
            let scenario = if i < Scenario::ALL.len() {
                Scenario::ALL[i]
            } else {
                // Most real orders are moving or done; weight accordingly.
                let weighted = [0, 1, 1, 1, 1, 12, 12, 13, 14, 2, 3, 5, 9, 11, 15, 18, 19, 4, 6, 7, 8, 10, 16, 17];
                Scenario::ALL[weighted[rng.gen_range(0..weighted.len())]]
            };
            let order_number = format!("{}-{}", brand.prefix, 100_001 + i);
            let account =
                (rng.gen_ratio(2, 3) || accounts.len() > 1).then(|| accounts[rng.gen_range(0..accounts.len())]);
            summary.events +=
                seed_order(pool, dictionary, &brand, tenant, account, &order_number, scenario, now, &mut rng).await?;
            summary.orders += 1;
        }
    }
    Ok(summary)
}

/// Hours after placement at which each step happens.
const STEP_HOURS: [(&str, &str, i64); 10] = [
    ("oms", "ORDER_PLACED", 0),
    ("oms", "ORDER_CONFIRMED", 1),
    ("wms", "RELEASED", 3),
    ("wms", "PICKED", 6),
    ("wms", "PACKED", 8),
    ("carrier", "PICKED_UP", 11),
    ("carrier", "DEPARTED", 20),
    ("carrier", "ARRIVED_AT_HUB", 40),
    ("carrier", "OUT_FOR_DELIVERY", 55),
    ("carrier", "DELIVERED", 60),
];

#[allow(clippy::too_many_arguments)]
async fn seed_order(
    pool: &Pool,
    dictionary: &StatusDictionary,
    brand: &Brand,
    tenant: TenantId,
    account: Option<crate::domain::AccountId>,
    order_number: &str,
    scenario: Scenario,
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> store::Result<usize> {
    use Scenario::*;
    // How many of STEP_HOURS happened, and what goes wrong afterwards.
    let (steps, trouble): (usize, Option<&str>) = match scenario {
        Placed => (1, None),
        Confirmed => (2, None),
        Released => (3, None),
        Picked => (4, None),
        Packed => (5, None),
        Shipped => (6, None),
        InTransit | Late | ColdChain => (7, None),
        ArrivedAtHub => (8, None),
        OutForDelivery | OnTheMap => (9, None),
        Delivered | SplitPartlyDelivered | PartialShipment => (10, None),
        FailedAttempt => (9, Some("ATTEMPT_FAIL")),
        AddressIssue => (8, Some("ADDRESS_ISSUE")),
        Damaged => (7, Some("DAMAGED")),
        Held => (7, Some("CUSTOMS_HOLD")),
        Delayed => (7, Some("WEATHER_DELAY")),
        ReturnedToSender => (8, Some("RETURN_TO_SENDER")),
        Cancelled => (2, Some("CANCELLED")),
    };
    let last_hour = STEP_HOURS[steps - 1].2 + if trouble.is_some() { 3 } else { 0 };
    // Settled orders may be weeks old; live ones happened just now.
    let slack_hours = match scenario {
        Delivered | ReturnedToSender | Cancelled => rng.gen_range(2..24 * 30),
        Late => 24 * 6,
        _ => rng.gen_range(0..3),
    };
    let placed_at = now - Duration::hours(last_hour + slack_hours) - Duration::minutes(rng.gen_range(5..55));
    let (name, line1, line2, city, region_postcode, zone, (latitude, longitude)) =
        brand.addresses[rng.gen_range(0..brand.addresses.len())];
    let (region, postcode) = match region_postcode.split_once(' ') {
        Some((r, p)) if r.len() == 2 => (Some(r.to_string()), p.to_string()),
        _ => (None, region_postcode.to_string()),
    };
    let country = if brand.prefix == "NW" {
        "United States"
    } else if zone == "Europe/Paris" {
        "France"
    } else {
        "United Kingdom"
    };
    let promised_days = if scenario == Late { 4 } else { rng.gen_range(4..7) };
    let line_count = rng
        .gen_range(1..=brand.products.len().min(4))
        .max(if matches!(scenario, SplitPartlyDelivered | PartialShipment) { 2 } else { 1 });
    let mut picks: Vec<usize> = (0..brand.products.len()).collect();
    for i in 0..line_count {
        let j = rng.gen_range(i..picks.len());
        picks.swap(i, j);
    }
    let lines: Vec<NewOrderLine> = picks[..line_count]
        .iter()
        .map(|&p| {
            let (sku, description, unit) = brand.products[p];
            let quantity = if brand.prefix == "NW" { rng.gen_range(2..60) } else { rng.gen_range(1..4) };
            NewOrderLine { sku: sku.into(), description: description.into(), quantity, unit: unit.into() }
        })
        .collect();
    let order = NewOrder {
        tenant,
        account,
        order_number: order_number.into(),
        customer_po: account.map(|_| format!("PO-{}", rng.gen_range(40_000..99_999))),
        placed_at,
        promised_date: Some((placed_at + Duration::days(promised_days)).date_naive()),
        contact_name: Some(name.into()),
        contact_email: Some(format!("{}@example.com", name.to_lowercase().replace([' ', '.'], ""))),
        contact_phone: None,
        ship_to: ShipTo {
            name: name.into(),
            line1: line1.into(),
            line2: line2.map(Into::into),
            city: city.into(),
            region,
            postcode,
            country: country.into(),
            time_zone: TimeZone::parse(zone).expect("the demo's zones are IANA names"),
            latitude: Some(latitude),
            longitude: Some(longitude),
        },
        lines,
    };
    let saved = store::upsert_order(pool, &order, None).await?;
    let (order_id, line_ids) = (saved.id, saved.lines);
    let quantities: Vec<i64> = order.lines.iter().map(|l| l.quantity).collect();

    let event = |source: &str, code: &str, at: DateTime<Utc>, shipment, location: Option<&str>| NewEvent {
        shipment,
        source: source.into(),
        source_event_id: format!("{order_number}-{code}-{}", shipment.map_or(0, |s: crate::domain::ShipmentId| s.0)),
        raw_code: code.into(),
        canonical: dictionary.map(source, code),
        occurred_at: at,
        occurred_offset_minutes: None,
        location: location.map(Into::into),
        details: serde_json::json!({}),
    };
    let at = |hours: i64| placed_at + Duration::hours(hours) + Duration::minutes((hours * 7) % 50);

    let mut events: Vec<NewEvent> =
        STEP_HOURS[..steps.min(5)].iter().map(|(s, c, h)| event(s, c, at(*h), None, None)).collect();
    if scenario == Cancelled {
        events.push(event("oms", "CANCELLED", at(last_hour), None, None));
    }
    let mut count = store::append(pool, tenant, order_id, &events).await?.inserted.len();
    if steps <= 5 {
        return Ok(count);
    }

    // Shipments: one, two (split), or one carrying part of the order.
    let (carrier, service, tracking_prefix) = brand.carriers[rng.gen_range(0..brand.carriers.len())];
    let all_lines: Vec<(OrderLineId, i64)> = line_ids.iter().copied().zip(quantities.iter().copied()).collect();
    let parcels: Vec<Vec<(OrderLineId, i64)>> = match scenario {
        SplitPartlyDelivered => vec![all_lines[..1].to_vec(), all_lines[1..].to_vec()],
        PartialShipment => {
            let mut first = all_lines.clone();
            first[0].1 = (first[0].1 / 2).max(1);
            if first[0].1 == all_lines[0].1 {
                first.remove(0);
            }
            vec![first]
        }
        _ => vec![all_lines],
    };
    for (index, lines) in parcels.into_iter().enumerate() {
        let shipment = store::create_shipment(
            pool,
            &NewShipment {
                order: order_id,
                carrier: carrier.into(),
                service: Some(service.into()),
                tracking_number: format!("{tracking_prefix}{:012}", rng.gen_range(10_000_000_000u64..999_999_999_999)),
                packs: if account.is_some() { advance_ship_notice(order_number, index, &lines) } else { Vec::new() },
                lines,
                product_class: (scenario == ColdChain).then(|| "refrigerated".to_string()),
            },
            None,
        )
        .await?
        .id;
        // The second parcel of a split travels a day behind and is not there yet.
        let (lag, last_step) = if scenario == SplitPartlyDelivered && index == 1 { (24, 7) } else { (0, steps) };
        let hub = brand.hubs[rng.gen_range(0..brand.hubs.len())];
        let mut carrier_events: Vec<NewEvent> = STEP_HOURS[5..last_step]
            .iter()
            .map(|(s, c, h)| {
                let location = match *c {
                    "DEPARTED" | "ARRIVED_AT_HUB" => Some(hub),
                    "DELIVERED" | "OUT_FOR_DELIVERY" => Some(city),
                    _ => None,
                };
                event(s, c, at(*h + lag).min(now), Some(shipment), location)
            })
            .collect();
        if let Some(code) = trouble {
            carrier_events.push(event("carrier", code, at(last_hour), Some(shipment), Some(city)));
        }
        count += store::append(pool, tenant, order_id, &carrier_events).await?.inserted.len();
        if scenario == ColdChain {
            seed_cold_chain(pool, tenant, brand.prefix, shipment, now).await?;
        }
        if scenario == OnTheMap {
            let vehicle = demo_vehicle(brand.prefix);
            store::set_route(pool, tenant, &vehicle, &[(shipment, 240)]).await?;
            // The start of its drive, as the replay would have reported it.
            let destination = LatLng { lat: latitude, lng: longitude };
            let fixes: Vec<NewPosition> = (0..=10)
                .map(|step| NewPosition {
                    shipment: None,
                    vehicle: Some(vehicle.clone()),
                    point: replay_point(destination, step as f64),
                    accuracy_m: Some(8.0),
                    speed_mps: Some(13.0),
                    heading_deg: None,
                    recorded_at: now - Duration::seconds(5 * (10 - step)),
                })
                .collect();
            store::record_positions(pool, tenant, &fixes).await?;
        }
    }
    Ok(count)
}

/// A business customer's shipment comes with an ASN: one pallet, with a
/// carton per line. SSCCs are derived from the order number, so the demo's
/// random choices stay as they were.
fn advance_ship_notice(order_number: &str, parcel: usize, lines: &[(OrderLineId, i64)]) -> Vec<store::NewPack> {
    let serial: u64 = order_number.chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap_or(0);
    let sscc = |n: usize| format!("0061414{:011}", (serial * 10 + parcel as u64) * 100 + n as u64);
    let mut packs =
        vec![store::NewPack { kind: "tare", parent: None, sscc: Some(sscc(0)), tracking_number: None, items: vec![] }];
    packs.extend(lines.iter().enumerate().map(|(i, line)| store::NewPack {
        kind: "pack",
        parent: Some(0),
        sscc: Some(sscc(i + 1)),
        tracking_number: None,
        items: vec![*line],
    }));
    packs
}

/// Issues fresh tracking links for one order of each showcase state per tenant.
/// Tokens are stored hashed, so links from earlier runs cannot be shown again.
pub async fn showcase_links(pool: &Pool) -> store::Result<Vec<(String, Scenario, TrackingToken)>> {
    let mut links = Vec::new();
    for tenant in store::list_tenants(pool).await? {
        let prefix = if tenant.slug == "northwind" {
            "NW"
        } else if tenant.slug == "bloombark" {
            "BB"
        } else {
            continue;
        };
        for scenario in Scenario::SHOWCASE {
            let index = Scenario::ALL.iter().position(|s| *s == scenario).expect("showcase scenarios are in ALL");
            let number = format!("{prefix}-{}", 100_001 + index);
            let Some(order) = store::find_order_by_number(pool, tenant.id, &number).await? else { continue };
            let token = tracking_link::issue(pool, tenant.id, order, None).await?;
            links.push((tenant.brand_name.clone(), scenario, token));
        }
    }
    Ok(links)
}

/// A temperature logger on refrigerated freight: readings every 20 minutes
/// for twelve hours, 3-6 °C except for an hour above the 8 °C limit (a door
/// left open at the hub), which opened and closed one excursion.
async fn seed_cold_chain(
    pool: &Pool,
    tenant: TenantId,
    prefix: &str,
    shipment: crate::domain::ShipmentId,
    now: DateTime<Utc>,
) -> store::Result<()> {
    use crate::domain::condition::{Limits, Metric};
    let refrigerated = store::LimitTarget::ProductClass("refrigerated".into());
    store::set_condition_limit(
        pool,
        tenant,
        &refrigerated,
        Metric::TemperatureC,
        Limits { min: Some(2.0), max: Some(8.0) },
    )
    .await?;
    let device = format!("{prefix}-LOGGER-1");
    store::assign_device(pool, tenant, &device, shipment).await?;
    let readings: Vec<store::NewReading> = (0..36)
        .map(|i| {
            let value = match i {
                14..=16 => 9.0 + (i - 14) as f64 * 0.8,
                _ => 4.5 + ((i * 7) % 10) as f64 / 6.0,
            };
            store::NewReading {
                shipment,
                device: Some(device.clone()),
                metric: Metric::TemperatureC,
                value,
                recorded_at: now - Duration::minutes(20 * (36 - i)),
            }
        })
        .collect();
    store::record_readings(pool, tenant, &readings).await?;
    // Northwind's hospital customers want to see it; Bloom & Bark keeps
    // condition alerts internal (the default).
    store::set_buyers_see_condition_alerts(pool, tenant, prefix == "NW").await
}

/// The van that carries a brand's "on the map" order.
pub fn demo_vehicle(prefix: &str) -> String {
    format!("{prefix}-VAN-1")
}

/// The demo drive: from 8 km north-east of the address straight to it, in
/// `REPLAY_STEPS` fixes five seconds apart (about ten minutes of driving).
const REPLAY_STEPS: usize = 120;
const REPLAY_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

fn replay_point(destination: LatLng, step: f64) -> LatLng {
    let start = LatLng { lat: destination.lat + 0.05, lng: destination.lng + 0.065 };
    start.towards(destination, (step / REPLAY_STEPS as f64).min(1.0))
}

/// `serve --demo`: drives each brand's van towards its "on the map" order,
/// one fix every five seconds through the real ingest path (the map moves,
/// the ETA updates, "arriving soon" fires), then starts over.
pub async fn replay_route(state: crate::state::AppState) {
    let index = Scenario::ALL.iter().position(|s| *s == Scenario::OnTheMap).expect("in ALL");
    let mut vans = Vec::new();
    for (slug, prefix) in [("northwind", "NW"), ("bloombark", "BB")] {
        let Ok(Some(tenant)) = store::tenant_by_slug(&state.pool, slug).await else { continue };
        let number = format!("{prefix}-{}", 100_001 + index);
        let Ok(Some(order)) = store::find_order_by_number(&state.pool, tenant, &number).await else { continue };
        let Ok(snapshot) = store::order_snapshot(&state.pool, tenant, order).await else { continue };
        let ship_to = &snapshot.order.ship_to;
        if let Some(destination) = ship_to.latitude.zip(ship_to.longitude).map(|(lat, lng)| LatLng { lat, lng }) {
            vans.push((tenant, demo_vehicle(prefix), destination));
        }
    }
    // Pick up where the seeded trail ended.
    let mut step = 10;
    loop {
        tokio::time::sleep(REPLAY_EVERY).await;
        step = if step >= REPLAY_STEPS { 0 } else { step + 1 };
        for (tenant, vehicle, destination) in &vans {
            let fix = NewPosition {
                shipment: None,
                vehicle: Some(vehicle.clone()),
                point: replay_point(*destination, step as f64),
                accuracy_m: Some(8.0),
                speed_mps: Some(13.0),
                heading_deg: None,
                recorded_at: Utc::now(),
            };
            if let Err(e) = crate::ingest::positions::record(&state, *tenant, &[fix]).await {
                tracing::warn!(error = %e, "demo replay could not record a position");
            }
        }
    }
}

/// A person the demo can sign in as; the password is new at every start.
pub struct DemoSignIn {
    pub tenant: String,
    pub role: crate::policy::Role,
    pub email: String,
    pub password: String,
}

/// Makes sure every role has a person in each demo brand (account roles in
/// the brand's first customer account) and gives each a fresh password.
pub async fn sign_ins(pool: &Pool) -> store::Result<Vec<DemoSignIn>> {
    use crate::policy::Role;
    let mut sign_ins = Vec::new();
    for tenant in store::list_tenants(pool).await? {
        let Some(brand) = brands().into_iter().find(|b| b.tenant.slug == tenant.slug) else { continue };
        let (account_name, account_ref) = brand.accounts[0];
        let account = store::account_by_ref(pool, tenant.id, account_ref).await?;
        for role in Role::ALL {
            let (email, name, account) = if role.is_staff() {
                (
                    format!("{}@{}.example", role.code(), tenant.slug),
                    format!("{} ({})", role.label(), brand.tenant.brand_name),
                    None,
                )
            } else {
                let domain = account_ref.to_lowercase();
                (format!("{}@{domain}.example", role.code()), format!("{} at {account_name}", role.label()), account)
            };
            let password = crate::token::random(12);
            let hash = crate::auth::password::hash(&password);
            match store::user_for_sign_in(pool, tenant.id, &email).await? {
                Some((person, _)) => store::set_password(pool, person.id, &hash).await?,
                None => {
                    let new = store::NewUser {
                        tenant: tenant.id,
                        account,
                        email: &email,
                        name: &name,
                        role,
                        password_hash: Some(&hash),
                    };
                    store::create_user(pool, &new).await?;
                }
            }
            sign_ins.push(DemoSignIn { tenant: tenant.slug.clone(), role, email, password });
        }
    }
    Ok(sign_ins)
}

/// Proofs of delivery for the demo's delivered shipments: the receiver's
/// name, the time of the delivered scan, the address's position and a
/// drawn signature, stored like any uploaded one.
pub async fn seed_proofs_of_delivery(pool: &Pool, blobs: &dyn crate::blob::BlobStore) -> store::Result<usize> {
    let mut saved = 0;
    for tenant in store::list_tenants(pool).await? {
        let delivered = store::deliveries(
            pool,
            crate::policy::Reach { tenant: tenant.id, account: None },
            // Every demo delivery happened in the last year. (Extreme bounds
            // would not compare as text in SQLite.)
            Utc::now() - Duration::days(366),
            Utc::now() + Duration::days(1),
        )
        .await?;
        for row in delivered.iter().filter(|r| r.pod_id.is_none()) {
            let snapshot = store::order_snapshot(pool, tenant.id, row.order_id).await?;
            let Some(event) = snapshot.events.iter().find(|e| {
                e.shipment_id == Some(row.shipment_id)
                    && e.canonical == crate::domain::Canonical::Milestone(crate::domain::Milestone::Delivered)
            }) else {
                continue;
            };
            let receiver = snapshot.order.contact_name.clone().unwrap_or_else(|| "Front desk".to_string());
            let signature = signature_png(row.shipment_id.0 as u64);
            let sha256 = blobs
                .put(&signature)
                .await
                .map_err(|e| store::StoreError::Invalid(format!("storing a signature: {e}")))?;
            let ship_to = &snapshot.order.ship_to;
            let pod = store::NewPod {
                shipment: row.shipment_id,
                receiver_name: receiver,
                delivered_at: event.occurred_at,
                location: ship_to.latitude.zip(ship_to.longitude).map(|(lat, lng)| LatLng { lat, lng }),
                note: None,
                files: vec![store::PodFile {
                    kind: "signature".into(),
                    sha256,
                    content_type: "image/png".into(),
                    size_bytes: signature.len() as i64,
                }],
            };
            // The same event as the delivered scan: nothing new on the timeline.
            let delivered = NewEvent {
                shipment: event.shipment_id,
                source: event.source.clone(),
                source_event_id: event.source_event_id.clone(),
                raw_code: event.raw_code.clone(),
                canonical: event.canonical,
                occurred_at: event.occurred_at,
                occurred_offset_minutes: event.occurred_offset_minutes,
                location: event.location.clone(),
                details: event.details.0.clone(),
            };
            if let store::PodSaved::Saved { .. } = store::save_pod(pool, tenant.id, &pod, delivered).await? {
                saved += 1;
            }
        }
    }
    Ok(saved)
}

/// A 240×80 greyscale PNG of a scribbled signature, different per seed.
/// Uncompressed (stored deflate blocks): small enough, and no encoder needed.
pub fn signature_png(seed: u64) -> Vec<u8> {
    const W: usize = 240;
    const H: usize = 80;
    let mut pixels = vec![255u8; W * H];
    let phase = (seed % 97) as f64 / 10.0;
    for x in 10..W - 10 {
        let t = x as f64 / 18.0 + phase;
        let y = 40.0 + 18.0 * t.sin() * (0.6 + 0.4 * (t * 0.37).cos());
        for dy in -1..=1 {
            let row = (y as i64 + dy).clamp(0, H as i64 - 1) as usize;
            pixels[row * W + x] = 20;
        }
    }
    // Each scanline starts with filter type 0.
    let mut raw = Vec::with_capacity(H * (W + 1));
    for row in pixels.chunks(W) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let chunk = |kind: &[u8; 4], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
        out
    };
    let mut header = (W as u32).to_be_bytes().to_vec();
    header.extend_from_slice(&(H as u32).to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &header));
    png.extend(chunk(b"IDAT", &zlib));
    png.extend(chunk(b"IEND", &[]));
    png
}
