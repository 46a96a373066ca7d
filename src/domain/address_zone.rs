//! The time zone of a ship-to address when the sender gave none: local
//! delivery times, quiet hours and "arriving Tuesday" all depend on it, and
//! the tenant's own zone is wrong for every address outside it.
//!
//! Rules, most specific first:
//! - **United States**: the state's zone; in the states split between two
//!   zones, the ZIP code's first three digits where one zone holds most of
//!   that ZIP area's people (the Florida panhandle, El Paso, west Kentucky,
//!   middle Tennessee, north Idaho, west Nebraska and the Dakotas, the
//!   Indiana corners, Oregon's Malheur County). Arizona keeps no daylight
//!   saving time (the Navajo Nation, which does, is not modelled).
//! - **Canada** by province (Saskatchewan keeps no daylight saving time;
//!   north-western Ontario is not told apart from Toronto's zone).
//! - **Brazil** by state, or by the CEP's first digits when the state is
//!   missing; Fernando de Noronha by its CEP.
//! - **Mexico** and **Australia** by state; Spain's Canary Islands by
//!   postcode; other countries with one zone directly.
//! - Anything else (an unknown country, a region no rule knows in a country
//!   with several zones, Russia, Indonesia...) falls back to the tenant's
//!   zone, and says so.

use super::zone::TimeZone;
use chrono_tz::Tz;

/// How a zone was found, shown beside it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ZoneSource {
    /// The sender named it.
    Given,
    Postcode,
    Region,
    Country,
    TenantDefault,
}

impl ZoneSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneSource::Given => "given",
            ZoneSource::Postcode => "postcode",
            ZoneSource::Region => "region",
            ZoneSource::Country => "country",
            ZoneSource::TenantDefault => "tenant_default",
        }
    }
}

/// The zone for an address: `country` as ISO 3166-1 alpha-2 (a few common
/// names are understood too), `region` a state or province code or name.
pub fn zone_for_address(
    country: &str,
    region: Option<&str>,
    postcode: Option<&str>,
    fallback: TimeZone,
) -> (TimeZone, ZoneSource) {
    let country = country_code(country);
    let region = region.map(|r| r.trim().to_uppercase()).filter(|r| !r.is_empty());
    let digits: String = postcode.unwrap_or("").chars().filter(|c| c.is_ascii_digit()).collect();
    let found = match country.as_str() {
        "US" => us(region.as_deref(), &digits),
        "CA" => region.as_deref().and_then(canada).map(|z| (z, ZoneSource::Region)),
        "BR" => brazil(region.as_deref(), &digits),
        "MX" => Some(
            region
                .as_deref()
                .and_then(mexico)
                .map_or((Tz::America__Mexico_City, ZoneSource::Country), |z| (z, ZoneSource::Region)),
        ),
        "AU" => region.as_deref().and_then(australia).map(|z| (z, ZoneSource::Region)),
        "ES" if digits.starts_with("35") || digits.starts_with("38") => {
            Some((Tz::Atlantic__Canary, ZoneSource::Postcode))
        }
        other => single_zone(other).map(|z| (z, ZoneSource::Country)),
    };
    found.map_or((fallback, ZoneSource::TenantDefault), |(zone, source)| (TimeZone::from(zone), source))
}

fn country_code(country: &str) -> String {
    let upper = country.trim().to_uppercase();
    match upper.as_str() {
        "USA" | "UNITED STATES" | "UNITED STATES OF AMERICA" => "US".into(),
        "CAN" | "CANADA" => "CA".into(),
        "BRA" | "BRAZIL" | "BRASIL" => "BR".into(),
        "MEX" | "MEXICO" | "MÉXICO" => "MX".into(),
        "AUS" | "AUSTRALIA" => "AU".into(),
        "GBR" | "UNITED KINGDOM" | "UK" => "GB".into(),
        "DEU" | "GERMANY" => "DE".into(),
        _ => upper,
    }
}

