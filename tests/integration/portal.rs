//! The role views through the real server: a receiver's quantities across
//! split shipments and their receipt, accounts payable's POD downloads and
//! CSV, customer service's search, queue and actions with the audit log.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::domain::{AccountId, OrderId, ShipmentId, TenantId};
use milepost::policy::Role;
use serde_json::Value;

struct Portal {
    app: TestApp,
    tenant: TenantId,
    account: AccountId,
    order: OrderId,
    first: ShipmentId,
    second: ShipmentId,
}

/// Order SO-1 of account A: 10 × SKU-A in two shipments (6 + 4), 4 × SKU-B
/// in the first. The first is delivered, the second in transit.
async fn split_order() -> Portal {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let account = milepost::store::create_account(&app.pool, tenant, "Account A", "A-1").await.unwrap();
    let order = order_in(&app.pool, tenant, Some(account), "SO-1", Some(Utc::now().date_naive())).await;
    let first = shipment(&app.pool, order.id, "1ZFIRST", vec![(order.lines[0], 6), (order.lines[1], 4)]).await;
    let second = shipment(&app.pool, order.id, "1ZSECOND", vec![(order.lines[0], 4)]).await;
    let at = Utc::now() - Duration::hours(1);
    milepost::store::append(
        &app.pool,
        tenant,
        order.id,
        &[
            event("carrier", "DELIVERED", "d-1", at, Some(first)),
            event("carrier", "IN_TRANSIT", "t-2", at, Some(second)),
        ],
    )
    .await
    .unwrap();
    Portal { app, tenant, account, order: order.id, first, second }
}

async fn signed_in(p: &Portal, role: Role, email: &str) -> Session {
    let account = if role.is_staff() { None } else { Some(p.account) };
    let password = person(&p.app.pool, p.tenant, account, role, email).await;
    p.app.sign_in("acme", email, &password).await
}

