//! Text a trading partner chose (order and PO numbers, names, addresses,
//! SKUs, receiver names) printed on every surface that shows it: the
//! tracking page (title, body, hydration data), the portal order page,
//! accounts payable's CSV and POD PDF, email (subject, headers, HTML and
//! text) and SMS. Each surface must show the text as text, byte for byte,
//! and never as markup, a formula, a header or a PDF operator.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::auth::api_key::Scope;
use milepost::policy::Role;
use serde_json::json;

/// Ends the `<title>`, refreshes to another site and runs a script, if
/// printed as markup anywhere in a page's head or body.
const ORDER_NUMBER: &str =
    r#"SO-9</title><meta http-equiv="refresh" content="0;url=//e.example"><script>alert(1)</script>"#;
/// A spreadsheet formula, if a CSV cell starts with it.
const PO: &str = r#"=HYPERLINK("https://evil.example/","invoice")"#;
/// Leaves an attribute and the element, on a page.
const SHIP_TO: &str = r#"Dana "Dock" <img src=x onerror=alert(2)> & Co"#;
/// Closes a PDF string and draws text of its own, if not escaped.
const RECEIVER: &str = r"Sam) Tj ET BT /F1 40 Tf 10 10 Td (PWNED\";
/// A description that tries to end the hydration script.
const DESCRIPTION: &str = r#"Widget</script><script>alert(3)</script>"#;

