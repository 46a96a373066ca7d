//! Every demo state's tracking page tells one story: the headline, the
//! progress bar, the items table and the sign-up offer agree (issue 17).

use crate::common;

use chrono::Utc;
use common::*;
use milepost::demo::Scenario;

/// The text inside the first element carrying `data-testid="{testid}"`,
/// tags and hydration markers stripped.
fn text_of(html: &str, testid: &str) -> Option<String> {
    let at = html.find(&format!(r#"data-testid="{testid}""#))?;
    let open = html[..at].rfind('<')?;
    let tag: String = html[open + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let body_start = at + html[at..].find('>')? + 1;
    let body_end = body_start + html[body_start..].find(&format!("</{tag}>"))?;
    Some(strip_tags(&html[body_start..body_end]))
}

fn strip_tags(fragment: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each bar on the page (the order's first, then each shipment's), as
/// `(label, state, current)` per step.
fn bars(html: &str) -> Vec<Vec<(String, String, bool)>> {
    html.split(r#"data-testid="progress""#)
        .skip(1)
        .map(|rest| {
            let list = &rest[..rest.find("</ol>").unwrap_or(rest.len())];
            list.split("<li")
                .skip(1)
                .map(|item| {
                    let state = item.split(r#"data-state=""#).nth(1).and_then(|s| s.split('"').next()).unwrap_or("");
                    let current = item[..item.find('>').unwrap_or(0)].contains("aria-current");
                    let body = &item[item.find('>').map_or(0, |i| i + 1)..item.find("</li>").unwrap_or(item.len())];
                    (strip_tags(body), state.to_string(), current)
                })
                .collect()
        })
        .collect()
}

/// The "To follow" column of the items table.
fn to_follow(html: &str) -> Vec<i64> {
    html.split(r#"<tr data-testid="line""#)
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap()];
            let last = row.rsplit("<td").next().unwrap();
            strip_tags(&format!("<td{last}")).parse().unwrap()
        })
        .collect()
}

#[tokio::test]
async fn each_demo_state_tells_one_story() {
    let app = spawn_app().await;
    milepost::demo::seed(&app.pool, &milepost::domain::StatusDictionary::global(), Utc::now(), 25).await.unwrap();
    let links = milepost::demo::showcase_links(&app.pool).await.unwrap();
    assert_eq!(links.len(), 2 * milepost::demo::Scenario::SHOWCASE.len());
    for (brand, scenario, token) in links {
        let html = app.get(&format!("/t/{}", token.as_str())).await.text().await.unwrap();
        let at = format!("{brand}, {scenario:?}");
        let headline = text_of(&html, "headline").unwrap_or_else(|| panic!("{at}: no headline"));
        let when = text_of(&html, "headline-when");
        let next = text_of(&html, "next-step");
        let promised = text_of(&html, "promised");
        let late = text_of(&html, "late-notice");
        let signup = text_of(&html, "updates");
        let all_bars = bars(&html);
        let bar = &all_bars[0];
        let current: Vec<&str> = bar.iter().filter(|s| s.2).map(|s| s.0.as_str()).collect();
        assert_eq!(current.len(), 1, "{at}: one current step: {bar:?}");
        let current = current[0];
        let follow = to_follow(&html);
        assert!(!follow.is_empty(), "{at}: the items table");
        let at = format!("{at}: `{headline}` / {when:?} / {bar:?} / to follow {follow:?} / sign-up {signup:?}");

        // What holds on every page: an "Expected by" date is never in the
        // past or beside a newer estimate, and a sign-up never promises
        // news the order cannot have.
        if let Some(promised) = &promised {
            if promised.starts_with("Expected by") {
                assert!(late.is_none() && text_of(&html, "forecast").is_none(), "{at}");
            }
        }
        let finished = matches!(scenario, Scenario::Delivered | Scenario::Cancelled | Scenario::ReturnedToSender);
        assert_eq!(signup.is_some(), !finished, "{at}");
        if finished {
            assert!(late.is_none(), "{at}: a finished order is not running late");
            assert!(follow.iter().all(|&n| n == 0), "{at}: nothing to follow");
        }
        let delivered_bar = bar.iter().all(|s| s.1 == "reached");
        assert_eq!(delivered_bar, scenario == Scenario::Delivered, "{at}: only a delivered order fills the bar");

        match scenario {
            Scenario::OutForDelivery | Scenario::OnTheMap => {
                assert!(headline == "Out for delivery" || headline == "Arriving soon", "{at}");
                assert!(when.as_deref().is_some_and(|w| w.starts_with("Arriving ")), "{at}: today's window");
                assert!(!promised.unwrap_or_default().starts_with("Expected by"), "{at}");
                assert_eq!(current, "Out for delivery", "{at}");
                assert!(signup.unwrap().contains("when your order arrives"), "{at}");
            }
            Scenario::Delivered => {
                assert_eq!(headline, "Delivered", "{at}");
                assert!(when.is_some(), "{at}: when and where");
                assert_eq!(current, "Delivered", "{at}");
            }
            Scenario::SplitPartlyDelivered => {
                assert_eq!(headline, "1 of 2 shipments delivered", "{at}");
                assert_eq!(current, "Partly delivered", "{at}: not \"Shipped\"");
                assert_eq!(all_bars.len(), 3, "{at}: a bar per shipment");
                assert!(all_bars[1..].iter().any(|b| b.iter().all(|s| s.1 == "reached")), "{at}: one is delivered");
                assert!(all_bars[1..].iter().any(|b| b.iter().any(|s| s.1 == "pending")), "{at}: one is not");
            }
            Scenario::PartialShipment => {
                assert!(headline.ends_with("more items to follow"), "{at}");
                assert_eq!(current, "Partly delivered", "{at}");
                assert!(follow.iter().any(|&n| n > 0), "{at}: the items to follow are listed");
                assert!(signup.unwrap().contains("the rest of your order"), "{at}");
            }
            Scenario::Late => {
                assert_eq!(headline, "Running late", "{at}");
                assert!(promised.unwrap().starts_with("Promised for"), "{at}");
                assert!(late.is_some(), "{at}: says why");
                assert!(
                    text_of(&html, "forecast").is_some() || next.is_some(),
                    "{at}: the newest estimate or none yet"
                );
            }
            Scenario::FailedAttempt => {
                assert_eq!(headline, "Delivery attempt failed", "{at}");
                assert!(bar.iter().any(|s| s.0 == headline && s.1 == "problem" && s.2), "{at}");
                assert!(next.is_some(), "{at}: what happens next");
            }
            Scenario::ReturnedToSender | Scenario::Cancelled => {
                let expected = if scenario == Scenario::Cancelled { "Cancelled" } else { "Returned to sender" };
                assert_eq!(headline, expected, "{at}");
                assert_eq!(bar.last().map(|s| (s.0.as_str(), s.1.as_str())), Some((expected, "problem")), "{at}");
                assert!(next.is_some(), "{at}: what happens next");
                assert!(!html.contains("when your order ships"), "{at}");
            }
            Scenario::ColdChain => {
                // Northwind shows its buyers condition alerts, in numbers.
                if brand.starts_with("Northwind") {
                    assert!(html.contains("Temperature read ") && html.contains("above the 8.0 °C limit"), "{at}");
                }
                assert_eq!(current, "Shipped", "{at}");
            }
            _ => {}
        }
    }
}