/// A page's data through its server function, as the browser fetches it.
async fn server_fn(app: &TestApp, session: &Session, name: &str, args: &[(&str, &str)]) -> (u16, Value) {
    let response = app.form(Some(session), &format!("/portal/fn/{name}"), args).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// What a poppler tool (poppler-utils; scripts/setup.sh installs it) prints
/// for a PDF.
fn pdf_tool(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils): {e}"));
    assert!(output.status.success(), "{tool} could not read the PDF: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// The images drawn in a PDF as `pdfimages -list` reads them: encoding
/// (png for lossless, jpeg for DCT) and pixel size, soft masks left out.
fn pdf_images(pdf: &[u8]) -> Vec<(String, u32, u32)> {
    pdf_tool("pdfimages", &["-list"], pdf)
        .lines()
        .skip(2)
        .map(|row| row.split_whitespace().collect::<Vec<_>>())
        .filter(|cols| cols.len() > 8 && cols[2] == "image")
        .map(|cols| {
            let encoding = if cols[8] == "jpeg" { "jpeg" } else { "png" };
            (encoding.to_string(), cols[3].parse().unwrap(), cols[4].parse().unwrap())
        })
        .collect()
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

#[tokio::test]
async fn a_receiver_sees_quantities_across_split_shipments_and_records_a_receipt() {
    let p = split_order().await;
    let receiver = signed_in(&p, Role::Receiver, "rita@a.example").await;
    let (status, page) = server_fn(&p.app, &receiver, "order", &[("number", "SO-1")]).await;
    assert_eq!(status, 200);
    let order = &page["Ready"];
    let lines = order["lines"].as_array().unwrap();
    assert_eq!(lines[0]["ordered"], 10);
    assert_eq!(lines[0]["shipped"], 10);
    assert_eq!(lines[0]["shipped_in"], serde_json::json!([["UPS 1ZFIRST", 6], ["UPS 1ZSECOND", 4]]));
    assert_eq!(lines[0]["delivered"], 6);
    assert_eq!(lines[0]["outstanding"], 4);
    assert_eq!(
        (lines[1]["ordered"].as_i64(), lines[1]["delivered"].as_i64(), lines[1]["outstanding"].as_i64()),
        (Some(4), Some(4), Some(0))
    );
    // Both shipments can be counted (a truck may arrive before its scan).
    let shipments = order["shipments"].as_array().unwrap();
    assert_eq!(shipments[0]["to_count"].as_array().unwrap().len(), 2);
    assert_eq!(shipments[1]["to_count"].as_array().unwrap().len(), 1);
    let line_a = shipments[0]["to_count"][0]["order_line_id"].as_i64().unwrap().to_string();
    let line_b = shipments[0]["to_count"][1]["order_line_id"].as_i64().unwrap().to_string();

    // Impossible counts are refused, naming the line, and nothing is saved.
    let first = p.first.0.to_string();
    let bad = p
        .app
        .form(
            Some(&receiver),
            "/portal/orders/SO-1/receipts",
            &[
                ("shipment", &first),
                (&format!("counted_{line_a}"), "6"),
                (&format!("counted_{line_b}"), "1"),
                (&format!("damaged_{line_b}"), "2"),
            ],
        )
        .await;
    assert!(
        location(&bad).contains("error=Line%202%3A%20damaged%20%282%29%20cannot%20exceed%20counted%20%281%29"),
        "{}",
        location(&bad)
    );
    let bad = p
        .app
        .form(
            Some(&receiver),
            "/portal/orders/SO-1/receipts",
            &[("shipment", &first), (&format!("counted_{line_a}"), "six")],
        )
        .await;
    assert!(location(&bad).contains("a%20number%20with%20at%20most%20three%20decimals"), "{}", location(&bad));

    // Nothing is pre-filled: a line left empty is not taken as "as expected".
    let empty = p
        .app
        .form(
            Some(&receiver),
            "/portal/orders/SO-1/receipts",
            &[("shipment", &first), (&format!("counted_{line_a}"), "6")],
        )
        .await;
    assert!(location(&empty).contains("Line%202%3A%20enter%20the%20quantity%20counted"), "{}", location(&empty));

    // One short on line 1, one damaged on line 2: a count that differs needs a reason.
    let (a, b, damaged_b) = (format!("counted_{line_a}"), format!("counted_{line_b}"), format!("damaged_{line_b}"));
    let counts = [
        ("shipment", first.as_str()),
        (a.as_str(), "5"),
        (b.as_str(), "4"),
        (damaged_b.as_str(), "1"),
        ("note", "pallet wrap torn"),
    ];
    let refused = p.app.form(Some(&receiver), "/portal/orders/SO-1/receipts", &counts).await;
    assert!(location(&refused).contains("choose%20a%20reason"), "{}", location(&refused));
    let with_reason = [&counts[..], &[("reason", "damaged_in_transit")]].concat();
    let saved = p.app.form(Some(&receiver), "/portal/orders/SO-1/receipts", &with_reason).await;
    assert!(location(&saved).starts_with("/portal/orders/SO-1?notice=Receipt%20saved"), "{}", location(&saved));

    let (_, page) = server_fn(&p.app, &receiver, "order", &[("number", "SO-1")]).await;
    let order = &page["Ready"];
    assert_eq!(order["lines"][0]["received"], 5);
    assert_eq!(order["lines"][1]["received"], 4);
    assert_eq!(order["lines"][1]["damaged"], 1);
    // The shipment can now be corrected, showing what was received.
    assert_eq!(order["shipments"][0]["correcting"], true);
    assert_eq!(order["shipments"][0]["to_count"][0]["received"], serde_json::json!([5, 0]));
    let receipt = order["shipments"][0]["receipt"].as_str().unwrap();
    assert!(receipt.contains("line 1 (SKU-A): 5 of 6 counted, 1 short"), "{receipt}");
    assert!(receipt.contains("line 2 (SKU-B): 4 of 4 counted, 1 damaged") && receipt.contains("pallet wrap torn"));
    assert!(receipt.contains("Reason: Damaged in transit."), "{receipt}");
    // Damage is an open exception on the timeline, for the receiver too.
    let top = &order["timeline"][0];
    assert_eq!(top["label"], "Damaged in transit");
    assert_eq!(top["source"], "receiving");
    let snapshot = milepost::store::order_snapshot(&p.app.pool, p.tenant, p.order).await.unwrap();
    assert_eq!(snapshot.order.open_exceptions.codes(), "damaged", "open until someone resolves it");

    // A later count corrects the receipt, with a reason; the first count stays in the history.
    let again = p
        .app
        .form(Some(&receiver), "/portal/orders/SO-1/receipts", &[("shipment", &first), ("all_as_expected", "yes")])
        .await;
    assert!(location(&again).contains("Say%20why%20the%20receipt%20is%20corrected"), "{}", location(&again));
    let corrected = p
        .app
        .form(
            Some(&receiver),
            "/portal/orders/SO-1/receipts",
            &[("shipment", &first), ("all_as_expected", "yes"), ("reason", "miscounted")],
        )
        .await;
    assert!(location(&corrected).contains("notice=Receipt%20corrected"), "{}", location(&corrected));
    let (_, page) = server_fn(&p.app, &receiver, "order", &[("number", "SO-1")]).await;
    let order = &page["Ready"];
    assert_eq!((order["lines"][0]["received"].as_i64(), order["lines"][1]["damaged"].as_i64()), (Some(6), Some(0)));
    let history = order["shipments"][0]["corrections"].as_array().unwrap();
    assert_eq!(history.len(), 2, "one entry per line: {history:?}");
    assert!(
        history[0].as_str().unwrap().contains("Miscounted before: line 1 (SKU-A) counted 5 → 6, damaged 0 → 0"),
        "{history:?}"
    );
    let snapshot = milepost::store::order_snapshot(&p.app.pool, p.tenant, p.order).await.unwrap();
    assert_eq!(snapshot.order.open_exceptions.codes(), "", "the correction found nothing wrong");

    // Accounts payable's CSV carries the counted quantity and what receiving found.
    let ap = signed_in(&p, Role::Ap, "alex@a.example").await;
    let csv = p.app.page(Some(&ap), "/portal/deliveries.csv").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"deliveries_"));
    let text = csv.text().await.unwrap();
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some("po,order,shipment,delivered_quantity,delivered_at,pod_id,shortage,short_units,over_units,damaged_units,discrepancy_reason,receipt_corrections,returned_units,credit_amount,credit_currency,credit_reference")
    );
    let row = rows.next().unwrap();
    // Nothing came back of the order: the return columns are empty.
    assert!(
        row.starts_with("PO-777,SO-1,UPS 1ZFIRST,10,") && row.ends_with(",,no,0,0,0,Miscounted before,1,,,,"),
        "{row}"
    );
    assert_eq!(rows.next(), None, "the second shipment is not delivered");
    let _ = p.second;
}

