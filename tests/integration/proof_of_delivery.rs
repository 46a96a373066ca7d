//! Proof of delivery through the real API: images checked by their bytes
//! and cleaned of metadata, stored by SHA-256 and never overwritten, the
//! shipment delivered through the event path, the proof on the tracking page.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::auth::api_key::Scope;
use milepost::auth::tracking_link;
use milepost::domain::{ShipmentId, TenantId};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(&[0, 0, 0, 0]);
    chunk
}

/// A signature pad's PNG, with a text chunk naming where it was signed.
fn signature_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &[0, 0, 0, 2, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    png.extend(png_chunk(b"tEXt", b"Location\x0039.7392,-104.9903"));
    png.extend(png_chunk(b"IDAT", &[7, 7, 7]));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

/// A phone photo with EXIF (APP1).
fn photo_jpeg() -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend([0xFF, 0xE0, 0, 7, b'J', b'F', b'I', b'F', 0]);
    jpeg.extend([0xFF, 0xE1, 0, 14, b'E', b'x', b'i', b'f', 0, 0, b'S', b'E', b'R', b'I', b'A', b'L']);
    jpeg.extend([0xFF, 0xDA, 0, 4, 1, 1, 0x55, 0x66, 0xFF, 0xD9]);
    jpeg
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

struct Delivery {
    app: TestApp,
    tenant: TenantId,
    key: String,
    shipment: ShipmentId,
    token: String,
}

async fn shipped() -> Delivery {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let shipment = shipment(&app.pool, order.id, "1Z1", vec![(order.lines[0], 10), (order.lines[1], 4)]).await;
    let key = api_key(&app.pool, tenant, &[Scope::Carrier]).await;
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap().as_str().to_string();
    Delivery { app, tenant, key, shipment, token }
}

fn form() -> Form {
    Form::new()
        .text("receiver_name", "Dana Receiver")
        .text("delivered_at", (Utc::now() - Duration::minutes(3)).to_rfc3339())
        .text("latitude", "39.7392")
        .text("longitude", "-104.9903")
        .text("accuracy_m", "12")
        .text("note", "Left with reception")
        .part("signature", Part::bytes(signature_png()).file_name("sig.png").mime_str("image/png").unwrap())
        .part("photo", Part::bytes(photo_jpeg()).file_name("door.jpg").mime_str("image/jpeg").unwrap())
}

async fn upload(d: &Delivery, key: &str, shipment: ShipmentId, form: Form) -> (u16, Value) {
    let response = d
        .app
        .client
        .post(format!("{}/api/v1/shipments/{}/pod", d.app.base_url, shipment.0))
        .bearer_auth(key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().map_or_else(
        || vec![problem["detail"].as_str().unwrap_or_default().to_string()],
        |errors| errors.iter().map(|e| e["field"].as_str().unwrap().to_string()).collect(),
    )
}

#[tokio::test]
async fn a_proof_of_delivery_is_stored_clean_and_delivers_the_shipment() {
    let d = shipped().await;
    let (status, pod) = upload(&d, &d.key, d.shipment, form()).await;
    assert_eq!(status, 201, "{pod}");
    assert_eq!(pod["receiver_name"], "Dana Receiver");
    assert_eq!((pod["latitude"].as_f64(), pod["longitude"].as_f64()), (Some(39.7392), Some(-104.9903)));
    assert_eq!(pod["accuracy_m"].as_f64(), Some(12.0));
    let files = pod["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);

    // Stored without metadata, named by the SHA-256 of what is stored.
    for file in files {
        let url = format!("{}{}", d.app.base_url, file["url"].as_str().unwrap());
        let response = d.app.client.get(&url).bearer_auth(&d.key).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], file["content_type"].as_str().unwrap());
        assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
        let bytes = response.bytes().await.unwrap();
        assert_eq!(sha256(&bytes), file["sha256"].as_str().unwrap());
        assert_eq!(bytes.len() as i64, file["size_bytes"].as_i64().unwrap());
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("39.7392") && !text.contains("Exif") && !text.contains("SERIAL"), "metadata stripped");
    }
    assert_eq!(files[0]["kind"], "signature");
    assert_eq!(files[0]["content_type"], "image/png");
    assert_eq!(files[1]["content_type"], "image/jpeg");

    // Delivered through the event path, and shown to the buyer.
    let order = d.app.get(&format!("/t/{}", d.token)).await.text().await.unwrap();
    assert!(order.contains("Received by") && order.contains("Dana Receiver"));
    assert!(order.contains(&format!("/t/{}/pod/{}", d.token, files[0]["sha256"].as_str().unwrap())));
    let status = milepost::store::order_status(&d.app.pool, d.tenant, find_order(&d).await).await.unwrap();
    assert_eq!(status.status_milestone, Some(milepost::domain::Milestone::Delivered));
    let signature = d.app.get(&format!("/t/{}/pod/{}", d.token, files[0]["sha256"].as_str().unwrap())).await;
    assert_eq!(signature.status(), 200);
    assert_eq!(signature.headers()["x-content-type-options"], "nosniff");

    // Never replaced.
    let (status, _) = upload(&d, &d.key, d.shipment, form()).await;
    assert_eq!(status, 409);
    let read: Value = d
        .app
        .send(reqwest::Method::GET, &format!("/api/v1/shipments/{}/pod", d.shipment.0), &d.key, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["pod_id"], pod["pod_id"]);
}