fn assert_inert_html(surface: &str, html: &str) {
    for markup in ["<meta http-equiv", "<script>alert", "<img src=x", "</title><meta"] {
        assert!(!html.contains(markup), "{surface} prints partner text as markup ({markup})");
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The parts of a raw message as a mail client sees them (Python's
/// `email` package): decoded subject, header names, then each text part.
fn read_mail(raw: &str) -> serde_json::Value {
    let script = r#"
import email, email.policy, json, sys
m = email.message_from_string(sys.stdin.read(), policy=email.policy.default)
parts = {p.get_content_type(): p.get_content() for p in m.walk() if p.get_content_maintype() == "text"}
print(json.dumps({"subject": str(m["subject"]), "headers": [k.lower() for k in m.keys()], "parts": parts}))
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), raw.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "python could not parse the message");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn partner_text_is_text_on_every_surface() {
    let sink = SmtpSink::start(0);
    let (sms_base, sms_seen) = sms_receiver().await;
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let sms_url = format!("{sms_base}/sms");
    let app = spawn_app_with(&[("MILEPOST_SMTP_URL", &smtp), ("MILEPOST_SMS_URL", &sms_url)]).await;
    let tenant = tenant(&app.pool, "acme").await;
    let account = milepost::store::create_account(&app.pool, tenant, "Account A", "A-1").await.unwrap();
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;

    // The order arrives through the API, as a trading partner would send it.
    let order = json!({
        "customer_po": PO,
        "account_ref": "A-1",
        "contact": {"name": SHIP_TO, "email": "robin@example.com", "phone": "+15125550123"},
        "ship_to": {"name": SHIP_TO, "line1": SHIP_TO, "city": "Austin", "postcode": "78701", "country": "US",
                    "time_zone": zone_where_local_hour(true)},
        "lines": [{"sku": "SKU-<b>1</b>", "description": DESCRIPTION, "quantity": 2}]
    });
    let path = format!("/api/v1/orders/{}", percent_encode(ORDER_NUMBER));
    let created = app.put(&path, &key, order).await;
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let shipment = app
        .post(
            &format!("{path}/shipments"),
            &key,
            json!({"carrier": "UPS", "tracking_number": "1Z<i>9</i>", "lines": [{"line_number": 1, "quantity": 2}]}),
        )
        .await;
    assert_eq!(shipment.status(), 201);
    let shipment: serde_json::Value = shipment.json().await.unwrap();
    let shipment_id = milepost::domain::ShipmentId(shipment["shipment_id"].as_i64().unwrap());

    // Delivered with a proof of delivery signed by a hostile receiver name.
    let signature = milepost::demo::signature_png(3);
    let sha256 = app.state.blobs.put(&signature).await.unwrap();
    let pod = milepost::store::NewPod {
        shipment: shipment_id,
        receiver_name: RECEIVER.into(),
        delivered_at: Utc::now() - Duration::minutes(5),
        location: None,
        accuracy_m: None,
        note: Some(DESCRIPTION.into()),
        files: vec![milepost::store::PodFile {
            kind: "signature".into(),
            sha256,
            content_type: "image/png".into(),
            size_bytes: signature.len() as i64,
        }],
    };
    let delivered = event("carrier", "DELIVERED", "d-1", Utc::now() - Duration::minutes(5), Some(shipment_id));
    milepost::store::save_pod(&app.pool, tenant, &pod, delivered).await.unwrap();

    // The buyer's tracking page: the title, the body and the hydration data.
    let link: serde_json::Value =
        app.post(&format!("{path}/tracking-links"), &key, json!({})).await.json().await.unwrap();
    let url = link["url"].as_str().expect("a tracking link url");
    let page = app.client.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert_inert_html("the tracking page", &html);
    assert!(html.contains("<title>Order SO-9&lt;/title&gt;&lt;meta"), "the title shows the number as text");
    assert!(html.contains("Widget&lt;/script&gt;"), "the line's description is shown as text");
    assert!(!html.contains("</script><script>alert(3)"), "the hydration data ends no script");

    // Customer service's order page in the portal.
    let password = person(&app.pool, tenant, None, Role::Cs, "cs@acme.example").await;
    let cs = app.sign_in("acme", "cs@acme.example", &password).await;
    let portal = app.page(Some(&cs), &format!("/portal/orders/{}", percent_encode(ORDER_NUMBER))).await;
    assert_eq!(portal.status(), 200);
    let html = portal.text().await.unwrap();
    assert_inert_html("the portal order page", &html);
    assert!(html.contains("SO-9&lt;/title&gt;"), "the portal shows the number as text");

    // Accounts payable's CSV: quoted, and no cell a spreadsheet would run.
    let password = person(&app.pool, tenant, Some(account), Role::Ap, "ap@a.example").await;
    let ap = app.sign_in("acme", "ap@a.example", &password).await;
    let csv = app.page(Some(&ap), "/portal/deliveries.csv").await.text().await.unwrap();
    let row = csv.lines().nth(1).expect("the delivered shipment");
    assert!(row.starts_with(r#""'=HYPERLINK(""https://evil.example/"",""invoice"")","SO-9</title>"#), "{row}");

    // The POD PDF, as a PDF reader sees it: the names are text, not operators.
    let pdf_path = format!("/portal/orders/{}/shipments/{}/pod.pdf", percent_encode(ORDER_NUMBER), shipment_id.0);
    let pdf = app.page(Some(&ap), &pdf_path).await;
    assert_eq!(pdf.status(), 200, "{pdf_path}");
    let text = pdf_text(&pdf.bytes().await.unwrap());
    assert!(text.contains(RECEIVER), "the receiver's name is printed whole: {text}");
    assert!(text.contains("SO-9</title>"), "the order number is printed whole: {text}");

    // Email and SMS for the delivery, sent by the server's worker.
    notifications_settled(&app).await;
    let subject = format!("Your order {ORDER_NUMBER} was delivered");
    let mail = sink.messages().iter().map(|raw| read_mail(raw)).find(|m| m["subject"] == subject.as_str());
    let mail = mail.expect("the delivered email, its subject the number as written");
    let html = mail["parts"]["text/html"].as_str().unwrap();
    assert_inert_html("the email", html);
    assert!(html.contains("SO-9&lt;/title&gt;"), "{html}");
    assert!(mail["parts"]["text/plain"].as_str().unwrap().contains("/t/"), "the text part has the link");
    // One form field each, whatever the text holds: nothing leaks into `To`.
    let texts = sms_seen.lock().unwrap().clone();
    assert!(!texts.is_empty(), "the SMS went to the provider");
    for text in texts {
        assert_eq!(text.get("To").map(String::as_str), Some("+15125550123"));
        assert!(text["Body"].starts_with("acme brand: ") && text["Body"].contains("/t/"), "{text:?}");
    }
}

/// Header injection through the subject: an order number with a line break
/// cannot add a header (Bcc) to the message.
#[test]
fn a_line_break_in_an_order_number_adds_no_mail_header() {
    let n = due_email(
        "SO-1\r\nBcc: victim@evil.example",
        "Acme\r\nBcc: victim@evil.example",
        milepost::domain::language::Language::English,
    );
    let from: lettre::Address = "notifications@milepost.localhost".parse().unwrap();
    let message = milepost::notify::email::compose(&n, "https://t.example/t/x", None, None, &from).unwrap();
    let raw = String::from_utf8(message.formatted()).unwrap();
    let mail = read_mail(&raw);
    assert!(!mail["headers"].as_array().unwrap().iter().any(|h| h == "bcc"), "{raw}");
}

/// An SMS provider endpoint that records each form it receives.
async fn sms_receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<std::collections::HashMap<String, String>>>>) {
    use std::sync::{Arc, Mutex};
    type Forms = Arc<Mutex<Vec<std::collections::HashMap<String, String>>>>;
    let seen: Forms = Arc::default();
    let record = seen.clone();
    let app =
        axum::Router::new().fallback(move |axum::Form(form): axum::Form<std::collections::HashMap<String, String>>| {
            let record = record.clone();
            async move {
                record.lock().unwrap().push(form);
                axum::http::StatusCode::OK
            }
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}