#[tokio::test]
async fn accounts_payable_downloads_each_pod_as_pdf_and_original_and_all_of_them_as_a_zip() {
    let p = split_order().await;
    // A POD for the second shipment, stored like an uploaded one.
    let signature = milepost::demo::signature_png(7);
    let sha256 = p.app.state.blobs.put(&signature).await.unwrap();
    let pod = milepost::store::NewPod {
        shipment: p.second,
        receiver_name: "Sam Dock".into(),
        delivered_at: Utc::now() - Duration::minutes(5),
        location: Some(milepost::domain::LatLng { lat: 39.7392, lng: -104.9903 }),
        accuracy_m: Some(12.0),
        note: Some("left at dock 3".into()),
        files: vec![milepost::store::PodFile {
            kind: "signature".into(),
            sha256: sha256.clone(),
            content_type: "image/png".into(),
            size_bytes: signature.len() as i64,
        }],
    };
    let delivered = event("carrier", "DELIVERED", "d-2", Utc::now() - Duration::minutes(5), Some(p.second));
    milepost::store::save_pod(&p.app.pool, p.tenant, &pod, delivered).await.unwrap();

    let ap = signed_in(&p, Role::Ap, "alex@a.example").await;
    let (status, page) = server_fn(&p.app, &ap, "deliveries", &[("from", ""), ("to", "")]).await;
    assert_eq!(status, 200);
    let rows = page["Ready"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let with_pod = rows.iter().find(|r| r["shipment"] == "UPS 1ZSECOND").unwrap();
    assert_eq!(with_pod["receiver"], "Sam Dock");
    let pdf_href = with_pod["pod_pdf"].as_str().unwrap();
    assert!(rows.iter().any(|r| r["shipment"] == "UPS 1ZFIRST" && r["pod"].is_null()));

    let pdf = p.app.page(Some(&ap), pdf_href).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    let text = pdf_tool("pdftotext", &["-layout"], &bytes);
    // The GPS stamp with its accuracy, for AP to file with the invoice.
    for expected in
        ["SO-1", "PO-777", "Sam Dock", "UPS 1ZSECOND", "SKU-A", "left at dock 3", "39.73920, -104.99030 (±12 m)"]
    {
        assert!(text.contains(expected), "the PDF names {expected}: {text}");
    }
    assert!(text.replace(' ', "").contains("1/1"), "page 1 of 1 at the foot: {text}");
    assert_eq!(pdf_images(&bytes), vec![("png".to_string(), 240, 80)], "the signature is in the PDF");
    let original = p.app.page(Some(&ap), &format!("/portal/orders/SO-1/pod/{sha256}")).await;
    assert_eq!(original.status(), 200);
    assert_eq!(original.bytes().await.unwrap().as_ref(), signature.as_slice());

    let zip = p.app.page(Some(&ap), "/portal/deliveries.zip").await;
    assert_eq!(zip.status(), 200);
    let bytes = zip.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = (0..archive.len()).map(|i| archive.by_index(i).unwrap().name().to_string()).collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"deliveries.csv".to_string()));
    assert!(names.iter().any(|n| n.starts_with("SO-1/UPS-1ZSECOND/POD-") && n.ends_with(".pdf")), "{names:?}");
    let mut png = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("SO-1/UPS-1ZSECOND/signature.png").unwrap(), &mut png).unwrap();
    assert_eq!(png, signature);

    // A buyer may open the POD of their order, but not export a period.
    let buyer = signed_in(&p, Role::Buyer, "bea@a.example").await;
    assert_eq!(p.app.page(Some(&buyer), pdf_href).await.status(), 200);
    assert_eq!(p.app.page(Some(&buyer), "/portal/deliveries.zip").await.status(), 403);
}