async fn find_order(d: &Delivery) -> milepost::domain::OrderId {
    milepost::store::find_order_by_number(&d.app.pool, d.tenant, "SO-1").await.unwrap().unwrap()
}

#[tokio::test]
async fn bad_uploads_are_refused_naming_the_field() {
    let d = shipped().await;
    let base = || Form::new().text("receiver_name", "Dana").text("delivered_at", Utc::now().to_rfc3339());
    let image = |bytes: Vec<u8>, mime: &str| Part::bytes(bytes).file_name("x").mime_str(mime).unwrap();
    let cases: Vec<(Form, &str)> = vec![
        (base().part("signature", image(b"not really a png".to_vec(), "image/png")), "signature"),
        (base().part("photo", image(b"GIF89a\x01\x00".to_vec(), "image/jpeg")), "photo[0]"),
        (base().part("photo", image(photo_jpeg()[..20].to_vec(), "image/jpeg")), "photo[0]"),
        (base(), "signature"),
        (
            Form::new()
                .text("delivered_at", Utc::now().to_rfc3339())
                .part("signature", image(signature_png(), "image/png")),
            "receiver_name",
        ),
        (
            base()
                .text("delivered_at", (Utc::now() + Duration::hours(1)).to_rfc3339())
                .part("signature", image(signature_png(), "image/png")),
            "delivered_at",
        ),
        (base().text("latitude", "39.7").part("signature", image(signature_png(), "image/png")), "longitude"),
        (base().text("colour", "red").part("signature", image(signature_png(), "image/png")), "colour"),
        (base().text("accuracy_m", "12").part("signature", image(signature_png(), "image/png")), "accuracy_m"),
        (
            base()
                .text("latitude", "39.7")
                .text("longitude", "-104.9")
                .text("accuracy_m", "-1")
                .part("signature", image(signature_png(), "image/png")),
            "accuracy_m",
        ),
        (
            base()
                .text("longitude", "-104.99")
                .text("longitude", "-104.98")
                .text("latitude", "39.7")
                .part("signature", image(signature_png(), "image/png")),
            "longitude",
        ),
        (base().part("photo", image(vec![0xFF; 8 * 1024 * 1024 + 1], "image/jpeg")), "photo[0]"),
    ];
    for (form, field) in cases {
        let (status, problem) = upload(&d, &d.key, d.shipment, form).await;
        assert_eq!(status, 422, "{field}: {problem}");
        assert!(fields(&problem).iter().any(|f| f == field), "{field} not named in {problem}");
    }
    // Nothing was recorded by any of them.
    let response =
        d.app.send(reqwest::Method::GET, &format!("/api/v1/shipments/{}/pod", d.shipment.0), &d.key, None).await;
    assert_eq!(response.status(), 404);

    let other = tenant(&d.app.pool, "other").await;
    let their_key = api_key(&d.app.pool, other, &[Scope::Carrier]).await;
    assert_eq!(upload(&d, &their_key, d.shipment, form()).await.0, 404, "another tenant's shipment is unknown");
    let oms = api_key(&d.app.pool, d.tenant, &[Scope::Oms]).await;
    assert_eq!(upload(&d, &oms, d.shipment, form()).await.0, 403);
}

#[tokio::test]
async fn files_are_served_only_for_their_own_order_and_never_when_damaged() {
    let d = shipped().await;
    let (_, pod) = upload(&d, &d.key, d.shipment, form()).await;
    let sha = pod["files"][0]["sha256"].as_str().unwrap().to_string();

    // Another order's tracking link cannot reach this order's files.
    let other_order = order(&d.app.pool, d.tenant, "SO-2", None).await;
    let other_token = tracking_link::issue(&d.app.pool, d.tenant, other_order.id, None).await.unwrap();
    let stranger = d.app.get(&format!("/t/{}/pod/{sha}", other_token.as_str())).await;
    let bad_token = d.app.get(&format!("/t/{}/pod/{sha}", "x".repeat(43))).await;
    assert_eq!(
        (stranger.status(), bad_token.status()),
        (reqwest::StatusCode::NOT_FOUND, reqwest::StatusCode::NOT_FOUND)
    );
    assert_eq!(stranger.bytes().await.unwrap(), bad_token.bytes().await.unwrap(), "the same 404 either way");

    // A file damaged on disk is an error, not served.
    let path = d.app.state.config.data_dir.join("pod").join(&sha[..2]).join(&sha[2..4]).join(&sha);
    std::fs::write(&path, b"damaged").unwrap();
    let url = format!("/api/v1/shipments/{}/pod/files/{sha}", d.shipment.0);
    assert_eq!(d.app.send(reqwest::Method::GET, &url, &d.key, None).await.status(), 500);
}