fn us(state: Option<&str>, zip: &str) -> Option<(Tz, ZoneSource)> {
    use chrono_tz::America as A;
    let zip3: Option<u32> = zip.get(..3).and_then(|z| z.parse().ok()).filter(|_| zip.len() == 5 || zip.len() == 9);
    // Split states: the ZIP area's zone decides.
    let by_zip = zip3.and_then(|z| match z {
        324 | 325 => Some(A::Chicago),              // Florida panhandle
        798 | 799 | 885 => Some(A::Denver),         // El Paso, Hudspeth
        420..=424 => Some(A::Chicago),              // west Kentucky
        400..=418 | 425..=427 => Some(A::New_York), // Kentucky
        370..=372 | 380..=385 => Some(A::Chicago),  // middle and west Tennessee
        373..=379 => Some(A::New_York),             // east Tennessee
        463 | 464 | 476 | 477 => Some(A::Chicago),  // Indiana's north-west and south-west corners
        460..=462 | 465..=475 | 478 | 479 => Some(chrono_tz::America::Indiana::Indianapolis),
        835 | 838 => Some(A::Los_Angeles), // north Idaho: Lewiston, Coeur d'Alene, Moscow
        832..=834 | 836 | 837 => Some(A::Boise),
        979 => Some(A::Boise),  // Malheur County, Oregon
        577 => Some(A::Denver), // west South Dakota
        693 => Some(A::Denver), // the Nebraska panhandle
        586 => Some(A::Denver), // south-west North Dakota
        _ => None,
    });
    if let Some(zone) = by_zip {
        return Some((zone, ZoneSource::Postcode));
    }
    let zone = match state? {
        "CT" | "DE" | "DC" | "GA" | "ME" | "MD" | "MA" | "NH" | "NJ" | "NY" | "NC" | "OH" | "PA" | "RI" | "SC"
        | "VT" | "VA" | "WV" | "FL" | "KY" => A::New_York,
        "MI" => A::Detroit,
        "IN" => chrono_tz::America::Indiana::Indianapolis,
        "AL" | "AR" | "IL" | "IA" | "LA" | "MN" | "MS" | "MO" | "OK" | "WI" | "TX" | "TN" | "KS" | "NE" | "SD"
        | "ND" => A::Chicago,
        "CO" | "MT" | "NM" | "UT" | "WY" => A::Denver,
        "ID" => A::Boise,
        "AZ" => A::Phoenix,
        "CA" | "NV" | "OR" | "WA" => A::Los_Angeles,
        "AK" => A::Anchorage,
        "HI" => chrono_tz::Pacific::Honolulu,
        "PR" => A::Puerto_Rico,
        "VI" => A::St_Thomas,
        "GU" | "MP" => chrono_tz::Pacific::Guam,
        "AS" => chrono_tz::Pacific::Pago_Pago,
        name => return us_state_name(name).and_then(|code| us(Some(code), "")),
    };
    Some((zone, ZoneSource::Region))
}

fn us_state_name(name: &str) -> Option<&'static str> {
    const NAMES: [(&str, &str); 51] = [
        ("ALABAMA", "AL"),
        ("ALASKA", "AK"),
        ("ARIZONA", "AZ"),
        ("ARKANSAS", "AR"),
        ("CALIFORNIA", "CA"),
        ("COLORADO", "CO"),
        ("CONNECTICUT", "CT"),
        ("DELAWARE", "DE"),
        ("DISTRICT OF COLUMBIA", "DC"),
        ("FLORIDA", "FL"),
        ("GEORGIA", "GA"),
        ("HAWAII", "HI"),
        ("IDAHO", "ID"),
        ("ILLINOIS", "IL"),
        ("INDIANA", "IN"),
        ("IOWA", "IA"),
        ("KANSAS", "KS"),
        ("KENTUCKY", "KY"),
        ("LOUISIANA", "LA"),
        ("MAINE", "ME"),
        ("MARYLAND", "MD"),
        ("MASSACHUSETTS", "MA"),
        ("MICHIGAN", "MI"),
        ("MINNESOTA", "MN"),
        ("MISSISSIPPI", "MS"),
        ("MISSOURI", "MO"),
        ("MONTANA", "MT"),
        ("NEBRASKA", "NE"),
        ("NEVADA", "NV"),
        ("NEW HAMPSHIRE", "NH"),
        ("NEW JERSEY", "NJ"),
        ("NEW MEXICO", "NM"),
        ("NEW YORK", "NY"),
        ("NORTH CAROLINA", "NC"),
        ("NORTH DAKOTA", "ND"),
        ("OHIO", "OH"),
        ("OKLAHOMA", "OK"),
        ("OREGON", "OR"),
        ("PENNSYLVANIA", "PA"),
        ("RHODE ISLAND", "RI"),
        ("SOUTH CAROLINA", "SC"),
        ("SOUTH DAKOTA", "SD"),
        ("TENNESSEE", "TN"),
        ("TEXAS", "TX"),
        ("UTAH", "UT"),
        ("VERMONT", "VT"),
        ("VIRGINIA", "VA"),
        ("WASHINGTON", "WA"),
        ("WEST VIRGINIA", "WV"),
        ("WISCONSIN", "WI"),
        ("WYOMING", "WY"),
    ];
    NAMES.iter().find(|(n, _)| *n == name).map(|(_, code)| *code)
}