/// The POD PDF prints every name as written, whatever its script the font
/// covers, embeds the signature (PNG) and the photo (JPEG), and is PDF/A-2b,
/// as poppler reads it.
#[tokio::test]
async fn the_pod_pdf_prints_names_in_their_own_script_with_signature_and_photo_as_pdf_a() {
    let p = split_order().await;
    let signature = milepost::demo::signature_png(11);
    let photo = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/samples/pod/doorstep.jpg")).unwrap();
    let mut files = Vec::new();
    for (kind, bytes, content_type) in [("signature", &signature, "image/png"), ("photo", &photo, "image/jpeg")] {
        files.push(milepost::store::PodFile {
            kind: kind.into(),
            sha256: p.app.state.blobs.put(bytes).await.unwrap(),
            content_type: content_type.into(),
            size_bytes: bytes.len() as i64,
        });
    }
    let receiver = "Łukasz Żółć, Łódź";
    let note = "Ring at São Paulo office. Αθήνα: παραδόθηκε. Москва: доставлено. Kraków → Łódź.";
    let pod = milepost::store::NewPod {
        shipment: p.second,
        receiver_name: receiver.into(),
        delivered_at: Utc::now() - Duration::minutes(5),
        location: None,
        accuracy_m: None,
        note: Some(note.into()),
        files,
    };
    let delivered = event("carrier", "DELIVERED", "d-2", Utc::now() - Duration::minutes(5), Some(p.second));
    milepost::store::save_pod(&p.app.pool, p.tenant, &pod, delivered).await.unwrap();

    let ap = signed_in(&p, Role::Ap, "alex@a.example").await;
    let pdf = p.app.page(Some(&ap), &format!("/portal/orders/SO-1/shipments/{}/pod.pdf", p.second.0)).await;
    assert_eq!(pdf.status(), 200);
    let bytes = pdf.bytes().await.unwrap();

    let text = pdf_tool("pdftotext", &["-raw"], &bytes);
    for expected in [receiver, "São Paulo", "Αθήνα: παραδόθηκε.", "Москва: доставлено.", "Kraków → Łódź."]
    {
        assert!(text.contains(expected), "the PDF prints {expected:?} as written: {text}");
    }
    assert!(!text.contains('?'), "no character was replaced: {text}");

    let images = pdf_images(&bytes);
    assert!(images.contains(&("png".to_string(), 240, 80)), "the signature is drawn: {images:?}");
    assert!(images.iter().any(|(encoding, _, _)| encoding == "jpeg"), "the photo is drawn: {images:?}");

    let info = pdf_tool("pdfinfo", &[], &bytes);
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "{info}");
    assert!(info.contains("Title:") && info.contains("Proof of delivery SO-1"), "{info}");
    let meta = pdf_tool("pdfinfo", &["-meta"], &bytes);
    assert!(meta.contains("pdfaid:part>2<") || meta.contains("pdfaid:part=\"2\""), "PDF/A-2: {meta}");
    assert!(meta.contains("pdfaid:conformance>B<") || meta.contains("pdfaid:conformance=\"B\""), "{meta}");
    let fonts = pdf_tool("pdffonts", &[], &bytes);
    assert!(
        fonts.lines().skip(2).all(|l| l.contains("DejaVuSans") && l.contains(" yes yes ")),
        "every font embedded and subset: {fonts}"
    );
}