#[tokio::test]
async fn the_buyer_downloads_the_proof_of_delivery_in_the_page_language() {
    let d = shipped().await;
    let (status, _) = upload(&d, &d.key, d.shipment, form()).await;
    assert_eq!(status, 201);
    let page = d.app.get(&format!("/t/{}?lang=de", d.token)).await.text().await.unwrap();
    let link = format!("/t/{}/pod-pdf/{}?lang=de", d.token, d.shipment.0);
    assert!(page.contains(&link) && page.contains("Zustellnachweis (PDF)"), "{page}");

    let german = d.app.get(&link).await;
    assert_eq!(german.status(), 200);
    assert_eq!(german.headers()["content-type"], "application/pdf");
    assert!(german.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"SO-1-POD-"));
    let text = pdf_text(&german.bytes().await.unwrap());
    for words in ["Zustellnachweis", "Empfangen von", "Dana Receiver", "Lieferanschrift", "SO-1"] {
        assert!(text.contains(words), "{words} missing from {text}");
    }
    assert!(!text.contains("Proof of delivery"), "{text}");

    // Arabic words come out of the PDF as Arabic text (a reader lists the
    // words of a right-to-left run in visual order).
    let arabic = d.app.get(&format!("/t/{}/pod-pdf/{}?lang=ar", d.token, d.shipment.0)).await;
    let arabic = pdf_text(&arabic.bytes().await.unwrap());
    assert!(arabic.contains("إثبات") && arabic.contains("التسليم") && arabic.contains("استلمها"), "{arabic}");

    // Another order's link, or a shipment without a proof, is the tracking 404.
    let other_order = order(&d.app.pool, d.tenant, "SO-2", None).await;
    let other_token = tracking_link::issue(&d.app.pool, d.tenant, other_order.id, None).await.unwrap();
    let stranger = d.app.get(&format!("/t/{}/pod-pdf/{}", other_token.as_str(), d.shipment.0)).await;
    let bad_token = d.app.get(&format!("/t/{}/pod-pdf/{}", "x".repeat(43), d.shipment.0)).await;
    assert_eq!((stranger.status().as_u16(), bad_token.status().as_u16()), (404, 404));
    assert_eq!(stranger.bytes().await.unwrap(), bad_token.bytes().await.unwrap());
}

/// Every file under the data directory's `pod/` folder.
fn stored_files(d: &Delivery) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&d.app.state.config.data_dir.join("pod"), &mut found);
    found
}

#[tokio::test]
async fn refused_uploads_leave_no_files_behind() {
    let d = shipped().await;
    let (status, problem) = upload(&d, &d.key, ShipmentId(999_999), form()).await;
    assert_eq!(status, 404, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "shipment_id");
    assert_eq!(
        stored_files(&d),
        Vec::<std::path::PathBuf>::new(),
        "nothing written for a shipment that does not exist"
    );

    // Another tenant's shipment is as unknown, and as clean.
    let other = tenant(&d.app.pool, "other").await;
    let their_key = api_key(&d.app.pool, other, &[Scope::Carrier]).await;
    assert_eq!(upload(&d, &their_key, d.shipment, form()).await.0, 404);
    assert!(stored_files(&d).is_empty());

    // A second proof for a delivered shipment is refused, and its new images are not kept.
    let (status, first) = upload(&d, &d.key, d.shipment, form()).await;
    assert_eq!(status, 201, "{first}");
    let kept = stored_files(&d);
    assert_eq!(kept.len(), 2);
    let mut photo = photo_jpeg();
    let scan_byte = photo.len() - 4;
    photo[scan_byte] = 0x57;
    let other_photo = Form::new()
        .text("receiver_name", "Someone Else")
        .text("delivered_at", Utc::now().to_rfc3339())
        .part("signature", Part::bytes(signature_png()).file_name("s.png").mime_str("image/png").unwrap())
        .part("photo", Part::bytes(photo).file_name("p.jpg").mime_str("image/jpeg").unwrap());
    assert_eq!(upload(&d, &d.key, d.shipment, other_photo).await.0, 409);
    assert_eq!(stored_files(&d), kept, "the first proof's files, and only them");
}