fn canada(province: &str) -> Option<Tz> {
    use chrono_tz::America as A;
    Some(match province {
        "BC" | "BRITISH COLUMBIA" => A::Vancouver,
        "YT" | "YUKON" => A::Whitehorse,
        "AB" | "ALBERTA" | "NT" | "NORTHWEST TERRITORIES" => A::Edmonton,
        "SK" | "SASKATCHEWAN" => A::Regina,
        "MB" | "MANITOBA" => A::Winnipeg,
        "ON" | "ONTARIO" | "QC" | "QUEBEC" | "QUÉBEC" | "NU" | "NUNAVUT" => A::Toronto,
        "NB" | "NEW BRUNSWICK" | "NS" | "NOVA SCOTIA" | "PE" | "PRINCE EDWARD ISLAND" => A::Halifax,
        "NL" | "NEWFOUNDLAND AND LABRADOR" | "NEWFOUNDLAND" => A::St_Johns,
        _ => return None,
    })
}

fn brazil(state: Option<&str>, cep: &str) -> Option<(Tz, ZoneSource)> {
    use chrono_tz::America as A;
    if cep.starts_with("53990") {
        return Some((chrono_tz::America::Noronha, ZoneSource::Postcode));
    }
    let by_state = |uf: &str| -> Option<Tz> {
        Some(match uf {
            "SP" | "RJ" | "ES" | "MG" | "PR" | "SC" | "RS" | "GO" | "DF" => A::Sao_Paulo,
            "BA" => A::Bahia,
            "SE" | "AL" => A::Maceio,
            "PE" | "PB" | "RN" => A::Recife,
            "CE" | "PI" | "MA" => A::Fortaleza,
            "PA" | "AP" => A::Belem,
            "TO" => A::Araguaina,
            "MT" => A::Cuiaba,
            "MS" => A::Campo_Grande,
            "AM" => A::Manaus,
            "RR" => A::Boa_Vista,
            "RO" => A::Porto_Velho,
            "AC" => A::Rio_Branco,
            _ => return None,
        })
    };
    let state_code = state.map(|s| brazil_state_code(s).unwrap_or(s).to_string());
    if let Some(zone) = state_code.as_deref().and_then(by_state) {
        return Some((zone, ZoneSource::Region));
    }
    // The CEP's first digits give the state.
    let prefix: u32 = cep.get(..5).filter(|_| cep.len() == 8).and_then(|p| p.parse().ok())?;
    let uf = match prefix / 1000 {
        1..=19 => "SP",
        20..=28 => "RJ",
        29 => "ES",
        30..=39 => "MG",
        40..=48 => "BA",
        49 => "SE",
        50..=56 => "PE",
        57 => "AL",
        58 => "PB",
        59 => "RN",
        60..=63 => "CE",
        64 => "PI",
        65 => "MA",
        66..=68 if (68900..=68999).contains(&prefix) => "AP",
        66..=68 => "PA",
        69 if (69300..=69399).contains(&prefix) => "RR",
        69 if (69900..=69999).contains(&prefix) => "AC",
        69 => "AM",
        70..=73 => "DF",
        76 if prefix >= 76800 => "RO",
        74..=76 => "GO",
        77 => "TO",
        78 => "MT",
        79 => "MS",
        80..=87 => "PR",
        88 | 89 => "SC",
        90..=99 => "RS",
        _ => return None,
    };
    by_state(uf).map(|z| (z, ZoneSource::Postcode))
}

fn brazil_state_code(name: &str) -> Option<&'static str> {
    const NAMES: [(&str, &str); 12] = [
        ("SÃO PAULO", "SP"),
        ("SAO PAULO", "SP"),
        ("RIO DE JANEIRO", "RJ"),
        ("MINAS GERAIS", "MG"),
        ("BAHIA", "BA"),
        ("PARANÁ", "PR"),
        ("PARANA", "PR"),
        ("RIO GRANDE DO SUL", "RS"),
        ("AMAZONAS", "AM"),
        ("PERNAMBUCO", "PE"),
        ("CEARÁ", "CE"),
        ("CEARA", "CE"),
    ];
    NAMES.iter().find(|(n, _)| *n == name).map(|(_, code)| *code)
}

