//! Links to a carrier's own pages for one parcel: where to follow it and
//! where to change its delivery. The table (`carrier_links.tsv`) is data
//! beside the status dictionary, read once.

use std::sync::OnceLock;

const TABLE: &str = include_str!("carrier_links.tsv");

struct Carrier {
    names: Vec<&'static str>,
    tracking: &'static str,
    change_delivery: Option<&'static str>,
}

fn carriers() -> &'static [Carrier] {
    static CARRIERS: OnceLock<Vec<Carrier>> = OnceLock::new();
    CARRIERS.get_or_init(|| {
        TABLE
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| {
                let mut columns = line.split('\t');
                let _code = columns.next();
                let names = columns.next().unwrap_or_default().split(',').map(str::trim).collect();
                let tracking = columns.next().unwrap_or_default();
                let change_delivery = columns.next().map(str::trim).filter(|u| !u.is_empty());
                Carrier { names, tracking, change_delivery }
            })
            .collect()
    })
}

/// The carrier a shipment's carrier name means: the whole name, else its
/// first word ("UPS Ground", "FedEx Home Delivery").
fn find(carrier: &str) -> Option<&'static Carrier> {
    let name = carrier.trim().to_lowercase();
    let first = name.split_whitespace().next().unwrap_or_default().to_string();
    carriers()
        .iter()
        .find(|c| c.names.contains(&name.as_str()))
        .or_else(|| carriers().iter().find(|c| c.names.contains(&first.as_str())))
}

/// Anything but letters and digits in a tracking number is percent-encoded,
/// so a partner's odd number cannot reshape the carrier's URL.
fn encode(number: &str) -> String {
    number
        .trim()
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The carrier's own tracking page for this parcel.
pub fn tracking_url(carrier: &str, number: &str) -> Option<String> {
    let carrier = find(carrier)?;
    (!number.trim().is_empty()).then(|| carrier.tracking.replace("{number}", &encode(number)))
}

/// Where the buyer can arrange a redelivery, a pickup or new instructions.
pub fn change_delivery_url(carrier: &str, number: &str) -> Option<String> {
    find(carrier)?.change_delivery.map(|url| url.replace("{number}", &encode(number)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_carrier_is_known_by_its_name_or_first_word() {
        assert_eq!(
            tracking_url("UPS Ground", "1Z999AA10123456784").unwrap(),
            "https://www.ups.com/track?tracknum=1Z999AA10123456784"
        );
        assert!(tracking_url("FedEx", "123").unwrap().ends_with("trknbr=123"));
        assert!(tracking_url("Canada Post", "123").unwrap().contains("searchFor=123"));
        assert_eq!(tracking_url("Acme Couriers", "123"), None);
        assert_eq!(tracking_url("UPS", " "), None);
        assert_eq!(change_delivery_url("usps", "9400").as_deref(), Some("https://tools.usps.com/redelivery.htm"));
        assert_eq!(change_delivery_url("Correios", "AA1"), None);
    }

    #[test]
    fn a_tracking_number_cannot_reshape_the_url() {
        let url = tracking_url("UPS", "1Z&x=<script>").unwrap();
        assert_eq!(url, "https://www.ups.com/track?tracknum=1Z%26x%3D%3Cscript%3E");
    }

    #[test]
    fn every_row_has_a_tracking_template() {
        for carrier in carriers() {
            assert!(carrier.tracking.starts_with("https://") && carrier.tracking.contains("{number}"));
            assert!(!carrier.names.is_empty());
        }
    }
}