#[tokio::test]
async fn customer_service_finds_an_order_by_any_key_and_acts_on_it_with_an_audit_trail() {
    let p = split_order().await;
    let cs = signed_in(&p, Role::Cs, "carla@acme.example").await;
    for query in ["so-1", "PO-777", "1zsecond", "ECOND", "dana@example", "Receiver", "80202"] {
        let (status, page) = server_fn(&p.app, &cs, "search", &[("q", query)]).await;
        assert_eq!(status, 200);
        let rows = page["Ready"]["rows"].as_array().unwrap();
        assert_eq!(rows.first().map(|r| r["number"].clone()), Some(Value::from("SO-1")), "{query}");
    }
    let (_, nothing) = server_fn(&p.app, &cs, "search", &[("q", "zzz-no-such")]).await;
    assert!(nothing["Ready"]["rows"].as_array().unwrap().is_empty());

    // The queue: a late order (promised today? not late) with an exception.
    milepost::store::append(
        &p.app.pool,
        p.tenant,
        p.order,
        &[event("carrier", "WEATHER_DELAY", "x-1", Utc::now(), Some(p.second))],
    )
    .await
    .unwrap();
    let (_, queue) = server_fn(&p.app, &cs, "exceptions", &[]).await;
    let groups = queue["Ready"]["groups"].as_array().unwrap();
    let row = groups
        .iter()
        .flat_map(|g| g["items"].as_array().unwrap())
        .find(|r| r["number"] == "SO-1")
        .expect("SO-1 is in the queue");
    assert_eq!(row["reason"], "Delayed", "{row}");

    // Resolve it with a reason; the audit log and the timeline say so.
    let (_, page) = server_fn(&p.app, &cs, "order", &[("number", "SO-1")]).await;
    let open = page["Ready"]["desk"]["open_exceptions"].as_array().unwrap().clone();
    assert_eq!(open.len(), 1, "{open:?}");
    let code = open[0][0].as_str().unwrap().to_string();
    let no_reason = p.app.form(Some(&cs), "/portal/orders/SO-1/status", &[("status", &code), ("reason", "")]).await;
    assert!(location(&no_reason).contains("error=Give%20a%20reason"));
    let resolved = p
        .app
        .form(Some(&cs), "/portal/orders/SO-1/status", &[("status", &code), ("reason", "carrier confirmed by phone")])
        .await;
    assert!(location(&resolved).contains("notice="), "{}", location(&resolved));
    let noted = p.app.form(Some(&cs), "/portal/orders/SO-1/notes", &[("text", "customer called about delivery")]).await;
    assert!(location(&noted).contains("notice=Note%20added"));

    let (_, page) = server_fn(&p.app, &cs, "order", &[("number", "SO-1")]).await;
    let desk = &page["Ready"]["desk"];
    assert!(desk["open_exceptions"].as_array().unwrap().is_empty());
    let audit: Vec<String> =
        desk["audit"].as_array().unwrap().iter().map(|a| format!("{} {}", a["action"], a["detail"])).collect();
    assert!(audit[0].contains("note") && audit[0].contains("customer called"), "{audit:?}");
    assert!(audit[1].contains("status_override") && audit[1].contains("carrier confirmed by phone"), "{audit:?}");
    let timeline = page["Ready"]["timeline"].as_array().unwrap();
    assert_eq!(timeline[0]["label"], "Note");
    assert_eq!(timeline[0]["internal"], true);

    // Account people do not see CS's internal notes.
    let buyer = signed_in(&p, Role::Buyer, "bea@a.example").await;
    let (_, page) = server_fn(&p.app, &buyer, "order", &[("number", "SO-1")]).await;
    assert!(page["Ready"]["desk"].is_null());
    assert!(page["Ready"]["timeline"].as_array().unwrap().iter().all(|t| t["source"] != "customer_service"));

    // Revoke and reissue the tracking link: the old one stops working.
    let old = milepost::auth::tracking_link::issue(&p.app.pool, p.tenant, p.order, None).await.unwrap();
    assert_eq!(p.app.get(&format!("/t/{}", old.as_str())).await.status(), 200);
    let reissued = p.app.form(Some(&cs), "/portal/orders/SO-1/tracking-link", &[("action", "reissue")]).await;
    let body = reissued.text().await.unwrap();
    let new_link = body.split("data-testid=\"new-link\">").nth(1).unwrap().split('<').next().unwrap();
    assert_eq!(p.app.get(&format!("/t/{}", old.as_str())).await.status(), 404);
    assert_eq!(p.app.client.get(new_link).send().await.unwrap().status(), 200);
}