fn mexico(state: &str) -> Option<Tz> {
    use chrono_tz::America as A;
    Some(match state {
        "BC" | "BAJA CALIFORNIA" => A::Tijuana,
        "SON" | "SONORA" => A::Hermosillo,
        "BCS" | "BAJA CALIFORNIA SUR" | "SIN" | "SINALOA" | "NAY" | "NAYARIT" => A::Mazatlan,
        "CHIH" | "CHIHUAHUA" => A::Chihuahua,
        "QROO" | "Q ROO" | "QUINTANA ROO" => A::Cancun,
        _ => return None,
    })
}

fn australia(state: &str) -> Option<Tz> {
    use chrono_tz::Australia as Au;
    Some(match state {
        "NSW" | "NEW SOUTH WALES" | "ACT" | "AUSTRALIAN CAPITAL TERRITORY" => Au::Sydney,
        "VIC" | "VICTORIA" => Au::Melbourne,
        "TAS" | "TASMANIA" => Au::Hobart,
        "QLD" | "QUEENSLAND" => Au::Brisbane,
        "SA" | "SOUTH AUSTRALIA" => Au::Adelaide,
        "WA" | "WESTERN AUSTRALIA" => Au::Perth,
        "NT" | "NORTHERN TERRITORY" => Au::Darwin,
        _ => return None,
    })
}

