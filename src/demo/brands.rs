//! The two demo brands: tenant settings, accounts, products, addresses,
//! carriers, hubs and warehouses. Data only; `super::seed` makes orders of it.

use crate::domain::BrandColor;
use crate::store::NewTenant;

/// name, line 1, line 2, city, "region postcode" (or just postcode), time
/// zone, (latitude, longitude)
pub(super) type Address =
    (&'static str, &'static str, Option<&'static str>, &'static str, &'static str, &'static str, (f64, f64));

pub(super) struct Brand {
    pub tenant: NewTenant,
    pub prefix: &'static str,
    pub accounts: &'static [(&'static str, &'static str)],
    pub products: &'static [(&'static str, &'static str, &'static str)],
    pub addresses: &'static [Address],
    pub carriers: &'static [(&'static str, &'static str, &'static str)],
    pub hubs: &'static [&'static str],
    /// Where orders ship from: the warehouse steps carry it as their
    /// location (the KPI dashboard's ship-from and lane origin).
    pub warehouses: &'static [&'static str],
    /// Where returns go, for every site: name, line 1, city, region,
    /// postcode, country.
    pub returns_to: [&'static str; 6],
}

pub(super) fn brands() -> Vec<Brand> {
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
            warehouses: &["Columbus DC, OH, US", "Reno DC, NV, US"],
            returns_to: ["Northwind Returns, Columbus DC", "4200 Alum Creek Dr", "Columbus", "OH", "43207", "US"],
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
            warehouses: &["Daventry DC, GB"],
            returns_to: ["Bloom & Bark Returns, Daventry DC", "Royal Oak Way North", "Daventry", "", "NN11 8PQ", "GB"],
        },
    ]
}