/// Countries that keep one zone (for deliveries: overseas territories and
/// islands with their own postcodes aside).
fn single_zone(country: &str) -> Option<Tz> {
    use chrono_tz::{Africa as Af, America as A, Asia as As, Europe as E};
    Some(match country {
        "GB" => E::London,
        "IE" => E::Dublin,
        "PT" => E::Lisbon,
        "ES" => E::Madrid,
        "FR" => E::Paris,
        "DE" => E::Berlin,
        "NL" => E::Amsterdam,
        "BE" => E::Brussels,
        "LU" => E::Luxembourg,
        "CH" => E::Zurich,
        "AT" => E::Vienna,
        "IT" => E::Rome,
        "DK" => E::Copenhagen,
        "NO" => E::Oslo,
        "SE" => E::Stockholm,
        "FI" => E::Helsinki,
        "PL" => E::Warsaw,
        "CZ" => E::Prague,
        "SK" => E::Bratislava,
        "HU" => E::Budapest,
        "RO" => E::Bucharest,
        "BG" => E::Sofia,
        "GR" => E::Athens,
        "TR" => E::Istanbul,
        "IL" => As::Jerusalem,
        "AE" => As::Dubai,
        "SA" => As::Riyadh,
        "QA" => As::Qatar,
        "EG" => Af::Cairo,
        "ZA" => Af::Johannesburg,
        "NG" => Af::Lagos,
        "KE" => Af::Nairobi,
        "MA" => Af::Casablanca,
        "IN" => As::Kolkata,
        "PK" => As::Karachi,
        "BD" => As::Dhaka,
        "SG" => As::Singapore,
        "MY" => As::Kuala_Lumpur,
        "TH" => As::Bangkok,
        "VN" => As::Ho_Chi_Minh,
        "PH" => As::Manila,
        "JP" => As::Tokyo,
        "KR" => As::Seoul,
        "CN" => As::Shanghai,
        "HK" => As::Hong_Kong,
        "TW" => As::Taipei,
        "NZ" => chrono_tz::Pacific::Auckland,
        "AR" => chrono_tz::America::Argentina::Buenos_Aires,
        "CL" => A::Santiago,
        "CO" => A::Bogota,
        "PE" => A::Lima,
        "EC" => A::Guayaquil,
        "UY" => A::Montevideo,
        "PY" => A::Asuncion,
        "VE" => A::Caracas,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(country: &str, region: Option<&str>, postcode: Option<&str>) -> (&'static str, ZoneSource) {
        let (zone, source) = zone_for_address(country, region, postcode, TimeZone::UTC);
        (zone.name(), source)
    }

    #[test]
    fn us_states_and_the_split_ones_by_zip() {
        use ZoneSource::*;
        assert_eq!(zone("US", Some("CO"), Some("80202")), ("America/Denver", Region));
        assert_eq!(zone("us", Some("texas"), Some("78701")), ("America/Chicago", Region));
        assert_eq!(zone("US", Some("TX"), Some("79901")), ("America/Denver", Postcode), "El Paso");
        assert_eq!(zone("US", Some("FL"), Some("32501")), ("America/Chicago", Postcode), "Pensacola");
        assert_eq!(zone("US", Some("FL"), Some("33101")), ("America/New_York", Region), "Miami");
        assert_eq!(zone("US", Some("TN"), Some("37203")), ("America/Chicago", Postcode), "Nashville");
        assert_eq!(zone("US", Some("TN"), Some("37902")), ("America/New_York", Postcode), "Knoxville");
        assert_eq!(zone("US", Some("KY"), Some("42001")), ("America/Chicago", Postcode), "Paducah");
        assert_eq!(zone("US", Some("KY"), Some("40202")), ("America/New_York", Postcode), "Louisville");
        assert_eq!(zone("US", Some("IN"), Some("46320")), ("America/Chicago", Postcode), "Hammond");
        assert_eq!(zone("US", Some("ID"), Some("83814")), ("America/Los_Angeles", Postcode), "Coeur d'Alene");
        assert_eq!(zone("US", Some("ID"), None), ("America/Boise", Region));
        assert_eq!(zone("US", Some("OR"), Some("97914")), ("America/Boise", Postcode), "Ontario, OR");
        assert_eq!(zone("US", Some("AZ"), Some("85001")), ("America/Phoenix", Region));
        assert_eq!(zone("USA", Some("HI"), Some("96813-1234")), ("Pacific/Honolulu", Region));
        assert_eq!(zone("United States", Some("New York"), None), ("America/New_York", Region));
        // A ZIP+4 is nine digits; a foreign postcode is not a ZIP.
        assert_eq!(zone("US", Some("NE"), Some("69361")), ("America/Denver", Postcode), "Scottsbluff");
        assert_eq!(zone("US", Some("NE"), Some("69101")), ("America/Chicago", Region), "North Platte keeps Central");
        assert_eq!(zone("US", Some("ID"), Some("83702")), ("America/Boise", Postcode), "Boise");
        assert_eq!(zone("BR", None, Some("76801-000")), ("America/Porto_Velho", Postcode), "Rondônia");
        assert_eq!(zone("US", None, Some("1234")), ("UTC", TenantDefault));
    }

    #[test]
    fn canada_brazil_mexico_australia_and_one_zone_countries() {
        use ZoneSource::*;
        assert_eq!(zone("CA", Some("SK"), None), ("America/Regina", Region));
        assert_eq!(zone("Canada", Some("Ontario"), Some("M5V 2T6")), ("America/Toronto", Region));
        assert_eq!(zone("CA", Some("NL"), None), ("America/St_Johns", Region));
        assert_eq!(zone("CA", None, None), ("UTC", TenantDefault));
        assert_eq!(zone("BR", Some("SP"), Some("01310-100")), ("America/Sao_Paulo", Region));
        assert_eq!(zone("Brasil", Some("São Paulo"), None), ("America/Sao_Paulo", Region));
        assert_eq!(zone("BR", Some("AM"), None), ("America/Manaus", Region));
        assert_eq!(zone("BR", None, Some("69301-000")), ("America/Boa_Vista", Postcode));
        assert_eq!(zone("BR", None, Some("68900-000")), ("America/Belem", Postcode), "Amapá");
        assert_eq!(zone("BR", None, Some("78005-000")), ("America/Cuiaba", Postcode));
        assert_eq!(zone("BR", Some("PE"), Some("53990-000")), ("America/Noronha", Postcode));
        assert_eq!(zone("MX", Some("BC"), None), ("America/Tijuana", Region));
        assert_eq!(zone("MX", Some("JAL"), None), ("America/Mexico_City", Country));
        assert_eq!(zone("AU", Some("WA"), None), ("Australia/Perth", Region));
        assert_eq!(zone("AU", None, None), ("UTC", TenantDefault));
        assert_eq!(zone("ES", None, Some("38001")), ("Atlantic/Canary", Postcode));
        assert_eq!(zone("ES", None, Some("28001")), ("Europe/Madrid", Country));
        assert_eq!(zone("de", None, None), ("Europe/Berlin", Country));
        assert_eq!(zone("GB", Some("Greater London"), Some("SW1A 1AA")), ("Europe/London", Country));
    }

    #[test]
    fn anything_else_is_the_tenants_zone_and_nothing_panics() {
        let chicago = TimeZone::parse("America/Chicago").unwrap();
        assert_eq!(zone_for_address("RU", Some("Moscow"), None, chicago), (chicago, ZoneSource::TenantDefault));
        for junk in ["", " ", "ÿÿ", "U", "US\u{0}", "ZZZZZZZZ"] {
            let _ = zone_for_address(junk, Some(junk), Some(junk), chicago);
        }
        // Every state code has a zone of its own.
        for state in [
            "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
            "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
            "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR",
        ] {
            assert_eq!(zone("US", Some(state), None).1, ZoneSource::Region, "{state}");
        }
    }
}
